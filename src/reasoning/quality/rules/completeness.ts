import type { QcDocument, QcEncounter } from '../model.js';
import { TITLE_RANK } from '../model.js';
import { type QcIssue, type QcRule, type QcSeverity, doc, docSource, docs, encSource, issue, num, refSource } from '../rule.js';
import { section, sections } from '../text.js';
import { hasMinutes, minutes, notBefore, within } from '../time.js';

/** Completeness rules C01–C23 (qc-rules.md §3). */

function missingSections(d: QcDocument, required: readonly (readonly [string, QcSeverity, ...string[]])[], what: { en: string; zh: string }): QcIssue[] {
  const s = sections(d);
  const out: QcIssue[] = [];
  for (const [name, severity, ...alts] of required) {
    if ([name, ...alts].some((n) => (s[n] ?? '').trim().length > 0)) continue;
    out.push(issue(`${what.en}: section 「${name}」 missing or empty`, `${what.zh}缺少“${name}”`, [docSource(d)], { severity, key: name }));
  }
  return out;
}

const signed = (d: QcDocument) => d.signatures.length > 0;
const ageAt = (enc: QcEncounter, at: string) => (enc.patient.birthDate ? (minutes(at) - minutes(enc.patient.birthDate)) / (1440 * 365.25) : undefined);

const C01: QcRule = {
  id: 'C01', category: 'completeness', severity: 'S3', title: { en: 'Admission note required sections', zh: '入院记录必备项' }, source: 'BW2010 第十八条(一)–(十)',
  check: (enc) => {
    const d = doc(enc, 'admission-note');
    if (!d) return [];
    const out = missingSections(
      d,
      [
        ['姓名', 'S3'], ['性别', 'S3'], ['年龄', 'S3'], ['民族', 'S3'], ['婚姻状况', 'S3', '婚姻'], ['出生地', 'S3'], ['职业', 'S3'], ['入院时间', 'S3'], ['记录时间', 'S3'], ['病史陈述者', 'S3', '病史叙述者'],
        ['主诉', 'S2'], ['现病史', 'S2'], ['既往史', 'S3'], ['个人史', 'S3'], ['婚育史', 'S3'], ['家族史', 'S3'], ['体格检查', 'S3'], ['专科情况', 'S3', '专科检查'], ['辅助检查', 'S3'], ['初步诊断', 'S2', '入院诊断'],
      ],
      { en: 'Admission note', zh: '入院记录' },
    );
    if (enc.patient.sex === 'female' && !section(d, '月经史') && !/月经史|初潮|绝经/.test(section(d, '婚育史'))) out.push(issue('Admission note: menstrual history (月经史) missing for a female patient', '入院记录缺月经史（女性患者）', [docSource(d)], { severity: 'S3', key: '月经史' }));
    if (!signed(d)) out.push(issue('Admission note: physician signature missing', '入院记录缺医师签名', [docSource(d)], { severity: 'S2', key: '签名' }));
    return out;
  },
};

const PAST_ITEMS: readonly [string, RegExp, QcSeverity][] = [
  ['食物或药物过敏史', /过敏/, 'S2'],
  ['一般健康状况', /健康状况|平素|体健|一般情况/, 'S3'],
  ['疾病史', /病史|否认.{0,20}(高血压|糖尿病|冠心病)|患有|既往.{0,6}(高血压|糖尿病)/, 'S3'],
  ['传染病史', /传染病|肝炎|结核/, 'S3'],
  ['预防接种史', /预防接种|疫苗|接种/, 'S3'],
  ['手术外伤史', /手术|外伤/, 'S3'],
  ['输血史', /输血/, 'S3'],
];

const C02: QcRule = {
  id: 'C02', category: 'completeness', severity: 'S3', title: { en: 'Past-history sub-items incl. allergy', zh: '既往史子项（含过敏史）' }, source: 'BW2010 第十八条(四)',
  check: (enc) => {
    const d = doc(enc, 'admission-note');
    if (!d) return [];
    const past = section(d, '既往史');
    return PAST_ITEMS.filter(([, re]) => !re.test(past)).map(([name, , severity]) => issue(`Past history does not mention ${name}`, `既往史未记录${name}`, [docSource(d)], { severity, key: name }));
  },
};

