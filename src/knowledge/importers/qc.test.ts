import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { readBatch } from '../import.js';
import { compileQcPatterns, parseQcHeadings, parseQcRule, QC_HEADINGS_CONCEPT, qcBatch, readQcData } from './qc.js';

const bundledDir = new URL('../data/qc/', import.meta.url);
const scratch: string[] = [];
afterEach(() => {
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A copy of data/qc with one file changed. */
function dataWith(file: string, change: (json: Record<string, unknown[]>) => void): URL {
  const dir = mkdtempSync(join(tmpdir(), 'qc-data-'));
  scratch.push(dir);
  cpSync(bundledDir, dir, { recursive: true });
  const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown[]>;
  change(json);
  writeFileSync(join(dir, file), JSON.stringify(json));
  return pathToFileURL(`${dir}/`);
}

type Entry = Record<string, unknown>;

describe('QC rule data (data/qc)', () => {
  it('merges the 76 rules with their sections, patterns and lists, each naming its sources', () => {
    const data = readQcData();
    expect(data.rules).toHaveLength(76);
    const c01 = data.rules.find((r) => r.id === 'C01')!;
    expect(c01.sections.required!.document).toBe('admission-note');
    expect(c01.sections.required!.sections.find((s) => s.name === '婚姻状况')).toEqual({
      name: '婚姻状况',
      en: 'marital status',
      severity: 'S3',
      synonyms: ['婚姻'],
    });
    expect(c01.sources[0]).toEqual({
      id: 'BW2010',
      cite: '第十八条(一)–(十)',
      citeEn: 'art. 18(1)–(10)',
      role: 'authority',
      title: {
        en: 'Basic Standards for Writing Medical Records (Ministry of Health, 2010)',
        zh: '《病历书写基本规范》',
      },
    });
    expect(data.rules.find((r) => r.id === 'K01')!.lists.maleOnly).toEqual([
      ['C60', 'C63'],
      ['D29', 'D29'],
      ['D40', 'D40'],
      ['N40', 'N53'],
    ]);
  });

  it('writes one qc-rule relation per rule, its attributes the whole rule, under its first authority', () => {
    const batch = qcBatch();
    expect(batch.kind).toBe('qc');
    const rels = batch.relations.filter((r) => r.type === 'qc-rule');
    expect(rels).toHaveLength(76);
    const c02 = rels.find((r) => r.from === 'qc-rule:C02')!;
    expect(c02.sourceId).toBe('qc:BW2010');
    expect(c02.attrs).toMatchObject({ id: 'C02', severity: 'S3', patterns: { pastHistory: expect.any(Array) } });
    expect(batch.sources.find((s) => s.id === 'qc:SY2016')).toMatchObject({
      name: expect.any(String),
      document: expect.stringContaining('住院病案首页数据填写质量规范'),
    });
    // Same files, same batch: a re-import changes nothing; `medseek kg import qc` reads the same.
    expect(qcBatch().contentHash).toBe(batch.contentHash);
    expect(readBatch('qc', undefined).contentHash).toBe(batch.contentHash);
    expect(readBatch('qc', fileURLToPath(bundledDir)).contentHash).toBe(batch.contentHash);
  });

  it('refuses a pattern that does not compile, naming the rule and field', () => {
    const dir = dataWith('patterns.json', (j) => {
      ((j.patterns as Entry[]).find((p) => p.rule === 'C05')!.value as Entry[])[1]!.pattern = { re: '(P|脉搏' };
    });
    expect(() => readQcData(dir)).toThrow(/C05.*patterns\.vitals\[1\]\.pattern is not a valid pattern/);
  });

  it('refuses stateful flags, unknown sources, unknown rules and repeated ids', () => {
    expect(() => compileQcPatterns({ re: 'x', flags: 'g' }, 'QC rule X01', 'patterns.p')).toThrow(/patterns\.p\.flags/);
    const unknownSource = dataWith('rules.json', (j) => {
      ((j.rules as Entry[])[0]!.sources as Entry[]).push({ id: 'NOPE', role: 'authority' });
    });
    expect(() => readQcData(unknownSource)).toThrow(/T01.*unknown source 'NOPE'/);
    const unknownRule = dataWith('lists.json', (j) => {
      (j.lists as Entry[])[0]!.rule = 'Z99';
    });
    expect(() => readQcData(unknownRule)).toThrow(/unknown rule 'Z99'/);
    const repeated = dataWith('rules.json', (j) => {
      (j.rules as Entry[]).push({ ...(j.rules as Entry[])[0]! });
    });
    expect(() => readQcData(repeated)).toThrow(/repeats \(T01\)/);
  });

  it('refuses a rule without an authority (a method alone is not one)', () => {
    const spec = { ...readQcData().rules.find((r) => r.id === 'K01')! };
    expect(() => parseQcRule({ ...spec, sources: [{ id: 'MCE', role: 'method' }] }, 'rule K01')).toThrow(
      /sources must name an authority/,
    );
    expect(() => parseQcRule({ ...spec, severity: 'S9' }, 'rule K01')).toThrow(/severity must be/);
  });
});

describe('QC section headings (sections.json headings)', () => {
  it('are read with their synonyms and sources, and written into the batch as the qc-headings concept', () => {
    const data = readQcData();
    const admit = data.headings.items.find((h) => h.name === '入院时间')!;
    expect(admit).toMatchObject({ synonyms: ['入院日期'], inline: true });
    expect(data.headings.sources.map((s) => s.id)).toContain('BW2010');
    expect(data.headings.documents.find((k) => k.loinc?.includes('34117-2'))?.type).toBe('admission-note');
    expect(data.headings.documents.map((k) => k.type).indexOf('postop-first-note')).toBeLessThan(
      data.headings.documents.map((k) => k.type).indexOf('first-progress-note'),
    );
    const concept = qcBatch(data).concepts.find((c) => c.id === QC_HEADINGS_CONCEPT)!;
    expect(parseQcHeadings(concept.attrs, 'batch')).toEqual(data.headings);
  });

  it('refuses a name given twice and a required section that is no heading, naming the field', () => {
    expect(() =>
      parseQcHeadings(
        { items: [{ name: '主诉' }, { name: '现病史', synonyms: ['主诉'] }], sources: [{ id: 'BW2010' }] },
        'x',
      ),
    ).toThrow(/headings\.items\[1\].*主诉/);
    const dir = dataWith('sections.json', (json) => {
      const h = json.headings as unknown as { items: { name: string }[] };
      h.items = h.items.filter((x) => x.name !== '主诉');
    });
    expect(() => readQcData(dir)).toThrow(/requires '主诉', which is not a heading/);
  });
});
