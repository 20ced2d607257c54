import type { Fact, PatientState, Source } from '../core/index.js';
import { allFacts, conceptKey } from '../core/index.js';
import { type ExtractOptions, extractFacts, fold } from '../nlp/index.js';

/** What text is checked against: the record's facts, and the source texts for verbatim grounding. */
export interface VerificationRecord {
  readonly facts: readonly Fact[];
  readonly documents: readonly { readonly id: string; readonly text: string }[];
}

/** A record from a PatientState (coded resources and note facts). */
export function recordFromState(state: PatientState, documents: VerificationRecord['documents'] = []): VerificationRecord {
  return { facts: allFacts(state), documents };
}

/** A record from plain source texts (any notes): their facts are extracted with the NLP stage. */
export function recordFromTexts(documents: VerificationRecord['documents'], options: Omit<ExtractOptions, 'document'> = {}): VerificationRecord {
  const facts = documents.flatMap((d) => (d.text.trim() ? extractFacts(d.text, { ...options, document: d.id }).facts : []));
  return { facts, documents };
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
    this.#dates ??= new Set(this.record.facts.flatMap((f) => [f.time?.start?.slice(0, 10), f.time?.end?.slice(0, 10)]).filter((d): d is string => !!d));
    return this.#dates.has(day);
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
      if (at >= 0) return { kind: 'text', document: d.id, start: at, end: at + needle.length, quote: d.text.slice(at, at + needle.length) };
    }
    return undefined;
  }
}

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
