import { type FormEvent, useState } from 'react';
import { post } from '../api.js';
import { useI18n } from '../i18n.js';
import type { AskAnswer as ApiAskAnswer } from '../types.js';
import { ErrorBox } from './Async.js';
import { SourceLink } from './SourceLink.js';

/** The answer as POST /api/patients/:id/ask sends it (the server's own type); `n`: which ask of this panel. */
type AskAnswer = ApiAskAnswer & { n?: number };

const EXAMPLES = {
  zh: ['这次住院血钾最高多少？', '什么时候停的螺内酯？', '有什么过敏'],
  en: ['latest INR', 'why was warfarin held?', 'current medications'],
};

/**
 * Ask the record: a side panel on each patient. A question (zh or en) is answered from the record;
 * each sentence links to its sources (the note span, the FHIR resource), shows whether the verifier
 * verified or flagged it, and what was removed as unsupported is listed apart, never as an answer.
 */
export function AskPanel({ patientId }: { patientId: string }) {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const [question, setQuestion] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const [answers, setAnswers] = useState<AskAnswer[]>([]);

  const ask = async (q: string) => {
    if (!q.trim()) return;
    setBusy(true);
    setError(undefined);
    try {
      const a = await post<AskAnswer>(`/api/patients/${encodeURIComponent(patientId)}/ask`, { question: q });
      setAnswers((prev) => [{ ...a, n: (prev[0]?.n ?? 0) + 1 }, ...prev].slice(0, 10));
      setQuestion('');
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void ask(question);
  };

  return (
    <aside className="card ask-panel" aria-label={zh ? '询问病历' : 'Ask the record'}>
      <h2>{zh ? '询问病历' : 'Ask the record'}</h2>
      <form onSubmit={submit}>
        <input
          type="text"
          value={question}
          maxLength={2000}
          placeholder={zh ? '例如：这次住院血钾最高多少？' : 'e.g. What was the highest potassium?'}
          aria-label={zh ? '问题' : 'Question'}
          onChange={(e) => setQuestion(e.target.value)}
          disabled={busy}
        />
        <button type="submit" disabled={busy || !question.trim()}>
          {busy ? (zh ? '正在查阅…' : 'Reading…') : zh ? '提问' : 'Ask'}
        </button>
      </form>
      <p className="hint">
        {(zh ? EXAMPLES.zh : EXAMPLES.en).map((ex) => (
          <button key={ex} type="button" className="link" onClick={() => void ask(ex)} disabled={busy}>
            <span data-verbatim>{ex}</span>
          </button>
        ))}
      </p>
      {error && <ErrorBox error={error} />}
      {answers.map((a) => (
        <div key={a.n} className="ask-answer" data-refused={a.refused}>
          <p className="ask-question">
            <strong>{zh ? '问：' : 'Q: '}</strong>
            <span data-verbatim>{a.question}</span>
          </p>
          <ol className="ask-sentences">
            {a.sentences.map((s) => (
              <li key={`${s.kind}|${s.text}`} className={`ask-sentence ask-${s.status}`} data-kind={s.kind}>
                <span data-verbatim>{s.text}</span>{' '}
                {s.status === 'verified' && (
                  <span className="badge ok" title={zh ? '已由核验器核对' : 'checked by the verifier'}>
                    {zh ? '已核验' : 'verified'}
                  </span>
                )}
                {s.status === 'flagged' && (
                  <span className="badge warn" title={s.reason}>
                    {zh ? '未能核验' : 'not verified'}
                  </span>
                )}
                {s.sources.length > 0 && (
                  <span className="ask-sources">
                    {s.sources.slice(0, 4).map((src) => (
                      <SourceLink key={JSON.stringify(src)} source={src} patientId={patientId} />
                    ))}
                  </span>
                )}
              </li>
            ))}
          </ol>
          <p className="hint">
            {a.answeredBy === 'model'
              ? zh
                ? `模型回答（${a.model.model ?? ''}），逐句核验`
                : `Answered by the model (${a.model.model ?? ''}), each sentence verified`
              : zh
                ? '确定性阅读器回答（未使用模型）'
                : 'Answered by the deterministic reader (no model)'}
          </p>
          {a.removed.length > 0 && (
            <details>
              <summary>
                {zh
                  ? `已删除 ${a.removed.length} 句病历不支持的内容`
                  : `${a.removed.length} unsupported sentence(s) removed`}
              </summary>
              <ul>
                {a.removed.map((s) => (
                  <li key={`${s.text}|${s.reason ?? ''}`}>
                    <del data-verbatim>{s.text}</del> — <span data-verbatim>{s.reason}</span>
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
      ))}
    </aside>
  );
}
