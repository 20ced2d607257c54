import type {
  Assertion,
  Concept,
  Fact,
  FactCategory,
  FactTime,
  LexiconEntry,
  Quantity,
  Subject,
  TextSource,
} from '../core/index.js';
import { builtinLexicon } from './builtin-lexicon.js';
import { assertionOf, type ContextModifier, scopeModifiers, type Speech } from './context.js';
import { factId } from './fact-id.js';
import { isJsSpace } from './fold.js';
import { detectLanguage, type NlpLang } from './language.js';
import type { Lexicon, LexiconMatch } from './lexicon.js';
import { type CoreScan, scanCore, withStops } from './scanner.js';
import { asNeededIndications, isDrugSalt, parseMedication, routeBefore, sigClauseEnd } from './medication.js';
import { annotateMedicationEvents } from './medication-events.js';
import { quantityAt } from './quantities.js';
import { type Section, sectionAt, splitSections } from './sections.js';
import { type Span, splitSentences } from './sentences.js';
import { checkText } from './text-guard.js';
import { parseTimes, type TimeMention } from './time.js';
import { toHalfWidth } from './units.js';

export interface ExtractOptions {
  /** `auto` (default) decides per note with detectLanguage. */
  readonly lang?: NlpLang | 'auto';
  readonly patientId?: string;
  /** The note's key for Sources (`DocumentReference/9`); default `text`. */
  readonly document?: string;
  /** The note's date (ISO 8601), anchor for "3天前" / "2 weeks ago". */
  readonly anchorDate?: string;
  /** Admission date (ISO 8601), anchor for "入院第3天" / "hospital day 3". */
  readonly admissionDate?: string;
  /** Concept names to match; default builtinLexicon(). */
  readonly lexicon?: Lexicon;
  /** `patient`: a patient's own words (consultation chat), with colloquial negation and hedging cues. Default `clinical`. */
  readonly speech?: Speech;
}

export interface Extraction {
  readonly facts: Fact[];
  readonly sections: Section[];
  readonly sentences: Span[];
  readonly lang: NlpLang;
}

/** LOINC codes of vital signs, with the unit assumed when the note writes none (T 38.5, P 88). */
const defaultUnits: Record<string, (v: number) => string | undefined> = {
  '85354-9': () => 'mm[Hg]',
  '8867-4': () => '/min',
  '9279-1': () => '/min',
  '8310-5': (v) => (v >= 30 && v <= 45 ? 'Cel' : v >= 86 && v <= 113 ? '[degF]' : undefined),
  '59408-5': () => '%',
};

// Between a measurement's name and its value: spaces, a colon or equals sign, and a linking word.
const valueGap = /^[\s:：=]*(?:(?:为|是|约|达|示|of|is|was|were|at|measured at|in the|level)\s*)?[\s:：=]*/i;

const sectionDefaults: Record<string, { assertion?: Fact['assertion']; subject?: Subject; category?: FactCategory }> = {
  family_history: { assertion: 'family', subject: { who: 'family' } },
  past_history: { assertion: 'historical' },
};

/**
 * Clinical text → Facts: sections, sentences, concepts (longest dictionary match), ConText
 * assertions and subject, values with UCUM units, times, laterality and medication sigs. Every fact
 * carries a TextSource whose `[start, end)` slices the concept's mention out of `text` exactly; its
 * id is `stableId(document, start, end, concept.code)`.
 * Throws MedSeekError for empty, huge, binary or mis-encoded text.
 */
