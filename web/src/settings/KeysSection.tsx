import { useEffect, useState } from 'react';
import { useI18n } from '../i18n.js';
import { Field, when } from './Field.js';
import { fieldErrors, get, post } from './http.js';
import { UnitsFields } from './UnitsFields.js';

interface KeyInfo {
  id: string;
  name: string;
  prefix: string;
  role: string;
  patientId?: string;
  units?: string[];
  allPatients?: boolean;
  createdAt: string;
  revokedAt?: string;
  lastUsedAt?: string;
}

/** API keys with their role and scope; a new key is shown once, with a copy button, and never again. */
export function KeysSection() {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const [keys, setKeys] = useState<KeyInfo[]>([]);
  const [form, setForm] = useState({ name: '', role: 'clinician', patientId: '', units: '', allPatients: false });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [fresh, setFresh] = useState<{ key: string; name: string }>();
  const [copied, setCopied] = useState(false);
  const [message, setMessage] = useState<string>();
  const [n, setN] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads again on an explicit counter (after a save) or a remount
  useEffect(() => {
    get<{ keys: KeyInfo[] }>('/api/admin/keys').then(
      (r) => setKeys(r.keys),
      (e: Error) => setMessage(e.message),
    );
  }, [n]);
  const create = async () => {
    setErrors({});
    setMessage(undefined);
    setCopied(false);
    try {
      const units = form.units.split(/[\s,]+/).filter(Boolean);
      const r = await post<{ key: string; info: KeyInfo }>('/api/admin/keys', {
        name: form.name,
        role: form.role,
        ...(form.role === 'patient' ? { patientId: form.patientId } : {}),
        ...(form.role === 'clinician' && units.length ? { units } : {}),
        ...(form.role === 'clinician' && form.allPatients ? { allPatients: true } : {}),
      });
      setFresh({ key: r.key, name: r.info.name });
      setForm({ name: '', role: 'clinician', patientId: '', units: '', allPatients: false });
      setN((x) => x + 1);
    } catch (e) {
      const byField = fieldErrors(e);
      setErrors(byField);
      // Shown beside the fields when it names them; here otherwise.
      setMessage(Object.keys(byField).length ? undefined : (e as Error).message);
    }
  };
  const revoke = async (k: KeyInfo) => {
    if (!window.confirm(zh ? `吊销密钥 ${k.name}？` : `Revoke key ${k.name}?`)) return;
    try {
      await post(`/api/admin/keys/${k.id}/revoke`, {});
      setN((x) => x + 1);
    } catch (e) {
      setMessage((e as Error).message);
    }
  };
  const scope = (k: KeyInfo) =>
    k.patientId
      ? `Patient/${k.patientId}`
      : k.allPatients
        ? zh
          ? '全部患者'
          : 'all patients'
        : (k.units ?? []).join(', ');
  return (
    <section aria-label={zh ? 'API 密钥' : 'API keys'}>
      {fresh && (
        <div className="card warn" role="alert" aria-label={zh ? '新密钥' : 'New key'}>
          <p>
            {zh
              ? `密钥「${fresh.name}」只显示这一次，请立即复制保存：`
              : `Key “${fresh.name}” is shown this once only; copy it now:`}
          </p>
          <code className="new-key" style={{ userSelect: 'all', wordBreak: 'break-all' }}>
            {fresh.key}
          </code>{' '}
          <button
            type="button"
            onClick={() => {
              void navigator.clipboard?.writeText(fresh.key).then(
                () => setCopied(true),
                () => setCopied(false),
              );
            }}
          >
            {copied ? (zh ? '已复制' : 'Copied') : zh ? '复制' : 'Copy'}
          </button>{' '}
          <button type="button" onClick={() => setFresh(undefined)}>
            {zh ? '我已保存' : 'I have saved it'}
          </button>
        </div>
      )}
      {message && <p role="status">{message}</p>}
      <table className="calls">
        <thead>
          <tr>
            <th>{zh ? '名称' : 'Name'}</th>
            <th>{zh ? '前缀' : 'Prefix'}</th>
            <th>{zh ? '角色' : 'Role'}</th>
            <th>{zh ? '范围' : 'Scope'}</th>
            <th>{zh ? '创建' : 'Created'}</th>
            <th>{zh ? '最近使用' : 'Last used'}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id} className={k.revokedAt ? 'muted' : undefined}>
              <td>{k.name}</td>
              <td>
                <code>{k.prefix}…</code>
              </td>
              <td>{k.role}</td>
              <td>{scope(k)}</td>
              <td>{when(k.createdAt)}</td>
              <td>{k.lastUsedAt ? when(k.lastUsedAt) : '—'}</td>
              <td>
                {k.revokedAt ? (
                  `${zh ? '已吊销' : 'revoked'} ${when(k.revokedAt)}`
                ) : (
                  <button type="button" onClick={() => void revoke(k)}>
                    {zh ? '吊销' : 'Revoke'}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <h3>{zh ? '新建密钥' : 'New key'}</h3>
        <Field label={zh ? '名称' : 'Name'} error={errors.name}>
          <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </Field>
        <Field label={zh ? '角色' : 'Role'} error={errors.role}>
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
            <option value="clinician">{zh ? '医生' : 'clinician'}</option>
            <option value="admin">{zh ? '管理员' : 'admin'}</option>
            <option value="patient">{zh ? '患者' : 'patient'}</option>
          </select>
        </Field>
        {form.role === 'patient' && (
          <Field label={zh ? '患者 ID' : 'Patient id'} error={errors.patientId}>
            <input value={form.patientId} onChange={(e) => setForm({ ...form, patientId: e.target.value })} />
          </Field>
        )}
        {form.role === 'clinician' && <UnitsFields form={form} setForm={setForm} errors={errors} zh={zh} />}
        <button type="submit">{zh ? '创建密钥' : 'Create key'}</button>
      </form>
    </section>
  );
}
