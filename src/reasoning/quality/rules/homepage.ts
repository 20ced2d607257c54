import type { QcDiagnosis, QcEncounter } from '../model.js';
import { nameFitsCategory, oneWordFrom } from '../icd-codes.js';
import {
  type NamedPattern,
  type QcIssue,
  type QcPredicate,
  issue,
  listOf,
  namedPatterns,
  predicate,
  refSource,
  regex,
} from '../rule.js';
import { normalise } from '../text.js';
import { hasMinutes, minutes } from '../time.js';

/** 病案首页 predicates H01–H12 (qc-rules.md §5). They apply when the front sheet is on file. */

const hp = (enc: QcEncounter) => refSource(enc.homepage?.ref, 'Composition', `${enc.id}-homepage`);
const code = (d: QcDiagnosis | undefined) => (d?.code ?? '').toUpperCase();
const all = (enc: QcEncounter): QcDiagnosis[] => [
  ...(enc.homepage?.mainDiagnosis ? [enc.homepage.mainDiagnosis] : []),
  ...(enc.homepage?.otherDiagnoses ?? []),
];

const H01 = predicate(
  (enc, ctx) => {
    const main = enc.homepage?.mainDiagnosis;
    if (!main) return [];
    const c = code(main);
    const others = enc.homepage!.otherDiagnoses;
    const out: QcIssue[] = [];
    // (b) cause over manifestation: a symptom code while another diagnosis explains it.
    if (regex(ctx, 'symptomCode').test(c) && others.some((d) => regex(ctx, 'causalCode').test(code(d))))
      out.push(
        issue(
          `Principal diagnosis “${main.name}” (${main.code}) is a symptom code while a causal diagnosis is listed`,
          `主要诊断${main.name}（${main.code}）为症状编码，而其他诊断已明确病因`,
          [hp(enc)],
          { key: 'b' },
        ),
      );
    // (c) terminal state (e.g. cardiac arrest as the mode of death) should not be principal.
    if (regex(ctx, 'terminalCode').test(c) || regex(ctx, 'terminalName').test(main.name))
      out.push(
        issue(
          `Terminal state ${main.name} chosen as principal diagnosis`,
          `主要诊断选择了临终状态${main.name}`,
          [hp(enc)],
          { key: 'c' },
        ),
      );
    // (d) oncology: chemotherapy/radiotherapy as principal only when the admission was for it (no operation).
    if (regex(ctx, 'oncologyTherapyCode').test(c) && enc.homepage!.procedures.some((p) => p.kind === 'surgery'))
      out.push(
        issue(
          'Chemo/radiotherapy (Z51.0/Z51.1) is principal although an operation was done: the tumour should be principal',
          '有手术时主要诊断不应为恶性肿瘤化疗/放疗',
          [hp(enc)],
          { key: 'd' },
        ),
      );
    // (f) poisoning: when a poisoning code is listed and the principal is its manifestation.
    const poisoning = regex(ctx, 'poisoningCode');
    if (others.some((d) => poisoning.test(code(d))) && !poisoning.test(c) && regex(ctx, 'symptomCode').test(c))
      out.push(
        issue('Poisoning treated but its manifestation is principal', '以中毒为治疗目的时主要诊断应为中毒', [hp(enc)], {
          key: 'f',
        }),
      );
    // (g) a post-operative complication does not replace the original disease.
    if (
      regex(ctx, 'complicationCode').test(c) &&
      others.length > 0 &&
      enc.homepage!.procedures.some((p) => p.kind === 'surgery')
    )
      out.push(
        issue(
          `Post-operative complication ${main.name} chosen as principal; the original disease remains principal`,
          `术后并发症${main.name}不应作为主要诊断`,
          [hp(enc)],
          { key: 'g' },
        ),
      );
    return out;
  },
  {
    patterns: [
      'symptomCode',
      'causalCode',
      'terminalCode',
      'terminalName',
      'oncologyTherapyCode',
      'poisoningCode',
      'complicationCode',
    ],
  },
);

const H02 = predicate((enc) =>
  /^[V-Y]/.test(code(enc.homepage?.mainDiagnosis))
    ? [
        issue(
          `External-cause code ${enc.homepage!.mainDiagnosis!.code} as principal diagnosis`,
          `主要诊断使用外因编码${enc.homepage!.mainDiagnosis!.code}`,
          [hp(enc)],
        ),
      ]
    : [],
);

