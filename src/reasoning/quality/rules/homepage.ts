import type { QcDiagnosis, QcEncounter } from '../model.js';
import { type QcIssue, type QcRule, issue, refSource } from '../rule.js';
import { normalise } from '../text.js';
import { hasMinutes, minutes } from '../time.js';

/** 病案首页 checks H01–H12 (qc-rules.md §5). They apply when the front sheet is on file. */

const hp = (enc: QcEncounter) => refSource(enc.homepage?.ref, 'Composition', `${enc.id}-homepage`);
const code = (d: QcDiagnosis | undefined) => (d?.code ?? '').toUpperCase();
const between = (c: string, a: string, b: string) => c.slice(0, 3) >= a && c.slice(0, 3) <= b;
const all = (enc: QcEncounter): QcDiagnosis[] => [...(enc.homepage?.mainDiagnosis ? [enc.homepage.mainDiagnosis] : []), ...(enc.homepage?.otherDiagnoses ?? [])];

/** ICD-10 shape: category, optional subcategory, optional 国家临床版 extension (x001). */
const ICD10_RE = /^[A-Z]\d{2}(\.[0-9x]\d{0,2}(x\d{3})?)?$/;
/** ICD-9-CM-3 shape: 2 digits, optional .d(d), optional 国家临床版 extension. */
const ICD9CM3_RE = /^\d{2}(\.\d{1,4}(x\d{3})?)?$/;

const H01: QcRule = {
  id: 'H01', category: 'homepage', severity: 'S2', title: { en: 'Principal-diagnosis selection principles', zh: '主要诊断选择' }, source: 'SY2016 第十条–第十七条; ZB2021 MER-TQ-03 (machine-checkable parts; the rest is human review)',
  check: (enc) => {
    const main = enc.homepage?.mainDiagnosis;
    if (!main) return [];
    const c = code(main);
    const others = enc.homepage!.otherDiagnoses;
    const out: QcIssue[] = [];
    // (b) cause over manifestation: a symptom code while another diagnosis explains it.
    if (between(c, 'R00', 'R99') && !['R99'].includes(c.slice(0, 3)) && others.some((d) => /^[A-QS-Z]/.test(code(d)))) out.push(issue(`Principal diagnosis ${main.name} (${main.code}) is a symptom code while a causal diagnosis is listed`, `主要诊断${main.name}（${main.code}）为症状编码，而其他诊断已明确病因`, [hp(enc)], { key: 'b' }));
    // (c) terminal state (e.g. cardiac arrest as the mode of death) should not be principal.
    if (/^(I46|R99|R57|I49\.0)/.test(c) || /心脏骤停|呼吸心跳骤停|临终|死亡/.test(main.name)) out.push(issue(`Terminal state ${main.name} chosen as principal diagnosis`, `主要诊断选择了临终状态${main.name}`, [hp(enc)], { key: 'c' }));
    // (d) oncology: chemotherapy/radiotherapy as principal only when the admission was for it (no operation).
    if (/^Z51\.[01]/.test(c) && enc.homepage!.procedures.some((p) => p.kind === 'surgery')) out.push(issue('Chemo/radiotherapy (Z51.0/Z51.1) is principal although an operation was done: the tumour should be principal', '有手术时主要诊断不应为恶性肿瘤化疗/放疗', [hp(enc)], { key: 'd' }));
    // (f) poisoning: when a poisoning code is listed and the principal is its manifestation.
    if (others.some((d) => between(code(d), 'T36', 'T65')) && !between(c, 'T36', 'T65') && between(c, 'R00', 'R99')) out.push(issue('Poisoning treated but its manifestation is principal', '以中毒为治疗目的时主要诊断应为中毒', [hp(enc)], { key: 'f' }));
    // (g) a post-operative complication does not replace the original disease.
    if (between(c, 'T80', 'T88') && others.length > 0 && enc.homepage!.procedures.some((p) => p.kind === 'surgery')) out.push(issue(`Post-operative complication ${main.name} chosen as principal; the original disease remains principal`, `术后并发症${main.name}不应作为主要诊断`, [hp(enc)], { key: 'g' }));
    return out;
  },
};

const H02: QcRule = {
  id: 'H02', category: 'homepage', severity: 'S2', title: { en: 'External-cause code as principal diagnosis', zh: '外因编码作主要诊断' }, source: 'MCE edit 2',
  check: (enc) => (/^[V-Y]/.test(code(enc.homepage?.mainDiagnosis)) ? [issue(`External-cause code ${enc.homepage!.mainDiagnosis!.code} as principal diagnosis`, `主要诊断使用外因编码${enc.homepage!.mainDiagnosis!.code}`, [hp(enc)])] : []),
};

