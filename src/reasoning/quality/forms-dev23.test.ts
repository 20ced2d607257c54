import { describe, expect, it } from 'vitest';
import { DEV_RECORDS, editDocument, found } from '../../../bench/qc-lib/dev-records.js';
import { FORMS } from '../../../bench/qc-lib/reform.js';
import { findingKeys, reformed } from '../../../bench/qc-lib/reform-check.js';
import type { QcEncounter } from './model.js';
import { qualityRulesFromData } from './rulebook.js';
import { sectionPlaces } from './text.js';

/**
 * Issue 16, 2026-12-08: the form bugs `bench qc --reform` listed on the dev records, read in general: a signature's
 * label spaced, bracketed or alone on its line above the name and time (v05 C01 记录时间); a year-less date before
 * 入院/出院 in a discharge record's head (v05 C09); spaces typed after a heading alone on its line (v04 C09); header
 * fields numbered ① 1、 1) (w01 C01); a wrapped line that goes on with its sentence read as no heading (p02 C07) and
 * a wrapped 现病史 read whole (t03 C03); C06 quoting the test, not its date (s06); K11 reading a differential item
 * and its verdict over a wrap or after a spaced colon (w04). Each form, and the defect it must still find.
 */

const rec = (id: string) => DEV_RECORDS.get(id)!;
const form = (name: string) => FORMS.find((f) => f.name === name)!;
const inForm = (e: QcEncounter, name: string): QcEncounter => reformed(e, form(name))!;

describe('forms-dev23: every form finds on these records what the record as written has', () => {
  const book = qualityRulesFromData();
  it.each(['p02', 's06', 't03', 'v04', 'v05', 'w01', 'w04'])('%s in all the forms', (id) => {
    const before = [...findingKeys(rec(id), book)].sort();
    for (const f of FORMS) {
      const e = reformed(rec(id), f);
      if (e) expect([...findingKeys(e, book)].sort(), f.name).toEqual(before);
    }
  });
});

describe('forms-dev23: C01 reads the 记录时间 beside a signature however its label is printed', () => {
  const forms = [
    'heading-own-line',
    'heading-colon-own-line',
    'heading-【】-own-line',
    'heading-spaced',
    'heading-full-width-spaced',
    'heading-一、-own-line',
  ];
  it.each(forms)('v05 %s: 医师 spaced, bracketed or alone on its line above the name and time', (name) => {
    expect(found(inForm(rec('v05'), name), 'C01')).toEqual(found(rec('v05'), 'C01'));
  });

  it.each(forms)('v05 %s: a signature without its time still lacks the 记录时间', (name) => {
    const e = editDocument('v05', 'v05-adm', (t) =>
      t.replace('医师：覃思雨　2026年11月12日15时10分', '医师：覃思雨').replace(/本病历于[^。]*写毕。/, ''),
    );
    expect(found(inForm(e, name), 'C01')).toContain('入院记录缺少“记录时间”');
  });
});

describe('forms-dev23: C09 reads a discharge record’s dates written without their year', () => {
  it('v05 time-月日: "于11月12日14:05入院，11月17日10:00出院"', () => {
    expect(found(inForm(rec('v05'), 'time-月日'), 'C09')).toEqual([]);
  });

  it('a discharge date dropped is still found', () => {
    const e = editDocument('v05', 'v05-dis', (t) => t.replace('2026年11月17日10时00分出院，', ''));
    expect(found(inForm(e, 'time-月日'), 'C09')).toContain('出院记录缺少“出院日期”');
  });
});

describe('forms-dev23: a heading alone on its line keeps its trailing spaces out of its reading', () => {
  it('v04 stray-spaces: "▌入院时情况 ON ADMISSION  " is a heading', () => {
    expect(found(inForm(rec('v04'), 'stray-spaces'), 'C09')).toEqual([]);
    const names = sectionPlaces('▌入院时情况 ON ADMISSION  \n右足红肿1天。\n▌出院时诊断  \n痛风').map((p) => p.name);
    expect(names).toEqual(['入院情况', '出院诊断']);
  });

  it('a section removed is still found under stray spaces', () => {
    const e = editDocument('v04', 'v04-dis', (t) => t.replace(/▌出院时情况[^\n]*\n[^\n]*\n/, ''));
    expect(found(inForm(e, 'stray-spaces'), 'C09').join('\n')).toMatch(/出院记录缺少“出院情况”/);
  });
});

