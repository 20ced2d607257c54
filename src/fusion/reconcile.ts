import type { Conflict, Dosage, Fact, Quantity, Source } from '../core/index.js';
import { CodeSystems, conceptLabel, sourceKey, stableId } from '../core/index.js';
import { codeKeys, compatibleCategories, foldName, nameKeys, sameConcept } from './concept-match.js';
import { normaliseRoute } from './dosage.js';
import { factStart } from './fhir.js';
import { formatQuantity, sameQuantity } from './quantity.js';

/** A note fact with the moment its note describes (the note's date), for time-aware comparison. */
export interface DatedFact {
  readonly fact: Fact;
  /** ms; when the note was written (or its clinical date). */
  readonly noteTime?: number;
}

export interface Reconciled {
  readonly facts: Fact[];
  readonly conflicts: Conflict[];
}

const hour = 3_600_000;

/**
 * Merges note facts into coded facts and flags disagreements (pure).
 * - Same concept (a shared code, or the same folded name), same assertion and subject, and a
 *   compatible value and time → one fact carrying both sources (the coded fact's fields win).
 * - Disagreements are kept, both facts stay, and a Conflict names them: a note denying allergies
 *   while an AllergyIntolerance is on file; a condition negated in a note but active in the problem
 *   list; a note's dose or frequency that differs from the order; a medication a note says is not
 *   taken while an order is active; a measurement with a different value at the same time.
 * Notes repeating one another (the same finding in the admission and discharge notes) merge too.
 */
