import type { Bilingual, Lang } from '../core/index.js';
import { invalid, say } from '../core/index.js';
import { splitSections } from '../nlp/index.js';
import { ageAt, caseDeidentifier, caseId, type FhirPatientLike, personOfPatient } from './deid.js';

/**
 * Teaching cases from de-identified records, revealed step by step: presenting complaint → history →
 * examination → results (labs, imaging) → diagnosis. Three shapes of record: a FHIR bundle with
 * notes (MedSeek's Chinese demo inpatients: the admission note's sections, the discharge note's
 * diagnoses), a FHIR bundle without notes (Synthea: one encounter's resources), and a CCKS 2017 EMR
 * record (its four sections and annotated entities). Every text goes through the de-identifier.
 */
export type StepKey = 'complaint' | 'history' | 'exam' | 'results' | 'diagnosis';

export const STEPS: readonly StepKey[] = ['complaint', 'history', 'exam', 'results', 'diagnosis'];

export function stepTitle(key: StepKey, lang: Lang): string {
  const t = say(lang);
  switch (key) {
    case 'complaint':
      return t('Presenting complaint', '主诉');
    case 'history':
      return t('History', '病史');
    case 'exam':
      return t('Examination', '体格检查');
    case 'results':
      return t('Labs and imaging', '辅助检查');
    case 'diagnosis':
      return t('Diagnosis', '诊断');
  }
}

export interface CaseStep {
  readonly key: StepKey;
  /** De-identified prose, in the case's language. */
  readonly text: string;
}

export type CaseOrigin = 'demo' | 'synthea' | 'ccks2017' | 'fixture';

export interface TeachingCase {
  readonly id: string;
  readonly origin: CaseOrigin;
  readonly lang: Lang;
  readonly sex?: 'male' | 'female';
  readonly age?: string;
  readonly steps: readonly CaseStep[];
  /** The diagnoses the record names (de-identified), the answer the learner is compared with. */
  readonly diagnoses: readonly string[];
  /** The tests the record shows were done (names), for the learner's "next tests". */
  readonly tests: readonly string[];
  /** The data set and its licence, as its SOURCE.md or README gives them. */
  readonly dataset: Bilingual;
}

// ————— FHIR bundles —————

interface Resource {
  readonly resourceType: string;
  readonly id?: string;
  readonly [k: string]: unknown;
}
interface CodeableConcept {
  readonly text?: string;
  readonly coding?: readonly { readonly display?: string; readonly code?: string; readonly system?: string }[];
}
interface Bundle {
  readonly resourceType: 'Bundle';
  readonly entry?: readonly { readonly fullUrl?: string; readonly resource?: Resource }[];
}

const codeText = (c: CodeableConcept | undefined, lang: Lang): string | undefined => {
  const display = c?.coding?.find((x) => x.display)?.display;
  const text = c?.text;
  // A Chinese case reads its Chinese text; an English one prefers the coded display (Synthea's texts repeat it).
  return (lang === 'zh' ? (text ?? display) : (display ?? text))?.replace(
    /\s*\((disorder|finding|procedure|situation)\)$/,
    '',
  );
};

const refId = (r: unknown): string | undefined => {
  const ref = (r as { reference?: string } | undefined)?.reference;
  return ref
    ?.replace(/^urn:uuid:/, '')
    .split('/')
    .pop();
};

function quantityText(o: Resource): string {
  const q = o.valueQuantity as { value?: number; unit?: string } | undefined;
  if (q?.value !== undefined) return `${Math.round(q.value * 10) / 10} ${q.unit ?? ''}`.trim();
  const cc = o.valueCodeableConcept as CodeableConcept | undefined;
  if (cc) return codeText(cc, 'en') ?? '';
  if (typeof o.valueString === 'string') return o.valueString;
  const comps = (o.component as { code?: CodeableConcept; valueQuantity?: { value?: number; unit?: string } }[]) ?? [];
  const parts = comps
    .filter((c) => c.valueQuantity?.value !== undefined)
    .map((c) => `${Math.round(c.valueQuantity!.value! * 10) / 10}`);
  return parts.length ? `${parts.join('/')} ${comps[0]?.valueQuantity?.unit ?? ''}`.trim() : '';
}

const categoryOf = (o: Resource): string | undefined =>
  (o.category as CodeableConcept[] | undefined)?.flatMap((c) => c.coding ?? []).find((c) => c.code)?.code;

