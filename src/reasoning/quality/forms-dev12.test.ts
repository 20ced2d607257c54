import { describe, expect, it } from 'vitest';
import { changed, found } from '../../../bench/qc-lib/dev-records.js';
import type { QcEncounter } from './model.js';

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
