import { useState } from 'react';
import { get } from '../api.js';
import { useI18n } from '../i18n.js';
import type { DifferentialResponse, PatientState } from '../types.js';
import { Show, useLoad } from './Async.js';
import { DiagnosisCard } from './DiagnosisCard.js';

/** With an active calibration map the server adds each disease's calibrated probability and names the map. */
type Calibrated = Omit<DifferentialResponse, 'differential'> & {
  calibration?: { id: string; createdAt: string; department?: string };
  differential: readonly (DifferentialResponse['differential'][number] & { calibratedProbability?: number })[];
};

/**
 * The ranked differential for this patient, each disease with its explanation; probabilities calibrated from the
 * hospital's outcomes where a calibration map is active (named, with the raw posterior one click away).
 */
export function DifferentialPanel({ state }: { state: PatientState }) {
  const { t } = useI18n();
  const [raw, setRaw] = useState(false);
  const load = useLoad(
    () => get<Calibrated>(`/api/patients/${encodeURIComponent(state.patientId)}/differential`),
    state.patientId,
  );
  return (
    <Show state={load}>
      {({ differential, conclusions, calibration }) =>
        differential.length === 0 ? (
          <p className="muted">{t('noData')}</p>
        ) : (
          <div className="conclusions">
            {calibration && (
              <p className="muted calibration-note">
                {raw ? t('rawPosterior') : `${t('calibrated')} · ${calibration.id}`}{' '}
                <button type="button" className="link" onClick={() => setRaw(!raw)} aria-pressed={raw}>
                  {raw ? t('showCalibrated') : t('showRawPosterior')}
                </button>
              </p>
            )}
            {differential.map((d, i) =>
              conclusions[i] ? (
                <DiagnosisCard
                  key={d.id}
                  d={!raw && d.calibratedProbability !== undefined ? { ...d, probability: d.calibratedProbability } : d}
                  c={conclusions[i]}
                  patientId={state.patientId}
                />
              ) : null,
            )}
          </div>
        )
      }
    </Show>
  );
}
