import { readFileSync } from 'node:fs';

/**
 * MedSeek's one units vocabulary (data/units.json, which names its sources): written forms → UCUM
 * codes, each code's dimension and factor, and analytes' molar masses. NLP finds units in text with
 * it, fusion and the verifier compare quantities with it, safety converts to each rule's unit with it.
 */
export interface UnitScale {
  /** What the unit measures: mass, volume, molar-conc, mass-conc, number-conc, time… */
  readonly dim: string;
  /** The factor to the dimension's base unit (mg → g: 0.001). */
  readonly factor: number;
}

export interface MolarAnalyte {
  readonly name: string;
  /** g/mol, for mass ↔ molar concentration. */
  readonly molarMass: number;
  /** Charge of the ion, for meq ↔ mmol. */
  readonly valence?: number;
}

/** What a conversion across dimensions needs of the analyte. */
export type Chemistry = Pick<MolarAnalyte, 'molarMass' | 'valence'>;

/** A unit as clinicians write it, the same in both languages or per language (`/min`: 次/分 in Chinese). */
export type UnitDisplay = string | { readonly zh: string; readonly en: string };

interface UnitData {
  readonly inText: Readonly<Record<string, string>>;
  readonly display: Readonly<Record<string, UnitDisplay>>;
  readonly inFields: Readonly<Record<string, string>>;
  readonly scales: Readonly<Record<string, UnitScale>>;
  readonly analytes: readonly (MolarAnalyte & { readonly match: string })[];
}

interface Tables {
  readonly data: UnitData;
  readonly exact: Map<string, string>;
  readonly folded: Map<string, string>;
  readonly analytes: readonly (MolarAnalyte & { readonly re: RegExp })[];
}

let tables: Tables | undefined;

function load(): Tables {
  if (tables) return tables;
  const data = JSON.parse(readFileSync(new URL('./data/units.json', import.meta.url), 'utf8')) as UnitData;
  const exact = new Map<string, string>();
  const folded = new Map<string, string>();
  for (const code of Object.keys(data.scales)) exact.set(code, code);
  for (const [w, code] of [...Object.entries(data.inText), ...Object.entries(data.inFields)]) {
    if (!exact.has(w)) exact.set(w, code);
    // Case-insensitively the first form wins, but a UCUM code in other case is that code ('g/l' is g/L, not G/L).
    if (!folded.has(w.toLowerCase())) folded.set(w.toLowerCase(), code);
  }
  for (const code of new Set(exact.values())) folded.set(code.toLowerCase(), code);
  const analytes = data.analytes.map((a) => ({ ...a, re: new RegExp(a.match, 'i') }));
  tables = { data, exact, folded, analytes };
  return tables;
}

/** The written forms of units to find in running text (℃, ×10^9/L, 次/分, mg…), each with its UCUM code, in order. */
export function unitWords(): readonly (readonly [written: string, ucum: string])[] {
  return Object.entries(load().data.inText);
}

/** The UCUM code for a unit as written (`℃` → `Cel`, `mEq/L` → `meq/L`), or undefined when unknown. */
export function ucumOf(written: string): string | undefined {
  const { exact, folded } = load();
  return exact.get(written) ?? folded.get(written.toLowerCase());
}

/**
 * A unit as clinicians write it on a chart in `lang` (data/units.json `display`): `Cel` → ℃, `mm[Hg]` → mmHg,
 * `10*9/L` → ×10⁹/L, `/min` → 次/分 in Chinese, `{INR}` → '' (a pure number). A written form is read as its
 * UCUM code first (`°C` → ℃); a code without a display spelling is shown without its annotations. The web
 * workspace reads the same table (web/src/types.ts), so the record, the summaries and the screen agree.
 */
export function displayUnit(unit: string, lang: 'zh' | 'en' = 'en'): string {
  return unitDisplayIn(load().data.display, unit in load().data.scales ? unit : (ucumOf(unit) ?? unit), lang);
}

/** displayUnit over a given table (the web passes the one it bundles from data/units.json). */
export function unitDisplayIn(table: Readonly<Record<string, UnitDisplay>>, code: string, lang: 'zh' | 'en'): string {
  const d = table[code];
  if (d !== undefined) return typeof d === 'string' ? d : d[lang];
  if (/^\{[^}]*\}$/.test(code)) return '';
  return code.replace('{1.73_m2}', '1.73m²').replace(/\{[^}]*\}/g, '');
}

/**
 * A unit without its UCUM annotations ({beats}/min → /min, mL/min/{1.73_m2} → mL/min; {INR} → 1):
 * an annotation names what is counted, not a scale. The per-1.73 m² of eGFR written without braces too.
 */
export function withoutAnnotations(unit: string): string {
  return unit.replace(/\/?\{[^}]*\}/g, '').replace(/\/1\.73m²$|\/1\.73_?m2$/i, '') || '1';
}

const scaleCache = new Map<string, UnitScale | undefined>();

/**
 * The dimension and factor of a unit: a UCUM code, a written form of one, or either with annotations
 * around a unit ({breaths}/min). A unit that is only an annotation ({tbl}) has no scale: tablets are not capsules.
 */
export function unitScale(unit: string): UnitScale | undefined {
  if (scaleCache.has(unit)) return scaleCache.get(unit);
  const { scales } = load().data;
  const code = scales[unit] ? unit : (ucumOf(unit) ?? unit);
  const bare = withoutAnnotations(code);
  const s = scales[code] ?? (/^\{[^}]*\}$/.test(code) ? undefined : scales[bare]);
  scaleCache.set(unit, s);
  return s;
}

/** The analyte a name is of, where its molar mass is known (`血糖` → glucose 180.16 g/mol). */
export function analyteOf(name: string): MolarAnalyte | undefined {
  const a = load().analytes.find((x) => x.re.test(name));
  return a ? { name: a.name, molarMass: a.molarMass, ...(a.valence ? { valence: a.valence } : {}) } : undefined;
}

/** The molar mass (g/mol) of the analyte a name is of, where known. */
export function molarMassOf(name: string): number | undefined {
  return analyteOf(name)?.molarMass;
}

/**
 * `value` in `from` expressed in `to`: by the factors of one dimension, or across mass and molar
 * concentration by the analyte's molar mass, or across equivalents and moles by its valence.
 * Undefined when the units cannot be converted (unknown, or another dimension with no bridge).
 * Factors are rounded to 12 significant digits, so 50 ng/L is 0.05 µg/L and not 0.05000000000000001.
 */
export function convertUnit(value: number, from: string, to: string, analyte?: Chemistry): number | undefined {
  const factor = conversionFactor(from, to, analyte);
  return factor === undefined ? undefined : value * factor;
}

/** The factor from `from` to `to` (see convertUnit), or undefined. */
export function conversionFactor(from: string, to: string, analyte?: Chemistry): number | undefined {
  const a = unitScale(from);
  const b = unitScale(to);
  if (!a || !b) return undefined;
  // Both sides in base units of their dimension; `bridge` turns a's base into b's.
  const bridge = (() => {
    if (a.dim === b.dim) return 1;
    const pair = `${a.dim}>${b.dim}`;
    const m = analyte?.molarMass;
    const z = analyte?.valence;
    if (m && pair === 'mass-conc>molar-conc') return 1 / m;
    if (m && pair === 'molar-conc>mass-conc') return m;
    if (z && pair === 'eq-conc>molar-conc') return 1 / z;
    if (z && pair === 'molar-conc>eq-conc') return z;
    return undefined;
  })();
  return bridge === undefined ? undefined : Number(((a.factor * bridge) / b.factor).toPrecision(12));
}
