import { term, useI18n } from '../i18n.js';
import type { Conclusion } from '../types.js';
import { Feedback } from './Feedback.js';
import { Sources } from './SourceLink.js';

/** One conclusion (a diagnosis, an alert, a QC finding) with every piece of its evidence clickable. */
export function ConclusionCard({
  c,
  patientId,
  targetKind,
  quotes,
}: {
  c: Conclusion;
  patientId: string;
  targetKind: 'diagnosis' | 'alert' | 'quality';
  /** What the conclusion's texts quote rather than say (a QC finding's record headings, a norm's citation line). */
  quotes?: readonly string[] | undefined;
}) {
  const { t, lang } = useI18n();
  const say = (b: { en: string; zh?: string }) => (
    <Quoting text={lang === 'zh' ? (b.zh ?? b.en) : b.en} quotes={quotes} />
  );
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

/**
 * `text` with each quotation in it marked as such (`data-verbatim`, in its own `lang`): a record's heading stays in
 * the record's words (民族: what to look for in the note) and a norm's citation in the norm's own numbering (第二十二条),
 * whatever the page's language; a quotation is never translated. Longer quotations first (婚姻状况 before 婚姻).
 */
function Quoting({ text, quotes }: { text: string; quotes?: readonly string[] | undefined }) {
  const found = (quotes ?? []).filter((q) => q && text.includes(q));
  if (found.length === 0) return <>{text}</>;
  const literal = (q: string) => q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(
    `(${[...found]
      .sort((a, b) => b.length - a.length)
      .map(literal)
      .join('|')})`,
  );
  // One element: an evidence line is a flex row, whose items would each get a gap.
  return (
    <span>
      {text.split(pattern).map((part, i) =>
        // Odd parts are the quotations (split with one capturing group).
        i % 2 === 1 ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed text, in order
          <q key={i} className="quoted" data-verbatim lang={/[\u3400-\u9fff]/.test(part) ? 'zh' : undefined}>
            {part}
          </q>
        ) : (
          part
        ),
      )}
    </span>
  );
}
