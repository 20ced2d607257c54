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
import { INGREDIENTS, ingredientsOf } from '../safety/drugs.js';
import { bundledHeadings, type HeadingSet, parseSections } from './text.js';
import type {
  DocType,
  Title,
  QcCriticalValue,
  QcDocument,
  QcEncounter,
  QcOrder,
  QcResult,
  QcSurgery,
} from './model.js';

/**
 * Builds the QC view of one encounter from FHIR resources (Encounter, Patient and what refers to
 * the encounter). Mapping conventions (documented so a hospital can feed QC from FHIR):
 * - DocumentReference.type: a `urn:medseek:qc-doc-type` coding whose code is a DocType, else LOINC
 *   (34117-2 H&P → admission note, 11506-3 progress note, 18842-5 discharge summary, 11504-8 operative
 *   note, 11488-4 consult note), else the Chinese title (入院记录, 首次病程记录, 出院记录 …); codes and
 *   titles are the release's data (knowledge/data/qc/sections.json `headings.documents`).
 * - Without a FHIR author, the name under the note's 医师签名 heading is its author.
 * - `completedAt` is DocumentReference.date when `docStatus` is `final` (signed); a preliminary note
 *   has none. `recordedAt` is context.period.start. The signer is `authenticator`, the writer `author[0]`.
 * - Encounter.period gives admission (arrival on the ward) and discharge; Patient.deceasedDateTime
 *   inside the stay is the death time.
 * - MedicationRequest.requester is the signing physician; without the element the signer is unknown
 *   (C17 does not judge it), with an empty one (no reference, display or identifier) the order is unsigned.
 *   The antibiotic tier is a `urn:medseek:qc-antibiotic-tier` category coding; without it, unknown (K13 skips).
 * - A note with neither a FHIR author nor a 医师签名 line has an unknown author (C19 does not judge it;
 *   C09/C18 still read the missing signature line and the missing signature).
 * Nothing is invented: what FHIR does not carry (acuity, handovers, front sheet…) stays empty or is
 * listed as `unknown`, and the rules that need it do not apply.
 */
export interface EncounterResources {
  readonly encounter: AnyResource;
  readonly patient?: AnyResource;
  /** Resources of the patient; those pointing at other encounters are ignored. */
  readonly resources: readonly AnyResource[];
  /** How records are read (the rule book's headings and document kinds); the bundled data when absent. */
  readonly reading?: HeadingSet;
}

export const QC_DOC_TYPE_SYSTEM = 'urn:medseek:qc-doc-type';
/** MedicationRequest.category coding for the 抗菌药物分级 (FHIR has no element for it): unrestricted | restricted | special. */
export const QC_ANTIBIOTIC_TIER_SYSTEM = 'urn:medseek:qc-antibiotic-tier';
const TIERS: ReadonlySet<string> = new Set(['unrestricted', 'restricted', 'special']);

/** The document's QC type: coded for QC, else by LOINC code, else by title (the kinds are data: sections.json). */
function docType(r: DocumentReference, kinds: HeadingSet['documents']): DocType {
  const codings = r.type?.coding ?? [];
  const own = codings.find((c) => c.system === QC_DOC_TYPE_SYSTEM)?.code;
  if (own) return own as DocType;
  for (const c of codings)
    if (c.system === CodeSystems.loinc && c.code) {
      const k = kinds.find((x) => x.loinc.includes(c.code!));
      if (k) return k.type as DocType;
    }
  const title = [r.type?.text, r.description, ...codings.map((c) => c.display)].filter(Boolean).join(' ');
  return (kinds.find((k) => k.title.test(title))?.type as DocType | undefined) ?? 'other';
}

const refOf = (r: Reference | undefined) => referenceId(r);

/** The kind a progress note's heading line names (its first lines), among kinds written inside a 病程记录. */
function innerKind(text: string, reading: HeadingSet): { type: DocType; line: string } | undefined {
  for (const line of text.split('\n').slice(0, 3)) {
    const k = reading.documents.find((d) => d.inProgressNote && d.title.test(line));
    if (k) return { type: k.type as DocType, line };
  }
  return undefined;
}

/** A physician's title from the first of these texts that names one (the signature, then the heading line). */
function titleOf(texts: readonly (string | undefined)[], reading: HeadingSet): Title | undefined {
  for (const t of texts) {
    const hit = t ? reading.titles.find((x) => x.pattern.test(t)) : undefined;
    if (hit) return hit.title as Title;
  }
  return undefined;
}