const HPI_ITEMS: readonly [string, RegExp][] = [
  ['发病情况', /\d+\s*(小时|天|日|周|月|年)|起病|发病|无明显诱因|诱因/],
  ['主要症状特点及演变', /(出现|感|诉|表现为|伴|逐渐|加重|缓解|持续|阵发)/],
  ['伴随症状', /伴|无.{0,10}(发热|恶心|呕吐|胸痛|咳嗽)|未见/],
  ['诊治经过及结果', /就诊|治疗|诊断为|予|给予|服用|未(经|予)?诊治|未治疗/],
  ['一般情况', /精神|睡眠|食欲|饮食|大小便|二便|体重/],
];

const C03: QcRule = {
  id: 'C03', category: 'completeness', severity: 'S3', title: { en: 'HPI elements', zh: '现病史要素' }, source: 'BW2010 第十八条(三)1–5',
  check: (enc) => {
    const d = doc(enc, 'admission-note');
    if (!d) return [];
    const hpi = section(d, '现病史');
    if (!hpi) return [];
    return HPI_ITEMS.filter(([, re]) => !re.test(hpi)).map(([name]) => issue(`HPI lacks ${name}`, `现病史缺${name}`, [docSource(d)], { key: name }));
  },
};

const C04: QcRule = {
  id: 'C04', category: 'completeness', severity: 'S3', title: { en: 'Menstrual history for female patients', zh: '女性患者月经史' }, source: 'BW2010 第十八条(五)2',
  defaults: { minAge: 12, maxAge: 120 },
  check: (enc, ctx) => {
    const d = doc(enc, 'admission-note');
    const age = ageAt(enc, enc.admitAt);
    if (!d || enc.patient.sex !== 'female' || age === undefined || age < num(ctx.params, 'minAge') || age > num(ctx.params, 'maxAge')) return [];
    const t = `${section(d, '月经史')} ${section(d, '婚育史')}`;
    const items: [string, RegExp][] = [['初潮年龄', /初潮|\d+\s*岁\s*[，,]?\s*\d+[~～\-–]?\d*\s*[/／]/], ['行经期天数', /经期|行经|\d+\s*[~～\-–]?\s*\d*\s*天?\s*[/／]/], ['间隔天数', /周期|间隔|[/／]\s*\d+/], ['末次月经时间或闭经年龄', /末次月经|LMP|绝经|闭经/i]];
    return items.filter(([, re]) => !re.test(t)).map(([name]) => issue(`Menstrual history lacks ${name}`, `月经史缺${name}`, [docSource(d)], { key: name }));
  },
};

const VITALS: readonly [string, RegExp][] = [
  ['体温 T', /(T|体温)\s*[:：]?\s*\d{2}(\.\d)?\s*(℃|°C|度)/],
  ['脉搏 P', /(P|脉搏)\s*[:：]?\s*\d{2,3}\s*次\s*[/／]\s*分/],
  ['呼吸 R', /(R|呼吸)\s*[:：]?\s*\d{1,2}\s*次\s*[/／]\s*分/],
  ['血压 BP', /(BP|血压)\s*[:：]?\s*\d{2,3}\s*[/／]\s*\d{2,3}\s*mmHg/i],
];

const C05: QcRule = {
  id: 'C05', category: 'completeness', severity: 'S2', title: { en: 'Physical exam must include T, P, R, BP', zh: '体格检查生命体征' }, source: 'BW2010 第十八条(六)',
  check: (enc) => {
    const d = doc(enc, 'admission-note');
    if (!d) return [];
    const pe = section(d, '体格检查') || d.text;
    return VITALS.filter(([, re]) => !re.test(pe)).map(([name]) => issue(`Physical exam lacks ${name} with value and unit`, `体格检查缺${name}（含数值及单位）`, [docSource(d)], { key: name }));
  },
};

const C06: QcRule = {
  id: 'C06', category: 'completeness', severity: 'S4', title: { en: 'Outside test results must name the institution and test number', zh: '外院检查注明机构及编号' }, source: 'BW2010 第十八条(八)',
  check: (enc) => {
    const d = doc(enc, 'admission-note');
    if (!d) return [];
    return section(d, '辅助检查')
      .split(/[\n；;。]/)
      .filter((l) => /外院|院外|他院/.test(l))
      .filter((l) => !(/[\u4e00-\u9fa5]{2,}(医院|中心|诊所|卫生院)/.test(l) && /(号|编号|No\.?|检查号|报告号)\s*[:：]?\s*[A-Za-z0-9-]+/i.test(l)))
      .map((l) => issue(`Outside result without institution and test number: "${l.trim().slice(0, 40)}"`, `外院检查未注明机构及检查号：“${l.trim().slice(0, 40)}”`, [docSource(d)], { key: l }));
  },
};

