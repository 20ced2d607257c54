import { useState } from 'react';
import { get, post } from '../api.js';
import { useI18n } from '../i18n.js';
import { ErrorBox, Loading, useLoad } from './Async.js';

/**
 * Practice questions generated from the knowledge release (routes/teaching.ts): each shown without its
 * key; an answer is checked by the server, which gives the key, the explanation and the source entry.
 */
interface Bilingual {
  readonly en: string;
  readonly zh?: string;
}

interface Question {
  readonly id: string;
  readonly kind: string;
  readonly stem: Bilingual;
  readonly options: readonly { id: string; text: Bilingual }[];
  readonly source: { citation: string; rule?: string; authority: { url?: string } };
}

interface Checked {
  readonly correct: boolean;
  readonly answer: string;
  readonly explanation: Bilingual;
  readonly source: { citation: string; rule?: string; relation: string; release: number; authority: { url?: string } };
}

const KINDS = ['interaction', 'contraindication', 'finding', 'monitoring', 'pharmacogenomic'] as const;

export function TeachingQuestions() {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const say = (en: string, zhText: string) => (zh ? zhText : en);
  const pick = (b: Bilingual) => (zh ? (b.zh ?? b.en) : b.en);
  const kindName: Record<(typeof KINDS)[number], string> = {
    interaction: say('Drug interactions', '药物相互作用'),
    contraindication: say('Contraindications', '禁忌证'),
    finding: say('Findings and diseases', '表现与疾病'),
    monitoring: say('Monitoring', '监测检查'),
    pharmacogenomic: say('Pharmacogenomics', '药物基因组学'),
  };
  const [kind, setKind] = useState<(typeof KINDS)[number]>('interaction');
  const list = useLoad(
    (signal) =>
      get<{ release: number; total: number; questions: Question[] }>(`/api/teaching/questions?kind=${kind}&limit=10`, {
        signal,
      }),
    kind,
  );
  return (
    <section className="card" aria-label={say('Practice questions', '练习题')}>
      <label>
        {say('Topic', '题型')}{' '}
        <select value={kind} onChange={(e) => setKind(e.target.value as (typeof KINDS)[number])}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {kindName[k]}
            </option>
          ))}
        </select>
      </label>
      {list.error && <ErrorBox error={list.error} retry={list.reload} />}
      {!list.data && !list.error && <Loading />}
      {list.data && (
        <>
          <p className="muted">
            {say(
              `${list.data.total} questions from knowledge release ${list.data.release}, each checked against it`,
              `共${list.data.total}题，均出自知识版本 ${list.data.release} 并经其核对`,
            )}
          </p>
          <ol>
            {list.data.questions.map((q) => (
              <QuestionItem key={q.id} q={q} pick={pick} say={say} />
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

function QuestionItem({
  q,
  pick,
  say,
}: {
  q: Question;
  pick: (b: Bilingual) => string;
  say: (en: string, zh: string) => string;
}) {
  const [choice, setChoice] = useState<string>();
  const [checked, setChecked] = useState<Checked>();
  const [error, setError] = useState<Error>();
  const submit = async () => {
    if (!choice) return;
    setError(undefined);
    try {
      setChecked(await post<Checked>(`/api/teaching/questions/${q.id}/answer`, { choice }));
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <li>
      <fieldset aria-label={pick(q.stem)}>
        <legend>{pick(q.stem)}</legend>
        {q.options.map((o) => (
          <label key={o.id} className="choice">
            <input
              type="radio"
              name={q.id}
              value={o.id}
              checked={choice === o.id}
              disabled={!!checked}
              onChange={() => setChoice(o.id)}
            />{' '}
            {pick(o.text)}
            {checked && o.id === checked.answer ? ' ✓' : ''}
          </label>
        ))}
        {!checked && (
          <button type="button" disabled={!choice} onClick={() => void submit()}>
            {say('Check', '核对')}
          </button>
        )}
        {error && <ErrorBox error={error} />}
        {checked && (
          <div role="status">
            <strong className={checked.correct ? 'ok' : 'blocked'}>
              {checked.correct ? say('Correct', '回答正确') : say('Not correct', '回答错误')}
            </strong>
            <p>{pick(checked.explanation)}</p>
            <p className="src">
              {say('Source: ', '来源：')}
              {checked.source.authority.url ? (
                <a href={checked.source.authority.url} target="_blank" rel="noreferrer">
                  {checked.source.citation}
                </a>
              ) : (
                checked.source.citation
              )}
              {checked.source.rule ? ` (${checked.source.rule})` : ''}
            </p>
          </div>
        )}
      </fieldset>
    </li>
  );
}
