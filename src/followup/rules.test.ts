import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { followUpRulesFrom, loadFollowUpRules } from './index.js';

const raw = (name: string) =>
  JSON.parse(readFileSync(new URL(`../knowledge/data/followup/${name}`, import.meta.url), 'utf8'));

describe('the follow-up rule files', () => {
  it('load with an authority, a document and a citation for every rule', () => {
    const rules = loadFollowUpRules();
    expect(rules.monitoring.length).toBeGreaterThan(10);
    for (const r of [...rules.monitoring, ...rules.readings]) {
      expect(r.source.name, r.id).toBeTruthy();
      expect(r.source.document, r.id).toBeTruthy();
      expect(r.citation.length, r.id).toBeGreaterThan(20);
    }
  });

  it('refuse a rule citing an unknown source, naming the rule and the field', () => {
    const m = raw('monitoring.json');
    m.rules[0].source = 'nobody-2099';
    expect(() => followUpRulesFrom(m, raw('readings.json'))).toThrow(
      expect.objectContaining({
        message: expect.stringContaining("unknown source 'nobody-2099'"),
        location: expect.objectContaining({ field: 'source', where: expect.stringContaining('FU-INR-WARFARIN') }),
      }),
    );
  });

  it('refuse a lab rule without its test code, and a reading rule tied to no plan rule', () => {
    const m = raw('monitoring.json');
    delete m.rules[0].code;
    expect(() => followUpRulesFrom(m, raw('readings.json'))).toThrow(/a lab rule needs the test code/);
    const r = raw('readings.json');
    r.rules[0].when = 'FU-NOTHING';
    expect(() => followUpRulesFrom(raw('monitoring.json'), r)).toThrow(/'when' names no monitoring rule 'FU-NOTHING'/);
    const bad = raw('readings.json');
    bad.rules[0].severity = 'sometimes';
    expect(() => followUpRulesFrom(raw('monitoring.json'), bad)).toThrow(
      expect.objectContaining({ location: expect.objectContaining({ field: 'rules.0.severity' }) }),
    );
  });
});