describe('forms-dev23: C01 reads header fields numbered in any list marker', () => {
  it.each(['list-1、', 'list-①', 'list-1)', 'list-（1）'])('w01 %s', (name) => {
    expect(found(inForm(rec('w01'), name), 'C01')).toEqual(found(rec('w01'), 'C01'));
  });

  it('a field whose value is dropped is still found', () => {
    const e = editDocument('w01', 'w01-adm', (t) => t.replace('(6)出生地 江苏省南通市　', '(6)出生地 　'));
    for (const name of ['list-1、', 'list-①', 'list-1)'])
      expect(found(inForm(e, name), 'C01'), name).toContain('入院记录缺少“出生地”');
  });
});

describe('forms-dev23: wrapped paragraphs', () => {
  it('p02 wrap-30: a line that goes on after ； is not the heading its words resemble (既往剖宫产史——)', () => {
    expect(found(inForm(rec('p02'), 'wrap-30'), 'C07')).toEqual([]);
    const names = sectionPlaces('拟诊讨论：诊断依据：妊娠38+5周；\n既往剖宫产史——瘢痕子宫。').map((p) => p.name);
    expect(names).toEqual(['拟诊讨论']);
    // After a sentence that ends, the same words head a section.
    const own = sectionPlaces('拟诊讨论：诊断依据：妊娠38+5周。\n既往剖宫产史——瘢痕子宫。').map((p) => p.name);
    expect(own).toEqual(['拟诊讨论', '既往史']);
  });

  it('p02 wrap-30: a differential removed is still found', () => {
    const e = editDocument('p02', 'p02-first', (t) => t.replace(/2\.鉴别诊断：[^\n]*/, ''));
    expect(found(inForm(e, 'wrap-30'), 'C07')).toContain('拟诊讨论缺鉴别诊断');
  });

  it('t03 wrap-24-indented: "喂养，\\n　　吃奶" is read as one clause of the 现病史', () => {
    expect(found(inForm(rec('t03'), 'wrap-24-indented'), 'C03')).toEqual([]);
    const e = editDocument('t03', 't03-adm', (t) =>
      t.replace('予按需母乳喂养，吃奶\n稍差，吸吮力可。', '').replace('生后已排胎便及小便，', ''),
    );
    expect(found(inForm(e, 'wrap-24-indented'), 'C03')).toContain('现病史缺一般情况');
  });
});

describe('forms-dev23: C06 quotes the outside test, not the date before it', () => {
  it('s06: the same message in every time notation', () => {
    const msg = found(rec('s06'), 'C06');
    expect(msg).toEqual(['外院检查未注明机构及检查号：“外院胸部X线片：双肺纹理增多，未见实变影”']);
    for (const f of FORMS.filter((x) => x.group === 'time'))
      expect(found(reformed(rec('s06'), f)!, 'C06'), f.name).toEqual(msg);
  });
});

describe('forms-dev23: K11 reads a differential set aside however it is wrapped or spaced', () => {
  it.each(['stray-spaces', 'wrap-30', 'wrap-24-indented'])('w04 %s: 细菌性肺炎…暂不考虑 is no indication', (name) => {
    expect(found(inForm(rec('w04'), name), 'K11')).toEqual(found(rec('w04'), 'K11'));
    expect(found(rec('w04'), 'K11')).toHaveLength(1);
  });

  it('a bacterial pneumonia considered is still an indication in these forms', () => {
    const e = editDocument('w04', 'w04-first', (t) => t.replace('暂不考虑合并细菌感染', '考虑合并细菌感染'));
    for (const name of ['stray-spaces', 'wrap-30', 'wrap-24-indented'])
      expect(found(inForm(e, name), 'K11'), name).toEqual([]);
  });
});
