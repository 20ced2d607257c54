import type { EntitySpan } from '../../src/nlp/index.js';

export interface PRF {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

function prf(tp: number, fp: number, fn: number): PRF {
  const precision = tp / Math.max(1, tp + fp);
  const recall = tp / Math.max(1, tp + fn);
  return {
    tp,
    fp,
    fn,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
  };
}

export interface NerScore {
  strict: PRF;
  overlap: PRF;
  perType: Record<string, { strict: PRF; overlap: PRF }>;
}

/**
 * Entity-level micro P/R/F1: strict = same start, end and type; overlap = same type and the
 * spans share at least one character (each gold and each predicted entity counted once).
 */
export function scoreEntities(
  pairs: readonly { gold: readonly EntitySpan[]; pred: readonly EntitySpan[] }[],
): NerScore {
  const types = new Set<string>();
  for (const p of pairs) for (const e of [...p.gold, ...p.pred]) types.add(e.type);
  const counts = new Map<string, { s: [number, number, number]; o: [number, number, number] }>();
  for (const t of [...types, '*']) counts.set(t, { s: [0, 0, 0], o: [0, 0, 0] });
  const add = (type: string, kind: 's' | 'o', idx: 0 | 1 | 2) => {
    counts.get(type)![kind][idx]++;
    counts.get('*')![kind][idx]++;
  };
  for (const { gold, pred } of pairs) {
    const key = (e: EntitySpan) => `${e.start}:${e.end}:${e.type}`;
    const goldKeys = new Set(gold.map(key));
    const predKeys = new Set(pred.map(key));
    for (const p of pred) add(p.type, 's', goldKeys.has(key(p)) ? 0 : 1);
    for (const g of gold) if (!predKeys.has(key(g))) add(g.type, 's', 2);
    const overlaps = (a: EntitySpan, b: EntitySpan) => a.type === b.type && a.start < b.end && b.start < a.end;
    for (const p of pred) add(p.type, 'o', gold.some((g) => overlaps(g, p)) ? 0 : 1);
    for (const g of gold) if (!pred.some((p) => overlaps(g, p))) add(g.type, 'o', 2);
  }
  const perType: NerScore['perType'] = {};
  for (const t of [...types].sort()) {
    const c = counts.get(t)!;
    perType[t] = { strict: prf(...c.s), overlap: prf(...c.o) };
  }
  const all = counts.get('*')!;
  return { strict: prf(...all.s), overlap: prf(...all.o), perType };
}

/** Splits nested entities into layers: outermost first; each layer has no overlaps. */
export function layers(entities: readonly EntitySpan[]): EntitySpan[][] {
  const sorted = [...entities].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: EntitySpan[][] = [];
  for (const e of sorted) {
    let placed = false;
    for (const layer of out) {
      if (!layer.some((x) => x.start < e.end && e.start < x.end)) {
        layer.push(e);
        placed = true;
        break;
      }
    }
    if (!placed) out.push([e]);
  }
  return out;
}
