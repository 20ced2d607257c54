import { describe, expect, it } from 'vitest';
import { changed, DEV_RECORDS as RECORDS, found } from '../../../bench/qc-lib/dev-records.js';
import type { QcEncounter } from './model.js';

/**
 * The ninth round (issue 16, 2026-12-07): defects on k01–k06 the engine missed where the record still showed
 * them, each read in general terms and tested here in phrasings of their own: a deceased patient's 首页 against
 * the 死亡记录's 死亡诊断 (no 出院记录), a 主诉 time the 现病史 does not tell when the 现病史 repeats its opening
 * time ("近3个月来"), a note that denies an antibiotic ("不预防性使用抗菌药物") or names a chemical peritonitis
 * read as its indication, and a 既往史 whose only allergy statement is about food.
 */
type Editable = {
  documents: { type: string; text: string }[];
  orders: Record<string, unknown>[];
  homepage?: { mainDiagnosis?: { name: string; code?: string }; otherDiagnoses: { name: string; code?: string }[] };
};

const change = (id: string, f: (e: Editable) => void): QcEncounter => changed<Editable>(id, f);

/** Edits the text of the first document of `type`: a [pattern, replacement] pair at a time. */
function editText(e: Editable, id: string, type: string, ...pairs: [RegExp, string][]): void {
  const d = e.documents.find((x) => x.type === type);
  if (!d) throw new Error(`${id}: no ${type}`);
  for (const [from, to] of pairs) {
    if (!from.test(d.text)) throw new Error(`${id}: ${from} not found`);
    d.text = d.text.replace(from, to);
  }
}

const edit = (id: string, type: string, ...pairs: [RegExp, string][]): QcEncounter =>
  change(id, (e) => editText(e, id, type, ...pairs));

describe('forms-dev9: defects the record shows, read as the record writes them', () => {
  it('compares the 首页 with the 死亡记录’s 死亡诊断 when the patient died (no 出院记录)', () => {
    expect(found(RECORDS.get('k06')!, 'K03')).toEqual([]);
    const main = change('k06', (e) => {
      e.homepage!.mainDiagnosis = { name: '慢性阻塞性肺疾病急性加重', code: 'J44.1' };
    });
    expect(found(main, 'K03')).toContain('主要诊断不一致：死亡记录“重症肺炎”，首页“慢性阻塞性肺疾病急性加重”');
    // The last 死亡诊断 left off the 首页, and the heading written in brackets on a line of its own.
    const dropped = change('k06', (e) => {
      e.homepage!.otherDiagnoses.pop();
      editText(e, 'k06', 'death-record', [/死亡诊断：/, '【死亡诊断】\n']);
    });
    expect(found(dropped, 'K03')).toEqual(['诊断不一致（仅死亡记录：高血压病3级；仅首页：无）']);
  });

  it('finds a 主诉 time the 现病史 does not tell when the 现病史 repeats its opening time', () => {
    expect(found(RECORDS.get('k02')!, 'K17')).toEqual([]);
    // "近3个月来精神可" repeats the opening 3个月; the 主诉's 7周 is told nowhere (the 现病史 says 2周前).
    const weeks = edit('k02', 'admission-note', [/发现左额颅内占位2周/, '发现左额颅内占位7周']);
    expect(found(weeks, 'K17')).toEqual(['主诉时间（49天）与现病史（14天）不一致']);
  });

  it('does not read a note that denies the antibiotic as its indication', () => {
    const addAntibiotic = (e: Editable) => {
      e.orders.push({
        id: 'k05-t-abx',
        text: '左氧氟沙星氯化钠注射液 0.5g 静脉滴注 每日1次',
        kind: 'long',
        orderedAt: '2026-09-14T10:00:00+08:00',
        signedBy: 'd-k05-xu',
        status: 'stopped',
        stopAt: '2026-09-16T10:00:00+08:00',
        category: 'antibiotic',
        antibioticTier: 'restricted',
        items: 1,
      });
    };
    const denied = change('k05', (e) => {
      addAntibiotic(e);
      editText(e, 'k05', 'first-progress-note', [/术前不预防性使用抗菌药物/, '无需抗菌药物预防']);
      editText(e, 'k05', 'preop-summary', [/Ⅰ类切口不预防使用抗菌药物/, '清洁手术，暂不使用抗生素']);
      // A chemical inflammation named as a risk is no infection.
      editText(e, 'k05', 'preop-discussion', [/防止化学性腹膜炎/, '避免囊液外溢引起化学性腹膜炎']);
    });
    expect(found(denied, 'K11')).toEqual(['医嘱“左氧氟沙星氯化钠注射液 0.5g 静脉滴注 每日1次”无病程记录说明用药指征']);
    // A note that gives the reason keeps the order documented.
    const given = change('k05', (e) => {
      addAntibiotic(e);
      editText(e, 'k05', 'preop-summary', [/Ⅰ类切口不预防使用抗菌药物/, '尿常规示白细胞增多，予左氧氟沙星抗感染']);
    });
    expect(found(given, 'K11')).toEqual([]);
  });

  it('asks for the drug-allergy history when the 既往史 states only the food allergy', () => {
    const line = /· 过敏史：[^\n]*/;
    const foodOnly = edit('k04', 'admission-note', [line, '· 食物过敏史：无。']);
    expect(found(foodOnly, 'C02')).toEqual(['既往史未记录食物或药物过敏史']);
    const both = edit('k04', 'admission-note', [line, '· 否认食物、药物过敏史。']);
    expect(found(both, 'C02')).toEqual([]);
    // A drug allergy written as a positive skin test, beside a food-only denial.
    const skinTest = edit('k04', 'admission-note', [line, '· 头孢皮试阳性（2018年）；否认食物过敏。']);
    expect(found(skinTest, 'C02')).toEqual([]);
  });
});
