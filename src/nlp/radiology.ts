import { readFileSync } from 'node:fs';
import type { Fact, TextSource } from '../core/index.js';
import { stableId } from '../core/index.js';
import { sectionAt, splitSections } from './sections.js';
import { type Span, splitSentences } from './sentences.js';
import { toHalfWidth } from './units.js';

/** The system of the concepts read here: assessment scales and lesion nouns (no code system maps them one to one). */
export const IMAGING_TERMS_SYSTEM = 'urn:medseek:imaging';

interface Term {
  readonly kind: 'scale' | 'lesion';
  readonly key: string;
  readonly display: string;
  readonly displayZh: string;
  readonly terms: readonly string[];
  readonly values: readonly string[];
}

let cached: readonly Term[] | undefined;

/** `data/imaging-terms.tsv`: the scales (BI-RADS, Lung-RADS, TI-RADS) with their categories, and lesion nouns. */
export function imagingTerms(): readonly Term[] {
  if (cached) return cached;
  const text = readFileSync(new URL('./data/imaging-terms.tsv', import.meta.url), 'utf8');
  cached = text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((line, i) => {
      const [kind, key, display, displayZh, terms, values] = line.split('\t');
      if ((kind !== 'scale' && kind !== 'lesion') || !key || !display || !displayZh || !terms)
        throw new Error(`imaging-terms.tsv line ${i + 1}: expected kind, key, display, displayZh, terms`);
      return {
        kind,
        key,
        display,
        displayZh,
        terms: terms.split('|').filter(Boolean),
        values: (values ?? '').split('|').filter(Boolean),
      };
    });
  return cached;
}

const escapeTerm = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '[\\s-]?');
/** Longest first, so "ground-glass opacity" wins over "opacity"; Latin terms need word boundaries. */
const alternation = (terms: readonly string[]) =>
  [...terms]
    .sort((a, b) => b.length - a.length)
    .map((t) => (/^[A-Za-z]/.test(t) ? `(?<![A-Za-z])${escapeTerm(t)}(?![A-Za-z])` : escapeTerm(t)))
    .join('|');

const SIZE =
  /(?<![\d.A-Za-z])\d+(?:\.\d+)?(?:\s*(?:mm|cm|毫米|厘米))?(?:\s*[x×*]\s*\d+(?:\.\d+)?(?:\s*(?:mm|cm|毫米|厘米))?){0,2}/gi;
const UNIT = /mm|cm|毫米|厘米/i;
const LATERALITY: [RegExp, NonNullable<Fact['laterality']>][] = [
  [/(?<![A-Za-z])(?:bilateral|bilaterally|both)(?![A-Za-z])|双侧|双肺/gi, 'bilateral'],
  [/(?<![A-Za-z])left(?![A-Za-z])|左/gi, 'left'],
  [/(?<![A-Za-z])right(?![A-Za-z])|右/gi, 'right'],
];
/** Where a lesion is: lung lobes, breast, thyroid lobe, kidney (en, zh). */
const SITE = new RegExp(
  '(?<![A-Za-z])(?:(?:right|left)\\s+(?:upper|middle|lower)\\s+lobe|lingula|(?:right|left)\\s+breast|' +
    '(?:right|left)\\s+(?:thyroid\\s+)?lobe|(?:right|left)\\s+kidney)(?![A-Za-z])|' +
    '[左右]肺[上中下]叶|[左右]侧?乳腺|甲状腺[左右]叶|[左右]肾',
  'i',
);

export interface ImagingExtractOptions {
  readonly patientId?: string;
  /** The document the spans point into, as a FHIR reference (`DiagnosticReport/7`). */
  readonly document?: string;
}

/**
 * What a radiology report states that the concept dictionary does not: assessment categories
 * (BI-RADS, Lung-RADS, TI-RADS) as `imaging` facts with the category as value, and sized lesions
 * ("12 mm nodule", "结节大小约1.2×0.8cm") as `finding` facts with the largest dimension in mm,
 * their laterality and site. Every fact carries a TextSource whose `[start, end)` slices its
 * mention out of `text`. Categories outside a scale's definition are not read.
 */
