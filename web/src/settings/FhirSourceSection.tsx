import { useEffect, useState } from 'react';
import { useI18n } from '../i18n.js';
import { DocumentHistory } from './DocumentHistory.js';
import { Field } from './Field.js';
import { fieldErrors, get, send } from './http.js';

type Auth =
  | { type: 'none' }
  | { type: 'bearer'; token?: string }
  | { type: 'client-credentials'; tokenUrl: string; clientId: string; clientSecret?: string; scope?: string };
interface FhirSource {
  baseUrl: string;
  auth: Auth;
  pull: { patients?: string[]; pageSize: number; useEverything: boolean; timeoutMs: number };
}
interface Current {
  source: 'settings' | 'environment' | 'none';
  version?: number;
  value?: FhirSource;
}

const EMPTY: FhirSource = {
  baseUrl: '',
  auth: { type: 'none' },
  pull: { pageSize: 100, useEverything: true, timeoutMs: 30000 },
};

/** The hospital FHIR server MedSeek pulls patients from: address, authentication, what to pull. */
export function FhirSourceSection() {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const [form, setForm] = useState<FhirSource>(EMPTY);
  const [current, setCurrent] = useState<Current>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string>();
  const [n, setN] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads again on an explicit counter (after a save) or a remount
  useEffect(() => {
    get<Current>('/api/admin/settings/fhirSource').then(
      (c) => {
        setCurrent(c);
        setForm(c.value ?? EMPTY);
      },
      (e: Error) => setMessage(e.message),
    );
  }, [n]);

  const auth = form.auth;
  const setAuth = (a: Auth) => setForm({ ...form, auth: a });
  const save = async () => {
    setErrors({});
    setMessage(undefined);
    try {
      const saved = await send<Current>('PUT', '/api/admin/settings/fhirSource', form);
      setMessage(zh ? `已保存为 v${saved.version}` : `Saved as v${saved.version}`);
      setN((x) => x + 1);
    } catch (e) {
      const byField = fieldErrors(e);
      setErrors(byField);
      // Shown beside the fields when it names them; here otherwise.
      setMessage(Object.keys(byField).length ? undefined : (e as Error).message);
    }
  };

  return (
    <section aria-label={zh ? 'FHIR 数据源' : 'FHIR source'}>
      <p className="muted">
        {current?.source === 'settings'
          ? zh
            ? `当前：v${current.version}（工作台设置，优先于环境变量）`
            : `Current: v${current.version} (workspace setting, overrides the environment)`
          : current?.source === 'environment'
            ? zh
              ? '当前来自环境变量 MEDSEEK_PULL_FHIR；保存后以此处为准。'
              : 'Currently from MEDSEEK_PULL_FHIR; once saved here, this applies.'
            : zh
              ? '尚未配置。'
              : 'Not configured yet.'}
      </p>
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Field label={zh ? 'FHIR 服务器地址' : 'FHIR base URL'} error={errors.baseUrl}>
          <input
            value={form.baseUrl}
            onChange={(e) => setForm({ ...form, baseUrl: e.target.value })}
            placeholder="https://ehr.hospital/fhir"
            size={48}
          />
        </Field>
        <Field label={zh ? '认证方式' : 'Authentication'} error={errors['auth.type']}>
          <select
            value={auth.type}
            onChange={(e) => {
              const t = e.target.value as Auth['type'];
              setAuth(
                t === 'none'
                  ? { type: 'none' }
                  : t === 'bearer'
                    ? { type: 'bearer' }
                    : { type: 'client-credentials', tokenUrl: '', clientId: '' },
              );
            }}
          >
            <option value="none">{zh ? '无' : 'None'}</option>
            <option value="bearer">{zh ? 'Bearer 令牌' : 'Bearer token'}</option>
            <option value="client-credentials">{zh ? 'OAuth 客户端凭据' : 'OAuth client credentials'}</option>
          </select>
        </Field>
        {auth.type === 'bearer' && (
          <Field
            label={zh ? '令牌' : 'Token'}
            error={errors['auth.token']}
            hint={
              zh
                ? '已保存的令牌只显示末四位；留空则保持不变'
                : 'A saved token shows its last four characters; leave as is to keep it'
            }
          >
            <input
              type="password"
              autoComplete="off"
              value={auth.token ?? ''}
              onChange={(e) => setAuth({ ...auth, token: e.target.value })}
            />
          </Field>
        )}
        {auth.type === 'client-credentials' && (
          <>
            <Field label={zh ? '令牌端点' : 'Token URL'} error={errors['auth.tokenUrl']}>
              <input value={auth.tokenUrl} onChange={(e) => setAuth({ ...auth, tokenUrl: e.target.value })} size={48} />
            </Field>
            <Field label="Client ID" error={errors['auth.clientId']}>
              <input value={auth.clientId} onChange={(e) => setAuth({ ...auth, clientId: e.target.value })} />
            </Field>
            <Field label="Client secret" error={errors['auth.clientSecret']}>
              <input
                type="password"
                autoComplete="off"
                value={auth.clientSecret ?? ''}
                onChange={(e) => setAuth({ ...auth, clientSecret: e.target.value })}
              />
            </Field>
            <Field label="Scope" error={errors['auth.scope']}>
              <input
                value={auth.scope ?? ''}
                onChange={(e) => setAuth({ ...auth, scope: e.target.value || undefined } as Auth)}
                placeholder="system/*.rs"
              />
            </Field>
          </>
        )}
        <h3>{zh ? '按患者拉取' : 'Patient-compartment pull'}</h3>
        <Field
          label={zh ? '患者 ID（逗号分隔，空 = 全部）' : 'Patient ids (comma-separated, empty = all)'}
          error={Object.entries(errors).find(([k]) => k.startsWith('pull.patients'))?.[1]}
        >
          <input
            value={(form.pull.patients ?? []).join(', ')}
            onChange={(e) => {
              const ids = e.target.value.split(/[\s,]+/).filter(Boolean);
              setForm({
                ...form,
                pull: { ...form.pull, patients: ids.length ? ids : undefined } as FhirSource['pull'],
              });
            }}
            size={48}
          />
        </Field>
        <Field label={zh ? '每页条数' : 'Page size'} error={errors['pull.pageSize']}>
          <input
            type="number"
            value={form.pull.pageSize}
            onChange={(e) => setForm({ ...form, pull: { ...form.pull, pageSize: Number(e.target.value) } })}
          />
        </Field>
        <Field
          label={zh ? '使用 Patient/$everything（如服务器支持）' : 'Use Patient/$everything where offered'}
          error={errors['pull.useEverything']}
        >
          <input
            type="checkbox"
            checked={form.pull.useEverything}
            onChange={(e) => setForm({ ...form, pull: { ...form.pull, useEverything: e.target.checked } })}
          />
        </Field>
        <Field label={zh ? '单次请求超时（毫秒）' : 'Request timeout (ms)'} error={errors['pull.timeoutMs']}>
          <input
            type="number"
            value={form.pull.timeoutMs}
            onChange={(e) => setForm({ ...form, pull: { ...form.pull, timeoutMs: Number(e.target.value) } })}
          />
        </Field>
        <button type="submit">{zh ? '保存' : 'Save'}</button>
        {message && (
          <span className="muted" role="status">
            {' '}
            {message}
          </span>
        )}
      </form>
      <DocumentHistory<FhirSource> group="fhirSource" reloadKey={n} onReverted={() => setN((x) => x + 1)} />
    </section>
  );
}