const C07: QcRule = {
  id: 'C07', category: 'completeness', severity: 'S2', title: { en: 'First progress note content', zh: '首次病程记录必备项' }, source: 'BW2010 第二十二条(一)',
  check: (enc) => {
    const d = doc(enc, 'first-progress-note');
    if (!d) return [];
    const out = missingSections(d, [['病例特点', 'S2'], ['拟诊讨论', 'S2'], ['诊疗计划', 'S2']], { en: 'First progress note', zh: '首次病程记录' });
    const disc = `${section(d, '拟诊讨论')}\n${section(d, '诊断依据')}\n${section(d, '鉴别诊断')}`;
    if (section(d, '拟诊讨论') || section(d, '诊断依据')) {
      if (!/诊断依据|依据/.test(disc) && !section(d, '诊断依据')) out.push(issue('Diagnostic reasoning lacks 诊断依据', '拟诊讨论缺诊断依据', [docSource(d)], { key: '诊断依据' }));
      if (!/鉴别/.test(disc)) out.push(issue('Diagnostic reasoning lacks 鉴别诊断', '拟诊讨论缺鉴别诊断', [docSource(d)], { key: '鉴别诊断' }));
    }
    return out;
  },
};

const C08: QcRule = {
  id: 'C08', category: 'completeness', severity: 'S3', title: { en: 'Senior ward-round content', zh: '上级医师查房内容' }, source: 'BW2010 第二十二条(三)',
  check: (enc) => {
    const d = docs(enc, 'ward-round').find((x) => TITLE_RANK[x.author?.title ?? 'intern'] >= TITLE_RANK.attending);
    if (!d) return [];
    const t = d.text;
    const items: [string, boolean][] = [
      ['查房医师姓名及职称', /(主治医师|副主任医师|主任医师)/.test(t) && !!(d.author?.name && t.includes(d.author.name))],
      ['补充的病史和体征', /补充|追问|查体|体征/.test(t)],
      ['诊断依据与鉴别诊断分析', /诊断|鉴别/.test(t)],
      ['诊疗计划', /计划|处理|建议|治疗/.test(t)],
    ];
    return items.filter(([, ok]) => !ok).map(([name]) => issue(`First attending round lacks ${name}`, `主治医师首次查房缺${name}`, [docSource(d)], { key: name }));
  },
};

const C09: QcRule = {
  id: 'C09', category: 'completeness', severity: 'S3', title: { en: 'Discharge record required elements', zh: '出院记录必备项' }, source: 'BW2010 第二十二条(二十), 第二十条',
  check: (enc) => {
    const out: QcIssue[] = [];
    const d = doc(enc, 'discharge-record');
    const base: [string, QcSeverity][] = [['入院日期', 'S3'], ['出院日期', 'S3'], ['入院情况', 'S3'], ['入院诊断', 'S3'], ['诊疗经过', 'S3'], ['出院诊断', 'S2'], ['出院情况', 'S3'], ['出院医嘱', 'S2']];
    if (d) {
      out.push(...missingSections(d, base, { en: 'Discharge record', zh: '出院记录' }));
      if (!signed(d)) out.push(issue('Discharge record: signature missing', '出院记录缺医师签名', [docSource(d)], { severity: 'S2', key: '签名' }));
    }
    const d24 = doc(enc, 'admit-discharge-24h');
    if (d24) {
      out.push(...missingSections(d24, [['姓名', 'S3'], ['性别', 'S3'], ['年龄', 'S3'], ['职业', 'S3'], ['入院时间', 'S3'], ['出院时间', 'S3'], ['主诉', 'S3'], ['入院情况', 'S3'], ['入院诊断', 'S3'], ['诊疗经过', 'S3'], ['出院诊断', 'S2'], ['出院情况', 'S3'], ['出院医嘱', 'S2']], { en: '24-hour admission–discharge note', zh: '24小时内入出院记录' }).map((i) => ({ ...i, key: `24h-${i.key}` })));
      if (!signed(d24)) out.push(issue('24-hour admission–discharge note: signature missing', '24小时内入出院记录缺医师签名', [docSource(d24)], { severity: 'S2', key: '24h-签名' }));
    }
    return out;
  },
};

