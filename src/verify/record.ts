import type { Fact, MedicationCourse, PatientState, Source } from '../core/index.js';
import { allFacts, conceptKey } from '../core/index.js';
import { medicationCourses } from '../fusion/index.js';
import { type ExtractOptions, extractFacts, fold } from '../nlp/index.js';

/** What text is checked against: the record's facts, and the source texts for verbatim grounding. */
export interface VerificationRecord {
  readonly facts: readonly Fact[];
  readonly documents: readonly { readonly id: string; readonly text: string }[];
  /**
   * Medication reconciliation over the stay (fusion's MedicationCourse): which drugs were stopped,
   * held, given once, and which are on the discharge orders. Discharge drugs are judged against it.
   */
  readonly medications?: readonly MedicationCourse[];
}

/** A record from a PatientState (coded resources and note facts). */
export function recordFromState(
  state: PatientState,
  documents: VerificationRecord['documents'] = [],
): VerificationRecord {
  return { facts: allFacts(state), documents, ...(state.medications ? { medications: state.medications } : {}) };
}

/**
 * A record from plain source texts (any notes): their facts are extracted with the NLP stage, and
 * the drugs reconciled over them (fusion's medicationCourses: stopped, one-off, discharge orders).
 */
export function recordFromTexts(
  documents: VerificationRecord['documents'],
  options: Omit<ExtractOptions, 'document'> = {},
): VerificationRecord {
  const facts = documents.flatMap((d) =>
    d.text.trim() ? extractFacts(d.text, { ...options, document: d.id }).facts : [],
  );
  const medications = medicationCourses(facts);
  return { facts, documents, ...(medications.length > 0 ? { medications } : {}) };
}

/** Looks record facts up by any of their codes or names (folded: case, width, punctuation). */
export class RecordIndex {
  readonly #byKey = new Map<string, Fact[]>();
  readonly #byId = new Map<string, Fact>();
  readonly #medications: Fact[] = [];
  #dates: Set<string> | undefined;
  readonly #folded: { id: string; text: string; folded: string }[];

  constructor(readonly record: VerificationRecord) {
    for (const f of record.facts) {
      this.#byId.set(f.id, f);
      for (const k of keysOf(f)) {
        const list = this.#byKey.get(k);
        if (list) list.push(f);
        else this.#byKey.set(k, [f]);
      }
      if (f.category === 'medication') this.#medications.push(f);
    }
    this.#folded = record.documents.map((d) => ({ id: d.id, text: d.text, folded: fold(d.text) }));
  }

