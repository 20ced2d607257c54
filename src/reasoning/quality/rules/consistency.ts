import type { Fact } from '../../../core/index.js';
import { CodeSystems } from '../../../core/index.js';
import { DRUG_CLASSES, type DrugClassId, ingredientsOf, INGREDIENTS, type IngredientId } from '../../safety/drugs.js';
import type { QcDiagnosis, QcDocument, QcEncounter } from '../model.js';
import {
  type QcIssue,
  type QcPredicate,
  doc,
  docSource,
  docs,
  encSource,
  issue,
  listOf,
  namedPatterns,
  num,
  predicate,
  refSource,
  regex,
} from '../rule.js';
import { diagnosisList, durationDays, normalise, section, similarity } from '../text.js';
import { calendarDays, minutes, shanghaiDate } from '../time.js';

/** Consistency predicates K01–K18 (qc-rules.md §4). */

const allDiagnoses = (enc: QcEncounter): QcDiagnosis[] => [
  ...(enc.homepage?.mainDiagnosis ? [enc.homepage.mainDiagnosis] : []),
  ...(enc.homepage?.otherDiagnoses ?? []),
];
const hpSource = (enc: QcEncounter) => refSource(enc.homepage?.ref, 'Composition', `${enc.id}-homepage`);
const code = (d: QcDiagnosis) => (d.code ?? '').toUpperCase();
const inRange = (c: string, from: string, to: string) => c.slice(0, 3) >= from && c.slice(0, 3) <= to;

/** K01: ICD-10 category ranges (`lists.femaleOnly`, `lists.maleOnly`, illustrative in qc-rules.md). */
const K01 = predicate(
  (enc, ctx) => {
    const sex = enc.patient.sex;
    if (sex !== 'male' && sex !== 'female') return [];
    const list =
      sex === 'male'
        ? listOf<readonly [string, string]>(ctx, 'femaleOnly')
        : listOf<readonly [string, string]>(ctx, 'maleOnly');
    return allDiagnoses(enc)
      .filter((d) => list.some(([a, b]) => inRange(code(d), a, b)))
      .map((d) =>
        issue(
          `${d.name} (${d.code}) is a ${sex === 'male' ? 'female' : 'male'}-only code for a ${sex} patient: confirm or give an override reason`,
          `${d.name}（${d.code}）与患者性别不符，请确认或填写理由`,
          [hpSource(enc)],
          { key: d.code },
        ),
      );
  },
  { lists: ['femaleOnly', 'maleOnly'] },
);

const K02 = predicate((enc, ctx) => {
  if (!enc.patient.birthDate) return [];
  const age = (minutes(enc.admitAt) - minutes(enc.patient.birthDate)) / (1440 * 365.25);
  const out: QcIssue[] = [];
  const prefixes = (k: string) => (ctx.params[k] as string[]).map((x) => x.toUpperCase());
  for (const d of allDiagnoses(enc)) {
    const c = code(d);
    let why: string | undefined;
    if (inRange(c, 'P00', 'P96') && age >= 1) why = 'newborn code after age 0';
    else if (
      inRange(c, 'O00', 'O99') &&
      (age < num(ctx.params, 'maternityMinAge') || age > num(ctx.params, 'maternityMaxAge'))
    )
      why = `maternity code outside ages ${ctx.params.maternityMinAge}–${ctx.params.maternityMaxAge}`;
    else if (prefixes('pediatricCodes').some((p) => c.startsWith(p)) && age > 17) why = 'pediatric code after age 17';
    else if (prefixes('adultCodes').some((p) => c.startsWith(p)) && (age < 15 || age > 124))
      why = 'adult code outside ages 15–124';
    if (why)
      out.push(
        issue(
          `${d.name} (${d.code}): ${why} (age ${Math.floor(age)})`,
          `${d.name}（${d.code}）与年龄（${Math.floor(age)}岁）不符`,
          [hpSource(enc)],
          { key: c },
        ),
      );
  }
  return out;
});