const C10: QcRule = {
  id: 'C10', category: 'completeness', severity: 'S2', title: { en: 'Death record content', zh: '死亡记录必备项' }, source: 'BW2010 第二十二条(二十一)',
  check: (enc) => {
    const d = doc(enc, 'death-record', 'admit-death-24h');
    if (!d) return [];
    const out = missingSections(d, [['入院日期', 'S2', '入院时间'], ['死亡时间', 'S2'], ['入院情况', 'S2'], ['入院诊断', 'S2'], ['诊疗经过', 'S2'], ['死亡原因', 'S2'], ['死亡诊断', 'S2']], { en: 'Death record', zh: '死亡记录' });
    const t = section(d, '死亡时间');
    if (t && !hasMinutes(t)) out.push(issue('Death record: time of death not to the minute', '死亡记录死亡时间未具体到分钟', [docSource(d)], { key: 'min' }));
    return out;
  },
};

const C11: QcRule = {
  id: 'C11', category: 'completeness', severity: 'S2', title: { en: 'Rescue note content', zh: '抢救记录内容' }, source: 'BW2010 第二十二条(八)',
  check: (enc) =>
    docs(enc, 'rescue-note').flatMap((d) => {
      const out: QcIssue[] = missingSections(d, [['病情变化', 'S2'], ['抢救时间', 'S2'], ['抢救措施', 'S2', '抢救经过']], { en: 'Rescue note', zh: '抢救记录' }).map((i) => ({ ...i, key: `${d.id}-${i.key}` }));
      const t = section(d, '抢救时间');
      if (t && !hasMinutes(t)) out.push(issue('Rescue note: rescue time not to the minute', '抢救记录抢救时间未具体到分钟', [docSource(d)], { key: `${d.id}-min` }));
      const people = d.participants ?? [];
      if (people.length === 0 || people.some((p) => !p.name || !p.title)) out.push(issue('Rescue note: names and titles of the participants missing', '抢救记录缺参加抢救人员姓名及职称', [docSource(d)], { key: `${d.id}-people` }));
      return out;
    }),
};

const C12: QcRule = {
  id: 'C12', category: 'completeness', severity: 'S2', title: { en: 'Operative note content', zh: '手术记录内容' }, source: 'BW2010 第二十二条(十五)',
  check: (enc) =>
    docs(enc, 'op-note').flatMap((d) =>
      missingSections(d, [['姓名', 'S2', '住院号'], ['手术日期', 'S2'], ['术前诊断', 'S2'], ['术中诊断', 'S2', '术后诊断'], ['手术名称', 'S2'], ['手术者', 'S2'], ['助手', 'S2'], ['麻醉方法', 'S2'], ['手术经过', 'S2'], ['术中情况', 'S2', '术中所见']], { en: 'Operative note', zh: '手术记录' }).map((i) => ({ ...i, key: `${d.id}-${i.key}` })),
    ),
};

const C13: QcRule = {
  id: 'C13', category: 'completeness', severity: 'S1', title: { en: 'Pre-op discussion and summary before non-emergency surgery', zh: '术前讨论与术前小结' }, source: 'HX2018 八-1, 八-3, 八-4; BW2010 第二十二条(十一)(十二)',
  check: (enc) =>
    enc.surgeries
      .filter((s) => s.urgency !== 'emergency-lifesaving')
      .flatMap((s) => {
        const out: QcIssue[] = [];
        const at = (d: QcDocument) => d.recordedAt ?? d.completedAt;
        const disc = docs(enc, 'preop-discussion').find((d) => (d.relatedId ?? s.id) === s.id && at(d) && minutes(at(d)!) < minutes(s.startAt));
        const sum = docs(enc, 'preop-summary').find((d) => (d.relatedId ?? s.id) === s.id && at(d) && minutes(at(d)!) < minutes(s.startAt));
        if (!disc) out.push(issue(`No pre-op discussion before ${s.name}`, `${s.name}术前无术前讨论`, [refSource(s.ref, 'Procedure', s.id)], { key: `${s.id}-disc` }));
        else if (!(disc.participants ?? []).some((p) => p.id === s.surgeonId)) out.push(issue('The surgeon is not among the pre-op discussion participants', '术前讨论参加人员中无术者', [docSource(disc)], { key: `${s.id}-surgeon` }));
        if (!sum) out.push(issue(`No pre-op summary before ${s.name}`, `${s.name}术前无术前小结`, [refSource(s.ref, 'Procedure', s.id)], { key: `${s.id}-sum` }));
        return out;
      }),
};

