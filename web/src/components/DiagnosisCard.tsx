import { Fragment } from 'react';
import { term, useI18n } from '../i18n.js';
import type { DiagnosisConclusion, DifferentialEntry, Evidence, ExplainedFinding, Source } from '../types.js';
import { Feedback } from './Feedback.js';
import { KnowledgeName } from './KnowledgeName.js';
import { SourceLink, Sources } from './SourceLink.js';

const pct = (p: number) => `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`;
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;

/**
 * One disease of the differential, worded here from the reasoner's explanation as data (names, weights, sources)
 * rather than from its prose, whose sentences quote each name and authority in whichever language the knowledge gives
 * them: names come in the chosen language or marked as the other (KnowledgeName), guideline bodies as the cited
 * sources they are (SourceLink, `data-verbatim`).
 */
export function DiagnosisCard({
  d,
  c,
  patientId,
}: {
  d: DifferentialEntry;
  c: DiagnosisConclusion;
  patientId: string;
}) {
  const { t, lang } = useI18n();
  const e = d.explanation;
  // Each finding's record sources, as the conclusion's evidence carries them.
  const sourcesOf = new Map<string, readonly Source[]>();
  for (const ev of d.evidence as readonly Evidence[])
    if (ev.factId && ev.contribution !== undefined) sourcesOf.set(ev.factId, ev.sources);
  const max = Math.max(1e-9, ...e.contributions.map((f) => Math.abs(f.llr)));
  const open = lang === 'zh' ? '（' : ' (';
  const close = lang === 'zh' ? '）' : ')';
  const frequency = (f: { edgeProbability?: number }) =>
    f.edgeProbability === undefined
      ? t('frequencyUnknown')
      : lang === 'zh'
        ? `该病 ${pct(f.edgeProbability)} 出现`
        : `in ${pct(f.edgeProbability)} of cases`;
  const finding = (f: ExplainedFinding) =>
    f.observed === 'absent' ? (
      lang === 'zh' ? (
        <>
          <KnowledgeName name={f.name} />（{t('findingAbsent')}）
        </>
      ) : (
        <>
          {t('findingAbsent')} <KnowledgeName name={f.name} />
        </>
      )
    ) : (
      <KnowledgeName name={f.name} />
    );
  const codes = d.codes.filter((code) => /icd/i.test(code.system));
  return (
    <article className={`card conclusion sev-${c.severity ?? 'info'}`}>
      <header>
        <h3>
          <KnowledgeName name={d.name} />
          {codes.map((code) => (
            <Fragment key={`${code.system}|${code.code}`}>
              {' '}
              <code className="muted">{code.code}</code>
            </Fragment>
          ))}
        </h3>
        <span className="prob" title={t('probability')}>
          {pct(d.probability)}
        </span>
        {d.status === 'diagnosed' && (
          <span className="status-diagnosed" title={t('diagnosedHint')}>
            {t('diagnosed')}
            {d.diagnosedBy && <Sources sources={d.diagnosedBy} patientId={patientId} />}
          </span>
        )}
        {c.severity && <span className={`sev sev-${c.severity}`}>{term('severity', c.severity, lang)}</span>}
      </header>
      {e.priorBasis === 'uniform' && <p className="muted">{t('uniformPrior')}</p>}
      <ul className="evidence">
        {e.contributions.map((f) => (
          <li key={`${f.finding}|${f.observed}`} className={f.llr >= 0 ? 'ev-supports' : 'ev-refutes'}>
            <span className="bar" aria-hidden="true">
              <span className={f.llr >= 0 ? 'pos' : 'neg'} style={{ width: `${(Math.abs(f.llr) / max) * 100}%` }} />
            </span>
            <span className="role">{f.llr >= 0 ? t('evidenceFor') : t('evidenceAgainst')}</span>
            <span>
              {finding(f)}
              {lang === 'zh' ? '：' : ': '}
              {t('logLikelihood')} {signed(f.llr)}
              {f.frequencyUnknown && `${open}${t('frequencyUnknown')}${close}`}
            </span>
            <Sources
              sources={[...(sourcesOf.get(f.finding) ?? []), ...(f.edge ? [f.edge] : [])]}
              patientId={patientId}
            />
          </li>
        ))}
        {e.expectedAbsent.map((f) => (
          <li key={`absent|${f.finding}`} className="ev-missing">
            <span className="role">{t('missingExpected')}</span>
            <span>
              <KnowledgeName name={f.name} />
              {`${open}${frequency(f)}${close}`}
            </span>
            {f.edge && <Sources sources={[f.edge]} patientId={patientId} />}
          </li>
        ))}
        {e.notAsked.map((f) => (
          <li key={`ask|${f.finding}`} className="ev-missing">
            <span className="role">{t('notYetKnown')}</span>
            <span>
              <KnowledgeName name={f.name} />
              {`${open}${frequency(f)}${close}`}
            </span>
          </li>
        ))}
      </ul>
      {e.paths.length > 0 && (
        <>
          <h4>{t('causalPaths')}</h4>
          <ul className="paths">
            {e.paths.slice(0, 3).map((p) => (
              <li key={`${p.riskFactor?.id ?? ''}|${p.finding.id}`}>
                {p.riskFactor && (
                  <>
                    <KnowledgeName name={p.riskFactor.name} /> →{' '}
                  </>
                )}
                <KnowledgeName name={d.name} /> → <KnowledgeName name={p.finding.name} />
                {open}
                {t('pathSource')}
                {lang === 'zh' ? '：' : ': '}
                <SourceLink source={p.finding.source} patientId={patientId} />
                {close}
              </li>
            ))}
          </ul>
        </>
      )}
      <footer>
        <small>
          <code>{c.producer}</code>
          {c.knowledgeRelease && (
            <>
              {' · '}
              {lang === 'zh' ? '知识库' : 'Knowledge'} <code>{c.knowledgeRelease}</code>
            </>
          )}
        </small>
        <Feedback patientId={patientId} targetKind="diagnosis" targetId={c.id} producer={c.producer} />
      </footer>
    </article>
  );
}
