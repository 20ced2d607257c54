import { describe, expect, it } from 'vitest';
import { changed, found } from '../../../bench/qc-lib/dev-records.js';

/**
 * The fifteenth round (issue 16, 2026-12-07), from an independent evaluator's records p01–p06: a bedside film the
 * note names without 床旁, a senior round that analyses an established diagnosis by its stage and indication, an
 * obstetric 现病史 that times events by the gestational age, a diagnosis that writes 左乳 or names the pathogen in a
 * bracket, a consent for an act the patient came in on ("继续有创机械通气"), and a consent's "拟行手术:" whose side
 * differs. Each written with this file's own phrasings into a dev record, with the defect the reading must still find.
 */
type Sig = { id: string; name: string; role: string; title?: string; at: string };
type Doc = {
  id: string;
  type: string;
  text: string;
  recordedAt?: string;
  completedAt?: string;
  relatedId?: string;
  signatures: Sig[];
};
type Order = {
  id: string;
  text: string;
  kind: string;
  orderedAt: string;
  status: string;
  category: string;
  items: number;
  firstDoseAt?: string;
};
type Result = { id: string; kind: string; name: string; orderId: string; reportedAt: string; value: string };
type Dx = { name: string; code: string; admissionCondition: string; kind?: string };
type Editable = {
  documents: Doc[];
  orders: Order[];
  results: Result[];
  homepage: { mainDiagnosis: Dx; otherDiagnoses: Dx[] };
};

const docIn = (e: Editable, id: string) => e.documents.find((d) => d.id === id)!;

describe('forms-dev15: C21 reads a bedside film the note names without 床旁', () => {
  // d03: a bedside film on 11-09 07:30, the 11-09 10:00 round the last note after it.
  const film = (round: string) =>
    changed<Editable>('d03', (e) => {
      e.orders.push({
        id: 'x-o9',
        text: '床边胸部正位片',
        kind: 'temporary',
        orderedAt: '2026-11-09T07:00:00+08:00',
        status: 'completed',
        category: 'imaging',
        items: 1,
      });
      e.results.push({
        id: 'x-i9',
        kind: 'imaging',
        name: '床边胸部正位片',
        orderId: 'x-o9',
        reportedAt: '2026-11-09T07:30:00+08:00',
        value: '右下肺渗出较前吸收',
      });
      docIn(e, 'd03-p4').text = `2026-11-09 10:00　张建华副主任医师查房记录\n患者无发热。${round}\n医师签名：张建华`;
    });

  it('takes "胸部正位片：…" as the analysis of the 床边胸部正位片 report', () => {
    expect(found(film('胸部正位片（07:30）：右下肺渗出较前吸收，同意明日出院。'), 'C21')).not.toContain(
      '病程记录未分析床边胸部正位片报告',
    );
  });

  it('still finds the film no note analyses', () => {
    expect(found(film('同意明日出院。'), 'C21')).toContain('病程记录未分析床边胸部正位片报告');
  });
});

describe('forms-dev15: C08 reads the analysis of an established diagnosis', () => {
  const round = (analysis: string) =>
    changed<Editable>('d03', (e) => {
      const d = docIn(e, 'd03-round1');
      d.text = d.text.replace(/张建华副主任医师分析：[^\n]*/, `张建华副主任医师分析：${analysis}`);
    });
  const missing = '主治医师首次查房缺诊断依据与鉴别诊断分析';

  it('takes the stage or grade and the indication it gives under 分析', () => {
    expect(found(round('右下肺炎CURB-65评分1分，PSI分级Ⅱ级，有住院静脉抗感染指征。'), 'C08')).not.toContain(missing);
    expect(found(round('肺功能及血气尚可，满足介入条件。'), 'C08')).not.toContain(missing);
  });

  it('still finds an analysis of the response alone', () => {
    expect(found(round('抗感染治疗有效，体温下降。'), 'C08')).toContain(missing);
  });
});

describe('forms-dev15: K17 reads an obstetric 现病史 timed by gestational age', () => {
  // n01 (admitted at 39+3 weeks, LMP 2026/1/10): the 主诉 and 现病史 replaced by this file's own.
  const obstetric = (complaint: string) =>
    changed<Editable>('n01', (e) => {
      const d = docIn(e, 'n01-adm');
      d.text = d.text
        .replace(/一、主诉[^\n]*/, `一、主诉　停经39+3周，${complaint}。`)
        .replace(
          /二、现病史[^\n]*/,
          '二、现病史　患者平素月经规律，末次月经2026/1/10。停经40天自测尿hCG阳性，孕12周建档。' +
            '孕26+3周产检测血压145/95mmHg，复测仍高，低盐饮食，未用药。现无头痛、视物模糊。',
        );
    });

  it('counts 孕26+3周 as 13 weeks before admission at 39+3 weeks', () => {
    expect(found(obstetric('发现血压升高13周'), 'K17')).toEqual([]);
  });

  it('still finds a 主诉 time the 现病史 does not tell', () => {
    expect(found(obstetric('发现血压升高2天'), 'K17')).toEqual(['主诉时间（2天）与现病史（91天）不一致']);
  });
});

