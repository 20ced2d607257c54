import { useEffect, useState } from 'react';
import { useI18n } from '../i18n.js';
import {
  ACTION_FILTERS,
  auditAction,
  auditPrincipal,
  auditPurpose,
  PRINCIPAL_KINDS,
  principalKind,
} from './audit-terms.js';
import { Field, when } from './Field.js';
import { fieldErrors, get } from './http.js';

interface Entry {
  id: number;
  at: string;
  principal: string;
  action: string;
  resource: string;
  patientId?: string;
  purpose: string;
  outcome: number;
  clientAddress?: string;
}

const FILTERS = ['principal', 'patient', 'action', 'outcome', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;
/** The form's own fields: who is asked for as a kind (user, API key…) and an id, sent as the principal `kind:id`. */
type Draft = Omit<Filters, 'principal'> & { kind: string; who: string };
const PAGE = 50;

/** The audit log: who did what to whose record, when, with what outcome; filtered and paged. */
export function AuditSection() {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const empty: Filters = { principal: '', patient: '', action: '', outcome: '', from: '', to: '' };
  const blank: Draft = { kind: '', who: '', patient: '', action: '', outcome: '', from: '', to: '' };
  const [draft, setDraft] = useState<Draft>(blank);
  const [applied, setApplied] = useState<Filters>(empty);
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ entries: Entry[]; total: number }>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  useEffect(() => {
    const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    for (const f of FILTERS) if (applied[f].trim()) q.set(f, applied[f].trim());
    let live = true;
    get<{ entries: Entry[]; total: number }>(`/api/admin/audit?${q}`).then(
      (r) => {
        if (!live) return;
        setPage(r);
        setErrors({});
        setError(undefined);
      },
      (e: Error) => {
        if (!live) return;
        setErrors(fieldErrors(e));
        setError(e.message);
      },
    );
    return () => {
      live = false;
    };
  }, [applied, offset]);
  const labels: Record<'patient' | 'outcome' | 'from' | 'to', [string, string, string]> = {
    patient: ['患者 ID', 'Patient id', ''],
    outcome: ['结果', 'Outcome', '200, 403, 4xx'],
    from: ['起始日期', 'From', '2026-12-01'],
    to: ['截止日期', 'To', '2026-12-05'],
  };
  const principal = (d: Draft) =>
    d.kind === 'demo' ? 'demo' : d.kind && d.who.trim() ? `${d.kind}:${d.who.trim()}` : '';
  return (
    <section aria-label={zh ? '审计日志' : 'Audit log'}>
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          if (draft.kind && draft.kind !== 'demo' && !draft.who.trim()) {
            setErrors({ principal: zh ? '请填写用户名或编号' : 'Enter the name or id' });
            return;
          }
          const { kind: _kind, who: _who, ...rest } = draft;
          setOffset(0);
          setApplied({ ...rest, principal: principal(draft) });
        }}
      >
        <Field label={zh ? '操作者' : 'Who'} error={errors.principal}>
          <select
            value={draft.kind}
            aria-label={zh ? '操作者类型' : 'Kind of principal'}
            onChange={(e) => setDraft({ ...draft, kind: e.target.value })}
          >
            <option value="">{zh ? '任何' : 'anyone'}</option>
            {PRINCIPAL_KINDS.map((k) => (
              <option key={k} value={k}>
                {principalKind(k, lang)}
              </option>
            ))}
          </select>
          {draft.kind && draft.kind !== 'demo' && (
            <input
              type="text"
              value={draft.who}
              aria-label={zh ? '用户名或编号' : 'Name or id'}
              placeholder={zh ? '用户名或编号' : 'name or id'}
              onChange={(e) => setDraft({ ...draft, who: e.target.value })}
            />
          )}
        </Field>
        <Field label={zh ? '操作' : 'Action'} error={errors.action}>
          {/* The action's code (`read`, `settings.*` for a family), chosen from the list in words or typed. */}
          <input
            type="text"
            list="audit-actions"
            value={draft.action}
            placeholder={zh ? '选择或输入操作' : 'choose or type an action'}
            onChange={(e) => setDraft({ ...draft, action: e.target.value })}
          />
          <datalist id="audit-actions">
            {ACTION_FILTERS.map((a) => (
              <option key={a} value={a} label={auditAction(a, lang)} />
            ))}
          </datalist>
        </Field>
        {(['patient', 'outcome', 'from', 'to'] as const).map((f) => (
          <Field key={f} label={zh ? labels[f][0] : labels[f][1]} error={errors[f]}>
            <input
              type={f === 'from' || f === 'to' ? 'date' : 'text'}
              value={draft[f]}
              placeholder={labels[f][2]}
              onChange={(e) => setDraft({ ...draft, [f]: e.target.value })}
            />
          </Field>
        ))}
        <button type="submit">{zh ? '筛选' : 'Filter'}</button>{' '}
        <button
          type="button"
          onClick={() => {
            setDraft(blank);
            setApplied(empty);
            setOffset(0);
          }}
        >
          {zh ? '清除' : 'Clear'}
        </button>
      </form>
      {error && !Object.keys(errors).length && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {page && (
        <>
          <p className="muted" role="status">
            {zh
              ? `共 ${page.total} 条，第 ${offset + 1}–${offset + page.entries.length} 条`
              : `${page.total} entries, showing ${page.total ? offset + 1 : 0}–${offset + page.entries.length}`}
          </p>
          <table className="calls audit">
            <thead>
              <tr>
                <th>{zh ? '时间' : 'When'}</th>
                <th>{zh ? '操作者' : 'Who'}</th>
                <th>{zh ? '操作' : 'Action'}</th>
                <th>{zh ? '对象' : 'Resource'}</th>
                <th>{zh ? '患者' : 'Patient'}</th>
                <th>{zh ? '目的' : 'Purpose'}</th>
                <th>{zh ? '结果' : 'Outcome'}</th>
              </tr>
            </thead>
            <tbody>
              {page.entries.map((e) => (
                <tr key={e.id}>
                  <td>{when(e.at)}</td>
                  <td>
                    <Principal id={e.principal} />
                  </td>
                  <td>
                    {/* In words, with the code one filters by. */}
                    {auditAction(e.action, lang)} <code className="muted">{e.action}</code>
                  </td>
                  <td>
                    <code>{e.resource}</code>
                  </td>
                  <td>{e.patientId ?? ''}</td>
                  <td title={e.purpose}>{auditPurpose(e.purpose, lang) ?? <code>{e.purpose}</code>}</td>
                  <td>{e.outcome}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            {zh ? '上一页' : 'Previous'}
          </button>{' '}
          <button type="button" disabled={offset + PAGE >= page.total} onClick={() => setOffset(offset + PAGE)}>
            {zh ? '下一页' : 'Next'}
          </button>
        </>
      )}
    </section>
  );
}

/** A principal as its kind in words and its id (a user's login name, a key's id: data, shown as recorded). */
function Principal({ id }: { id: string }) {
  const { lang } = useI18n();
  const p = auditPrincipal(id, lang);
  if (!p.kind) return <code>{p.id}</code>;
  return (
    <span title={id}>
      {p.kind}
      {p.id && (
        <>
          {' '}
          <span data-verbatim>{p.id}</span>
        </>
      )}
    </span>
  );
}
