import { useI18n } from '../i18n.js';
import type { Fact, PatientState } from '../types.js';
import { assertionLabel, factName, factValue } from './facts.js';
import { LabChart } from './LabChart.js';
import { Sources } from './SourceLink.js';

export function Overview({ state }: { state: PatientState }) {
  const { t, lang } = useI18n();
  const all = [...state.phenotype, ...state.intervention, ...state.biology];
  const problems = state.phenotype.filter((f) => f.category === 'condition' && f.subject.who === 'patient' && f.assertion !== 'absent');
  const meds = state.intervention.filter((f) => f.category === 'medication' && f.assertion === 'present');
  const allergies = state.phenotype.filter((f) => f.category === 'allergy');
  const labs = state.phenotype.filter((f) => f.category === 'measurement' && f.value);
  const events = [...state.timeline].sort((a, b) => b.time.localeCompare(a.time)).slice(0, 60);
  return (
    <div className="overview">
      <div className="cols">
        <FactList title={t('problems')} facts={problems} patientId={state.patientId} />
        <FactList title={t('medications')} facts={meds} patientId={state.patientId} />
        <FactList title={t('allergies')} facts={allergies} patientId={state.patientId} />
        {state.biology.length > 0 && <FactList title={t('genotypes')} facts={state.biology} patientId={state.patientId} />}
      </div>
      {state.conflicts.length > 0 && (
        <div className="card warn">
          <h2>{t('conflicts')}</h2>
          <ul>
            {state.conflicts.map((c) => (
              <li key={c.id}>
                {c.description}{' '}
                <Sources sources={all.filter((f) => c.factIds.includes(f.id)).flatMap((f) => f.sources)} patientId={state.patientId} />
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="card">
        <h2>{t('labs')}</h2>
        <LabChart facts={labs} lang={lang} />
      </div>
      <div className="card">
        <h2>{t('timeline')}</h2>
        <ol className="timeline">
          {events.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: events of one moment may share every field
            <li key={`${e.time}-${i}`} className={`ev ev-${e.kind}`}>
              <time>{e.time.slice(0, 10)}</time> <span className="kind">{e.kind}</span> {e.label} <Sources sources={e.sources} patientId={state.patientId} />
            </li>
          ))}
        </ol>
      </div>
      <p className="muted">
        {lang === 'zh' ? '事实' : 'Facts'}: {all.length} · {assertionLabel('present', lang)} {all.filter((f) => f.assertion === 'present').length}
      </p>
    </div>
  );
}

function FactList({ title, facts, patientId }: { title: string; facts: Fact[]; patientId: string }) {
  const { t, lang } = useI18n();
  const seen = new Set<string>();
  const unique = facts.filter((f) => {
    const k = `${f.concept.system}|${f.concept.code}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return (
    <div className="card">
      <h2>{title}</h2>
      {unique.length === 0 ? (
        <p className="muted">{t('noData')}</p>
      ) : (
        <ul className="facts">
          {unique.map((f) => (
            <li key={f.id}>
              <span className={`assert a-${f.assertion}`}>{assertionLabel(f.assertion, lang)}</span> {factName(f, lang)} {factValue(f)} <Sources sources={f.sources} patientId={patientId} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