export function extractFacts(text: string, options: ExtractOptions = {}): Extraction {
  checkText(text, options.document ?? 'text');
  const lang: NlpLang = !options.lang || options.lang === 'auto' ? detectLanguage(text) : options.lang;
  const lexicon = options.lexicon ?? builtinLexicon();
  const document = options.document ?? 'text';
  const scan = scanCore(text, lexicon, lang, options.speech);
  const sections = splitSections(text, scan.headings);
  // a loop rather than flatMap, which costs more than splitting a short note
  const sentences: Span[] = [];
  for (const s of sections)
    for (const sentence of splitSentences(text, { start: s.bodyStart, end: s.end })) sentences.push(sentence);
  const half = toHalfWidth(text);

  const matches = scan.concepts.filter((m) => {
    const sec = sectionAt(sections, m.start);
    return !sec || m.start >= sec.bodyStart; // not inside a heading
  });

  // values first: a measurement without a value is kept unless its name is a bare abbreviation (T, P, K)
  const values = new Map<LexiconMatch, { q?: Quantity; end: number; interpretation?: string; text?: string }>();
  const kept: LexiconMatch[] = [];
  // by kept mention: its first entry's category (read once here: the passes below read it again for every mention)
  const keptCategories: FactCategory[] = [];
  let drugEnd = -1;
  for (const m of matches) {
    const entry = m.entries[0]!;
    if (entry.category === 'medication') drugEnd = m.end;
    if (entry.category === 'measurement') {
      const gap = valueGap.exec(text.slice(m.end, m.end + 16))?.[0].length ?? 0;
      const q = quantityAt(text, m.end + gap, half);
      // "naproxen sodium 220 MG", 洛索洛芬钠600mg, 头孢呋辛钠片: the salt of a drug, not a serum electrolyte
      const afterDrug = drugEnd >= 0 && /^\s*$/.test(text.slice(drugEnd, m.start));
      if (
        isDrugSalt(
          text,
          { start: m.start, end: m.end, code: entry.concept.code },
          q && q.start <= m.end + gap + 1 ? q.quantity : undefined,
          afterDrug,
          half,
        )
      )
        continue;
      if (q && q.start <= m.end + gap + 1) {
        const fill = defaultUnits[entry.concept.code];
        let unit = q.quantity.unit === '1' && fill ? fill(q.quantity.value) : undefined;
        let end = q.end;
        // "T 38.5 C", "T36.1C": a bare C/F after a temperature is the degree sign left out
        const deg =
          entry.concept.code === '8310-5' && q.quantity.unit === '1'
            ? /^\s?([CF])(?![A-Za-z])/.exec(half.slice(q.end, q.end + 3))
            : null;
        if (deg) {
          unit = deg[1] === 'C' ? 'Cel' : '[degF]';
          end = q.end + deg[0].length;
        }
        const quantity = unit ? { ...q.quantity, unit, original: text.slice(q.start, end) } : q.quantity;
        const flag = interpretationAt(half, end);
        values.set(m, { q: quantity, end, ...(flag ? { interpretation: flag.code } : {}) });
      } else {
        // a qualitative result: HBsAg阳性, 尿蛋白(+), troponin negative
        const qual = qualitativeAt(half, m.end + gap);
        if (qual) values.set(m, { end: qual.end, interpretation: qual.code, text: qual.text });
        else if (m.end - m.start <= 2) continue;
      }
    }
    kept.push(m);
    keptCategories.push(entry.category);
  }

  // each mention's sentence (sentenceOf), in one walk: mentions and sentences are both in text order
  const sentenceOfMention: (Span | undefined)[] = new Array(kept.length);
  for (let i = 0, j = 0; i < kept.length; i++) {
    const at = kept[i]!.start;
    while (j < sentences.length && sentences[j]!.end <= at) j++;
    const s = sentences[j];
    sentenceOfMention[i] = s && s.start <= at ? s : undefined;
  }
  const assertions = assertionsFor(kept, sentenceOfMention, scan, text);
  // The indication of an as-needed drug ("PRN fever or pain", 疼痛时口服) is hypothetical, not a present finding.
  const drugStarts: number[] = [];
  for (let i = 0; i < kept.length; i++) if (keptCategories[i] === 'medication') drugStarts.push(kept[i]!.start);
  const indications = new Map<Span, Span[]>();
  for (let i = 0; i < kept.length; i++) {
    const cat = keptCategories[i];
    if (
      (cat !== 'finding' && cat !== 'condition') ||
      (assertions[i]!.assertion !== 'present' && assertions[i]!.assertion !== 'possible')
    )
      continue;
    const sentence = sentenceOfMention[i];
    if (!sentence) continue;
    let spans = indications.get(sentence);
    if (!spans) {
      spans = asNeededIndications(text, sentence, drugStarts, half);
      indications.set(sentence, spans);
    }
    const m = kept[i]!;
    if (spans.some((s) => s.start <= m.start && m.end <= s.end))
      assertions[i] = { ...assertions[i]!, assertion: 'hypothetical' };
  }
  const times = parseTimes(text, options, half);
  // index of the next medication mention after each mention (its sig ends there)
  const nextMedication = new Array<number>(kept.length + 1).fill(-1);
  for (let i = kept.length - 1; i >= 0; i--)
    nextMedication[i] = keptCategories[i + 1] === 'medication' ? i + 1 : nextMedication[i + 1]!;
  const facts: Fact[] = [];
  const patientId = options.patientId ?? '';
  for (let i = 0; i < kept.length; i++) {
    const m = kept[i]!;
    const entry = m.entries.length === 1 ? m.entries[0]! : entryIn(m.entries, lang);
    const sentence = sentenceOfMention[i] ?? { start: m.start, end: m.end };
    const section = sectionAt(sections, m.start);
    let { assertion, subject } = assertions[i]!;
    const defaults = section ? sectionDefaults[section.key] : undefined;
    if (defaults && assertion === 'present') {
      assertion = defaults.assertion ?? assertion;
      subject = defaults.subject ?? subject;
    }
    let category = entry.category;
    // NKDA / NKMA: the abbreviation is itself the denial of a drug allergy
    if (m.end - m.start === 4 && /^nk[dm]a$/i.test(text.slice(m.start, m.end))) assertion = 'absent';
    if (section?.key === 'allergies' && (category === 'medication' || category === 'condition')) category = 'allergy';
    // "青霉素过敏", "allergic to penicillin" anywhere: the drug is an allergen, not a drug taken;
    // "避免使用青霉素类", "avoid NSAIDs": a drug named to be withheld is not being given.
    if (category === 'medication') {
      const after = text.slice(m.end, m.end + 16);
      const before = text.slice(Math.max(sentence.start, m.start - 16), m.start);
      if (
        /^(类|类药物|类抗生素)?(药物)?(过敏|皮试阳性)/.test(after) ||
        /^(?:s|-class|-type)?(?: drugs?| antibiotics?)? (?:allerg|hypersensitivity)/i.test(after) ||
        /(allergic to|allergy to|allergies to|intolerant of)\s*$/i.test(before)
      )
        category = 'allergy';
      else if (
        assertion === 'present' &&
        /(避免使用|避免|禁用|慎用|停用|avoid|do not give|do not use|contraindicated)\s*$/i.test(before)
      )
        assertion = 'absent';
    }
    const value = values.get(m);
    let dosage: Fact['dosage'];
    if (category === 'medication') {
      const next = nextMedication[i]! >= 0 ? kept[nextMedication[i]!] : undefined;
      // the drug's own clause: up to the next drug, a list separator or the sentence end
      const windowEnd = sigClauseEnd(text, m.end, Math.min(sentence.end, m.end + 120), next?.start, half);
      const { end: _end, ...sig } = parseMedication(text.slice(m.end, windowEnd));
      // "nebulized albuterol", 口服阿司匹林: a route written right before the name
      const pre = sig.route ? undefined : routeBefore(text, m.start, sentence.start, half);
      const full = pre ? { ...sig, route: pre.code } : sig;
      if (Object.keys(full).length > 0) dosage = full;
    }
    const time = assertion === 'absent' ? undefined : timeFor(text, times, m, sentence);
    // a drug has no side (二甲双胍 is not 双侧)
    const laterality = category === 'medication' ? undefined : lateralityOf(text, m, sentence, lang);
    const source: TextSource = {
      kind: 'text',
      document,
      start: m.start,
      end: m.end,
      quote: text.slice(m.start, m.end),
    };
    const concept: Concept = entry.concept;
    // optional fields set in place (no object spread per field and mention), in the order a reader sees them
    const fact = factWithLazyId() as { -readonly [K in keyof Fact]: Fact[K] };
    fact.patientId = patientId;
    fact.category = category;
    fact.concept = concept;
    fact.assertion = assertion;
    fact.subject = subject;
    if (value?.q) fact.value = value.q;
    if (value?.text) fact.valueText = value.text;
    if (value?.interpretation) fact.interpretation = value.interpretation;
    if (time) fact.time = time;
    if (laterality) fact.laterality = laterality;
    if (dosage) fact.dosage = dosage;
    if (section) fact.section = section.key;
    fact.sources = [source];
    facts.push(fact);
  }
  // Medication-change cues (停用, 临时医嘱, 改为, discontinued, x1…) and the discharge order list, as qualifiers.
  return {
    facts: annotateMedicationEvents(text, facts, {
      sections,
      sentences,
      ...(options.anchorDate ? { anchorDate: options.anchorDate } : {}),
      // the same times unless an admission date resolved 入院第3天 / hospital day 3 (read with the note's date alone there)
      ...(options.admissionDate ? {} : { times }),
      cueHits: scan.medicationCues,
    }),
    sections,
    sentences,
    lang,
  };
}

