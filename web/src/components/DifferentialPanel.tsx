import { get } from '../api.js';
import { useI18n } from '../i18n.js';
import type { DifferentialResponse, PatientState } from '../types.js';
import { Show, useLoad } from './Async.js';
import { DiagnosisCard } from './DiagnosisCard.js';

/** The ranked differential for this patient, each disease with its explanation. */
export function DifferentialPanel({ state }: { state: PatientState }) {
  const { t } = useI18n();
  const load = useLoad(
    () => get<DifferentialResponse>(`/api/patients/${encodeURIComponent(state.patientId)}/differential`),
    state.patientId,
  );
  return (
    <Show state={load}>
      {({ differential, conclusions }) =>
        differential.length === 0 ? (
          <p className="muted">{t('noData')}</p>
        ) : (
          <div className="conclusions">
            {differential.map((d, i) =>
              conclusions[i] ? <DiagnosisCard key={d.id} d={d} c={conclusions[i]} patientId={state.patientId} /> : null,
            )}
          </div>
        )
      }
    </Show>
  );
}
