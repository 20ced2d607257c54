import { get } from '../api.js';
import { useI18n } from '../i18n.js';
import type { Conclusion, PatientState } from '../types.js';
import { Show, useLoad } from './Async.js';
import { ConclusionCard } from './ConclusionCard.js';

/** Drug safety and critical-value alerts, then the record-quality findings, each with evidence and source. */
export function AlertsPanel({ state }: { state: PatientState }) {
  const { t } = useI18n();
  const load = useLoad(
    () =>
      get<{ alerts: Conclusion[]; quality: Conclusion[]; score?: number }>(
        `/api/patients/${encodeURIComponent(state.patientId)}/alerts`,
      ),
    state.patientId,
  );
  return (
    <Show state={load}>
      {({ alerts, quality, score }) => (
        <div className="conclusions">
          <h2>{t('alerts')}</h2>
          {alerts.length === 0 && <p className="muted">{t('noData')}</p>}
          {alerts.map((c) => (
            <ConclusionCard key={c.id} c={c} patientId={state.patientId} targetKind="alert" />
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
