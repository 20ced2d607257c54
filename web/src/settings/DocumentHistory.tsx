import { useEffect, useState } from 'react';
import { useI18n } from '../i18n.js';
import { when } from './Field.js';
import { get, post } from './http.js';

export interface Version<T> {
  version: number;
  value: T;
  before?: T;
  changedBy: string;
  changedAt: string;
  revertedFrom?: number;
}

/** The versions of one settings group, newest first: who, when, what changed; any older one can be restored (as a new version). */
export function DocumentHistory<T>({
  group,
  reloadKey,
  onReverted,
}: {
  group: string;
  reloadKey: number;
  onReverted: () => void;
}) {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const [versions, setVersions] = useState<Version<T>[] | undefined>();
  const [error, setError] = useState<string>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads again on an explicit counter (after a save) or a remount
  useEffect(() => {
    let live = true;
    get<{ versions: Version<T>[] }>(`/api/admin/settings/${group}/history`).then(
      (r) => live && setVersions(r.versions),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [group, reloadKey]);
  const revert = async (version: number) => {
    try {
      await post(`/api/admin/settings/${group}/revert`, { version });
      onReverted();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section className="card" aria-label={zh ? '修改历史' : 'History'}>
      <h3>{zh ? '修改历史' : 'History'}</h3>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {versions?.length === 0 && (
        <p className="muted">
          {zh ? '尚未在此修改（使用环境变量）。' : 'Never changed here (the environment applies).'}
        </p>
      )}
      <ol className="history" style={{ listStyle: 'none', paddingLeft: 0 }}>
        {versions?.map((v, i) => (
          <li key={v.version}>
            <strong>v{v.version}</strong> · {when(v.changedAt)} · {v.changedBy}
            {v.revertedFrom !== undefined && (
              <span className="muted"> · {zh ? `恢复自 v${v.revertedFrom}` : `restored from v${v.revertedFrom}`}</span>
            )}
            {i > 0 && (
              <button type="button" style={{ marginLeft: 8 }} onClick={() => void revert(v.version)}>
                {zh ? `恢复 v${v.version}` : `Restore v${v.version}`}
              </button>
            )}
            <details>
              <summary>{zh ? '修改内容' : 'Changes'}</summary>
              <Diff before={v.before} after={v.value} />
            </details>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Changed leaves only: `servers[0].model: qwen → qwen2`. */
export function Diff({ before, after }: { before: unknown; after: unknown }) {
  const a = flatten(before);
  const b = flatten(after);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]);
  if (!keys.length) return <p className="muted">—</p>;
  return (
    <ul>
      {keys.map((k) => (
        <li key={k}>
          <code>{k}</code>: {a[k] ?? '∅'} → {b[k] ?? '∅'}
        </li>
      ))}
    </ul>
  );
}

function flatten(v: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) flatten(x, `${prefix}[${i}]`, out);
  } else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  else if (v !== undefined) out[prefix] = String(v);
  return out;
}