export function reconcile(coded: readonly Fact[], notes: readonly DatedFact[]): Reconciled {
  const merged: Fact[] = [...coded];
  const codedCount = coded.length;
  const noteTimes = new Map<string, number | undefined>();
  const conflicts = new Map<string, Conflict>();
  // Candidates by any code or folded name, so each note fact is compared with a few facts, not all.
  const index = new Map<string, number[]>();
  const addToIndex = (f: Fact, i: number) => {
    for (const k of matchKeys(f)) {
      const list = index.get(k);
      if (list) list.push(i);
      else index.set(k, [i]);
    }
  };
  // Only note facts look candidates up: a record without notes (a CDS Hooks prefetch) needs no index.
  if (notes.length > 0) merged.forEach(addToIndex);
  const conflictsFound = (
    fact: Fact,
    noteTime: number | undefined,
  ): { kind: Conflict['kind']; description: string; ids: string[] }[] => {
    const out: { kind: Conflict['kind']; description: string; ids: string[] }[] = [];
    if (fact.assertion !== 'absent' || !isGenericAllergy(fact)) return out;
    const drugOnly = isDrugAllergyDenial(fact);
    for (let i = 0; i < codedCount; i++) {
      const a = merged[i]!;
      if (a.id === fact.id || a.category !== 'allergy' || (a.assertion !== 'present' && a.assertion !== 'possible'))
        continue;
      const cat = a.qualifiers?.category?.split(',');
      if (drugOnly && cat && !cat.includes('medication') && !cat.includes('biologic')) continue;
      if (!startedBy(a, noteTime)) continue;
      const who = fact.sources.some((s) => s.kind === 'text')
        ? quoteOf(fact)
          ? `a note ("${quoteOf(fact)}")`
          : 'a note'
        : 'the record (AllergyIntolerance)';
      out.push({
        kind: 'assertion',
        description: `${who} denies ${drugOnly ? 'drug ' : ''}allergies, but ${conceptLabel(a.concept)} is on file (AllergyIntolerance)`,
        ids: [a.id, fact.id],
      });
    }
    return out;
  };
  // A coded "no known allergies" beside a coded allergy: whichever came first, the record disagrees
  // with itself until one of them is corrected.
  for (const f of coded) {
    for (const c of conflictsFound(f, undefined)) {
      const id = `C${stableId(c.kind, ...[...c.ids].sort()).slice(0, 16)}`;
      conflicts.set(id, { id, kind: c.kind, description: c.description, factIds: c.ids });
    }
  }

  for (const { fact, noteTime } of notes) {
    let mergedInto = -1;
    const found: { kind: Conflict['kind']; description: string; ids: string[] }[] = [];
    const addConflict = (kind: Conflict['kind'], description: string, ids: string[]) =>
      found.push({ kind, description, ids });
    const differing: { target: Fact; distance: number }[] = [];
    const candidates = [...new Set(matchKeys(fact).flatMap((k) => index.get(k) ?? []))].sort((a, b) => a - b);
    for (const i of candidates) {
      const target = merged[i]!;
      if (!compatibleCategories(target.category, fact.category) || !sameSubject(target, fact)) continue;
      if (!sameConcept(target.concept, fact.concept, matchAs(target, fact))) continue;
      const isCoded = i < codedCount;
      // "既往高血压病史" / "history of hypertension" restates a condition or a drug still on the
      // record as current: the same fact, the coded assertion wins.
      const restates =
        isCoded && fact.assertion === 'historical' && target.assertion === 'present' && fact.category !== 'measurement';
      if (target.assertion === fact.assertion || restates) {
        const verdict = compatible(target, fact, isCoded ? undefined : noteTimes.get(target.id), noteTime);
        if (verdict === 'same') {
          if (mergedInto < 0) {
            merged[i] = mergeInto(target, fact);
            mergedInto = i;
          }
          continue;
        }
        if (verdict === 'dose' && isCoded && activeAt(target, noteTime)) {
          addConflict('dose', doseDescription(target, fact), [target.id, fact.id]);
        } else if (verdict === 'value' && isCoded) {
          const ta = factStart(target.time);
          const tb = factStart(fact.time) ?? noteTime;
          differing.push({
            target,
            distance: ta !== undefined && tb !== undefined ? Math.abs(ta - tb) : Number.POSITIVE_INFINITY,
          });
        }
        continue;
      }
      if (isCoded && fact.subject.who === 'patient' && opposed(target, fact) && activeAt(target, noteTime)) {
        const kind = fact.category === 'medication' ? 'status' : 'assertion';
        addConflict(kind, assertionDescription(target, fact), [target.id, fact.id]);
      }
    }
    if (fact.category === 'allergy' || isAllergyConcept(fact)) found.push(...conflictsFound(fact, noteTime));
    // A measurement that matches no result but differs from one: a conflict only when it is clearly
    // the same measurement — stated at a time within 2 h of it, or the only result of that day.
    // (Vitals change through the day; a note quoting the 16:00 value is not contradicted by 08:00.)
    if (mergedInto < 0 && differing.length) {
      const nearest = differing.reduce((a, b) => (b.distance < a.distance ? b : a));
      if (fact.time?.start ? nearest.distance <= 2 * hour : differing.length === 1) {
        const t = nearest.target;
        addConflict(
          'value',
          `${conceptLabel(fact.concept)}: the note says ${fact.value ? formatQuantity(fact.value) : fact.valueText}, the record ${t.value ? formatQuantity(t.value) : t.valueText}`,
          [t.id, fact.id],
        );
      }
    }
    // A note fact merged into another fact is known by that fact's id from here on.
    const ownId = mergedInto >= 0 ? merged[mergedInto]!.id : fact.id;
    if (mergedInto < 0) {
      merged.push(fact);
      addToIndex(fact, merged.length - 1);
      noteTimes.set(fact.id, noteTime);
    }
    for (const c of found) {
      const factIds = [...new Set(c.ids.map((x) => (x === fact.id ? ownId : x)))];
      const id = `C${stableId(c.kind, ...[...factIds].sort()).slice(0, 16)}`;
      if (!conflicts.has(id)) conflicts.set(id, { id, kind: c.kind, description: c.description, factIds });
    }
  }
  return { facts: merged, conflicts: [...conflicts.values()] };
}

/** Every key a fact could match another by: its codes and its names under each way of folding them. */
function matchKeys(f: Fact): string[] {
  return [
    ...codeKeys(f.concept),
    ...nameKeys(f.concept).map((n) => `n|${n}`),
    ...nameKeys(f.concept, 'medication').map((n) => `n|${n}`),
    ...nameKeys(f.concept, 'allergy').map((n) => `n|${n}`),
    ...nameKeys(f.concept, 'measurement').map((n) => `n|${n}`),
  ];
}

