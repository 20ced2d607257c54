import { useEffect, useState } from 'react';
import { useI18n } from '../i18n.js';
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
const PAGE = 50;

/** The audit log: who did what to whose record, when, with what outcome; filtered and paged. */
export function AuditSection() {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const empty: Filters = { principal: '', patient: '', action: '', outcome: '', from: '', to: '' };
  const [draft, setDraft] = useState<Filters>(empty);
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
  const labels: Record<(typeof FILTERS)[number], [string, string, string]> = {
    principal: ['操作者', 'Who', 'user:…, key:…, demo'],
    patient: ['患者 ID', 'Patient id', ''],
    action: ['操作', 'Action', 'read, settings.*'],
    outcome: ['结果', 'Outcome', '200, 403, 4xx'],
    from: ['起始日期', 'From', '2026-12-01'],
    to: ['截止日期', 'To', '2026-12-05'],
  };
  return (
    <section aria-label={zh ? '审计日志' : 'Audit log'}>
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setApplied({ ...draft });
        }}
      >
        {FILTERS.map((f) => (
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
            setDraft(empty);
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
                  <td>{e.principal}</td>
                  <td>{e.action}</td>
                  <td>
                    <code>{e.resource}</code>
                  </td>
                  <td>{e.patientId ?? ''}</td>
                  <td>{e.purpose}</td>
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
