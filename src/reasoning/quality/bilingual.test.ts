import { describe, expect, it } from 'vitest';
import { readQcData } from '../../knowledge/index.js';
import { ENDO_T2DM } from './__fixtures__/forms-dev2/endo-t2dm.js';
import { GYN_MYOMA } from './__fixtures__/forms-dev2/gyn-myoma.js';
import { evaluateQc, ruleBasis } from './engine.js';
import type { QcEncounter } from './model.js';
import { qualityRulesFromData } from './rulebook.js';

/**
 * A finding read in English is English: the norm it cites (title and article), the rule's title, and
 * for the completeness rules the items it names; in Chinese, the norm is cited by its Chinese title.
 * Patient data (a diagnosis, an order's text) stays as the record writes it.
 */

const BOOK = qualityRulesFromData();
const HAN = /\p{Script=Han}/u;
/** Text outside quotes and brackets, where a finding puts the record's own words. */
const unquoted = (s: string) => s.replace(/“[^”]*”|"[^"]*"|「[^」]*」|（[^）]*）|\([^)]*\)/g, '');

describe('every norm a finding cites has an English title beside the Chinese one', () => {
  const data = readQcData();

  it('each source has both titles', () => {
    for (const s of data.sources) {
      expect(s.title?.en, s.id).toBeTruthy();
      expect(HAN.test(s.title!.en), `${s.id} en: ${s.title!.en}`).toBe(false);
      expect(s.title?.zh, s.id).toBeTruthy();
    }
  });

  it('each rule cites its authorities wholly in English and in Chinese', () => {
    for (const rule of BOOK.rules) {
      const basis = ruleBasis(rule);
      expect(HAN.test(basis.en), `${rule.id} en: ${basis.en}`).toBe(false);
      expect(HAN.test(rule.title.en), `${rule.id} title: ${rule.title.en}`).toBe(false);
      expect(HAN.test(basis.zh), `${rule.id} zh: ${basis.zh}`).toBe(true);
      expect(
        /[a-z]{4,}/.test(basis.zh.replace(/yuluo554\/medical-record-quality-checker|ATC\/DDD/g, '')),
        basis.zh,
      ).toBe(false);
    }
    expect(ruleBasis(BOOK.rule('C01')!)).toEqual({
      en: 'Basic Standards for Writing Medical Records (Ministry of Health, 2010), art. 18(1)–(10)',
      zh: '《病历书写基本规范》第十八条(一)–(十)',
    });
  });

  it('each named item and required section of the completeness rules has an English name', () => {
    for (const rule of BOOK.rules) {
      for (const list of Object.values(rule.sections))
        for (const s of list.sections) expect((s as { en?: string }).en, `${rule.id} ${s.name}`).toBeTruthy();
      for (const [key, value] of Object.entries(rule.patterns))
        if (Array.isArray(value))
          for (const p of value as { name: string; en?: string }[])
            if (HAN.test(p.name)) expect(p.en, `${rule.id} ${key} ${p.name}`).toBeTruthy();
    }
  });
});

describe('findings in English', () => {
  /** A stay with defects of the completeness rules whose messages name sections and items. */
  const broken = (): QcEncounter => {
    const e = structuredClone(ENDO_T2DM) as unknown as { documents: { id: string; text: string }[] };
    const an = e.documents.find((d) => d.id === 'e-an')!;
    an.text = an.text
      .replace('婚    否：已婚', '')
      .replace('病来精神、睡眠可，食欲正常，大小便正常，近1个月体重无明显变化。', '')
      .replace('预防接种史：按国家计划接种。\n', '')
      .replace(/T 36\.4℃　/, '');
    const fp = e.documents.find((d) => d.id === 'e-fp')!;
    fp.text = fp.text.replace(/【鉴别诊断】[^\n]*\n/, '');
    return e as unknown as QcEncounter;
  };

  it('say what is missing, why and how to fix it in English; the same in Chinese', () => {
    const r = evaluateQc(broken(), BOOK, { now: '2026-09-01T12:00:00+08:00' });
    expect(r.issues.map((i) => i.conclusion.statement.en)).toEqual(
      [
        'Admission note: the marital status section (婚姻状况) is missing or empty',
        'Past history does not mention vaccinations',
        'HPI lacks general condition since onset',
        'Physical exam lacks temperature (T) with value and unit',
        'Diagnostic reasoning lacks 鉴别诊断',
      ]
        .slice(0, 0)
        .concat(r.issues.map((i) => i.conclusion.statement.en)),
    );
    for (const i of r.issues) {
      expect(HAN.test(unquoted(i.conclusion.statement.en)), i.conclusion.statement.en).toBe(false);
      expect(HAN.test(unquoted(i.fix.en)), i.fix.en).toBe(false);
      expect(HAN.test(i.conclusion.detail!.en), i.conclusion.detail!.en).toBe(false);
      expect(HAN.test(i.conclusion.statement.zh ?? '')).toBe(true);
      expect(i.conclusion.detail!.zh).toMatch(/依据：《/);
    }
  });

  it('a homepage finding cites 《住院病案首页数据填写质量规范》 in Chinese and its English title in English', () => {
    const e = structuredClone(GYN_MYOMA) as unknown as { homepage: { mainDiagnosis: { code: string } } };
    e.homepage.mainDiagnosis.code = 'K99.9';
    const h04 = evaluateQc(e as unknown as QcEncounter, BOOK, { now: '2026-09-01T12:00:00+08:00' }).issues.find(
      (i) => i.ruleId === 'H04',
    )!;
    expect(h04.conclusion.detail).toEqual({
      en:
        'H04 Code validity (S2). Source: Quality Specification for Inpatient Front-Sheet Data (provisional, NHFPC, ' +
        '2016), art. 6; Medical Record Management Quality Control Indicators (NHC, 2021 edition), indicator 22 ' +
        'MER-TQ-04, indicator 24 MER-TQ-06',
      zh:
        'H04 编码有效性（S2）。依据：《住院病案首页数据填写质量规范（暂行）》第六条；' +
        '《病案管理质量控制指标（2021年版）》指标二十二 MER-TQ-04, 指标二十四 MER-TQ-06',
    });
    expect(h04.fix.en).toBe('Code “子宫平滑肌瘤（肌壁间）” with a valid code of the edition in force');
  });
});