const CHECKPOINTS: readonly [string, RegExp][] = [['麻醉实施前', /麻醉实施前|麻醉前/], ['手术开始前', /手术开始前|切皮前|划皮前/], ['患者离开手术室前', /离开手术室前|离室前|出手术室前/]];
const CHECK_ROLES: readonly [string, string][] = [['surgeon', '手术医师'], ['anesthesiologist', '麻醉医师'], ['circulating-nurse', '巡回护士']];

const C14: QcRule = {
  id: 'C14', category: 'completeness', severity: 'S1', title: { en: 'Surgical safety checklist with 3 signatures', zh: '手术安全核查' }, source: 'BW2010 第二十二条(十六); HX2018 十一-3; ZB2021 指标十四',
  check: (enc) =>
    enc.surgeries.flatMap((s) => {
      const d = docs(enc, 'surgical-safety-checklist').find((x) => (x.relatedId ?? s.id) === s.id);
      if (!d) return [issue(`No surgical safety checklist for ${s.name}`, `${s.name}无手术安全核查表`, [refSource(s.ref, 'Procedure', s.id)], { key: s.id })];
      const out: QcIssue[] = [];
      for (const [name, re] of CHECKPOINTS) if (!re.test(d.text) && d.fields?.[name] !== true) out.push(issue(`Checklist lacks the ${name} checkpoint`, `核查表缺“${name}”核查`, [docSource(d)], { key: `${s.id}-${name}` }));
      for (const [role, zh] of CHECK_ROLES) if (!d.signatures.some((x) => x.role === role)) out.push(issue(`Checklist not signed by the ${role}`, `核查表缺${zh}签名`, [docSource(d)], { key: `${s.id}-${role}` }));
      if (s.bloodGiven && !(/血型/.test(d.text) && /(血量|输血量|单位|ml|mL)/.test(d.text))) out.push(issue('Blood given but blood type and volume not checked on the checklist', '输血患者核查表未核对血型及用血量', [docSource(d)], { key: `${s.id}-blood` }));
      return out;
    }),
};

function consentOk(d: QcDocument | undefined, before?: string): string | undefined {
  if (!d) return 'missing';
  const at = d.completedAt ?? d.recordedAt;
  if (before && (!at || minutes(at) >= minutes(before))) return 'signed after the act';
  const patient = d.signatures.some((s) => s.role === 'patient');
  const rep = d.signatures.some((s) => s.role === 'representative' || s.role === 'family');
  if (!patient && !(rep && d.fields?.reason)) return 'not signed by the patient, or by a representative with a documented reason';
  return undefined;
}

const C15: QcRule = {
  id: 'C15', category: 'completeness', severity: 'S1', title: { en: 'Informed consents present, signed, and signed before the act', zh: '知情同意书' }, source: 'BW2010 第十条, 第二十三–二十六条; ZB2021 MER-TQ-08',
  check: (enc) => {
    const out: QcIssue[] = [];
    const check = (what: [string, string], d: QcDocument | undefined, before: string | undefined, key: string) => {
      const why = consentOk(d, before);
      if (why) out.push(issue(`${what[0]} consent ${why}`, `${what[1]}知情同意书${why === 'missing' ? '缺失' : why === 'signed after the act' ? '签署晚于操作' : '非患者本人签署且无授权说明'}`, d ? [docSource(d)] : [encSource(enc)], { key }));
    };
    for (const s of enc.surgeries) {
      check(['Surgical', '手术'], docs(enc, 'consent-surgery').find((d) => (d.relatedId ?? s.id) === s.id), s.startAt, `${s.id}-surgery`);
      if (s.anesthesia && !/^(无|none)$/i.test(s.anesthesia)) check(['Anaesthesia', '麻醉'], docs(enc, 'consent-anesthesia').find((d) => (d.relatedId ?? s.id) === s.id), s.startAt, `${s.id}-anesthesia`);
    }
    for (const t of enc.transfusions) check(['Transfusion', '输血治疗'], doc(enc, 'consent-transfusion'), t.firstUnitAt, `${t.id}-transfusion`);
    for (const o of enc.orders.filter((x) => x.category === 'special' && x.status !== 'cancelled')) check(['Special examination/treatment', '特殊检查/治疗'], docs(enc, 'consent-special').find((d) => (d.relatedId ?? o.id) === o.id), o.orderedAt, `${o.id}-special`);
    return out;
  },
};

