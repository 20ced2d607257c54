import type { Lang, Source } from '../core/index.js';
import type { RecordIndex } from './record.js';

/**
 * Checks on the record's own words, for what the lexicon does not name (a proprietary drug "腰痛宁", "降压药物",
 * "补液"): a route or a unit the claim gives where the record writes the same words with another one.
 * They fire only when the record has the claim's words with the other route or unit and never with the
 * claim's, so a paraphrase is never contradicted, only a swapped word.
 */

// Routes as notes write them (zh before the drug, en after the dose).
const zhRoutes = [
  '口服',
  '静滴',
  '静点',
  '静脉滴注',
  '静推',
  '静注',
  '静脉注射',
  '肌注',
  '肌肉注射',
  '皮下注射',
  '雾化吸入',
  '外用',
  '舌下含服',
  '含服',
  '灌肠',
];
const zhRouteGroup: Record<string, string> = {
  静滴: 'iv',
  静点: 'iv',
  静脉滴注: 'iv',
  静推: 'iv',
  静注: 'iv',
  静脉注射: 'iv',
  肌注: 'im',
  肌肉注射: 'im',
  口服: 'po',
  皮下注射: 'sc',
  雾化吸入: 'inh',
  外用: 'top',
  舌下含服: 'sl',
  含服: 'sl',
  灌肠: 'pr',
};
const enRoutes: Record<string, string> = {
  po: 'po',
  oral: 'po',
  orally: 'po',
  'by mouth': 'po',
  iv: 'iv',
  intravenous: 'iv',
  intravenously: 'iv',
  im: 'im',
  intramuscular: 'im',
  sc: 'sc',
  sq: 'sc',
  subcutaneous: 'sc',
  subcutaneously: 'sc',
};
const zhRouteRe = new RegExp(`(${[...zhRoutes].sort((a, b) => b.length - a.length).join('|')})`, 'g');
const enRouteRe = /\b(po|oral(?:ly)?|by mouth|iv|intravenous(?:ly)?|im|intramuscular|sc|sq|subcutaneous(?:ly)?)\b/gi;

export interface WordingConflict {
  readonly errorType: 'E04' | 'E05';
  readonly said: string;
  readonly recorded: string;
  readonly evidence: Source;
}

/** A route the claim gives to words the record gives another route ("静滴降压药物" against "口服降压药物"). */
export function routeSwapped(claim: string, index: RecordIndex, lang: Lang): WordingConflict | undefined {
  if (lang === 'zh') {
    for (const m of claim.matchAll(zhRouteRe)) {
      // The words the route applies to: what follows it, up to a number or a clause break.
      const object = /^[\u4e00-\u9fffA-Za-z]{3,8}/.exec(claim.slice(m.index + m[1]!.length))?.[0];
      if (!object) continue;
      const words = object.slice(0, 6);
      const group = zhRouteGroup[m[1]!];
      if (zhRoutes.some((r) => zhRouteGroup[r] === group && index.findVerbatim(r + words))) continue;
      for (const other of zhRoutes) {
        if (zhRouteGroup[other] === group) continue;
        const found = index.findVerbatim(other + words);
        if (found) return { errorType: 'E05', said: m[1]! + words, recorded: other + words, evidence: found };
      }
    }
    return undefined;
  }
  for (const m of claim.matchAll(enRouteRe)) {
    // The words the route follows: the drug and its dose ("ceftriaxone 1 g IV").
    const before = /([a-z][a-z-]+(?:\s+[\d.]+\s*(?:mg|g|mcg|units?))?)\s+$/i.exec(claim.slice(0, m.index))?.[1];
    if (!before || before.length < 5) continue;
    const group = enRoutes[m[1]!.toLowerCase()];
    if (Object.entries(enRoutes).some(([r, g]) => g === group && index.findVerbatim(`${before} ${r}`))) continue;
    for (const [other, g] of Object.entries(enRoutes)) {
      if (g === group) continue;
      const found = index.findVerbatim(`${before} ${other}`);
      if (found)
        return { errorType: 'E05', said: `${before} ${m[1]}`, recorded: `${before} ${other}`, evidence: found };
    }
  }
  return undefined;
}

// Units of one kind, with their size (volume in mL, mass in mg).
const units: Record<string, { kind: string; size: number }> = {
  ml: { kind: 'volume', size: 1 },
  毫升: { kind: 'volume', size: 1 },
  l: { kind: 'volume', size: 1000 },
  升: { kind: 'volume', size: 1000 },
  μg: { kind: 'mass', size: 0.001 },
  ug: { kind: 'mass', size: 0.001 },
  mcg: { kind: 'mass', size: 0.001 },
  mg: { kind: 'mass', size: 1 },
  毫克: { kind: 'mass', size: 1 },
  g: { kind: 'mass', size: 1000 },
  克: { kind: 'mass', size: 1000 },
  kg: { kind: 'mass', size: 1e6 },
};
const amountRe = /(\d+(?:\.\d+)?)\s*(ml|毫升|l|升|μg|ug|mcg|mg|毫克|g|克|kg)(?![A-Za-z/])/gi;

/**
 * An amount whose number the record has with another unit of the same kind and never with this one
 * ("补液400L" where the record has "补液400ml"): a unit error (E04).
 */
export function unitSwapped(claim: string, index: RecordIndex): WordingConflict | undefined {
  for (const m of claim.matchAll(amountRe)) {
    const unit = units[m[2]!.toLowerCase()] ?? units[m[2]!];
    if (!unit) continue;
    const value = Number(m[1]);
    // The words before the amount ("补液", "volume of"), which the record's amount must share.
    const words = claim.slice(Math.max(0, m.index - 2), m.index);
    if (!/^[\u4e00-\u9fffA-Za-z]{2}$/.test(words)) continue;
    const texts = index.record.documents;
    let same = false;
    let other: { q: string; source: Source } | undefined;
    for (const d of texts) {
      for (const r of d.text.matchAll(amountRe)) {
        const u = units[r[2]!.toLowerCase()] ?? units[r[2]!];
        if (!u || u.kind !== unit.kind) continue;
        const v = Number(r[1]);
        if (v * u.size === value * unit.size) same = true;
        else if (v === value && !other && d.text.slice(Math.max(0, r.index - 2), r.index) === words)
          other = {
            q: r[0],
            source: { kind: 'text', document: d.id, start: r.index, end: r.index + r[0].length, quote: r[0] },
          };
      }
      if (same) break;
    }
    if (!same && other) return { errorType: 'E04', said: m[0], recorded: other.q, evidence: other.source };
  }
  return undefined;
}