const K03 = predicate((enc) => {
  const d = doc(enc, 'discharge-record');
  const hp = enc.homepage;
  if (!d || !hp?.mainDiagnosis) return [];
  const written = diagnosisList(section(d, '出院诊断'));
  const sheet = allDiagnoses(enc).map((x) => normalise(x.name));
  if (written.length === 0) return [];
  const out: QcIssue[] = [];
  if (written[0] !== sheet[0])
    out.push(
      issue(
        `Principal diagnosis differs: discharge record "${written[0]}" vs front sheet "${hp.mainDiagnosis.name}"`,
        `主要诊断不一致：出院记录“${written[0]}”，首页“${hp.mainDiagnosis.name}”`,
        [docSource(d), hpSource(enc)],
        { key: 'main' },
      ),
    );
  const a = new Set(written);
  const b = new Set(sheet);
  const onlyA = [...a].filter((x) => !b.has(x));
  const onlyB = [...b].filter((x) => !a.has(x));
  if (onlyA.length || onlyB.length)
    out.push(
      issue(
        `Diagnosis sets differ (record only: ${onlyA.join(', ') || '—'}; sheet only: ${onlyB.join(', ') || '—'})`,
        `诊断不一致（仅出院记录：${onlyA.join('、') || '无'}；仅首页：${onlyB.join('、') || '无'}）`,
        [docSource(d), hpSource(enc)],
        { key: 'set' },
      ),
    );
  return out;
});

const K04 = predicate((enc) => {
  const dr = doc(enc, 'discharge-record');
  const an = doc(enc, 'admission-note');
  if (!dr || !an) return [];
  const out: QcIssue[] = [];
  const date = /(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})/.exec(section(dr, '入院日期'));
  const admit =
    /(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})/.exec(section(an, '入院时间')) ??
    /(\d{4})-(\d{2})-(\d{2})/.exec(shanghaiDate(enc.admitAt));
  const fmt = (m: RegExpExecArray | null) => (m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : '');
  if (date && admit && fmt(date) !== fmt(admit))
    out.push(
      issue(
        `Admission date differs: discharge record ${fmt(date)}, admission note ${fmt(admit)}`,
        `入院日期不一致：出院记录${fmt(date)}，入院记录${fmt(admit)}`,
        [docSource(dr), docSource(an)],
        { key: 'date' },
      ),
    );
  const a = diagnosisList(section(dr, '入院诊断'));
  const b = diagnosisList(section(an, '初步诊断', '入院诊断'));
  if (a.length && b.length && !a.every((x) => b.some((y) => y.includes(x) || x.includes(y) || similarity(x, y) >= 0.8)))
    out.push(
      issue(
        'Admission diagnosis in the discharge record differs from the admission note',
        '出院记录入院诊断与入院记录初步诊断不一致',
        [docSource(dr), docSource(an)],
        { key: 'dx' },
      ),
    );
  return out;
});

const K05 = predicate((enc) => {
  if (!enc.homepage?.los || !enc.dischargeAt) return [];
  const expected = Math.max(1, calendarDays(enc.admitAt, enc.dischargeAt));
  return enc.homepage.los === expected
    ? []
    : [
        issue(
          `LOS on the front sheet is ${enc.homepage.los}, dates give ${expected}`,
          `首页住院天数${enc.homepage.los}天，按日期应为${expected}天`,
          [hpSource(enc)],
        ),
      ];
});