const C16: QcRule = {
  id: 'C16', category: 'completeness', severity: 'S2', title: { en: 'Critical-condition notice when listed 病危/病重', zh: '病危（重）通知书' }, source: 'BW2010 第二十七条',
  check: (enc) => {
    if (!enc.acuity.some((a) => a.level !== 'stable')) return [];
    const d = doc(enc, 'critical-notice');
    if (!d) return [issue('Patient listed 病危/病重 but no critical-condition notice', '病危/病重患者无病危（重）通知书', [encSource(enc)])];
    const ok = d.signatures.some((s) => s.role === 'family' || s.role === 'patient' || s.role === 'representative') && d.signatures.some((s) => s.role === 'physician' || !!s.title) && !!(d.completedAt ?? d.recordedAt);
    return ok ? [] : [issue('Critical-condition notice lacks the family signature, physician signature or date', '病危（重）通知书缺家属签名、医师签名或日期', [docSource(d)])];
  },
};

const C17: QcRule = {
  id: 'C17', category: 'completeness', severity: 'S3', title: { en: 'Order completeness', zh: '医嘱要素' }, source: 'BW2010 第二十八条',
  check: (enc) =>
    enc.orders.flatMap((o) => {
      const src = [refSource(o.ref, 'MedicationRequest', o.id)];
      const out: QcIssue[] = [];
      if ((o.items ?? 1) > 1) out.push(issue(`Order "${o.text}" holds ${o.items} items`, `医嘱“${o.text}”一条含${o.items}项`, src, { key: `${o.id}-items` }));
      if (!o.orderedAt || !hasMinutes(o.orderedAt)) out.push(issue(`Order "${o.text}" has no start time to the minute`, `医嘱“${o.text}”起始时间未到分钟`, src, { key: `${o.id}-time` }));
      if (!o.signedBy) out.push(issue(`Order "${o.text}" is not signed`, `医嘱“${o.text}”无医师签名`, src, { key: `${o.id}-sign` }));
      if (o.kind === 'long' && o.status === 'stopped' && !o.stopAt) out.push(issue(`Stopped long-term order "${o.text}" has no stop time`, `已停长期医嘱“${o.text}”无停止时间`, src, { key: `${o.id}-stop` }));
      if (o.status === 'cancelled' && !o.cancelSignedBy) out.push(issue(`Cancelled order "${o.text}" has no 取消 mark and signature`, `取消医嘱“${o.text}”无取消标记及签名`, src, { key: `${o.id}-cancel` }));
      return out;
    }),
};

const C18: QcRule = {
  id: 'C18', category: 'completeness', severity: 'S2', title: { en: 'Every record signed; trainee records countersigned', zh: '签名及上级审签' }, source: 'BW2010 第八条',
  defaults: { requireAttendingOnDischarge: false },
  check: (enc, ctx) =>
    enc.documents.flatMap((d) => {
      if (d.type.startsWith('consent') || d.type === 'pathology-report' || d.type === 'imaging-report' || d.type === 'nursing-allergy') return [];
      const out: QcIssue[] = [];
      if (!signed(d)) out.push(issue(`${d.type} is not signed`, `${d.type}无签名`, [docSource(d)], { key: `${d.id}-sign` }));
      else if ((d.author?.title ?? 'resident') === 'intern' && !d.signatures.some((s) => s.id !== d.author?.id && TITLE_RANK[s.title ?? 'intern'] >= TITLE_RANK.resident)) out.push(issue(`${d.type} written by a trainee is not countersigned`, `实习/试用期医务人员书写的${d.type}无上级医师审签`, [docSource(d)], { key: `${d.id}-counter` }));
      if (ctx.params.requireAttendingOnDischarge && d.type === 'discharge-record' && !d.signatures.some((s) => TITLE_RANK[s.title ?? 'intern'] >= TITLE_RANK.attending)) out.push(issue('Discharge record lacks the attending signature', '出院记录缺主治医师签名', [docSource(d)], { key: `${d.id}-attending` }));
      return out;
    }),
};

