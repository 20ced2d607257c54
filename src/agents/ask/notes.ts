import type { TextSource } from '../../core/index.js';
import type { ToolCaller } from './tools.js';

/** One sentence of a note, as the `search_notes` tool found it: its note and exact span. */
export interface NoteQuote {
  /** The note's text at [start, end) of `document`, verbatim. */
  readonly quote: string;
  readonly source: TextSource;
  /** The note's date, where the note has one. */
  readonly date?: string;
  /** False when the sentence runs past the search's context window (the quote is then part of it). */
  readonly whole: boolean;
}

/** What a note search looked at, so an absence sentence can say exactly what was searched. */
export interface NoteSearch {
  readonly terms: readonly string[];
  /** How many notes the patient has (as `search_notes` counted them). */
  readonly notes: number;
  /** Every sentence that mentions a term (before any cue filter). */
  readonly sentences: readonly NoteQuote[];
}

interface Occurrence {
  readonly document: string;
  readonly date?: string;
  readonly start: number;
  readonly end: number;
  readonly context: string;
}

/** The context window search_notes returns either side of an occurrence (tools-patient.ts). */
const CONTEXT = 40;
const BOUNDARY = /[。！？；!?;\n]|\.(?=\s|$)/g;

/** The sentence around [at, end) inside a context window that starts at `ctxStart` of the note. */
export function sentenceAround(
  occ: Occurrence,
): { start: number; end: number; text: string; whole: boolean } | undefined {
  const ctxStart = Math.max(0, occ.start - CONTEXT);
  const rel = occ.start - ctxStart;
  const relEnd = occ.end - ctxStart;
  const c = occ.context;
  if (rel < 0 || relEnd > c.length) return undefined;
  let from = 0;
  let to = c.length;
  let boundedLeft = ctxStart === 0;
  let boundedRight = false;
  for (const m of c.matchAll(BOUNDARY)) {
    const i = m.index ?? 0;
    if (i < rel) {
      from = i + 1;
      boundedLeft = true;
    } else if (i >= relEnd) {
      to = i + 1;
      boundedRight = true;
      break;
    }
  }
  if (!boundedRight && to === c.length && c.length < relEnd + CONTEXT) boundedRight = true; // the note ends there
  const raw = c.slice(from, to);
  const lead = raw.length - raw.trimStart().length;
  const text = raw.trim();
  if (!text) return undefined;
  const start = ctxStart + from + lead;
  return { start, end: start + text.length, text, whole: boundedLeft && boundedRight };
}

async function occurrences(caller: ToolCaller, patientId: string, query: string): Promise<[Occurrence[], number]> {
  const r = (await caller.call('search_notes', { patientId, query, limit: 200 })) as {
    notes?: number;
    occurrences?: Occurrence[];
  };
  return [r.occurrences ?? [], r.notes ?? 0];
}

/** The sentences of the patient's notes that mention any of `terms` (through `search_notes`), one per span. */
export async function searchNoteSentences(
  caller: ToolCaller,
  patientId: string,
  terms: readonly string[],
): Promise<NoteSearch> {
  const seen = new Map<string, NoteQuote>();
  let notes = 0;
  for (const term of terms) {
    const [occ, n] = await occurrences(caller, patientId, term);
    notes = Math.max(notes, n);
    for (const o of occ) {
      const s = sentenceAround(o);
      if (!s) continue;
      const key = `${o.document}[${s.start}`;
      if (seen.has(key)) continue;
      seen.set(key, {
        quote: s.text,
        source: { kind: 'text', document: o.document, start: s.start, end: s.end, quote: s.text },
        ...(o.date ? { date: o.date } : {}),
        whole: s.whole,
      });
    }
  }
  return { terms, notes, sentences: [...seen.values()] };
}

/**
 * The quote is verbatim in its note at its span: searched for again (`search_notes`), it occurs in the
 * same note at the same offset. Quotes longer than the tool's query limit are checked by their first 200 characters.
 */
export async function quoteStands(caller: ToolCaller, patientId: string, q: NoteQuote): Promise<boolean> {
  const probe = q.quote.slice(0, 200);
  const [occ] = await occurrences(caller, patientId, probe);
  return occ.some((o) => o.document === q.source.document && o.start === q.source.start);
}
