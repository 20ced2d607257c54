import { Hl7Message, type Hl7Segment } from '@medplum/core';
import { Hl7Error } from './error.js';

/**
 * A parsed v2 message: @medplum/core's Hl7Message (delimiters from MSH-1/MSH-2, segments, fields,
 * repetitions, components) plus what MedSeek checks before it reads further: a whole MSH with sane
 * delimiters, the message type, control id and version. Values are read through `value`, which
 * also undoes the escape sequences of v2.5.1 §2.7 (Hl7Message keeps them as sent).
 */
export interface ParsedMessage {
  readonly message: Hl7Message;
  readonly type: string;
  readonly trigger: string;
  readonly controlId: string;
  readonly version: string;
  readonly sendingApplication: string;
  readonly sendingFacility: string;
  /** MSH-7, the message's date/time (its offset is the default for times without one). */
  readonly dateTime: string;
}

const ALNUM = /[A-Za-z0-9\s]/;

export function parseMessage(text: string): ParsedMessage {
  const body = text.replace(/^[\r\n]+/, '');
  if (!body.startsWith('MSH'))
    throw new Hl7Error('AR', 100, { segment: 'MSH' }, `the message does not begin with an MSH segment`);
  const fieldSep = body.charAt(3);
  if (fieldSep === '' || ALNUM.test(fieldSep))
    throw new Hl7Error('AR', 102, { segment: 'MSH', field: 1 }, `the field separator '${fieldSep}' is not a delimiter`);
  // MSH-2: component, repetition, escape and subcomponent characters, and from v2.7 a truncation character.
  const end = body.indexOf(fieldSep, 4);
  const encoding = body.slice(4, end < 0 ? 8 : end);
  const chars = [fieldSep, ...encoding];
  if (![4, 5].includes(encoding.length) || chars.some((c) => ALNUM.test(c)) || new Set(chars).size !== chars.length)
    throw new Hl7Error(
      'AR',
      102,
      { segment: 'MSH', field: 2 },
      `the encoding characters '${encoding}' are not four distinct delimiters different from the field separator`,
    );
  const message = Hl7Message.parse(body);
  // Hl7Message.parse keeps the empty segment after a final carriage return: drop it.
  const segments = message.segments.filter((s) => s.name !== '');
  message.segments.splice(0, message.segments.length, ...segments);
  for (const [i, s] of segments.entries()) {
    if (!/^[A-Z][A-Z0-9]{2}$/.test(s.name))
      throw new Hl7Error(
        'AE',
        100,
        { segment: s.name || '(empty)', sequence: i + 1 },
        `'${s.name}' is not a segment id`,
      );
  }
  const msh = segments[0]!;
  const required = (n: number, what: string): string => {
    const v = value(msh, n);
    if (!v) throw new Hl7Error('AR', 101, { segment: 'MSH', field: n }, `${what} (MSH-${n}) is missing`);
    return v;
  };
  const type = required(9, 'the message type');
  const trigger = value(msh, 9, 2);
  const controlId = required(10, 'the message control id');
  const version = required(12, 'the version id');
  if (!/^2\.\d/.test(version))
    throw new Hl7Error(
      'AR',
      203,
      { segment: 'MSH', field: 12 },
      `version '${version}' is not an HL7 version 2 release`,
    );
  return {
    message,
    type,
    trigger,
    controlId,
    version,
    sendingApplication: value(msh, 3),
    sendingFacility: value(msh, 4),
    dateTime: value(msh, 7),
  };
}

/** Field `n`, component `c` (1-based), repetition `rep` (0-based), escape sequences undone. */
export function value(segment: Hl7Segment | undefined, n: number, c = 1, rep = 0): string {
  const field = segment?.getField(n);
  if (!field || rep >= field.components.length) return '';
  return unescapeHl7(field.getComponent(c, undefined, rep), segment!.context);
}

/** Subcomponent `s` (1-based) of component `c`. */
export function subValue(segment: Hl7Segment | undefined, n: number, c: number, s: number, rep = 0): string {
  const field = segment?.getField(n);
  if (!field || rep >= field.components.length) return '';
  return unescapeHl7(field.getComponent(c, s - 1, rep), segment!.context);
}

/** How many repetitions field `n` holds (0 when empty). */
export function repetitions(segment: Hl7Segment | undefined, n: number): number {
  const field = segment?.getField(n);
  if (!field) return 0;
  const count = field.components.length;
  return count === 1 && field.components[0]!.every((c) => c === '') ? 0 : count;
}

type Context = Hl7Segment['context'];

/** v2.5.1 §2.7.4: \F\ \S\ \T\ \R\ \E\ stand for the delimiters, \.br\ a line break, \Xhh…\ bytes. */
export function unescapeHl7(text: string, ctx: Context): string {
  const e = ctx.escapeCharacter;
  if (!text.includes(e)) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const end = text[i] === e ? text.indexOf(e, i + 1) : -1;
    if (end < 0) {
      out += text[i];
      i++;
      continue;
    }
    const seq = text.slice(i + 1, end);
    const known: Record<string, string> = {
      F: ctx.fieldSeparator,
      S: ctx.componentSeparator,
      T: ctx.subcomponentSeparator,
      R: ctx.repetitionSeparator,
      E: e,
      '.br': '\n',
      H: '',
      N: '',
    };
    if (seq in known) out += known[seq];
    else if (/^X([0-9A-Fa-f]{2})+$/.test(seq)) out += Buffer.from(seq.slice(1), 'hex').toString('utf8');
    else out += text.slice(i, end + 1);
    i = end + 1;
  }
  return out;
}

/** The inverse of `unescapeHl7` for text MedSeek writes into an ACK (ERR-8, MSA-3). */
export function escapeHl7(text: string, ctx: Context): string {
  const map = new Map([
    [ctx.escapeCharacter, 'E'],
    [ctx.fieldSeparator, 'F'],
    [ctx.componentSeparator, 'S'],
    [ctx.subcomponentSeparator, 'T'],
    [ctx.repetitionSeparator, 'R'],
  ]);
  let out = '';
  for (const ch of text) {
    const code = map.get(ch);
    out += code ? `${ctx.escapeCharacter}${code}${ctx.escapeCharacter}` : ch === '\r' || ch === '\n' ? ' ' : ch;
  }
  return out;
}

/** The segments with their 1-based occurrence number per name (for error locations). */
export function numbered(message: Hl7Message): { segment: Hl7Segment; sequence: number }[] {
  const seen = new Map<string, number>();
  return message.segments.map((segment) => {
    const sequence = (seen.get(segment.name) ?? 0) + 1;
    seen.set(segment.name, sequence);
    return { segment, sequence };
  });
}