/** How to compare names: drugs by ingredient, allergies by allergen, the rest as written. */
function matchAs(a: Fact, b: Fact): 'medication' | 'allergy' | 'measurement' | undefined {
  if (a.category === 'allergy' || b.category === 'allergy') return 'allergy';
  if (a.category === 'medication' && b.category === 'medication') return 'medication';
  if (a.category === 'measurement' && b.category === 'measurement') return 'measurement';
  return undefined;
}

function sameSubject(a: Fact, b: Fact): boolean {
  if (a.subject.who !== b.subject.who) return false;
  if (a.subject.who !== 'family') return true;
  const ra = a.subject.relation && foldName(a.subject.relation);
  const rb = b.subject.relation && foldName(b.subject.relation);
  return !ra || !rb || ra === rb || relationAliases[ra] === rb || relationAliases[rb] === ra;
}

const relationAliases: Record<string, string> = {
  母亲: 'mother',
  母: 'mother',
  父亲: 'father',
  父: 'father',
  'natural mother': 'mother',
  'natural father': 'father',
};

type Verdict = 'same' | 'value' | 'dose' | 'unrelated';

/** Whether two facts with the same concept and assertion state the same thing. */
function compatible(
  target: Fact,
  fact: Fact,
  targetNoteTime: number | undefined,
  noteTime: number | undefined,
): Verdict {
  if (fact.category === 'measurement' || target.category === 'measurement') {
    const ta = factStart(target.time) ?? targetNoteTime;
    const tb = factStart(fact.time) ?? noteTime;
    if (ta === undefined || tb === undefined || Math.abs(ta - tb) > 24 * hour) return 'unrelated';
    if (target.value && fact.value) {
      const same = sameQuantity(target.value, fact.value);
      if (same === undefined) return 'unrelated';
      return same ? 'same' : 'value';
    }
    if (target.valueText && fact.valueText)
      return foldName(target.valueText) === foldName(fact.valueText) ? 'same' : 'value';
    return 'same';
  }
  if (fact.category === 'medication' && target.category === 'medication') {
    return sameDosage(target.dosage, fact.dosage) ? 'same' : 'dose';
  }
  return 'same';
}

