import { useState } from 'react';
import { get, post } from '../api.js';
import { useI18n } from '../i18n.js';
import { ErrorBox, Loading, useLoad } from './Async.js';

/**
 * One teaching case, revealed step by step (routes/teaching.ts): at each step the learner writes a
 * differential and the next tests, checks them against MedSeek's differential on the same revealed
 * text (with its explanation and the knowledge sources it rests on) and the record, then reveals the
 * next step.
 */
interface Bilingual {
  readonly en: string;
  readonly zh?: string;
}

interface CaseView {
  readonly id: string;
  readonly lang: 'zh' | 'en';
  readonly dataset: string;
  readonly total: number;
  readonly steps: readonly { key: string; title: string; text: string; by: 'record' | 'model'; refused?: string }[];
}

interface KnowledgeRef {
  readonly kind: 'knowledge';
  readonly edgeId: string;
  readonly authority: { name: string; document?: string; version?: string; url?: string };
}

interface Feedback {
  readonly title: string;
  readonly summary: string;
  readonly release: number;
  readonly medseek: readonly {
    id: string;
    rank: number;
    name: Bilingual;
    probability: number;
    explanation: string;
    knowledge: readonly KnowledgeRef[];
    lookFor: readonly Bilingual[];
  }[];
  readonly differential: readonly { text: string; medseek?: string; inRecord: boolean }[];
  readonly missed: readonly string[];
  readonly tests: readonly { text: string; done: boolean }[];
  readonly recordTests: readonly string[];
  readonly diagnoses?: readonly string[];
}

const lines = (s: string) =>
  s
    .split(/\n|[,，;；、]/)
    .map((x) => x.trim())
    .filter(Boolean);

export function TeachingCase({ caseId, onClose }: { caseId: string; onClose: () => void }) {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const say = (en: string, zhText: string) => (zh ? zhText : en);
  const pick = (b: Bilingual) => (zh ? (b.zh ?? b.en) : b.en);
  const [step, setStep] = useState(0);
  const [ddx, setDdx] = useState('');
  const [tests, setTests] = useState('');
  const [feedback, setFeedback] = useState<Feedback>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const c = useLoad(
    (signal) => get<CaseView>(`/api/teaching/cases/${caseId}?step=${step}&lang=${lang}`, { signal }),
    `${caseId}|${step}|${lang}`,
  );
  const check = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setFeedback(
        await post<Feedback>(`/api/teaching/cases/${caseId}/steps/${step}/answer`, {
          differential: lines(ddx),
          tests: lines(tests),
          lang,
        }),
      );
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const next = () => {
    setFeedback(undefined);
    setStep((s) => s + 1);
  };
  if (c.error) return <ErrorBox error={c.error} retry={c.reload} />;
  if (!c.data) return <Loading />;
  const view = c.data;
  const last = step >= view.total - 1;
  return (
    <section className="card teaching-case" aria-label={say('Teaching case', '教学病例')}>
      <div className="toolbar">
        <button type="button" onClick={onClose}>
          {say('All cases', '全部病例')}
        </button>
        <span className="muted">
          {say(`Step ${step + 1} of ${view.total}`, `第${step + 1}步，共${view.total}步`)} ·{' '}
          <span data-verbatim>{view.dataset}</span>
        </span>
      </div>
      <ol className="teaching-steps">
        {view.steps.map((s) => (
          <li key={s.key}>
            <h3>{s.title}</h3>
            <p style={{ whiteSpace: 'pre-wrap' }} lang={view.lang} data-verbatim>
              {s.text}
            </p>
            {s.refused && <p className="muted">{s.refused}</p>}
          </li>
        ))}
      </ol>
      {!feedback && (
        <form
          className="feedback-form"
          onSubmit={(e) => {
            e.preventDefault();
            void check();
          }}
        >
          <label>
            {say('Your differential (one per line)', '你的鉴别诊断（每行一个）')}
            <textarea value={ddx} onChange={(e) => setDdx(e.target.value)} rows={3} />
          </label>
          <label>
            {say('Next tests (one per line)', '下一步检查（每行一个）')}
            <textarea value={tests} onChange={(e) => setTests(e.target.value)} rows={2} />
          </label>
          <button type="submit" disabled={busy}>
            {say('Check my answer', '核对我的答案')}
          </button>
          {error && <ErrorBox error={error} />}
        </form>
      )}
      {feedback && (
        <section aria-label={say('Feedback', '反馈')}>
          <p role="status">{feedback.summary}</p>
          <ul>
            {feedback.differential.map((d) => (
              <li key={d.text}>
                <span data-verbatim>{d.text}</span>:{' '}
                {d.medseek
                  ? say('in MedSeek’s differential', '在 MedSeek 鉴别诊断中')
                  : say('not in MedSeek’s top five', '不在 MedSeek 前五位')}
                {d.inRecord ? say('; the record makes it', '；与病历诊断一致') : ''}
              </li>
            ))}
            {feedback.tests.map((x) => (
              <li key={`t-${x.text}`}>
                <span data-verbatim>{x.text}</span>:{' '}
                {x.done ? say('done in the record', '病历中已做') : say('not in the record', '病历中未做')}
              </li>
            ))}
          </ul>
          {feedback.missed.length > 0 && (
            <p>
              {say('MedSeek also considers: ', 'MedSeek 还考虑：')}
              {feedback.missed.join(say(', ', '、'))}
            </p>
          )}
          <section aria-label={say('MedSeek differential', 'MedSeek 鉴别诊断')}>
            <h3>
              {say('MedSeek’s differential', 'MedSeek 的鉴别诊断')}{' '}
              <span className="muted">
                {say(`knowledge release ${feedback.release}`, `知识版本 ${feedback.release}`)}
              </span>
            </h3>
            <ol className="conclusions">
              {feedback.medseek.map((e) => (
                <li key={e.id}>
                  <strong>{pick(e.name)}</strong> {Math.round(e.probability * 1000) / 10}%<p>{e.explanation}</p>
                  {e.lookFor.length > 0 && (
                    <p className="muted">
                      {say('Look for: ', '可进一步了解：')}
                      {e.lookFor.map(pick).join(say(', ', '、'))}
                    </p>
                  )}
                  {e.knowledge.length > 0 && (
                    <ul className="evidence">
                      {e.knowledge.slice(0, 4).map((k) => (
                        <li key={k.edgeId} className="src">
                          {say('Source: ', '来源：')}
                          {k.authority.url ? (
                            <a href={k.authority.url} target="_blank" rel="noreferrer">
                              {k.authority.name}
                            </a>
                          ) : (
                            k.authority.name
                          )}
                          {k.authority.document ? ` — ${k.authority.document}` : ''}
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ol>
          </section>
          {feedback.recordTests.length > 0 && (
            <p>
              {say('Tests in the record: ', '病历中的检查：')}
              <span data-verbatim>{feedback.recordTests.join(say(', ', '、'))}</span>
            </p>
          )}
          {feedback.diagnoses && (
            <p role="note" aria-label={say('Diagnoses in the record', '病历诊断')}>
              {say('Diagnoses in the record: ', '病历诊断：')}
              <span data-verbatim>{feedback.diagnoses.join(say('; ', '；'))}</span>
            </p>
          )}
          {!last && (
            <button type="button" onClick={next}>
              {say('Reveal the next step', '显示下一步')}
            </button>
          )}
        </section>
      )}
    </section>
  );
}
