import { readFileSync } from 'node:fs';
import type { Assertion, Subject } from '../core/index.js';
import { AhoCorasick, selectLongest } from './aho-corasick.js';
import { isJsSpace } from './fold.js';
import type { NlpLang } from './language.js';
import { type Span, splitSentences } from './sentences.js';

/**
 * ConText (Harkema et al., J Biomed Inform 2009): trigger terms modify the targets within their
 * scope — forward to the end of the sentence, backward to its start, or both — and a termination
 * term (or, in Chinese, the end of the clause) closes the scope. Pseudo-triggers ("no increase",
 * 无明显诱因) are matched so that the shorter trigger inside them does not fire. Triggers come from
 * data files: the published NegEx list and general ConText rules for English, our own for Chinese.
 */
export type ContextCategory =
  | 'NEGATED_EXISTENCE'
  | 'POSSIBLE_EXISTENCE'
  | 'HISTORICAL'
  | 'FAMILY'
  | 'HYPOTHETICAL'
  | 'PSEUDO'
  | 'TERMINATE';
/**
 * `clause`: a clause break (the comma) that ends a scope like `terminate`, except that a forward
 * negation goes on across a comma-separated list of bare concept names (see `listScopeEnd`).
 */
export type ContextDirection = 'forward' | 'backward' | 'bidirectional' | 'terminate' | 'clause' | 'pseudo';

export interface ContextRule {
  readonly trigger: string;
  readonly category: ContextCategory;
  readonly direction: ContextDirection;
  /** For FAMILY: who (mother, father, …). */
  readonly relation?: string;
  /** The most characters a forward scope reaches past the trigger (data column `scope=N`): 不/没 deny the word they stand before. */
  readonly maxScope?: number;
}

/** A trigger found in the text, with the scope it governs. */
export interface ContextModifier {
  readonly rule: ContextRule;
  readonly start: number;
  readonly end: number;
  readonly scope: Span;
}

export interface AssertionResult {
  readonly assertion: Assertion;
  readonly subject: Subject;
  /** The modifiers whose scope covers the target (evidence for the assertion). */
  readonly modifiers: readonly ContextModifier[];
}

const negexTags: Record<string, [ContextCategory, ContextDirection]> = {
  '[PREN]': ['NEGATED_EXISTENCE', 'forward'],
  '[POST]': ['NEGATED_EXISTENCE', 'backward'],
  '[PREP]': ['POSSIBLE_EXISTENCE', 'forward'],
  '[POSP]': ['POSSIBLE_EXISTENCE', 'backward'],
  '[PSEU]': ['PSEUDO', 'pseudo'],
  '[CONJ]': ['TERMINATE', 'terminate'],
};

function readData(name: string): string {
  return readFileSync(new URL(`./data/${name}`, import.meta.url), 'utf8');
}

/** Parses NegEx's trigger file format (`trigger<TAB><TAB>[TAG]`). */
export function parseNegexTriggers(text: string): ContextRule[] {
  const rules: ContextRule[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const m = /^(.+?)\t+(\[[A-Z]{4}\])\s*$/.exec(line);
    const tag = m && negexTags[m[2]!];
    if (!m || !tag) continue;
    rules.push({ trigger: m[1]!.trim(), category: tag[0], direction: tag[1] });
  }
  return rules;
}

/** Parses MedSeek's ConText rule files (`trigger<TAB>category<TAB>direction[<TAB>relation | scope=N]`). */
export function parseContextRules(text: string): ContextRule[] {
  const rules: ContextRule[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [trigger, category, direction, extra] = line.replace(/\r$/, '').split('\t');
    if (!trigger || !category || !direction) continue;
    const window = extra ? /^scope=(\d+)$/.exec(extra) : null;
    rules.push({
      trigger,
      category: category as ContextCategory,
      direction: direction as ContextDirection,
      ...(window ? { maxScope: Number(window[1]) } : extra ? { relation: extra } : {}),
    });
  }
  return rules;
}

