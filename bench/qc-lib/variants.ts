import type { QcEncounter } from '../../src/reasoning/index.js';
import { INJECTIONS, type Injection, type Span } from './injections.js';
import type { BaseRecord, Draft } from './records.js';

/** One injected defect of a variant: the rule it must trigger, the rules that may also (truly) fire, and where. */
export interface Label {
  readonly injection: string;
  readonly ruleId: string;
  readonly also: readonly string[];
  readonly what: string;
  readonly span: Span;
}

/** A record the engine is run on: a clean base record (no labels) or a defective variant of one. */
export interface Variant {
  readonly id: string;
  readonly base: string;
  readonly half: BaseRecord['half'];
  readonly source: BaseRecord['source'];
  readonly encounter: QcEncounter;
  readonly labels: readonly Label[];
}

const clone = (enc: QcEncounter): Draft<QcEncounter> => structuredClone(enc) as Draft<QcEncounter>;

/** Applies injections in order to a copy of the record; undefined when any of them does not apply. */
export function inject(base: BaseRecord, injections: readonly Injection[]): Variant | undefined {
  const enc = clone(base.encounter);
  const labels: Label[] = [];
  for (const inj of injections) {
    const span = inj.apply(enc);
    if (!span) return undefined;
    labels.push({ injection: inj.id, ruleId: inj.ruleId, also: inj.also ?? [], what: inj.what, span });
  }
  const id = `${base.id}~${injections.map((i) => i.id).join('+')}`;
  return { id, base: base.id, half: base.half, source: base.source, encounter: enc as QcEncounter, labels };
}

/** Injections whose rules do not read each other's defect, so that three of them can share a record. */
function compatible(set: readonly Injection[]): boolean {
  const rules = set.map((i) => i.ruleId);
  if (new Set(rules).size !== rules.length) return false;
  return set.every((a) => set.every((b) => a === b || !(a.also ?? []).includes(b.ruleId)));
}

/**
 * The clean record, one variant per applicable injection, and `combos` variants with three defects
 * each (picked by a fixed stride over the applicable injections, so the set is the same on every run).
 */
export function variantsOf(base: BaseRecord, combos = 4, catalogue: readonly Injection[] = INJECTIONS): Variant[] {
  const out: Variant[] = [
    { id: base.id, base: base.id, half: base.half, source: base.source, encounter: base.encounter, labels: [] },
  ];
  const applicable: Injection[] = [];
  for (const inj of catalogue) {
    const v = inject(base, [inj]);
    if (v) {
      out.push(v);
      applicable.push(inj);
    }
  }
  const n = applicable.length;
  let made = 0;
  for (let start = 0; start < n && made < combos; start++) {
    const set = [applicable[start]!, applicable[(start * 7 + 5) % n]!, applicable[(start * 13 + 11) % n]!];
    if (!compatible(set)) continue;
    const v = inject(base, set);
    if (!v) continue;
    out.push(v);
    made++;
  }
  return out;
}