export function extractImagingFindings(text: string, options: ImagingExtractOptions = {}): Fact[] {
  const document = options.document ?? 'text';
  const patientId = options.patientId ?? '';
  const half = toHalfWidth(text);
  const sections = splitSections(text);
  const sentences = sections.flatMap((s) => splitSentences(text, { start: s.bodyStart, end: s.end }));
  const facts: Fact[] = [];
  const fact = (start: number, end: number, fields: Omit<Fact, 'id' | 'patientId' | 'subject' | 'sources'>) => {
    const source: TextSource = { kind: 'text', document, start, end, quote: text.slice(start, end) };
    const section = sectionAt(sections, start)?.key;
    facts.push({
      id: stableId(document, start, end, fields.concept.code),
      patientId,
      subject: { who: 'patient' },
      ...fields,
      ...(section ? { section } : {}),
      sources: [source],
    } as Fact);
  };
  const terms = imagingTerms();

  for (const scale of terms.filter((t) => t.kind === 'scale')) {
    const re = new RegExp(
      `(?:${alternation(scale.terms)})(?:\\s*v?20\\d\\d)?\\s*[:：]?\\s*` +
        '(?:(?:assessment\\s+)?category|cat\\.?|level|分类|分级)?' +
        `\\s*[:：]?\\s*(?:TR\\s*)?([0-6][A-Ca-cXx]?)(?![0-9A-Za-z])(?:\\s*[类级])?`,
      'gi',
    );
    for (const m of half.matchAll(re)) {
      const category = m[1]!.toUpperCase();
      if (!scale.values.includes(category)) continue;
      const start = m.index;
      fact(start, start + m[0].length, {
        category: 'imaging',
        concept: { system: IMAGING_TERMS_SYSTEM, code: scale.key, display: scale.display, displayZh: scale.displayZh },
        assertion: 'present',
        valueText: category,
        qualifiers: { scale: scale.display, category },
      });
    }
  }

  const lesions = terms.filter((t) => t.kind === 'lesion');
  const lesionRe = new RegExp(lesions.map((l) => `(${alternation(l.terms)})`).join('|'), 'gi');
  for (const sentence of sentences) {
    const body = half.slice(sentence.start, sentence.end);
    const found = [...body.matchAll(lesionRe)].map((m) => ({
      start: sentence.start + m.index,
      end: sentence.start + m.index + m[0].length,
      lesion: lesions[m.slice(1).findIndex((g) => g !== undefined)]!,
    }));
    if (!found.length) continue;
    for (const s of body.matchAll(SIZE)) {
      if (!UNIT.test(s[0])) continue;
      const size = { start: sentence.start + s.index, end: sentence.start + s.index + s[0].trimEnd().length };
      const lesion = lesionFor(half, size, found);
      if (!lesion) continue;
      const dims = sizesMm(s[0]);
      if (!dims.length) continue;
      const start = Math.min(size.start, lesion.start);
      const end = Math.max(size.end, lesion.end);
      const site = SITE.exec(body)?.[0];
      const laterality = lateralityNear(half, sentence, lesion);
      const original = text.slice(size.start, size.end);
      fact(start, end, {
        category: 'finding',
        concept: {
          system: IMAGING_TERMS_SYSTEM,
          code: lesion.lesion.key,
          display: lesion.lesion.display,
          displayZh: lesion.lesion.displayZh,
        },
        assertion: 'present',
        value: { value: Math.max(...dims), unit: 'mm', original },
        ...(dims.length > 1 ? { valueText: `${dims.join(' × ')} mm` } : {}),
        ...(laterality ? { laterality } : {}),
        qualifiers: { size: original, ...(site ? { site } : {}) },
      });
    }
  }
  return facts.sort((a, b) => firstStart(a) - firstStart(b));
}

function firstStart(f: Fact): number {
  const s = f.sources[0];
  return s?.kind === 'text' ? s.start : 0;
}

/**
 * The lesion a size describes: the noun right after it ("12 mm solid nodule": same clause, ≤ 30
 * characters), else the one before it ("nodule measuring 12 mm", "nodule, 12 mm", 结节大小约12mm).
 */
function lesionFor<T extends Span>(text: string, size: Span, found: readonly T[]): T | undefined {
  const after = found.find((l) => l.start >= size.end && l.start - size.end <= 30);
  if (after && !/[,;，；。]/.test(text.slice(size.end, after.start))) return after;
  const before = [...found].reverse().find((l) => l.end <= size.start && size.start - l.end <= 40);
  if (before && !/[;；。]/.test(text.slice(before.end, size.start))) return before;
  return undefined;
}

/** Each dimension in mm: `1.2 x 0.8 cm` → [12, 8]; a number without its own unit takes the last one written. */
function sizesMm(written: string): number[] {
  const parts = [...written.matchAll(/(\d+(?:\.\d+)?)\s*(mm|cm|毫米|厘米)?/gi)];
  const last = [...parts]
    .reverse()
    .find((p) => p[2])?.[2]
    ?.toLowerCase();
  return parts.map((p) => {
    const unit = (p[2] ?? last)?.toLowerCase();
    const n = Number(p[1]);
    return Math.round((unit === 'cm' || unit === '厘米' ? n * 10 : n) * 100) / 100;
  });
}

/** The side written nearest the lesion in its sentence (before or after: "nodule in the right upper lobe"). */
function lateralityNear(text: string, sentence: Span, lesion: Span): Fact['laterality'] {
  const body = text.slice(sentence.start, sentence.end);
  let best: { side: NonNullable<Fact['laterality']>; distance: number } | undefined;
  for (const [re, side] of LATERALITY)
    for (const m of body.matchAll(re)) {
      const at = sentence.start + m.index;
      const distance = at < lesion.start ? lesion.start - at : Math.max(0, at - lesion.end);
      if (!best || distance < best.distance) best = { side, distance };
    }
  return best?.side;
}