const C19: QcRule = {
  id: 'C19', category: 'completeness', severity: 'S2', region: 'intl', title: { en: 'Authenticated, dated, timed entries', zh: '记录须有作者、日期及时间' }, source: 'CMS §482.24(c)(1)',
  check: (enc) =>
    enc.documents
      .filter((d) => !d.author?.id || !hasMinutes(d.recordedAt ?? d.completedAt))
      .map((d) => issue(`${d.type} lacks an author id or a date and time`, `${d.type}缺作者或记录日期时间`, [docSource(d)], { key: d.id })),
};

const DO_NOT_USE: readonly [string, RegExp][] = [
  ['U/u (unit)', /\b[Uu]\b/],
  ['IU', /\bIU\b/],
  ['QD/QOD', /\bq\.?o?\.?d\.?\b/i],
  ['trailing zero', /\d+\.0\s*(mg|g|mcg|mL)\b/],
  ['missing leading zero', /(?<![\d.])\.\d+\s*(mg|mL)\b/],
  ['MS/MSO4/MgSO4', /\bMS\b|MSO4|MgSO4/],
];

const C20: QcRule = {
  id: 'C20', category: 'completeness', severity: 'S3', region: 'intl', title: { en: '"Do Not Use" abbreviations in medication documentation', zh: '用药记录禁用缩写' }, source: 'TJC Official "Do Not Use" List',
  check: (enc) =>
    enc.orders
      .filter((o) => o.category !== 'nursing')
      .flatMap((o) => DO_NOT_USE.filter(([, re]) => re.test(o.text)).map(([name]) => issue(`Order "${o.text}" uses ${name}`, `医嘱“${o.text}”使用禁用缩写（${name}）`, [refSource(o.ref, 'MedicationRequest', o.id)], { key: `${o.id}-${name}` }))),
};

const C21: QcRule = {
  id: 'C21', category: 'completeness', severity: 'S3', title: { en: 'CT/MRI, pathology, culture: order ↔ report ↔ progress note', zh: '重大检查记录对应' }, source: 'ZB2021 指标八/九/十 (MER-ME-01..03)',
  check: (enc, ctx) => {
    const out: QcIssue[] = [];
    const progress = docs(enc, 'progress-note', 'ward-round', 'postop-first-note');
    const kw: Record<string, RegExp> = { imaging: /CT|MRI|磁共振|影像|检查结果/i, culture: /培养|药敏|病原/, pathology: /病理/ };
    for (const o of enc.orders.filter((x) => (x.category === 'imaging' || x.category === 'culture') && x.status !== 'cancelled')) {
      const rep = enc.results.find((r) => r.orderId === o.id);
      const src = [refSource(o.ref, 'ServiceRequest', o.id)];
      if (!rep) {
        if (o.orderedAt && minutes(ctx.now) > minutes(o.orderedAt) + 3 * 1440) out.push(issue(`Order "${o.text}" has no report`, `“${o.text}”无报告`, src, { key: `${o.id}-report` }));
        continue;
      }
      if (rep.reportedAt && !progress.some((d) => notBefore(d.recordedAt ?? d.completedAt, rep.reportedAt!) && kw[o.category!]!.test(d.text))) out.push(issue(`No progress note discusses the ${rep.name} report`, `病程记录未分析${rep.name}报告`, [refSource(rep.ref, 'DiagnosticReport', rep.id)], { key: `${o.id}-note` }));
    }
    for (const s of enc.surgeries.filter((x) => x.pathologySent)) {
      const op = docs(enc, 'op-note').find((d) => (d.relatedId ?? s.id) === s.id);
      const rep = enc.results.find((r) => r.kind === 'pathology') ?? docs(enc, 'pathology-report')[0];
      if (!op || !/病理|送检|取材/.test(op.text)) out.push(issue('Operative note does not record the pathology specimen', '手术记录未记录病理取材送检', op ? [docSource(op)] : [encSource(enc)], { key: `${s.id}-op` }));
      if (!rep) out.push(issue('Pathology specimen sent but no pathology report', '送检病理无病理报告', [refSource(s.ref, 'Procedure', s.id)], { key: `${s.id}-report` }));
      else if (!progress.some((d) => /病理/.test(d.text) && ('reportedAt' in rep && rep.reportedAt ? notBefore(d.recordedAt ?? d.completedAt, rep.reportedAt) : true))) out.push(issue('No progress note discusses the pathology report', '病程记录未分析病理报告', [encSource(enc)], { key: `${s.id}-note` }));
    }
    return out;
  },
};

