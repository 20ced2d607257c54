import { useEffect, useState } from 'react';
import { useI18n } from '../i18n.js';
import { DocumentHistory } from './DocumentHistory.js';
import { Field } from './Field.js';
import { fieldErrors, get, post, send } from './http.js';

interface Server {
  name: string;
  kind?: string;
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
  location: 'local' | 'external';
}
interface Models {
  deidentification: 'deidentified' | 'never';
  servers: Server[];
}
interface Current {
  source: 'settings' | 'environment' | 'none';
  version?: number;
  value?: Models;
}
interface TestResult {
  ok: boolean;
  latencyMs: number;
  reply?: string;
  error?: string;
}

const KINDS = ['', 'deepseek', 'openai-compatible', 'vllm', 'sglang', 'ollama', 'llamacpp-server'];
const NEW_SERVER: Server = { name: 'server', baseUrl: '', model: '', timeoutMs: 60000, location: 'external' };

/** The model servers, each with a test button, and what leaves the hospital (the de-identification policy). */
export function ModelsSection() {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const [form, setForm] = useState<Models>({ deidentification: 'deidentified', servers: [] });
  const [current, setCurrent] = useState<Current>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string>();
  const [tests, setTests] = useState<Record<number, TestResult | 'running'>>({});
  const [n, setN] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads again on an explicit counter (after a save) or a remount
  useEffect(() => {
    get<Current>('/api/admin/settings/models').then(
      (c) => {
        setCurrent(c);
        setForm(c.value ?? { deidentification: 'deidentified', servers: [] });
      },
      (e: Error) => setMessage(e.message),
    );
  }, [n]);

  const setServer = (i: number, patch: Partial<Server>) =>
    setForm({ ...form, servers: form.servers.map((s, j) => (j === i ? { ...s, ...patch } : s)) });
  const save = async () => {
    setErrors({});
    setMessage(undefined);
    try {
      const saved = await send<Current>('PUT', '/api/admin/settings/models', {
        ...form,
        servers: form.servers.map(({ kind, ...s }) => (kind ? { ...s, kind } : s)),
      });
      setMessage(
        zh
          ? `已保存为 v${saved.version}；重启服务后生效`
          : `Saved as v${saved.version}; applies when the server restarts`,
      );
      setN((x) => x + 1);
    } catch (e) {
      const byField = fieldErrors(e);
      setErrors(byField);
      // Shown beside the fields when it names them; here otherwise.
      setMessage(Object.keys(byField).length ? undefined : (e as Error).message);
    }
  };
  const test = async (i: number) => {
    setTests((t) => ({ ...t, [i]: 'running' }));
    const { kind, ...s } = form.servers[i]!;
    try {
      const r = await post<TestResult>('/api/admin/models/test', { server: kind ? { ...s, kind } : s });
      setTests((t) => ({ ...t, [i]: r }));
    } catch (e) {
      setTests((t) => ({ ...t, [i]: { ok: false, latencyMs: 0, error: (e as Error).message } }));
    }
  };

  return (
    <section aria-label={zh ? '模型' : 'Models'}>
      <p className="muted">
        {current?.source === 'settings'
          ? zh
            ? `当前：v${current.version}（工作台设置，优先于环境变量）`
            : `Current: v${current.version} (workspace setting, overrides the environment)`
          : zh
            ? '当前来自环境变量（MEDSEEK_LLM_*、DEEPSEEK_API_KEY）；保存后以此处为准。'
            : 'Currently from the environment (MEDSEEK_LLM_*, DEEPSEEK_API_KEY); once saved here, this applies.'}
      </p>
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Field
          label={zh ? '去标识化策略' : 'De-identification policy'}
          error={errors.deidentification}
          hint={
            zh
              ? '院外服务器收到的可识别患者的文本'
              : 'what servers outside the hospital receive of text that may identify a patient'
          }
        >
          <select
            value={form.deidentification}
            onChange={(e) => setForm({ ...form, deidentification: e.target.value as Models['deidentification'] })}
          >
            <option value="deidentified">{zh ? '去标识化后发送' : 'Send de-identified'}</option>
            <option value="never">{zh ? '从不发送（仅院内模型）' : 'Never send (hospital models only)'}</option>
          </select>
        </Field>
        {form.servers.map((s, i) => {
          const e = (f: string) => errors[`servers[${i}].${f}`];
          const t = tests[i];
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: the name is edited in place; the position is the identity while editing
            <fieldset key={i} className="card">
              <legend>{s.name || `#${i + 1}`}</legend>
              <Field label={zh ? '名称' : 'Name'} error={e('name')}>
                <input value={s.name} onChange={(ev) => setServer(i, { name: ev.target.value })} />
              </Field>
              <Field label={zh ? '服务器地址' : 'Base URL'} error={e('baseUrl')}>
                <input
                  value={s.baseUrl}
                  onChange={(ev) => setServer(i, { baseUrl: ev.target.value })}
                  placeholder="http://10.0.0.5:8000/v1"
                  size={40}
                />
              </Field>
              <Field label={zh ? '类型' : 'Kind'} error={e('kind')}>
                <select
                  value={s.kind ?? ''}
                  onChange={(ev) => setServer(i, { kind: ev.target.value || undefined } as Partial<Server>)}
                >
                  {KINDS.map((k) => (
                    <option key={k} value={k}>
                      {k || (zh ? '按端口推断' : 'guess from port')}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={zh ? '模型名' : 'Model'} error={e('model')}>
                <input value={s.model} onChange={(ev) => setServer(i, { model: ev.target.value })} />
              </Field>
              <Field
                label="API key"
                error={e('apiKey')}
                hint={zh ? '只显示末四位；不改则保持' : 'only the last four characters are shown; unchanged keeps it'}
              >
                <input
                  type="password"
                  autoComplete="off"
                  value={s.apiKey ?? ''}
                  onChange={(ev) => setServer(i, { apiKey: ev.target.value })}
                />
              </Field>
              <Field label={zh ? '超时（毫秒）' : 'Timeout (ms)'} error={e('timeoutMs')}>
                <input
                  type="number"
                  value={s.timeoutMs}
                  onChange={(ev) => setServer(i, { timeoutMs: Number(ev.target.value) })}
                />
              </Field>
              <Field label={zh ? '部署位置' : 'Where it runs'} error={e('location')}>
                <select
                  value={s.location}
                  onChange={(ev) => setServer(i, { location: ev.target.value as Server['location'] })}
                >
                  <option value="local">
                    {zh ? '院内（可接收完整文本）' : 'Inside the hospital (receives full text)'}
                  </option>
                  <option value="external">{zh ? '院外（按去标识化策略）' : 'Outside (the policy applies)'}</option>
                </select>
              </Field>
              <button type="button" onClick={() => void test(i)} disabled={t === 'running'}>
                {zh ? '测试连接' : 'Test'}
              </button>{' '}
              <button
                type="button"
                onClick={() => setForm({ ...form, servers: form.servers.filter((_, j) => j !== i) })}
              >
                {zh ? '删除' : 'Remove'}
              </button>
              {t && t !== 'running' && (
                <span role="status" className={t.ok ? 'muted' : 'error-inline'}>
                  {' '}
                  {t.ok
                    ? `${zh ? '正常' : 'OK'} · ${t.latencyMs} ms · “${t.reply ?? ''}”`
                    : `${zh ? '失败' : 'Failed'} · ${t.error ?? ''}`}
                </span>
              )}
            </fieldset>
          );
        })}
        <button
          type="button"
          onClick={() =>
            setForm({
              ...form,
              servers: [...form.servers, { ...NEW_SERVER, name: `server-${form.servers.length + 1}` }],
            })
          }
        >
          {zh ? '添加服务器' : 'Add server'}
        </button>{' '}
        <button type="submit">{zh ? '保存' : 'Save'}</button>
        {message && (
          <span className="muted" role="status">
            {' '}
            {message}
          </span>
        )}
      </form>
      <DocumentHistory<Models> group="models" reloadKey={n} onReverted={() => setN((x) => x + 1)} />
    </section>
  );
}
