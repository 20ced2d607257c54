import { type ReactNode, useEffect, useRef, useState } from 'react';
import {
  type AcceptClaimRequest,
  ApiError,
  type CallOptions,
  post,
  type SignRequest,
  type SummaryRequest,
  type VerifyRequest,
} from '../api.js';
import { type Lang, type StringKey, useI18n } from '../i18n.js';
import type { Conclusion, Report, SignoffPolicy, SignRefusal, Source, SummaryResult, VerifiedClaim } from '../types.js';
import { ErrorBox, Loading } from './Async.js';
import { ConclusionCard } from './ConclusionCard.js';
import { Feedback } from './Feedback.js';
import { Sources } from './SourceLink.js';

type Citations = SummaryResult['citationSources'];

const MARKER = /\[(F\d+(?:\s*[,，]\s*F\d+)*)\]/g;

/** Refusal codes the workspace words itself, in the interface language (the server's reason is shown too). */
const REFUSALS: Partial<Record<SignRefusal['code'], StringKey>> = {
  'draft-patient-mismatch': 'draftPatientMismatch',
  'draft-encounter-mismatch': 'draftEncounterMismatch',
  'draft-lang-mismatch': 'draftLangMismatch',
  'draft-signed': 'draftSigned',
};

/** The server's `fallback` (a configured model failed; the verified template text is shown). */

/** The banner when the model failed: said beside the draft, never written into it. */
const FALLBACK_BANNER: Record<Lang, (reason: string) => string> = {
  zh: (reason) => `模型不可用：${reason}；以下为经核验的模板文本。`,
  en: (reason) => `Model unavailable: ${reason}; showing the verified template text.`,
};

/**
 * Generate a discharge summary for this patient, read it with its citations as chips that open their
 * source, see each claim's verdict and reason, accept unsupported clinical statements with a reason,
 * re-verify edits, and sign off — disabled, with the reason, while the server's sign-off policy blocks.
 * Everything here belongs to `patientId`: the page mounts a fresh editor per patient, and requests
 * still running for a previous one are aborted and their answers dropped.
 */