const lazyIds = new WeakMap<object, string>();
/** `id` as an own enumerable accessor: JSON, spreads and structured clones read it as they read a data property. */
const lazyIdProperty: PropertyDescriptor = {
  get(this: Fact) {
    let id = lazyIds.get(this);
    if (id === undefined) {
      const source = this.sources[0] as TextSource;
      id = factId(source.document, source.start, source.end, this.concept.code);
      lazyIds.set(this, id);
    }
    return id;
  },
  set(this: Fact, id: string) {
    lazyIds.set(this, id);
  },
  enumerable: true,
  configurable: true,
};

/**
 * An object whose `id` is the fact's `factId`, made from its first source and its concept when first read (facts
 * are readonly: nothing replaces either before): a caller that counts or filters facts, or keeps a few, does not
 * pay a SHA-256 per mention (about 0.7 µs, as much as the rest of a fact). The accessor is defined on an empty
 * object with one shared descriptor (a literal with a getter of its own costs about 3 µs and puts the object in
 * dictionary mode) and the fields are added after it, in the order a reader sees them.
 */
function factWithLazyId(): object {
  return Object.defineProperty({}, 'id', lazyIdProperty);
}

/** A mention's entry in the note's language, else its first (a loop: no closure per mention). */
function entryIn(entries: readonly LexiconEntry[], lang: NlpLang): LexiconEntry {
  for (let k = 0; k < entries.length; k++) if (entries[k]!.lang === lang) return entries[k]!;
  return entries[0]!;
}

