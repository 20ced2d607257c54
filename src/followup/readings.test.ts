import { describe, expect, it } from 'vitest';
import { demoInpatient } from './__fixtures__/demo.js';
import {
  buildFollowUpPlan,
  checkReading,
  evaluateReadings,
  type HomeReading,
  loadFollowUpRules,
  type ReadingValue,
} from './index.js';

const rules = loadFollowUpRules();
const symptomIds = new Set(rules.symptoms.map((s) => s.id));

/** A reading on day `d` (1 = the day after discharge) at `hh:00` Beijing time. */
const day = (patientId: string, d: number, hh: number, value: ReadingValue, n = 0): HomeReading => ({
  id: `r-${d}-${hh}-${value.kind}-${n}`,
  patientId,
  at: new Date(Date.parse('2024-03-01T00:00:00+08:00') + (d - 1) * 86_400_000 + hh * 3_600_000).toISOString(),
  value,
});

describe('a scripted week of home readings', () => {
  it('李秀英 (heart failure, warfarin): exactly the weight gain, severe BP, HF symptoms and missed warfarin', () => {
    const { state, notes } = demoInpatient('zh-hf-af-warfarin.json');
    const plan = buildFollowUpPlan({ state, notes, rules });
    const p = state.patientId;
    const warfarin = { atc: 'B01AA03', name: '华法林' };
    const week: HomeReading[] = [
      // Weight: +2.4 kg from day 1 by day 4 raises once; day 5 is still up (no second alert); then it falls.
      ...[64.5, 64.8, 65.4, 66.9, 67.2, 66.0, 65.0].map((kg, i) => day(p, i + 1, 7, { kind: 'weight', kg })),
      // Blood pressure: normal all week but one reading at 184/96 (severe); the week's mean stays below 135/85.
      ...[118, 122, 184, 120, 116, 119, 121].map((s, i) =>
        day(p, i + 1, 8, { kind: 'blood-pressure', systolic: s, diastolic: s === 184 ? 96 : 72 }),
      ),
      day(p, 2, 20, { kind: 'symptom', symptoms: ['dizzy'] }),
      day(p, 4, 20, { kind: 'symptom', symptoms: ['ankle-swelling', 'breathless-worse'] }),
      // Warfarin: one missed dose is not an alert, a second within 7 days is (once).
      day(p, 2, 21, { kind: 'adherence', drug: warfarin, taken: false }),
      day(p, 3, 21, { kind: 'adherence', drug: warfarin, taken: true }),
      day(p, 5, 21, { kind: 'adherence', drug: warfarin, taken: false }),
      day(p, 6, 21, { kind: 'adherence', drug: warfarin, taken: false }),
    ];
    for (const r of week) checkReading(r, symptomIds);
    const alerts = evaluateReadings({ rules, readings: week, applicable: plan.readingRules });
    expect(
      alerts.map(
        (a) =>
          `${a.ruleId} @ day ${Math.round((Date.parse(a.at) - Date.parse('2024-03-01T00:00:00+08:00')) / 86_400_000 + 0.5)}`,
      ),
    ).toEqual([
      'HR-BP-SEVERE @ day 3',
      'HR-WEIGHT-GAIN-HF @ day 4',
      'HR-SYMPTOM-HF @ day 4',
      'HR-ADHERENCE-ANTITHROMBOTIC @ day 5',
    ]);
    const weight = alerts.find((a) => a.ruleId === 'HR-WEIGHT-GAIN-HF')!;
    // The evidence is the readings: day 4 (66.9 kg) and the lowest of the 3 days before (64.5 kg on day 1).
    expect(weight.readingIds).toEqual([week[3]!.id, week[0]!.id]);
    expect(weight.conclusion.evidence.map((e) => e.statement.en).slice(0, 2)).toEqual([
      expect.stringContaining('Weight 66.9 kg'),
      expect.stringContaining('Weight 64.5 kg'),
    ]);
    expect(weight.conclusion.evidence.at(-1)!.knowledge![0]!.authority.name).toMatch(/ESC/);
    expect(weight.severity).toBe('high');
  });

  it('王志强 (diabetes): a critical glucose runs through the critical-value rule and the hypoglycaemia levels', () => {
    const { state, notes } = demoInpatient('zh-t2dm-cyp2c19.json');
    const plan = buildFollowUpPlan({ state, notes, rules });
    const p = state.patientId;
    const week = [6.8, 7.2, 3.5, 8.1, 2.6, 7.0, 9.4].map((g, i) =>
      day(p, i + 1, 7, { kind: 'glucose', value: g, unit: 'mmol/L' }),
    );
    week.push(day(p, 6, 12, { kind: 'glucose', value: 45, unit: 'mg/dL' }));
    const alerts = evaluateReadings({ rules, readings: week, applicable: plan.readingRules });
    expect(alerts.map((a) => `${a.ruleId}:${a.readingIds[0]}`)).toEqual([
      `HR-GLUCOSE-HYPO-L1:${week[2]!.id}`,
      `CV-GLU:${week[4]!.id}`,
      `HR-GLUCOSE-HYPO-L2:${week[4]!.id}`,
      `CV-GLU:${week[7]!.id}`,
      `HR-GLUCOSE-HYPO-L2:${week[7]!.id}`,
    ]);
    const critical = alerts.find((a) => a.ruleId === 'CV-GLU')!;
    expect(critical.conclusion.statement.en).toMatch(/Critical low/);
    expect(critical.conclusion.evidence[0]!.sources[0]).toMatchObject({
      kind: 'patient-reported',
      sessionId: `home-reading/${week[4]!.id}`,
    });
  });

  it('张建国 (hypertension): a week whose home average is above 135/85 raises one alert when it becomes so', () => {
    const { state, notes } = demoInpatient('zh-cap-pneumonia.json');
    const plan = buildFollowUpPlan({ state, notes, rules });
    const p = state.patientId;
    const readings = [132, 138, 140, 136, 139, 141, 137].flatMap((s, i) => [
      day(p, i + 1, 7, { kind: 'blood-pressure', systolic: s, diastolic: 84 }),
    ]);
    const alerts = evaluateReadings({ rules, readings, applicable: plan.readingRules });
    expect(alerts.map((a) => `${a.ruleId}:${a.readingIds[0]}`)).toEqual([`HR-BP-HOME-MEAN:${readings[5]!.id}`]);
    // Only new readings raise: re-evaluating with none new gives nothing.
    expect(evaluateReadings({ rules, readings, applicable: plan.readingRules, newIds: new Set() })).toEqual([]);
  });

  it('a rule the plan does not apply stays silent (no weight alert without heart failure)', () => {
    const readings = [60, 63].map((kg, i) => day('x', i + 1, 7, { kind: 'weight', kg }));
    expect(evaluateReadings({ rules, readings })).toEqual([]);
  });

  it('refuses readings that cannot be true, naming the field', () => {
    const bad = (value: ReadingValue) => () => checkReading(day('x', 1, 7, value), symptomIds);
    expect(bad({ kind: 'blood-pressure', systolic: 80, diastolic: 90 })).toThrow(/diastolic must be below systolic/);
    expect(bad({ kind: 'weight', kg: 0 })).toThrow(/kg must be between/);
    expect(bad({ kind: 'glucose', value: 200, unit: 'mmol/L' })).toThrow(/value must be between/);
    expect(bad({ kind: 'symptom', symptoms: ['hiccups'] })).toThrow(/unknown symptom 'hiccups'/);
  });
});
