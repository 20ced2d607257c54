import { readFileSync } from 'node:fs';
import { invalid } from '../../core/index.js';
import { detectPhi, type PhiKind, type PhiSpan } from './detect.js';

/** One annotated note: the plain text and its gold PHI spans. */
export interface AnnotatedNote {
  readonly text: string;
  readonly gold: readonly PhiSpan[];
}

/**
 * Reads a PHI fixture: notes separated by a line `---`, `#` comment lines at the top of the file,
 * PHI marked inline as `[[KIND|text]]`.
 */
export function parseAnnotatedNotes(source: string, where = 'fixture'): AnnotatedNote[] {
  const body = source
    .split('\n')
    .filter((line, i, all) => !(line.startsWith('#') && all.slice(0, i).every((l) => l.startsWith('#'))))
    .join('\n');
  const kinds = new Set<PhiKind>(['NAME', 'ID', 'INSURANCE', 'MRN', 'PHONE', 'EMAIL', 'ADDRESS', 'DATE', 'AGE']);
  return body
    .split(/\n---\n?/)
    .map((n) => n.trim())
    .filter(Boolean)
    .map((note, index) => {
      let text = '';
      const gold: PhiSpan[] = [];
      let at = 0;
      for (const m of note.matchAll(/\[\[([A-Z]+)\|([^\]]+)\]\]/g)) {
        const kind = m[1] as PhiKind;
        if (!kinds.has(kind)) throw invalid(`unknown PHI kind '${kind}'`, { where: `${where} note ${index + 1}` });
        text += note.slice(at, m.index);
        gold.push({ kind, start: text.length, end: text.length + m[2]!.length, text: m[2]! });
        text += m[2]!;
        at = m.index + m[0].length;
      }
      text += note.slice(at);
      return { text, gold };
    });
}

export function loadAnnotatedNotes(path: string): AnnotatedNote[] {
  return parseAnnotatedNotes(readFileSync(path, 'utf8'), path);
}

export interface DeidScore {
  readonly notes: number;
  readonly gold: number;
  readonly detected: number;
  /** Gold spans overlapped by a detection / all gold spans. */
  readonly recall: number;
  /** Detections overlapping a gold span / all detections. */
  readonly precision: number;
  /** Gold characters covered / all gold characters. */
  readonly charRecall: number;
  readonly byKind: Readonly<Record<string, { gold: number; found: number; recall: number }>>;
  readonly missed: readonly { kind: PhiKind; text: string }[];
  readonly spurious: readonly { kind: PhiKind; text: string }[];
}

/** Scores `detect` (default: `detectPhi`) on annotated notes, entity-level with overlap. */
export function scoreDeid(
  notes: readonly AnnotatedNote[],
  detect: (text: string) => readonly PhiSpan[] = (t) => detectPhi(t),
): DeidScore {
  let gold = 0;
  let found = 0;
  let detected = 0;
  let truePos = 0;
  let goldChars = 0;
  let coveredChars = 0;
  const byKind: Record<string, { gold: number; found: number; recall: number }> = {};
  const missed: { kind: PhiKind; text: string }[] = [];
  const spurious: { kind: PhiKind; text: string }[] = [];
  for (const note of notes) {
    const spans = detect(note.text);
    detected += spans.length;
    for (const g of note.gold) {
      gold++;
      const k = byKind[g.kind] ?? { gold: 0, found: 0, recall: 0 };
      byKind[g.kind] = k;
      k.gold++;
      const hit = spans.some((s) => s.start < g.end && g.start < s.end);
      if (hit) {
        found++;
        k.found++;
      } else missed.push({ kind: g.kind, text: g.text });
      goldChars += g.end - g.start;
      for (let i = g.start; i < g.end; i++) if (spans.some((s) => s.start <= i && i < s.end)) coveredChars++;
    }
    for (const s of spans) {
      if (note.gold.some((g) => s.start < g.end && g.start < s.end)) truePos++;
      else spurious.push({ kind: s.kind, text: s.text });
    }
  }
  for (const k of Object.values(byKind)) k.recall = k.gold ? k.found / k.gold : 1;
  return {
    notes: notes.length,
    gold,
    detected,
    recall: gold ? found / gold : 1,
    precision: detected ? truePos / detected : 1,
    charRecall: goldChars ? coveredChars / goldChars : 1,
    byKind,
    missed,
    spurious,
  };
}
