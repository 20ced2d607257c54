import { useState } from 'react';
import { get } from '../api.js';
import { Show, useLoad } from '../components/Async.js';
import { useI18n } from '../i18n.js';
import type { Bilingual } from '../types.js';

interface Queued {
  id: string;
  status: 'active' | 'emergency' | 'complete';
  complaint: string;
  triage?: { level: number; name: Bilingual; colour: string };
  age?: number;
  sex?: string;
  updatedAt: string;
}

/** The clinician's queue of pre-consultation reports: emergencies first, each opening its 预问诊报告. */
export function QueuePage() {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const queue = useLoad(() => get<{ sessions: Queued[] }>('/api/consult'), 'queue');
  const [open, setOpen] = useState<string>();
  const report = useLoad(() => (open ? fetch(`/api/consult/${open}/report?format=text&lang=${lang}`).then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`)))) : Promise.resolve('')), `${open}-${lang}`);
  return (
    <section className="page">
      <h1>{zh ? '预问诊队列' : 'Pre-consultation queue'}</h1>
      <Show state={queue}>
        {({ sessions }) =>
          sessions.length === 0 ? (
            <p className="muted">{zh ? '暂无预问诊' : 'No pre-consultations yet'}</p>
          ) : (
            <div className="queue">
              <ul className="note-list">
                {sessions.map((s) => (
                  <li key={s.id}>
                    <button type="button" aria-pressed={s.id === open} onClick={() => setOpen(s.id)} className={s.status === 'emergency' ? 'emergency-item' : undefined}>
                      {s.status === 'emergency' ? '⚠ ' : ''}
                      {s.complaint} <small>{[s.age !== undefined ? `${s.age}${zh ? '岁' : 'y'}` : '', s.sex, s.updatedAt.slice(0, 16).replace('T', ' ')].filter(Boolean).join(' · ')}</small>
                    </button>
                  </li>
                ))}
              </ul>
              <div className="card">{open ? <Show state={report}>{(text) => <pre className="report-text">{text}</pre>}</Show> : <p className="muted">{zh ? '选择一份报告' : 'Choose a report'}</p>}</div>
            </div>
          )
        }
      </Show>
    </section>
  );
}
