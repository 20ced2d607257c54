import { type AlertsResponse, get } from '../api.js';
import { useI18n } from '../i18n.js';
import type { PatientState } from '../types.js';
import { AlertActions } from './AlertActions.js';
import { Show, useLoad } from './Async.js';
import { ConclusionCard } from './ConclusionCard.js';

/** Drug safety and critical-value alerts (with suggestions and override reasons), then the record-quality findings, each with evidence and source. */
export function AlertsPanel({ state }: { state: PatientState }) {
  const { t } = useI18n();
  const load = useLoad(
    () => get<AlertsResponse>(`/api/patients/${encodeURIComponent(state.patientId)}/alerts`),
    state.patientId,
  );
  return (
    <Show state={load}>
      {({ alerts, quality, score, scope }) => (
        <div className="conclusions">
          <h2>{t('alerts')}</h2>
          {alerts.length === 0 && <p className="muted">{t('noData')}</p>}
          {alerts.map((c) => (
            // Each alert with what can be done about it: its suggestions and the override with a reason.
            <div key={c.id}>
              <ConclusionCard c={c} patientId={state.patientId} targetKind="alert" />
              <AlertActions alert={c} patientId={state.patientId} scope={scope} />
            </div>
          ))}
          <h2>QC {score !== undefined ? `· ${score}` : ''}</h2>
          {quality.length === 0 && <p className="muted">{t('noData')}</p>}
          {quality.map((c) => (
            <ConclusionCard key={c.id} c={c} patientId={state.patientId} targetKind="quality" />
          ))}
        </div>
      )}
    </Show>
  );
}
