import { get } from '../api.js';
import { useI18n } from '../i18n.js';
import type { Conclusion, PatientState } from '../types.js';
import { Show, useLoad } from './Async.js';
import { ConclusionCard } from './ConclusionCard.js';

/** The ranked differential for this patient, each disease with its explanation. */
export function DifferentialPanel({ state }: { state: PatientState }) {
  const { t } = useI18n();
  const load = useLoad(
    () => get<{ conclusions: Conclusion[] }>(`/api/patients/${encodeURIComponent(state.patientId)}/differential`),
    state.patientId,
  );
  return (
    <Show state={load}>
      {({ conclusions }) =>
        conclusions.length === 0 ? (
          <p className="muted">{t('noData')}</p>
        ) : (
          <div className="conclusions">
            {conclusions.map((c) => (
              <ConclusionCard key={c.id} c={c} patientId={state.patientId} targetKind="diagnosis" />
            ))}
          </div>
        )
      }
    </Show>
  );
}
