import { describe, expect, it } from 'vitest';
import { ENDO_T2DM } from './__fixtures__/forms-dev2/endo-t2dm.js';
import { GYN_MYOMA } from './__fixtures__/forms-dev2/gyn-myoma.js';
import { NEURO_STROKE } from './__fixtures__/forms-dev2/neuro-stroke.js';
import { evaluateQc } from './engine.js';
import type { QcEncounter } from './model.js';
import { qualityRulesFromData } from './rulebook.js';

/**
 * Reading rules found on the fourth round of dev records (bench/data/qc/dev, written in the report forms'
 * layouts): the menstrual formula, tests before admission as 诊治经过, a dose change of a drug already given
 * for its indication, a functional class the front sheet leaves out, a fever denied in a list, and WHO
 * ICD-10 subcodes that 国家临床版 2.0 lacks. Each on a clean forms-dev2 record, one change at a time.
 */
const BOOK = qualityRulesFromData();
const NOW = '2026-12-01T00:00:00+08:00';
type Draft<T> = T extends readonly (infer U)[]
  ? Draft<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Draft<T[K]> }
    : T;
type Enc = Draft<QcEncounter>;
const run = (enc: QcEncounter) => evaluateQc(enc, BOOK, { now: NOW }).issues;
const findings = (enc: QcEncounter) => run(enc).map((i) => `${i.ruleId} ${i.conclusion.statement.zh}`);
const added = (base: QcEncounter, v: QcEncounter) => {
  const before = new Set(findings(base));
  return findings(v).filter((f) => !before.has(f));
};
function variant(base: QcEncounter, change: (e: Enc) => void): QcEncounter {
  const e = structuredClone(base) as unknown as Enc;
  change(e);
  return e as unknown as QcEncounter;
}
function retext(base: QcEncounter, type: string, from: string | RegExp, to: string): QcEncounter {
  return variant(base, (e) => {
    const d = e.documents.find((x) => x.type === type)!;
    const next = d.text.replace(from, to);
    if (next === d.text) throw new Error(`${type}: ${String(from)} not found`);
    d.text = next;
  });
}

describe('H04: a WHO ICD-10 subcode that 国家临床版 2.0 lacks under a category it has', () => {
  it('is an advisory (S4) to recode under the category, not an invalid code', () => {
    const v = variant(ENDO_T2DM, (e) => (e.homepage!.otherDiagnoses[0]!.code = 'N18.5'));
    const h04 = run(v).filter((i) => i.ruleId === 'H04');
    expect(h04.map((i) => [i.qcSeverity, i.conclusion.statement.zh])).toEqual([
      [
        'S4',
        `诊断编码N18.5（${ENDO_T2DM.homepage!.otherDiagnoses[0]!.name}）为ICD-10亚目，国家临床版2.0无此亚目：请在N18类目下改用国家临床版代码`,
      ],
    ]);
  });

  it('a category the edition does not have stays an invalid code (S2)', () => {
    const v = variant(ENDO_T2DM, (e) => (e.homepage!.otherDiagnoses[0]!.code = 'K99.9'));
    expect(
      run(v)
        .filter((i) => i.ruleId === 'H04')
        .map((i) => i.qcSeverity),
    ).toEqual(['S2']);
  });

  it('the clinical-edition code itself draws nothing', () => {
    const v = variant(ENDO_T2DM, (e) => (e.homepage!.otherDiagnoses[0]!.code = 'N18.001'));
    expect(run(v).filter((i) => i.ruleId === 'H04')).toEqual([]);
  });
});

describe('C04: the menstrual formula', () => {
  const formula = (f: string) =>
    retext(GYN_MYOMA, 'admission-note', /（六）月经史：[^\n]*/, `（六）月经史：${f}，经量多，无痛经。`);

  it('"13  5/28-30  2026-06-28" gives menarche, menses, cycle and the last period', () => {
    expect(added(GYN_MYOMA, formula('13  8-9/28  2026-06-28')).filter((f) => f.startsWith('C04'))).toEqual([]);
  });

  it('without its last element the last period is missing', () => {
    expect(added(GYN_MYOMA, formula('13  8-9/28')).filter((f) => f.startsWith('C04'))).toEqual([
      'C04 月经史缺末次月经时间或闭经年龄',
    ]);
  });
});

