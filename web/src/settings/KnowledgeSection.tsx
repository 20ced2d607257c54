import { useEffect, useState } from 'react';
import { useI18n } from '../i18n.js';
import type { RuleBookReview } from '../types.js';
import { when } from './Field.js';
import { get, post } from './http.js';

interface Release {
  id: number;
  label: string;
  active: boolean;
  shippable: boolean;
  createdAt: string;
  batches: { id: number; kind: string; key: string; counts: Record<string, number> }[];
}
interface Edit {
  batchId: number;
  author: string;
  reason: string;
  at: string;
  relations: { id: string; type: string; from: string; to?: string; retracted: boolean }[];
  releases: number[];
}

/** Knowledge releases (which one is in force, activate another) and the curators' edits. */
export function KnowledgeSection() {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const [releases, setReleases] = useState<Release[]>([]);
  const [ruleBook, setRuleBook] = useState<RuleBookReview>();
  const [edits, setEdits] = useState<Edit[]>([]);
  const [message, setMessage] = useState<string>();
  const [n, setN] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads again on an explicit counter (after a save) or a remount
  useEffect(() => {
    get<{ releases: Release[]; ruleBook?: RuleBookReview }>('/api/admin/knowledge/releases').then(
      (r) => {
        setReleases(r.releases);
        setRuleBook(r.ruleBook);
      },
      (e: Error) => setMessage(e.message),
    );
    get<{ edits: Edit[] }>('/api/admin/knowledge/curation').then(
      (r) => setEdits(r.edits),
      (e: Error) => setMessage(e.message),
    );
  }, [n]);
  const activate = async (id: number) => {
    try {
      await post(`/api/admin/knowledge/releases/${id}/activate`, {});
      setMessage(zh ? `已启用版本 ${id}` : `Release ${id} is now active`);
      setN((x) => x + 1);
    } catch (e) {
      setMessage((e as Error).message);
    }
  };
  return (
    <section aria-label={zh ? '知识库版本' : 'Knowledge releases'}>
      {message && <p role="status">{message}</p>}
      <table className="calls">
        <thead>
          <tr>
            <th>#</th>
            <th>{zh ? '名称' : 'Label'}</th>
            <th>{zh ? '状态' : 'Status'}</th>
            <th>{zh ? '内容' : 'Contents'}</th>
            <th>{zh ? '创建时间' : 'Created'}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {releases.map((r) => (
            <tr key={r.id}>
              <td>
                <code>{r.id}</code>
              </td>
              {/* The label the release was given when imported (`medseek kg import --label`): its importer's own
                  words, shown as written, like a document's title. */}
              <td data-verbatim>{r.label}</td>
              <td>
                {r.active ? (
                  <strong>{zh ? '使用中' : 'active'}</strong>
                ) : (
                  <span className="muted">{zh ? '未启用' : 'inactive'}</span>
                )}
                {!r.shippable && <span className="muted"> · {zh ? '不可分发' : 'not shippable'}</span>}
              </td>
              <td>
                <code>{r.batches.map((b) => `${b.kind}:${b.key}`).join(', ')}</code>
              </td>
              <td>{when(r.createdAt)}</td>
              <td>
                {!r.active && (
                  <button type="button" onClick={() => void activate(r.id)}>
                    {zh ? '启用' : 'Activate'}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {ruleBook && ruleBook.problems.length > 0 && (
        <div role="alert" aria-label={zh ? '规则库问题' : 'Rule book problems'}>
          <h3>
            {zh
              ? `版本 ${ruleBook.release} 中安全规则无法使用的条目（${ruleBook.problems.length}）`
              : `Entries of release ${ruleBook.release} the safety rules cannot use (${ruleBook.problems.length})`}
          </h3>
          <ul>
            {ruleBook.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      <h3>{zh ? '知识审校记录' : 'Curation'}</h3>
      {edits.length === 0 && <p className="muted">{zh ? '暂无审校修改。' : 'No curator edits yet.'}</p>}
      <ul>
        {edits.map((e) => (
          <li key={e.batchId}>
            {/* The curator and their reason are theirs: shown as recorded. */}
            {when(e.at)} · <span data-verbatim>{e.author}</span> · <span data-verbatim>{e.reason}</span> ·{' '}
            {e.relations.length} {zh ? '条关系' : 'relations'}
            {e.releases.length > 0 && (
              <span className="muted">
                {' '}
                · {zh ? '版本' : 'releases'} {e.releases.join(', ')}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
