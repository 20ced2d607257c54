import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Fact } from '../../../core/index.js';
import { type AnyResource, resourceToFacts } from '../../../fusion/index.js';
import { callVcf, genomicResources } from '../../../ingest/vcf/index.js';
import { draft, gene, med, state } from '../__fixtures__/build.js';
import { cdsRules, type PgxCard, pgxDataProblems } from '../../../knowledge/cds-rules.js';
import { evaluateRules } from '../rule.js';
import { safetyRulesFromData } from '../rulebook.js';
import { PGX_RULES, PHENOTYPES, type Phenotype, pgxRules } from './pgx.js';

/** A VCF as `medseek import` reads it: called, written as FHIR, mapped to facts. */
async function vcfFacts(name: string): Promise<Fact[]> {
  const file = fileURLToPath(new URL(`../../../ingest/vcf/__fixtures__/${name}`, import.meta.url));
  const resources = genomicResources(await callVcf(file), {
    patient: 'p1',
    fileSha256: '0'.repeat(64),
    effective: '2026-01-05T00:00:00Z',
    fileName: name,
  });
  return resources.flatMap((r) => resourceToFacts(r as AnyResource, { patientId: 'p1', at: Date.parse('2026-03-01') }));
}

/** A genotype fact as map-observation writes an ambiguous call. */
const ambiguous = (g: string, calls: string, possible: string): Fact => {
  const f = gene(g, `${g} ambiguous genotype: ${calls}`);
  return { ...f, qualifiers: { gene: g, ambiguousGenotype: calls, possiblePhenotypes: possible } };
};

const CASES: Record<string, { drug: string; fire: [string, string]; quiet: [string, string] }> = {
  PGx01: {
    drug: 'Clopidogrel 75 MG Oral Tablet',
    fire: ['CYP2C19', 'Poor Metabolizer'],
    quiet: ['CYP2C19', 'Normal Metabolizer'],
  },
  PGx02: { drug: '别嘌醇片', fire: ['HLA-B*58:01', '阳性'], quiet: ['HLA-B*58:01', '阴性'] },
  PGx03: {
    drug: 'Carbamazepine 200 MG Oral Tablet',
    fire: ['HLA-B*15:02', 'positive'],
    quiet: ['HLA-B*15:02', 'negative'],
  },
  PGx04: {
    drug: 'Azathioprine 50 MG Oral Tablet',
    fire: ['NUDT15', 'Poor Metabolizer'],
    quiet: ['TPMT', 'Normal Metabolizer'],
  },
  PGx05: {
    drug: 'Capecitabine 500 MG Oral Tablet',
    fire: ['DPYD', 'Intermediate Metabolizer, activity score 1.5'],
    quiet: ['DPYD', 'Normal Metabolizer, activity score 2'],
  },
  PGx06: {
    drug: 'Simvastatin 40 MG Oral Tablet',
    fire: ['SLCO1B1', 'Decreased Function'],
    quiet: ['SLCO1B1', 'Normal Function'],
  },
  PGx07: {
    drug: 'Codeine Phosphate 30 MG Oral Tablet',
    fire: ['CYP2D6', 'Ultrarapid Metabolizer'],
    quiet: ['CYP2D6', 'Normal Metabolizer'],
  },
  PGx08: {
    drug: 'Warfarin 5 MG Oral Tablet',
    fire: ['CYP2C9', '*1/*3 Intermediate Metabolizer'],
    quiet: ['CYP2C19', 'Normal Metabolizer'],
  },
  PGx09: { drug: 'Rasburicase 1.5 MG Injection', fire: ['G6PD', 'Deficient'], quiet: ['G6PD', 'Normal'] },
  PGx10: { drug: 'Abacavir 300 MG Oral Tablet', fire: ['HLA-B*57:01', 'positive'], quiet: ['HLA-B*57:01', 'negative'] },
};

