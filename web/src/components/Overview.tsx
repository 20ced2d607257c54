import type { ReactNode } from 'react';
import { type Lang, term, useI18n } from '../i18n.js';
import type {
  Conflict,
  Dosage,
  Fact,
  MedicationCourse,
  MedicationEvent,
  PatientState,
  TimelineEvent,
} from '../types.js';
import { assertionLabel, factName, quantityLabel } from './facts.js';
import { FactText } from './FactText.js';
import { LabChart } from './LabChart.js';
import { Sources } from './SourceLink.js';

export function Overview({ state }: { state: PatientState }) {
  const { t, lang } = useI18n();
  const all = [...state.phenotype, ...state.intervention, ...state.biology];
  const problems = state.phenotype.filter(
    (f) => f.category === 'condition' && f.subject.who === 'patient' && f.assertion !== 'absent',
  );
  const meds = state.intervention.filter((f) => f.category === 'medication' && f.assertion === 'present');
  const allergies = state.phenotype.filter((f) => f.category === 'allergy');
  const labs = state.phenotype.filter((f) => f.category === 'measurement' && f.value);
  const events = [...state.timeline].sort((a, b) => b.time.localeCompare(a.time)).slice(0, 60);
  const byId = new Map(all.map((f) => [f.id, f]));
  return (
    <div className="overview">
      <div className="cols">
        <FactList title={t('problems')} facts={problems} patientId={state.patientId} />
        {state.medications ? (
          <MedicationsCard courses={state.medications} patientId={state.patientId} />
        ) : (
          <FactList title={t('medications')} facts={meds} patientId={state.patientId} />
        )}
        <FactList title={t('allergies')} facts={allergies} patientId={state.patientId} />
        {state.biology.length > 0 && (
          <FactList title={t('genotypes')} facts={state.biology} patientId={state.patientId} />
        )}
      </div>
      {state.conflicts.length > 0 && (
        <div className="card warn">
          <h2>{t('conflicts')}</h2>
          <ul>
            {state.conflicts.map((c) => (
              <li key={c.id}>
                {conflictText(c, byId, lang)}{' '}
                <Sources
                  sources={all.filter((f) => c.factIds.includes(f.id)).flatMap((f) => f.sources)}
                  patientId={state.patientId}
                />
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
              <time>{e.time.slice(0, 10)}</time> <span className="kind">{term('kind', e.kind, lang)}</span>{' '}
              {eventLabel(e, byId, lang)} <Sources sources={e.sources} patientId={state.patientId} />
            </li>
          ))}
        </ol>
      </div>
      <p className="muted">
        {lang === 'zh' ? '事实' : 'Facts'}: {all.length} · {assertionLabel('present', lang)}{' '}
        {all.filter((f) => f.assertion === 'present').length}
      </p>
    </div>
  );
}

const CONFLICT_ZH: Record<Conflict['kind'], string> = {
  assertion: '记录有无不一致',
  value: '数值不一致',
  dose: '剂量不一致',
  status: '状态不一致',
  other: '记录不一致',
};

const CONFLICT_EN: Record<Conflict['kind'], string> = {
  assertion: 'Asserted and negated',
  value: 'Values disagree',
  dose: 'Doses disagree',
  status: 'Statuses disagree',
  other: 'The record disagrees',
};

/**
 * A conflict in the record in the chosen language: its kind and the facts it is between (their names as the record
 * gives them); the fusion's own description, which quotes the record, on hover.
 */
function conflictText(c: Conflict, byId: ReadonlyMap<string, Fact>, lang: Lang): ReactNode {
  const names = [...new Set(c.factIds.flatMap((id) => (byId.get(id) ? [factName(byId.get(id)!, lang)] : [])))];
  return (
    <>
      <span title={c.description}>{lang === 'zh' ? CONFLICT_ZH[c.kind] : CONFLICT_EN[c.kind]}</span>
      {names.length ? (lang === 'zh' ? '：' : ': ') : ''}
      <span data-verbatim>{names.join('、')}</span>
    </>
  );
}

/**
 * A timeline event in the chosen language, from its facts (names, values in display units, negation), so that the
 * server's one-language label is only the fallback for events without facts (encounters, notes).
 */
function eventLabel(e: TimelineEvent, byId: ReadonlyMap<string, Fact>, lang: Lang): ReactNode {
  const facts = e.factIds.map((id) => byId.get(id));
  // An encounter or a note: its label is the record's own words (a class, a document title).
  if (facts.length === 0 || facts.some((f) => f === undefined)) return <span data-verbatim>{e.label}</span>;
  const zh = lang === 'zh';
  const more = facts.length - 4;
  return (
    <>
      {(facts as Fact[]).slice(0, 4).map((f, i) => (
        <span key={f.id}>
          {i > 0 ? (zh ? '；' : '; ') : ''}
          {f.assertion === 'absent'
            ? zh
              ? '否认'
              : 'no '
            : f.assertion === 'possible'
              ? zh
                ? '可能'
                : 'possible '
              : ''}
          <FactText f={f} lang={lang} />
        </span>
      ))}
      {more > 0 ? (zh ? `；另${more}项` : `; +${more} more`) : ''}
    </>
  );
}

function FactList({ title, facts, patientId }: { title: string; facts: readonly Fact[]; patientId: string }) {
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
              <span className={`assert a-${f.assertion}`}>{assertionLabel(f.assertion, lang)}</span>{' '}
              <FactText f={f} lang={lang} /> <Sources sources={f.sources} patientId={patientId} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const STATUS: Record<MedicationCourse['status'], { zh: string; en: string; css: string }> = {
  active: { zh: '在用', en: 'active', css: 'a-present' },
  prn: { zh: '按需', en: 'as needed', css: 'a-present' },
  held: { zh: '暂停', en: 'held', css: 'a-possible' },
  stopped: { zh: '已停用', en: 'stopped', css: 'a-absent' },
  completed: { zh: '疗程结束', en: 'completed', css: 'a-historical' },
  'one-off': { zh: '单次', en: 'given once', css: 'a-hypothetical' },
  unknown: { zh: '不详', en: 'unknown', css: 'a-hypothetical' },
};

const EVENT: Record<MedicationEvent['kind'], { zh: string; en: string }> = {
  started: { zh: '开始', en: 'started' },
  stopped: { zh: '停用', en: 'stopped' },
  held: { zh: '暂停', en: 'held' },
  resumed: { zh: '恢复', en: 'resumed' },
  'one-off': { zh: '单次给药', en: 'one dose' },
  prn: { zh: '按需', en: 'PRN' },
  'dose-changed': { zh: '调整剂量', en: 'dose changed' },
  discharge: { zh: '出院带药', en: 'discharge' },
};

function courseName(c: MedicationCourse, lang: Lang): string {
  return (
    (lang === 'zh' ? (c.concept.displayZh ?? c.concept.display) : (c.concept.display ?? c.concept.displayZh)) ??
    c.concept.code
  );
}

/** "75 mg 口服 每日一次" from a parsed dosage. */
export function dosageText(d: Dosage | undefined, lang: Lang): string {
  if (!d) return '';
  const amount = d.dose && !/^\{|^1$/.test(d.dose.unit) ? d.dose : (d.strength ?? d.dose);
  // A frequency as the note wrote it ("每日一次", "BID"); an order's whole sig text is too long to repeat.
  // In English the normalised code (BID), which English charts write; a Chinese note's own words only in Chinese.
  const original =
    lang === 'zh' || !/[\u3400-\u9fff]/.test(d.frequency?.original ?? '') ? d.frequency?.original : undefined;
  const freq = original && original.length <= 12 ? original : d.frequency?.code;
  return [
    amount && quantityLabel(amount, lang),
    d.route && term('route', d.route, lang),
    freq,
    d.asNeeded ? (lang === 'zh' ? '必要时' : 'as needed') : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** Medication reconciliation: what the patient is on now, what was stopped or held, and what was given once — each with its evidence. */
function MedicationsCard({ courses, patientId }: { courses: readonly MedicationCourse[]; patientId: string }) {
  const { t, lang } = useI18n();
  const zh = lang === 'zh';
  const groups: { key: string; title: string; list: MedicationCourse[] }[] = [
    {
      key: 'current',
      title: zh ? '当前用药' : 'Current',
      list: courses.filter((c) => c.status === 'active' || c.status === 'prn'),
    },
    {
      key: 'stopped',
      title: zh ? '已停用 / 暂停 / 疗程结束' : 'Stopped, held or completed',
      list: courses.filter(
        (c) => c.status === 'stopped' || c.status === 'held' || c.status === 'completed' || c.status === 'unknown',
      ),
    },
    { key: 'once', title: zh ? '单次给药' : 'Given once', list: courses.filter((c) => c.status === 'one-off') },
  ];
  const listed = courses.some((c) => c.discharge);
  return (
    <div className="card meds">
      <h2>{t('medications')}</h2>
      {courses.length === 0 && <p className="muted">{t('noData')}</p>}
      {groups
        .filter((g) => g.list.length > 0)
        .map((g) => (
          <section key={g.key} aria-label={g.title}>
            <h3>{g.title}</h3>
            <ul className="facts">
              {g.list.map((c) => (
                <li key={`${c.concept.system}|${c.concept.code}`}>
                  <span className={`assert ${STATUS[c.status].css}`}>
                    {zh ? STATUS[c.status].zh : STATUS[c.status].en}
                  </span>{' '}
                  <strong data-verbatim>{courseName(c, lang)}</strong> {dosageText(c.dosage, lang)}
                  {c.discharge && <span className="assert a-present"> {zh ? '出院带药' : 'discharge'}</span>}
                  <ol className="muted">
                    {c.events.map((e, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: a course's events never reorder
                      <li key={i}>
                        {e.time ? <time>{e.time.slice(0, 10)}</time> : null} {zh ? EVENT[e.kind].zh : EVENT[e.kind].en}
                        {e.dosage && e.kind !== 'stopped' && e.kind !== 'held' ? ` ${dosageText(e.dosage, lang)}` : ''}
                        {e.reason ? <span data-verbatim>{zh ? `（${e.reason}）` : ` (${e.reason})`}</span> : ''}{' '}
                        <Sources sources={e.sources} patientId={patientId} />
                      </li>
                    ))}
                  </ol>
                </li>
              ))}
            </ul>
          </section>
        ))}
      {courses.length > 0 && !listed && (
        <p className="muted">
          {zh ? '病历中未见出院医嘱／出院带药清单。' : 'No discharge medication list in the record.'}
        </p>
      )}
    </div>
  );
}
