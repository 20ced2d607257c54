import { describe, expect, it } from 'vitest';
import type { AnyResource } from '../../fusion/index.js';
import { SAFETY_RULES } from './catalog.js';
import { criticalLookback, inpatientStays } from './patient-safety.js';

const encounter = (id: string, code: string, start?: string) =>
  ({
    resourceType: 'Encounter',
    id,
    class: { code },
    ...(start ? { period: { start } } : {}),
  }) as AnyResource;

describe('inpatientStays', () => {
  it('keeps inpatient encounters only, latest first', () => {
    const stays = inpatientStays([
      encounter('old', 'IMP', '2024-01-02T08:00:00Z'),
      encounter('clinic', 'AMB', '2024-06-01T08:00:00Z'),
      { resourceType: 'Patient', id: 'p1' } as AnyResource,
      encounter('new', 'IMP', '2024-03-05T08:00:00Z'),
    ]);
    expect(stays.map((s) => s.id)).toEqual(['new', 'old']);
  });
});

describe('criticalLookback', () => {
  const critical = SAFETY_RULES.filter((r) => r.group === 'critical-value');

  it('looks back over the whole stay plus a day, for critical-value rules only, keeping stored settings', () => {
    const rule = critical[0]!;
    const stored = { [rule.id]: { enabled: true, params: { other: 1 } } };
    const config = criticalLookback(SAFETY_RULES, stored, '2024-01-03T10:30:00Z', '2024-01-01T08:00:00Z');
    // 50.5 h of stay, rounded up, plus 24 h.
    expect(config[rule.id]).toEqual({ enabled: true, params: { other: 1, lookbackHours: 75 } });
    expect(Object.keys(config).sort()).toEqual(critical.map((r) => r.id).sort());
  });

  it('changes nothing when the stay has no start', () => {
    expect(criticalLookback(SAFETY_RULES, {}, '2024-01-03T10:30:00Z', '')).toEqual({});
  });
});