/** The amount given per dose: the dose, else the product's strength when the dose is "1 tablet" or unstated. */
function amount(d: Dosage | undefined): Quantity | undefined {
  if (!d) return undefined;
  if (d.dose && !/^\{|^1$/.test(d.dose.unit)) return d.dose;
  if (d.dose && d.strength && /^\{|^1$/.test(d.dose.unit))
    return { ...d.strength, value: d.strength.value * d.dose.value };
  return d.strength;
}

function sameDosage(a: Dosage | undefined, b: Dosage | undefined): boolean {
  const qa = amount(a);
  const qb = amount(b);
  if (qa && qb && b?.dose && sameQuantity(qa, qb) === false) return false;
  const fa = a?.frequency;
  const fb = b?.frequency;
  if (fa?.perDay !== undefined && fb?.perDay !== undefined && Math.abs(fa.perDay - fb.perDay) > 1e-6) return false;
  if (fa?.perDay === undefined && fb?.perDay === undefined && fa?.code && fb?.code && fa.code !== fb.code) return false;
  return true;
}

function describeDosage(d: Dosage | undefined): string {
  if (!d) return 'no dose';
  const q = amount(d);
  return [q && formatQuantity(q), normaliseRoute(d.route), d.frequency?.code].filter(Boolean).join(' ') || 'no dose';
}

function doseDescription(order: Fact, note: Fact): string {
  return `${conceptLabel(order.concept)}: the note says ${describeDosage(note.dosage)}${quoteOf(note) ? ` ("${quoteOf(note)}")` : ''}, the ${order.sources[0]?.kind === 'resource' ? order.sources[0].resourceType : 'order'} says ${describeDosage(order.dosage)}`;
}

function assertionDescription(coded: Fact, note: Fact): string {
  const where = coded.sources[0]?.kind === 'resource' ? coded.sources[0].resourceType : 'the record';
  const what = conceptLabel(coded.concept);
  const noteSays = note.assertion === 'absent' ? 'negates' : `says ${note.assertion}`;
  return `${what}: a note ${noteSays} it${quoteOf(note) ? ` ("${quoteOf(note)}")` : ''}, but ${where} has it ${coded.assertion === 'present' ? (coded.status ?? 'present') : coded.assertion}`;
}

function quoteOf(f: Fact): string | undefined {
  const t = f.sources.find((s) => s.kind === 'text');
  return t?.kind === 'text' ? t.quote : undefined;
}

/** A present (or possible) fact against an absent one. */
function opposed(a: Fact, b: Fact): boolean {
  const pos = (x: Fact) => x.assertion === 'present';
  return (pos(a) && b.assertion === 'absent') || (a.assertion === 'absent' && pos(b));
}

/** Whether a coded fact held at a note's moment: begun by then and not ended before it. */
function activeAt(f: Fact, t: number | undefined): boolean {
  if (t === undefined) return true;
  const start = factStart(f.time);
  const end = f.time?.end ? Date.parse(f.time.end) : undefined;
  if (start !== undefined && start > t + 24 * hour) return false;
  if (end !== undefined && !Number.isNaN(end) && end < t - 24 * hour) return false;
  return true;
}

function startedBy(f: Fact, t: number | undefined): boolean {
  const start = factStart(f.time);
  return t === undefined || start === undefined || start <= t + 24 * hour;
}

/** SNOMED CT concepts that mean "allergy" in general, not to one substance. */
const genericAllergyCodes = new Set([
  `${CodeSystems.snomed}|421961002`, // Hypersensitivity reaction to drug / drug allergy
  `${CodeSystems.snomed}|416098002`, // Allergy to drug
  `${CodeSystems.snomed}|419199007`, // Allergy to substance
  `${CodeSystems.snomed}|609328004`, // Allergic disposition
  `${CodeSystems.snomed}|106190000`, // Allergy
  `${CodeSystems.snomed}|716186003`, // No known allergy
  `${CodeSystems.snomed}|409137002`, // No known drug allergy
  `${CodeSystems.icd10}|Z88.9`,
]);

function isAllergyConcept(f: Fact): boolean {
  return (
    codeKeys(f.concept).some((k) => genericAllergyCodes.has(k)) ||
    /allerg|过敏/i.test(`${f.concept.display ?? ''} ${f.concept.displayZh ?? ''}`)
  );
}

/** "No known allergies", "NKDA", "否认药物过敏史": a denial of allergy in general, not of one allergen. */
function isGenericAllergy(f: Fact): boolean {
  if (codeKeys(f.concept).some((k) => genericAllergyCodes.has(k))) return true;
  const names = [f.concept.display, f.concept.displayZh].filter((n): n is string => !!n).map(foldName);
  return names.some(
    (n) =>
      /^(known |drug |medication |food )?(allerg(y|ies)|hypersensitivity)( history)?$/.test(n) ||
      /^(药物|食物)?过敏(史)?$/.test(n),
  );
}

function isDrugAllergyDenial(f: Fact): boolean {
  if (codeKeys(f.concept).some((k) => k.endsWith('|421961002') || k.endsWith('|416098002') || k.endsWith('|409137002')))
    return true;
  return /drug|medication|药物/i.test(`${f.concept.display ?? ''} ${f.concept.displayZh ?? ''}`);
}

/** Both facts' sources on one fact (the first fact's fields win; gaps filled from the second). */
export function mergeInto(target: Fact, other: Fact): Fact {
  const seen = new Set(target.sources.map(sourceKey));
  const sources: Source[] = [...target.sources, ...other.sources.filter((s) => !seen.has(sourceKey(s)))];
  return {
    ...other,
    ...target,
    ...(target.time || other.time ? { time: target.time ?? other.time } : {}),
    ...(target.section || other.section ? { section: target.section ?? other.section } : {}),
    ...(target.dosage || other.dosage ? { dosage: { ...other.dosage, ...target.dosage } } : {}),
    sources,
  };
}