const K06 = predicate((enc) => {
  const out: QcIssue[] = [];
  const before = (a: string | undefined, b: string | undefined) =>
    a !== undefined && b !== undefined && minutes(a) > minutes(b);
  const fp = doc(enc, 'first-progress-note');
  const an = doc(enc, 'admission-note');
  if (fp && before(enc.admitAt, fp.recordedAt))
    out.push(
      issue('First progress note recorded before admission', '首次病程记录时间早于入院时间', [docSource(fp)], {
        key: 'fp',
      }),
    );
  if (an && before(enc.admitAt, an.recordedAt))
    out.push(
      issue('Admission note recorded before admission', '入院记录时间早于入院时间', [docSource(an)], { key: 'an' }),
    );
  for (const s of enc.surgeries) {
    const src = [refSource(s.ref, 'Procedure', s.id)];
    if (before(enc.admitAt, s.startAt) || before(s.startAt, s.endAt) || before(s.endAt, enc.dischargeAt))
      out.push(
        issue(`Surgery ${s.name} times contradict admission/discharge`, `手术${s.name}时间与入出院时间矛盾`, src, {
          severity: 'S1',
          key: `${s.id}-time`,
        }),
      );
    for (const d of docs(enc, 'preop-discussion').filter((x) => (x.relatedId ?? s.id) === s.id))
      if (
        !before(s.startAt, d.recordedAt ?? d.completedAt) &&
        (d.recordedAt ?? d.completedAt) &&
        minutes((d.recordedAt ?? d.completedAt)!) >= minutes(s.startAt)
      )
        out.push(
          issue('Pre-op discussion dated after surgery start', '术前讨论时间晚于手术开始', [docSource(d)], {
            key: `${s.id}-disc`,
          }),
        );
  }
  if (enc.dischargeAt)
    for (const o of enc.orders)
      if (before(o.stopAt, enc.dischargeAt))
        out.push(
          issue(
            `Order "${o.text}" stops after discharge`,
            `医嘱“${o.text}”停止时间晚于出院时间`,
            [refSource(o.ref, 'MedicationRequest', o.id)],
            { severity: 'S1', key: o.id },
          ),
        );
  for (const cv of enc.criticalValues)
    if (cv.receivedAt && minutes(cv.receivedAt) < minutes(cv.reportedAt))
      out.push(
        issue(
          `Critical ${cv.name} handled before it was reported`,
          `危急值${cv.name}处理时间早于报告时间`,
          [encSource(enc)],
          { key: cv.id },
        ),
      );
  return out;
});

const K07 = predicate((enc) =>
  enc.surgeries.flatMap((s) => {
    const disc = docs(enc, 'preop-discussion').find((d) => (d.relatedId ?? s.id) === s.id);
    if (!disc) return [];
    const at = minutes((disc.recordedAt ?? disc.completedAt)!);
    const out: QcIssue[] = [];
    for (const o of enc.orders.filter((x) => x.category === 'surgery' && x.orderedAt))
      if (minutes(o.orderedAt!) < at)
        out.push(
          issue(
            'Surgical order written before the pre-op discussion',
            '手术医嘱开具早于术前讨论',
            [refSource(o.ref, 'ServiceRequest', o.id)],
            { key: o.id },
          ),
        );
    const c = docs(enc, 'consent-surgery').find((d) => (d.relatedId ?? s.id) === s.id);
    if (c && (c.completedAt ?? c.recordedAt) && minutes((c.completedAt ?? c.recordedAt)!) < at)
      out.push(
        issue('Surgical consent signed before the pre-op discussion', '手术同意书签署早于术前讨论', [docSource(c)], {
          key: `${s.id}-consent`,
        }),
      );
    return out;
  }),
);

const opName = (d: QcDocument | undefined, ...names: string[]) =>
  d ? normalise(section(d, ...names).split('\n')[0] ?? '') : '';

const K08 = predicate((enc) =>
  enc.surgeries.flatMap((s) => {
    const op = docs(enc, 'op-note').find((d) => (d.relatedId ?? s.id) === s.id);
    const names = [
      opName(op, '手术名称'),
      opName(
        docs(enc, 'preop-discussion').find((d) => (d.relatedId ?? s.id) === s.id),
        '拟施手术',
        '手术名称',
      ),
      opName(
        docs(enc, 'consent-surgery').find((d) => (d.relatedId ?? s.id) === s.id),
        '手术名称',
        '拟施手术',
      ),
      normalise(enc.homepage?.procedures[0]?.name ?? ''),
    ].filter(Boolean);
    const same = names.every((n) => similarity(n, names[0]!) >= 0.85);
    if (same || (op && /术中改变|改行|术式改变|中转/.test(op.text))) return [];
    return [
      issue(
        `Operation name differs across operative note, pre-op discussion, consent and front sheet (${names.join(' / ')})`,
        `手术名称在手术记录、术前讨论、同意书、首页间不一致（${names.join(' / ')}）`,
        op ? [docSource(op)] : [encSource(enc)],
        { key: s.id },
      ),
    ];
  }),
);