const CHAIN = ['application', 'indication', 'matching', 'issue', 'administration', 'observation'];

const C22: QcRule = {
  id: 'C22', category: 'completeness', severity: 'S2', title: { en: 'Implant and transfusion documentation', zh: '植入物与用血记录' }, source: 'ZB2021 指标十五/十六; HX2018 十七-2',
  check: (enc) => {
    const out: QcIssue[] = [];
    const notes = docs(enc, 'op-note', 'progress-note', 'postop-first-note');
    for (const s of enc.surgeries) {
      for (const imp of s.implants ?? []) {
        if (!imp.barcode) out.push(issue(`Implant ${imp.type} has no barcode record`, `植入物${imp.type}无条形码记录`, [refSource(s.ref, 'Procedure', s.id)], { key: `${s.id}-${imp.type}-barcode` }));
        if (!notes.some((d) => d.text.includes(imp.type) && /植入|置入/.test(d.text))) out.push(issue(`Implant ${imp.type} not described in the operative or progress note`, `手术/病程记录未记载植入物${imp.type}`, [refSource(s.ref, 'Procedure', s.id)], { key: `${s.id}-${imp.type}-note` }));
      }
    }
    for (const t of enc.transfusions) {
      if (!doc(enc, 'consent-transfusion')) out.push(issue('Transfusion without a consent form', '输血无知情同意书', [encSource(enc)], { key: `${t.id}-consent` }));
      if (!enc.orders.some((o) => o.category === 'blood')) out.push(issue('Transfusion without an order', '输血无医嘱', [encSource(enc)], { key: `${t.id}-order` }));
      if (!doc(enc, 'transfusion-record')) out.push(issue('Transfusion without a transfusion record', '输血无输血记录', [encSource(enc)], { key: `${t.id}-record` }));
      const missing = CHAIN.filter((c) => !t.chain.includes(c));
      if (missing.length) out.push(issue(`Transfusion approval chain lacks ${missing.join(', ')}`, `用血审批流程缺${missing.join('、')}`, [encSource(enc)], { key: `${t.id}-chain` }));
    }
    return out;
  },
};

const C23: QcRule = {
  id: 'C23', category: 'completeness', severity: 'S1', title: { en: 'Critical value without documented handling', zh: '危急值闭环' }, source: 'HX2018 十四-5, 十四-6; T_cv is a hospital setting (unsourced default 6 h)',
  defaults: { hours: 6 },
  check: (enc, ctx) =>
    enc.criticalValues.flatMap((cv) => {
      const out: QcIssue[] = [];
      const src = [refSource(undefined, 'Observation', cv.resultId ?? cv.id)];
      if (!cv.receivedAt || cv.readBack !== true || !cv.physicianNotifiedAt) out.push(issue(`Critical ${cv.name}: receipt, read-back or physician notification not recorded`, `危急值${cv.name}：未记录接收、复述确认或通知医师`, src, { key: `${cv.id}-receipt` }));
      const hours = num(ctx.params, 'hours');
      const note = docs(enc, 'progress-note', 'ward-round', 'rescue-note').find((d) => notBefore(d.recordedAt ?? d.completedAt, cv.reportedAt) && within(d.recordedAt ?? d.completedAt, cv.reportedAt, hours) && (/危急值/.test(d.text) || d.text.includes(cv.name)));
      if (!note && minutes(ctx.now) > minutes(cv.reportedAt) + hours * 60) out.push(issue(`Critical ${cv.name}: no progress note with assessment and action within ${hours} h`, `危急值${cv.name}：${hours}小时内无病程记录分析处理`, src, { key: `${cv.id}-note` }));
      return out;
    }),
};

export const COMPLETENESS_RULES: readonly QcRule[] = [C01, C02, C03, C04, C05, C06, C07, C08, C09, C10, C11, C12, C13, C14, C15, C16, C17, C18, C19, C20, C21, C22, C23];
