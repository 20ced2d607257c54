import { describe, expect, it } from 'vitest';
import { changed, found } from '../../../bench/qc-lib/dev-records.js';
import type { QcEncounter } from './model.js';

/**
 * The eleventh round (issue 16, 2026-12-07): K11 read as the antibiotic principles read an indication (a bacterial
 * infection found, not a viral one, a fever, a culture only sent or a diagnosis set aside in the differential), and
 * the reading faults n01–n06 showed at first sight (a gestational or newborn age taken for a 主诉 time, a dated later
 * onset, a symptom's own onset, a study named by its short name, notes filed without their event's id, a cause of
 * death written 因…已故, pertinent negatives of another system). Each is tested on a dev record edited with phrasings
 * of this file's own, with the defect the fix must still find.
 */
type Editable = {
  admitAt: string;
  documents: {
    id: string;
    type: string;
    text: string;
    recordedAt?: string;
    completedAt?: string;
    signatures?: unknown[];
  }[];
  orders: Record<string, unknown>[];
  transfers: { id: string; at: string; emergency?: boolean }[];
  consults: { id: string; urgent: boolean; sentAt: string; arrivedAt?: string }[];
  results: Record<string, unknown>[];
};

const ABX = '注射用头孢曲松钠 2g 静脉滴注 每日1次';

/** d13 (lumbar disc, no infection) with a ceftriaxone order on day 2 and `note` written in that day's ward round. */
const withAntibiotic = (note: string): QcEncounter =>
  changed<Editable>('d13', (e) => {
    e.orders.push({
      id: 'd13-abx',
      text: ABX,
      kind: 'long',
      orderedAt: '2026-10-20T09:30:00+08:00',
      signedBy: 'd13-res',
      status: 'stopped',
      stopAt: '2026-10-23T09:30:00+08:00',
      category: 'antibiotic',
      antibioticTier: 'unrestricted',
      items: 1,
    });
    const round = e.documents.find((d) => d.id === 'd13-round1')!;
    round.text = round.text.replace('指示：', `${note}指示：`);
  });

const K11 = [`医嘱“${ABX}”无病程记录说明用药指征`];

describe('forms-dev11: K11 reads a bacterial indication, not a viral one or one ruled out', () => {
  it('asks for the indication where the stated infection is viral, not where a bacterial one is written beside it', () => {
    expect(found(withAntibiotic('咽拭子检出甲型流感病毒，考虑病毒性上呼吸道感染。'), 'K11')).toEqual(K11);
    expect(found(withAntibiotic('胸部CT示双肺磨玻璃影，病毒性肺炎可能。'), 'K11')).toEqual(K11);
    const secondary = '病毒性肺炎基础上继发细菌感染，痰涂片见大量革兰阳性球菌，予头孢曲松抗感染。';
    expect(found(withAntibiotic(secondary), 'K11')).toEqual([]);
  });

  it('takes neither a fever alone nor a culture only sent as an indication; a culture that grew one is', () => {
    expect(found(withAntibiotic('今晨体温38.3℃，予物理降温，送血培养。'), 'K11')).toEqual(K11);
    expect(found(withAntibiotic('尿培养阴性，血培养未检出细菌。'), 'K11')).toEqual(K11);
    expect(found(withAntibiotic('入院时尿培养回报：检出大肠埃希菌，菌落计数>10^5CFU/ml。'), 'K11')).toEqual([]);
  });

  it('reads out a diagnosis the differential sets aside; one it cannot exclude stays an indication', () => {
    const setAside = '鉴别诊断：1. 腰椎结核：无低热盗汗，MRI无骨质破坏，不支持；2. 化脓性脊柱炎：血象不高，可排除。';
    expect(found(withAntibiotic(setAside), 'K11')).toEqual(K11);
    expect(found(withAntibiotic('需与泌尿系感染鉴别，尿常规正常。'), 'K11')).toEqual(K11);
    expect(found(withAntibiotic('尿常规白细胞（+++），不能排除尿路感染，予抗感染治疗。'), 'K11')).toEqual([]);
  });

  it('reads out a pancreatitis that is not infected and a statement that no antibiotic is indicated', () => {
    expect(found(withAntibiotic('血淀粉酶升高，合并轻症急性胰腺炎。'), 'K11')).toEqual(K11);
    expect(found(withAntibiotic('目前无应用抗菌药物的指征。'), 'K11')).toEqual(K11);
    expect(found(withAntibiotic('CT示胰周坏死组织内积气，考虑感染性胰腺坏死。'), 'K11')).toEqual([]);
  });
});

