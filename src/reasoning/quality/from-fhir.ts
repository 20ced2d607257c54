import type {
  DocumentReference,
  Encounter,
  MedicationRequest,
  Observation,
  Patient,
  Procedure,
  Reference,
} from 'fhir/r4.js';
import type { Fact } from '../../core/index.js';
import { CodeSystems } from '../../core/index.js';
import { type AnyResource, noteText, referenceId } from '../../fusion/index.js';
import { DRUG_CLASSES, type DrugClassId, type IngredientId, ingredientsOf } from '../safety/drugs.js';
import type { DocType, QcCriticalValue, QcDocument, QcEncounter, QcOrder, QcResult, QcSurgery } from './model.js';

/**
 * Builds the QC view of one encounter from FHIR resources (Encounter, Patient and what refers to
 * the encounter). Mapping conventions (documented so a hospital can feed QC from FHIR):
 * - DocumentReference.type: a `urn:medseek:qc-doc-type` coding whose code is a DocType, else LOINC
 *   (34117-2 H&P → admission note, 11506-3 progress note, 18842-5 discharge summary, 11504-8 operative
 *   note, 11488-4 consult note), else the Chinese title (入院记录, 首次病程记录, 出院记录 …).
 * - `completedAt` is DocumentReference.date when `docStatus` is `final` (signed); a preliminary note
 *   has none. `recordedAt` is context.period.start. The signer is `authenticator`, the writer `author[0]`.
 * - Encounter.period gives admission (arrival on the ward) and discharge; Patient.deceasedDateTime
 *   inside the stay is the death time.
 * Nothing is invented: what FHIR does not carry (acuity, handovers, front sheet…) stays empty, and
 * the rules that need it do not apply.
 */
export interface EncounterResources {
  readonly encounter: AnyResource;
  readonly patient?: AnyResource;
  /** Resources of the patient; those pointing at other encounters are ignored. */
  readonly resources: readonly AnyResource[];
}

export const QC_DOC_TYPE_SYSTEM = 'urn:medseek:qc-doc-type';

const LOINC_DOC: Record<string, DocType> = {
  '34117-2': 'admission-note',
  '11506-3': 'progress-note',
  '18842-5': 'discharge-record',
  '11504-8': 'op-note',
  '11488-4': 'consult-note',
  '28636-9': 'first-progress-note',
};
const TITLE_DOC: readonly [RegExp, DocType][] = [
  [/24小时内入出院/, 'admit-discharge-24h'],
  [/24小时内入院死亡/, 'admit-death-24h'],
  [/首次病程/, 'first-progress-note'],
  [/术后首次病程/, 'postop-first-note'],
  [/入院记录/, 'admission-note'],
  [/查房/, 'ward-round'],
  [/抢救记录/, 'rescue-note'],
  [/会诊/, 'consult-note'],
  [/术前讨论/, 'preop-discussion'],
  [/术前小结/, 'preop-summary'],
  [/手术记录/, 'op-note'],
  [/安全核查/, 'surgical-safety-checklist'],
  [/手术.*同意/, 'consent-surgery'],
  [/麻醉.*同意/, 'consent-anesthesia'],
  [/输血.*同意/, 'consent-transfusion'],
  [/同意书/, 'consent-special'],
  [/病危|病重/, 'critical-notice'],
  [/阶段小结/, 'interim-summary'],
  [/转出/, 'transfer-out'],
  [/转入/, 'transfer-in'],
  [/交班/, 'handover-out'],
  [/接班/, 'handover-in'],
  [/死亡病例讨论/, 'death-conference'],
  [/死亡记录/, 'death-record'],
  [/出院记录|出院小结/, 'discharge-record'],
  [/病程记录/, 'progress-note'],
];

function docType(r: DocumentReference): DocType {
  const codings = r.type?.coding ?? [];
  const own = codings.find((c) => c.system === QC_DOC_TYPE_SYSTEM)?.code;
  if (own) return own as DocType;
  for (const c of codings) if (c.system === CodeSystems.loinc && c.code && LOINC_DOC[c.code]) return LOINC_DOC[c.code]!;
  const title = [r.type?.text, r.description, ...codings.map((c) => c.display)].filter(Boolean).join(' ');
  return TITLE_DOC.find(([re]) => re.test(title))?.[1] ?? 'other';
}

const refOf = (r: Reference | undefined) => referenceId(r);
const belongs = (r: AnyResource, encId: string): boolean => {
  const x = r as { encounter?: Reference; context?: { encounter?: Reference[] } | Reference };
  const refs: (Reference | undefined)[] = [
    x.encounter,
    ...(Array.isArray((x.context as { encounter?: Reference[] })?.encounter)
      ? (x.context as { encounter: Reference[] }).encounter
      : [x.context as Reference]),
  ];
  return refs.some((ref) => ref && refOf(ref) === encId);
};

const ANTIBIOTIC_CLASSES: readonly DrugClassId[] = [
  'penicillin',
  'cephalosporin',
  'carbapenem',
  'sulfonamideAntibiotic',
];
const ANTIBIOTICS = new Set<string>([
  'clarithromycin',
  'erythromycin',
  'azithromycin',
  'ciprofloxacin',
  'levofloxacin',
  'moxifloxacin',
  'nitrofurantoin',
  'rifampicin',
]);

function orderCategory(text: string): QcOrder['category'] {
  const f = {
    id: text,
    patientId: '',
    category: 'medication',
    concept: { system: CodeSystems.medseek, code: text, display: text },
    assertion: 'present',
    subject: { who: 'patient' },
    sources: [],
  } satisfies Fact;
  const ings = ingredientsOf(f);
  if (
    [...ings].some((i) => ANTIBIOTICS.has(i)) ||
    ANTIBIOTIC_CLASSES.some((c) => (DRUG_CLASSES[c]?.members ?? []).some((m: IngredientId) => ings.has(m)))
  )
    return 'antibiotic';
  if (ings.has('warfarin') || ings.has('enoxaparin') || ings.has('heparin')) return 'anticoagulant';
  if (ings.has('insulin')) return 'insulin';
  return 'drug';
}

