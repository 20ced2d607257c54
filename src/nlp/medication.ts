import { readFileSync } from 'node:fs';
import type { Dosage, FactTime, Quantity } from '../core/index.js';
import { routeWords } from '../core/index.js';
import { AhoCorasick } from './aho-corasick.js';
import { quantityAt } from './quantities.js';
import { parseTimes, parseZhNumber } from './time.js';
import { toHalfWidth } from './units.js';

interface Frequency {
  readonly code: string;
  readonly perDay?: number;
}

let frequencies: AhoCorasick<Frequency> | undefined;
let routes: AhoCorasick<string> | undefined;

function tsv(name: string): string[][] {
  return readFileSync(new URL(`./data/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.replace(/\r$/, '').split('\t'));
}

function load(): void {
  if (frequencies) return;
  frequencies = new AhoCorasick<Frequency>();
  for (const [w, code, perDay] of tsv('frequencies.tsv'))
    if (w && code) frequencies.add(w, { code, ...(perDay ? { perDay: Number(perDay) } : {}) });
  frequencies.build();
  routes = new AhoCorasick<string>();
  for (const [w, code] of routeWords()) routes.add(w, code);
  routes.build();
}

const massUnits = new Set(['mg', 'g', 'ug', 'kg', 'mL', 'L', '[IU]', 'U', 'meq', 'mmol']);
// Dose forms counted as units of administration: "2 tablets", "1片", "2粒".
const countForm =
  /(?<![\d.])(\d+(?:\.\d+)?|[一二两三四五六七八九十]|半)\s*(tablets?|tabs?|capsules?|caps?|puffs?|drops?|patch(?:es)?|片|粒|支|袋|喷|滴|贴|丸|包|揿)/i;

export interface ParsedSig extends Dosage {
  /** Offset (in the parsed text) where the sig ends: the last component read. */
  readonly end: number;
}

/**
 * Reads a medication sig after the drug name: strength and dose (`25 mg`, `100mg`, `2 tablets`,
 * `1片`), route (`PO`, `IV`, 口服, 静滴), frequency (`BID`, `q8h`, `每日3次`, `qd`), duration
 * (`x 7 days`, `for 2 weeks`, `共7天`) and as-needed (`prn`, 必要时). When both an amount and a count
 * are written ("metoprolol 25 mg tablet, 2 tablets"), the amount is the strength and the count the dose.
 */
export function parseMedication(text: string): ParsedSig {
  load();
  const half = toHalfWidth(text);
  let end = 0;
  let amount: Quantity | undefined;
  let count: Quantity | undefined;
  const cm = countForm.exec(half);
  if (cm) {
    const at = cm.index + cm[0].length - cm[0].trimStart().length;
    count = { value: parseZhNumber(cm[1]!) ?? 1, unit: '{tbl}', original: text.slice(at, cm.index + cm[0].length) };
    end = cm.index + cm[0].length;
  }
  const digit = /(?<![\d.A-Za-z])\d/g;
  for (let m = digit.exec(half); m; m = digit.exec(half)) {
    if (cm && m.index >= cm.index && m.index < cm.index + cm[0].length) continue;
    const read = quantityAt(text, m.index, half);
    if (!read) continue;
    const rx = read.quantity.unit === '1' ? rxnormAmountAt(text, half, read.start) : undefined;
    const q = rx ? { quantity: rx.quantity, end: rx.end } : read;
    digit.lastIndex = Math.max(digit.lastIndex, q.end);
    if (massUnits.has(q.quantity.unit)) {
      amount = q.quantity;
      end = Math.max(end, q.end);
      break;
    }
  }
  const route = routes!.longest(half)[0];
  if (route) end = Math.max(end, route.end);
  const freqs = frequencies!.longest(half);
  const freq = freqs.find((f) => f.value.code !== 'PRN');
  const prn = freqs.find((f) => f.value.code === 'PRN');
  if (freq) end = Math.max(end, freq.end);
  if (prn) end = Math.max(end, prn.end);
  let duration: FactTime['duration'] | undefined;
  const dm = /(?:共|连用|连续|疗程)\s*(\d+|[一二两三四五六七八九十]+)\s*(天|日|周|个月)/.exec(half);
  if (dm) {
    const n = /^\d+$/.test(dm[1]!) ? Number(dm[1]) : '一二三四五六七八九十'.indexOf(dm[1]!) + 1 || 2;
    duration = { value: n, unit: dm[2] === '周' ? 'wk' : dm[2] === '个月' ? 'mo' : 'd' };
    end = Math.max(end, dm.index + dm[0].length);
  } else {
    const t = parseTimes(text).find((x) => x.kind === 'duration' && /^(?:for|x|×)/i.test(x.time.relative ?? ''));
    if (t?.time.duration) {
      duration = t.time.duration;
      end = Math.max(end, t.end);
    }
  }
  return {
    ...(amount && count ? { strength: amount, dose: count } : amount ? { dose: amount } : count ? { dose: count } : {}),
    ...(route ? { route: route.value } : {}),
    ...(freq
      ? {
          frequency: {
            code: freq.value.code,
            ...(freq.value.perDay !== undefined ? { perDay: freq.value.perDay } : {}),
            original: text.slice(freq.start, freq.end),
          },
        }
      : {}),
    ...(duration ? { duration } : {}),
    ...(prn ? { asNeeded: true } : {}),
    end,
  };
}

// RxNorm / Synthea write dose units in capitals ("220 MG", "0.09 MG/ACTUAT", "5000 UNT"): read them as UCUM.
const rxnormUnit = /^\s?(MCG|MG|G|ML|UNT|MEQ)(?![A-Za-z/])/;
const rxnormUcum: Record<string, string> = { MCG: 'ug', MG: 'mg', G: 'g', ML: 'mL', UNT: 'U', MEQ: 'meq' };

/** An amount with a capital RxNorm unit at `index` (`220 MG`), as a Quantity, with its end. */
export function rxnormAmountAt(
  text: string,
  half: string,
  index: number,
): { quantity: Quantity; end: number } | undefined {
  const n = /^(\d+(?:\.\d+)?)/.exec(half.slice(index, index + 16));
  if (!n) return undefined;
  const u = rxnormUnit.exec(half.slice(index + n[0].length, index + n[0].length + 6));
  if (!u) return undefined;
  const end = index + n[0].length + u[0].length;
  return { quantity: { value: Number(n[1]), unit: rxnormUcum[u[1]!]!, original: text.slice(index, end) }, end };
}

// Between two drugs of a list, or between a sig and what follows it: a list separator or a joining word.
const separatorRe = /[,，;；、]|\s(?:and|plus|or|followed by)\s|[和及并与]|联合|序贯|加用|改为|换用|继续/g;
// Words a sig goes on with after a separator: a number, a schedule word, a duration, a conditional use.
const sigFiller =
  /^(?:[\d一二两三四五六七八九十半]|then\b|for\b|x\s?\d|×|take\b|taking\b|tabs?\b|tablets?\b|caps?\b|capsules?\b|with\b|before\b|after\b|at\b|in the\b|on\b|each\b|every\b|per\b|until\b|if\b|when\b|as needed|as directed|max(?:imum)?\b|up to\b|total\b|via\b|by\b|to be\b|dose\b|prn\b|每|一次|饭|餐|空腹|睡前|晨|早|晚|午|顿服|共|连用|连续|疗程|持续|维持|首剂|首次|起始|然后|后改|减量|逐渐|按需|必要时|[\u4e00-\u9fff]{1,6}时|疗|待|至|直至|服至|用至|服用|[(（]|qd\b|bid\b|tid\b|qid\b|q\d)/i;

function routeAt(s: string): { end: number } | undefined {
  const r = routes!.longest(s.slice(0, 24)).find((h) => h.start === 0);
  return r ? { end: r.end } : undefined;
}

function freqAt(s: string): boolean {
  return frequencies!.longest(s.slice(0, 24)).some((h) => h.start === 0);
}

/** Whether the text after a separator goes on with the sig of the drug before it. */
function continuesSig(rest: string): boolean {
  const s = rest.replace(/^\s+/, '');
  // "…, 2. tirofiban": the next numbered item
  if (/^\d{1,2}\s*[.、)）](?!\d)/.test(s)) return false;
  if (!s || sigFiller.test(s) || freqAt(s)) return true;
  const r = routeAt(s);
  if (!r) return false;
  // "，口服，每日一次" goes on; "，口服阿司匹林", "and nebulized ipratropium" is the next drug's route
  const after = s.slice(r.end).replace(/^\s+/, '');
  return (
    !after || /^[,，;；。.、)）]/.test(after) || sigFiller.test(after) || freqAt(after) || routeAt(after) !== undefined
  );
}

/**
 * Where the sig of a drug whose name ends at `from` ends: its own clause, up to `limit` (the sentence
 * end). When the next recognised drug starts at `nextDrug`, the clause stops at the separator before
 * it ("prednisone 40 mg daily and nebulized albuterol": "nebulized" is albuterol's); a separator
 * followed by anything that is not the sig going on (a number, a route, a frequency, a duration, a
 * conditional use) ends it too, so a drug the lexicon does not know ("aspirin 81 mg daily,
 * cefpodoxime 200 mg PO q12h") keeps its sig to itself.
 */
export function sigClauseEnd(
  text: string,
  from: number,
  limit: number,
  nextDrug?: number,
  half = toHalfWidth(text),
): number {
  load();
  let end = limit;
  if (nextDrug !== undefined && nextDrug < end) {
    end = nextDrug;
    separatorRe.lastIndex = from;
    let last = -1;
    for (let m = separatorRe.exec(half); m && m.index < nextDrug; m = separatorRe.exec(half)) last = m.index;
    if (last >= 0) end = last;
    else {
      // no separator: a route written right before the next drug ("nebulized albuterol") is that drug's
      const before = routeBefore(text, nextDrug, from, half);
      if (before) end = before.start;
    }
  }
  separatorRe.lastIndex = from;
  for (let m = separatorRe.exec(half); m && m.index < end; m = separatorRe.exec(half)) {
    if (!continuesSig(half.slice(m.index + m[0].length, end))) return m.index;
  }
  return end;
}

/**
 * A route written right before a drug name and belonging to it ("nebulized albuterol", "IV
 * vancomycin", 口服阿司匹林, 静滴头孢曲松), or before a 、-list of names the drug ends (静点氨曲南、阿奇霉素):
 * the last route word, not before `lowerBound`.
 */
export function routeBefore(
  text: string,
  drugStart: number,
  lowerBound: number,
  half = toHalfWidth(text),
): { code: string; start: number } | undefined {
  load();
  const from = Math.max(lowerBound, drugStart - 40);
  const window = half.slice(from, drugStart);
  const hits = routes!.longest(window);
  const last = hits[hits.length - 1];
  if (!last) return undefined;
  // right before the name, or before a 、-list the name ends (静点氨曲南、炎琥宁、阿奇霉素: all three 静点)
  if (!/^\s*(?:予|给予|用)?\s*(?:[\u4e00-\u9fffA-Za-z]{1,14}、)*$/.test(window.slice(last.end))) return undefined;
  return { code: last.value, start: from + last.start };
}

// The conditional use of an as-needed drug: "PRN fever or pain", "as needed for pain", "q6h for pain PRN".
const prnCue =
  /\b(?:prn|p\.r\.n\.?|as needed|as required|when needed|if needed|when required)(?![A-Za-z])(?:\s*(?:for|of|:)\b)?/gi;
const prnWords = /prn|p\.r\.n|needed|required/i;
const forPrn = /\bfor\s+((?:[A-Za-z-]+\s+){0,5}?)(?:prn|p\.r\.n\.?|as needed|as required)(?![A-Za-z])/gi;
// 疼痛时口服, 发热时服用, 头痛、恶心时予…: the words before 时 name when the drug is taken.
// Intake verbs only: "腹痛时予山莨菪碱肌注" in a course narrative is what was done, not an instruction.
const zhWhenCue = /时(?:可|再|请)?(?:口服|服用|服|含服|嚼服|舌下含服|使用|用药|吸入|喷|外用|外涂)/g;
const relieved = /缓解|好转|减轻|消失|下降|降至|恢复|relieved|improved|resolved/i;

/**
 * Where an indication that starts at `from` ends: at a clause break (punctuation, or a new subject or verb: "…,
 * patient reports pain"), at the next drug, else at the sentence end.
 */
function indicationEnd(half: string, from: number, sentenceEnd: number, drugs: readonly number[]): number {
  let end = sentenceEnd;
  const punct =
    /[;；。\n(（]|\b(?:but|however|although|while|patient|pt|he|she|they|which|who|denies|denied|reports|reported|has|had|was|were|is|are|now|currently|still)\b/i.exec(
      half.slice(from, end),
    );
  if (punct) end = from + punct.index;
  for (const d of drugs) if (d >= from && d < end) end = d;
  return end;
}

/**
 * The spans of a sentence that name the indication of an as-needed or conditional drug use ("PRN
 * fever or pain", "as needed for pain", 疼痛时口服): what is named there is the condition under which
 * the drug is taken, hypothetical, not a finding the patient has. `drugs` are the starts of the
 * sentence's drug mentions (an indication stops at the next drug). A history of the pattern
 * ("胸痛时含服硝酸甘油可缓解") is the patient's symptom and is not matched.
 */
export function asNeededIndications(
  text: string,
  sentence: { start: number; end: number },
  drugs: readonly number[],
  half = toHalfWidth(text),
): { start: number; end: number }[] {
  const s = half.slice(sentence.start, sentence.end);
  const out: { start: number; end: number }[] = [];
  // exec on the patterns themselves (none matches the empty string): matchAll would copy each RegExp per sentence
  // every cue of both patterns holds one of these words
  const prn = prnWords.test(s);
  prnCue.lastIndex = 0;
  for (let m = prn ? prnCue.exec(s) : null; m; m = prnCue.exec(s)) {
    const from = sentence.start + m.index + m[0].length;
    out.push({ start: from, end: indicationEnd(half, from, sentence.end, drugs) });
  }
  forPrn.lastIndex = 0;
  for (let m = prn ? forPrn.exec(s) : null; m; m = forPrn.exec(s)) {
    const start = sentence.start + m.index + 4;
    out.push({ start, end: start + m[1]!.length });
  }
  zhWhenCue.lastIndex = 0;
  for (let m = s.includes('时') ? zhWhenCue.exec(s) : null; m; m = zhWhenCue.exec(s)) {
    const at = sentence.start + m.index;
    if (relieved.test(half.slice(at, sentence.end))) continue;
    let start = at;
    while (start > sentence.start && /[\u4e00-\u9fff、]/.test(half[start - 1]!)) start--;
    out.push({ start, end: at });
  }
  return out;
}

// Electrolyte names that are also the salt of a drug ("naproxen sodium", 头孢唑林钠, 氯化钾).
const saltAnalytes = new Set(['2951-2', '2823-3', '2075-0']);
const doseUnits = new Set(['mg', 'g', 'ug', 'kg', '[IU]', 'U', 'meq', 'mmol', '{tbl}']);
// The acid or drug a salt is written after when the drug itself is not in the lexicon: 碳酸氢钠, 枸橼酸钾,
// 洛索洛芬钠, 哌拉西林钠, 氯沙坦钾, 泮托拉唑钠, 磷霉素钠, 苯妥英钠; "docusate sodium", "montelukast sodium".
const saltAfter =
  /(?:[\u4e00-\u9fff](?:酸|氢|氯化|洛芬|西林|沙坦|肝素|拉唑|霉素|妥英|喷妥|培南|头孢[\u4e00-\u9fff]{1,3})|\b(?:docusate|valproate|divalproex|levothyroxine|liothyronine|montelukast|alendronate|risedronate|ibandronate|mycophenolate|succinate|phosphate|diclofenac|naproxen|cromolyn|fosphenytoin|phenytoin|dantrolene|ertapenem|esomeprazole|pantoprazole|rabeprazole|omeprazole|sulfacetamide|oxacillin|nafcillin|cefoxitin|ceftazidime|cefotaxime|ceftriaxone|cefazolin|cefuroxime|piperacillin|ampicillin|clavulanate|heparin|warfarin|enoxaparin|losartan|penicillin g)\s+)$/i;
// "sodium bicarbonate", "potassium citrate", "sodium polystyrene sulfonate": the salt's anion follows.
const anionAfter =
  /^\s+(?:bicarbonate|citrate|phosphates?|acetate|gluconate|lactate|sulfate|iodide|bromide|polystyrene|chloride|hydroxide|carbonate)\b/i;
const doseForm =
  /^\s?(?:片|胶囊|注射液|注射剂|注射用|缓释|控释|肠溶|颗粒|针|粉针|口服液|混悬液|tablets?\b|tabs?\b|capsules?\b|injection\b|oral\b|extended\b|delayed\b|solution\b|suspension\b|for injection\b)/i;

/**
 * Whether a serum-electrolyte name (sodium, potassium, chloride, 钠, 钾, 氯) at `[start, end)` is the
 * salt of a drug rather than a lab result: written right after a drug name ("naproxen sodium"), or
 * followed by a dose (`220 MG`, `600mg`, `1g`) or a dose form (钠片, "sodium tablet"). A lab value is
 * a concentration (130 mmol/L) or a bare number; 血钠, "sodium 130 mmol/L" and 补钾 are not touched.
 */
export function isDrugSalt(
  text: string,
  m: { start: number; end: number; code: string },
  dose: Quantity | undefined,
  afterDrug: boolean,
  half = toHalfWidth(text),
): boolean {
  if (!saltAnalytes.has(m.code)) return false;
  if (
    afterDrug ||
    saltAfter.test(half.slice(Math.max(0, m.start - 40), m.start)) ||
    anionAfter.test(half.slice(m.end, m.end + 24))
  )
    return true;
  if (dose && doseUnits.has(dose.unit)) return true;
  const gap = /^[\s:：=]*/.exec(half.slice(m.end, m.end + 4))![0].length;
  if (rxnormAmountAt(text, half, m.end + gap)) return true;
  // "potassium 20 mEq PO": an amount given, not a concentration
  if (/^\d+(?:\.\d+)?\s?(?:meq|mmol|mg|mcg|g)(?![A-Za-z/])/i.test(half.slice(m.end + gap, m.end + gap + 16)))
    return true;
  return doseForm.test(half.slice(m.end, m.end + 16));
}
