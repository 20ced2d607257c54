import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { forEachBackend } from '../../test/support/backends.js';
import { CodeSystems } from '../core/index.js';
import { curate, curationHistory } from './curation.js';
import { ensureDemoRelease } from './demo.js';
import { importBatch, importKnowledge } from './import.js';
import { parseDdxplus } from './importers/ddxplus.js';
import { KnowledgeGraph } from './queries.js';
import { activateRelease, activeReleaseId, listReleases } from './releases.js';

const fx = (p: string) => fileURLToPath(new URL(`./__fixtures__/${p}`, import.meta.url));

forEachBackend('knowledge graph', (db) => {
  let kg: KnowledgeGraph;
  let base: number;
  beforeAll(async () => {
    kg = new KnowledgeGraph(db());
    await importKnowledge(db(), 'cds', undefined, { activate: true });
    await importKnowledge(db(), 'icd10cn', fx('icd10cn.csv'), { activate: true });
    const r = await importKnowledge(db(), 'ddxplus', fx('ddxplus'), { activate: true });
    base = r.releaseId;
  });

  it('numbers releases, each import adding to the active one, and activates on request', async () => {
    const releases = await listReleases(db());
    expect(releases.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(releases[2]!.batches.map((b) => b.kind)).toEqual(['cds', 'icd10cn', 'ddxplus']);
    expect(releases[2]!.active).toBe(true);
    expect(releases[2]!.shippable).toBe(true);
  });

  it('is idempotent: the same file again reuses the batch and the release', async () => {
    const again = await importKnowledge(db(), 'ddxplus', fx('ddxplus'));
    expect(again).toMatchObject({ releaseId: base, batchCreated: false, releaseCreated: false });
    expect((await listReleases(db())).length).toBe(3);
  });

  it('finds concepts by code, Chinese and English names, synonyms, substrings and fuzzy spelling', async () => {
    expect((await kg.find('J18.900'))[0]?.concept.id).toBe('icd10cn:J18.900');
    expect((await kg.find('肺炎'))[0]).toMatchObject({ concept: { id: 'icd10cn:J18.900' }, matched: { how: 'name' } });
    expect((await kg.find('pneumonia'))[0]?.concept.id).toBe('ddxplus:path:Pneumonia');
    expect((await kg.find('pethidine'))[0]?.concept.id).toBe('drug:meperidine');
    expect((await kg.find('B01AA03'))[0]?.concept.id).toBe('drug:warfarin');
    const sub = await kg.find('喘息性');
    expect(sub[0]).toMatchObject({ concept: { id: 'icd10cn:J18.000x001' }, matched: { how: 'substring' } });
    const fuzzy = await kg.find('pneumonai');
    expect(fuzzy.map((m) => m.concept.id)).toContain('ddxplus:path:Pneumonia');
    expect(await kg.find('zzzzqqq')).toEqual([]);
  });

  it('merges a DDXPlus disease and finds it by its ICD-10 code', async () => {
    const byCode = await kg.find('J93');
    expect(byCode.map((m) => m.concept.id)).toContain('ddxplus:path:Spontaneous pneumothorax');
  });

  it('lists neighbours by relation type with their sources', async () => {
    const n = await kg.neighbours('ddxplus:path:Pneumonia', { types: ['risk-factor-of'] });
    expect(n.length).toBe(12);
    expect(n.every((x) => x.direction === 'in' && x.relation.source.licence === 'CC-BY')).toBe(true);
    expect(n.map((x) => x.other?.id)).toContain('ddxplus:E_79');
  });

  it('explains risk factor → disease → finding with each edge and its source', async () => {
    const paths = await kg.paths('ddxplus:E_79', 'ddxplus:E_91', { maxHops: 2 });
    expect(paths.length).toBeGreaterThan(0);
    const p = paths.find((x) => x.nodes[1] === 'ddxplus:path:Pneumonia')!;
    expect(p.nodes).toEqual(['ddxplus:E_79', 'ddxplus:path:Pneumonia', 'ddxplus:E_91']);
    expect(p.edges.map((e) => e.type)).toEqual(['risk-factor-of', 'has-finding']);
    expect(p.edges.every((e) => e.source.id === 'ddxplus' && e.releaseId === base)).toBe(true);
    expect(await kg.paths('ddxplus:E_79', 'ddxplus:E_91', { maxHops: 1 })).toEqual([]);
  });

  it('tells everything about a drug pair: the interaction through a class, renal rules, classes', async () => {
    const info = await kg.drugPair('华法林', 'ibuprofen');
    expect(info.interactions.map((r) => r.attrs.rule)).toEqual(['DDI16']);
    expect(info.interactions[0]!.attrs.severity).toBe('S1');
    expect(info.b.classes.map((c) => c.id)).toContain('drug-class:nsaid');
    expect(info.b.renal.map((r) => r.attrs.rule)).toEqual(['RD04']);
    const none = await kg.drugPair('metformin', 'omeprazole');
    expect(none.interactions).toEqual([]);
  });

  it('says everything a disease implies', async () => {
    const p = await kg.diseaseProfile('ddxplus:path:Pneumonia');
    expect(p.relations['has-finding']?.length).toBe(27);
    expect(p.relations['risk-factor-of']?.length).toBe(12);
  });

  it('exports a lexicon of names (not questions) with codes and categories', async () => {
    const lex = await kg.exportLexicon();
    const pneumonia = lex.find((e) => e.term === '肺炎' && e.lang === 'zh')!;
    expect(pneumonia.category).toBe('condition');
    expect(pneumonia.concept).toMatchObject({ system: CodeSystems.icd10cn, code: 'J18.900', displayZh: '肺炎' });
    expect(pneumonia.concept.codings?.[0]).toMatchObject({ system: CodeSystems.medseek, code: 'icd10cn:J18.900' });
    expect(lex.find((e) => e.term === 'warfarin')?.category).toBe('medication');
    expect(lex.some((e) => e.term.startsWith('Do you have a fever'))).toBe(false);
  });

  it('gives the diagnosis network in one call', async () => {
    const net = await kg.causalNetwork();
    expect(net.diseases.map((d) => d.id).sort()).toEqual([
      'ddxplus:path:Pneumonia',
      'ddxplus:path:Spontaneous pneumothorax',
      'ddxplus:path:URTI',
    ]);
    expect(net.findings.every((r) => r.type === 'has-finding' && r.attrs.probability === null)).toBe(true);
    expect(net.riskFactors.length).toBeGreaterThan(0);
    expect(net.concepts.get('ddxplus:E_54')?.attrs.dataType).toBe('M');
  });

  it('adds a hospital guideline as a new release, with priors and probabilities the network then carries', async () => {
    const r = await importKnowledge(db(), 'local', fx('local.json'), { activate: true });
    expect(r.releaseCreated).toBe(true);
    const net = await kg.causalNetwork({ release: r.releaseId });
    expect(net.priors).toHaveLength(1);
    expect(net.priors[0]!.attrs).toMatchObject({ probability: 0.02, sex: 'male' });
    expect(net.priors[0]!.source.document).toBe('Community-acquired pneumonia local guideline');
    expect((await kg.find('rales'))[0]?.concept.id).toBe('local:finding:crackles');
    // The earlier release is unchanged.
    expect((await kg.causalNetwork({ release: base })).priors).toHaveLength(0);
  });

  it('keeps the crawled Chinese KGs out of shippable releases', async () => {
    const r = await importKnowledge(db(), 'xywy', fx('xywy-triples.tsv'), { base: null });
    const rel = (await listReleases(db())).find((x) => x.id === r.releaseId)!;
    expect(rel.shippable).toBe(false);
    expect(rel.active).toBe(false);
    const two = await kg.paths('zh:disease:百日咳', 'zh:disease:肺炎', { release: r.releaseId, maxHops: 2 });
    expect(two[0]?.nodes).toEqual(['zh:disease:百日咳', 'zh:disease:支气管肺炎', 'zh:disease:肺炎']);
    const h = await importKnowledge(db(), '39health', fx('39health-disease.csv'), { base: r.releaseId });
    const found = await kg.find('乙型肝炎', { release: h.releaseId });
    expect(found[0]?.concept.id).toBe('zh:disease:乙肝');
  });

  it('lets a curator override and retract edges, each edit a new release, with the history kept', async () => {
    const active = (await activeReleaseId(db()))!;
    const before = await kg.neighbours('ddxplus:path:Pneumonia', {
      types: ['has-finding'],
      direction: 'out',
      release: active,
    });
    const edge = before.find((n) => n.relation.source.id === 'ddxplus');
    const edit = await curate(db(), {
      author: 'dr.li',
      reason: 'local data: fever in 80 % of our CAP admissions',
      source: { id: 'resp-audit-2026', name: 'Example Hospital respiratory audit', date: '2026-02-01' },
      override: [{ relationId: edge!.relation.id, attrs: { probability: 0.8 } }],
    });
    expect(edit.releaseId).toBeGreaterThan(active);
    expect(await activeReleaseId(db())).toBe(edit.releaseId);
    const now = await kg.neighbours('ddxplus:path:Pneumonia', { types: ['has-finding'], direction: 'out' });
    const replaced = now.find((n) => n.relation.to === edge!.relation.to)!;
    expect(replaced.relation).toMatchObject({
      overrides: edge!.relation.id,
      attrs: { probability: 0.8, curatedBy: 'dr.li' },
    });
    expect(replaced.relation.source.id).toBe('local:resp-audit-2026');
    expect(now).toHaveLength(before.length);
    const retract = await curate(db(), {
      author: 'dr.wang',
      reason: 'not in our population',
      source: { id: 'resp-audit-2026', name: 'Example Hospital respiratory audit' },
      retract: [replaced.relation.id],
    });
    expect(
      await kg.neighbours('ddxplus:path:Pneumonia', {
        types: ['has-finding'],
        direction: 'out',
        release: retract.releaseId,
      }),
    ).toHaveLength(before.length - 1);
    // The previous release still answers as it did.
    expect(
      await kg.neighbours('ddxplus:path:Pneumonia', { types: ['has-finding'], direction: 'out', release: active }),
    ).toHaveLength(before.length);
    const history = await curationHistory(db());
    expect(history.map((h) => h.author)).toEqual(['dr.li', 'dr.wang']);
    expect(history[1]!.relations[0]).toMatchObject({ retracted: true, overrides: replaced.relation.id });
  });

  it('refuses to change a stored release or relation', async () => {
    await expect(db().query("update kg_release set label = 'x' where id = 1")).rejects.toThrow(/immutable/);
    await expect(db().query('delete from kg_relation where batch_id = 1')).rejects.toThrow(/immutable/);
  });

  it('switches the active release back and refuses an unknown one', async () => {
    await activateRelease(db(), base);
    expect(await activeReleaseId(db())).toBe(base);
    await expect(activateRelease(db(), 9999)).rejects.toThrow(/not found/);
  });

  it('rolls back a failed import, leaving nothing half-written', async () => {
    const good = parseDdxplus(
      readFileSync(fx('ddxplus/release_conditions.json'), 'utf8'),
      readFileSync(fx('ddxplus/release_evidences.json'), 'utf8'),
    );
    const broken = {
      ...good,
      contentHash: 'broken',
      relations: [...good.relations, { ...good.relations[0]!, sourceId: 'no-such-source' }],
    };
    const before = await db().query<{ n: number }>('select count(*)::int as n from kg_batch');
    await expect(importBatch(db(), broken)).rejects.toThrow();
    const after = await db().query<{ n: number }>('select count(*)::int as n from kg_batch');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });
});

forEachBackend('demo knowledge release', (db) => {
  it('imports DDXPlus + ICD-10 + the CDS rules once, activates it, and does nothing the second time', async () => {
    const id = await ensureDemoRelease(db());
    expect(id).toBe(1);
    expect(await ensureDemoRelease(db())).toBeUndefined();
    const kg = new KnowledgeGraph(db());
    const stats = await kg.stats();
    expect(stats.releaseId).toBe(1);
    expect(stats.concepts).toBeGreaterThan(35_000);
    expect(stats.relations['interacts-with']).toBeGreaterThan(24);
    expect(stats.relations['has-finding']).toBeGreaterThan(400);
    expect((await kg.find('J18.900'))[0]?.concept.name.zh).toBe('肺炎');
    // The crosswalk takes a Chinese diagnosis name to the DDXPlus pathology it falls under.
    const mapped = await kg.neighbours('icd10cn:J18.900', { types: ['maps-to'], direction: 'out' });
    expect(mapped.map((n) => n.other?.id)).toEqual(['ddxplus:path:Pneumonia']);
  });
});

describe('import kinds', () => {
  it('rejects an unknown kind before touching the database', async () => {
    await expect(importKnowledge(undefined as never, 'snomed', 'x')).rejects.toThrow(/unknown import kind 'snomed'/);
  });
});
