import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { capabilityStatement } from './capability.js';
import { conformanceTable, END, requiredParams, START, withConformance } from './conformance.js';

const readme = () => readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const table = () =>
  conformanceTable(
    capabilityStatement('http://localhost/fhir', { software: 'MedSeek', version: '-', date: '-' }),
    requiredParams(),
  );

describe('README FHIR conformance section', () => {
  it('is what the CapabilityStatement gives (run `npm run fhir:table` after changing the API)', () => {
    expect(withConformance(readme(), table())).toBe(readme());
  });

  it('reports every US Core 6.1 and IPS parameter of the served types as supported', () => {
    expect(table()).toMatch(/\| \*\*all\*\* \| \*\*(\d+)\*\* \| \*\*\1\*\* \| \|/);
    expect(table()).not.toMatch(/\| \*\*all\*\* \| \*\*(\d+)\*\* \| \*\*(?!\1\*\*)\d+\*\*/);
  });

  it('replaces only the text between its markers', () => {
    expect(withConformance(`a\n${START}\nold\n${END}\nb`, 'new')).toBe(`a\n${START}\nnew\n${END}\nb`);
    expect(() => withConformance('a', 'new')).toThrow(/markers/);
  });
});