const H03 = predicate((enc) => {
  const main = code(enc.homepage?.mainDiagnosis);
  return main && enc.homepage!.otherDiagnoses.some((d) => code(d) === main)
    ? [issue(`Code ${main} is both principal and secondary`, `编码${main}同时为主要诊断和其他诊断`, [hp(enc)])]
    : [];
});

/**
 * H04: the code shapes (`patterns.icd10`, `patterns.icd9cm3`), then the catalogue in force when one is
 * given (exact codes), else the bundled 国家临床版 2.0 (a code it defines at the level written: K99.9
 * has the shape of a code but no such category exists).
 *
 * A four-character subcode the edition lacks under a category it has (I48.0, N18.5: WHO ICD-10 subcodes
 * where 国家临床版 2.0 writes I48.x00…, N18.001) is an ICD-10 code, which SY2016 第六条 accepts ("疾病诊断编码
 * 应当统一使用ICD-10"), while regions that evaluate by DRG must use the clinical edition (the same article):
 * an advisory (S4) to recode under the category, not an invalid code (S2); none where the sheet is coded in WHO
 * ICD-10 throughout (`codedInWho`), the edition that article names.
 */
/** A WHO ICD-10 subcategory as written: category, point, one digit, an optional dagger or asterisk (I48.0, D63.8*). */
const SUBCODE = /^[A-Z]\d{2}\.\d[+*†]?$/i;
/** A code as WHO ICD-10 writes it: a category (D62, A46) or a subcategory (N18.5, D63.8*). */
const WHO_FORM = /^[A-Z]\d{2}(?:\.\d)?[+*†]?$/i;

/**
 * Whether a 首页 is coded in WHO ICD-10 throughout: two codes or more, none in the clinical edition's longer form
 * (N18.001, I10.x00, K80.100x001). SY2016 第六条 asks for ICD-10; a sheet so coded has chosen that edition, and a
 * subcode the clinical edition lacks is no slip to recode. One code alone says nothing of the edition.
 */
const codedInWho = (codes: readonly string[]): boolean =>
  codes.length >= 2 && codes.every((c) => WHO_FORM.test(c.trim()));

const H04 = predicate(
  (enc, ctx) => {
    if (!enc.homepage) return [];
    const icd10 = regex(ctx, 'icd10');
    const icd9cm3 = regex(ctx, 'icd9cm3');
    const out: QcIssue[] = [];
    const who = codedInWho(all(enc).flatMap((d) => (d.code ? [d.code] : [])));
    for (const d of all(enc)) {
      const c = d.code ?? '';
      if (!c) continue;
      const bad = !icd10.test(c)
        ? { en: 'not a valid ICD-10 code', zh: '不符合ICD-10编码格式' }
        : ctx.icdCatalog
          ? ctx.icdCatalog.has(c)
            ? undefined
            : { en: 'not in the code catalogue in force', zh: '不在本院现行疾病编码库中' }
          : ctx.icdCodes && !ctx.icdCodes.has(c)
            ? { en: 'not a code of ICD-10 China clinical edition 2.0', zh: '不在疾病分类与代码国家临床版2.0中' }
            : undefined;
      const category = c.trim().slice(0, 3).toUpperCase();
      const whoSubcode = !ctx.icdCatalog && SUBCODE.test(c.trim()) && ctx.icdCodes?.has(category);
      if (bad && whoSubcode && who) continue;
      if (bad && whoSubcode)
        out.push(
          issue(
            `Diagnosis code ${c} (${d.name}) is an ICD-10 subcode that ICD-10 China clinical edition 2.0 does not ` +
              `have: recode it under category ${category} of the clinical edition`,
            `诊断编码${c}（${d.name}）为ICD-10亚目，国家临床版2.0无此亚目：请在${category}类目下改用国家临床版代码`,
            [hp(enc)],
            {
              key: c,
              severity: 'S4',
              fix: {
                en: `Recode “${d.name}” with the clinical-edition code under ${category}`,
                zh: `按国家临床版2.0在${category}类目下为“${d.name}”选码`,
              },
            },
          ),
        );
      else if (bad)
        out.push(
          issue(`Diagnosis code ${c} (${d.name}): ${bad.en}`, `诊断编码${c}（${d.name}）无效：${bad.zh}`, [hp(enc)], {
            key: c,
            fix: {
              en: `Code “${d.name}” with a valid code of the edition in force`,
              zh: `按现行疾病分类与代码为“${d.name}”重新编码`,
            },
          }),
        );
    }
    for (const p of enc.homepage.procedures)
      if (p.code && !icd9cm3.test(p.code))
        out.push(
          issue(
            `Procedure code ${p.code} (${p.name}) is not a valid ICD-9-CM-3 code`,
            `手术操作编码${p.code}（${p.name}）无效`,
            [hp(enc)],
            { key: p.code },
          ),
        );
    return out;
  },
  { patterns: ['icd10', 'icd9cm3'] },
);