/**
 * How the text is written: `clinical` (notes, the default) or `patient` (a patient's own words in a
 * consultation chat: 不发烧, 没怎么咳, 好像有点, "don't have", "I think so"). Patient speech adds the
 * colloquial cues of `context-{zh,en}-patient.tsv` before the clinical rules (first rule for a trigger wins).
 */
export type Speech = 'clinical' | 'patient';

/** The built-in rules for a language. */
export function contextRules(lang: NlpLang, speech: Speech = 'clinical'): ContextRule[] {
  const clinical =
    lang === 'zh'
      ? parseContextRules(readData('context-zh.tsv'))
      : [...parseNegexTriggers(readData('negex-triggers-en.txt')), ...parseContextRules(readData('context-en.tsv'))];
  return speech === 'patient'
    ? [...parseContextRules(readData(`context-${lang === 'zh' ? 'zh' : 'en'}-patient.tsv`)), ...clinical]
    : clinical;
}

/** A compiled rule set: one automaton over all triggers, so the longest trigger wins. */
export class ContextMatcher {
  private readonly automaton = new AhoCorasick<ContextRule>();
  /** The rules in effect, one per trigger (the first rule for a trigger wins: NegEx before general rules). */
  readonly rules: readonly ContextRule[];

  constructor(rules: readonly ContextRule[]) {
    const seen = new Set<string>();
    const kept: ContextRule[] = [];
    for (const r of rules) {
      const key = r.trigger.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      kept.push(r);
      this.automaton.add(r.trigger, r);
    }
    this.rules = kept;
    this.automaton.build();
  }

  /** Modifiers in a sentence, with their scopes; triggers overlapping a target are ignored. */
  modifiers(text: string, sentence: Span, targets: readonly Span[] = []): ContextModifier[] {
    const slice = text.slice(sentence.start, sentence.end);
    const hits = this.automaton
      .findAll(slice)
      .map((h) => ({ rule: h.value, start: h.start + sentence.start, end: h.end + sentence.start }));
    return scopeModifiers(hits, sentence, targets, text);
  }
}

/**
 * Scopes the trigger hits of one sentence: hits inside a target are dropped (无力 is a finding, not
 * 无 + 力), the leftmost-longest of the rest are kept, and each scopes forward to the sentence end
 * or the next termination term, backward to the sentence start or the previous one. With the
 * sentence's `text`, a forward negation is carried across a comma list of denied items
 * (否认糖尿病，高血压病史，及冠心病史; "denies fever, chills, or cough"): see `listScopeEnd`.
 * Without `text`, a clause break ends every scope.
 */
