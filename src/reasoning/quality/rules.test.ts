import { describe, expect, it } from 'vitest';
import { ADMISSION_NOTE_TEXT, CATALOG, CLEAN_ENCOUNTER, NOW } from './__fixtures__/clean-encounter.js';
import { evaluateQc } from './engine.js';
import { qualityRulesFromData } from './rulebook.js';
import type { DocType, QcDocument, QcEncounter } from './model.js';

type Mutable<T> = T extends readonly (infer U)[]
  ? Mutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Mutable<T[K]> }
    : T;
type Enc = Mutable<QcEncounter>;

const BOOK = qualityRulesFromData();
const QC_RULES = BOOK.rules;
// The US-sourced rules (TJC/CMS) are off by default; these tests turn them on to check them too.
const INTL_ON = { T22: { enabled: true }, T23: { enabled: true }, C20: { enabled: true } };
const run = (enc: QcEncounter, config = {}) =>
  evaluateQc(enc, BOOK, { now: NOW, icdCatalog: CATALOG, config: { ...INTL_ON, ...config } });

function mutate(fn: (e: Enc) => void): QcEncounter {
  const e = structuredClone(CLEAN_ENCOUNTER) as unknown as Enc;
  fn(e);
  return e as QcEncounter;
}
const d = (e: Enc, id: string) => e.documents.find((x) => x.id === id)!;
const setText = (e: Enc, id: string, from: string | RegExp, to: string) => {
  const doc = d(e, id);
  doc.text = doc.text.replace(from, to);
};
const addDoc = (e: Enc, doc: Partial<QcDocument> & { id: string; type: DocType }) =>
  e.documents.push({
    signatures: [{ id: 'd2', title: 'attending' }],
    author: { id: 'd2', title: 'attending' },
    text: '',
    ...doc,
  } as Enc['documents'][number]);
const rescue = (e: Enc) => {
  e.rescues.push({
    id: 'rs1',
    startAt: '2026-03-05T02:00:00+08:00',
    endAt: '2026-03-05T03:00:00+08:00',
    leaderId: 'd2',
  });
  addDoc(e, {
    id: 'rn1',
    type: 'rescue-note',
    relatedId: 'rs1',
    recordedAt: '2026-03-05T04:00:00+08:00',
    completedAt: '2026-03-05T05:00:00+08:00',
    late: true,
    participants: [{ id: 'd2', name: '李主治', title: 'attending' }],
    text: '抢救记录（补记）\n病情变化：患者突发室颤。\n抢救时间：2026-03-05 02:00至03:00\n抢救措施：胸外按压、电除颤。',
  });
};
const death = (e: Enc, at = '2026-03-08T10:00:00+08:00') => {
  e.deathAt = at;
  e.dischargeAt = at;
  e.homepage!.dischargeDisposition = '5';
};

