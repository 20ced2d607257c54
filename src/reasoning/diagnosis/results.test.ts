import { describe, expect, it } from 'vitest';
import type { Fact } from '../../core/index.js';
import { CodeSystems } from '../../core/index.js';
import type { MeasurementCriterion, StatementCriterion } from './results.js';
import { measuredDirection, measurementFinding, measures, statementFindings } from './results.js';

const bnp: MeasurementCriterion = {
  kind: 'measurement',
  loinc: ['33762-6'],
  direction: 'high',
  threshold: { value: 125, unit: 'pg/mL' },
};
const egfr: MeasurementCriterion = { kind: 'measurement', loinc: ['62238-1'], direction: 'low' };
const lab = (code: string, value: number, unit: string, extra: Partial<Fact> = {}): Fact => ({
  id: `${code}-${value}`,
  patientId: 'p',
  category: 'measurement',
  concept: { system: CodeSystems.loinc, code },
  assertion: 'present',
  subject: { who: 'patient' },
  value: { value, unit },
  sources: [{ kind: 'resource', resourceType: 'Observation', id: `${code}-${value}` }],
  ...extra,
});

describe('measurements read against their reference range', () => {
  it('takes the record interpretation first, then its range, then the cited threshold', () => {
    expect(measuredDirection(lab('33762-6', 90, 'pg/mL', { interpretation: 'H' }), bnp)).toBe('high');
    expect(measuredDirection(lab('33762-6', 5800, 'pg/mL', { referenceRange: { high: 6000 } }), bnp)).toBe('normal');
    expect(measuredDirection(lab('33762-6', 5800, 'pg/mL'), bnp)).toBe('high');
    expect(measuredDirection(lab('33762-6', 100, 'pg/mL'), bnp)).toBe('normal');
    expect(measuredDirection(lab('62238-1', 34, 'mL/min/{1.73_m2}', { referenceRange: { low: 60 } }), egfr)).toBe(
      'low',
    );
  });

  it('says nothing when the unit differs from the threshold and the record gives no range', () => {
    expect(measuredDirection(lab('33762-6', 5800, 'pmol/L'), bnp)).toBeUndefined();
    expect(measuredDirection(lab('62238-1', 34, 'mL/min'), egfr)).toBeUndefined();
  });

  it('makes a normal result a pertinent negative and matches only the criterion’s codes', () => {
    expect(measurementFinding(lab('33762-6', 100, 'pg/mL'), bnp)).toBe(false);
    expect(measurementFinding(lab('33762-6', 300, 'pg/mL'), bnp)).toBe(true);
    expect(measures(lab('2823-3', 6.5, 'mmol/L'), bnp)).toBe(false);
    expect(measures(lab('33762-6', 6.5, 'pg/mL'), bnp)).toBe(true);
  });
});

describe('statements in notes and reports', () => {
  const consolidation: StatementCriterion = {
    kind: 'statement',
    patterns: ['实变', '渗出', 'consolidation'],
    context: ['CT', '胸片', 'chest x-?ray'],
  };
  const af: StatementCriterion = { kind: 'statement', patterns: ['心房颤动', '房颤'], context: ['心电图'] };

  it('finds the statement in a sentence that names the test, citing the exact span', () => {
    const text = '入院后完善检查。胸部CT：右下肺斑片状实变影，考虑肺炎。心电图：心房颤动，心室率约110次/分。';
    const [hit] = statementFindings([{ document: 'n1', text }], consolidation);
    expect(hit!.present).toBe(true);
    expect(text.slice(hit!.source.start, hit!.source.end)).toBe('实变');
    const afHits = statementFindings([{ document: 'n1', text }], af);
    expect(afHits).toHaveLength(1); // 房颤 inside 心房颤动 is the same statement
    expect(afHits[0]!.source.quote).toBe('心房颤动');
  });

  it('reads a negated clause as absent and ignores a sentence about another test', () => {
    const text = '复查胸片：未见明显渗出。患者诉咳嗽伴渗出样痰。chest x-ray: no consolidation.';
    const hits = statementFindings([{ document: 'n2', text }], consolidation);
    expect(hits.map((h) => [h.source.quote, h.present])).toEqual([
      ['渗出', false],
      ['consolidation', false],
    ]);
  });
});