/** A mention no modifier covers (most of them): one object for all, facts do not change their subject. */
const PRESENT: { readonly assertion: Assertion; readonly subject: Subject } = Object.freeze({
  assertion: 'present',
  subject: Object.freeze({ who: 'patient' }),
});

/**
 * ConText over the triggers found by the single scan, sentence by sentence: only a sentence with a trigger
 * that scopes (not a stop, not a pseudo-trigger) has modifiers, and only there are its one-character stops
 * (，：；) read back in (withStops).
 */
function assertionsFor(
  targets: readonly Span[],
  sentenceOfTarget: readonly (Span | undefined)[],
  scan: CoreScan,
  text: string,
) {
  const { triggers, stops } = scan;
  // the targets are in text order, so a sentence's come one after another: its modifiers are read once
  let modsOf: Span | undefined;
  let mods: ContextModifier[] = [];
  let ti = 0;
  return targets.map((t, i) => {
    const sentence = sentenceOfTarget[i];
    if (!sentence) return PRESENT;
    if (sentence !== modsOf) {
      modsOf = sentence;
      while (ti > 0 && triggers[ti - 1]!.end > sentence.start) ti--;
      while (ti < triggers.length && triggers[ti]!.end <= sentence.start) ti++;
      let scoping = false;
      for (let k = ti; k < triggers.length && triggers[k]!.end <= sentence.end && !scoping; k++) {
        const h = triggers[k]!;
        const d = h.rule.direction;
        scoping = h.start >= sentence.start && d !== 'terminate' && d !== 'clause' && d !== 'pseudo';
      }
      if (!scoping) mods = [];
      else {
        const inside = withStops(triggers, stops, text, sentence.start, sentence.end, ti);
        // the targets that reach into [start, end] of the sentence (sorted, not overlapping): all that
        // scopeModifiers looks at, and far fewer than the note's for its clause-by-clause reading
        let lo = 0;
        let hi = targets.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (targets[mid]!.end <= sentence.start) lo = mid + 1;
          else hi = mid;
        }
        let last = lo;
        while (last < targets.length && targets[last]!.start <= sentence.end) last++;
        mods = scopeModifiers(inside, sentence, targets.slice(lo, last), text);
      }
    }
    if (mods.length === 0) return PRESENT;
    // most mentions of a sentence with modifiers lie outside every scope: no array for them, and PRESENT
    let covering: ContextModifier[] | undefined;
    for (const m of mods)
      if (m.scope.start < t.end && t.start < m.scope.end) {
        if (covering) covering.push(m);
        else covering = [m];
      }
    return covering ? assertionOf(covering) : PRESENT;
  });
}

/**
 * An abnormal flag written right after a value: ↑ / ↓, (H) / (L), 偏高 / 偏低, 升高 / 降低 → HL7
 * ObservationInterpretation `H` / `L`.
 */
function interpretationAt(half: string, at: number): { code: string } | undefined {
  const m = /^\s?(?:(↑|偏高|升高|增高|\(H\)|H(?![A-Za-z]))|(↓|偏低|降低|减低|\(L\)|L(?![A-Za-z/])))/.exec(
    half.slice(at, at + 4),
  );
  return m ? { code: m[1] ? 'H' : 'L' } : undefined;
}

/** A qualitative result right after a test name: 阳性 / (+) / positive → POS; 阴性 / (-) / negative → NEG. */
function qualitativeAt(half: string, at: number): { code: string; text: string; end: number } | undefined {
  const m = /^(?:(阳性|\(\++\)|\+{1,3}(?![\d])|positive\b)|(阴性|\(-\)|negative\b))/i.exec(half.slice(at, at + 10));
  if (!m) return undefined;
  return m[1]
    ? { code: 'POS', text: 'positive', end: at + m[0].length }
    : { code: 'NEG', text: 'negative', end: at + m[0].length };
}

