import { describe, expect, it } from 'vitest';
import { tinyModel } from './__fixtures__/build.js';
import { diagnose } from './diagnose.js';
import { compileNetwork } from './network.js';

describe('explanations', () => {
  const m = tinyModel({ A: 0.1, B: 0.1 }, { F: 0.01, G: 0.01, H: 0.01 }, [
    ['A', 'F', 0.9],
    ['B', 'F', 0.3],
    ['A', 'G', 0.8],
    ['B', 'H', 0.6],
  ]);
  const net = compileNetwork({
    ...m,
    findings: m.findings.map((f) => ({ ...f, name: { en: `finding ${f.id}`, zh: `表现${f.id}` } })),
    diseases: m.diseases.map((d) => ({ ...d, name: { en: `disease ${d.id}`, zh: `疾病${d.id}` } })),
  });
  const dx = diagnose(
    net,
    { findings: [{ id: 'F' }, { id: 'G', present: false }, { id: 'H', present: false }] },
    { patientId: 'p1', createdAt: '2026-11-25T00:00:00Z' },
  );
  const a = dx.differential.find((r) => r.id === 'A')!;
  const b = dx.differential.find((r) => r.id === 'B')!;

  it('signs each finding for or against, by its log-likelihood ratio against the rest of the differential', () => {
    const f = a.explanation.contributions.find((c) => c.finding === 'F')!;
    // P(F | A) = 1 − 0.99·0.1 against P(F | B) = 1 − 0.99·0.7 (B is the whole rest of the differential).
    expect(f.llr).toBeCloseTo(Math.log((1 - 0.99 * 0.1) / (1 - 0.99 * 0.7)), 9);
    expect(a.explanation.contributions.find((c) => c.finding === 'G')!.llr).toBeLessThan(0);
    expect(b.explanation.contributions.find((c) => c.finding === 'H')!.llr).toBeLessThan(0);
    expect(a.explanation.contributions.find((c) => c.finding === 'H')!.llr).toBeGreaterThan(0);
  });

  it('lists expected findings that are absent, and causal paths with their sources', () => {
    expect(a.explanation.expectedAbsent.map((c) => c.finding)).toEqual(['G']);
    expect(b.explanation.expectedAbsent.map((c) => c.finding)).toEqual(['H']);
    expect(a.explanation.paths).toEqual([
      {
        disease: 'A',
        finding: expect.objectContaining({
          id: 'F',
          probability: 0.9,
          source: expect.objectContaining({ edgeId: 'A->F' }),
        }),
      },
    ]);
  });

  it('renders a core Conclusion of kind diagnosis with evidence, in Chinese and English', () => {
    const c = a.conclusion;
    expect(c).toMatchObject({
      kind: 'diagnosis',
      producer: 'diagnosis/noisy-or',
      patientId: 'p1',
      createdAt: '2026-11-25T00:00:00Z',
    });
    expect(c.confidence).toBeCloseTo(a.probability, 12);
    expect(c.evidence.find((e) => e.factId === 'F' && e.role === 'supports')!.knowledge![0]!.edgeId).toBe('A->F');
    expect(c.evidence.some((e) => e.role === 'missing' && e.factId === 'G')).toBe(true);
    expect(c.detail!.en).toMatch(/^disease A: probability \d+%/);
    expect(c.detail!.en).toContain('expected but absent: finding G');
    expect(c.detail!.zh).toContain('应有而未见：表现G');
    expect(c.detail!.zh).toContain('因果链：疾病A → 表现F（依据：test fixture）');
    expect(c.statement.zh).toMatch(/^疾病A（\d+%）$/);
  });

  it('ranks by posterior, with the counterfactual rank beside it', () => {
    expect(dx.differential[0]!.id).toBe('A');
    expect(dx.differential.every((r) => r.counterfactualRank !== undefined && r.expectedDisablement! >= 0)).toBe(true);
  });
});