const H03: QcRule = {
  id: 'H03', category: 'homepage', severity: 'S3', title: { en: 'Secondary diagnosis duplicates the principal', zh: '其他诊断与主要诊断重复' }, source: 'MCE edit 3',
  check: (enc) => {
    const main = code(enc.homepage?.mainDiagnosis);
    return main && enc.homepage!.otherDiagnoses.some((d) => code(d) === main) ? [issue(`Code ${main} is both principal and secondary`, `编码${main}同时为主要诊断和其他诊断`, [hp(enc)])] : [];
  },
};

const H04: QcRule = {
  id: 'H04', category: 'homepage', severity: 'S2', title: { en: 'Code validity', zh: '编码有效性' }, source: 'SY2016 第六条; ZB2021 MER-TQ-04, MER-TQ-06; MCE edit 1',
  check: (enc, ctx) => {
    if (!enc.homepage) return [];
    const out: QcIssue[] = [];
    for (const d of all(enc)) {
      const c = d.code ?? '';
      if (!c) continue;
      const bad = !ICD10_RE.test(c) ? 'not a valid ICD-10 code' : ctx.icdCatalog && !ctx.icdCatalog.has(c) ? 'not in the 国家临床版 catalogue in force' : undefined;
      if (bad) out.push(issue(`Diagnosis code ${c} (${d.name}): ${bad}`, `诊断编码${c}（${d.name}）无效`, [hp(enc)], { key: c }));
    }
    for (const p of enc.homepage.procedures) if (p.code && !ICD9CM3_RE.test(p.code)) out.push(issue(`Procedure code ${p.code} (${p.name}) is not a valid ICD-9-CM-3 code`, `手术操作编码${p.code}（${p.name}）无效`, [hp(enc)], { key: p.code }));
    return out;
  },
};

const H05: QcRule = {
  id: 'H05', category: 'homepage', severity: 'S3', title: { en: 'Diagnosis name ↔ code mismatch', zh: '诊断名称与编码不符' }, source: '医保 validator message (common practice for 医保结算清单)',
  check: (enc, ctx) => {
    const cat = ctx.icdCatalog;
    if (!cat) return [];
    return all(enc)
      .filter((d) => d.code && cat.has(d.code) && !cat.get(d.code)!.some((n) => normalise(n) === normalise(d.name)))
      .map((d) => issue(`Diagnosis "${d.name}" does not match code ${d.code} (${cat.get(d.code!)!.join(' / ')})`, `诊断名称“${d.name}”与编码${d.code}（${cat.get(d.code!)!.join('/')}）不符`, [hp(enc)], { key: d.code }));
  },
};

const H06: QcRule = {
  id: 'H06', category: 'homepage', severity: 'S3', title: { en: 'Injury/poisoning requires an external cause', zh: '损伤中毒须填外部原因' }, source: 'ZYSY2017',
  check: (enc) => {
    if (!/^[ST]/.test(code(enc.homepage?.mainDiagnosis))) return [];
    const ec = enc.homepage!.externalCause;
    return ec?.name && /^[V-Y]/.test(ec.code ?? '') ? [] : [issue('Principal diagnosis is an injury or poisoning but the external cause (name + V–Y code) is missing', '主要诊断为损伤中毒，未填写外部原因及编码', [hp(enc)])];
  },
};

const H07: QcRule = {
  id: 'H07', category: 'homepage', severity: 'S3', title: { en: 'Pathology fields when a specimen was sent', zh: '病理诊断字段' }, source: 'ZYSY2017',
  check: (enc) => {
    if (!enc.homepage) return [];
    const sent = enc.homepage.pathologySent ?? enc.surgeries.some((s) => s.pathologySent);
    if (!sent) return [];
    const p = enc.homepage.pathology;
    const missing = [!p?.name && '病理诊断名称', !/^M\d{4}\/\d$/.test(p?.code ?? '') && '病理编码(M)', !p?.number && '病理号'].filter(Boolean);
    return missing.length ? [issue(`Specimen sent but the front sheet lacks ${missing.join(', ')}`, `送检病理但首页缺${missing.join('、')}`, [hp(enc)])] : [];
  },
};

const H08: QcRule = {
  id: 'H08', category: 'homepage', severity: 'S3', title: { en: 'Neonatal and infant fields', zh: '新生儿/婴儿字段' }, source: 'ZYSY2017',
  check: (enc) => {
    if (!enc.homepage || !enc.patient.birthDate) return [];
    const days = (minutes(enc.admitAt) - minutes(enc.patient.birthDate)) / 1440;
    const out: QcIssue[] = [];
    if (days < 28 && (!enc.homepage.newbornBirthWeight || !enc.homepage.newbornAdmissionWeight)) out.push(issue('Neonate: birth weight and admission weight required', '新生儿须填出生体重及入院体重', [hp(enc)], { key: 'weight' }));
    if (days < 365 && enc.homepage.ageMonths === undefined) out.push(issue('Under 1 year: age in months required', '不足1岁须填年龄（月）', [hp(enc)], { key: 'months' }));
    return out;
  },
};

