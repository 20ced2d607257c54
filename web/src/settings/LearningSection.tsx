import { useEffect, useState } from 'react';
import { useI18n } from '../i18n.js';
import { when } from './Field.js';
import { get, post } from './http.js';

interface Count {
  networkId: string;
  source: 'accepted-differential' | 'pre-consultation';
  cases: number;
  latest: string;
}
interface Figures {
  gtpa1: number;
  gtpa3: number;
  brier: number;
}
interface LearnedRelease {
  id: string;
  networkId: string;
  status: 'candidate' | 'active' | 'refused' | 'retired';
  createdBy: string;
  createdAt: string;
  data: { label: string; cases: number };
  diff: { edgesChanged: number };
  evaluation?: {
    heldBack: { label: string; cases: number };
    baselineId: string | null;
    baseline: Figures;
    candidate: Figures;
    passed: boolean;
    reasons: string[];
  };
}
interface Candidate {
  id: string;
  kind: 'lexicon' | 'assertion-cue';
  term: string;
  target: { system: string; code: string; display?: string } | string;
  corrections: number;
  spans: { span: string; quote: string; was: string }[];
  status: 'candidate' | 'accepted' | 'rejected';
}
interface Export {
  lexiconTsv: string;
  contextTsv: string;
}

/**
 * Learning from the hospital's own feedback, for administrators (docs/learning.md): the confirmed cases stored
 * (accepted differentials, pre-consultations matched to their visit's diagnosis); fitting a calibration map and a
 * learned release from them, each evaluated on the stored cases held back from it (calibrations are shown and
 * activated under Calibration; learned releases here, activated only after a passed evaluation); and the lexicon and
 * assertion-cue candidates from clinicians' corrections of extracted facts, accepted or rejected, the accepted ones
 * exported for the knowledge team (extraction itself is not changed here).
 */
