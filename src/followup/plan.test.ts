import { describe, expect, it } from 'vitest';
import { allFacts } from '../core/index.js';
import { demoInpatient } from './__fixtures__/demo.js';
import { buildFollowUpPlan, type FollowUpPlan, isCited, loadFollowUpRules, toFhirBundle } from './index.js';

const rules = loadFollowUpRules();
const planOf = (file: string) => {
  const { state, notes } = demoInpatient(file);
  return { plan: buildFollowUpPlan({ state, notes, rules }), state, notes };
};

/** `kind | title (en) | due | rules`: what a clinician reads in the plan, one line per item. */
const lines = (plan: FollowUpPlan) =>
  plan.items.map((i) => `${i.kind} | ${i.title.en} | ${i.due ?? 'next visit'} | ${i.ruleIds.join(',') || 'order'}`);

describe('the follow-up plan of each demo inpatient', () => {
  it('李秀英 (heart failure, AF on warfarin, spironolactone stopped for K 6.5, ibuprofen left active, knee OA)', () => {
    const { plan } = planOf('zh-hf-af-warfarin.json');
    expect(lines(plan)).toEqual([
      'lab | INR | 2024-03-07 | FU-INR-WARFARIN',
      'lab | Serum potassium | 2024-03-14 | FU-K-RAAS-DIURETIC',
      'lab | Serum creatinine (kidney function) | 2024-03-14 | FU-CR-RAAS-DIURETIC',
      'medication-review | Review NSAID in heart failure: ibuprofen | next visit | FU-REVIEW-NSAID-HF,FU-REVIEW-UNRECONCILED',
      'appointment | Heart failure clinic visit within 1-2 weeks | 2024-03-14 | FU-VISIT-HF-EARLY',
      'self-monitoring | Weigh yourself every morning | 2024-03-01 | FU-SELF-WEIGHT-HF',
      'rehabilitation | Exercise rehabilitation (heart failure) | 2024-05-23 | FU-REHAB-HF-EXERCISE',
      'rehabilitation | Knee exercise programme (osteoarthritis) | 2024-05-23 | FU-REHAB-KNEE-OA',
    ]);
    const inr = plan.items.find((i) => i.ruleIds.includes('FU-INR-WARFARIN'))!;
    // The warfarin order is the fact behind it, its MedicationRequest clickable; the discharge order agrees.
    const record = inr.reasons.find((r) => r.kind === 'record')!;
    expect(record.statement.en).toMatch(/warfarin/i);
    expect(
      record.kind === 'record' &&
        record.sources.some((s) => s.kind === 'resource' && s.resourceType === 'MedicationRequest'),
    ).toBe(true);
    const order = inr.reasons.find((r) => r.kind === 'order');
    expect(order?.kind === 'order' && order.sources[0]!.quote).toBe('华法林3mg每日一次，1周内复查INR');
    const rule = inr.reasons.find((r) => r.kind === 'rule');
    expect(rule?.kind === 'rule' && rule.authority.document).toMatch(/华法林抗凝治疗的中国专家共识/);
    // Potassium: the spironolactone stop (for hyperkalaemia) is among its reasons.
    const k = plan.items.find((i) => i.ruleIds.includes('FU-K-RAAS-DIURETIC'))!;
    expect(
      k.reasons.some(
        (r) => r.kind === 'record' && /spironolactone/i.test(r.statement.en) && /stopped/.test(r.statement.en),
      ),
    ).toBe(true);
    expect(
      plan.items.find((i) => i.kind === 'rehabilitation' && i.measure?.name.en === '6-minute walk distance'),
    ).toBeTruthy();
    expect(plan.items.find((i) => i.measure?.name.en === 'Knee flexion range of motion')).toBeTruthy();
    expect(plan.readingRules).toContain('HR-WEIGHT-GAIN-HF');
  });

  it('王志强 (PCI, clopidogrel → ticagrelor for CYP2C19 *2/*2, type 2 diabetes HbA1c 8.9 %, statin started)', () => {
    const { plan } = planOf('zh-t2dm-cyp2c19.json');
    expect(lines(plan)).toEqual([
      'medication-review | CYP2C19-guided antiplatelet review: clopidogrel | next visit | FU-REVIEW-CYP2C19-ANTIPLATELET',
      'lab | HbA1c | 2024-06-16 | FU-HBA1C-T2DM',
      'lab | Lipid profile (LDL-C) | 2024-06-10 | FU-LIPIDS-STATIN-START',
      'lab | Kidney function (creatinine, eGFR) on metformin | 2025-03-18 | FU-EGFR-METFORMIN',
      'rehabilitation | Cardiac rehabilitation after acute coronary syndrome | 2024-06-10 | FU-REHAB-CARDIAC-ACS',
      'appointment | Discharge order: 1个月后心内科门诊复诊 | 2024-04-17 | order',
    ]);
    const review = plan.items[0]!;
    const genotype = review.reasons.find((r) => r.kind === 'record' && /CYP2C19 \*2\/\*2/.test(r.statement.en));
    expect(genotype?.kind === 'record' && genotype.sources.every((s) => s.kind === 'resource')).toBe(true);
    expect(review.reasons.find((r) => r.kind === 'rule')).toMatchObject({
      authority: { name: expect.stringMatching(/CPIC/) },
    });
    expect(plan.readingRules).not.toContain('HR-WEIGHT-GAIN-HF');
  });

  it('张建国 (pneumonia resolved, hypertension on amlodipine)', () => {
    const { plan } = planOf('zh-cap-pneumonia.json');
    expect(lines(plan)).toEqual([
      'self-monitoring | Home blood pressure | 2024-01-22 | FU-SELF-BP-HTN',
      'imaging | Discharge order: 2周后复查胸部CT | 2024-01-29 | order',
    ]);
  });

  for (const file of ['zh-hf-af-warfarin.json', 'zh-t2dm-cyp2c19.json', 'zh-cap-pneumonia.json'])
    it(`${file}: every item cites a fact of the record (by source) and a rule or order (by authority)`, () => {
      const { plan, state, notes } = planOf(file);
      const factIds = new Set(allFacts(state).map((f) => f.id));
      const documents = new Set(notes.map((n) => n.document));
      for (const item of plan.items) {
        expect(isCited(item), item.title.en).toBe(true);
        for (const r of item.reasons) {
          if (r.kind === 'record')
            for (const id of r.factIds) expect(factIds.has(id), `${item.title.en}: ${id}`).toBe(true);
          if (r.kind === 'rule') expect(r.authority.name && r.authority.document && r.citation).toBeTruthy();
          if (r.kind === 'order') {
            const note = notes.find((n) => n.document === r.sources[0]!.document)!;
            expect(documents.has(note.document)).toBe(true);
            expect(note.text.slice(r.sources[0]!.start, r.sources[0]!.end)).toBe(r.citation);
          }
        }
      }
    });

  it('is FHIR R4: a CarePlan whose activities are the Tasks, each Task carrying its reasons', () => {
    const { plan } = planOf('zh-hf-af-warfarin.json');
    const bundle = toFhirBundle(plan) as { entry: { resource: Record<string, unknown> }[] };
    const [careplan, ...tasks] = bundle.entry.map((e) => e.resource);
    expect(careplan).toMatchObject({ resourceType: 'CarePlan', status: 'active', intent: 'plan' });
    expect((careplan!.activity as unknown[]).length).toBe(plan.items.length);
    expect(tasks.every((t) => t.resourceType === 'Task' && t.intent === 'plan')).toBe(true);
    const inr = tasks.find((t) => JSON.stringify(t.code).includes('6301-6'))!;
    expect(inr.restriction).toEqual({ period: { start: plan.dischargedAt, end: '2024-03-07' } });
    expect(JSON.stringify(inr.extension)).toContain('FU-INR-WARFARIN');
    expect((inr.reasonReference as { reference: string }).reference).toMatch(/^MedicationRequest\//);
  });

  it('leaves out a rule whose trigger is not in the record, and makes nothing from an empty state', () => {
    const { state } = demoInpatient('zh-cap-pneumonia.json');
    const empty = { ...state, phenotype: [], intervention: [], biology: [], medications: [] };
    expect(buildFollowUpPlan({ state: empty, rules }).items).toEqual([]);
  });
});