describe('CPIC gene–drug rules', () => {
  it('has the 10 CPIC rules', () => expect(PGX_RULES.map((r) => r.id)).toEqual(Object.keys(CASES)));
  for (const spec of PGX_RULES) {
    const c = CASES[spec.id]!;
    const rule = PGX_RULES.find((r) => r.id === spec.id)!;
    it(`${spec.id} fires on ${c.fire.join(' ')}`, () => {
      const out = evaluateRules(state([gene(...c.fire), draft(c.drug)]), [rule]);
      expect(out).toHaveLength(1);
      expect(out[0]!.conclusion.evidence.filter((e) => e.factId)).toHaveLength(2);
    });
    it(`${spec.id} does not fire on ${c.quiet.join(' ')}`, () => {
      expect(evaluateRules(state([gene(...c.quiet), draft(c.drug)]), [rule])).toEqual([]);
    });
  }
  it('fires without a genotype on file only for the label pre-test prompts (abacavir, rasburicase)', () => {
    const none = evaluateRules(
      state([
        draft('Abacavir 300 MG Oral Tablet'),
        draft('Rasburicase 1.5 MG Injection'),
        draft('Clopidogrel 75 MG Oral Tablet'),
      ]),
      PGX_RULES,
    );
    expect(none.map((r) => [r.ruleId, r.conclusion.severity])).toEqual([
      ['PGx09', 'moderate'],
      ['PGx10', 'moderate'],
    ]);
    expect(none[0]!.suggestions[0]).toMatchObject({ kind: 'order' });
  });
  it('PGx03 respects "continuously for more than 3 months without reaction"', () => {
    const long = med('Carbamazepine 200 MG Oral Tablet', { time: { start: '2025-06-01T00:00:00Z' } });
    expect(evaluateRules(state([gene('HLA-B*15:02', 'positive'), long]), PGX_RULES)).toEqual([]);
  });
  it('PGx05 grades DPYD activity score 0.5 as avoid (high) and PGx04 both-IM as 20–50 %', () => {
    expect(
      evaluateRules(state([gene('DPYD', 'activity score 0.5'), draft('Fluorouracil 500 MG Injection')]), PGX_RULES)[0]!
        .conclusion.severity,
    ).toBe('high');
    const both = evaluateRules(
      state([
        gene('TPMT', 'Intermediate Metabolizer'),
        gene('NUDT15', 'Intermediate Metabolizer'),
        draft('Mercaptopurine 50 MG Oral Tablet'),
      ]),
      PGX_RULES,
    );
    expect(both[0]!.conclusion.detail?.en).toContain('20–50');
  });
  it('PGx01 suggests only formulary drugs: ticagrelor, not prasugrel, unless a hospital adds it', () => {
    const rule = PGX_RULES.find((r) => r.id === 'PGx01')!;
    const s = state([gene('CYP2C19', 'Poor Metabolizer'), draft('Clopidogrel 75 MG Oral Tablet')]);
    const replace = (config = {}) =>
      evaluateRules(s, [rule], { config })[0]!.suggestions.find((x) => x.kind === 'replace');
    expect(replace()).toMatchObject({ with: { en: 'ticagrelor', zh: '替格瑞洛' } });
    expect(replace()!.label.zh).not.toContain('普拉格雷');
    expect(replace({ PGx01: { params: { formulary: { add: ['prasugrel'] } } } })).toMatchObject({
      with: { en: 'ticagrelor or prasugrel' },
    });
  });
});