export function SummaryEditor({ patientId }: { patientId: string }) {
  const { t, lang: uiLang } = useI18n();
  const [lang, setLang] = useState<Lang>(uiLang);
  const [result, setResult] = useState<SummaryResult>();
  const [text, setText] = useState('');
  /** The text the current report and policy are about (claim ids belong to it). */
  const [verified, setVerified] = useState<string>();
  const [report, setReport] = useState<Report>();
  const [policy, setPolicy] = useState<SignoffPolicy>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [refusal, setRefusal] = useState<string>();
  const [signed, setSigned] = useState<string>();
  const aborter = useRef(new AbortController());
  const owner = useRef(patientId);

  // A new patient: abort what is in flight and forget everything about the previous one.
  useEffect(() => {
    owner.current = patientId;
    aborter.current.abort();
    aborter.current = new AbortController();
    setResult(undefined);
    setText('');
    setVerified(undefined);
    setReport(undefined);
    setPolicy(undefined);
    setRefusal(undefined);
    setSigned(undefined);
    setError(undefined);
    return () => aborter.current.abort();
  }, [patientId]);

  const base = `/api/patients/${encodeURIComponent(patientId)}`;
  const opts = (): CallOptions => ({ signal: aborter.current.signal, headers: { 'Accept-Language': uiLang } });
  const run = async (f: (still: () => boolean) => Promise<void>) => {
    const mine = patientId;
    const still = () => owner.current === mine;
    setBusy(true);
    setError(undefined);
    setRefusal(undefined);
    try {
      await f(still);
    } catch (e) {
      if (!still() || (e as Error).name === 'AbortError') return;
      const body = e instanceof ApiError ? (e.body as Partial<SignRefusal> | undefined) : undefined;
      if (body?.code) {
        if (body.report) setReport(body.report);
        if (body.policy) setPolicy(body.policy);
        const own = REFUSALS[body.code];
        setRefusal(own ? `${t(own)}${body.reason ? ` (${body.reason})` : ''}` : (body.reason ?? (e as Error).message));
      } else setError(e as Error);
    } finally {
      if (still()) setBusy(false);
    }
  };
  const draft = result?.draft;
  const bound = { draftId: draft?.id, encounterId: draft?.encounterId, lang: draft?.lang };

  const generate = () =>
    run(async (still) => {
      const r = await post<SummaryResult>(`${base}/summary`, { lang } satisfies SummaryRequest, opts());
      // Never show another patient's draft, whatever arrives.
      if (!still() || r.draft.patientId !== patientId) return;
      setResult(r);
      setText(r.document.text);
      setVerified(r.document.text);
      setReport(r.report);
      setPolicy(r.policy);
      setSigned(undefined);
    });
  const reverify = () =>
    run(async (still) => {
      const sent = text;
      const r = await post<Report & { policy: SignoffPolicy }>(
        `${base}/verify`,
        { text: sent, ...bound } satisfies VerifyRequest,
        opts(),
      );
      if (!still()) return;
      setReport(r);
      setPolicy(r.policy);
      setVerified(sent);
    });
  // Accepting a claim and signing act on a composed draft (the server requires its id).
  const accept = (claimId: string, reason: string) =>
    run(async (still) => {
      if (!draft || verified === undefined) return;
      const r = await post<{ report: Report; policy: SignoffPolicy }>(
        `${base}/summary/accept`,
        { text: verified, claimId, reason, ...bound, draftId: draft.id } satisfies AcceptClaimRequest,
        opts(),
      );
      if (!still()) return;
      setReport(r.report);
      setPolicy(r.policy);
    });
  const sign = () =>
    run(async (still) => {
      if (!draft) return;
      const r = await post<{ signed: boolean; documentReference: string; report: Report; policy: SignoffPolicy }>(
        `${base}/summary/sign`,
        { text, ...bound, draftId: draft.id } satisfies SignRequest,
        opts(),
      );
      if (!still()) return;
      setReport(r.report);
      setPolicy(r.policy);
      setSigned(r.documentReference);
    });

  const dirty = verified !== undefined && text !== verified;
  const why = !result
    ? t('signNeedsDraft')
    : signed
      ? t('signed')
      : dirty
        ? t('signNeedsReverify')
        : !policy
          ? t('signNeedsReverify')
          : policy.blocked
            ? (policy.reason ?? t('signBlocked'))
            : undefined;
  const model = result?.document.model;
  const fallback = result?.fallback;
  return (
    <div className="summary-editor" data-patient={patientId}>
      <div className="toolbar">
        <select
          aria-label={uiLang === 'zh' ? '出院记录语言' : 'Summary language'}
          value={lang}
          onChange={(e) => setLang(e.target.value as Lang)}
        >
          <option value="zh">中文</option>
          <option value="en">English</option>
        </select>
        <button type="button" onClick={generate} disabled={busy}>
          {t('generate')}
        </button>
        <button type="button" onClick={reverify} disabled={busy || !result || !text}>
          {t('reverify')}
        </button>
        <button
          type="button"
          onClick={sign}
          disabled={busy || why !== undefined}
          title={why}
          aria-describedby="sign-why"
        >
          {t('signOff')}
        </button>
        <span id="sign-why" className={`sign-why${why && !signed ? ' blocked' : ' ok'}`}>
          {why ?? t('signReady')}
        </span>
        {model && (
          <span className="model-badge">
            {model.used
              ? `${t('modelUsed')}: ${model.provider ?? ''} ${model.model ?? ''}${model.deidentified ? ` · ${t('deidentified')}` : ''}`
              : `${t('noModel')}${model.reason ? ` — ${model.reason}` : ''}`}
          </span>
        )}
      </div>
      {busy && <Loading />}
      {fallback && (
        <p className="model-fallback" role="status">
          {FALLBACK_BANNER[uiLang](fallback.reason)}
        </p>
      )}
      {error && <ErrorBox error={error} />}
      {refusal && (
        <p className="blocked refusal" role="alert">
          {t('signRefused')}: {refusal}
        </p>
      )}
      {signed && (
        <p className="ok" role="status">
          {t('signed')}: {signed}
        </p>
      )}
      {policy && policy.blocks.length > 0 && !dirty && (
        <div className="sign-blocks" role="alert">
          <strong>{t('signBlocks')}</strong>
          <ul>
            {policy.blocks.map((b, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the server's order, replaced as a whole
              <li key={i} data-kind={b.kind}>
                {b.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {policy && policy.alerts.length > 0 && (
        <section className="discharge-alerts">
          <h3>{t('safetyOnDischarge')}</h3>
          {policy.alerts.map((a) => (
            <div key={a.conclusion.id} data-rule={a.ruleId} data-blocking={a.blocking}>
              <ConclusionCard c={withoutDraftSources(a.conclusion)} patientId={patientId} targetKind="alert" />
            </div>
          ))}
        </section>
      )}
      {result && (
        <div className="summary-cols">
          <div className="summary-main">
            <Rendered text={text} citations={result.citationSources} patientId={patientId} />
            <details open>
              <summary>{t('editText')}</summary>
              <textarea
                aria-label={t('summary')}
                value={text}
                onChange={(e) => setText(e.target.value)}
                spellCheck={false}
              />
            </details>
          </div>
          {report && (
            <ClaimList
              report={report}
              policy={policy}
              citations={result.citationSources}
              patientId={patientId}
              onAccept={dirty || busy || signed ? undefined : accept}
            />
          )}
        </div>
      )}
    </div>
  );
}

/** The discharge drug's own span in the draft is the claim itself (listed beside); the record's sources stay clickable. */
function withoutDraftSources(c: Conclusion): Conclusion {
  const keep = (s: Source) => !(s.kind === 'text' && s.document.startsWith('summary-draft/'));
  return { ...c, evidence: c.evidence.map((e) => ({ ...e, sources: e.sources.filter(keep) })) };
}

function hrefOf(source: Source, patientId: string): string | undefined {
  const pid = encodeURIComponent(patientId);
  if (source.kind === 'text')
    return `#/patients/${pid}/notes?doc=${encodeURIComponent(source.document)}&start=${source.start}&end=${source.end}`;
  if (source.kind === 'resource')
    return `#/patients/${pid}/resource?ref=${encodeURIComponent(`${source.resourceType}/${source.id}`)}`;
  if (source.kind === 'knowledge') return source.authority.url;
  return undefined;
}

/** A citation as a superscript chip: its number, the fact in words on hover, a click to its first source. */
function Chip({ citeKey, citations, patientId }: { citeKey: string; citations: Citations; patientId: string }) {
  const { t } = useI18n();
  const c = citations[citeKey];
  const href = c?.sources[0] ? hrefOf(c.sources[0], patientId) : undefined;
  const label = `${t('citation')} ${citeKey.slice(1)}: ${c?.label ?? citeKey}`;
  return (
    <sup className="cite">
      {href ? (
        <a href={href} title={label} aria-label={label} data-cite={citeKey}>
          {citeKey.slice(1)}
        </a>
      ) : (
        <span title={label} data-cite={citeKey}>
          {citeKey.slice(1)}
        </span>
      )}
    </sup>
  );
}

/** Text with `[F3, F4]` markers turned into chips. */
function Inline({ text, citations, patientId }: { text: string; citations: Citations; patientId: string }) {
  const out: ReactNode[] = [];
  let at = 0;
  for (const m of text.matchAll(MARKER)) {
    if (m.index > at) out.push(text.slice(at, m.index));
    for (const key of m[1]!.split(/\s*[,，]\s*/))
      out.push(<Chip key={`${m.index}-${key}`} citeKey={key} citations={citations} patientId={patientId} />);
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push(text.slice(at));
  return <>{out}</>;
}

/** The summary as a clinician reads it: headings as headings, citations as chips, no Markdown or markers. */
function Rendered({ text, citations, patientId }: { text: string; citations: Citations; patientId: string }) {
  const { lang } = useI18n();
  const blocks = text.split('\n').filter((l) => l.trim());
  return (
    <article className="summary-doc" aria-label={lang === 'zh' ? '出院记录预览' : 'Summary preview'}>
      {blocks.map((line, i) => {
        const h = /^\s{0,3}#{1,6}\s+(.*)$/.exec(line);
        return h ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines of one text, re-rendered as a whole
          <h3 key={i}>{h[1]}</h3>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines of one text, re-rendered as a whole
          <p key={i}>
            <Inline text={line} citations={citations} patientId={patientId} />
          </p>
        );
      })}
    </article>
  );
}

function ClaimList({
  report,
  policy,
  citations,
  patientId,
  onAccept,
}: {
  report: Report;
  policy?: SignoffPolicy;
  citations: Citations;
  patientId: string;
  onAccept?: (claimId: string, reason: string) => void;
}) {
  const { t } = useI18n();
  const needs = new Set(policy?.needsAcceptance ?? []);
  const accepted = new Map((policy?.acceptances ?? []).map((a) => [a.currentClaimId, a]));
  const flagged = new Set((policy?.alerts ?? []).filter((a) => a.blocking).flatMap((a) => a.claimIds));
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
          <li
            key={c.id}
            className={`claim v-${c.verdict}${flagged.has(c.id) ? ' safety' : ''}`}
            data-verdict={c.verdict}
            data-claim={c.id}
          >
            <span className="claim-text">
              <Inline text={c.text} citations={citations} patientId={patientId} />
            </span>
            <span className="verdict">
              {t(c.verdict)}
              {c.errorType ? ` ${c.errorType}` : ''}: {c.reason}
            </span>
            <Sources sources={c.evidence} patientId={patientId} />
            {needs.has(c.id) && <Acceptance claim={c} accepted={accepted.get(c.id)} onAccept={onAccept} />}
            {c.verdict !== 'supported' && (
              <Feedback patientId={patientId} targetKind="claim" targetId={c.id} producer="verify/claims" />
            )}
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

/** The explicit acceptance an unsupported clinical statement needs before sign-off: a reason is required. */
function Acceptance({
  claim,
  accepted,
  onAccept,
}: {
  claim: VerifiedClaim;
  accepted?: SignoffPolicy['acceptances'][number];
  onAccept?: (claimId: string, reason: string) => void;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  if (accepted) {
    return (
      <p className="accepted">
        ✓ {t('acceptedBy')}: {accepted.reason} — {accepted.principalName} ·{' '}
        {accepted.acceptedAt.slice(0, 16).replace('T', ' ')}
      </p>
    );
  }
  return (
    <div className="accept-claim">
      <small>{t('acceptNeeded')}</small>
      <input
        aria-label={t('acceptReason')}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        disabled={!onAccept}
      />
      <button type="button" disabled={!onAccept || !reason.trim()} onClick={() => onAccept?.(claim.id, reason.trim())}>
        {t('acceptClaim')}
      </button>
    </div>
  );
}