/**
 * H05: with the hospital's catalogue, the name must be one the catalogue gives the code (the 医保
 * validator's check); without one, the name must fit the code's category in the bundled 国家临床版 2.0
 * (`lists.genericNameParts` are not evidence), or be a name of the code itself but for one word (`oneWordFrom`: 足癣
 * for B35.3 脚癣): 慢性胆囊炎伴胆囊结石 coded J45.9 is another disease's code.
 */
const H05 = predicate(
  (enc, ctx) => {
    const fix = (d: QcDiagnosis) => ({
      en: `Check the code of “${d.name}” (or the name) against the code table`,
      zh: `核对“${d.name}”的诊断名称与编码，使二者一致`,
    });
    const cat = ctx.icdCatalog;
    if (cat)
      return all(enc)
        .filter((d) => d.code && cat.has(d.code) && !cat.get(d.code)!.some((n) => normalise(n) === normalise(d.name)))
        .map((d) =>
          issue(
            `Diagnosis "${d.name}" does not match code ${d.code} (${cat.get(d.code!)!.join(' / ')})`,
            `诊断名称“${d.name}”与编码${d.code}（${cat.get(d.code!)!.join('/')}）不符`,
            [hp(enc)],
            { key: d.code, fix: fix(d) },
          ),
        );
    const table = ctx.icdCodes;
    if (!table) return [];
    const generic = listOf<string>(ctx, 'genericNameParts');
    const shortForms = namedPatterns(ctx, 'nameShortForms');
    const parts = namedPatterns(ctx, 'subcodeParts');
    return [
      ...all(enc)
        // The category decides (K35.8 is no 国家临床版 code, H04's finding, but K35 is appendicitis whatever the subcode).
        .filter((d) => d.code && d.name && table.namesInCategory(d.code).length > 0)
        .filter(
          (d) =>
            !nameFitsCategory(d.name, table.namesInCategory(d.code!), generic, shortForms) &&
            !oneWordFrom(d.name, table.namesUnder(d.code!)),
        )
        .map((d) => {
          const names = table.namesInCategory(d.code!).slice(0, 3);
          return issue(
            `Diagnosis "${d.name}" does not match code ${d.code}: no name of category ${d.code!.slice(0, 3)} fits it`,
            `诊断名称“${d.name}”与编码${d.code}不符（${d.code!.slice(0, 3)}类目为${names.join('、')}等）`,
            [hp(enc)],
            { key: d.code, fix: fix(d) },
          );
        }),
      ...all(enc).flatMap((d) => {
        const part = d.code && d.name ? partAgainstSubcode(d.name, table.namesUnder(d.code), d.code, parts) : undefined;
        return part
          ? [
              issue(
                `Diagnosis "${d.name}" names ${part.named} but code ${d.code} is the ${part.coded} subcode`,
                `诊断名称“${d.name}”为${part.named}，编码${d.code}为${part.coded}，名称与编码不符`,
                [hp(enc)],
                { key: `${d.code}-${part.named}`, fix: fix(d) },
              ),
            ]
          : [];
      }),
    ];
  },
  { lists: ['genericNameParts'], patterns: ['nameShortForms', 'subcodeParts'] },
);

/**
 * H05 below the category: the part a subcode is about (`patterns.subcodeParts`: every name the edition gives it names
 * that part of its group, S66.0 拇指) against the part the diagnosis names (示指), where it names one of the group and
 * not the code's. A code at category level names no single part.
 */
function partAgainstSubcode(
  name: string,
  codeNames: readonly string[],
  code: string,
  parts: readonly NamedPattern[],
): { named: string; coded: string } | undefined {
  if (!/^[A-Z]\d{2}\.\d/i.test(code) || codeNames.length === 0) return undefined;
  for (const group of new Set(parts.map((p) => p.name))) {
    const members = parts.filter((p) => p.name === group);
    const coded = members.filter((p) => codeNames.every((n) => p.pattern.test(n)));
    const named = members.filter((p) => p.pattern.test(name));
    if (coded.length === 1 && named.length > 0 && !named.includes(coded[0]!))
      return { named: String(named[0]!.part), coded: String(coded[0]!.part) };
  }
  return undefined;
}

