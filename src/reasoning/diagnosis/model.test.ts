import { describe, expect, it } from 'vitest';
import { tinyModel } from './__fixtures__/build.js';
import { resolveCase } from './evidence.js';
import { validateModel } from './model.js';
import { compileNetwork } from './network.js';

describe('causal model validation', () => {
  it('names the entry and field at fault, and counts the rest', () => {
    const m = tinyModel({ A: 0.1 }, { F: 0.01 }, [['A', 'F', 0.5]]);
    expect(() => validateModel({ ...m, diseases: [{ ...m.diseases[0]!, prior: 1.5 }] })).toThrow(
      /diseases\[0\] field prior: .*prior 1.5 is not a probability/,
    );
    expect(() =>
      validateModel({
        ...m,
        edges: [
          { ...m.edges[0]!, to: 'G' },
          { ...m.edges[0]!, from: 'Z' },
        ],
      }),
    ).toThrow(/edges\[0\] field to: .*unknown finding 'G' \(and 1 more\)/);
    expect(() =>
      validateModel({ ...m, findings: [...m.findings, { id: 'A', name: { en: 'A' }, kind: 'symptom', leak: 0 }] }),
    ).toThrow(/duplicate id 'A'/);
  });

  it('names an unknown finding or option in a case', () => {
    const net = compileNetwork(tinyModel({ A: 0.1 }, { F: 0.01 }, [['A', 'F', 0.5]]));
    expect(() => resolveCase(net, { findings: [{ id: 'F' }, { id: 'nope' }] })).toThrow(
      /findings\[1\] field id: unknown finding 'nope'/,
    );
  });

  it('uses the stratified prior that matches the patient, else the general one', () => {
    const m = tinyModel({ A: 0.01 }, { F: 0.01 }, [['A', 'F', 0.5]]);
    const net = compileNetwork({
      ...m,
      diseases: [{ ...m.diseases[0]!, priors: [{ sex: 'female', ageFrom: 15, ageTo: 50, prior: 0.2 }] }],
    });
    expect(resolveCase(net, { sex: 'female', age: 30, findings: [] }).priors[0]).toBeCloseTo(0.2, 12);
    expect(resolveCase(net, { sex: 'male', age: 30, findings: [] }).priors[0]).toBeCloseTo(0.01, 12);
    expect(resolveCase(net, { findings: [] }).priors[0]).toBeCloseTo(0.01, 12);
  });
});