const K09 = predicate((enc) => {
  const dr = doc(enc, 'discharge-record');
  const discharge = [...diagnosisList(section(dr, '出院诊断')), ...allDiagnoses(enc).map((d) => normalise(d.name))];
  if (discharge.length === 0) return [];
  return docs(enc, 'op-note').flatMap((op) =>
    diagnosisList(section(op, '术后诊断', '术中诊断'))
      .filter((x) => !discharge.some((y) => y.includes(x) || x.includes(y) || similarity(x, y) >= 0.8))
      .map((x) =>
        issue(
          `Post-op diagnosis "${x}" not among the discharge diagnoses: confirm`,
          `术后诊断“${x}”未见于出院诊断，请确认`,
          [docSource(op)],
          { key: `${op.id}-${x}` },
        ),
      ),
  );
});

function sideOf(text: string): 'left' | 'right' | 'bilateral' | undefined {
  if (/双侧|双|bilateral/i.test(text)) return 'bilateral';
  const l = /左|left/i.test(text);
  const r = /右|right/i.test(text);
  return l && !r ? 'left' : r && !l ? 'right' : undefined;
}

const K10 = predicate((enc) =>
  enc.surgeries.flatMap((s) => {
    const rel = (d: QcDocument) => (d.relatedId ?? s.id) === s.id;
    const seen: { where: string; side: string; src: ReturnType<typeof docSource> }[] = [];
    const add = (where: string, text: string | undefined, src: ReturnType<typeof docSource>) => {
      const side = text ? sideOf(text) : undefined;
      if (side) seen.push({ where, side, src });
    };
    add('name', s.name, refSource(s.ref, 'Procedure', s.id));
    for (const d of docs(enc, 'consent-surgery', 'op-note', 'pathology-report', 'imaging-report').filter(rel))
      add(d.type, section(d, '手术名称', '拟施手术') || d.text.slice(0, 200), docSource(d));
    const hp = enc.homepage?.procedures[0];
    if (hp) add('homepage', hp.laterality ?? hp.name, hpSource(enc));
    const sides = new Set(seen.map((x) => x.side));
    return sides.has('left') && sides.has('right')
      ? [
          issue(
            `Left/right mismatch for ${s.name}: ${seen.map((x) => `${x.where}=${x.side}`).join(', ')}`,
            `${s.name}侧别不一致：${seen.map((x) => `${x.where}=${x.side}`).join('，')}`,
            seen.map((x) => x.src),
            { key: s.id },
          ),
        ]
      : [];
  }),
);

/** K11: order category → words a progress note uses for its indication (`patterns.indications`). */
const K11 = predicate(
  (enc, ctx) => {
    const indications = new Map(namedPatterns(ctx, 'indications').map((p) => [p.name, p.pattern]));
    const notes = docs(enc, 'progress-note', 'first-progress-note', 'ward-round', 'consult-note', 'postop-first-note');
    return enc.orders
      .filter((o) => o.category && indications.has(o.category) && o.status !== 'cancelled')
      .filter(
        (o) =>
          !notes.some(
            (d) =>
              indications.get(o.category!)!.test(d.text) &&
              (!o.orderedAt ||
                !(d.recordedAt ?? d.completedAt) ||
                Math.abs(minutes((d.recordedAt ?? d.completedAt)!) - minutes(o.orderedAt)) <= 2 * 1440),
          ),
      )
      .map((o) =>
        issue(
          `${o.category} order "${o.text}" has no progress note documenting its indication`,
          `医嘱“${o.text}”无病程记录说明用药指征`,
          [refSource(o.ref, 'MedicationRequest', o.id)],
          { key: o.id },
        ),
      );
  },
  { patterns: ['indications'] },
);

