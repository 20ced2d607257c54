import { describe, expect, it } from 'vitest';
import { changed, found } from '../../../bench/qc-lib/dev-records.js';
import type { QcEncounter } from './model.js';
import { diagnosisItems } from './text.js';

/**
 * The twelfth round (issue 16, 2026-12-07), from o01–o06's first sight: an antibiotic's tier written in the order's
 * own text, and the 主任(副主任)医师's signature on the 首页 exported under the associate chief's own title. Each on a
 * dev record edited with this file's own phrasings, with the defect the reading must still find.
 */
type Editable = {
  orders: Record<string, unknown>[];
  homepage: { signatures: { id: string; role: string; at: string }[] };
};

/** d13 with one antibiotic order of `text`, its tier in the field only where `tier` is given. */
const withOrder = (text: string, tier?: string): QcEncounter =>
  changed<Editable>('d13', (e) => {
    e.orders.push({
      id: 'd13-abx2',
      text,
      kind: 'temporary',
      orderedAt: '2026-10-21T07:30:00+08:00',
      signedBy: 'd13-res',
      status: 'completed',
      category: 'antibiotic',
      ...(tier ? { antibioticTier: tier } : {}),
      items: 1,
    });
  });

const untiered = (text: string) => `抗菌药医嘱“${text}”未标注分级`;

describe('forms-dev12: K13 reads the tier an order writes in its own text', () => {
  it('takes （非限制使用级）, (限制级) or 【特殊使用级】 in the order for its tier', () => {
    for (const text of [
      '注射用头孢唑林钠 1g 静滴 切皮前（非限制使用级）',
      '左氧氟沙星注射液 0.5g 静滴 每日1次 (限制级)',
    ])
      expect(found(withOrder(text), 'K13').filter((f) => f.includes('未标注分级'))).toEqual([]);
  });

  it('still finds an order with no tier anywhere, and a 特殊使用级 one by text given without approval', () => {
    const bare = '注射用头孢唑林钠 1g 静滴 切皮前';
    expect(found(withOrder(bare), 'K13')).toEqual([untiered(bare)]);
    const special = '注射用美罗培南 1g 静滴 每8小时1次【特殊使用级】';
    expect(found(withOrder(special), 'K13')).toEqual([`特殊使用级抗菌药“${special}”使用前无会诊/审批`]);
  });

  it('does not take a tier word outside brackets, such as a note that the drug is not restricted', () => {
    const text = '阿莫西林胶囊 0.5g 口服 每日3次 非限制使用级药物';
    expect(found(withOrder(text), 'K13')).toEqual([untiered(text)]);
  });
});

describe('forms-dev12: H12 takes the associate chief signing as the 主任(副主任)医师', () => {
  const signedBy = (role: string) =>
    changed<Editable>('d13', (e) => {
      const s = e.homepage.signatures.find((x) => x.role === 'chief')!;
      s.role = role;
    });

  it('accepts role associate-chief for that line and still asks for it when neither signs', () => {
    expect(found(signedBy('associate-chief'), 'H12')).toEqual([]);
    expect(found(signedBy('attending-2'), 'H12')).toEqual(['首页缺主任(副主任)医师签名']);
  });
});

describe("forms-dev12: diagnosis items numbered （1） (2) or ①, also right after an item's own bracket", () => {
  it("splits them where the next number stands, keeping each item's brackets and its own digits", () => {
    expect(diagnosisItems('（1）胃窦腺癌（pT2N1M0，ⅡA期）（2）2型糖尿病（3）高血压病2级')).toEqual([
      '胃窦腺癌（pT2N1M0，ⅡA期）',
      '2型糖尿病',
      '高血压病2级',
    ]);
    expect(diagnosisItems('①慢性肾脏病（5期）②肾性贫血')).toEqual(['慢性肾脏病（5期）', '肾性贫血']);
    expect(diagnosisItems('(1) 社区获得性肺炎 (2) 慢性阻塞性肺疾病')).toEqual(['社区获得性肺炎', '慢性阻塞性肺疾病']);
  });
});

describe('forms-dev12: K03 reads a 出院诊断 whose items are numbered （1）（2） right after a bracket', () => {
  type Dx = { name: string; code: string; admissionCondition: string };
  type WithDx = {
    documents: { id: string; text: string }[];
    homepage: { mainDiagnosis: Dx; otherDiagnoses: Dx[] };
  };
  /** d13 with its 出院诊断 written as `line` and 高血压病2级 added to its 首页 as another diagnosis. */
  const written = (line: string) =>
    changed<WithDx>('d13', (e) => {
      const dis = e.documents.find((d) => d.id === 'd13-dis')!;
      dis.text = dis.text.replace('出院诊断：腰椎间盘突出症（L4/5）', `出院诊断：${line}`);
      e.homepage.otherDiagnoses.push({ name: '高血压病2级', code: 'I10.x00x003', admissionCondition: '1' });
    });

  it('agrees with a 首页 of the same two diagnoses, and still finds a main diagnosis changed', () => {
    expect(found(written('（1）腰椎间盘突出症（L4/5）（2）高血压病2级'), 'K03')).toEqual([]);
    expect(found(written('(1) 腰椎管狭窄症 (2) 高血压病2级'), 'K03')).toContain(
      '主要诊断不一致：出院记录“腰椎管狭窄症”，首页“腰椎间盘突出症（L4/5）”',
    );
  });
});