describe('forms-dev15: H05 reads 左乳 as 乳腺 and a bracket naming the pathogen', () => {
  const coded = (main: Dx, other?: Dx) =>
    changed<Editable>('d03', (e) => {
      e.homepage.mainDiagnosis = main;
      if (other) e.homepage.otherDiagnoses.push(other);
    });
  const cap = { name: '社区获得性肺炎（右下叶）', code: 'J18.900', admissionCondition: '1' };
  const breast = (code: string) => ({
    name: '右乳浸润性小叶癌（pT1N0M0 ⅠA期）',
    code,
    admissionCondition: '1',
    kind: 'comorbidity' as const,
  });

  it('fits 右乳…癌 to C50 and 肺炎（肺炎链球菌） to J13', () => {
    expect(found(coded(cap, breast('C50.900')), 'H05')).toEqual([]);
    expect(found(coded({ ...cap, name: '重症肺炎（肺炎链球菌感染）', code: 'J13.x00' }), 'H05')).toEqual([]);
  });

  it('still finds a code of another disease', () => {
    expect(found(coded(cap, breast('C16.900')), 'H05')).toHaveLength(1);
    expect(found(coded({ ...cap, name: '重症肺炎（肺炎链球菌感染）', code: 'J45.900' }), 'H05')).toHaveLength(1);
    // A bracket of course words alone is no disease: it does not make a wrong code fit.
    expect(found(coded({ ...cap, name: '社区获得性肺炎（急性发作）', code: 'K80.100' }), 'H05')).toHaveLength(1);
  });
});

describe('forms-dev15: C15 reads a consent for an act the patient came in on', () => {
  // d03 admitted 16:05: a ward order for ventilation at 16:10, the form signed at 16:40.
  const ventilated = (planned: string) =>
    changed<Editable>('d03', (e) => {
      e.orders.push({
        id: 'x-o8',
        text: '无创机械通气 S/T模式',
        kind: 'long',
        orderedAt: '2026-11-02T16:10:00+08:00',
        status: 'stopped',
        category: 'special',
        items: 1,
      });
      e.documents.push({
        id: 'x-consent',
        type: 'consent-special',
        relatedId: 'x-o8',
        recordedAt: '2026-11-02T16:30:00+08:00',
        completedAt: '2026-11-02T16:40:00+08:00',
        text: `无创通气知情同意书\n拟行：${planned}\n风险：误吸、胃胀气、面部压伤。\n患者签名：孙宝林　医师签名：周晓燕`,
        signatures: [
          { id: 'x-pt', name: '孙宝林', role: 'patient', at: '2026-11-02T16:40:00+08:00' },
          { id: 'd03-res', name: '周晓燕', role: 'physician', title: 'resident', at: '2026-11-02T16:40:00+08:00' },
        ],
      });
    });
  const late = '特殊检查/治疗知情同意书签署晚于操作';

  it('owes the form, not its time, for an act it names as continued (急诊已开始)', () => {
    expect(found(ventilated('维持无创机械通气（急诊已开始）。'), 'C15')).not.toContain(late);
  });

  it('still finds a form signed after the order for a new act', () => {
    expect(found(ventilated('无创机械通气。'), 'C15')).toContain(late);
  });
});

describe('forms-dev15: K10 and K08 read the consent\'s "拟行手术:"', () => {
  // h05 (left total knee replacement): the consent's line written "拟行手术: …　拟行日期: …".
  const consent = (side: string) =>
    changed<Editable>('h05', (e) => {
      const d = docIn(e, 'h05-consent');
      d.text = d.text.replace(/拟行手术:[^。]*。/, `拟行手术: ${side}侧全膝关节置换术　拟行日期: 2026/09/09\n`);
    });

  it('reads the planned operation up to its date', () => {
    expect(found(consent('左'), 'K10')).toEqual([]);
    expect(found(consent('左'), 'K08')).toEqual([]);
  });

  it('finds the wrong side there, as a side and as an operation name', () => {
    expect(found(consent('右'), 'K10')).toHaveLength(1);
    expect(found(consent('右'), 'K08')).toHaveLength(1);
  });
});