/** K12: diagnosis pattern → the orders or results that support it; the item's name says what (`patterns.diagnosisEvidence`). */
const K12 = predicate(
  (enc, ctx) => {
    const table = namedPatterns(ctx, 'diagnosisEvidence') as readonly {
      name: string;
      pattern: RegExp;
      orders?: readonly string[];
      results?: RegExp;
    }[];
    return allDiagnoses(enc).flatMap((d) => {
      const rule = table.find((r) => r.pattern.test(d.name));
      if (!rule) return [];
      const ok =
        enc.orders.some((o) => rule.orders?.includes(o.category ?? '')) ||
        enc.results.some((r) => rule.results?.test(r.name));
      return ok
        ? []
        : [
            issue(
              `${d.name}: no supporting evidence (${rule.name}) in the chart`,
              `${d.name}：病历中无诊断依据（${rule.name}）`,
              [hpSource(enc)],
              { key: d.name },
            ),
          ];
    });
  },
  { patterns: ['diagnosisEvidence'] },
);

const K13 = predicate((enc) =>
  enc.orders
    .filter((o) => o.category === 'antibiotic' && o.status !== 'cancelled')
    .flatMap((o) => {
      const src = [refSource(o.ref, 'MedicationRequest', o.id)];
      if (!o.antibioticTier)
        return [
          issue(
            `Antibiotic order "${o.text}" carries no tier (非限制/限制/特殊使用)`,
            `抗菌药医嘱“${o.text}”未标注分级`,
            src,
            { key: `${o.id}-tier` },
          ),
        ];
      if (o.antibioticTier !== 'special') return [];
      const first = o.firstDoseAt ?? o.orderedAt;
      const approved = docs(enc, 'antibiotic-approval', 'consult-note').some(
        (d) =>
          d.completedAt &&
          first &&
          minutes(d.completedAt) <= minutes(first) &&
          (d.type === 'antibiotic-approval' || /抗菌|抗感染|感染科/.test(d.text)),
      );
      return approved
        ? []
        : [
            issue(
              `Special-use antibiotic "${o.text}" given without a prior consultation or approval`,
              `特殊使用级抗菌药“${o.text}”使用前无会诊/审批`,
              src,
              { key: o.id },
            ),
          ];
    }),
);

function pseudoFact(name: string): Fact {
  return {
    id: name,
    patientId: '',
    category: 'medication',
    concept: { system: CodeSystems.medseek, code: name, display: name, displayZh: name },
    assertion: 'present',
    subject: { who: 'patient' },
    sources: [],
  };
}

const ALLERGY_CLASSES: readonly DrugClassId[] = [
  'penicillin',
  'cephalosporin',
  'carbapenem',
  'sulfonamideAntibiotic',
  'nsaid',
  'aromaticAnticonvulsant',
  'statin',
  'acei',
];
const CLASS_WORDS: Partial<Record<DrugClassId, RegExp>> = {
  penicillin: /青霉素|penicillin/i,
  cephalosporin: /头孢|cephalosporin/i,
  sulfonamideAntibiotic: /磺胺|sulfa/i,
  nsaid: /非甾体|nsaid/i,
};

/** Allergens named on the front sheet, in the admission note's past history and the nursing record. */
function allergens(enc: QcEncounter): { names: string[]; srcs: ReturnType<typeof docSource>[] } {
  const names = [...(enc.homepage?.drugAllergy?.drugs ?? [])];
  const srcs = names.length ? [hpSource(enc)] : [];
  for (const d of [doc(enc, 'admission-note'), doc(enc, 'nursing-allergy')]) {
    if (!d) continue;
    const t = d.type === 'admission-note' ? section(d, '既往史') : d.text;
    for (const m of t.matchAll(
      /对([^，,。；;、\s]{1,12}?)(?:等)?(?:药物)?过敏|([^，,。；;、\s否认无]{1,12}?)过敏史?(?:阳性|\(\+\)|（\+）)/g,
    )) {
      names.push((m[1] ?? m[2])!);
      srcs.push(docSource(d));
    }
  }
  return { names, srcs };
}

