import { useEffect, useState } from 'react';
import { term, useI18n } from '../i18n.js';
import { Diff } from './DocumentHistory.js';
import { Field, when } from './Field.js';
import { fieldErrors, get, post, send } from './http.js';
import { rulePrefill } from './rule-prefill.js';

interface RuleSetting {
  enabled?: boolean;
  severity?: string;
  params?: Record<string, unknown>;
}
interface Rule {
  id: string;
  kind: 'safety' | 'qc';
  group: string;
  title: { en?: string; zh: string };
  defaultSeverity: string;
  defaultEnabled: boolean;
  defaults: Record<string, unknown>;
  setting?: RuleSetting;
}
interface RuleVersion {
  version: number;
  ruleId: string;
  after: RuleSetting;
  before?: RuleSetting;
  changedBy?: string;
  changedAt: string;
}

const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'];

/** Safety and record-QC rules of one hospital: switch on/off, severity, thresholds; every change kept with who made it. */
export function RulesSection() {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const [hospital, setHospital] = useState('default');
  const [rules, setRules] = useState<Rule[]>([]);
  const [hospitals, setHospitals] = useState<string[]>(['default']);
  const [filter, setFilter] = useState('');
  // Opened from a suggestion (alert burden): that rule's editor, its suggested value filled in, nothing saved.
  const [selected, setSelected] = useState<string | undefined>(() => rulePrefill().rule);
  const [error, setError] = useState<string>();
  const [n, setN] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads again on an explicit counter (after a save) or a remount
  useEffect(() => {
    get<{ rules: Rule[]; hospitals: string[] }>(
      `/api/admin/settings/rules?hospital=${encodeURIComponent(hospital)}`,
    ).then(
      (r) => {
        setRules(r.rules);
        setHospitals(r.hospitals);
        setError(undefined);
      },
      (e: Error) => setError(e.message),
    );
  }, [hospital, n]);
  const q = filter.trim().toLowerCase();
  const shown = rules.filter(
    (r) => !q || `${r.id} ${r.title.zh} ${r.title.en ?? ''} ${r.group}`.toLowerCase().includes(q),
  );
  const rule = rules.find((r) => r.id === selected);

  return (
    <section aria-label={zh ? '规则' : 'Rules'}>
      <div className="card">
        <Field label={zh ? '医院' : 'Hospital'} error={error}>
          <input list="hospitals" value={hospital} onChange={(e) => setHospital(e.target.value || 'default')} />
          <datalist id="hospitals">
            {hospitals.map((h) => (
              <option key={h} value={h} />
            ))}
          </datalist>
        </Field>
        <Field label={zh ? '查找规则' : 'Find a rule'}>
          <input
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder={zh ? 'T09、CV-K、华法林…' : 'T09, CV-K, warfarin…'}
          />
        </Field>
      </div>
      {rule && (
        <RuleEditor
          key={`${hospital}/${rule.id}/${n}`}
          rule={rule}
          hospital={hospital}
          onSaved={() => setN((x) => x + 1)}
        />
      )}
      <table className="calls">
        <thead>
          <tr>
            <th>{zh ? '规则' : 'Rule'}</th>
            <th>{zh ? '名称' : 'Title'}</th>
            <th>{zh ? '启用' : 'On'}</th>
            <th>{zh ? '级别' : 'Severity'}</th>
            <th>{zh ? '参数' : 'Parameters'}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.id} aria-selected={r.id === selected}>
              <td>
                <code>{r.id}</code>{' '}
                <span className="muted">
                  {r.kind === 'qc' ? (zh ? '质控' : 'QC') : term('ruleGroup', r.group, lang)}
                </span>
              </td>
              <td>{zh ? r.title.zh : (r.title.en ?? r.title.zh)}</td>
              <td>{(r.setting?.enabled ?? r.defaultEnabled) ? '✓' : '—'}</td>
              <td>{term('severity', r.setting?.severity ?? r.defaultSeverity, lang)}</td>
              <td>
                <code>{JSON.stringify({ ...r.defaults, ...(r.setting?.params ?? {}) }).slice(0, 80)}</code>
                {r.setting && <strong> *</strong>}
              </td>
              <td>
                <button type="button" onClick={() => setSelected(r.id)} aria-label={`${zh ? '编辑' : 'Edit'} ${r.id}`}>
                  {zh ? '编辑' : 'Edit'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function RuleEditor({ rule, hospital, onSaved }: { rule: Rule; hospital: string; onSaved: () => void }) {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const s = rule.setting ?? {};
  const [enabled, setEnabled] = useState<'' | 'on' | 'off'>(s.enabled === undefined ? '' : s.enabled ? 'on' : 'off');
  const [severity, setSeverity] = useState(s.severity ?? '');
  // Each parameter edited as text: numbers as numbers, lists and objects as JSON.
  const suggested = rulePrefill();
  const [params, setParams] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      Object.keys(rule.defaults).map((k) => [
        k,
        suggested.rule === rule.id && suggested.param === k && suggested.value !== undefined
          ? suggested.value
          : s.params?.[k] === undefined
            ? ''
            : typeof s.params[k] === 'object'
              ? JSON.stringify(s.params[k])
              : String(s.params[k]),
      ]),
    ),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string>();
  const [history, setHistory] = useState<RuleVersion[]>([]);
  const path = (p: string) =>
    `/api/admin/settings/rules${p}${p.includes('?') ? '&' : '?'}hospital=${encodeURIComponent(hospital)}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads again on an explicit counter (after a save) or a remount
  useEffect(() => {
    get<{ versions: RuleVersion[] }>(path(`/history?rule=${encodeURIComponent(rule.id)}`)).then(
      (r) => setHistory(r.versions),
      () => setHistory([]),
    );
  }, []);

  const save = async () => {
    setErrors({});
    const out: Record<string, unknown> = {};
    const bad: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) {
      if (!v.trim()) continue;
      const d = rule.defaults[k];
      if (typeof d === 'number' || d === null) {
        const num = Number(v);
        if (Number.isNaN(num)) bad[`params.${k}`] = zh ? '需要数字' : 'must be a number';
        else out[k] = num;
      } else if (typeof d === 'object' || v.trim().startsWith('[') || v.trim().startsWith('{')) {
        try {
          out[k] = JSON.parse(v);
        } catch {
          bad[`params.${k}`] = zh ? '不是有效的 JSON' : 'not valid JSON';
        }
      } else if (typeof d === 'boolean') out[k] = v === 'true';
      else out[k] = v;
    }
    if (Object.keys(bad).length) return setErrors(bad);
    const body = {
      ...(enabled ? { enabled: enabled === 'on' } : {}),
      ...(severity ? { severity } : {}),
      ...(Object.keys(out).length ? { params: out } : {}),
    };
    try {
      const v = await send<RuleVersion>('PUT', path(`/${encodeURIComponent(rule.id)}`), body);
      setMessage(zh ? `已保存为版本 ${v.version}` : `Saved as version ${v.version}`);
      onSaved();
    } catch (e) {
      const byField = fieldErrors(e);
      setErrors(byField);
      // Shown beside the fields when it names them; here otherwise.
      setMessage(Object.keys(byField).length ? undefined : (e as Error).message);
    }
  };
  const revert = async (version: number) => {
    try {
      await post(path('/revert').replace(/\?hospital=.*$/, ''), { version });
      onSaved();
    } catch (e) {
      setMessage((e as Error).message);
    }
  };

  return (
    <section className="card" aria-label={`${zh ? '规则设置' : 'Rule setting'} ${rule.id}`}>
      <h3>
        {rule.id} · {zh ? rule.title.zh : (rule.title.en ?? rule.title.zh)} <span className="muted">({hospital})</span>
      </h3>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Field label={zh ? '启用' : 'Enabled'} error={errors.enabled}>
          <select value={enabled} onChange={(e) => setEnabled(e.target.value as typeof enabled)}>
            <option value="">{`${zh ? '默认' : 'default'} (${rule.defaultEnabled ? (zh ? '开' : 'on') : zh ? '关' : 'off'})`}</option>
            <option value="on">{zh ? '开' : 'on'}</option>
            <option value="off">{zh ? '关' : 'off'}</option>
          </select>
        </Field>
        <Field label={zh ? '级别' : 'Severity'} error={errors.severity}>
          <select value={severity} onChange={(e) => setSeverity(e.target.value)}>
            <option value="">{`${zh ? '默认' : 'default'} (${rule.defaultSeverity})`}</option>
            {SEVERITIES.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </Field>
        {Object.entries(rule.defaults).map(([k, d]) => (
          <Field
            key={k}
            label={k}
            error={errors[`params.${k}`]}
            hint={`${zh ? '默认' : 'default'}: ${JSON.stringify(d).slice(0, 60)}`}
          >
            <input
              value={params[k] ?? ''}
              onChange={(e) => setParams({ ...params, [k]: e.target.value })}
              size={typeof d === 'object' && d !== null ? 50 : 10}
            />
          </Field>
        ))}
        {errors.params && <p className="error-inline">{errors.params}</p>}
        <button type="submit">{zh ? '保存' : 'Save'}</button>
        {message && (
          <span className="muted" role="status">
            {' '}
            {message}
          </span>
        )}
      </form>
      <h3>{zh ? '修改历史' : 'History'}</h3>
      {history.length === 0 && (
        <p className="muted">{zh ? '未修改过（使用默认值）。' : 'Never changed (defaults apply).'}</p>
      )}
      <ol className="history" style={{ listStyle: 'none', paddingLeft: 0 }}>
        {history.map((v, i) => (
          <li key={v.version}>
            <strong>{zh ? `版本 ${v.version}` : `version ${v.version}`}</strong> · {when(v.changedAt)} ·{' '}
            {v.changedBy ?? '?'}
            {i > 0 && (
              <button type="button" style={{ marginLeft: 8 }} onClick={() => void revert(v.version)}>
                {zh ? `恢复版本 ${v.version}` : `Restore version ${v.version}`}
              </button>
            )}
            <Diff before={v.before ?? {}} after={v.after} />
          </li>
        ))}
      </ol>
    </section>
  );
}
