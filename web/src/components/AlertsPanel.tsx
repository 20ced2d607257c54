import { type AlertsResponse, get } from '../api.js';
import { type Lang, useI18n } from '../i18n.js';
import type { PatientState } from '../types.js';
import { AlertActions } from './AlertActions.js';
import { Show, useLoad } from './Async.js';
import { ConclusionCard } from './ConclusionCard.js';

/** Drug safety and critical-value alerts (with suggestions and override reasons), then the record-quality findings, each with evidence and source. */
export function AlertsPanel({ state }: { state: PatientState }) {
  const { t, lang } = useI18n();
  const load = useLoad(
    () => get<AlertsResponse>(`/api/patients/${encodeURIComponent(state.patientId)}/alerts`),
    state.patientId,
  );
  return (
    <Show state={load}>
      {({ alerts, quality, score, grade, scope }) => (
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
          <h2>
            {t('recordQc')}
            {score !== undefined && ` · ${qcScore(score, grade, lang)}`}
          </h2>
          {quality.length === 0 && <p className="muted">{t('noData')}</p>}
          {quality.map((c) => (
            <ConclusionCard key={c.id} c={c} patientId={state.patientId} targetKind="quality" quotes={c.quotes} />
          ))}
        </div>
      )}
    </Show>
  );
}

/** The stay's record score out of 100 and its grade (甲/乙/丙级病历: grade A/B/C). */
function qcScore(score: number, grade: string | undefined, lang: Lang): string {
  const letter: Record<string, string> = { 甲: 'A', 乙: 'B', 丙: 'C' };
  if (lang === 'zh') return `${score} 分${grade ? `（${grade}级）` : ''}`;
  return `score ${score}/100${grade ? ` (grade ${letter[grade] ?? grade})` : ''}`;
}