  /** Whether any record fact starts or ends on this day (`YYYY-MM-DD`). */
  hasDate(day: string): boolean {
    this.#dates ??= new Set(
      this.record.facts
        .flatMap((f) => [f.time?.start?.slice(0, 10), f.time?.end?.slice(0, 10)])
        .filter((d): d is string => !!d),
    );
    return this.#dates.has(day);
  }

  #numbers: { x: number; day?: string }[] | undefined;

  /**
   * Whether a number written in a text is one the record's facts hold: a value, a dose or strength,
   * or a number in a fact's name ("Alendronic acid 10 MG Oral Tablet"); a measured value may be
   * written rounded to the precision the text uses ("8.53" for 8.5312…).
   */
  hasNumber(written: string, days: readonly string[] = []): boolean {
    const n = Number(written);
    if (!Number.isFinite(n)) return false;
    if (!this.#numbers) {
      const out: { x: number; day?: string }[] = [];
      for (const f of this.record.facts) {
        const day = f.time?.start?.slice(0, 10);
        for (const q of [f.value, f.dosage?.dose, f.dosage?.strength]) {
          if (typeof q?.value === 'number') out.push({ x: q.value, ...(day ? { day } : {}) });
          if (typeof q?.value2 === 'number') out.push({ x: q.value2, ...(day ? { day } : {}) });
        }
        for (const name of namesOf(f)) for (const m of name.matchAll(/\d+(?:\.\d+)?/g)) out.push({ x: Number(m[0]) });
      }
      this.#numbers = out;
    }
    // Rounded values are taken only from facts of a day the text names: among a whole record's
    // values, some number always lies near any number.
    const decimals = /\.(\d+)/.exec(written)?.[1]?.length ?? 0;
    const tolerance = 0.5 * 10 ** -decimals + 1e-9;
    return this.#numbers.some(({ x, day }) => x === n || (!!day && days.includes(day) && Math.abs(x - n) <= tolerance));
  }

  #diagnoses: { current: Fact[]; history: Fact[] } | undefined;

  /**
   * The record's diagnoses (coded Conditions, conditions in a diagnosis or assessment section) and
   * its problem history (past-history section), affirmed ones only. A past history lists what the
   * patient had before, not this stay's diagnosis: a new diagnosis is only measured against it when
   * the claim itself speaks of the past. Both empty when the record lists none (then a diagnosis it
   * does not name is only unsupported, not contradicted).
   */
  diagnosisList(claimIsHistory: boolean): Fact[] {
    if (!this.#diagnoses) {
      const affirmed = this.record.facts.filter(
        (f) =>
          f.category === 'condition' &&
          f.subject.who === 'patient' &&
          f.assertion !== 'absent' &&
          f.assertion !== 'hypothetical',
      );
      const coded = (f: Fact) => f.sources.some((s) => s.kind === 'resource' && s.resourceType === 'Condition');
      this.#diagnoses = {
        current: affirmed.filter((f) => coded(f) || (!!f.section && diagnosisSections.has(f.section))),
        history: affirmed.filter((f) => f.section === 'past_history'),
      };
    }
    const { current, history } = this.#diagnoses;
    if (current.length > 0) return [...current, ...history];
    return claimIsHistory ? history : [];
  }

  fact(id: string): Fact | undefined {
    return this.#byId.get(id);
  }

  /** Facts about the same concept: same code in any system, the same name, or (drugs) the ingredient within a product name. */
  candidates(f: Fact): Fact[] {
    const found = new Set<Fact>();
    for (const k of keysOf(f)) for (const c of this.#byKey.get(k) ?? []) found.add(c);
    if (f.category === 'medication') {
      const names = namesOf(f).filter((n) => n.length >= 4);
      for (const m of this.#medications) {
        const other = namesOf(m);
        if (names.some((n) => other.some((o) => o.includes(n) || (o.length >= 4 && n.includes(o))))) found.add(m);
      }
    }
    return [...found];
  }

  /** Record facts whose name contains the mention ("Seizure" within "Seizure disorder"). */
  namedLike(mention: string): Fact[] {
    const m = fold(mention).trim();
    if (m.length < 2) return [];
    return this.record.facts.filter((f) => namesOf(f).some((n) => n.includes(m)));
  }

  /** Where the folded text occurs verbatim in a source document. */
  findVerbatim(text: string): Source | undefined {
    const needle = fold(text).trim();
    if (needle.length < 2) return undefined;
    for (const d of this.#folded) {
      const at = d.folded.indexOf(needle);
      if (at >= 0)
        return {
          kind: 'text',
          document: d.id,
          start: at,
          end: at + needle.length,
          quote: d.text.slice(at, at + needle.length),
        };
    }
    return undefined;
  }
}

const diagnosisSections = new Set(['assessment', 'discharge_diagnosis']);

function namesOf(f: Fact): string[] {
  const c = f.concept;
  return [c.display, c.displayZh, ...(c.codings ?? []).flatMap((x) => [x.display, x.displayZh])]
    .filter((n): n is string => !!n)
    .map((n) => fold(n).trim());
}

function keysOf(f: Fact): string[] {
  const c = f.concept;
  return [conceptKey(c), ...(c.codings ?? []).map(conceptKey), ...namesOf(f).map((n) => `name:${n}`)];
}