describe('forms-dev11: a condition ruled out is read out for every order category', () => {
  const LMWH = '低分子肝素钙注射液 4100IU 皮下注射 每日1次';
  const withHeparin = (note: string): QcEncounter =>
    changed<Editable>('d13', (e) => {
      e.orders.push({
        id: 'd13-lmwh',
        text: LMWH,
        kind: 'long',
        orderedAt: '2026-10-20T09:30:00+08:00',
        signedBy: 'd13-res',
        status: 'stopped',
        stopAt: '2026-10-23T09:30:00+08:00',
        category: 'anticoagulant',
        items: 1,
      });
      const round = e.documents.find((d) => d.id === 'd13-round1')!;
      round.text = round.text.replace('指示：', `${note}指示：`);
    });

  it('reads out the thrombosis excluded, not the treatment given after the exclusion', () => {
    expect(found(withHeparin('双下肢静脉超声排除深静脉血栓。'), 'K11')).toEqual([
      `医嘱“${LMWH}”无病程记录说明用药指征`,
    ]);
    expect(found(withHeparin('卧床制动，排除出血禁忌后予低分子肝素抗凝。'), 'K11')).toEqual([]);
  });
});

/** d13 with its 主诉 and 现病史 written anew. */
const story = (complaint: string, hpi: string): QcEncounter =>
  changed<Editable>('d13', (e) => {
    const d = e.documents.find((x) => x.type === 'admission-note')!;
    d.text = d.text
      .replace(/主　　诉：[^\n]*/, `主　　诉：${complaint}`)
      .replace(/现 病 史：[^\n]*/, `现 病 史：${hpi}`);
  });

describe('forms-dev11: K17 reads the times of the 现病史 as times of the illness', () => {
  it('takes a gestation or a newborn’s age at an event for no duration, and reads a dated later onset', () => {
    const hpi =
      '患儿系G1P1，孕39+2周剖宫产娩出，生后2小时开奶，每3–4小时1次。2026年10月17日家属发现患儿颜面发黄，' +
      '2026年10月18日起黄染加重，无发热，无拒奶。';
    expect(found(story('皮肤黄染2天，加重1天。', hpi), 'K17')).toEqual([]);
    expect(found(story('皮肤黄染2天，加重1个月。', hpi), 'K17')).toEqual(['主诉时间（30天）与现病史（2.02天）不一致']);
  });

  it('reads the obstetric 停经N+M周 as its weeks', () => {
    const hpi = '末次月经2026年1月20日，停经6周查尿hCG阳性。1天前出现下腹阵发性紧缩感。';
    expect(found(story('停经38+4周，下腹紧缩感1天。', hpi), 'K17')).toEqual([]);
  });

  it('reads a later 主诉 item against the onset the 现病史 gives its own symptom', () => {
    const hpi = '患者3个月前出现口干、多饮，未诊治。10天前出现视物模糊，伴头痛，近1个月体重下降4kg。';
    expect(found(story('口干、多饮3个月，视物模糊10天。', hpi), 'K17')).toEqual([]);
    // The 主诉's first time given again to the later symptom: the 现病史 times that symptom 10 days back.
    expect(found(story('口干、多饮3个月，视物模糊3个月。', hpi), 'K17')).toEqual([
      '主诉时间（90天）与现病史（10天）不一致',
    ]);
    // Its companion symptom, in a clause that goes on from the timed one.
    expect(found(story('口干、多饮3个月，头痛1个月。', hpi), 'K17')).toEqual([
      '主诉时间（30天）与现病史（10天）不一致',
    ]);
  });
});