const H06 = predicate((enc) => {
  if (!/^[ST]/.test(code(enc.homepage?.mainDiagnosis))) return [];
  const ec = enc.homepage!.externalCause;
  return ec?.name && /^[V-Y]/.test(ec.code ?? '')
    ? []
    : [
        issue(
          'Principal diagnosis is an injury or poisoning but the external cause (name + V–Y code) is missing',
          '主要诊断为损伤中毒，未填写外部原因及编码',
          [hp(enc)],
        ),
      ];
});

/**
 * H07: a specimen sent puts the pathology diagnosis, its code and the 病理号 on the 首页. The code of a tumour is its
 * morphology code (M8140/3); a non-neoplastic finding has none, and its disease code stands in the 首页's 病理诊断
 * 疾病编码 field (急性化脓性阑尾炎 K35.x): such a code (`patterns.nonNeoplasticCode`, outside C00–D48) counts when the
 * pathology diagnosis names no tumour (`patterns.neoplasmName`).
 */
const H07 = predicate(
  (enc, ctx) => {
    if (!enc.homepage) return [];
    const sent = enc.homepage.pathologySent ?? enc.surgeries.some((s) => s.pathologySent);
    if (!sent) return [];
    const p = enc.homepage.pathology;
    const tumour = !p?.name || regex(ctx, 'neoplasmName').test(p.name);
    const coded =
      regex(ctx, 'morphologyCode').test(p?.code ?? '') ||
      (!tumour && regex(ctx, 'nonNeoplasticCode').test(p?.code ?? ''));
    const missing = [
      !p?.name && { en: 'the pathology diagnosis', zh: '病理诊断名称' },
      !coded &&
        (tumour
          ? { en: 'the morphology code (M)', zh: '病理编码(M)' }
          : { en: 'the pathology diagnosis code', zh: '病理诊断编码' }),
      !p?.number && { en: 'the pathology number', zh: '病理号' },
    ].filter((x): x is { en: string; zh: string } => !!x);
    return missing.length
      ? [
          issue(
            `Specimen sent but the front sheet lacks ${missing.map((m) => m.en).join(', ')}`,
            `送检病理但首页缺${missing.map((m) => m.zh).join('、')}`,
            [hp(enc)],
          ),
        ]
      : [];
  },
  { patterns: ['morphologyCode', 'nonNeoplasticCode', 'neoplasmName'] },
);

const H08 = predicate((enc) => {
  if (!enc.homepage || !enc.patient.birthDate) return [];
  const days = (minutes(enc.admitAt) - minutes(enc.patient.birthDate)) / 1440;
  const out: QcIssue[] = [];
  if (days < 28 && (!enc.homepage.newbornBirthWeight || !enc.homepage.newbornAdmissionWeight))
    out.push(
      issue('Neonate: birth weight and admission weight required', '新生儿须填出生体重及入院体重', [hp(enc)], {
        key: 'weight',
      }),
    );
  if (days < 365 && enc.homepage.ageMonths === undefined)
    out.push(issue('Under 1 year: age in months required', '不足1岁须填年龄（月）', [hp(enc)], { key: 'months' }));
  return out;
});

const H09 = predicate(
  (enc, ctx) => {
    const codes = listOf<string>(ctx, 'admissionConditions');
    return all(enc)
      .filter((d) => !codes.includes(d.admissionCondition ?? ''))
      .map((d) =>
        issue(
          `“${d.name}”: condition on admission (入院病情) missing or invalid`,
          `${d.name}未填写入院病情或取值无效`,
          [hp(enc)],
          {
            key: d.name,
          },
        ),
      );
  },
  { lists: ['admissionConditions'] },
);

const H10 = predicate((enc) => {
  const ps = enc.homepage?.procedures ?? [];
  const out: QcIssue[] = [];
  const firstSurgery = ps.findIndex((p) => p.kind === 'surgery');
  if (firstSurgery > 0)
    out.push(
      issue('A non-surgical procedure is listed before the operations', '操作排在手术之前', [hp(enc)], {
        key: 'order',
      }),
    );
  const top = Math.max(...ps.filter((p) => p.kind === 'surgery').map((p) => p.level ?? 0), 0);
  if (ps[0] && ps[0].kind === 'surgery' && (ps[0].level ?? 0) < top)
    out.push(
      issue(
        `Main operation ${ps[0].name} is not the highest-level one`,
        `主要手术${ps[0].name}不是级别最高的手术`,
        [hp(enc)],
        { key: 'level' },
      ),
    );
  return out;
});

