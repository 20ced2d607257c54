import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { invalid } from '../core/index.js';
import type { ConfirmedCase } from './sufficient-stats.js';

/** Confirmed cases from a JSON-lines file, one `{"id"?, "diagnosis", "input": {age?, sex?, findings}, "department"?}` a line. */
export function readConfirmedCases(path: string): ConfirmedCase[] {
  return readFileSync(resolve(path), 'utf8')
    .split('\n')
    .flatMap((line, i) => {
      if (!line.trim()) return [];
      const where = `${path} line ${i + 1}`;
      let c: Partial<ConfirmedCase>;
      try {
        c = JSON.parse(line) as Partial<ConfirmedCase>;
      } catch (e) {
        throw invalid(`not JSON: ${(e as Error).message}`, { where });
      }
      if (typeof c.diagnosis !== 'string') throw invalid('must be a disease id', { where, field: 'diagnosis' });
      if (!Array.isArray(c.input?.findings)) throw invalid('must be a list', { where, field: 'input.findings' });
      if (c.department !== undefined && typeof c.department !== 'string')
        throw invalid('must be a string', { where, field: 'department' });
      return [c as ConfirmedCase];
    });
}
