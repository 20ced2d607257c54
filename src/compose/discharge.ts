import type { Fact, Lang, PatientState } from '../core/index.js';
import { allFacts } from '../core/index.js';
import { type ComposedSection, type ComposedSentence, renderWithCitations, type Segment } from './document.js';
import { type EncounterWindow, encounterWindow, startedWithin } from './encounter.js';
import { factPhrase } from './phrases.js';

const titles: Record<string, { zh: string; en: string }> = {
  dates: { zh: '入出院日期', en: 'Admission and discharge' },
  conditionOnAdmission: { zh: '入院情况', en: 'Reason for hospitalization and condition on admission' },
  admissionDiagnoses: { zh: '入院诊断', en: 'Admission diagnoses' },
  hospitalCourse: { zh: '诊疗经过', en: 'Hospital course' },
  dischargeDiagnoses: { zh: '出院诊断', en: 'Discharge diagnoses' },
  dischargeMedications: { zh: '出院医嘱', en: 'Discharge medications and instructions' },
  pendingResults: { zh: '待回报结果', en: 'Pending results' },
  allergies: { zh: '过敏史', en: 'Allergies' },
};

/**
 * The template discharge summary (出院记录, 《病历书写基本规范》第二十二条(二十); TJC RC.02.04.01):
 * each section built from the PatientState's facts and each statement citing the facts it states.
 * Nothing is written that a fact does not hold, so the template text is the floor a model must beat.
 */
export function templateDischargeSummary(state: PatientState, lang: Lang, encounterId?: string) {
  const w = encounterWindow(state, encounterId);
  const facts = allFacts(state).filter((f) => f.subject.who === 'patient');
  const inWindow = facts.filter((f) => startedWithin(f, w));
  const t = (zh: string, en: string) => (lang === 'zh' ? zh : en);
  const seg = (f: Fact): Segment => ({ text: factPhrase(f, lang), factIds: [f.id] });
  const listed = (label: string, fs: readonly Fact[]): ComposedSentence[] =>
    fs.length === 0 ? [] : [{ segments: [{ text: label, factIds: [] }, ...interleave(fs.map(seg), lang)], end: t('。', '.') }];

  // This stay's diagnoses: conditions that began within a month before admission or during the stay.
  const admitted = facts.filter((f) => f.category === 'condition' && (f.assertion === 'present' || f.assertion === 'possible' || f.assertion === 'historical') && startedBetween(f, w.start - 30 * DAY, w.start + DAY));
  // Resolved by discharge (historical at the state's moment) still counts as an admission diagnosis.
  const conditions = admitted;
  const duringStay = facts.filter((f) => f.category === 'condition' && f.assertion !== 'absent' && f.assertion !== 'hypothetical' && f.assertion !== 'family' && startedBetween(f, w.start - 30 * DAY, w.end + DAY));
  const findings = inWindow.filter((f) => f.category === 'finding' && f.assertion === 'present');
  const abnormal = inWindow.filter((f) => f.category === 'measurement' && f.value && isAbnormal(f));
  const procedures = inWindow.filter((f) => f.category === 'procedure' && f.assertion !== 'absent' && f.assertion !== 'hypothetical');
  const medsGiven = inWindow.filter((f) => f.category === 'medication' && (f.assertion === 'present' || f.assertion === 'historical'));
  // Discharge drugs come from the orders when there are any (discharge-summary.md §3: structured data
  // first, free text for the narrative): a drug only a note mentions is not put on the list.
  const activeMeds = facts.filter((f) => f.category === 'medication' && f.assertion === 'present' && f.qualifiers?.kind !== 'immunization' && isActiveAt(f, w));
  const ordered = activeMeds.filter((f) => f.sources.some((s) => s.kind === 'resource'));
  const dischargeMeds = ordered.length > 0 ? ordered : activeMeds;
  const stillActive = facts.filter((f) => f.category === 'condition' && f.assertion === 'present' && isActiveAt(f, w));
  const allergies = facts.filter((f) => f.category === 'allergy' && f.assertion === 'present');
  const noAllergy = facts.filter((f) => f.category === 'allergy' && f.assertion === 'absent');
  const pending = inWindow.filter((f) => f.status === 'registered' || f.status === 'preliminary');

  const sections: ComposedSection[] = [
    {
      key: 'dates',
      title: t(titles.dates!.zh, titles.dates!.en),
      sentences: [
        {
          segments: [{ text: t(`入院日期：${day(w.event.time)}，出院日期：${day(w.event.end ?? w.event.time)}`, `Admitted ${day(w.event.time)}, discharged ${day(w.event.end ?? w.event.time)}`), factIds: [w.fact.id] }],
          end: t('。', '.'),
        },
      ],
    },
    { key: 'conditionOnAdmission', title: t(titles.conditionOnAdmission!.zh, titles.conditionOnAdmission!.en), sentences: listed(t('入院时主要表现：', 'Presenting findings: '), findings) },
    { key: 'admissionDiagnoses', title: t(titles.admissionDiagnoses!.zh, titles.admissionDiagnoses!.en), sentences: listed('', conditions) },
    {
      key: 'hospitalCourse',
      title: t(titles.hospitalCourse!.zh, titles.hospitalCourse!.en),
      sentences: [
        ...listed(t('行', 'Procedures: '), procedures),
        ...listed(t('异常结果：', 'Abnormal results: '), abnormal),
        ...listed(t('住院期间用药：', 'Medications during the stay: '), medsGiven),
      ],
    },
    { key: 'dischargeDiagnoses', title: t(titles.dischargeDiagnoses!.zh, titles.dischargeDiagnoses!.en), sentences: listed('', dedupeConcepts([...duringStay.filter((f) => f.assertion !== 'possible'), ...stillActive])) },
    { key: 'dischargeMedications', title: t(titles.dischargeMedications!.zh, titles.dischargeMedications!.en), sentences: listed(t('出院带药：', 'Discharge medications: '), dedupeConcepts(dischargeMeds)) },
    { key: 'pendingResults', title: t(titles.pendingResults!.zh, titles.pendingResults!.en), sentences: listed(t('待回报：', 'Pending: '), pending) },
    {
      key: 'allergies',
      title: t(titles.allergies!.zh, titles.allergies!.en),
      sentences:
        allergies.length > 0
          ? listed(t('过敏：', 'Allergies: '), allergies)
          : noAllergy.length > 0
            ? [{ segments: [{ text: noAllergyText(noAllergy[0]!, lang), factIds: [noAllergy[0]!.id] }], end: t('。', '.') }]
            : [],
    },
  ];
  const critical = [...allergies, ...dischargeMeds, ...pending, ...abnormal.filter((f) => /^(HH|LL|AA)$/.test(f.interpretation ?? ''))];
  return { window: w, sections, critical, extraFacts: [w.fact], ...renderWithCitations(sections) };
}