const K14 = predicate((enc) => {
  const { names, srcs } = allergens(enc);
  if (names.length === 0) return [];
  const out: QcIssue[] = [];
  for (const o of enc.orders.filter((x) => x.status !== 'cancelled')) {
    const oi = ingredientsOf(pseudoFact(o.text));
    if (oi.size === 0) continue;
    const oc = ALLERGY_CLASSES.filter((c) => (DRUG_CLASSES[c]?.members ?? []).some((m: IngredientId) => oi.has(m)));
    for (const a of names) {
      const ai = ingredientsOf(pseudoFact(a));
      const ac = ALLERGY_CLASSES.filter(
        (c) => (DRUG_CLASSES[c]?.members ?? []).some((m: IngredientId) => ai.has(m)) || CLASS_WORDS[c]?.test(a),
      );
      const src = [refSource(o.ref, 'MedicationRequest', o.id), ...srcs];
      const same = [...oi].find((x) => ai.has(x));
      if (same)
        out.push(
          issue(
            `"${o.text}" contains the documented allergen ${INGREDIENTS[same]?.zh[0] ?? same} (${a})`,
            `医嘱“${o.text}”含已记录过敏药物（${a}）`,
            src,
            { key: `${o.id}-${a}` },
          ),
        );
      else if (oc.some((c) => ac.includes(c)))
        out.push(
          issue(`"${o.text}" is in the same class as the allergen ${a}`, `医嘱“${o.text}”与过敏药物${a}同类`, src, {
            key: `${o.id}-${a}`,
          }),
        );
      else if (ac.includes('penicillin') && oc.includes('cephalosporin'))
        out.push(
          issue(
            `"${o.text}": cross-reactivity with the ${a} allergy — confirm or give a reason`,
            `医嘱“${o.text}”与${a}过敏存在交叉过敏，请确认或填写理由`,
            src,
            { severity: 'S2', key: `${o.id}-${a}` },
          ),
        );
    }
  }
  return out;
});

const K15 = predicate(
  (enc, ctx) => {
    const states: { where: string; has: boolean; src: ReturnType<typeof docSource> }[] = [];
    if (enc.homepage?.drugAllergy)
      states.push({ where: '首页', has: enc.homepage.drugAllergy.has, src: hpSource(enc) });
    for (const d of [doc(enc, 'admission-note'), doc(enc, 'nursing-allergy')]) {
      if (!d) continue;
      const t = d.type === 'admission-note' ? section(d, '既往史') : d.text;
      if (regex(ctx, 'allergyDenied').test(t)) states.push({ where: d.type, has: false, src: docSource(d) });
      else if (regex(ctx, 'allergyMentioned').test(t)) states.push({ where: d.type, has: true, src: docSource(d) });
    }
    const has = new Set(states.map((s) => s.has));
    return has.size > 1
      ? [
          issue(
            `Allergy status disagrees: ${states.map((s) => `${s.where}=${s.has ? 'yes' : 'none'}`).join(', ')}`,
            `过敏史不一致：${states.map((s) => `${s.where}${s.has ? '有' : '无'}`).join('，')}`,
            states.map((s) => s.src),
          ),
        ]
      : [];
  },
  { patterns: ['allergyDenied', 'allergyMentioned'] },
);

