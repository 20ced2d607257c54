import { useState } from 'react';
import { post } from '../api.js';
import { type Lang, useI18n } from '../i18n.js';
import type { Report, SummaryResult } from '../types.js';
import { ErrorBox, Loading } from './Async.js';
import { Feedback } from './Feedback.js';
import { Sources } from './SourceLink.js';

/** Generate, read each claim's verdict and citations, edit, re-verify, sign off (blocked while anything is contradicted). */
export function SummaryEditor({ patientId }: { patientId: string }) {
  const { t, lang: uiLang } = useI18n();
  const [lang, setLang] = useState<Lang>(uiLang);
  const [result, setResult] = useState<SummaryResult>();
  const [text, setText] = useState('');
  const [report, setReport] = useState<Report>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [signed, setSigned] = useState<string>();
  const base = `/api/patients/${encodeURIComponent(patientId)}`;
  const run = async (f: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await f();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const generate = () =>
    run(async () => {
      const r = await post<SummaryResult>(`${base}/summary`, { lang });
      setResult(r);
      setText(r.document.text);
      setReport(r.report);
      setSigned(undefined);
    });
  const reverify = () =>
    run(async () => {
      setReport(await post<Report>(`${base}/verify`, { text, lang, citations: result?.document.citations, encounterId: result?.document.encounterId }));
    });
  const sign = () =>
    run(async () => {
      try {
        const r = await post<{ signed: boolean; documentReference?: string; report: Report }>(`${base}/summary/sign`, { text, lang, citations: result?.document.citations, encounterId: result?.document.encounterId });
        setReport(r.report);
        setSigned(r.documentReference);
      } catch (e) {
        const body = (e as { body?: { report?: Report } }).body;
        if (body?.report) setReport(body.report);
        throw e;
      }
    });
  const model = result?.document.model;
  return (
    <div className="summary-editor">
      <div className="toolbar">
        <select aria-label="summary language" value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
          <option value="zh">中文</option>
          <option value="en">English</option>
        </select>
        <button type="button" onClick={generate} disabled={busy}>
          {t('generate')}
        </button>
        <button type="button" onClick={reverify} disabled={busy || !text}>
          {t('reverify')}
        </button>
        <button type="button" onClick={sign} disabled={busy || !report || report.blocked} title={report?.blocked ? t('signBlocked') : undefined}>
          {t('signOff')}
        </button>
        {model && <span className="model-badge">{model.used ? `${t('modelUsed')}: ${model.provider ?? ''} ${model.model ?? ''}${model.deidentified ? ` · ${t('deidentified')}` : ''}` : `${t('noModel')}${model.reason ? ` — ${model.reason}` : ''}`}</span>}
      </div>
      {busy && <Loading />}
      {error && <ErrorBox error={error} />}
      {signed && (
        <p className="ok" role="status">
          {t('signed')}: {signed}
        </p>
      )}
      {report?.blocked && (
        <p className="blocked" role="alert">
          {t('signBlocked')}
        </p>
      )}
      {result && (
        <div className="summary-cols">
          <textarea aria-label={t('summary')} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
          {report && <ClaimList report={report} patientId={patientId} />}
        </div>
      )}
    </div>
  );
}

function ClaimList({ report, patientId }: { report: Report; patientId: string }) {
  const { t } = useI18n();
  return (
    <div className="claims">
      <p className="counts">
        <span className="v-supported">
          {t('supported')} {report.counts.supported}
        </span>{' '}
        <span className="v-unsupported">
          {t('unsupported')} {report.counts.unsupported}
        </span>{' '}
        <span className="v-contradicted">
          {t('contradicted')} {report.counts.contradicted}
        </span>{' '}
        <span>
          {t('omissions')} {report.counts.omissions}
        </span>
      </p>
      <ol>
        {report.claims.map((c) => (
          <li key={c.id} className={`claim v-${c.verdict}`} data-verdict={c.verdict}>
            <span className="claim-text">{c.text}</span>
            <span className="verdict">
              {t(c.verdict)}
              {c.errorType ? ` ${c.errorType}` : ''}: {c.reason}
            </span>
            <Sources sources={c.evidence} patientId={patientId} />
            {c.verdict !== 'supported' && <Feedback patientId={patientId} targetKind="claim" targetId={c.id} producer="verify/claims" />}
          </li>
        ))}
      </ol>
      {report.omissions.length > 0 && (
        <ul className="omissions">
          {report.omissions.map((o) => (
            <li key={o.factId} className="claim v-contradicted">
              {o.statement} <Sources sources={o.sources} patientId={patientId} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
