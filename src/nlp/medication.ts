import { readFileSync } from 'node:fs';
import type { Dosage, FactTime, Quantity } from '../core/index.js';
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
  for (const [w, code, perDay] of tsv('frequencies.tsv')) if (w && code) frequencies.add(w, { code, ...(perDay ? { perDay: Number(perDay) } : {}) });
  frequencies.build();
  routes = new AhoCorasick<string>();
  for (const [w, code] of tsv('routes.tsv')) if (w && code) routes.add(w, code);
  routes.build();
}

const massUnits = new Set(['mg', 'g', 'ug', 'kg', 'mL', 'L', '[IU]', 'U', 'meq', 'mmol']);
// Dose forms counted as units of administration: "2 tablets", "1片", "2粒".
const countForm = /(?<![\d.])(\d+(?:\.\d+)?|[一二两三四五六七八九十]|半)\s*(tablets?|tabs?|capsules?|caps?|puffs?|drops?|patch(?:es)?|片|粒|支|袋|喷|滴|贴|丸|包|揿)/i;

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
    const q = quantityAt(text, m.index, half);
    if (!q) continue;
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
    ...(freq ? { frequency: { code: freq.value.code, ...(freq.value.perDay !== undefined ? { perDay: freq.value.perDay } : {}), original: text.slice(freq.start, freq.end) } } : {}),
    ...(duration ? { duration } : {}),
    ...(prn ? { asNeeded: true } : {}),
    end,
  };
}