export function scopeModifiers(
  triggerHits: readonly { rule: ContextRule; start: number; end: number }[],
  sentence: Span,
  targets: readonly Span[] = [],
  text?: string,
): ContextModifier[] {
  // most clauses hold only stops (commas) or nothing that scopes: no modifier, nothing to select
  let scoping = false;
  for (let k = 0; k < triggerHits.length && !scoping; k++) {
    const d = triggerHits[k]!.rule.direction;
    scoping = !isStop(d) && d !== 'pseudo';
  }
  if (!scoping) return [];
  // loops rather than filter: this runs for every sentence with a trigger that scopes
  // (selectLongest copies its input: a list of the free hits is made only where a hit lies in a target)
  let free: readonly { rule: ContextRule; start: number; end: number }[] = triggerHits;
  for (let k = 0; k < triggerHits.length; k++)
    if (overlapsAny(targets, triggerHits[k]!)) {
      const kept = triggerHits.slice(0, k);
      for (let j = k + 1; j < triggerHits.length; j++)
        if (!overlapsAny(targets, triggerHits[j]!)) kept.push(triggerHits[j]!);
      free = kept;
      break;
    }
  const hits = selectLongest(free);
  const stops: { rule: ContextRule; start: number; end: number }[] = [];
  for (const h of hits) if (isStop(h.rule.direction)) stops.push(h);
  const out: ContextModifier[] = [];
  // hits and stops are sorted and do not overlap: the stops around a hit are found by walking forward
  let next = 0;
  for (const h of hits) {
    if (isStop(h.rule.direction) || h.rule.direction === 'pseudo') continue;
    while (next < stops.length && stops[next]!.start < h.end) next++;
    const fwdStop = next < stops.length && stops[next]!.start < sentence.end ? stops[next] : undefined;
    let fwdEnd = fwdStop ? fwdStop.start : sentence.end;
    let backStart = sentence.start;
    let backStop: { rule: ContextRule } | undefined;
    for (let k = next - 1; k >= 0; k--)
      if (stops[k]!.end <= h.start) {
        if (stops[k]!.end > backStart) {
          backStart = stops[k]!.end;
          backStop = stops[k];
        }
        break;
      }
    if (
      text !== undefined &&
      fwdStop?.rule.direction === 'clause' &&
      isBareAnswer(text, h, backStart, backStop, fwdStop)
    )
      fwdEnd = h.end;
    else if (
      text !== undefined &&
      fwdStop?.rule.direction === 'clause' &&
      h.rule.category === 'NEGATED_EXISTENCE' &&
      h.rule.direction !== 'backward'
    ) {
      const denial = denialTrigger.test(h.rule.trigger);
      fwdEnd = listScopeEnd(
        text,
        next,
        hits,
        stops,
        sentence,
        targets,
        !denial && /\p{Script=Han}/u.test(h.rule.trigger),
        denial,
      );
    }
    if (h.rule.maxScope !== undefined) fwdEnd = Math.min(fwdEnd, h.end + h.rule.maxScope);
    const scope: Span =
      h.rule.direction === 'forward'
        ? { start: h.end, end: fwdEnd }
        : h.rule.direction === 'backward'
          ? { start: backStart, end: h.start }
          : { start: backStart, end: fwdEnd };
    out.push({ rule: h.rule, start: h.start, end: h.end, scope });
  }
  return out;
}

/**
 * How a clause after a comma relates to the negated one before it:
 * - `item`: a bare concept name (or a short run of them joined by 、/及/和/或/and/or), optionally with
 *   病史/史/等…史/"etc." — the list goes on and the negation with it (否认糖尿病，高血压病史，及冠心病史);
 * - `own`: the clause holds a trigger of its own (否认手术史, 未触及, "reports", "but") — its trigger rules it;
 * - `new`: a clause with its own subject, verb or value (有糖尿病史10年, 心率80次/分, "has cough",
 *   a clause too long to be a name) — affirmed, and the list before it stands;
 * - `elaboration`: a duration or a description of what came before (咳嗽3天, 伴胸痛, 为白色黏痰,
 *   "cough for 3 days") — the bare items before it were the patient's complaints, not denied ones
 *   (无发热，咳嗽，咳痰3天: only 发热 is absent). A clause that starts with a list conjunction
 *   (及/和/或/"or"/"and") stays an item whatever duration it carries ("… or weight loss for 3 months").
 */
type ClauseKind = 'item' | 'own' | 'new' | 'elaboration';

const listConjunction = /^(?:以及|及(?!时)|和|或者|或|与|并且|and\/or|and|or|nor)(?![a-z])\s*/i;
const elaborationStart = /^(?:伴有|伴|为|呈|性质|量|色)|^(?:with|accompanied by|associated with)\b/i;
const newClauseStart =
  /^(?:有|并|但|诉|自诉|患者|病人|其|现|出现|予|给予|行|经|于|曾|仍|可|感|觉|偶|时有|今|近|对)|^(?:but|has|had|have|reports?|endorses?|complains?|c\/o|presents?|is|was|are|were|he|she|they|patient|pt|the|this|there)\b/i;