/**
 * The time of a mention: a duration written right after it (咳嗽3天, "cough for 3 days"), else
 * the nearest time before it in the sentence, else the first after it in the sentence.
 */
function timeFor(text: string, times: readonly TimeMention[], m: Span, sentence: Span): FactTime | undefined {
  let before: TimeMention | undefined;
  let after: TimeMention | undefined;
  // times are sorted and do not overlap: start at the first one ending inside the sentence
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]!.end <= sentence.start) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < times.length && times[k]!.start < sentence.end; k++) {
    const t = times[k]!;
    if (t.kind === 'duration' && t.start >= m.end && t.start - m.end <= 6) return t.time;
    // a duration describes what it follows (咳嗽3天); a point in time ("3天前") heads its sentence
    if (t.end <= m.start && (t.kind !== 'duration' || !hasListBreak(text, t.end, m.start))) before = t;
    else if (t.start >= m.end && !after && t.start - m.end <= 30 && !hasListBreak(text, m.end, t.start)) after = t;
  }
  return (before ?? after)?.time;
}

/** Whether `text[from, to)` holds , ， ; or ； (a character loop: no slice per mention and time). */
function hasListBreak(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x2c || c === 0xff0c || c === 0x3b || c === 0xff1b) return true;
  }
  return false;
}

const lateralityRe: [RegExp, 'left' | 'right' | 'bilateral'][] = [
  [/\b(?:bilateral|bilaterally|both)\b|双侧|双/i, 'bilateral'],
  [/\bleft\b|\blt\b|左/i, 'left'],
  [/\bright\b|\brt\b|右/i, 'right'],
];

/** Any of the three patterns above. */
const anySide = /\b(?:bilateral|bilaterally|both|left|lt|right|rt)\b|[双左右]/i;

/** The characters every laterality word above contains one of (a quick test before the three patterns): 双左右 b l r. */
function isSideChar(c: number): boolean {
  return (
    c === 0x53cc ||
    c === 0x5de6 ||
    c === 0x53f3 ||
    c === 0x62 ||
    c === 0x6c ||
    c === 0x72 ||
    c === 0x42 ||
    c === 0x4c ||
    c === 0x52
  );
}

/** , ， ; ； 。 、 (by code unit: no one-character strings in the loop). */
function isClauseBreak(c: number): boolean {
  return c === 0x2c || c === 0xff0c || c === 0x3b || c === 0xff1b || c === 0x3002 || c === 0x3001;
}

/** Left/right/bilateral written in the mention or just before it (左侧…, "right lower lobe …"). */
function lateralityOf(text: string, m: Span, sentence: Span, lang: NlpLang): Fact['laterality'] {
  // only the clause right before the mention
  let from = Math.max(sentence.start, m.start - (lang === 'zh' ? 6 : 24));
  for (let k = m.start - 1; k >= from; k--)
    if (isClauseBreak(text.charCodeAt(k))) {
      from = k + 1;
      break;
    }
  // the clause and the mention are one run of text: the three patterns only where it holds a side's letter,
  // and where one of them matches (anySide is their union)
  let sided = false;
  for (let k = from; k < m.end && !sided; k++) sided = isSideChar(text.charCodeAt(k));
  if (sided) {
    const inside = text.slice(m.start, m.end);
    const clause = text.slice(from, m.start);
    if (anySide.test(inside) || anySide.test(clause))
      for (const [re, side] of lateralityRe) if (re.test(inside) || re.test(clause)) return side;
  }
  // written after it, closing the item: "Acute pyelonephritis, left.", "肾盂肾炎（左侧）" (only after , ， ( （)
  let k = m.end;
  while (k < text.length && isJsSpace(text.charCodeAt(k))) k++;
  const after = text.charCodeAt(k);
  if (after !== 0x2c && after !== 0xff0c && after !== 0x28 && after !== 0xff08) return undefined;
  const post =
    /^\s*(?:[,，]\s*(left|right|bilateral)\s*(?=[.;；。\n)]|$)|[(（]\s*(left|right|bilateral|左|右|双)侧?\s*[)）])/i.exec(
      text.slice(m.end, Math.min(sentence.end + 1, m.end + 16)),
    );
  const word = (post?.[1] ?? post?.[2])?.toLowerCase();
  if (word)
    return word === 'left' || word === '左' ? 'left' : word === 'right' || word === '右' ? 'right' : 'bilateral';
  return undefined;
}