/** A teaching case from a FHIR bundle (notes when it has an admission note, its coded resources otherwise). */
export function caseFromBundle(bundle: unknown, origin: CaseOrigin, key: string): TeachingCase | undefined {
  const b = bundle as Bundle;
  if (b?.resourceType !== 'Bundle') throw invalid('not a FHIR Bundle', { field: 'resourceType', where: key });
  const resources = (b.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : []));
  const patient = resources.find((r) => r.resourceType === 'Patient') as (Resource & FhirPatientLike) | undefined;
  const notes = resources.filter((r) => r.resourceType === 'DocumentReference');
  const admission = notes.find((n) =>
    (n.type as CodeableConcept | undefined)?.coding?.some((c) => c.code === '34117-2'),
  );
  return admission
    ? caseFromNotes(resources, patient, admission, origin, key)
    : caseFromEncounter(resources, patient, origin, key);
}

function noteText(doc: Resource): string {
  const data = (doc.content as { attachment?: { data?: string } }[] | undefined)?.[0]?.attachment?.data;
  return data ? Buffer.from(data, 'base64').toString('utf8') : '';
}

const SECTION_STEP: Readonly<Record<string, StepKey>> = {
  chief_complaint: 'complaint',
  general: 'complaint',
  hpi: 'history',
  past_history: 'history',
  medications: 'history',
  allergies: 'history',
  family_history: 'history',
  social_history: 'history',
  obstetric_history: 'history',
  ros: 'history',
  physical_exam: 'exam',
  specialty_exam: 'exam',
  labs: 'results',
  assessment: 'diagnosis',
  discharge_diagnosis: 'diagnosis',
  hospital_course: 'diagnosis',
};

/** The note's sections by step, each as `heading：body` (the preamble — name, dates — and sign-off left out). */
function sectionsByStep(text: string): Map<StepKey, string[]> {
  const out = new Map<StepKey, string[]>();
  for (const s of splitSections(text)) {
    const step = SECTION_STEP[s.key];
    if (!step) continue;
    const body = text.slice(s.bodyStart, s.end).trim();
    if (!body) continue;
    const list = out.get(step) ?? [];
    list.push(s.title ? `${s.title}：${body}` : body);
    out.set(step, list);
  }
  return out;
}

function caseFromNotes(
  resources: readonly Resource[],
  patient: (Resource & FhirPatientLike) | undefined,
  admission: Resource,
  origin: CaseOrigin,
  key: string,
): TeachingCase | undefined {
  const text = noteText(admission);
  const lang: Lang = /[\u4e00-\u9fff]/u.test(text) ? 'zh' : 'en';
  const deid = caseDeidentifier(personOfPatient(patient), lang);
  const t = say(lang);
  const parts = sectionsByStep(text);
  const discharge = resources.find(
    (r) =>
      r.resourceType === 'DocumentReference' &&
      (r.type as CodeableConcept | undefined)?.coding?.some((c) => c.code === '18842-5'),
  );
  const dischargeParts = discharge ? splitSections(noteText(discharge)) : [];
  const dischargeText = discharge ? noteText(discharge) : '';
  const finalDx = dischargeParts
    .filter((s) => s.key === 'discharge_diagnosis')
    .map((s) => `${s.title}：${dischargeText.slice(s.bodyStart, s.end).trim()}`);
  const sex = patient?.gender === 'male' || patient?.gender === 'female' ? patient.gender : undefined;
  const age = ageAt(patient?.birthDate, (admission.date as string | undefined) ?? undefined);
  const who = [sex ? t(sex, sex === 'male' ? '男' : '女') : '', age ? t(`${age} years`, `${age}岁`) : '']
    .filter(Boolean)
    .join(t(', ', '，'));
  const join = (k: StepKey, extra: string[] = []) => [...(parts.get(k) ?? []), ...extra].join('\n');
  const steps: CaseStep[] = STEPS.map((k) => ({
    key: k,
    text: deid(
      k === 'complaint' ? [who, join(k)].filter(Boolean).join('\n') : join(k, k === 'diagnosis' ? finalDx : []),
    ),
  }));
  if (steps.some((s) => !s.text.trim())) return undefined;
  const conditions = resources
    .filter((r) => r.resourceType === 'Condition')
    .flatMap((c) => codeText(c.code as CodeableConcept, lang) ?? []);
  const tests = resources
    .filter((r) => r.resourceType === 'Observation' && categoryOf(r) !== 'vital-signs')
    .flatMap((o) => codeText(o.code as CodeableConcept, lang) ?? []);
  return {
    id: caseId(origin, key),
    origin,
    lang,
    ...(sex ? { sex } : {}),
    ...(age ? { age } : {}),
    steps,
    diagnoses: [...new Set(conditions.map(deid))],
    tests: [...new Set(tests)],
    dataset: DATASETS[origin],
  };
}

