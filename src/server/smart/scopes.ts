import { type Interaction, parseScope } from '../auth/smart-scopes.js';

/**
 * SMART App Launch 2.x scopes (https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html):
 * resource scopes `patient|user|system/<Type|*>.<cruds>` (v1 `.read|.write|.*` read as their v2
 * equivalents) and the context scopes below. Used to decide what a token may carry: the
 * scopes an app asked for, cut down to what its registration allows and what the user approved.
 */
export const CONTEXT_SCOPES = ['openid', 'fhirUser', 'profile', 'launch', 'launch/patient', 'offline_access'] as const;

export interface ResourceScope {
  readonly context: 'patient' | 'user' | 'system';
  /** A FHIR type or `*`. */
  readonly type: string;
  /** Subset of `cruds`, in that order. */
  readonly perms: string;
}

const PERM_ORDER = 'cruds';

/**
 * A resource scope as the /fhir scope enforcement reads it (auth/smart-scopes.ts), or undefined for
 * anything else: context scopes, garbage, and `?param=` restricted scopes, which MedSeek does not grant.
 */
export function parseResourceScope(scope: string): ResourceScope | undefined {
  const s = parseScope(scope);
  if (!s) return undefined;
  return {
    context: s.context,
    type: s.type,
    perms: [...PERM_ORDER].filter((p) => s.interactions.has(p as Interaction)).join(''),
  };
}

export function formatResourceScope(s: ResourceScope): string {
  return `${s.context}/${s.type}.${s.perms}`;
}

/** Splits a space-separated `scope` parameter, keeping each scope once. */
export function splitScopes(scope: string | undefined | null): string[] {
  return [...new Set((scope ?? '').split(/\s+/).filter(Boolean))];
}

/** True for a scope this server understands (context or resource scope). */
export function isKnownScope(scope: string): boolean {
  return (CONTEXT_SCOPES as readonly string[]).includes(scope) || parseResourceScope(scope) !== undefined;
}

/**
 * The part of `requested` that `allowed` covers. A context scope passes when allowed verbatim; a
 * resource scope is narrowed to the permissions and type an allowed scope of the same context
 * grants (asking `patient/*.cruds` where `patient/*.rs` is allowed yields `patient/*.rs`); scopes
 * nothing covers are dropped. Results are v2 scopes, each once.
 */
export function intersectScopes(requested: readonly string[], allowed: readonly string[]): string[] {
  const out = new Set<string>();
  const allowedResources = allowed.map(parseResourceScope).filter((s): s is ResourceScope => s !== undefined);
  for (const scope of requested) {
    const r = parseResourceScope(scope);
    if (!r) {
      if (allowed.includes(scope) && isKnownScope(scope)) out.add(scope);
      continue;
    }
    for (const a of allowedResources) {
      if (a.context !== r.context) continue;
      if (a.type !== '*' && r.type !== '*' && a.type !== r.type) continue;
      const perms = [...PERM_ORDER].filter((p) => r.perms.includes(p) && a.perms.includes(p)).join('');
      if (perms) out.add(formatResourceScope({ context: r.context, type: r.type === '*' ? a.type : r.type, perms }));
    }
  }
  return [...out];
}

/** One scope in plain words, for the approval page. */
export function describeScope(scope: string, zh = false): string {
  const words: Record<string, [string, string]> = {
    openid: ['know who you are (your MedSeek identity)', '知道您是谁（MedSeek 身份）'],
    fhirUser: ['know which user record is yours', '知道哪条用户记录属于您'],
    profile: ['see your name', '查看您的姓名'],
    launch: ['open in the context the EHR launched it in', '在 EHR 启动时的上下文中打开'],
    'launch/patient': ['be told which patient it is about', '获知所针对的患者'],
    offline_access: ['keep access after you log out (until you revoke it)', '在您退出后继续访问（直至撤销）'],
  };
  const known = words[scope];
  if (known) return zh ? known[1] : known[0];
  const r = parseResourceScope(scope);
  if (!r) return scope;
  const verbs = [...r.perms].map(
    (p) =>
      ({
        c: zh ? '创建' : 'create',
        r: zh ? '读取' : 'read',
        u: zh ? '修改' : 'update',
        d: zh ? '删除' : 'delete',
        s: zh ? '检索' : 'search',
      })[p],
  );
  const what =
    r.type === '*' ? (zh ? '所有类型的记录' : 'all kinds of records') : `${r.type}${zh ? ' 记录' : ' records'}`;
  const whose =
    r.context === 'patient'
      ? zh
        ? '（仅限该患者）'
        : 'of the selected patient only'
      : r.context === 'user'
        ? zh
          ? '（您可查看的患者）'
          : 'of the patients you may see'
        : zh
          ? '（系统级）'
          : '(system-wide)';
  return zh ? `${verbs.join('、')}${what}${whose}` : `${verbs.join(', ')} ${what} ${whose}`;
}