const DAY = 86_400_000;

function startedBetween(f: Fact, from: number, to: number): boolean {
  const t = f.time?.start ? Date.parse(f.time.start) : Number.NaN;
  return !Number.isNaN(t) && t >= from && t <= to;
}

/** Says exactly what the record denies: no known allergy at all, or no known drug allergy. */
function noAllergyText(f: Fact, lang: Lang): string {
  const drugOnly = /drug|药物/i.test(`${f.concept.display ?? ''}${f.concept.displayZh ?? ''}`);
  if (lang === 'zh') return drugOnly ? '否认药物过敏史' : '无已知过敏';
  return drugOnly ? 'No known drug allergies' : 'No known allergies';
}

function interleave(segments: readonly Segment[], lang: Lang): Segment[] {
  // English names often hold commas ("Influenza, seasonal, injectable"): list them with semicolons.
  return segments.flatMap((s, i) => (i === 0 ? [s] : [{ text: lang === 'zh' ? '、' : '; ', factIds: [] }, s]));
}

function day(t: string | undefined): string {
  return (t ?? '').slice(0, 10);
}

function isAbnormal(f: Fact): boolean {
  if (f.interpretation && /^(H|L|HH|LL|A|AA)$/.test(f.interpretation)) return true;
  const r = f.referenceRange;
  const v = f.value?.value;
  if (!r || v === undefined || (r.unit && r.unit !== f.value?.unit)) return false;
  return (r.low !== undefined && v < r.low) || (r.high !== undefined && v > r.high);
}

/** Still going at the end of the encounter: started by then and not ended before it. */
function isActiveAt(f: Fact, w: EncounterWindow): boolean {
  const start = f.time?.start ? Date.parse(f.time.start) : Number.NaN;
  const end = f.time?.end ? Date.parse(f.time.end) : Number.NaN;
  if (!Number.isNaN(start) && start > w.end + 86_400_000) return false;
  return Number.isNaN(end) || end >= w.end;
}

/** One line per concept (the latest fact), so a chronic drug renewed many times is listed once. */
function dedupeConcepts(fs: readonly Fact[]): Fact[] {
  const latest = new Map<string, Fact>();
  for (const f of fs) {
    const k = `${f.concept.system}|${f.concept.code}`;
    const prev = latest.get(k);
    if (!prev || (f.time?.start ?? '') > (prev.time?.start ?? '')) latest.set(k, f);
  }
  return [...latest.values()];
}