/** A neoplasm's ICD-10 code (C00–D48). */
const NEOPLASM = /^(?:C|D[0-4])\d/i;

const H11 = predicate(
  (enc, ctx) => {
    const all = enc.homepage?.otherDiagnoses ?? [];
    // After a main diagnosis of radio- or chemotherapy (Z51.0/Z51.1, by its code or its name; SY2016 第十三条) the
    // tumour treated comes first among the other diagnoses, whatever its kind; the order rule reads those after it.
    const main = enc.homepage?.mainDiagnosis;
    const z51 = /^Z51/i.test(main?.code ?? '') || regex(ctx, 'treatmentEncounter').test(main?.name ?? '');
    const lead = z51 ? all.findIndex((d) => !NEOPLASM.test(d.code ?? '')) : 0;
    const ds = all.slice(lead < 0 ? all.length : lead);
    const lastComplication = ds.map((d) => d.kind).lastIndexOf('complication');
    const firstComorbidity = ds.findIndex((d) => d.kind === 'comorbidity');
    // When every diagnosis up to the last complication was present on admission (入院病情 1), they are the
    // presenting illness: the coder writes its cause chain (梗阻 → 肾盂肾炎 → 脓毒症) beside the main diagnosis and
    // weighs severity and treatment (SY2016 第二十条's other two orders), which the front sheet cannot settle. A
    // complication that arose in the stay still goes before the comorbidities.
    const presenting = ds.slice(0, lastComplication + 1).every((d) => d.admissionCondition === '1');
    return firstComorbidity >= 0 && lastComplication > firstComorbidity && !presenting
      ? [issue('A comorbidity is listed before a complication', '合并症排在并发症之前', [hp(enc)])]
      : [];
  },
  { patterns: ['treatmentEncounter'] },
);

const H12 = predicate(
  (enc, ctx) => {
    const h = enc.homepage;
    if (!h) return [];
    const missing: { en: string; zh: string }[] = [];
    const lacks = (en: string, zh: string) => missing.push({ en, zh });
    if (!hasMinutes(h.admitAt)) lacks('the admission time to the minute', '入院时间（到分钟）');
    if (enc.dischargeAt && !hasMinutes(h.dischargeAt)) lacks('the discharge time to the minute', '出院时间（到分钟）');
    if (enc.dischargeAt && !h.dischargeDisposition) lacks('the discharge disposition', '离院方式');
    if (!h.admissionRoute) lacks('the admission route', '入院途径');
    if (!h.mainDiagnosis?.name || !h.mainDiagnosis.code)
      lacks('the principal diagnosis and its code', '主要诊断名称及编码');
    for (const p of h.procedures.filter((x) => x.kind === 'surgery')) {
      if (!p.level) lacks(`the level of “${p.name}”`, `${p.name}手术级别`);
      if (!p.anesthesia) lacks(`the anaesthesia of “${p.name}”`, `${p.name}麻醉方式`);
      if (p.anesthesia && !regex(ctx, 'noAnaesthetist').test(p.anesthesia) && !p.anesthesiologist)
        lacks(`the anaesthesiologist of “${p.name}”`, `${p.name}麻醉医师`);
      if (p.incisional && !p.incisionClass) lacks(`the wound healing class of “${p.name}”`, `${p.name}切口愈合等级`);
    }
    // `alsoRoles`: a 副主任医师 signing as the 主任(副主任)医师 may be exported under the title's own name.
    const signers = listOf<{ role: string; zh: string; en?: string; alsoRoles?: string[] }>(ctx, 'signers');
    for (const { role, zh, en, alsoRoles = [] } of signers)
      if (!h.signatures.some((s) => s.role === role || alsoRoles.includes(s.role ?? '')))
        lacks(`the signature of the ${en ?? role}`, `${zh}签名`);
    return missing.map((m) => issue(`Front sheet lacks ${m.en}`, `首页缺${m.zh}`, [hp(enc)], { key: m.zh }));
  },
  { patterns: ['noAnaesthetist'], lists: ['signers'] },
);

export const HOMEPAGE_PREDICATES: Readonly<Record<string, QcPredicate>> = {
  H01,
  H02,
  H03,
  H04,
  H05,
  H06,
  H07,
  H08,
  H09,
  H10,
  H11,
  H12,
};