/** For each rule, one change to the clean stay that must make it fire. */
const FIRES: Record<string, { why: string; change: (e: Enc) => void; config?: Record<string, unknown> }> = {
  T01: {
    why: 'admission note signed 25 h after admission',
    change: (e) => (d(e, 'an1').completedAt = '2026-03-03T10:00:00+08:00'),
  },
  T02: {
    why: 'first progress note signed 9 h after admission',
    change: (e) => (d(e, 'fp1').completedAt = '2026-03-02T18:00:00+08:00'),
  },
  T03: {
    why: 'discharged the same day without a 24-hour note',
    change: (e) => (e.dischargeAt = '2026-03-02T20:00:00+08:00'),
  },
  T04: { why: 'died within 24 h without the 24-hour death note', change: (e) => death(e, '2026-03-02T20:00:00+08:00') },
  T05: {
    why: 'only a resident did the round',
    // Author and signer: a round the attending signed is the attending's (roundPhysician).
    change: (e) => {
      const resident = { id: 'd1', name: '张住院', title: 'resident' as const };
      d(e, 'wr1').author = resident;
      d(e, 'wr1').signatures = [{ ...resident, at: '2026-03-03T17:00:00+08:00' }];
    },
  },
  T06: {
    why: 'four days without a progress note',
    change: (e) => (e.documents = e.documents.filter((x) => x.id !== 'pn1' && x.id !== 'pn2')),
  },
  T07: {
    why: 'rescue record signed 7 h after the rescue',
    change: (e) => {
      rescue(e);
      d(e, 'rn1').completedAt = '2026-03-05T10:00:00+08:00';
    },
  },
  T08: {
    why: 'verbal order entered after the rescue note was signed',
    change: (e) => {
      rescue(e);
      e.orders.push({
        id: 'o9',
        text: '肾上腺素 1mg 静推',
        kind: 'temporary',
        orderedAt: '2026-03-05T02:10:00+08:00',
        enteredAt: '2026-03-05T06:00:00+08:00',
        signedBy: 'd2',
        status: 'completed',
        verbal: true,
      });
    },
  },
  T09: {
    why: 'routine consultation answered after 27 h',
    change: (e) => {
      e.consults.push({ id: 'c1', urgent: false, sentAt: '2026-03-03T09:00:00+08:00' });
      addDoc(e, {
        id: 'cn1',
        type: 'consult-note',
        relatedId: 'c1',
        recordedAt: '2026-03-04T12:00:00+08:00',
        completedAt: '2026-03-04T12:00:00+08:00',
        text: '心内科会诊意见：血压控制可。',
      });
      d(e, 'pn1').text += '已按会诊意见执行。';
    },
  },
  T10: {
    why: 'handover without notes',
    change: (e) => e.handovers.push({ id: 'h1', at: '2026-03-05T08:00:00+08:00' }),
  },
  T11: {
    why: 'transfer without notes',
    change: (e) => e.transfers.push({ id: 't1', at: '2026-03-05T08:00:00+08:00' }),
  },
  T12: {
    why: 'a 40-day stay without an interim summary',
    change: (e) => (e.dischargeAt = '2026-04-11T10:00:00+08:00'),
  },
  T13: {
    why: 'operative note signed 25.5 h after surgery',
    change: (e) => (d(e, 'op1').completedAt = '2026-03-05T12:00:00+08:00'),
  },
  T14: {
    why: 'post-op note 2.5 h after surgery',
    change: (e) => (d(e, 'pf1').completedAt = '2026-03-04T13:00:00+08:00'),
  },
  T15: {
    why: 'surgeon did not see the patient before surgery',
    change: (e) => (d(e, 'wr1').author = { id: 'd3', name: '周主任', title: 'chief' }),
  },
  T16: {
    why: 'discharge record signed 25 h after discharge',
    change: (e) => (d(e, 'dr1').completedAt = '2026-03-10T11:00:00+08:00'),
  },
  T17: {
    why: 'death record signed 26 h after death',
    change: (e) => {
      death(e);
      addDoc(e, {
        id: 'dd1',
        type: 'death-record',
        recordedAt: '2026-03-09T12:00:00+08:00',
        completedAt: '2026-03-09T12:00:00+08:00',
        text: '',
      });
    },
  },
  T18: { why: 'no death case conference', change: (e) => death(e) },
  T19: {
    why: 'front sheet completed 25 h after discharge',
    change: (e) => (e.homepage!.completedAt = '2026-03-10T11:00:00+08:00'),
  },
  T20: { why: 'archived on the 4th working day', change: (e) => (e.archivedAt = '2026-03-13T10:00:00+08:00') },
  T21: {
    why: 'CT report filed 2 days after receipt',
    change: (e) => (e.results[0]!.filedAt = '2026-03-04T16:00:00+08:00'),
  },
  T22: { why: 'no H&P', change: (e) => (e.documents = e.documents.filter((x) => x.id !== 'hp1')) },
  T23: {
    why: 'discharge summary 37 days after discharge',
    change: (e) => (d(e, 'dr1').completedAt = '2026-04-15T10:00:00+08:00'),
  },
  C01: { why: 'no chief complaint', change: (e) => setText(e, 'an1', /主诉：.*\n/, '') },
  C02: { why: 'no allergy history', change: (e) => setText(e, 'an1', '否认食物及药物过敏史。', '') },
  C03: { why: 'HPI without elements', change: (e) => setText(e, 'an1', /现病史：.*\n/, '现病史：患者腹痛。\n') },
  C04: { why: 'no menstrual history', change: (e) => setText(e, 'an1', /月经史：.*\n/, '') },
  C05: { why: 'no blood pressure', change: (e) => setText(e, 'an1', ' BP 135/85mmHg', '') },
  C06: {
    why: 'outside test without institution',
    change: (e) => setText(e, 'an1', /辅助检查：.*\n/, '辅助检查：外院B超示胆囊结石。\n'),
  },
  C07: { why: 'no treatment plan', change: (e) => setText(e, 'fp1', /\n诊疗计划：.*/, '') },
  C08: { why: 'round without name and title', change: (e) => setText(e, 'wr1', '李主治主治医师查房：', '查房：') },
  C09: { why: 'no discharge orders', change: (e) => setText(e, 'dr1', /\n出院医嘱：.*/, '') },
  C10: {
    why: 'death record without content',
    change: (e) => {
      death(e);
      addDoc(e, {
        id: 'dd1',
        type: 'death-record',
        recordedAt: '2026-03-08T12:00:00+08:00',
        completedAt: '2026-03-08T12:00:00+08:00',
        text: '死亡记录\n死亡时间：2026-03-08 10:00',
      });
    },
  },
  C11: {
    why: 'rescue note without participants',
    change: (e) => {
      rescue(e);
      d(e, 'rn1').participants = [];
    },
  },
  C12: { why: 'operative note without anaesthesia', change: (e) => setText(e, 'op1', /麻醉方法：.*\n/, '') },
  C13: { why: 'no pre-op summary', change: (e) => (e.documents = e.documents.filter((x) => x.id !== 'ps1')) },
  C14: {
    why: 'checklist without the nurse',
    change: (e) => (d(e, 'ck1').signatures = d(e, 'ck1').signatures.filter((s) => s.role !== 'circulating-nurse')),
  },
  C15: {
    why: 'consent signed after surgery started',
    change: (e) => (d(e, 'cs1').completedAt = '2026-03-04T09:30:00+08:00'),
  },
  C16: {
    why: 'listed 病重 without a notice',
    change: (e) =>
      e.acuity.push({ from: '2026-03-04T11:00:00+08:00', to: '2026-03-05T11:00:00+08:00', level: 'serious' }),
  },
  C17: { why: 'unsigned order', change: (e) => delete (e.orders[3] as { signedBy?: string }).signedBy },
  C18: { why: 'unsigned progress note', change: (e) => (d(e, 'pn3').signatures = []) },
  C19: { why: 'entry without author', change: (e) => delete (d(e, 'pn3') as { author?: unknown }).author },
  C20: {
    why: 'U and qd in an order',
    change: (e) =>
      e.orders.push({
        id: 'o8',
        text: '胰岛素 10 U 皮下注射 qd',
        kind: 'long',
        orderedAt: '2026-03-05T08:00:00+08:00',
        signedBy: 'd1',
        status: 'stopped',
        stopAt: '2026-03-08T08:00:00+08:00',
        category: 'drug',
      }),
  },
  C21: { why: 'CT ordered, no report', change: (e) => e.results.splice(0, 1) },
  C22: { why: 'implant without barcode', change: (e) => (e.surgeries[0]!.implants = [{ type: '钛夹', count: 4 }]) },
  C23: { why: 'critical value not read back', change: (e) => (e.criticalValues[0]!.readBack = false) },
  K01: {
    why: 'male-only code for a woman',
    change: (e) => e.homepage!.otherDiagnoses.push({ name: '前列腺增生', code: 'N40.x00', admissionCondition: '1' }),
  },
  K02: {
    why: 'newborn code at 55',
    change: (e) => e.homepage!.otherDiagnoses.push({ name: '早产儿', code: 'P07.300', admissionCondition: '1' }),
  },
  K03: { why: 'front-sheet principal differs', change: (e) => (e.homepage!.mainDiagnosis!.name = '胆囊结石') },
  K04: {
    why: 'admission date differs',
    change: (e) => setText(e, 'dr1', '入院日期：2026-03-02', '入院日期：2026-03-01'),
  },
  K05: { why: 'LOS 9', change: (e) => (e.homepage!.los = 9) },
  K06: { why: 'order stops after discharge', change: (e) => (e.orders[3]!.stopAt = '2026-03-10T09:00:00+08:00') },
  K07: {
    why: 'surgical order before the discussion',
    change: (e) => (e.orders[2]!.orderedAt = '2026-03-03T13:00:00+08:00'),
  },
  K08: {
    why: 'consent names another operation',
    change: (e) => setText(e, 'cs1', '手术名称：腹腔镜胆囊切除术', '手术名称：开腹胆总管探查术'),
  },
  K09: {
    why: 'post-op diagnosis missing from discharge diagnoses',
    change: (e) => setText(e, 'op1', '术后诊断：慢性胆囊炎伴胆囊结石', '术后诊断：慢性胆囊炎伴胆囊结石；胆总管结石'),
  },
  K10: {
    why: 'left on the consent, right in the operative note',
    change: (e) => {
      setText(e, 'cs1', '手术名称：腹腔镜胆囊切除术', '手术名称：左侧腹股沟疝修补术');
      setText(e, 'op1', '手术名称：腹腔镜胆囊切除术', '手术名称：右侧腹股沟疝修补术');
    },
  },
  K11: {
    why: 'anticoagulant without indication',
    change: (e) =>
      e.orders.push({
        id: 'o7',
        text: '低分子肝素钙注射液 0.4ml 皮下注射',
        kind: 'long',
        orderedAt: '2026-03-05T10:00:00+08:00',
        signedBy: 'd1',
        status: 'stopped',
        stopAt: '2026-03-08T10:00:00+08:00',
        category: 'anticoagulant',
      }),
  },
  K12: {
    why: 'anaemia without a haemoglobin result',
    change: (e) => e.homepage!.otherDiagnoses.push({ name: '缺铁性贫血', code: 'D50.900', admissionCondition: '1' }),
  },
  K13: { why: 'special-use antibiotic without approval', change: (e) => (e.orders[0]!.antibioticTier = 'special') },
  K14: {
    why: 'cefazolin ordered with a documented cefazolin allergy',
    change: (e) => (e.homepage!.drugAllergy = { has: true, drugs: ['头孢唑林'] }),
  },
  K15: {
    why: 'front sheet says allergy, admission note says none',
    change: (e) => (e.homepage!.drugAllergy = { has: true, drugs: ['碘造影剂'] }),
  },
  K16: { why: 'two identical progress notes', change: (e) => (d(e, 'pn3').text = d(e, 'pn1').text) },
  K17: {
    why: 'chief complaint 5 days, HPI 2 years',
    change: (e) => setText(e, 'an1', '主诉：右上腹反复疼痛2年，加重3天', '主诉：右上腹疼痛5天'),
  },
  K18: { why: '离院方式 death for a live discharge', change: (e) => (e.homepage!.dischargeDisposition = '5') },
  H01: {
    why: 'symptom code as principal',
    change: (e) => (e.homepage!.mainDiagnosis = { name: '上腹痛', code: 'R10.100', admissionCondition: '1' }),
  },
  H02: {
    why: 'external cause as principal',
    change: (e) => (e.homepage!.mainDiagnosis = { name: '跌倒', code: 'W19.x00', admissionCondition: '1' }),
  },
  H03: {
    why: 'principal repeated',
    change: (e) =>
      e.homepage!.otherDiagnoses.push({ name: '慢性胆囊炎伴胆囊结石', code: 'K80.100', admissionCondition: '1' }),
  },
  H04: { why: 'malformed code', change: (e) => (e.homepage!.otherDiagnoses[0]!.code = 'I1O') },
  H05: { why: 'name does not match the code', change: (e) => (e.homepage!.otherDiagnoses[0]!.name = '糖尿病') },
  H06: {
    why: 'injury without external cause',
    change: (e) => {
      e.homepage!.mainDiagnosis = { name: '股骨颈骨折', code: 'S72.000', admissionCondition: '1' };
    },
  },
  H07: { why: 'no pathology number', change: (e) => delete (e.homepage!.pathology as { number?: string }).number },
  H08: { why: 'neonate without weights', change: (e) => (e.patient.birthDate = '2026-02-20') },
  H09: {
    why: 'no 入院病情',
    change: (e) => delete (e.homepage!.otherDiagnoses[0] as { admissionCondition?: string }).admissionCondition,
  },
  H10: {
    why: 'a procedure before the operation',
    change: (e) => e.homepage!.procedures.unshift({ name: '胃管置入术', code: '96.0700', kind: 'procedure' }),
  },
  H11: {
    why: 'comorbidity before complication',
    change: (e) => {
      e.homepage!.otherDiagnoses.push(
        { name: '高血压病', code: 'I10.x00', kind: 'comorbidity', admissionCondition: '1' },
        { name: '切口感染', code: 'T81.400', admissionCondition: '4', kind: 'complication' },
      );
    },
  },
  H12: { why: 'no 入院途径', change: (e) => delete (e.homepage as { admissionRoute?: string }).admissionRoute },
};

