import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recordFromTexts } from '../../verify/index.js';
import { verifierReward } from './reward.js';

/**
 * The verifier's own record/summary pairs (src/verify/__fixtures__/pairs): faithful summaries are
 * true to the record in other words, unsafe ones carry one dangerous error. The reward must pay the
 * first and not the second, whatever the rest of the text says.
 */
interface PairCase {
  readonly id: string;
  readonly lang: 'zh' | 'en';
  readonly record: string;
  readonly kind: 'faithful' | 'unsafe' | 'unsupported';
  readonly summary: string;
}

const pairs = new URL('../../verify/__fixtures__/pairs/', import.meta.url);
const cases = (group: string) =>
  (JSON.parse(readFileSync(new URL(`cases/${group}.json`, pairs), 'utf8')) as { cases: PairCase[] }).cases;
const recordOf = (c: Pick<PairCase, 'record' | 'lang'>) =>
  recordFromTexts([{ id: 'rec', text: readFileSync(new URL(`records/${c.record}`, pairs), 'utf8') }], {
    lang: c.lang,
  });

describe('verifierReward', () => {
  for (const group of ['diagnosis-invented', 'lab-value']) {
    it(`pays faithful summaries and nothing for an error (${group})`, () => {
      const all = cases(group);
      expect(all.filter((c) => c.kind === 'unsafe').length).toBeGreaterThanOrEqual(3);
      for (const c of all) {
        const r = verifierReward(recordOf(c), c.summary, { lang: c.lang });
        expect(r.reward, c.id).toBeGreaterThanOrEqual(0);
        expect(r.reward, c.id).toBeLessThanOrEqual(1);
        if (c.kind === 'faithful') {
          expect(r.reward, `${c.id}: ${JSON.stringify(r.breakdown)}`).toBeGreaterThanOrEqual(0.8);
          expect(r.breakdown.contradicted, c.id).toBe(0);
        } else if (c.kind === 'unsafe') {
          expect(r.reward, c.id).toBe(0);
          expect(r.breakdown.contradicted, c.id).toBeGreaterThan(0);
          expect(r.contradictions.length, c.id).toBe(r.breakdown.contradicted);
        }
      }
    });
  }

  it('pays the faithful text and not the same text with a changed value or an invented diagnosis', () => {
    const record = recordOf({ record: 'zh-pneumonia-penicillin.txt', lang: 'zh' });
    const faithful = '入院C反应蛋白 96 mg/L，治疗后复查降至 12 mg/L。出院诊断：社区获得性肺炎；高血压病2级。';
    const good = verifierReward(record, faithful, { lang: 'zh' });
    expect(good.reward).toBe(1);
    expect(good.breakdown.grounded).toBe(good.breakdown.checkable);
    expect(verifierReward(record, faithful.replace('96 mg/L', '690 mg/L'), { lang: 'zh' }).reward).toBe(0);
    expect(verifierReward(record, faithful.replace('高血压病2级', '急性心肌梗死'), { lang: 'zh' }).reward).toBe(0);
  });

  it('gives nothing for silence and less for leaving out a critical fact', () => {
    const record = recordOf({ record: 'zh-pneumonia-penicillin.txt', lang: 'zh' });
    expect(verifierReward(record, '', { lang: 'zh' }).reward).toBe(0);
    const allergy = record.facts.find((f) => f.category === 'allergy');
    expect(allergy).toBeDefined();
    const text = '出院诊断：社区获得性肺炎；高血压病2级。';
    const full = verifierReward(record, text, { lang: 'zh' });
    const omitted = verifierReward(record, text, { lang: 'zh', critical: [allergy!] });
    expect(full.reward).toBe(1);
    expect(omitted.breakdown.omissions).toBe(1);
    expect(omitted.reward).toBeLessThan(full.reward);
    expect(omitted.reward).toBeGreaterThan(0);
  });
});
