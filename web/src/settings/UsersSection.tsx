import { useEffect, useState } from 'react';
import { useI18n } from '../i18n.js';
import { Field, when } from './Field.js';
import { fieldErrors, get, post, send } from './http.js';
import { UnitsFields } from './UnitsFields.js';

interface User {
  id: string;
  username: string;
  displayName: string;
  role: 'admin' | 'clinician';
  units: string[];
  allPatients: boolean;
  disabled: boolean;
  source: 'local' | 'oidc';
  lockedUntil?: string;
  lastLoginAt?: string;
}

const units = (s: string) => s.split(/[\s,]+/).filter(Boolean);

/** Workspace accounts: create, change role and units, disable, unlock, set a new password. */
export function UsersSection() {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const [users, setUsers] = useState<User[]>([]);
  const [form, setForm] = useState({
    username: '',
    displayName: '',
    password: '',
    role: 'clinician',
    units: '',
    allPatients: false,
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string>();
  const [n, setN] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads again on an explicit counter (after a save) or a remount
  useEffect(() => {
    get<{ users: User[] }>('/api/admin/users').then(
      (r) => setUsers(r.users),
      (e: Error) => setMessage(e.message),
    );
  }, [n]);
  const act = async (what: () => Promise<unknown>, done: string) => {
    setMessage(undefined);
    try {
      await what();
      setMessage(done);
      setN((x) => x + 1);
    } catch (e) {
      setMessage((e as Error).message);
    }
  };
  const create = async () => {
    setErrors({});
    try {
      await post('/api/admin/users', {
        username: form.username,
        ...(form.displayName ? { displayName: form.displayName } : {}),
        ...(form.password ? { password: form.password } : {}),
        role: form.role,
        ...(form.units ? { units: units(form.units) } : {}),
        ...(form.allPatients ? { allPatients: true } : {}),
      });
      setForm({ username: '', displayName: '', password: '', role: 'clinician', units: '', allPatients: false });
      setMessage(zh ? '已创建' : 'Created');
      setN((x) => x + 1);
    } catch (e) {
      const byField = fieldErrors(e);
      setErrors(byField);
      // Shown beside the fields when it names them; here otherwise.
      setMessage(Object.keys(byField).length ? undefined : (e as Error).message);
    }
  };
  return (
    <section aria-label={zh ? '用户' : 'Users'}>
      {message && <p role="status">{message}</p>}
      <table className="calls">
        <thead>
          <tr>
            <th>{zh ? '用户名' : 'Username'}</th>
            <th>{zh ? '姓名' : 'Name'}</th>
            <th>{zh ? '角色' : 'Role'}</th>
            <th>{zh ? '科室/病区' : 'Units'}</th>
            <th>{zh ? '状态' : 'Status'}</th>
            <th>{zh ? '最近登录' : 'Last login'}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>
                {u.username} {u.source === 'oidc' && <span className="muted">OIDC</span>}
              </td>
              <td>{u.displayName}</td>
              <td>
                <select
                  aria-label={`${zh ? '角色' : 'Role'} ${u.username}`}
                  value={u.role}
                  onChange={(e) =>
                    void act(
                      () => send('PATCH', `/api/admin/users/${u.id}`, { role: e.target.value }),
                      zh ? '已更新' : 'Updated',
                    )
                  }
                >
                  <option value="clinician">{zh ? '医生' : 'clinician'}</option>
                  <option value="admin">{zh ? '管理员' : 'admin'}</option>
                </select>
              </td>
              <td>
                <input
                  aria-label={`${zh ? '科室' : 'Units'} ${u.username}`}
                  defaultValue={u.units.join(', ')}
                  onBlur={(e) => {
                    if (e.target.value !== u.units.join(', '))
                      void act(
                        () => send('PATCH', `/api/admin/users/${u.id}`, { units: units(e.target.value) }),
                        zh ? '已更新' : 'Updated',
                      );
                  }}
                />
                {u.allPatients && <span className="muted"> {zh ? '全部患者' : 'all patients'}</span>}
              </td>
              <td>
                {u.disabled ? (zh ? '已停用' : 'disabled') : zh ? '正常' : 'active'}
                {u.lockedUntil && (
                  <span className="error-inline">
                    {' '}
                    {zh ? `锁定至 ${when(u.lockedUntil)}` : `locked until ${when(u.lockedUntil)}`}
                  </span>
                )}
              </td>
              <td>{u.lastLoginAt ? when(u.lastLoginAt) : '—'}</td>
              <td>
                <button
                  type="button"
                  onClick={() =>
                    void act(
                      () => post(`/api/admin/users/${u.id}/${u.disabled ? 'enable' : 'disable'}`, {}),
                      zh ? '已更新' : 'Updated',
                    )
                  }
                >
                  {u.disabled ? (zh ? '启用' : 'Enable') : zh ? '停用' : 'Disable'}
                </button>{' '}
                {u.lockedUntil && (
                  <button
                    type="button"
                    onClick={() =>
                      void act(() => post(`/api/admin/users/${u.id}/unlock`, {}), zh ? '已解锁' : 'Unlocked')
                    }
                  >
                    {zh ? '解锁' : 'Unlock'}
                  </button>
                )}{' '}
                {u.source === 'local' && (
                  <button
                    type="button"
                    onClick={() => {
                      const pw = window.prompt(zh ? `为 ${u.username} 设置新密码` : `New password for ${u.username}`);
                      if (pw)
                        void act(
                          () => post(`/api/admin/users/${u.id}/password`, { password: pw }),
                          zh ? '密码已重置' : 'Password reset',
                        );
                    }}
                  >
                    {zh ? '重置密码' : 'Reset password'}
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
        <h3>{zh ? '新建用户' : 'New user'}</h3>
        <Field label={zh ? '用户名' : 'Username'} error={errors.username}>
          <input value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
        </Field>
        <Field label={zh ? '姓名' : 'Display name'} error={errors.displayName}>
          <input value={form.displayName} onChange={(e) => setForm({ ...form, displayName: e.target.value })} />
        </Field>
        <Field label={zh ? '初始密码' : 'Initial password'} error={errors.password}>
          <input
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
          />
        </Field>
        <Field label={zh ? '角色' : 'Role'} error={errors.role}>
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
            <option value="clinician">{zh ? '医生' : 'clinician'}</option>
            <option value="admin">{zh ? '管理员' : 'admin'}</option>
          </select>
        </Field>
        <UnitsFields form={form} setForm={setForm} errors={errors} zh={zh} />
        <button type="submit">{zh ? '创建' : 'Create'}</button>
      </form>
    </section>
  );
}