describe('C03: tests done before admission are 诊治经过', () => {
  it('"当地医院查…：" with its result counts; a history without any care does not', () => {
    const hpi = (s: string) => retext(NEURO_STROKE, 'admission-note', /现病史: [^\n]*/, `现病史: ${s}`);
    const onset =
      '患者5小时前晨起时出现左侧肢体无力，伴言语含糊，无头痛、呕吐。病程中精神差，睡眠、食欲可，大小便正常。';
    const c03 = (e: QcEncounter) => added(NEURO_STROKE, e).filter((f) => f.startsWith('C03'));
    expect(c03(hpi(`${onset}当地医院查头颅CT：未见出血。`))).toEqual([]);
    expect(c03(hpi(onset))).toEqual(['C03 现病史缺诊治经过及结果']);
  });
});

describe('K11: the indication of a drug order', () => {
  it('a dose change of a drug already given for its documented indication continues it', () => {
    const later = variant(NEURO_STROKE, (e) => {
      const o = e.orders.find((x) => x.id === 'n-o1')!;
      e.orders.push({
        ...o,
        id: 'n-o1b',
        text: '阿司匹林肠溶片 200mg 口服 每日一次',
        orderedAt: '2026-06-08T10:00:00+08:00',
      });
    });
    expect(added(NEURO_STROKE, later).filter((f) => f.startsWith('K11'))).toEqual([]);
  });

  it('a fever denied in a list ("无皮疹、发热") is no indication for an antibiotic', () => {
    const abx = variant(NEURO_STROKE, (e) => {
      e.orders.push({
        id: 'n-abx',
        text: '注射用头孢呋辛钠 1.5g 静脉滴注 每日2次',
        kind: 'long',
        orderedAt: e.admitAt,
        signedBy: 'n-r1',
        status: 'completed',
        category: 'antibiotic',
        antibioticTier: 'unrestricted',
      });
      const d = e.documents.find((x) => x.type === 'first-progress-note')!;
      d.text += '\n患者无皮疹、发热。';
    });
    expect(added(NEURO_STROKE, abx).filter((f) => f.startsWith('K11'))).toEqual([
      'K11 医嘱“注射用头孢呋辛钠 1.5g 静脉滴注 每日2次”无病程记录说明用药指征',
    ]);
  });
});

describe('K03: a functional class written after the disease', () => {
  const withClass = (sheetName: string) =>
    variant(
      retext(ENDO_T2DM, 'discharge-record', /(出院诊断：[^\n]*?)2\. 高脂血症/, '$12. 慢性心力衰竭 心功能Ⅲ级'),
      (e) => (e.homepage!.otherDiagnoses[0]!.name = sheetName),
    );

  it('a front sheet that leaves the class out is no inconsistency', () => {
    const v = withClass('慢性心力衰竭');
    expect(findings(v).filter((f) => f.startsWith('K03'))).toEqual([]);
  });

  it('another disease on the sheet still is', () => {
    const v = withClass('慢性肾衰竭');
    expect(findings(v).filter((f) => f.startsWith('K03'))).toHaveLength(1);
  });
});

describe('a senior round written by the resident and signed by the senior (审签)', () => {
  it('is the senior’s round for T05, C08 and T15', () => {
    const byResident = variant(GYN_MYOMA, (e) => {
      const resident = e.documents.find((x) => x.type === 'first-progress-note')!.author!;
      for (const d of e.documents.filter((x) => x.type === 'ward-round')) {
        const senior = d.author!;
        d.author = resident;
        d.signatures = [
          { ...resident, at: d.completedAt! },
          { ...senior, at: d.completedAt! },
        ];
      }
    });
    expect(added(GYN_MYOMA, byResident)).toEqual([]);
  });

  it('unsigned by a senior it is no senior round', () => {
    const unsigned = variant(GYN_MYOMA, (e) => {
      const resident = e.documents.find((x) => x.type === 'first-progress-note')!.author!;
      for (const d of e.documents.filter((x) => x.type === 'ward-round')) {
        d.author = resident;
        d.signatures = [{ ...resident, at: d.completedAt! }];
      }
    });
    expect(added(GYN_MYOMA, unsigned).filter((f) => f.startsWith('T05'))).toEqual([
      'T05 入院48小时内无主治医师及以上查房记录',
    ]);
  });
});