/** One Synthea encounter as a case: the one with the most diagnoses made at it (then the latest). */
function caseFromEncounter(
  resources: readonly Resource[],
  patient: (Resource & FhirPatientLike) | undefined,
  origin: CaseOrigin,
  key: string,
): TeachingCase | undefined {
  const lang: Lang = 'en';
  const deid = caseDeidentifier(personOfPatient(patient), lang);
  const at = (r: Resource) => refId(r.encounter);
  const conditions = resources.filter((r) => r.resourceType === 'Condition');
  const observations = resources.filter((r) => r.resourceType === 'Observation');
  const encounters = resources
    .filter((r) => r.resourceType === 'Encounter' && r.id)
    .map((e) => ({
      e,
      dx: conditions.filter((c) => at(c) === e.id),
      obs: observations.filter((o) => at(o) === e.id),
      start: (e.period as { start?: string } | undefined)?.start ?? '',
    }))
    .filter((x) => x.dx.length > 0 && x.obs.length > 0)
    .sort((a, b) => b.dx.length - a.dx.length || b.start.localeCompare(a.start));
  const chosen = encounters[0];
  if (!chosen) return undefined;
  const { e, dx, obs, start } = chosen;
  const sex = patient?.gender === 'male' || patient?.gender === 'female' ? patient.gender : undefined;
  const age = ageAt(patient?.birthDate, start);
  const onset = (c: Resource) =>
    (c.onsetDateTime as string | undefined) ?? (c.recordedDate as string | undefined) ?? '';
  const earlier = conditions.filter((c) => at(c) !== e.id && onset(c) && onset(c) < start);
  const meds = resources.filter(
    (r) => r.resourceType === 'MedicationRequest' && ((r.authoredOn as string | undefined) ?? '') < start,
  );
  const allergies = resources.filter((r) => r.resourceType === 'AllergyIntolerance');
  const line = (o: Resource) => `${codeText(o.code as CodeableConcept, lang)}: ${quantityText(o)}`;
  const vitals = obs.filter((o) => categoryOf(o) === 'vital-signs');
  const results = obs.filter((o) => categoryOf(o) !== 'vital-signs');
  const names = (rs: readonly Resource[], field = 'code') => [
    ...new Set(rs.flatMap((r) => codeText(r[field] as CodeableConcept, lang) ?? [])),
  ];
  const encounterType = codeText((e.type as CodeableConcept[] | undefined)?.[0], lang) ?? 'Encounter';
  const who = [age ? `${age}-year-old` : '', sex ?? 'patient'].filter(Boolean).join(' ');
  const procedures = resources.filter((r) => r.resourceType === 'Procedure' && at(r) === e.id);
  const steps: CaseStep[] = [
    { key: 'complaint', text: `${/^(8|11-|18-)/.test(who) ? 'An' : 'A'} ${who} attends: ${encounterType}.` },
    {
      key: 'history',
      text: [
        `Known conditions: ${names(earlier).join('; ') || 'none recorded'}.`,
        `Medications: ${names(meds, 'medicationCodeableConcept').join('; ') || 'none recorded'}.`,
        `Allergies: ${names(allergies).join('; ') || 'none recorded'}.`,
      ].join('\n'),
    },
    { key: 'exam', text: vitals.length ? vitals.map(line).join('\n') : 'No examination findings recorded.' },
    {
      key: 'results',
      text:
        [...results.map(line), ...names(procedures).map((p) => `Procedure: ${p}`)].join('\n') || 'No results recorded.',
    },
    { key: 'diagnosis', text: `Diagnoses at this encounter: ${names(dx).join('; ')}.` },
  ].map((s) => ({ key: s.key as StepKey, text: deid(s.text) }));
  return {
    id: caseId(origin, key),
    origin,
    lang,
    ...(sex ? { sex } : {}),
    ...(age ? { age } : {}),
    steps,
    diagnoses: names(dx).map(deid),
    tests: names(results),
    dataset: DATASETS[origin],
  };
}

// ————— CCKS 2017 —————

/** One line of ccks2017_emr_records.jsonl (see /work/shared/data/emr-ccks2017-ner/SOURCE.md). */
export interface CcksRecord {
  readonly id: number | string;
  readonly sections: Readonly<
    Record<string, { readonly text: string; readonly entities?: readonly { mention: string; type: string }[] }>
  >;
}

/**
 * A CCKS record as a case: 一般项目 is the presentation; 病史特点 splits at its own numbered headings
 * (查体, 辅助检查) into history, examination and results; 诊疗经过 and 出院情况 close it, with the record's
 * annotated 疾病和诊断 as the diagnoses and 检查和检验 as the tests.
 */