const H09: QcRule = {
  id: 'H09', category: 'homepage', severity: 'S3', title: { en: 'Admission-condition flag for every discharge diagnosis', zh: '入院病情' }, source: 'ZYSY2017; RC027',
  check: (enc) => all(enc).filter((d) => !['1', '2', '3', '4'].includes(d.admissionCondition ?? '')).map((d) => issue(`${d.name}: 入院病情 missing or invalid`, `${d.name}未填写入院病情或取值无效`, [hp(enc)], { key: d.name })),
};

const H10: QcRule = {
  id: 'H10', category: 'homepage', severity: 'S3', title: { en: 'Main operation selection and order', zh: '主要手术选择与排序' }, source: 'SY2016 第二十二条; ZB2021 MER-TQ-05',
  check: (enc) => {
    const ps = enc.homepage?.procedures ?? [];
    const out: QcIssue[] = [];
    const firstSurgery = ps.findIndex((p) => p.kind === 'surgery');
    if (firstSurgery > 0) out.push(issue('A non-surgical procedure is listed before the operations', '操作排在手术之前', [hp(enc)], { key: 'order' }));
    const top = Math.max(...ps.filter((p) => p.kind === 'surgery').map((p) => p.level ?? 0), 0);
    if (ps[0] && ps[0].kind === 'surgery' && (ps[0].level ?? 0) < top) out.push(issue(`Main operation ${ps[0].name} is not the highest-level one`, `主要手术${ps[0].name}不是级别最高的手术`, [hp(enc)], { key: 'level' }));
    return out;
  },
};

const H11: QcRule = {
  id: 'H11', category: 'homepage', severity: 'S4', title: { en: 'Ordering of other diagnoses', zh: '其他诊断排序' }, source: 'SY2016 第十九条, 第二十条',
  check: (enc) => {
    const ds = enc.homepage?.otherDiagnoses ?? [];
    const lastComplication = ds.map((d) => d.kind).lastIndexOf('complication');
    const firstComorbidity = ds.findIndex((d) => d.kind === 'comorbidity');
    return firstComorbidity >= 0 && lastComplication > firstComorbidity ? [issue('A comorbidity is listed before a complication', '合并症排在并发症之前', [hp(enc)])] : [];
  },
};

const ROLES: readonly [string, string][] = [['director', '科主任'], ['chief', '主任(副主任)医师'], ['attending', '主治医师'], ['resident', '住院医师'], ['coder', '编码员']];

const H12: QcRule = {
  id: 'H12', category: 'homepage', severity: 'S2', title: { en: 'Required front-sheet fields', zh: '首页必填项' }, source: 'SY2016 第三条, 第八条; ZYSY2017 (2011 field list not read directly; verify)',
  check: (enc) => {
    const h = enc.homepage;
    if (!h) return [];
    const missing: string[] = [];
    if (!hasMinutes(h.admitAt)) missing.push('入院时间（到分钟）');
    if (enc.dischargeAt && !hasMinutes(h.dischargeAt)) missing.push('出院时间（到分钟）');
    if (enc.dischargeAt && !h.dischargeDisposition) missing.push('离院方式');
    if (!h.admissionRoute) missing.push('入院途径');
    if (!h.mainDiagnosis?.name || !h.mainDiagnosis.code) missing.push('主要诊断名称及编码');
    for (const p of h.procedures.filter((x) => x.kind === 'surgery')) {
      if (!p.level) missing.push(`${p.name}手术级别`);
      if (!p.anesthesia) missing.push(`${p.name}麻醉方式`);
      if (p.anesthesia && !/局麻|局部|无/.test(p.anesthesia) && !p.anesthesiologist) missing.push(`${p.name}麻醉医师`);
      if (p.incisional && !p.incisionClass) missing.push(`${p.name}切口愈合等级`);
    }
    for (const [role, zh] of ROLES) if (!h.signatures.some((s) => s.role === role)) missing.push(`${zh}签名`);
    return missing.map((m) => issue(`Front sheet lacks ${m}`, `首页缺${m}`, [hp(enc)], { key: m }));
  },
};

export const HOMEPAGE_RULES: readonly QcRule[] = [H01, H02, H03, H04, H05, H06, H07, H08, H09, H10, H11, H12];
