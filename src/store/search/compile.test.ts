import { evalFhirPathTyped, parseFhirPath, toTypedValue } from '@medplum/core';
import { describe, expect, it } from 'vitest';
import { compileExpression } from './compile.js';
import { CRAFTED } from './__fixtures__/resources.js';
import { loadStructureDefinitions, searchParametersOf } from './registry.js';

describe('compileExpression', () => {
  it('gives what evalFhirPathTyped gives, for every search parameter of these resources', () => {
    loadStructureDefinitions();
    let compared = 0;
    for (const resource of CRAFTED) {
      const input = [toTypedValue(resource)];
      for (const def of searchParametersOf(resource.resourceType as string).values()) {
        const expected = attempt(() => evalFhirPathTyped(def.parsed, input));
        expect(
          attempt(() => def.evaluate(input)),
          def.expression,
        ).toEqual(expected);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('keeps primitive extensions, choices and contained resources as the engine types them', () => {
    loadStructureDefinitions();
    const input = [toTypedValue(CRAFTED[0]!)];
    const cases = [
      'Observation.effective',
      'Observation.value as Quantity',
      'Observation.component.value.ofType(string)',
      'Observation.contained.name.family',
      'Observation.performer.where(resolve() is Practitioner)',
      'Observation.code.coding.code | Observation.component.code.coding.code | Observation.code.coding.code',
      // A union of one item (nothing to remove) and one of two equal numbers (FHIRPath equality removes one).
      '(Observation.value as Quantity) | (Observation.value as SampledData)',
      'Observation.valueQuantity.value | Observation.valueQuantity.value',
    ];
    for (const expression of cases) {
      const parsed = parseFhirPath(expression);
      const expected = evalFhirPathTyped(parsed, input);
      expect(expected.length, expression).toBeGreaterThan(0);
      expect(compileExpression(parsed)(input), expression).toEqual(expected);
    }
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
