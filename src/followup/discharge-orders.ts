import type { TextSource } from '../core/index.js';
import { parseZhNumber } from '../nlp/index.js';

/** A note as the plan reads it: its document key (`DocumentReference/…`), text and date. */
export interface NoteInput {
  readonly document: string;
  readonly text: string;
  readonly date?: string;
}

/** One numbered line of a discharge summary's 出院医嘱 (discharge orders), with its exact span. */
export interface DischargeOrder {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly source: TextSource;
  /** It asks for a visit or a repeat test (复查, 复诊, 随访, follow-up, recheck). */
  readonly followUp: boolean;
  readonly kind: 'appointment' | 'lab' | 'imaging';
  /** "1周内", "2周后", "1个月后" → days; absent when the order names no time. */
  readonly dueDays?: number;
}

const DISCHARGE_NOTE = /出院记录|出院小结|discharge summary/i;
const ORDERS_HEADING = /(出院医嘱|discharge (?:orders|instructions))\s*[：:]/i;
/** The next heading ("过敏提示：") or the end of the text closes the orders. */
const NEXT_HEADING = /\n\s*[^\n\d：:]{2,8}[：:]/;
const FOLLOW_UP = /复查|复诊|随访|follow[- ]?up|recheck|review/i;
const VISIT = /复诊|随访|门诊|follow[- ]?up|clinic/i;
const IMAGING = /CT|MRI|超声|彩超|X线|胸片|造影|imaging|x-ray|ultrasound/i;
const UNIT_DAYS: Record<string, number> = {
  天: 1,
  日: 1,
  周: 7,
  星期: 7,
  个月: 30,
  月: 30,
  day: 1,
  week: 7,
  month: 30,
};
const WHEN =
  /(\d+|[一二两三四五六七八九十])\s*(天|日|周|星期|个月|月|days?|weeks?|months?)\s*(内|后|以内|之后|later|within)?/i;

function daysOf(text: string): number | undefined {
  const m = WHEN.exec(text);
  if (!m) return undefined;
  const n = parseZhNumber(m[1]!);
  const unit = m[2]!.toLowerCase().replace(/s$/, '');
  const per = UNIT_DAYS[unit];
  return n !== undefined && per !== undefined ? n * per : undefined;
}

/**
 * The numbered orders of the latest discharge summary among `notes` (the 出院医嘱 section, items
 * `1. …`, `2、…`), each with its span in the note so the plan can cite it.
 */
export function dischargeOrders(notes: readonly NoteInput[]): DischargeOrder[] {
  const note = [...notes]
    .filter((n) => DISCHARGE_NOTE.test(n.text.slice(0, 40)) && ORDERS_HEADING.test(n.text))
    .sort((a, b) => (a.date ?? '').localeCompare(b.date ?? ''))
    .at(-1);
  if (!note) return [];
  const heading = ORDERS_HEADING.exec(note.text)!;
  const from = heading.index + heading[0].length;
  const rest = note.text.slice(from);
  const close = NEXT_HEADING.exec(rest);
  const section = close ? rest.slice(0, close.index) : rest;
  const out: DischargeOrder[] = [];
  // An item starts at the section's start or after a separator: "0.5g" inside an order is not item 0.
  const marks = [...section.matchAll(/(?:^|[；;。\n])\s*\d+\s*[.、．)]\s*/g)];
  for (const [i, mark] of marks.entries()) {
    const s = mark.index + mark[0].length;
    const raw = section.slice(s, marks[i + 1]?.index ?? section.length);
    const text = raw.replace(/[；;。，,\s]+$/, '').trim();
    if (!text) continue;
    const start = from + s + raw.indexOf(text);
    const end = start + text.length;
    const followUp = FOLLOW_UP.test(text);
    const dueDays = daysOf(text);
    out.push({
      text,
      start,
      end,
      source: { kind: 'text', document: note.document, start, end, quote: text },
      followUp,
      kind: IMAGING.test(text) ? 'imaging' : VISIT.test(text) ? 'appointment' : 'lab',
      ...(dueDays !== undefined ? { dueDays } : {}),
    });
  }
  return out;
}
