import { type FormEvent, useEffect, useId, useState } from 'react';
import { ApiError, get, post } from '../api.js';
import { useI18n } from '../i18n.js';

/** `GET /api/auth/providers`: whether the hospital's OpenID Connect provider is configured, and its name. */
interface Providers {
  local: boolean;
  oidc: { name: string; login: string } | null;
}

/** A same-origin path to go to after login (`#/login?return=/oauth2/authorize?…`); anything else is ignored. */
export function returnTarget(hash: string, search: string): string | undefined {
  const fromHash = new URLSearchParams(hash.split('?')[1] ?? '').get('return');
  const value = fromHash ?? new URLSearchParams(search).get('return');
  if (!value?.startsWith('/') || value.startsWith('//') || /[\\\x00-\x1f]/.test(value)) return undefined;
  return value;
}

type Problem =
  | { kind: 'invalid' }
  | { kind: 'locked'; minutes?: number }
  | { kind: 'disabled' }
  | { kind: 'other'; message: string };

function problemOf(e: unknown): Problem {
  if (!(e instanceof ApiError)) return { kind: 'other', message: (e as Error).message };
  const issue = (
    e.body as { issue?: { details?: { coding?: { code?: string }[] }; extension?: { valueInteger?: number }[] }[] }
  )?.issue?.[0];
  const code = issue?.details?.coding?.[0]?.code;
  if (e.status === 429 || code === 'locked') {
    const minutes = issue?.extension?.[0]?.valueInteger;
    return { kind: 'locked', ...(minutes ? { minutes } : {}) };
  }
  if (e.status === 401) return { kind: 'invalid' };
  if (code === 'disabled') return { kind: 'disabled' };
  return { kind: 'other', message: e.message };
}

/** What the OIDC callback's `#/login?error=` codes mean. */
const OIDC_ERRORS: Record<string, { zh: string; en: string }> = {
  'oidc-role': {
    zh: '医院统一身份认证未授予您 MedSeek 的角色，请联系管理员。',
    en: "The hospital's sign-in gave you no MedSeek role: ask an administrator.",
  },
  'oidc-denied': { zh: '统一身份认证登录已取消。', en: 'The hospital sign-in was cancelled.' },
  'oidc-expired': { zh: '登录过程已超时，请重试。', en: 'The sign-in took too long: try again.' },
  'oidc-failed': {
    zh: '统一身份认证登录失败，请重试或联系管理员。',
    en: 'The hospital sign-in failed: try again or ask an administrator.',
  },
  disabled: { zh: '该账号已停用，请联系管理员。', en: 'This account is disabled: ask an administrator.' },
};

/**
 * The workspace login: username and password (local users), or the hospital's OpenID Connect
 * provider when configured. After login it goes back to `return` (a path on this server, e.g. the
 * OAuth authorize endpoint of a SMART app) or to the workspace.
 */
export function LoginPage({ onLogin }: { onLogin: () => void }) {
  const { lang, setLang } = useI18n();
  const zh = lang === 'zh';
  const ids = { user: useId(), pass: useId(), error: useId() };
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const [providers, setProviders] = useState<Providers>();
  const returnTo = returnTarget(location.hash, location.search);
  const oidcError = new URLSearchParams(location.hash.split('?')[1] ?? '').get('error');

  useEffect(() => {
    get<Providers>('/api/auth/providers').then(setProviders, () => setProviders({ local: true, oidc: null }));
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      await post('/api/auth/login', { username, password, ...(returnTo ? { return: returnTo } : {}) });
      setPassword('');
      if (returnTo) {
        location.assign(returnTo);
        return;
      }
      if (location.hash.startsWith('#/login')) location.hash = '#/';
      onLogin();
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  };

  const message = (p: Problem): string => {
    switch (p.kind) {
      case 'invalid':
        return zh ? '用户名或密码错误。' : 'Wrong username or password.';
      case 'locked':
        return zh
          ? `登录失败次数过多，账号已锁定${p.minutes ? `，请 ${p.minutes} 分钟后再试` : ''}，或请管理员解锁。`
          : `Too many failed logins: this account is locked${p.minutes ? ` for ${p.minutes} more minute${p.minutes === 1 ? '' : 's'}` : ''}. Try again later or ask an administrator to unlock it.`;
      case 'disabled':
        return zh ? '该账号已停用，请联系管理员。' : 'This account is disabled: ask an administrator.';
      default:
        return p.message;
    }
  };

  const shown = problem
    ? message(problem)
    : oidcError && OIDC_ERRORS[oidcError]
      ? OIDC_ERRORS[oidcError]![lang]
      : undefined;
  const oidcHref = providers?.oidc
    ? `${providers.oidc.login}${returnTo ? `?return=${encodeURIComponent(returnTo)}` : ''}`
    : undefined;

  return (
    <div className="app login">
      <header className="topbar">
        <span className="brand">MedSeek</span>
        <button type="button" className="lang" onClick={() => setLang(zh ? 'en' : 'zh')} aria-label="language">
          {zh ? 'English' : '中文'}
        </button>
      </header>
      <main>
        <section className="card" style={{ maxWidth: 380, margin: '48px auto' }}>
          <h1 style={{ fontSize: 20, marginTop: 0 }}>{zh ? '登录临床工作台' : 'Log in to the clinician workspace'}</h1>
          <form
            onSubmit={(e) => void submit(e)}
            aria-describedby={shown ? ids.error : undefined}
            style={{ display: 'grid', gap: 10 }}
          >
            <label htmlFor={ids.user}>{zh ? '用户名' : 'Username'}</label>
            <input
              id={ids.user}
              name="username"
              autoComplete="username"
              required
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
            <label htmlFor={ids.pass}>{zh ? '密码' : 'Password'}</label>
            <input
              id={ids.pass}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            {shown && (
              <p id={ids.error} role="alert" className="error" style={{ margin: 0 }}>
                {shown}
              </p>
            )}
            <button type="submit" disabled={busy || !username || !password}>
              {zh ? '登录' : 'Log in'}
            </button>
          </form>
          {oidcHref && (
            <p style={{ marginBottom: 0 }}>
              <a
                href={oidcHref}
                style={{
                  display: 'block',
                  textAlign: 'center',
                  padding: '6px 10px',
                  border: '1px solid var(--accent)',
                  borderRadius: 6,
                  textDecoration: 'none',
                }}
              >
                {zh ? `使用${providers!.oidc!.name}统一身份认证登录` : `Sign in with ${providers!.oidc!.name}`}
              </a>
            </p>
          )}
          <p style={{ fontSize: 12, color: '#666', marginBottom: 0 }}>
            {zh
              ? '患者请使用医院发给您的预问诊链接或二维码，无需登录。'
              : 'Patients: use the pre-consultation link or QR code the hospital sent you; no login needed.'}
          </p>
        </section>
      </main>
    </div>
  );
}
