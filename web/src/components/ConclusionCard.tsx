import { term, useI18n } from '../i18n.js';
import type { Conclusion } from '../types.js';
import { Feedback } from './Feedback.js';
import { Sources } from './SourceLink.js';

/** One conclusion (a diagnosis, an alert, a QC finding) with every piece of its evidence clickable. */
export function ConclusionCard({
  c,
  patientId,
  targetKind,
}: {
  c: Conclusion;
  patientId: string;
  targetKind: 'diagnosis' | 'alert' | 'quality';
}) {
  const { t, lang } = useI18n();
  const say = (b: { en: string; zh?: string }) => (lang === 'zh' ? (b.zh ?? b.en) : b.en);
  const max = Math.max(1e-9, ...c.evidence.map((e) => Math.abs(e.contribution ?? 0)));
  return (
    <article className={`card conclusion sev-${c.severity ?? 'info'}`}>
      <header>
        <h3>{say(c.statement)}</h3>
        {'confidence' in c && c.confidence !== undefined && (
          <span className="prob" title={t('probability')}>
            {(c.confidence * 100).toFixed(1)}%
          </span>
        )}
        {c.severity && <span className={`sev sev-${c.severity}`}>{term('severity', c.severity, lang)}</span>}
      </header>
      {c.detail && <p>{say(c.detail)}</p>}
      <ul className="evidence">
        {c.evidence.map((e, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: evidence order is the reasoner's and stable
          <li key={i} className={`ev-${e.role}`}>
            {e.contribution !== undefined && (
              <span className="bar" aria-hidden="true">
                <span
                  className={e.contribution >= 0 ? 'pos' : 'neg'}
                  style={{ width: `${(Math.abs(e.contribution) / max) * 100}%` }}
                />
              </span>
            )}
            <span className="role">
              {e.role === 'supports'
                ? t('evidenceFor')
                : e.role === 'refutes'
                  ? t('evidenceAgainst')
                  : e.role === 'missing'
                    ? t('missingExpected')
                    : ''}
            </span>{' '}
            {say(e.statement)}
            <Sources sources={[...e.sources, ...(e.knowledge ?? [])]} patientId={patientId} />
          </li>
        ))}
      </ul>
      <footer>
        <small>
          <code>{c.producer}</code>
          {c.knowledgeRelease ? (
            <>
              {' · '}
              {lang === 'zh' ? '知识库' : 'Knowledge'} <code>{c.knowledgeRelease}</code>
            </>
          ) : (
            ''
          )}
        </small>
        <Feedback patientId={patientId} targetKind={targetKind} targetId={c.id} producer={c.producer} />
      </footer>
    </article>
  );
}