describe('record quality control (qc-rules.md)', () => {
  it('has all 76 rules: 23 timeliness, 23 completeness, 18 consistency, 12 front sheet', () => {
    expect(QC_RULES).toHaveLength(76);
    expect(new Set(QC_RULES.map((r) => r.id)).size).toBe(76);
    const by = (c: string) => QC_RULES.filter((r) => r.category === c).length;
    expect([by('timeliness'), by('completeness'), by('consistency'), by('homepage')]).toEqual([23, 23, 18, 12]);
    expect(Object.keys(FIRES).sort()).toEqual(QC_RULES.map((r) => r.id).sort());
  });

  it('a complete, timely, consistent stay fires no rule and scores 100 (甲)', () => {
    const report = run(CLEAN_ENCOUNTER);
    expect(report.issues.map((i) => `${i.ruleId}: ${i.conclusion.statement.en}`)).toEqual([]);
    expect(report.rulesEvaluated).toBe(76);
    expect(report).toMatchObject({ score: 100, grade: '甲' });
  });

  for (const rule of QC_RULES) {
    const m = FIRES[rule.id]!;
    it(`${rule.id} fires: ${m.why}`, () => {
      const report = run(mutate(m.change), m.config);
      const mine = report.issues.filter((i) => i.ruleId === rule.id);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine[0]!.conclusion.kind).toBe('quality');
      expect(mine[0]!.conclusion.evidence[0]!.sources.length).toBeGreaterThan(0);
    });
  }

  it('every finding reads in English without Chinese words outside the record’s own (quoted) text', () => {
    const HAN = /\p{Script=Han}/u;
    const unquoted = (t: string) => t.replace(/“[^”]*”|"[^"]*"|「[^」]*」|（[^）]*）|\([^)]*\)/g, '');
    const chinese: string[] = [];
    for (const rule of QC_RULES) {
      const m = FIRES[rule.id]!;
      for (const i of run(mutate(m.change), m.config).issues.filter((x) => x.ruleId === rule.id))
        for (const t of [i.conclusion.statement.en, i.fix.en, i.conclusion.detail!.en])
          if (HAN.test(unquoted(t))) chinese.push(`${rule.id}: ${t}`);
    }
    expect(chinese).toEqual([]);
  });

  it('international rules T22/T23 and C20 (TJC "Do Not Use") are off unless enabled', () => {
    const e = mutate(FIRES.T22!.change);
    expect(evaluateQc(e, BOOK, { now: NOW }).issues.filter((i) => i.ruleId === 'T22')).toEqual([]);
    // 8U, qd are the abbreviations Chinese orders are written with (处方管理办法): no finding unless a hospital opts in.
    const abbreviated = mutate(FIRES.C20!.change);
    expect(evaluateQc(abbreviated, BOOK, { now: NOW }).issues.filter((i) => i.ruleId === 'C20')).toEqual([]);
  });

  it('a deadline not yet reached is not a breach', () => {
    const e = mutate((x) => {
      x.documents = x.documents.filter((doc) => doc.id !== 'an1');
      delete (x as { dischargeAt?: string }).dischargeAt;
    });
    const early = evaluateQc(e, BOOK, { now: '2026-03-02T20:00:00+08:00' });
    expect(early.issues.filter((i) => i.ruleId === 'T01')).toEqual([]);
    const late = evaluateQc(e, BOOK, { now: '2026-03-03T09:01:00+08:00' });
    expect(late.issues.filter((i) => i.ruleId === 'T01')).toHaveLength(1);
  });

  it('"within 24 h" lets equality pass at minute precision (seconds ignored)', () => {
    const e = mutate((x) => (d(x, 'an1').completedAt = '2026-03-03T09:00:59+08:00'));
    expect(run(e).issues.filter((i) => i.ruleId === 'T01')).toEqual([]);
  });

  it('a hospital can re-set a limit (T09 consult limit 48 h as in BW2010)', () => {
    const e = mutate(FIRES.T09!.change);
    expect(run(e, { T09: { params: { routineHours: 48 } } }).issues.filter((i) => i.ruleId === 'T09')).toEqual([]);
  });

  it('scores by severity and grades: S1 issues keep a stay from 甲', () => {
    const r = run(mutate(FIRES.C23!.change));
    expect(r.counts.S1).toBe(1);
    expect(r.score).toBe(90);
    expect(r.grade).toBe('乙');
  });

  it('parses the admission note sections it checks', () => {
    expect(ADMISSION_NOTE_TEXT).toContain('主诉：');
  });
});