describe('forms-dev11: a study named by its short name, notes filed without their event', () => {
  it('takes a note that names the study by a part of its name as discussing the report (C21)', () => {
    const kub = (note: string) =>
      changed<Editable>('d13', (e) => {
        e.orders.push({
          id: 'd13-kub',
          text: '泌尿系平片（KUB）',
          kind: 'temporary',
          orderedAt: '2026-10-21T09:00:00+08:00',
          signedBy: 'd13-res',
          status: 'completed',
          category: 'imaging',
          items: 1,
        });
        e.results.push({
          id: 'd13-kub-r',
          kind: 'imaging',
          name: '泌尿系平片（KUB）',
          reportedAt: '2026-10-21T15:00:00+08:00',
          value: '未见阳性结石影',
          orderId: 'd13-kub',
        });
        const p = e.documents.find((d) => d.id === 'd13-p2')!;
        p.text = p.text.replace(/\n/, `\n${note}`);
      });
    expect(found(kub('昨日KUB未见阳性结石影，腰痛考虑与结石无关。'), 'C21')).toEqual([]);
    expect(found(kub('腰痛较前减轻。'), 'C21')).toEqual(['病程记录未分析泌尿系平片（KUB）报告']);
  });

  it('gives a transfer and a consult the note of their kind nearest in time where no note names its event', () => {
    const moved = (outAt: string) =>
      changed<Editable>('d13', (e) => {
        e.transfers.push({ id: 'd13-t', at: '2026-10-22T14:00:00+08:00' });
        e.documents.push(
          {
            id: 'd13-out',
            type: 'transfer-out',
            text: '转出记录',
            recordedAt: outAt,
            completedAt: outAt,
            signatures: [],
          },
          {
            id: 'd13-in',
            type: 'transfer-in',
            text: '转入记录',
            recordedAt: '2026-10-22T16:00:00+08:00',
            completedAt: '2026-10-22T16:30:00+08:00',
            signatures: [],
          },
        );
      });
    expect(found(moved('2026-10-22T13:20:00+08:00'), 'T11')).toEqual([]);
    expect(found(moved('2026-10-22T15:00:00+08:00'), 'T11')).toEqual(['转出记录超时1小时（时限0小时）']);
    const consulted = changed<Editable>('d13', (e) => {
      e.consults.push({ id: 'd13-c', urgent: false, sentAt: '2026-10-20T10:00:00+08:00' });
      e.documents.push({
        id: 'd13-cn',
        type: 'consult-note',
        text: '会诊记录\n疼痛科会诊意见：可行骶管注射。',
        recordedAt: '2026-10-21T16:00:00+08:00',
        completedAt: '2026-10-21T16:20:00+08:00',
        signatures: [],
      });
    });
    // Its note found, it is read for its time, and the course after it for the advice carried out.
    expect(found(consulted, 'T09')).toEqual([
      '会诊记录超时6.3小时（时限24小时）',
      '会诊后病程记录未记录会诊意见执行情况',
    ]);
  });
});

describe('forms-dev11: the 入院记录 read in its own words', () => {
  it('takes 因…已故 as the cause of a relative’s death (C01)', () => {
    const family = (line: string) =>
      changed<Editable>('d13', (e) => {
        const d = e.documents.find((x) => x.type === 'admission-note')!;
        d.text = d.text.replace('家 族 史：父母健在。', `家 族 史：${line}`);
      });
    expect(found(family('父亲因“胃癌”、母亲因“心肌梗死”已故，否认家族遗传病史。'), 'C01')).toEqual([]);
    expect(found(family('父母均已故，否认家族遗传病史。'), 'C01')).toEqual(['家族史记录家族成员已故，未记录死因']);
  });

  it('takes the pertinent negatives of another system as the 伴随症状 (C03)', () => {
    const hpi = (text: string) => story('右手烫伤1小时。', text);
    const burn =
      '患者1小时前做饭时不慎被开水烫伤右手，局部出现红肿、水疱，疼痛明显。无昏迷，无呼吸困难。立即冷水冲洗后来我院，' +
      '门诊以“右手烫伤”收入院。伤后精神可，未进食，大小便正常，体重无变化。';
    expect(found(hpi(burn), 'C03')).toEqual([]);
    expect(found(hpi(burn.replace('无昏迷，无呼吸困难。', '')), 'C03')).toEqual(['现病史缺伴随症状']);
  });
});
