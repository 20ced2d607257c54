import { useEffect, useState } from 'react';
import { get } from '../api.js';
import { Show, useLoad } from '../components/Async.js';
import { AlertsPanel } from '../components/AlertsPanel.js';
import { AskPanel } from '../components/AskPanel.js';
import { DifferentialPanel } from '../components/DifferentialPanel.js';
import { FollowUpPanel } from '../components/FollowUpPanel.js';
import { ImagingPanel } from '../components/ImagingPanel.js';
import { NotesPanel } from '../components/NotesPanel.js';
import { Overview } from '../components/Overview.js';
import { PatientLinkPanel } from '../components/PatientLinkPanel.js';
import { ResourceView } from '../components/ResourceView.js';
import { SummaryEditor } from '../components/SummaryEditor.js';
import { ageLabel, sexLabel } from '../components/facts.js';
import { type StringKey, useI18n } from '../i18n.js';
import type { PatientState, PatientSummary } from '../types.js';

const tabs: { id: string; label: StringKey }[] = [
  { id: 'overview', label: 'overview' },
  { id: 'notes', label: 'notes' },
  { id: 'differential', label: 'differential' },
  { id: 'alerts', label: 'alerts' },
  { id: 'summary', label: 'summary' },
];

/**
 * One patient's workspace. Everything under it is keyed by the patient id: changing the URL to another
 * patient mounts a fresh page (its own loads, empty editors), so nothing of the previous patient —
 * a summary, its verdicts, a sign button — can remain under the new patient's name.
 */
export function PatientPage(props: { patientId: string; tab: string; params: URLSearchParams }) {
  return <PatientView key={props.patientId} {...props} />;
}

function PatientView({ patientId, tab, params }: { patientId: string; tab: string; params: URLSearchParams }) {
  const { t, lang } = useI18n();
  const state = useLoad(
    (signal) =>
      Promise.all([
        get<PatientState>(`/api/patients/${encodeURIComponent(patientId)}/state`, { signal }),
        get<PatientSummary>(`/api/patients/${encodeURIComponent(patientId)}`, { signal }),
      ]).then(([s, p]) => ({ ...s, name: p.name })),
    patientId,
  );
  const pid = encodeURIComponent(patientId);
  const [summaryOpened, setSummaryOpened] = useState(tab === 'summary');
  useEffect(() => {
    if (tab === 'summary') setSummaryOpened(true);
  }, [tab]);
  return (
    <section className="page">
      <Show state={state}>
        {(s) => (
          <>
            <h1>
              <span data-verbatim>{s.name}</span>{' '}
              <small>
                {[sexLabel(s.demographics.sex, lang), ageLabel(s.demographics, lang), s.demographics.birthDate]
                  .filter(Boolean)
                  .join(' · ')}
              </small>
            </h1>
            <div role="tablist" className="tabs">
              {tabs.map((x) => (
                <a key={x.id} role="tab" aria-selected={tab === x.id} href={`#/patients/${pid}/${x.id}`}>
                  {t(x.label)}
                </a>
              ))}
            </div>
            <div role="tabpanel" className="tabpanel" data-patient={patientId}>
              {tab === 'overview' && <Overview key={patientId} state={s} />}
              {tab === 'overview' && <PatientLinkPanel key={`links-${patientId}`} patientId={patientId} />}
              {tab === 'overview' && <FollowUpPanel key={`followup-${patientId}`} patientId={patientId} />}
              {tab === 'overview' && <ImagingPanel key={`imaging-${patientId}`} patientId={patientId} />}
              {tab === 'notes' && <NotesPanel key={patientId} patientId={patientId} focus={focusOf(params)} />}
              {tab === 'differential' && <DifferentialPanel key={patientId} state={s} />}
              {tab === 'alerts' && <AlertsPanel key={patientId} state={s} />}
              {/* Once opened, the summary stays mounted (hidden) while other tabs show: following a citation to its source and back keeps the draft. */}
              {(tab === 'summary' || summaryOpened) && (
                <div hidden={tab !== 'summary'}>
                  <SummaryEditor key={patientId} patientId={patientId} />
                </div>
              )}
              {tab === 'resource' && <ResourceView key={patientId} reference={params.get('ref') ?? ''} />}
            </div>
            <AskPanel key={`ask-${patientId}`} patientId={patientId} />
          </>
        )}
      </Show>
    </section>
  );
}

function focusOf(params: URLSearchParams): { document: string; start: number; end: number } | undefined {
  const doc = params.get('doc');
  const start = Number(params.get('start'));
  const end = Number(params.get('end'));
  return doc && Number.isFinite(start) && Number.isFinite(end) ? { document: doc, start, end } : undefined;
}