export function LearningSection() {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const [counts, setCounts] = useState<Count[]>();
  const [releases, setReleases] = useState<LearnedRelease[]>([]);
  const [candidates, setCandidates] = useState<Candidate[]>([]);
  const [exported, setExported] = useState<Export>();
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  const [n, setN] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads again on an explicit counter (after a change)
  useEffect(() => {
    Promise.all([
      get<{ counts: Count[] }>('/api/admin/learning/confirmed-cases'),
      get<{ releases: LearnedRelease[] }>('/api/admin/learning/releases'),
      get<{ candidates: Candidate[] }>('/api/admin/learning/curation'),
    ]).then(
      ([c, r, k]) => {
        setCounts(c.counts);
        setReleases(r.releases);
        setCandidates(k.candidates);
      },
      (e: Error) => setError(e.message),
    );
  }, [n]);
  const act = (p: Promise<unknown>, done?: (r: never) => string) =>
    p.then(
      (r) => {
        setError(undefined);
        setMessage(done?.(r as never));
        setN((x) => x + 1);
      },
      (e: Error) => setError(e.message),
    );
  if (error && !counts) return <p className="error-inline">{error}</p>;
  if (!counts) return <p className="muted">…</p>;
  const source = (s: Count['source']) =>
    zh ? { 'accepted-differential': '采纳的鉴别诊断', 'pre-consultation': '预问诊与就诊诊断匹配' }[s] : s;
  const status = (s: LearnedRelease['status'] | Candidate['status']) =>
    zh
      ? {
          active: '使用中',
          candidate: '候选',
          refused: '已拒绝',
          retired: '已停用',
          accepted: '已采纳',
          rejected: '已驳回',
        }[s]
      : s;
  const figures = (f: Figures) => `GTPA@1 ${f.gtpa1} · GTPA@3 ${f.gtpa3} · Brier ${f.brier}`;
  const target = (c: Candidate) =>
    typeof c.target === 'string' ? c.target : `${c.target.display ?? ''} (${c.target.system}|${c.target.code})`;
  return (
    <section aria-label={zh ? '学习' : 'Learning'}>
      <p className="muted">
        {zh
          ? '本院存储的已确诊病例：医生采纳的鉴别诊断，以及与就诊诊断匹配的预问诊。由其拟合校准与学习版本，并在留出的存储病例上评估，通过后方可启用。'
          : 'Confirmed cases the hospital stores: differentials clinicians accepted, and pre-consultations matched to ' +
            'the diagnosis of their visit. Calibrations and learned releases are fitted on them and evaluated on the ' +
            'stored cases held back, and can be activated only after passing.'}
      </p>
      {error && <p className="error-inline">{error}</p>}
      {message && <p>{message}</p>}
      <table className="calls">
        <thead>
          <tr>
            <th>{zh ? '网络' : 'Network'}</th>
            <th>{zh ? '来源' : 'Source'}</th>
            <th>{zh ? '病例数' : 'Cases'}</th>
            <th>{zh ? '最近' : 'Latest'}</th>
          </tr>
        </thead>
        <tbody>
          {counts.map((c) => (
            <tr key={`${c.networkId}|${c.source}`}>
              <td>
                <code>{c.networkId}</code>
              </td>
              <td>{source(c.source)}</td>
              <td>{c.cases}</td>
              <td>{when(c.latest)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {counts.length === 0 && <p className="muted">{zh ? '尚无存储的确诊病例。' : 'No stored confirmed cases yet.'}</p>}
      <button
        type="button"
        onClick={() =>
          act(
            post('/api/admin/learning/confirmed-cases/match', {}),
            (r: { matched: number; stored: number; ambiguous: number }) =>
              zh
                ? `匹配 ${r.matched}，新存 ${r.stored}，多诊断无法判定 ${r.ambiguous}`
                : `${r.matched} matched, ${r.stored} newly stored, ${r.ambiguous} with several diagnoses`,
          )
        }
      >
        {zh ? '匹配预问诊' : 'Match pre-consultations'}
      </button>{' '}
      <button
        type="button"
        onClick={() =>
          act(post('/api/admin/learning/fit', { what: 'both' }), (r: { fitted: number; heldBack: number }) =>
            zh
              ? `拟合 ${r.fitted} 例，留出 ${r.heldBack} 例评估`
              : `Fitted on ${r.fitted} cases, evaluated on ${r.heldBack} held back`,
          )
        }
      >
        {zh ? '由存储病例拟合' : 'Fit from stored cases'}
      </button>
      <h2>{zh ? '学习版本' : 'Learned releases'}</h2>
      {releases.length === 0 && <p className="muted">{zh ? '尚无学习版本。' : 'No learned release yet.'}</p>}
      {releases.map((r) => {
        const e = r.evaluation;
        return (
          <article key={r.id} className="card" aria-label={r.id}>
            <h3>
              <code>{r.id}</code> <span className={`status-${r.status}`}>{status(r.status)}</span>
            </h3>
            <p className="muted">
              {r.data.label} ({r.data.cases}) · {r.createdBy} · {when(r.createdAt)} ·{' '}
              {zh ? `${r.diff.edgesChanged} 条边改变` : `${r.diff.edgesChanged} edges changed`}
            </p>
            {e && (
              <p>
                {zh ? '留出评估' : 'Held-back evaluation'} ({e.heldBack.cases}): {figures(e.candidate)}{' '}
                {zh ? '对比' : 'against'} {e.baselineId ?? (zh ? '来源网络' : 'the source')} {figures(e.baseline)} ·{' '}
                {e.passed ? (zh ? '通过' : 'passed') : `${zh ? '未通过' : 'failed'}: ${e.reasons.join('; ')}`}
              </p>
            )}
            {r.status === 'candidate' && e?.passed && (
              <button
                type="button"
                onClick={() => act(post(`/api/admin/learning/releases/${encodeURIComponent(r.id)}/activate`, {}))}
              >
                {zh ? '启用' : 'Activate'}
              </button>
            )}
            {r.status === 'active' && (
              <button
                type="button"
                onClick={() => act(post('/api/admin/learning/releases/rollback', { networkId: r.networkId }))}
              >
                {zh ? '回滚' : 'Roll back'}
              </button>
            )}
          </article>
        );
      })}
      <h2>{zh ? '词表与断言线索候选' : 'Lexicon and assertion-cue candidates'}</h2>
      {candidates.length === 0 && (
        <p className="muted">{zh ? '尚无来自事实更正的候选。' : 'No candidates from fact corrections yet.'}</p>
      )}
      <table className="calls">
        <tbody>
          {candidates.map((c) => (
            <tr key={c.id}>
              <td>{c.kind === 'lexicon' ? (zh ? '词表' : 'lexicon') : zh ? '断言线索' : 'cue'}</td>
              <td>
                <strong>{c.term}</strong> → {target(c)}
              </td>
              <td>×{c.corrections}</td>
              <td title={c.spans.map((s) => `${s.span} “${s.quote}” (${s.was})`).join('\n')}>{c.spans[0]?.span}</td>
              <td>{status(c.status)}</td>
              <td>
                {c.status !== 'accepted' && (
                  <button
                    type="button"
                    onClick={() => act(post(`/api/admin/learning/curation/${c.id}/decision`, { decision: 'accept' }))}
                  >
                    {zh ? '采纳' : 'Accept'}
                  </button>
                )}{' '}
                {c.status !== 'rejected' && (
                  <button
                    type="button"
                    onClick={() => act(post(`/api/admin/learning/curation/${c.id}/decision`, { decision: 'reject' }))}
                  >
                    {zh ? '驳回' : 'Reject'}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button
        type="button"
        onClick={() =>
          get<Export>('/api/admin/learning/curation/export').then(setExported, (e: Error) => setError(e.message))
        }
      >
        {zh ? '导出已采纳项' : 'Export accepted'}
      </button>
      {exported && (
        <>
          <h3>lexicon-builtin.tsv</h3>
          <pre>{exported.lexiconTsv}</pre>
          <h3>context-*.tsv</h3>
          <pre>{exported.contextTsv}</pre>
        </>
      )}
    </section>
  );
}
