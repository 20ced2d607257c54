import { describe, expect, it } from 'vitest';
import { isMedSeekError } from '../../../core/index.js';
import { applyJsonPatch, parseJsonPatch } from './json-patch.js';

const patient = { resourceType: 'Patient', id: 'p1', name: [{ family: 'Li', given: ['Na'] }], active: true };

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (isMedSeekError(e)) return e.location.field;
    throw e;
  }
  throw new Error('expected an error');
}

describe('JSON Patch (RFC 6902)', () => {
  it('applies add, replace, remove, copy and move in order, leaving the input untouched', () => {
    const out = applyJsonPatch(
      patient,
      parseJsonPatch([
        { op: 'add', path: '/name/0/given/-', value: 'Mei' },
        { op: 'replace', path: '/active', value: false },
        { op: 'add', path: '/gender', value: 'female' },
        { op: 'copy', from: '/name/0', path: '/name/1' },
        { op: 'move', from: '/gender', path: '/birthSex' },
        { op: 'remove', path: '/name/1' },
        { op: 'test', path: '/name/0/given', value: ['Na', 'Mei'] },
      ]),
    );
    expect(out).toEqual({
      resourceType: 'Patient',
      id: 'p1',
      name: [{ family: 'Li', given: ['Na', 'Mei'] }],
      active: false,
      birthSex: 'female',
    });
    expect(patient.name[0]!.given).toEqual(['Na']);
  });

  it('inserts into an array at an index and unescapes ~0 and ~1 in pointers', () => {
    const out = applyJsonPatch({ a: [1, 3], 'x/y': { '~k': 1 } }, [
      { op: 'add', path: '/a/1', value: 2 },
      { op: 'replace', path: '/x~1y/~0k', value: 2 },
    ]);
    expect(out).toEqual({ a: [1, 2, 3], 'x/y': { '~k': 2 } });
  });

  it('names the failing operation: a missing target, an index past the end, a failed test', () => {
    expect(fieldOf(() => applyJsonPatch(patient, [{ op: 'replace', path: '/gender', value: 'x' }]))).toBe(
      'patch[0].path',
    );
    expect(
      fieldOf(() =>
        applyJsonPatch(patient, [
          { op: 'add', path: '/active', value: true },
          { op: 'add', path: '/name/5', value: {} },
        ]),
      ),
    ).toBe('patch[1].path');
    expect(fieldOf(() => applyJsonPatch(patient, [{ op: 'test', path: '/active', value: false }]))).toBe(
      'patch[0].value',
    );
    expect(fieldOf(() => applyJsonPatch(patient, [{ op: 'move', from: '/name', path: '/name/0/x' }]))).toBe(
      'patch[0].from',
    );
  });

  it('refuses a document that is not a JSON Patch, naming the member', () => {
    expect(fieldOf(() => parseJsonPatch({ op: 'add' }))).toBe('patch');
    expect(fieldOf(() => parseJsonPatch([{ op: 'merge', path: '/a' }]))).toBe('patch[0].op');
    expect(fieldOf(() => parseJsonPatch([{ op: 'add', path: '/a' }]))).toBe('patch[0].value');
    expect(fieldOf(() => parseJsonPatch([{ op: 'copy', path: '/a' }]))).toBe('patch[0].from');
    // The pointer's syntax is checked when applied (next test).
    expect(() => parseJsonPatch([{ op: 'remove', path: 'a' }])).not.toThrow();
  });

  it('refuses a pointer without a leading slash when applied', () => {
    expect(fieldOf(() => applyJsonPatch(patient, parseJsonPatch([{ op: 'remove', path: 'active' }])))).toBe(
      'patch[0].path',
    );
  });
});
