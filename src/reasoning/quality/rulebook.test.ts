import { describe, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { curate, importBatch, KnowledgeGraph, qcBatch, releaseWithBatch } from '../../knowledge/index.js';
import { CLEAN_ENCOUNTER, NOW } from './__fixtures__/clean-encounter.js';
import { evaluateQc } from './engine.js';
import type { QcRule } from './rule.js';
import { activeQualityRules, loadQualityRules, type QcRuleBook, qualityRulesFromData } from './rulebook.js';

/** A rule as plain data (patterns as their text), to compare books read from different places. */
const plain = (r: QcRule) =>
  JSON.parse(
    JSON.stringify({ ...r, check: undefined, relationId: undefined }, (_k, v) =>
      v instanceof RegExp ? `/${v.source}/${v.flags}` : v,
    ),
  );
const plainBook = (b: QcRuleBook) => ({ rules: b.rules.map(plain), sources: [...b.sources.entries()].sort() });

describe('the QC rule book from the data files', () => {
  it('holds the 76 rules in order (timeliness, completeness, consistency, front sheet) with compiled patterns', () => {
    const book = qualityRulesFromData();
    expect(book.rules.map((r) => r.id).slice(0, 3)).toEqual(['T01', 'T02', 'T03']);
    expect(book.rules.map((r) => r.id).at(-1)).toBe('H12');
    expect(book.release).toMatch(/^bundled\/qc-[0-9a-f]{12}$/);
    expect(book.rule('H04')!.patterns.icd10).toBeInstanceOf(RegExp);
    expect(book.sources.get('BW2010')).toMatchObject({
      name: '卫生部',
      document: expect.stringContaining('病历书写基本规范'),
    });
  });

  it('names the release and the rule authority in every finding', () => {
    const book = qualityRulesFromData();
    const e = structuredClone(CLEAN_ENCOUNTER) as unknown as { homepage: { los: number } };
    e.homepage.los = 9;
    const report = evaluateQc(e as unknown as typeof CLEAN_ENCOUNTER, book, { now: NOW });
    const k05 = report.issues.find((i) => i.ruleId === 'K05')!;
    expect(report.release).toBe(book.release);
    expect(k05.conclusion.knowledgeRelease).toBe(book.release);
    expect(k05.conclusion.evidence[1]!.knowledge![0]).toMatchObject({
      edgeId: 'qc:K05',
      authority: { document: expect.stringContaining('第三条') },
    });
  });
});

forEachBackend('the QC rule book from a knowledge release', (db) => {
  let releaseId = 0;

  it('reads the same rules from the release as from the files', async () => {
    releaseId = (await importBatch(db(), qcBatch(), { base: null, activate: true, label: 'qc only' })).releaseId;
    const book = await loadQualityRules(db(), releaseId);
    expect(book.release).toBe(`kg-release/${releaseId}`);
    expect(plainBook(book)).toEqual(plainBook(qualityRulesFromData()));
    // How records are read comes from the release too (its qc-headings concept).
    expect([...book.headings.names]).toEqual([...qualityRulesFromData().headings.names]);
    expect(book.headings.orders).toEqual(qualityRulesFromData().headings.orders);
    expect(book.headings.documents.map((d) => [d.type, String(d.title)])).toEqual(
      qualityRulesFromData().headings.documents.map((d) => [d.type, String(d.title)]),
    );
    expect(book.rule('C01')!.relationId).toMatch(/\S/);
    expect(await loadQualityRules(db(), releaseId)).toBe(book);
    expect(await activeQualityRules(db())).toBe(book);
  });

  it('a curator changes what QC says: an override moves a limit, a retraction removes a rule', async () => {
    const book = await loadQualityRules(db(), releaseId);
    const c05 = book.rule('C05')!;
    const noVitals = {
      ...CLEAN_ENCOUNTER,
      documents: CLEAN_ENCOUNTER.documents.map((d) =>
        d.type === 'admission-note' ? { ...d, text: d.text.replace(' BP 135/85mmHg', '') } : d,
      ),
    };
    expect(evaluateQc(noVitals, book, { now: NOW }).issues.map((i) => i.ruleId)).toEqual(['C05']);
    const vitals = (c05.patterns.vitals as { name: string; pattern: RegExp }[])
      .filter((v) => v.name !== '血压 BP')
      .map((v) => ({ name: v.name, pattern: { re: v.pattern.source } }));
    const edited = await curate(db(), {
      author: 'qc-office',
      reason: 'local policy: BP is checked on the nursing chart',
      source: { id: 'qc-office-2026', name: 'Hospital QC office decision 2026-01' },
      override: [{ relationId: c05.relationId!, attrs: { patterns: { vitals } } }],
      retract: [book.rule('K10')!.relationId!],
    });
    const curated = await loadQualityRules(db(), edited.releaseId);
    expect(curated.rules).toHaveLength(75);
    expect(curated.rule('K10')).toBeUndefined();
    const report = evaluateQc(noVitals, curated, { now: NOW });
    expect(report.issues).toEqual([]);
    expect(report.release).toBe(`kg-release/${edited.releaseId}`);
    // The earlier release is unchanged.
    expect(evaluateQc(noVitals, await loadQualityRules(db(), releaseId), { now: NOW }).issues).toHaveLength(1);
  });

  it('a curated pattern changes the next QC run (K04 reads dates only as the curated pattern writes them)', async () => {
    const book = await loadQualityRules(db(), releaseId);
    const k04 = book.rule('K04')!;
    const moved = {
      ...CLEAN_ENCOUNTER,
      documents: CLEAN_ENCOUNTER.documents.map((d) =>
        d.type === 'discharge-record'
          ? { ...d, text: d.text.replace('入院日期：2026-03-02', '入院日期：2026-03-01') }
          : d,
      ),
    };
    expect(evaluateQc(moved, book, { now: NOW }).issues.map((i) => i.ruleId)).toEqual(['K04']);
    const edited = await curate(
      db(),
      {
        author: 'qc-office',
        reason: 'local policy: dates are compared only when written 年月日',
        source: { id: 'qc-office-dates', name: 'Hospital QC office decision 2026-02' },
        override: [
          { relationId: k04.relationId!, attrs: { patterns: { date: { re: '(\\d{4})年(\\d{1,2})月(\\d{1,2})日' } } } },
        ],
      },
      { activate: false },
    );
    const curated = await loadQualityRules(db(), edited.releaseId);
    expect(curated.rule('K04')!.patterns.date).toEqual(/(\d{4})年(\d{1,2})月(\d{1,2})日/);
    expect(evaluateQc(moved, curated, { now: NOW }).issues).toEqual([]);
  });

  it('refuses a curated pattern that does not compile, naming the rule and field', async () => {
    const rel = (await new KnowledgeGraph(db()).relationsOfType('qc-rule', { release: releaseId })).find(
      (r) => r.from === 'qc-rule:H04',
    )!;
    const edited = await curate(
      db(),
      {
        author: 'qc-office',
        reason: 'typo',
        source: { id: 'qc-office-typo', name: 'Hospital QC office' },
        override: [
          { relationId: rel.id, attrs: { patterns: { icd10: { re: '^[A-Z' }, icd9cm3: { re: '^\\d{2}$' } } } },
        ],
      },
      { activate: false },
    );
    await expect(loadQualityRules(db(), edited.releaseId)).rejects.toThrow(
      /H04.*patterns\.icd10 is not a valid pattern/,
    );
  });

  it('refuses a release without QC rules', async () => {
    // A release of the curator's batch alone (made above) holds no qc batch.
    const curation = await db().query<{ id: number }>(
      "select id from kg_batch where kind = 'curation' order by id limit 1",
    );
    const r = await releaseWithBatch(db(), Number(curation.rows[0]!.id), {
      base: null,
      activate: false,
      label: 'no qc',
    });
    await expect(loadQualityRules(db(), r.releaseId)).rejects.toThrow(/holds no QC rules/);
  });
});