/** The name under the note's signature heading (医师签名), as the section reader reads it. */
function signatureName(text: string, reading: HeadingSet): string | undefined {
  const s = parseSections(text, reading)['医师签名']?.split('\n')[0]?.trim();
  return s ? s : undefined;
}
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

/** An order's category: the first of the release's order categories whose ATC group holds a drug it names. */
function orderCategory(text: string, categories: HeadingSet['orders']): QcOrder['category'] {
  const f = {
    id: text,
    patientId: '',
    category: 'medication',
    concept: { system: CodeSystems.medseek, code: text, display: text },
    assertion: 'present',
    subject: { who: 'patient' },
    sources: [],
  } satisfies Fact;
  const atc = [...ingredientsOf(f)].flatMap((i) => INGREDIENTS[i]?.atc ?? []);
  const hit = categories.find((c) => c.atc.some((group) => atc.some((code) => code.startsWith(group))));
  return (hit?.category as QcOrder['category'] | undefined) ?? 'drug';
}

export function encounterFromResources(input: EncounterResources): QcEncounter {
  const enc = input.encounter as Encounter & AnyResource;
  const encId = enc.id!;
  const reading = input.reading ?? bundledHeadings();
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
      // Without a FHIR author, the name the note is signed with (医师签名) is its author.
      const signedName = author ? undefined : signatureName(text, reading);
      const titled = docType(r, reading.documents);
      // A 上级医师查房记录, 术前讨论… written inside a progress note is that record (BW2010 第二十二条).
      const inner = titled === 'progress-note' ? innerKind(text, reading) : undefined;
      const title = titleOf([author?.display ?? signedName, inner?.line], reading);
      return {
        id: r.id!,
        type: inner?.type ?? titled,
        ref: `DocumentReference/${r.id}`,
        ...(r.context?.period?.start ? { recordedAt: r.context.period.start } : r.date ? { recordedAt: r.date } : {}),
        ...(r.docStatus === 'final' && r.date ? { completedAt: r.date } : {}),
        ...(author
          ? {
              author: {
                id: refOf(author) ?? author.display ?? 'unknown',
                ...(author.display ? { name: author.display } : {}),
                ...(title ? { title } : {}),
              },
            }
          : signedName
            ? { author: { id: `signed:${signedName}`, name: signedName, ...(title ? { title } : {}) } }
            : { unknown: ['author'] as const }),
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
      // A sig that already names the drug ("华法林钠片 3mg 口服…") is the order text as written.
      const text = !sig ? name : sig.startsWith(name) ? sig : `${name} ${sig}`;
      const status =
        r.status === 'cancelled'
          ? 'cancelled'
          : r.status === 'stopped'
            ? 'stopped'
            : r.status === 'completed'
              ? 'completed'
              : 'active';
      const category = orderCategory(name, reading.orders);
      // No `requester` element: the export does not say who signed (unknown); an empty one says nobody did.
      const signer = r.requester
        ? (refOf(r.requester) ?? r.requester.display ?? r.requester.identifier?.value)
        : undefined;
      const tier = r.category
        ?.flatMap((c) => c.coding ?? [])
        .find((c) => c.system === QC_ANTIBIOTIC_TIER_SYSTEM && TIERS.has(c.code ?? ''))?.code as
        | QcOrder['antibioticTier']
        | undefined;
      const unknown = [
        ...(r.requester ? [] : (['signedBy'] as const)),
        ...(category === 'antibiotic' && !tier ? (['antibioticTier'] as const) : []),
      ];
      return {
        id: r.id!,
        ref: `MedicationRequest/${r.id}`,
        text,
        kind: r.courseOfTherapyType?.coding?.some((c) => c.code === 'continuous') ? 'long' : 'temporary',
        ...(r.authoredOn ? { orderedAt: r.authoredOn } : {}),
        ...(signer ? { signedBy: signer } : {}),
        status,
        category,
        ...(tier ? { antibioticTier: tier } : {}),
        ...(unknown.length ? { unknown } : {}),
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
    // FHIR carries no 病案首页: whether it was written, and when, is unknown here (T19 skips it).
    unknown: ['homepage'],
  };
}
