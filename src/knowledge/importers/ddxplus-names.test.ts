import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { CodeSystems } from '../../core/index.js';
import { ensureDemoRelease } from '../demo.js';
import { KnowledgeGraph } from '../queries.js';
import { activeReleaseId, listReleases, releaseWithBatch, writeBatch } from '../releases.js';
import { parseDdxplus, readDdxplus } from './ddxplus.js';
import { bundledDdxplusNames, parseDdxplusNames } from './ddxplus-names.js';
import { cdsBatch } from './cds.js';

const data = (p: string) => readFileSync(new URL(`../data/${p}`, import.meta.url), 'utf8');
const conditions = data('ddxplus/release_conditions.json');
const evidences = data('ddxplus/release_evidences.json');
const names = bundledDdxplusNames();

describe('DDXPlus names file', () => {
  it('names every evidence and pathology of the bundled DDXPlus, with ICD-10 codes as DDXPlus gives them', () => {
    const ev = JSON.parse(evidences) as Record<string, unknown>;
    const cond = JSON.parse(conditions) as Record<string, { 'icd10-id': string }>;
    expect(Object.keys(names.evidences).sort()).toEqual(Object.keys(ev).sort());
    expect(Object.keys(names.pathologies).sort()).toEqual(Object.keys(cond).sort());
    for (const [k, c] of Object.entries(cond)) {
      expect(names.pathologies[k]!.icd10).toEqual(
        c['icd10-id']
          .split(',')
          .map((s) => s.trim().toUpperCase())
          .filter(Boolean),
      );
    }
  });

  it('uses the NLP built-in lexicon’s SNOMED CT code and one of its names wherever both name the same concept', () => {
    const builtin = new Map<string, { en: string; zh: string }>();
    for (const line of readFileSync(new URL('../../nlp/data/lexicon-builtin.tsv', import.meta.url), 'utf8').split(
      '\n',
    )) {
      const [, ref, en, zh] = line.split('\t');
      if (!line.startsWith('#') && ref?.startsWith('snomed:')) builtin.set(ref.slice(7), { en: en!, zh: zh ?? '' });
    }
    let shared = 0;
    for (const [k, e] of Object.entries(names.evidences)) {
      const terms = new Set([e.en, e.zh, ...e.synonyms.en, ...e.synonyms.zh].map((t) => t.toLowerCase()));
      for (const code of e.snomed) {
        const b = builtin.get(code);
        if (!b) continue;
        shared++;
        expect(terms.has(b.en.toLowerCase()) || terms.has(b.zh), `${k} ${code} ${b.en}`).toBe(true);
      }
    }
    expect(shared).toBeGreaterThan(30);
  });

  it('gives no term to two evidences', () => {
    const seen = new Map<string, string>();
    for (const [k, e] of Object.entries(names.evidences)) {
      for (const t of [e.en, e.zh, ...e.synonyms.en, ...e.synonyms.zh]) {
        const key = t.toLowerCase();
        expect(seen.get(key) ?? k, `'${t}' in ${seen.get(key)} and ${k}`).toBe(k);
        seen.set(key, k);
      }
    }
  });

  it('names the entry and field of a bad file', () => {
    const bad = JSON.parse(names.text);
    bad.evidences.E_91.snomed = ['fever'];
    expect(() => parseDdxplusNames(JSON.stringify(bad), 'n.json')).toThrow(/n\.json evidences\.E_91/);
    delete bad.evidences.E_91.zh;
    expect(() => parseDdxplusNames(JSON.stringify(bad), 'n.json')).toThrow(/missing zh name/);
  });
});

describe('DDXPlus importer with names', () => {
  const plain = parseDdxplus(conditions, evidences);
  const named = parseDdxplus(conditions, evidences, undefined, { names });
  const concept = (id: string) => named.concepts.find((c) => c.id === id)!;

  it('gives evidences short zh/en names, synonyms and SNOMED CT codes, keeping the question out of the lexicon', () => {
    const fever = concept('ddxplus:E_91');
    expect(fever.nameEn).toBe('Fever');
    expect(fever.nameZh).toBe('发热');
    const terms = [...fever.terms.values()];
    expect(terms.filter((t) => t.kind === 'synonym').map((t) => t.term)).toEqual(
      expect.arrayContaining(['Fever', '发烧', 'pyrexia']),
    );
    expect(terms.find((t) => t.kind === 'question')!.term).toMatch(/^Do you have a fever/);
    expect([...fever.codes.values()]).toEqual([
      { system: CodeSystems.ddxplus, code: 'E_91' },
      { system: CodeSystems.snomed, code: '386661006' },
    ]);
    expect(fever.attrs.questionEn).toMatch(/^Do you have a fever/);
  });

  it('names values from the templates and pathologies in Chinese', () => {
    expect(concept('ddxplus:E_55_@_V_197').nameZh).toBe('上腹部疼痛');
    expect(concept('ddxplus:path:Pneumonia').nameZh).toBe('肺炎');
    expect([...concept('ddxplus:path:URTI').terms.values()].map((t) => t.term)).toContain('上感');
  });

  it('keeps the structure, and hashes differently from the batch without names', () => {
    expect(named.relations.map((r) => r.id)).toEqual(plain.relations.map((r) => r.id));
    expect(named.contentHash).not.toBe(plain.contentHash);
    expect(readDdxplus(new URL('../data/ddxplus', import.meta.url).pathname).contentHash).toBe(named.contentHash);
    expect(readDdxplus(new URL('../data/ddxplus', import.meta.url).pathname, { names: null }).contentHash).toBe(
      plain.contentHash,
    );
  });
});

forEachBackend('demo release upgrade to the named DDXPlus', (db) => {
  it('adds the named DDXPlus on top of an earlier demo release once, and leaves other releases alone', async () => {
    // An earlier demo database: its DDXPlus batch has no names.
    const old = readDdxplus(new URL('../data/ddxplus', import.meta.url).pathname, { names: null });
    const { batchId } = await writeBatch(db(), old);
    const first = await releaseWithBatch(db(), [batchId], {
      base: null,
      activate: true,
      label: 'demo: DDXPlus + ICD-10 国家临床版 2.0 + CDS starter rules',
    });
    const kg = new KnowledgeGraph(db());
    expect((await kg.concept('ddxplus:E_91'))!.name.zh).toBeUndefined();

    const upgraded = await ensureDemoRelease(db());
    expect(upgraded).toBeGreaterThan(first.releaseId);
    expect(await activeReleaseId(db())).toBe(upgraded);
    expect(await ensureDemoRelease(db())).toBeUndefined();
    const fresh = new KnowledgeGraph(db());
    expect((await fresh.concept('ddxplus:E_91'))!.name.zh).toBe('发热');
    const lexicon = await fresh.exportLexicon();
    expect(lexicon.some((e) => e.term === '咳嗽' && e.concept.codings?.some((c) => c.code === 'E_201'))).toBe(true);
    // The earlier release is still there, unchanged.
    expect((await listReleases(db())).map((r) => r.id)).toContain(first.releaseId);
    expect((await fresh.concept('ddxplus:E_91', { release: first.releaseId }))!.name.zh).toBeUndefined();

    // A release someone made by hand is never touched.
    const cds = await writeBatch(db(), cdsBatch());
    const own = await releaseWithBatch(db(), [batchId, cds.batchId], {
      base: null,
      activate: true,
      label: 'hospital release',
    });
    expect(await ensureDemoRelease(db())).toBeUndefined();
    expect(await activeReleaseId(db())).toBe(own.releaseId);
  });
});
