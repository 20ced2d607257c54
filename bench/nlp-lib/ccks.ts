import { readFileSync } from 'node:fs';
import type { EntitySpan } from '../../src/nlp/index.js';

export interface CcksText {
  readonly record: number;
  readonly section: string;
  readonly text: string;
  readonly entities: EntitySpan[];
}

/** Reads the CCKS2017 JSONL: `{id, sections: {<sec>: {text, entities: [{mention, start, end (inclusive), type}]}}}`. */
export function readCcks(path: string): CcksText[] {
  const out: CcksText[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      const rec = JSON.parse(line) as {
        id: number;
        sections: Record<
          string,
          { text: string; entities: { mention: string; start: number; end: number; type: string }[] }
        >;
      };
      for (const [section, s] of Object.entries(rec.sections)) {
        const entities = s.entities.map((e) => {
          if (s.text.slice(e.start, e.end + 1) !== e.mention)
            throw new Error(`${path} line ${i + 1}: entity '${e.mention}' does not match the text at ${e.start}`);
          return { start: e.start, end: e.end + 1, type: e.type };
        });
        out.push({ record: rec.id, section, text: s.text, entities });
      }
    });
  return out;
}

/** CMeEE JSON: `[{text, entities: [{start_idx, end_idx (inclusive), type, entity}]}]`. */
export function readCmeee(path: string): { index: number; text: string; entities: EntitySpan[] }[] {
  const data = JSON.parse(readFileSync(path, 'utf8')) as {
    text: string;
    entities?: { start_idx: number; end_idx: number; type: string; entity: string }[];
  }[];
  return data.map((d, index) => ({
    index,
    text: d.text,
    entities: (d.entities ?? []).map((e) => ({ start: e.start_idx, end: e.end_idx + 1, type: e.type })),
  }));
}