export function caseFromCcks(record: CcksRecord, origin: CaseOrigin = 'ccks2017'): TeachingCase | undefined {
  const s = record.sections;
  const general = s['一般项目']?.text ?? '';
  const summary = s['病史特点']?.text ?? '';
  if (!general || !summary) return undefined;
  const deid = caseDeidentifier({ names: [], identifiers: [] }, 'zh');
  const bySection = sectionsByStep(summary);
  // Text before the first exam or results heading of 病史特点 (its numbered history lines) is history.
  const firstHeading = splitSections(summary).find(
    (x) => SECTION_STEP[x.key] === 'exam' || SECTION_STEP[x.key] === 'results',
  );
  let historyEnd = firstHeading?.start ?? summary.length;
  // Run-on records write 入院查体： mid-sentence, which the sectioniser does not take for a heading.
  if (!bySection.get('exam')?.length) {
    const exam = /(?:\d{1,2}[.、．])?(?:入院)?(?:查体|体格检查)[：:]/.exec(summary);
    if (exam) {
      const end = summary.slice(exam.index).search(/(?:\d{1,2}[.、．])?辅助检查[：:]/);
      bySection.set('exam', [
        summary
          .slice(exam.index, end < 0 ? undefined : exam.index + end)
          .replace(/^\d{1,2}[.、．]/, '')
          .trim(),
      ]);
      historyEnd = Math.min(historyEnd, exam.index);
    }
  }
  const history = [summary.slice(0, historyEnd).trim(), ...(bySection.get('history') ?? [])];
  const course = ['诊疗经过', '出院情况'].flatMap((k) => (s[k]?.text ? [`${k}：${s[k]!.text}`] : []));
  const entities = Object.values(s).flatMap((x) => x.entities ?? []);
  const of = (type: string) => [...new Set(entities.filter((e) => e.type === type).map((e) => e.mention))];
  const diagnoses = of('疾病和诊断');
  const steps: CaseStep[] = [
    { key: 'complaint' as const, text: general },
    { key: 'history' as const, text: history.filter(Boolean).join('\n') },
    { key: 'exam' as const, text: (bySection.get('exam') ?? []).join('\n') },
    { key: 'results' as const, text: (bySection.get('results') ?? []).join('\n') || '病史特点中未单列辅助检查。' },
    {
      key: 'diagnosis' as const,
      text: [diagnoses.length ? `诊断：${diagnoses.join('；')}` : '', ...course].filter(Boolean).join('\n'),
    },
  ].map((x) => ({ key: x.key, text: deid(x.text) }));
  if (steps.some((x) => !x.text.trim())) return undefined;
  const sex = /女/.test(general.slice(0, 6)) ? 'female' : /男/.test(general.slice(0, 6)) ? 'male' : undefined;
  const age = /(\d{1,3})岁/.exec(general)?.[1];
  return {
    id: caseId(origin, String(record.id)),
    origin,
    lang: 'zh',
    ...(sex ? { sex } : {}),
    ...(age ? { age: Number(age) >= 90 ? '90+' : age } : {}),
    steps,
    diagnoses: diagnoses.map(deid),
    tests: of('检查和检验'),
    dataset: DATASETS[origin],
  };
}

/** Parses ccks2017_emr_records.jsonl text; a bad line names its number. */
export function parseCcksJsonl(text: string, where = 'ccks2017_emr_records.jsonl'): CcksRecord[] {
  return text
    .split('\n')
    .map((l, i) => [l.trim(), i + 1] as const)
    .filter(([l]) => l)
    .map(([l, n]) => {
      let r: CcksRecord;
      try {
        r = JSON.parse(l) as CcksRecord;
      } catch (e) {
        throw invalid(`not valid JSON: ${(e as Error).message}`, { where: `${where}:${n}` });
      }
      if (r.id === undefined || typeof r.sections !== 'object')
        throw invalid('a record needs id and sections', { where: `${where}:${n}`, field: 'sections' });
      return r;
    });
}

export const DATASETS: Readonly<Record<CaseOrigin, Bilingual>> = {
  demo: {
    en: 'MedSeek demo patients (demo/README.md): synthetic; Synthea bundles Apache 2.0, Chinese records Apache 2.0',
    zh: 'MedSeek 演示患者（demo/README.md）：合成数据；Synthea 与中文病历均为 Apache 2.0',
  },
  synthea: {
    en: 'Synthea synthetic patients, smart-on-fhir/generated-sample-data R4/SYNTHEA (Apache 2.0)',
    zh: 'Synthea 合成患者，smart-on-fhir/generated-sample-data R4/SYNTHEA（Apache 2.0）',
  },
  ccks2017: {
    en: 'CCKS 2017 Chinese EMR records (de-identified at source; research use, licence unknown)',
    zh: 'CCKS 2017 中文电子病历（来源已去标识；仅供研究，许可未知）',
  },
  fixture: { en: 'MedSeek test fixture (synthetic)', zh: 'MedSeek 测试样例（合成）' },
};