export function encounterFromResources(input: EncounterResources): QcEncounter {
  const enc = input.encounter as Encounter & AnyResource;
  const encId = enc.id!;
  const patient = input.patient as (Patient & AnyResource) | undefined;
  const admitAt = enc.period?.start ?? '';
  const dischargeAt = enc.period?.end;
  const mine = input.resources.filter((r) => r.resourceType !== 'Encounter' && belongs(r, encId));
  const deathAt =
    patient?.deceasedDateTime &&
    admitAt &&
    patient.deceasedDateTime >= admitAt &&
    (!dischargeAt || patient.deceasedDateTime <= dischargeAt)
      ? patient.deceasedDateTime
      : undefined;

  const documents: QcDocument[] = mine
    .filter((r) => r.resourceType === 'DocumentReference')
    .map((res) => {
      const r = res as DocumentReference & AnyResource;
      const text = noteText(res)?.text ?? '';
      const signer = r.authenticator ? refOf(r.authenticator) : undefined;
      const author = r.author?.[0];
      return {
        id: r.id!,
        type: docType(r),
        ref: `DocumentReference/${r.id}`,
        ...(r.context?.period?.start ? { recordedAt: r.context.period.start } : r.date ? { recordedAt: r.date } : {}),
        ...(r.docStatus === 'final' && r.date ? { completedAt: r.date } : {}),
        ...(author
          ? {
              author: {
                id: refOf(author) ?? author.display ?? 'unknown',
                ...(author.display ? { name: author.display } : {}),
              },
            }
          : {}),
        signatures:
          r.docStatus === 'final'
            ? [{ id: signer ?? refOf(author) ?? 'unknown', ...(r.date ? { at: r.date } : {}) }]
            : [],
        text,
      } satisfies QcDocument;
    });

  const orders: QcOrder[] = mine
    .filter((r) => r.resourceType === 'MedicationRequest')
    .map((res) => {
      const r = res as MedicationRequest & AnyResource;
      const name =
        r.medicationCodeableConcept?.text ??
        r.medicationCodeableConcept?.coding?.[0]?.display ??
        r.medicationReference?.display ??
        'medication';
      const sig = r.dosageInstruction
        ?.map((d) => d.text)
        .filter(Boolean)
        .join('; ');
      const text = sig ? `${name} ${sig}` : name;
      const status =
        r.status === 'cancelled'
          ? 'cancelled'
          : r.status === 'stopped'
            ? 'stopped'
            : r.status === 'completed'
              ? 'completed'
              : 'active';
      return {
        id: r.id!,
        ref: `MedicationRequest/${r.id}`,
        text,
        kind: r.courseOfTherapyType?.coding?.some((c) => c.code === 'continuous') ? 'long' : 'temporary',
        ...(r.authoredOn ? { orderedAt: r.authoredOn } : {}),
        ...(r.requester ? { signedBy: refOf(r.requester) ?? r.requester.display ?? 'unknown' } : {}),
        status,
        category: orderCategory(name),
      } satisfies QcOrder;
    });

  const surgeries: QcSurgery[] = mine
    .filter((r) => {
      const p = r as unknown as Procedure;
      return (
        r.resourceType === 'Procedure' &&
        !!p.performedPeriod?.start &&
        !!p.performedPeriod?.end &&
        !!p.category?.coding?.some((c) => c.code === '387713003')
      );
    })
    .map((res) => {
      const r = res as unknown as Procedure & AnyResource;
      return {
        id: r.id!,
        ref: `Procedure/${r.id}`,
        name: r.code?.text ?? r.code?.coding?.[0]?.display ?? 'procedure',
        startAt: r.performedPeriod!.start!,
        endAt: r.performedPeriod!.end!,
        surgeonId: refOf(r.performer?.[0]?.actor) ?? 'unknown',
        urgency: 'elective',
      } satisfies QcSurgery;
    });

  const results: QcResult[] = [];
  const criticalValues: QcCriticalValue[] = [];
  for (const res of mine.filter((r) => r.resourceType === 'Observation' || r.resourceType === 'DiagnosticReport')) {
    const r = res as Observation & AnyResource;
    const name = r.code?.text ?? r.code?.coding?.[0]?.display ?? r.resourceType;
    const reportedAt = r.issued ?? r.effectiveDateTime;
    results.push({
      id: r.id!,
      ref: `${r.resourceType}/${r.id}`,
      kind: 'lab',
      name,
      ...(reportedAt ? { reportedAt } : {}),
    });
    if (reportedAt && r.interpretation?.some((i) => i.coding?.some((c) => ['HH', 'LL', 'AA'].includes(c.code ?? ''))))
      criticalValues.push({ id: r.id!, resultId: r.id!, name, reportedAt });
  }

  return {
    id: encId,
    ref: `Encounter/${encId}`,
    patientId: refOf(enc.subject) ?? patient?.id ?? '',
    patient: {
      sex: patient?.gender === 'male' || patient?.gender === 'female' ? patient.gender : 'unknown',
      ...(patient?.birthDate ? { birthDate: patient.birthDate } : {}),
    },
    admitAt,
    ...(dischargeAt ? { dischargeAt } : {}),
    ...(deathAt ? { deathAt } : {}),
    documents,
    orders,
    results,
    surgeries,
    rescues: [],
    consults: [],
    transfers: [],
    handovers: [],
    acuity: [],
    transfusions: [],
    criticalValues,
  };
}