const K16 = predicate((enc, ctx) => {
  const t = num(ctx.params, 'threshold');
  const out: QcIssue[] = [];
  const fp = doc(enc, 'first-progress-note');
  const an = doc(enc, 'admission-note');
  const features = section(fp, '病例特点');
  const discussion = section(fp, '拟诊讨论');
  if (fp && an && features && similarity(features, section(an, '现病史')) >= t)
    out.push(
      issue(
        '病例特点 copies the admission note HPI',
        '首次病程病例特点与入院记录现病史雷同',
        [docSource(fp), docSource(an)],
        { key: 'a' },
      ),
    );
  if (fp && features && discussion && similarity(features, discussion) >= t)
    out.push(issue('拟诊讨论 repeats 病例特点', '拟诊讨论重复病例特点', [docSource(fp)], { key: 'b' }));
  const notes = docs(enc, 'progress-note');
  for (let i = 0; i < notes.length; i++)
    for (let j = i + 1; j < notes.length; j++)
      if (similarity(notes[i]!.text, notes[j]!.text) >= t)
        out.push(
          issue(
            'Two progress notes in this stay are identical',
            '同一住院期间两份病程记录雷同',
            [docSource(notes[i]!), docSource(notes[j]!)],
            { key: `c-${notes[i]!.id}-${notes[j]!.id}` },
          ),
        );
  for (const p of ctx.peerDiscussions ?? [])
    if (discussion && p.encounterId !== enc.id && similarity(discussion, p.text) >= t)
      out.push(
        issue(
          `拟诊讨论 identical to another patient's (${p.encounterId})`,
          `拟诊讨论与同病种其他患者（${p.encounterId}）雷同`,
          fp ? [docSource(fp)] : [],
          { key: `d-${p.encounterId}` },
        ),
      );
  return out;
});

const K17 = predicate((enc, ctx) => {
  const d = doc(enc, 'admission-note');
  const cc = section(d, '主诉');
  if (!d || !cc) return [];
  const out: QcIssue[] = [];
  const ccDays = durationDays(cc);
  if (ccDays === undefined)
    out.push(issue('Chief complaint gives no duration', '主诉未写明持续时间', [docSource(d)], { key: 'duration' }));
  if ([...cc.replace(/\s/g, '')].length > num(ctx.params, 'maxChars'))
    out.push(
      issue(
        `Chief complaint longer than ${ctx.params.maxChars} characters`,
        `主诉超过${ctx.params.maxChars}字`,
        [docSource(d)],
        { key: 'length' },
      ),
    );
  const hpiDays = durationDays(section(d, '现病史'));
  if (
    ccDays !== undefined &&
    hpiDays !== undefined &&
    Math.abs(ccDays - hpiDays) > num(ctx.params, 'tolerance') * Math.max(ccDays, hpiDays)
  )
    out.push(
      issue(
        `Chief complaint duration (${ccDays} d) differs from the HPI (${hpiDays} d)`,
        `主诉时间（${ccDays}天）与现病史（${hpiDays}天）不一致`,
        [docSource(d)],
        { key: 'match' },
      ),
    );
  return out;
});

const K18 = predicate((enc) => {
  const byCode = enc.homepage?.dischargeDisposition === '5';
  const record = !!doc(enc, 'death-record', 'admit-death-24h');
  const sameTime = !!enc.deathAt && !!enc.dischargeAt && minutes(enc.deathAt) === minutes(enc.dischargeAt);
  const facts = [enc.homepage ? byCode : undefined, record, enc.deathAt ? sameTime : undefined];
  const known = facts.filter((x) => x !== undefined);
  if (!enc.deathAt && !byCode && !record) return [];
  return known.every((x) => x === true) && enc.deathAt
    ? []
    : [
        issue(
          `Death information disagrees: 离院方式=5 ${byCode}, death record ${record}, discharge time = death time ${sameTime}`,
          `死亡信息不一致：离院方式为死亡${byCode ? '是' : '否'}，死亡记录${record ? '有' : '无'}，出院时间等于死亡时间${sameTime ? '是' : '否'}`,
          [encSource(enc), hpSource(enc)],
        ),
      ];
});

export const CONSISTENCY_PREDICATES: Readonly<Record<string, QcPredicate>> = {
  K01,
  K02,
  K03,
  K04,
  K05,
  K06,
  K07,
  K08,
  K09,
  K10,
  K11,
  K12,
  K13,
  K14,
  K15,
  K16,
  K17,
  K18,
};
