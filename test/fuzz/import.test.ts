import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type FhirResource,
  type ImportSummary,
  importPath,
  type IngestSink,
  validationErrors,
} from '../../src/ingest/index.js';
import { anyResource, anyValue, ndjsonLine, reportCases, RUNS, settings, TIMEOUT } from './support.js';

/**
 * Generated bad input at `medseek import` (NDJSON and Bundles): the import never throws, every bad
 * line or entry gets an error naming where it is (and the element, when it is a resource), the
 * valid rest is stored, a transaction is all or nothing, and nothing invalid is ever stored.
 */
const dir = mkdtempSync(join(tmpdir(), 'medseek-fuzz-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An atomic write is all or nothing, as in the store. */
function memorySink(): IngestSink & { rows: Map<string, FhirResource> } {
  const rows = new Map<string, FhirResource>();
  return {
    rows,
    async write(resources: readonly FhirResource[]) {
      for (const r of resources) rows.set(`${r.resourceType}/${r.id}`, r);
      return resources.map(() => 'created' as const);
    },
  };
}

let file = 0;
async function importText(
  name: string,
  text: string,
): Promise<{ summary: ImportSummary; rows: Map<string, FhirResource> }> {
  const path = join(dir, `${file++}-${name}`);
  writeFileSync(path, text);
  const sink = memorySink();
  const summary = await importPath(path, sink);
  rmSync(path);
  return { summary, rows: sink.rows };
}

function storedAreValid(rows: Map<string, FhirResource>): void {
  for (const r of rows.values()) expect(validationErrors(r, { inBundle: true })).toEqual([]);
}

describe('fuzz: FHIR import', () => {
  it(
    `NDJSON: each bad line is reported with its line (and element); the valid rest is stored (${RUNS} cases)`,
    async () => {
      let cases = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(ndjsonLine, { minLength: 1, maxLength: 4 }), async (lines) => {
          cases++;
          // The file must look like NDJSON to be read as NDJSON: a name that says so, an object first.
          const text = ['{"resourceType":"Patient","id":"first"}', ...lines].join('\n');
          const { summary, rows } = await importText('f.ndjson', text);
          const nonBlank = text.split('\n').filter((l) => l.trim() !== '').length;
          expect(summary.read).toBe(nonBlank);
          expect(summary.created + summary.rejected).toBe(summary.read);
          expect(rows.size).toBe(summary.created);
          storedAreValid(rows);
          const rejectedLines = new Set(summary.errors.map((e) => e.where));
          expect(rejectedLines.size).toBe(summary.rejected);
          for (const e of summary.errors) {
            expect(e.where).toMatch(/^line \d+$/);
            const line = text.split('\n')[Number(e.where!.slice(5)) - 1]!;
            const parsed = tryParse(line);
            // A JSON object with a resourceType is a resource: its problem names an element.
            if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && 'resourceType' in parsed)
              expect(e.field, e.message).toBeTruthy();
          }
        }),
        settings(),
      );
      reportCases('NDJSON import', cases);
    },
    TIMEOUT,
  );

  it(
    `Bundles: a transaction is all or nothing, a batch or collection stores its valid entries (${RUNS} cases)`,
    async () => {
      let cases = 0;
      const bundle = fc.record({
        type: fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom('transaction', 'batch', 'collection') },
          { weight: 1, arbitrary: anyValue },
        ),
        entry: fc.oneof(
          { weight: 8, arbitrary: fc.array(fc.record({ resource: anyResource }), { minLength: 1, maxLength: 3 }) },
          { weight: 1, arbitrary: anyValue },
        ),
      });
      await fc.assert(
        fc.asyncProperty(bundle, async (b) => {
          cases++;
          const { summary, rows } = await importText('b.json', JSON.stringify({ resourceType: 'Bundle', ...b }));
          storedAreValid(rows);
          expect(rows.size).toBe(summary.created);
          for (const e of summary.errors) expect(e.where ?? e.file).toBeTruthy();
          const entries = Array.isArray(b.entry) ? b.entry.length : 0;
          if (b.type === 'transaction' && summary.rejected > 0) expect(rows.size).toBe(0);
          if (b.type === 'transaction' && summary.rejected === 0 && summary.errors.length === 0)
            expect(rows.size).toBe(entries);
          // Every entry is accounted for: stored or rejected with an error naming it (a problem with
          // the file as a whole, such as a bad Bundle.type, is counted under '(file)').
          const whole = summary.byType['(file)']?.rejected ?? 0;
          expect(summary.created + summary.rejected - whole).toBe(summary.read);
          if (whole > 0) expect(rows.size).toBe(0);
        }),
        settings(),
      );
      reportCases('Bundle import', cases);
    },
    TIMEOUT,
  );
});

function tryParse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
