import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evalFhirPathTyped, parseFhirPath, toTypedValue } from '@medplum/core';
import { describe, expect, it } from 'vitest';
import { compileAccessor } from './accessor.js';
import { CRAFTED } from './__fixtures__/resources.js';
import { loadStructureDefinitions, searchParametersOf } from './registry.js';

/** Resources of the fixtures, the demo bundles and (when present) a sample of the shared Synthea bundles. */
function resources(): Record<string, unknown>[] {
  const out = [...CRAFTED];
  const fixtures = join(import.meta.dirname, '../../ingest/__fixtures__');
  for (const line of readFileSync(join(fixtures, 'patients.ndjson'), 'utf8').split('\n'))
    if (line.trim()) out.push(JSON.parse(line));
  const bundle = (file: string) => {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { entry?: { resource?: Record<string, unknown> }[] };
    for (const e of doc.entry ?? []) if (e.resource) out.push(e.resource);
  };
  bundle(join(fixtures, 'transaction.json'));
  const demo = join(import.meta.dirname, '../../../demo/synthea');
  for (const f of readdirSync(demo).filter((f) => f.endsWith('.json'))) bundle(join(demo, f));
  const shared = join(import.meta.dirname, '../../../../shared/data/synthea');
  if (existsSync(shared)) {
    const files = readdirSync(shared).filter((f) => f.endsWith('.json'));
    for (let i = 0; i < files.length; i += 4) bundle(join(shared, files[i]!));
  }
  return out;
}

describe('compileAccessor', () => {
  it('gives what evalFhirPathTyped gives, for every search parameter it compiles, on every resource', () => {
    loadStructureDefinitions();
    const compiled = new Set<string>();
    const fallback = new Set<string>();
    let compared = 0;
    for (const resource of resources()) {
      const input = [toTypedValue(resource)];
      for (const def of searchParametersOf(resource.resourceType as string).values()) {
        const read = compileAccessor(def.parsed);
        if (!read) {
          fallback.add(def.expression);
          continue;
        }
        compiled.add(def.expression);
        const expected = attempt(() => evalFhirPathTyped(def.parsed, input));
        expect(
          attempt(() => read(input)),
          `${resource.resourceType}/${resource.id}: ${def.expression}`,
        ).toEqual(expected);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(10_000);
    // Only expressions with a criteria of their own, a variable or a function other than where/as/ofType fall back.
    for (const expression of fallback) expect(expression).toMatch(/\.(where|exists)\(|\$|%|\.(extension|resolve)\(/);
    expect(compiled.size).toBeGreaterThan(5 * fallback.size);
  });

  it('compiles paths, unions, type filters and where(resolve() is Type); leaves other criteria to the engine', () => {
    loadStructureDefinitions();
    const input = [toTypedValue(CRAFTED[0]!)];
    const cases = [
      'Observation.effective',
      'Observation.value as Quantity',
      'Observation.component.value.ofType(string)',
      'Observation.contained.name.family',
      'Observation.performer.where(resolve() is Practitioner)',
      'Observation.performer.where(resolve() is Patient)',
      'Observation.code.coding.code | Observation.component.code.coding.code | Observation.code.coding.code',
      '(Observation.value as Quantity) | (Observation.component.value as Quantity)',
      'Observation.valueQuantity.value | Observation.valueQuantity.value',
      'Observation.meta.source | Observation.meta.tag',
    ];
    for (const expression of cases) {
      const parsed = parseFhirPath(expression);
      const expected = evalFhirPathTyped(parsed, input);
      expect(expected.length, expression).toBeGreaterThan(0);
      expect(compileAccessor(parsed)?.(input), expression).toEqual(expected);
    }
    for (const expression of ["Patient.telecom.where(system = 'email')", 'Patient.deceased.exists()', '%resource.id'])
      expect(compileAccessor(parseFhirPath(expression)), expression).toBeUndefined();
  });
});

/** The values, or that it throws (the engine wraps its errors in its own message; extract.ts skips either). */
function attempt<T>(f: () => T): T | 'throws' {
  try {
    return f();
  } catch {
    return 'throws';
  }
}
