import { useState } from 'react';
import { get } from '../api.js';
import { ErrorBox, Loading, useLoad } from '../components/Async.js';
import { TeachingCase } from '../components/TeachingCase.js';
import { TeachingQuestions } from '../components/TeachingQuestions.js';
import { useI18n } from '../i18n.js';

/**
 * Medical education (#/teaching): teaching cases from de-identified records, revealed step by step,
 * and practice questions from the knowledge release. No patient of this hospital is shown here.
 */
interface CaseSummary {
  readonly id: string;
  readonly origin: string;
  readonly lang: 'zh' | 'en';
  readonly sex?: string;
  readonly age?: string;
  readonly complaint: string;
  readonly dataset: string;
}

export function TeachingPage() {
  const { lang } = useI18n();
  const say = (en: string, zh: string) => (lang === 'zh' ? zh : en);
  const [tab, setTab] = useState<'cases' | 'questions'>('cases');
  const [open, setOpen] = useState<string>();
  const cases = useLoad(
    (signal) => get<{ cases: CaseSummary[] }>(`/api/teaching/cases?lang=${lang}`, { signal }),
    lang,
  );
  return (
    <div className="teaching">
      <h2>{say('Teaching', '教学')}</h2>
      <div className="tabs" role="tablist" aria-label={say('Teaching', '教学')}>
        <button type="button" role="tab" aria-selected={tab === 'cases'} onClick={() => setTab('cases')}>
          {say('Cases', '教学病例')}
        </button>
        <button type="button" role="tab" aria-selected={tab === 'questions'} onClick={() => setTab('questions')}>
          {say('Practice questions', '练习题')}
        </button>
      </div>
      {tab === 'questions' && <TeachingQuestions />}
      {tab === 'cases' && open && <TeachingCase caseId={open} onClose={() => setOpen(undefined)} />}
      {tab === 'cases' && !open && (
        <section className="card" aria-label={say('Teaching cases', '教学病例')}>
          <p className="muted">
            {say(
              'Cases built from de-identified records: the demo patients, and CCKS 2017 and Synthea where configured.',
              '病例来自去标识的记录：演示患者，以及已配置的 CCKS 2017 与 Synthea 数据。',
            )}
          </p>
          {cases.error && <ErrorBox error={cases.error} retry={cases.reload} />}
          {!cases.data && !cases.error && <Loading />}
          <ul className="patient-list">
            {cases.data?.cases.map((c) => (
              <li key={c.id}>
                <button type="button" className="linklike" onClick={() => setOpen(c.id)}>
                  <span lang={c.lang} data-verbatim>
                    {c.complaint.split('\n').join(' · ')}
                  </span>
                </button>{' '}
                <span className="muted" data-verbatim>
                  {c.dataset}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
