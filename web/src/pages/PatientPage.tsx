import { get } from '../api.js';
import { Show, useLoad } from '../components/Async.js';
import { AlertsPanel } from '../components/AlertsPanel.js';
import { DifferentialPanel } from '../components/DifferentialPanel.js';
import { NotesPanel } from '../components/NotesPanel.js';
import { Overview } from '../components/Overview.js';
import { ResourceView } from '../components/ResourceView.js';
import { SummaryEditor } from '../components/SummaryEditor.js';
import { sexLabel } from '../components/facts.js';
import { type StringKey, useI18n } from '../i18n.js';
import type { PatientState, PatientSummary } from '../types.js';

const tabs: { id: string; label: StringKey }[] = [
  { id: 'overview', label: 'overview' },
  { id: 'notes', label: 'notes' },
  { id: 'differential', label: 'differential' },
  { id: 'alerts', label: 'alerts' },
  { id: 'summary', label: 'summary' },
];

export function PatientPage({ patientId, tab, params }: { patientId: string; tab: string; params: URLSearchParams }) {
  const { t, lang } = useI18n();
  const state = useLoad(
    () => Promise.all([get<PatientState>(`/api/patients/${encodeURIComponent(patientId)}/state`), get<PatientSummary>(`/api/patients/${encodeURIComponent(patientId)}`)]).then(([s, p]) => ({ ...s, name: p.name })),
    patientId,
  );
  const pid = encodeURIComponent(patientId);
  return (
    <section className="page">
      <Show state={state}>
        {(s) => (
          <>
            <h1>
              {s.name} <small>{[sexLabel(s.demographics.sex, lang), s.demographics.age !== undefined ? (lang === 'zh' ? `${s.demographics.age}岁` : `${s.demographics.age}y`) : undefined, s.demographics.birthDate].filter(Boolean).join(' · ')}</small>
            </h1>
            <div role="tablist" className="tabs">
              {tabs.map((x) => (
                <a key={x.id} role="tab" aria-selected={tab === x.id} href={`#/patients/${pid}/${x.id}`}>
                  {t(x.label)}
                </a>
              ))}
            </div>
            <div role="tabpanel" className="tabpanel">
              {tab === 'overview' && <Overview state={s} />}
              {tab === 'notes' && <NotesPanel patientId={patientId} focus={focusOf(params)} />}
              {tab === 'differential' && <DifferentialPanel state={s} />}
              {tab === 'alerts' && <AlertsPanel state={s} />}
              {tab === 'summary' && <SummaryEditor patientId={patientId} />}
              {tab === 'resource' && <ResourceView reference={params.get('ref') ?? ''} />}
            </div>
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