describe('ambiguous genotypes (unphased VCF calls)', () => {
  it('fires the least severe verdict every TPMT candidate reaches, as "possible", citing the same rule', async () => {
    const facts = await vcfFacts('tpmt-s3bs3c-unphased.vcf');
    const tpmt = facts.find((f) => f.qualifiers?.gene === 'TPMT' && f.qualifiers.ambiguousGenotype)!;
    expect(tpmt.qualifiers?.possiblePhenotypes).toBe('intermediate metabolizer | poor metabolizer');
    const out = evaluateRules(state([...facts, draft('Azathioprine 50 MG Oral Tablet')]), PGX_RULES);
    expect(out.map((r) => [r.ruleId, r.conclusion.severity])).toEqual([['PGx04', 'moderate']]);
    const c = out[0]!.conclusion;
    expect(c.statement.en).toBe(
      'Possible TPMT or NUDT15 intermediate metabolizer (ambiguous genotype: TPMT: TPMT*1/TPMT*3A or ' +
        'TPMT*3B/TPMT*3C) (Azathioprine 50 MG Oral Tablet)',
    );
    expect(c.statement.zh).toContain(
      '可能为TPMT或NUDT15中间代谢者（基因型不确定：TPMT: TPMT*1/TPMT*3A or TPMT*3B/TPMT*3C）',
    );
    expect(c.detail?.en).toContain('30–80 %');
    expect(c.evidence.some((e) => e.factId === tpmt.id)).toBe(true);
    // The same CPIC rule and authority as a definite result's card.
    const cited = c.evidence.flatMap((e) => e.knowledge ?? []);
    expect(cited).toMatchObject([{ edgeId: 'rule:PGx04', authority: { name: 'CPIC' } }]);
  });

  it('with a definite NUDT15 intermediate result the TPMT candidates give both-intermediate, not poor', () => {
    const out = evaluateRules(
      state([
        ambiguous('TPMT', 'TPMT*1/TPMT*3A or TPMT*3B/TPMT*3C', 'intermediate metabolizer | poor metabolizer'),
        gene('NUDT15', 'Intermediate Metabolizer'),
        draft('Mercaptopurine 50 MG Oral Tablet'),
      ]),
      PGX_RULES,
    );
    expect(out).toHaveLength(1);
    expect(out[0]!.conclusion.severity).toBe('moderate');
    expect(out[0]!.conclusion.statement.en).toMatch(/^Possible TPMT and NUDT15 intermediate metabolizer \(ambiguous/);
    expect(out[0]!.conclusion.detail?.en).toContain('20–50');
  });

  it('when a candidate is a normal metabolizer, says "genotype ambiguous — confirm before prescribing" (info)', () => {
    const out = evaluateRules(
      state([
        ambiguous(
          'CYP2C19',
          'CYP2C19*1/CYP2C19*1 or CYP2C19*1/CYP2C19*2',
          'normal metabolizer | intermediate metabolizer',
        ),
        draft('Clopidogrel 75 MG Oral Tablet'),
      ]),
      PGX_RULES,
    );
    expect(out.map((r) => [r.ruleId, r.conclusion.severity])).toEqual([['PGx01', 'info']]);
    const c = out[0]!.conclusion;
    expect(c.statement.en).toMatch(
      /^Genotype ambiguous — confirm before prescribing \(CYP2C19: CYP2C19\*1\/CYP2C19\*1 or/,
    );
    expect(c.statement.zh).toMatch(/^基因型不确定——处方前请确认/);
    // It asks for confirmation instead of removing the drug.
    expect(out[0]!.suggestions.map((s) => s.kind)).toEqual(['order']);
  });

  it('leaves a card that another gene decides as it is, naming no unrelated ambiguity', () => {
    const out = evaluateRules(
      state([
        ambiguous('TPMT', 'TPMT*1/TPMT*3A or TPMT*3B/TPMT*3C', 'intermediate metabolizer | poor metabolizer'),
        ambiguous(
          'CYP2C19',
          'CYP2C19*1/CYP2C19*2 or CYP2C19*2/CYP2C19*3',
          'intermediate metabolizer | poor metabolizer',
        ),
        draft('Clopidogrel 75 MG Oral Tablet'),
      ]),
      PGX_RULES,
    );
    expect(out.map((r) => r.conclusion.statement.en)).toEqual([
      'Possible CYP2C19 reduced function: clopidogrel may not protect (ambiguous genotype: CYP2C19: ' +
        'CYP2C19*1/CYP2C19*2 or CYP2C19*2/CYP2C19*3) (Clopidogrel 75 MG Oral Tablet)',
    ]);
    const plain = evaluateRules(
      state([
        ambiguous('TPMT', 'TPMT*1/TPMT*3A or TPMT*3B/TPMT*3C', 'intermediate metabolizer | poor metabolizer'),
        gene('CYP2C19', 'Poor Metabolizer'),
        draft('Clopidogrel 75 MG Oral Tablet'),
      ]),
      PGX_RULES,
    );
    expect(plain.map((r) => r.conclusion.statement.en)).toEqual([
      'CYP2C19 reduced function: clopidogrel may not protect (Clopidogrel 75 MG Oral Tablet)',
    ]);
  });

  it('fires nothing when no candidate reaches a verdict (all candidates normal or rapid)', () => {
    const facts = [
      ambiguous('CYP2C19', 'CYP2C19*1/CYP2C19*1 or CYP2C19*1/CYP2C19*17', 'normal metabolizer | rapid metabolizer'),
      draft('Clopidogrel 75 MG Oral Tablet'),
    ];
    expect(evaluateRules(state(facts), PGX_RULES)).toEqual([]);
  });
});

describe('card data: DPYD activity score bands and VKORC1 result terms', () => {
  const dpyd = (t: string) =>
    evaluateRules(state([gene('DPYD', t), draft('Capecitabine 500 MG Oral Tablet')]), PGX_RULES).map(
      (r) => r.conclusion.statement.en,
    );
  it('grades DPYD by the activity score bands in pharmacogenomics.json (AS 0 / 0.5 / 1 / 1.5 / 2)', () => {
    expect(dpyd('(poor metabolizer, activity score 0)')[0]).toMatch(/^DPYD activity score 0: complete DPD deficiency/);
    expect(dpyd('(poor metabolizer, activity score 0.5)')[0]).toMatch(/^DPYD poor metabolizer/);
    expect(dpyd('(intermediate metabolizer, activity score 1)')[0]).toMatch(/^DPYD intermediate metabolizer/);
    expect(dpyd('activity score 1.5')[0]).toMatch(/^DPYD intermediate metabolizer/);
    expect(dpyd('(normal metabolizer, activity score 2)')).toEqual([]);
    // The score, not the words, decides: an AS 1 result worded "poor" is the 50 % verdict.
    const f = { ...gene('DPYD', 'DPYD (poor metabolizer)'), qualifiers: { gene: 'DPYD', activityScore: '1' } };
    const out = evaluateRules(state([f, draft('Capecitabine 500 MG Oral Tablet')]), PGX_RULES);
    expect(out[0]!.conclusion.detail?.en).toContain('50 %');
  });

  it('follows an edited band: the bands are data, not code', () => {
    const book = safetyRulesFromData();
    const edited = {
      ...book,
      pgx: book.pgx.map((r) =>
        r.id !== 'PGx05'
          ? r
          : {
              ...r,
              edges: r.edges.map((e) => ({
                ...e,
                activityScores: { ...e.activityScores!, bands: [{ min: 0, max: 1.5, verdict: 'poor' }] },
              })),
            },
      ),
    };
    const out = evaluateRules(
      state([gene('DPYD', 'activity score 1.5'), draft('Capecitabine 500 MG Oral Tablet')]),
      pgxRules(edited),
    );
    expect(out.map((r) => r.conclusion.severity)).toEqual(['high']);
  });

  it('reads a VCF-derived VKORC1 -1639 AA with CYP2C9 *3/*3 as poor-and-sensitive (CPIC warfarin 2017)', async () => {
    const facts = await vcfFacts('cyp2c9-s3s3-vkorc1-aa.vcf');
    const out = evaluateRules(state([...facts, draft('Warfarin 5 MG Oral Tablet')]), PGX_RULES);
    expect(out.map((r) => [r.ruleId, r.conclusion.severity])).toEqual([['PGx08', 'moderate']]);
    expect(out[0]!.conclusion.statement.en).toMatch(/^CYP2C9 poor metabolizer with VKORC1 sensitivity/);
  });

  it('reads VKORC1 -1639 AG and GG as not sensitive (on file only)', () => {
    for (const t of ['VKORC1 (VKORC1 -1639 AG)', 'VKORC1 (VKORC1 -1639 GG)']) {
      const out = evaluateRules(
        state([gene('CYP2C9', '*3/*3 (poor metabolizer)'), gene('VKORC1', t), draft('Warfarin 5 MG Oral Tablet')]),
        PGX_RULES,
      );
      expect(out.map((r) => r.conclusion.severity)).toEqual(['low']);
    }
  });

  it('every result term names a phenotype the judges know, and every band a verdict of its card', () => {
    for (const r of safetyRulesFromData().pgx)
      for (const e of r.edges) {
        for (const t of e.results?.terms ?? []) expect(PHENOTYPES).toContain(t.phenotype as Phenotype);
        for (const b of e.activityScores?.bands ?? []) expect(Object.keys(e.verdicts)).toContain(b.verdict);
      }
  });

  it('the data checks name a band with an unknown verdict, a bad pattern and a missing citation', () => {
    const card = cdsRules().pharmacogenomics.find((r) => r.id === 'PGx05')!.card;
    expect(pgxDataProblems('PGx05', card, () => {})).toEqual([]);
    const bad = {
      ...card,
      activityScores: { ...card.activityScores!, bands: [{ min: 1, max: 0.5, verdict: 'avoid' }] },
      results: {
        source: 'CPIC-warfarin-2017',
        citation: '',
        terms: [{ gene: 'VKORC1', pattern: '(', phenotype: 'x' }],
      },
    } as PgxCard;
    const seen: string[] = [];
    expect(pgxDataProblems('PGx05', bad, (s) => seen.push(s))).toEqual([
      'PGx05: activityScores band needs numbers min <= max',
      'PGx05: activityScores band names unknown verdict avoid',
      'PGx05: results needs a citation',
      'PGx05: results term pattern "(" is not a regular expression',
    ]);
    expect(seen).toEqual(['CPIC-DPYD-2017', 'CPIC-warfarin-2017']);
  });
});