/** A clause of the patient's own ("…, I'm sweating though", "…, my chest hurts"): a subject of its own. */
const ownSubjectStart = /^(?:i(?=\s|['’])|my|we|you|it)\b/i;
/** A contrast word that may close its clause ("…, sweating though"): a termination trigger. */
const contrast = /^(?:though|however|although)$/i;
const duration =
  /(?:\d+|[一二三四五六七八九十两半数几]+)\s*(?:余|多|\+)?个?\s*(?:年|月|周|星期|天|日|小时|分钟)|\b(?:for|since|ago)\b|\bx\s?\d|\d+\s*(?:days?|weeks?|months?|years?|hours?|d|wk|mo|y)\b/i;
const value = /\d/;
const predicate =
  /为|呈|见|示|过敏|明显|正常|良好|尚可|增高|升高|降低|减低|增多|减少|肿大|加重|减轻|好转|缓解|存在|入院|就诊|治疗|服用|口服|约|左右|\b(?:is|was|are|were|has|had|have|shows?|showed|noted|improved|resolved|remains?|continues?|increased|decreased|normal)\b/i;
/** 病史/史/等…史/症状 and "etc." after a listed name. */
const listSuffix = /(?:等[^，,]{0,6}史|过敏史|病史|史|等症状|症状|等|\betc\.?|\bhistory)\s*$/i;
/** The longest Chinese clause (without its concept names) still read as a name, in Han characters. */
const maxNameChars = 8;

function classifyClause(
  text: string,
  clause: Span,
  hits: readonly { rule: ContextRule; start: number; end: number }[],
  targets: readonly Span[],
): ClauseKind {
  // the clause without its leading spaces and its trailing spaces and 。．!！;； (offsets: one slice, not three)
  let from = clause.start;
  while (from < clause.end && isJsSpace(text.charCodeAt(from))) from++;
  let to = clause.end;
  while (to > from && isClauseTail(text.charCodeAt(to - 1))) to--;
  const raw = text.slice(from, to);
  const conj = listConjunction.exec(raw);
  const afterConj = conj ? raw.slice(conj[0].length) : raw;
  // "…, nor was she in atrial fibrillation": nor carries the negation into its clause
  if (/^nor\b/i.test(raw)) return 'item';
  // a starter word is read only where no concept name begins (感染 is not 感, 并发症 not 并)
  const lead = from + (conj ? conj[0].length : 0);
  const nameFirst = targets.some((t) => t.start <= lead && lead < t.end);
  if (!nameFirst && elaborationStart.test(afterConj)) return 'elaboration';
  if (!nameFirst && (newClauseStart.test(afterConj) || ownSubjectStart.test(afterConj))) return 'new';
  // a trigger of its own (史/病史 after a name are the list's suffix, not a new trigger); looked for only here,
  // where the starter words have not decided (it walks every trigger hit of the sentence)
  const own = hits.some(
    (h) =>
      h.start >= clause.start &&
      h.end <= clause.end &&
      !(h.rule.category === 'HISTORICAL' && h.rule.direction === 'backward'),
  );
  if (own) return 'own';
  // the clause without its concept names, connectors and list suffix
  let residue = '';
  let at = clause.start;
  for (const t of targets) {
    if (t.end <= clause.start || t.start >= clause.end) continue;
    residue += `${text.slice(at, Math.max(at, t.start))} `;
    at = Math.max(at, t.end);
  }
  residue += text.slice(at, clause.end);
  // without its trailing [。．.!！;；\s] (a loop from the end: the pattern with `$` is tried at every position)
  let cut = residue.length;
  while (cut > 0 && (isClauseTail(residue.charCodeAt(cut - 1)) || residue.charCodeAt(cut - 1) === 0x2e)) cut--;
  residue = residue.slice(0, cut).trim();
  if (conj) residue = residue.replace(listConjunction, '');
  residue = residue
    .replace(listSuffix, '')
    .replace(/(?:以及|及(?!时)|和|或|与|、|\/|\band\b|\bor\b|\s)+/gi, ' ')
    .trim();
  if (conj) return predicate.test(residue) ? 'new' : 'item';
  if (duration.test(residue)) return 'elaboration';
  if (value.test(residue)) return 'new';
  if (predicate.test(residue)) return 'new';
  // a Chinese clause may have no verb the patterns know, so a long one is read as a clause; an English
  // clause needs a finite verb (caught above), so a long noun phrase stays an item
  return hanCountAbove(residue, maxNameChars) ? 'new' : 'item';
}

const han = /\p{Script=Han}/gu;

/** Whether `s` holds more than `max` Han characters (counted up to max + 1, with no array of them). */
function hanCountAbove(s: string, max: number): boolean {
  han.lastIndex = 0;
  let n = 0;
  while (han.test(s)) if (++n > max) return true;
  return false;
}

/** `[。．!！;；\s]`: what ends a clause's text before its stop. */
function isClauseTail(c: number): boolean {
  return c === 0x3002 || c === 0xff0e || c === 0x21 || c === 0xff01 || c === 0x3b || c === 0xff1b || isJsSpace(c);
}

/**
 * Chinese triggers that open a list of denied items (否认高血压，糖尿病，冠心病史). After the other
 * Chinese negations (无, 未见, 不…) a comma clause goes on only as a history item ending in 史
 * (无高血压，糖尿病病史): in examination and symptom text the clause after 无X， is most often a new
 * finding with its own site (无叩击痛，左肾区叩击痛; 无肿胀，局部触痛; 无头痛，恶心呕吐), so it is affirmed.
 * English negations ("no", "denies", "negative for") carry over any comma list of bare names.
 */
const denialTrigger = /^否认/;

/**
 * Where a forward negation cut by a comma really ends: after the run of bare `item` clauses that
 * follow it, up to the sentence end, a terminating term, or a clause that is `own` or `new`; an
 * `elaboration` after the run means the run was not denied, and the scope ends at the first comma.
 */
function listScopeEnd(
  text: string,
  firstIndex: number,
  hits: readonly { rule: ContextRule; start: number; end: number }[],
  stops: readonly { rule: ContextRule; start: number; end: number }[],
  sentence: Span,
  targets: readonly Span[],
  historyOnly: boolean,
  denial: boolean,
): number {
  const first = stops[firstIndex]!;
  let stop = first;
  let end = first.start;
  // stops are sorted and do not overlap: the one after a stop is the next in the list
  for (let i = firstIndex + 1; ; i++) {
    const next = stops[i];
    const clause: Span = { start: stop.end, end: next ? next.start : sentence.end };
    let kind = classifyClause(text, clause, hits, targets);
    // "no chest pain, sweating though": a contrast word closing the clause sets it against the negated one
    if (kind === 'item' && next?.rule.direction === 'terminate' && contrast.test(next.rule.trigger)) {
      const after = stops[i + 1]?.start ?? sentence.end;
      let k = next.end;
      while (k < after && (isClauseTail(text.charCodeAt(k)) || text.charCodeAt(k) === 0x2e)) k++;
      if (k === after) kind = 'new';
    }
    if (kind === 'item' && historyOnly && !/史[。．!！;；\s]*$/.test(text.slice(clause.start, clause.end)))
      kind = 'new';
    // after 否认 the list is of denied histories: a complaint with a duration after it is new, not their duration
    if (kind === 'elaboration') return denial ? end : first.start;
    if (kind !== 'item') return end;
    end = clause.end;
    if (next?.rule.direction !== 'clause') return end;
    stop = next;
  }
}

/**
 * A negation that is a clause of its own, at the start of the sentence, before a comma ("no, I
 * can't breathe", "nope, …", 没有，我胸痛): an answer to a question, which negates nothing after it. A list stays
 * negated ("No fever, chills, or cough": the trigger has its first item in its clause), and so does a heading's
 * answer after a colon (过敏史：无，…: the colon is no comma), which the list reading decides as before.
 */
function isBareAnswer(
  text: string,
  h: { rule: ContextRule; start: number; end: number },
  backStart: number,
  backStop: { rule: ContextRule } | undefined,
  fwdStop: { start: number },
): boolean {
  if (h.rule.category !== 'NEGATED_EXISTENCE' || h.rule.direction === 'backward') return false;
  // after a comma the word may be a list's or a contrast's ("but me, no, never threw up"): only a sentence's opener
  if (backStop) return false;
  for (let k = backStart; k < h.start; k++) if (!isJsSpace(text.charCodeAt(k))) return false;
  for (let k = h.end; k < fwdStop.start; k++) if (!isJsSpace(text.charCodeAt(k))) return false;
  return true;
}

function isStop(d: ContextDirection): boolean {
  return d === 'terminate' || d === 'clause';
}

/** Whether a span overlaps any of the (start-sorted) targets. */
function overlapsAny(targets: readonly Span[], h: Span): boolean {
  let lo = 0;
  let hi = targets.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (targets[mid]!.end <= h.start) lo = mid + 1;
    else hi = mid;
  }
  // targets are non-overlapping and sorted, so ends are sorted too
  return lo < targets.length && targets[lo]!.start < h.end;
}

const matchers = new Map<string, ContextMatcher>();

export function contextMatcher(lang: NlpLang, speech: Speech = 'clinical'): ContextMatcher {
  const key = `${lang}:${speech}`;
  let m = matchers.get(key);
  if (!m) {
    m = new ContextMatcher(contextRules(lang, speech));
    matchers.set(key, m);
  }
  return m;
}

/**
 * The assertion of each target span. Precedence when several modifiers cover a target:
 * negated > hypothetical > possible > family > historical > present; the subject is the family
 * member when a FAMILY modifier covers it, whatever the assertion ("mother had no diabetes" is
 * absent, about the mother).
 */
export function detectAssertions(
  text: string,
  targets: readonly Span[],
  options: { lang: NlpLang; sentences?: readonly Span[]; matcher?: ContextMatcher },
): AssertionResult[] {
  const matcher = options.matcher ?? contextMatcher(options.lang);
  const sentences = options.sentences ?? splitSentences(text);
  const cache = new Map<Span, ContextModifier[]>();
  const sortedTargets = [...targets].sort((a, b) => a.start - b.start);
  return targets.map((t) => {
    const sentence = sentenceOf(sentences, t.start) ?? { start: 0, end: text.length };
    let mods = cache.get(sentence);
    if (!mods) {
      mods = matcher.modifiers(text, sentence, sortedTargets);
      cache.set(sentence, mods);
    }
    const covering = mods.filter((m) => m.scope.start < t.end && t.start < m.scope.end);
    return { ...assertionOf(covering), modifiers: covering };
  });
}

/** The sentence containing an offset (sentences sorted, non-overlapping). */
export function sentenceOf(sentences: readonly Span[], offset: number): Span | undefined {
  let lo = 0;
  let hi = sentences.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = sentences[mid]!;
    if (offset < s.start) hi = mid - 1;
    else if (offset >= s.end) lo = mid + 1;
    else return s;
  }
  return undefined;
}

/** Rank of each category's assertion (higher wins): negated > hypothetical > possible > family > historical. */
const rank: Partial<Record<ContextCategory, number>> = {
  NEGATED_EXISTENCE: 5,
  HYPOTHETICAL: 4,
  POSSIBLE_EXISTENCE: 3,
  FAMILY: 2,
  HISTORICAL: 1,
};
const ranked: readonly Assertion[] = ['present', 'historical', 'family', 'possible', 'hypothetical', 'absent'];

// One pass over the modifiers, no closures: this runs once per concept mention (see bench nlp).
export function assertionOf(modifiers: readonly ContextModifier[]): { assertion: Assertion; subject: Subject } {
  let family: ContextModifier | undefined;
  let best = 0;
  for (let i = 0; i < modifiers.length; i++) {
    const m = modifiers[i]!;
    if (!family && m.rule.category === 'FAMILY') family = m;
    const r = rank[m.rule.category] ?? 0;
    if (r > best) best = r;
  }
  const subject: Subject = family
    ? {
        who: 'family',
        ...(family.rule.relation && family.rule.relation !== 'family' ? { relation: family.rule.relation } : {}),
      }
    : { who: 'patient' };
  return { assertion: ranked[best]!, subject };
}
