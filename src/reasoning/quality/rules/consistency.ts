import type { Source } from '../../../core/index.js';
import { type AllergenMention, allergyClasses, findAllergens } from '../../../knowledge/index.js';
import type { DocType, QcDiagnosis, QcDocument, QcEncounter, QcOrder } from '../model.js';
import { DOC_TYPE_ZH } from '../model.js';
import {
  absentFrom,
  doc,
  docSource,
  docs,
  encSource,
  enName,
  issue,
  listOf,
  type NamedPattern,
  namedPatterns,
  num,
  operationConsent,
  predicate,
  type QcIssue,
  type QcPredicate,
  type QcSpan,
  refSource,
  regex,
  spanOf,
  zhName,
} from '../rule.js';
import {
  type DurationAt,
  datedOnsetDays,
  diagnosisItems,
  diagnosisList,
  durationsAt,
  durationsDays,
  normalise,
  openingClockDays,
  openingDateDays,
  section,
  similarity,
  unwrapped,
  yearBefore,
} from '../text.js';
import { calendarDays, minutes, shanghaiClock, shanghaiDate } from '../time.js';

/** Consistency predicates K01–K18 (qc-rules.md §4). */

const allDiagnoses = (enc: QcEncounter): QcDiagnosis[] => [
  ...(enc.homepage?.mainDiagnosis ? [enc.homepage.mainDiagnosis] : []),
  ...(enc.homepage?.otherDiagnoses ?? []),
];
const hpSource = (enc: QcEncounter) => refSource(enc.homepage?.ref, 'Composition', `${enc.id}-homepage`);
const code = (d: QcDiagnosis) => (d.code ?? '').toUpperCase();
const inRange = (c: string, from: string, to: string) => c.slice(0, 3) >= from && c.slice(0, 3) <= to;

/**
 * K01: a diagnosis of the other sex, by its code (ICD-10 blocks of `lists.femaleOnly`, `lists.maleOnly`)
 * or by the organ or state its name names (`patterns.femaleName`, `patterns.maleName`: 子宫平滑肌瘤
 * whatever its code).
 */
const K01 = predicate(
  (enc, ctx) => {
    const sex = enc.patient.sex;
    if (sex !== 'male' && sex !== 'female') return [];
    const list =
      sex === 'male'
        ? listOf<readonly [string, string]>(ctx, 'femaleOnly')
        : listOf<readonly [string, string]>(ctx, 'maleOnly');
    const named = sex === 'male' ? regex(ctx, 'femaleName') : regex(ctx, 'maleName');
    return allDiagnoses(enc)
      .filter((d) => list.some(([a, b]) => inRange(code(d), a, b)) || named.test(d.name))
      .map((d) =>
        issue(
          `“${d.name}”${d.code ? ` (${d.code})` : ''} is a ${sex === 'male' ? 'female' : 'male'}-only diagnosis ` +
            `for a ${sex} patient: confirm or give an override reason`,
          `${d.name}${d.code ? `（${d.code}）` : ''}与患者性别不符，请确认或填写理由`,
          [hpSource(enc)],
          {
            key: d.code ?? d.name,
            fix: {
              en: `Confirm the diagnosis and the patient's sex; correct whichever is wrong`,
              zh: '核对该诊断与患者性别，更正错误的一项',
            },
          },
        ),
      );
  },
  { patterns: ['femaleName', 'maleName'], lists: ['femaleOnly', 'maleOnly'] },
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
          `“${d.name}” (${d.code}): ${why} (age ${Math.floor(age)})`,
          `${d.name}（${d.code}）与年龄（${Math.floor(age)}岁）不符`,
          [hpSource(enc)],
          { key: c },
        ),
      );
  }
  return out;
});

/**
 * A diagnosis without the qualifiers a record adds to it: a bracket (左股骨颈骨折（Garden Ⅳ型） → 左股骨颈骨折) and
 * the release's `qualifier` (a functional class written after the disease).
 */
const BRACKETED = /[（(【[][^）)】\]]*[）)】\]]/g;
/** A diagnosis item's number in brackets, （1） or (2): no qualifier. */
const ITEM_NUMBER = /^[（(]\d{1,2}[）)]$/;
const unqualified = (name: string, qualifier: RegExp): string =>
  normalise(name.replace(BRACKETED, '').replace(qualifier, ''));

/** K03: the 出院记录's 出院诊断 and the front sheet's diagnoses, the first the principal, compared unqualified. */
const K03 = predicate(
  (enc, ctx) => {
    // A functional class after the disease (patterns.diagnosisQualifier) is a qualifier too.
    const q = regex(ctx, 'diagnosisQualifier');
    const qualifier = new RegExp(q.source, `${q.flags}g`);
    // A patient who died has a 死亡记录 instead of an 出院记录: its 死亡诊断 are the diagnoses the 首页 codes
    // (BW2010 第二十二条(二十一): the 死亡记录 gives the 死亡诊断; SY2016 第九条: the 首页's 出院诊断).
    // A stay under 24 hours has its 出院诊断 in the 24小时内入出院记录 (BW2010 第二十条).
    const dr = doc(enc, 'discharge-record', 'admit-discharge-24h');
    const d = dr ?? doc(enc, 'death-record', 'admit-death-24h');
    const heading = dr ? '出院诊断' : '死亡诊断';
    const hp = enc.homepage;
    if (!d || !hp?.mainDiagnosis) return [];
    const sheet = allDiagnoses(enc).map((x) => unqualified(x.name, qualifier));
    const coded = new Set(sheet);
    // A disease and its type on one line, space-separated ("冠状动脉粥样硬化性心脏病 不稳定型心绞痛"): the sheet
    // codes the type, which the line names; the whole line counts as the part the sheet has.
    const asCoded = (item: string): string =>
      coded.has(normalise(item))
        ? normalise(item)
        : (item
            .split(/[ \t　]+/)
            .map(normalise)
            .find((p) => coded.has(p)) ?? normalise(item));
    // A 中西医结合 record's 中医诊断 beside its 西医诊断: the sheet codes the 西医 ones (patterns.tcmDiagnosis).
    const written = section(d, heading)
      .replace(regex(ctx, 'tcmDiagnosis'), '')
      .replace(new RegExp(regex(ctx, 'westernLabel').source, 'g'), '')
      .split(/\n/)
      // A qualifier leaves its closing bracket, where the next item may run on ("（很高危）3.2型糖尿病"); an item's
      // own number in brackets ("（2）") stays for diagnosisItems to split at.
      .flatMap((line) =>
        diagnosisItems(line.replace(BRACKETED, (b) => (ITEM_NUMBER.test(b) ? b : '）')).replace(qualifier, '')).map(
          asCoded,
        ),
      )
      .filter(Boolean);
    if (written.length === 0) return [];
    const out: QcIssue[] = [];
    if (written[0] !== sheet[0])
      out.push(
        issue(
          `Principal diagnosis differs: ${dr ? 'discharge' : 'death'} record "${written[0]}" vs front sheet ` +
            `"${hp.mainDiagnosis.name}"`,
          `主要诊断不一致：${dr ? '出院' : '死亡'}记录“${written[0]}”，首页“${hp.mainDiagnosis.name}”`,
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
          `诊断不一致（仅${dr ? '出院' : '死亡'}记录：${onlyA.join('、') || '无'}；仅首页：${onlyB.join('、') || '无'}）`,
          [docSource(d), hpSource(enc)],
          { key: 'set' },
        ),
      );
    return out;
  },
  { patterns: ['diagnosisQualifier', 'tcmDiagnosis', 'westernLabel'] },
);

const K04 = predicate(
  (enc, ctx) => {
    const dr = doc(enc, 'discharge-record');
    const an = doc(enc, 'admission-note');
    if (!dr || !an) return [];
    const out: QcIssue[] = [];
    const dateRe = regex(ctx, 'date');
    const date = dateRe.exec(section(dr, '入院日期'));
    const admit = dateRe.exec(section(an, '入院时间')) ?? dateRe.exec(shanghaiDate(enc.admitAt));
    // A date written without its year ("入院时间 11月10日08:50") is dated by the admission, as both notes are.
    const fmt = (m: RegExpExecArray | null) =>
      m
        ? `${m[1] ?? yearBefore(Number(m[2]), Number(m[3]), enc.admitAt)}-${m[2]!.padStart(2, '0')}-` +
          `${m[3]!.padStart(2, '0')}`
        : '';
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
    if (
      a.length &&
      b.length &&
      !a.every((x) => b.some((y) => y.includes(x) || x.includes(y) || similarity(x, y) >= 0.8))
    )
      out.push(
        issue(
          'Admission diagnosis in the discharge record differs from the admission note',
          '出院记录入院诊断与入院记录初步诊断不一致',
          [docSource(dr), docSource(an)],
          { key: 'dx' },
        ),
      );
    return out;
  },
  { patterns: ['date'] },
);

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
          `Critical value “${cv.name}” handled before it was reported`,
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
    const c = operationConsent(enc, s);
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
  d ? (section(d, ...names).split('\n')[0] ?? '').trim() : '';

/**
 * The operations a name joins (`patterns.operationJoin`), each by its names: "冠状动脉造影+支架置入术" names two, a
 * plan's "A，必要时B" names A and B; a bracketed site ("（前降支）") only qualifies one, while a bracketed Latin
 * abbreviation is another name of it ("经内镜逆行胰胆管造影（ERCP）" is the op note's "ERCP").
 */
const opParts = (name: string, join: RegExp, suffix: RegExp): string[][] =>
  name
    .replace(/[（(]([^）)]*)[）)]/g, (_, inner: string) =>
      /^\s*[A-Za-z]{2,}\s*$/.test(inner) ? `\u0001${inner.trim()}` : '',
    )
    .split(join)
    .map((p) => p.split('\u0001').map((x) => normalise(x).replace(suffix, '')))
    .map((names) => names.filter((x) => x.length >= 2))
    .filter((names) => names.length > 0);

/**
 * An abbreviation one document defines ("腹腔镜胆囊切除术（LC）") names the operation in the others too (the op note's
 * bare "LC"): each part's names with those its abbreviation has elsewhere.
 */
function withDefinitions(parts: string[][], all: readonly string[][]): string[][] {
  return parts.map((names) => [
    ...new Set([...names, ...all.filter((other) => other.some((x) => names.includes(x))).flat()]),
  ]);
}

/** One operation named two ways: alike, or one name within the other ("药物洗脱支架置入" in "经皮冠状动脉…置入"). */
const sameOp = (a: string, b: string) =>
  similarity(a, b) >= 0.85 || (Math.min(a.length, b.length) >= 4 && (a.includes(b) || b.includes(a)));

/**
 * Two names of the operation agree when alike, or when each operation of the one naming fewer is in the other
 * (`all`: every part, with its names, of the names the record gives the operation).
 */
function sameOperation(a: string, b: string, all: readonly string[][], join: RegExp, suffix: RegExp): boolean {
  if (similarity(normalise(a), normalise(b)) >= 0.85) return true;
  const parts = [opParts(a, join, suffix), opParts(b, join, suffix)]
    .map((p) => withDefinitions(p, all))
    .sort((x, y) => x.length - y.length);
  const [few, many] = parts as [string[][], string[][]];
  return few.length > 0 && few.every((p) => many.some((q) => p.some((x) => q.some((y) => sameOp(x, y)))));
}

const K08 = predicate(
  (enc, ctx) =>
    enc.surgeries.flatMap((s) => {
      const op = docs(enc, 'op-note').find((d) => (d.relatedId ?? s.id) === s.id);
      const names = [
        opName(op, '手术名称'),
        opName(
          docs(enc, 'preop-discussion').find((d) => (d.relatedId ?? s.id) === s.id),
          '拟施手术',
          '手术名称',
        ),
        opName(operationConsent(enc, s), '手术名称', '拟施手术'),
        (enc.homepage?.procedures[0]?.name ?? '').trim(),
      ].filter(Boolean);
      const join = regex(ctx, 'operationJoin');
      const suffix = regex(ctx, 'operationSuffix');
      const all = names.flatMap((n) => opParts(n, join, suffix)).filter((p) => p.length > 1);
      // Names alike but for the side ("左侧人工全髋关节置换术" and "右侧…") name two operations (K10 reads the side too).
      const sides = new Set(names.map((n) => sideOf(n, namedPatterns(ctx, 'sides'))));
      const same =
        !(sides.has('left') && sides.has('right')) &&
        names.every((n) => sameOperation(n, names[0]!, all, join, suffix));
      if (same || (op && regex(ctx, 'procedureChanged').test(op.text))) return [];
      return [
        issue(
          `Operation name differs across operative note, pre-op discussion, consent and front sheet (${names.join(' / ')})`,
          `手术名称在手术记录、术前讨论、同意书、首页间不一致（${names.join(' / ')}）`,
          op ? [docSource(op)] : [encSource(enc)],
          { key: s.id },
        ),
      ];
    }),
  { patterns: ['procedureChanged', 'operationJoin', 'operationSuffix', 'sides'] },
);

/**
 * K09: an operative diagnosis the discharge diagnosis refines. The part before a bracket is the diagnosis, the
 * bracket its qualifier (frozen section, side, stage: "卵巢畸胎瘤（冰冻：成熟性囊性畸胎瘤）"). The discharge
 * diagnosis names the bracket's finding, its label dropped ("结节（快速病理：乳头状癌）" → "…乳头状癌"), or adds
 * words to the diagnosis, keeping their order and its head, the last characters of a Chinese diagnosis
 * ("卵巢畸胎瘤" → "卵巢成熟性囊性畸胎瘤", "肺腺癌" → "右肺上叶腺癌"). BW2010 第二十二条(十八) writes the
 * 术中诊断 as the surgeon sees it; the 出院诊断 gives the final one.
 */
function refinedBy(item: string, discharge: string): boolean {
  for (const m of item.matchAll(/[（(]([^）)]*)[）)]/g)) {
    const finding = normalise(m[1]!.replace(/^[^：:]*[：:]/, ''));
    if (finding.length >= 3 && discharge.includes(finding)) return true;
  }
  const head = normalise(item.replace(/[（(][^）)]*[）)]/g, ''));
  if (head.length < 4 || !discharge.endsWith(head.slice(-2))) return false;
  let at = 0;
  for (const ch of discharge) if (ch === head[at]) at++;
  return at === head.length;
}

/**
 * The diagnosis an op note gives after the operation. "术中诊断：同术前" (`patterns.sameAsPreop`) says the surgeon
 * found what was diagnosed before: the 术前诊断 of the op note, else of the operation's 术前小结 or 术前讨论.
 */
function postopDiagnosis(enc: QcEncounter, op: QcDocument, sameAsPreop: RegExp): string {
  const post = section(op, '术后诊断', '术中诊断');
  if (!sameAsPreop.test(normalise(post))) return post;
  const linked = docs(enc, 'preop-summary', 'preop-discussion').filter(
    (d) => !d.relatedId || !op.relatedId || d.relatedId === op.relatedId,
  );
  return [op, ...linked].map((d) => section(d, '术前诊断')).find(Boolean) ?? '';
}

const K09 = predicate(
  (enc, ctx) => {
    const dr = doc(enc, 'discharge-record');
    const discharge = [...diagnosisList(section(dr, '出院诊断')), ...allDiagnoses(enc).map((d) => normalise(d.name))];
    if (discharge.length === 0) return [];
    const sameAsPreop = regex(ctx, 'sameAsPreop');
    const intact = regex(ctx, 'intactFinding');
    return docs(enc, 'op-note').flatMap((op) =>
      diagnosisItems(postopDiagnosis(enc, op, sameAsPreop))
        .filter((item) => !intact.test(item.trim()))
        .filter((item) => {
          const x = normalise(item);
          return (
            x && !discharge.some((y) => y.includes(x) || x.includes(y) || similarity(x, y) >= 0.8 || refinedBy(item, y))
          );
        })
        .map(normalise)
        .map((x) =>
          issue(
            `Post-op diagnosis "${x}" not among the discharge diagnoses: confirm`,
            `术后诊断“${x}”未见于出院诊断，请确认`,
            [docSource(op)],
            { key: `${op.id}-${x}` },
          ),
        ),
    );
  },
  { patterns: ['sameAsPreop', 'intactFinding'] },
);

/** K10: the side a text names (`patterns.sides`: bilateral, left, right); both left and right name none. */
function sideOf(text: string, sides: readonly NamedPattern[]): 'left' | 'right' | 'bilateral' | undefined {
  const has = (name: string) => !!sides.find((p) => p.name === name)?.pattern.test(text);
  if (has('bilateral')) return 'bilateral';
  const l = has('left');
  const r = has('right');
  return l && !r ? 'left' : r && !l ? 'right' : undefined;
}

const K10 = predicate(
  (enc, ctx) =>
    enc.surgeries.flatMap((s) => {
      const sidePatterns = namedPatterns(ctx, 'sides');
      const rel = (d: QcDocument) => (d.relatedId ?? s.id) === s.id;
      const seen: { where: string; side: string; src: ReturnType<typeof docSource> }[] = [];
      const add = (where: string, text: string | undefined, src: ReturnType<typeof docSource>) => {
        const side = text ? sideOf(text, sidePatterns) : undefined;
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
              `Left/right mismatch for “${s.name}”: ${seen.map((x) => `${x.where}=${x.side}`).join(', ')}`,
              `${s.name}侧别不一致：${seen.map((x) => `${x.where}=${x.side}`).join('，')}`,
              seen.map((x) => x.src),
              { key: s.id },
            ),
          ]
        : [];
    }),
  { patterns: ['sides'] },
);

/**
 * K11: order category → words a note uses for its indication (`patterns.indications`), in a progress
 * note, the 出院记录 or the 入院记录's 诊疗计划 (the plan states why the orders written on admission are given; its
 * history is not read, where "无发热", "骨关节炎" would pass for an infection) within two days of the order.
 */
/** The records BW2010 第二十二条 counts as 病程记录 (the course of the stay). */
const PROGRESS_RECORDS: readonly DocType[] = [
  'first-progress-note',
  'progress-note',
  'ward-round',
  'consult-note',
  'postop-first-note',
  'preop-discussion',
  'preop-summary',
  'op-note',
  'rescue-note',
  'handover-out',
  'handover-in',
  'transfer-out',
  'transfer-in',
  'interim-summary',
  'transfusion-record',
  'admit-discharge-24h',
  'admit-death-24h',
];

/** `re` matching every occurrence (for `replace`, `matchAll`). */
const everywhere = (re: RegExp): RegExp => new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);

/**
 * A note's 鉴别诊断 with the items it sets aside read out (BW2010 第二十二条(一): the differential of the 拟诊讨论 names
 * what the patient may have instead; an item ruled out, "急性胆囊炎：Murphy征阴性，本例不符", is no diagnosis). `list`
 * (K11's `differentialList`) finds the list, to the end of its line or over the numbered lines under its heading;
 * `setAside` (K11's `setAside`) is a verdict against an item.
 */
export function withoutSetAside(text: string, list: RegExp, setAside: RegExp): string {
  return text.replace(everywhere(list), (all, line: string, below: string) => {
    const items = line.trim() ? line : below;
    const kept = items
      .split(/(?<=[；;。\n])|(?=(?:^|\s)[①-⑩])|(?=(?<![\d.])\d{1,2}[.、．](?!\d))/)
      .filter((item) => !setAside.test(item))
      .join('');
    return all.replace(items, kept);
  });
}

/** The drug an order names: its text up to the first dose, space or bracket ("华法林钠片 3mg 口服" → 华法林钠片). */
const drugName = (text: string): string => text.trim().split(/[\s\d（(]/)[0] ?? '';

/** A text's sentences, a print line's wrap read past. */
const sentencesOf = (text: string): string[] => text.replace(/\r?\n/g, '').split(/[。；;]/);

const K11 = predicate(
  (enc, ctx) => {
    const indications = new Map(namedPatterns(ctx, 'indications').map((p) => [p.name, p.pattern]));
    // The 病程记录 of BW2010 第二十二条 (all its kinds: 术前小结, 手术记录, 输血记录 and the rest), and the
    // admission note's plan: an indication written in any of them is documented.
    // The 出院记录 too (BW2010 第二十四条: its 诊疗经过 and 出院医嘱 say what each drug was for), read for an
    // order of the last two days of the stay, such as a discharge prescription ("继续口服左氧氟沙星抗感染").
    const notes = docs(enc, 'admission-note', 'discharge-record', ...PROGRESS_RECORDS);
    // An order that states its own purpose ("肝素钠 封管", "术前预防用"): documented where it is written.
    const stated = regex(ctx, 'statedInOrder');
    // A clause that denies the treatment ("Ⅰ类切口，术前不预防性使用抗菌药物") states no indication.
    const denied = everywhere(regex(ctx, 'indicationDenied'));
    // A condition the note rules out (a differential set aside, a negative culture, "否认…") is no indication;
    // nor, for an antibiotic, is a viral infection (《抗菌药物临床应用指导原则（2015年版）》 基本原则一).
    const ruledOut = everywhere(regex(ctx, 'indicationRuledOut'));
    const viral = everywhere(regex(ctx, 'notBacterial'));
    // Nor a chronic inflammation treated by other means, or the blood-borne infection screen (patterns.notInfection).
    const notInfection = everywhere(regex(ctx, 'notInfection'));
    const list = regex(ctx, 'differentialList');
    const setAside = regex(ctx, 'setAside');
    const texts = new Map<QcDocument, { any: string; antibiotic: string }>();
    const read = (d: QcDocument, category: string) => {
      let t = texts.get(d);
      if (!t) {
        // A note is read as written before a print template wrapped it (a differential item and its verdict on
        // two lines are one item), as `section` reads the plan.
        const raw = d.type === 'admission-note' ? section(d, '诊疗计划') : unwrapped(d.text);
        const any = withoutSetAside(raw.replace(denied, ''), list, setAside).replace(ruledOut, '');
        t = { any, antibiotic: any.replace(viral, '').replace(notInfection, '') };
        texts.set(d, t);
      }
      return category === 'antibiotic' ? t.antibiotic : t.any;
    };
    const documented = (o: QcOrder) =>
      notes.some(
        (d) =>
          indications.get(o.category!)!.test(read(d, o.category!)) &&
          (!o.orderedAt ||
            !(d.recordedAt ?? d.completedAt) ||
            Math.abs(minutes((d.recordedAt ?? d.completedAt)!) - minutes(o.orderedAt)) <= 2 * 1440),
      );
    const candidates = enc.orders.filter(
      (o) => o.category && indications.has(o.category) && o.status !== 'cancelled' && !stated.test(o.text),
    );
    // A new order of a drug already given for a documented indication (a dose change, "华法林 2.5mg" → "3mg"
    // after the INR) continues that treatment: its indication is the earlier order's (BW2010 第二十二条(二)
    // asks the progress note to say why orders change, which the dose note does, not to restate the disease).
    const given = candidates.filter(documented);
    const continues = (o: QcOrder) =>
      given.some(
        (g) =>
          g !== o &&
          g.category === o.category &&
          drugName(g.text) !== '' &&
          drugName(g.text) === drugName(o.text) &&
          (!g.orderedAt || !o.orderedAt || minutes(g.orderedAt) <= minutes(o.orderedAt)),
      );
    return candidates
      .filter((o) => !documented(o) && !continues(o))
      .map((o) =>
        issue(
          `${o.category} order "${o.text}" has no progress note documenting its indication`,
          `医嘱“${o.text}”无病程记录说明用药指征`,
          [refSource(o.ref, 'MedicationRequest', o.id)],
          { key: o.id, ...absentFrom(refSource(o.ref, 'MedicationRequest', o.id), '病程记录中的用药指征') },
        ),
      );
  },
  {
    patterns: [
      'indications',
      'statedInOrder',
      'indicationDenied',
      'indicationRuledOut',
      'notBacterial',
      'notInfection',
      'differentialList',
      'setAside',
    ],
  },
);

/**
 * K12: diagnosis pattern → what supports it (`patterns.diagnosisEvidence`): an order of a category or
 * whose text names a treatment (`orderText`), a result by name, or a result written in the record's
 * text (`text`: "空腹血糖 11.2mmol/L", "胸部CT示右下肺斑片影") as hospitals record outside results.
 */
const K12 = predicate(
  (enc, ctx) => {
    const table = namedPatterns(ctx, 'diagnosisEvidence') as readonly {
      name: string;
      pattern: RegExp;
      orders?: readonly string[];
      orderText?: RegExp;
      results?: RegExp;
      text?: RegExp;
    }[];
    return allDiagnoses(enc).flatMap((d) => {
      const rule = table.find((r) => r.pattern.test(d.name));
      if (!rule) return [];
      const ok =
        enc.orders.some(
          (o) =>
            o.status !== 'cancelled' &&
            (rule.orders?.includes(o.category ?? '') || (rule.orderText?.test(o.text) ?? false)),
        ) ||
        enc.results.some((r) => rule.results?.test(r.name)) ||
        enc.documents.some((doc) => rule.text?.test(doc.text) ?? false);
      return ok
        ? []
        : [
            issue(
              `“${d.name}”: no supporting evidence (${enName(rule)}) in the chart`,
              `${d.name}：病历中无诊断依据（${zhName(rule)}）`,
              [hpSource(enc)],
              {
                key: d.name,
                fix: {
                  en: `Record the evidence for “${d.name}” (${enName(rule)}), or revise the diagnosis`,
                  zh: `补记${d.name}的诊断依据（${zhName(rule)}），或修正诊断`,
                },
              },
            ),
          ];
    });
  },
  { patterns: ['diagnosisEvidence'] },
);

const K13 = predicate(
  (enc, ctx) =>
    enc.orders
      .filter((o) => o.category === 'antibiotic' && o.status !== 'cancelled')
      .flatMap((o) => {
        const src = [refSource(o.ref, 'MedicationRequest', o.id)];
        // A tier written in the order's text labels it as well as the field does.
        const tier = o.antibioticTier ?? tierInText(regex(ctx, 'antibioticTierText'), o.text);
        // A tier the source does not carry (FHIR has no element for it) is unknown: nothing to judge.
        if (!tier && o.unknown?.includes('antibioticTier')) return [];
        if (!tier)
          return [
            issue(
              `Antibiotic order "${o.text}" carries no tier (非限制/限制/特殊使用)`,
              `抗菌药医嘱“${o.text}”未标注分级`,
              src,
              { key: `${o.id}-tier` },
            ),
          ];
        if (tier !== 'special') return [];
        // A dose without a time cannot be shown to follow an approval.
        const first = o.firstDoseAt ?? o.orderedAt ?? '';
        // The drug as notes name it, without its preparation (`patterns.drugPreparation`).
        const drug = drugName(o.text).replace(everywhere(regex(ctx, 'drugPreparation')), '');
        const timeOf = (d: QcDocument) => d.completedAt ?? d.recordedAt;
        // The approval: the 审批单, an antibiotic consultation (HX2018 十六-3), or a note of the course that records
        // the consultation's or the approval's consent (`patterns.antibioticApproved`: "经感染科会诊同意", "审批通过",
        // "抗菌药物管理小组批准") in a sentence about this drug or the special-use tier; a request ("申请会诊审批") is none.
        const approvedIn = (d: QcDocument) =>
          d.type === 'antibiotic-approval' ||
          (d.type === 'consult-note' && regex(ctx, 'antibioticConsult').test(d.text)) ||
          sentencesOf(d.text).some(
            (sentence) =>
              regex(ctx, 'antibioticApproved').test(sentence) &&
              ((drug !== '' && sentence.includes(drug)) || regex(ctx, 'antibioticTierWord').test(sentence)),
          );
        // Given first in an emergency (越级), the approval may follow within the allowed hours (抗菌药物临床应用管理办法
        // 第二十八条: 越级使用 records its indication, 24小时内补办手续) when a note of the course states the emergency for
        // this dose: one that gives its time ("04:20因病情危急越级首剂使用"), or, giving none, one written after the dose
        // within those hours that names the drug ("予美罗培南…因病情危急先行越级使用").
        const late = num(ctx.params, 'emergencyApprovalHours') * 60;
        const emergency = regex(ctx, 'antibioticEmergency');
        const clock = first ? shanghaiClock(first) : '';
        const statesEmergency = (d: QcDocument) => {
          const at = timeOf(d);
          return sentencesOf(d.text)
            .filter((sentence) => emergency.test(sentence))
            .some((sentence) =>
              /\d{1,2}[:：]\d{2}/.test(sentence)
                ? sentence.normalize('NFKC').includes(clock)
                : !!at &&
                  minutes(at) >= minutes(first) &&
                  minutes(at) <= minutes(first) + late &&
                  (drug === '' || d.text.includes(drug)),
            );
        };
        const emergencyStated = enc.documents.some(statesEmergency);
        const approved =
          !!first &&
          enc.documents.some((d) => {
            const at = timeOf(d);
            return (
              !!at &&
              (minutes(at) <= minutes(first) || (emergencyStated && minutes(at) <= minutes(first) + late)) &&
              approvedIn(d)
            );
          });
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
  {
    patterns: [
      'antibioticConsult',
      'antibioticTierText',
      'antibioticEmergency',
      'antibioticApproved',
      'antibioticTierWord',
      'drugPreparation',
    ],
  },
);

const TIER_WORDS: Readonly<Record<string, NonNullable<QcOrder['antibioticTier']>>> = {
  非限制: 'unrestricted',
  限制: 'restricted',
  特殊: 'special',
};

/** The tier an order's own text states (`（非限制使用级）`; `pattern`'s group 1 is its word), if any. */
function tierInText(pattern: RegExp, text: string): QcOrder['antibioticTier'] {
  const m = pattern.exec(text);
  return m ? TIER_WORDS[m[1]!] : undefined;
}

/**
 * K14: the allergens the record names (front sheet; the admission note's past history and the
 * nursing allergy record, clause by clause: a clause with `patterns.allergyClause` and without
 * `patterns.allergyDenied`), read with the knowledge release's allergy classes
 * (knowledge/data/cds/allergy-classes.json: drugs, classes, cross-reactivity).
 */
function allergens(
  enc: QcEncounter,
  clauseRe: RegExp,
  deniedRe: RegExp,
): { mentions: AllergenMention[]; srcs: Source[] } {
  const data = allergyClasses();
  const mentions = (enc.homepage?.drugAllergy?.drugs ?? []).flatMap((a) => findAllergens(a, data));
  const srcs: Source[] = mentions.length ? [hpSource(enc)] : [];
  for (const d of [doc(enc, 'admission-note'), doc(enc, 'nursing-allergy')]) {
    if (!d) continue;
    const t = tickedOnly(d.type === 'admission-note' ? section(d, '既往史') : d.text);
    for (const clause of t.split(/[。；;\n]/)) {
      if (!clauseRe.test(clause) || deniedRe.test(clause)) continue;
      const found = findAllergens(clause, data);
      if (found.length === 0) continue;
      mentions.push(...found);
      srcs.push(docSource(d));
    }
  }
  return { mentions, srcs };
}

const K14 = predicate(
  (enc, ctx) => {
    const { mentions, srcs } = allergens(enc, regex(ctx, 'allergyClause'), regex(ctx, 'allergyDenied'));
    if (mentions.length === 0) return [];
    const data = allergyClasses();
    const cross = (a: AllergenMention, o: AllergenMention) =>
      data.crossReactivity.some(
        (x) =>
          (a.classes.includes(x.from) || a.drugs.includes(x.from)) &&
          (o.classes.includes(x.to) || o.drugs.includes(x.to)),
      );
    const out: QcIssue[] = [];
    for (const o of enc.orders.filter((x) => x.status !== 'cancelled')) {
      const ordered = findAllergens(o.text, data);
      if (ordered.length === 0) continue;
      const src = [refSource(o.ref, 'MedicationRequest', o.id), ...srcs];
      for (const a of mentions) {
        const key = `${o.id}-${a.text}`;
        if (out.some((i) => i.key === key)) continue;
        const same = ordered.find((m) => !a.isClass && m.drugs.some((x) => a.drugs.includes(x)));
        if (same)
          out.push(
            issue(
              `"${o.text}" contains the documented allergen “${same.text}” (“${a.text}”)`,
              `医嘱“${o.text}”含已记录过敏药物（${a.text}）`,
              src,
              { key },
            ),
          );
        else if (ordered.some((m) => m.classes.some((c) => a.classes.includes(c))))
          out.push(
            issue(
              `"${o.text}" is in the same class as the allergen ${a.text}`,
              `医嘱“${o.text}”与过敏药物${a.text}同类`,
              src,
              {
                key,
              },
            ),
          );
        else if (ordered.some((m) => cross(a, m)))
          out.push(
            issue(
              `"${o.text}": cross-reactivity with the ${a.text} allergy — confirm or give a reason`,
              `医嘱“${o.text}”与${a.text}过敏存在交叉过敏，请确认或填写理由`,
              src,
              { severity: 'S2', key },
            ),
          );
      }
    }
    return out;
  },
  { patterns: ['allergyClause', 'allergyDenied'] },
);

/**
 * A form's check boxes as what they say: an option not ticked ("□有") is left out, a ticked one ("☑无", "■有（青霉素）")
 * is its word. "药物过敏史：□有 ☑无" says 无.
 */
const tickedOnly = (text: string): string =>
  text.replace(/[□☐○◯]\s*[^\s□☐○◯☑☒■√✓✔●]*/g, '').replace(/[☑☒■√✓✔●]\s*/g, '');

/** The patterns K15 reads a drug-allergy statement with (its rule's data). */
interface AllergyWords {
  readonly denied: RegExp;
  readonly mentioned: RegExp;
  readonly unknown: RegExp;
  readonly otherKind: RegExp;
  /** A clause that only names the history, as a form's title or an empty label ("护理入院评估（过敏史）"). */
  readonly title: RegExp;
  /** A label with nothing after it ("7）过敏"): the value spaced after it is its statement. */
  readonly label: RegExp;
}

/**
 * A text's drug-allergy status, read clause by clause (，。；, line breaks, fields spaced apart): a clause that names an
 * allergy and denies it says none, one that names it otherwise (青霉素过敏, 青霉素皮试阳性) says has;
 * clauses about another kind of allergy (`nonDrugAllergy`: 否认食物过敏), an allergic disease (过敏性鼻炎,
 * not an allergy statement) or an unknown status (`allergyUnknown`: 过敏史不详) say nothing. Any "has"
 * wins: "否认食物过敏，青霉素过敏" is a penicillin allergy.
 */
function drugAllergyStatus(text: string, w: AllergyWords): { has: boolean; clause: string } | undefined {
  let none: string | undefined;
  // Form fields on one line ("药物过敏：青霉素　食物过敏：无", "药物过敏史=无 | 食物过敏史=无", "║ 药物：无 ║") are clauses
  // too, cells of a table ruled with any line style.
  const clauses = tickedOnly(text).split(/[，,。；;\n|｜│┃║]|[ 　]{2,}|　|\s(?=[^\s:：=＝]{1,8}[:：=＝])/);
  for (const [i, part] of clauses.entries()) {
    // A bare label ("7）过敏", "过敏史" in a table cell) takes the value spaced after it when that is no field of its own.
    const next = clauses[i + 1]?.trim();
    const clause =
      w.label.test(part) && next && !w.mentioned.test(next) && !/[:：=＝]/.test(next)
        ? `${part.replace(/[:：\s]+$/, '')}：${next}`
        : part;
    if (!w.mentioned.test(clause) || w.unknown.test(clause) || w.otherKind.test(clause) || w.title.test(clause))
      continue;
    if (w.denied.test(clause)) none ??= clause.trim();
    else return { has: true, clause: clause.trim() };
  }
  return none === undefined ? undefined : { has: false, clause: none };
}

/** Where a document states its allergies: the admission note's 既往史 and its 过敏史 lines; the whole of the others. */
function allergyText(d: QcDocument, line: RegExp): string {
  if (d.type !== 'admission-note') return d.text;
  const all = new RegExp(line.source, line.flags.includes('g') ? line.flags : `${line.flags}g`);
  return [section(d, '既往史'), ...[...d.text.matchAll(all)].map((m) => m[0])].join('\n');
}

const K15 = predicate(
  (enc, ctx) => {
    const states: { where: string; zh: string; has: boolean; src: Source; span?: QcSpan }[] = [];
    if (enc.homepage?.drugAllergy)
      states.push({ where: 'front sheet', zh: '首页', has: enc.homepage.drugAllergy.has, src: hpSource(enc) });
    const words: AllergyWords = {
      denied: regex(ctx, 'allergyDenied'),
      mentioned: regex(ctx, 'allergyMentioned'),
      unknown: regex(ctx, 'allergyUnknown'),
      otherKind: regex(ctx, 'nonDrugAllergy'),
      title: regex(ctx, 'allergyTitle'),
      label: regex(ctx, 'allergyLabel'),
    };
    const line = regex(ctx, 'allergyLine');
    for (const d of [doc(enc, 'admission-note'), doc(enc, 'nursing-allergy')]) {
      if (!d) continue;
      const status = drugAllergyStatus(allergyText(d, line), words);
      if (!status) continue;
      const span = spanOf(d, status.clause);
      states.push({
        where: d.type,
        zh: DOC_TYPE_ZH[d.type],
        src: docSource(d),
        has: status.has,
        ...(span ? { span } : {}),
      });
    }
    const has = new Set(states.map((s) => s.has));
    // The span: the document's clause that disagrees with the first statement.
    const span = states.find((s) => s.has !== states[0]?.has && s.span)?.span ?? states.find((s) => s.span)?.span;
    return has.size > 1
      ? [
          issue(
            `Allergy status disagrees: ${states.map((s) => `${s.where}=${s.has ? 'yes' : 'none'}`).join(', ')}`,
            `过敏史不一致：${states.map((s) => `${s.zh}${s.has ? '有' : '无'}`).join('，')}`,
            states.map((s) => s.src),
            span ? { span } : {},
          ),
        ]
      : [];
  },
  {
    patterns: [
      'allergyDenied',
      'allergyMentioned',
      'allergyUnknown',
      'nonDrugAllergy',
      'allergyLine',
      'allergyTitle',
      'allergyLabel',
    ],
  },
);

/**
 * A note for comparing two: without its first line when that line holds its date and time (a title a copy keeps or
 * changes), and without the dates and times elsewhere (`patterns.noteTime`: its own date line, its signature).
 */
const noteBody = (text: string, time: RegExp): string => {
  const nl = text.indexOf('\n');
  return (nl > 0 && /\d/.test(text.slice(0, nl)) ? text.slice(nl + 1) : text).replace(time, '');
};
/** An HPI long enough that finding it whole elsewhere is a copy, not a shared phrase (normalised characters). */
const MIN_COPIED = 40;

/**
 * K16 (ZB2021 指标二十五 不合理复制): (a) the 首次病程记录 holds the 入院记录's 现病史 (its 病例特点
 * as similar as the threshold, or the whole HPI inside the note, wherever its heading went); (b) the
 * 拟诊讨论 repeats the 病例特点; (c) two 病程记录 alike once their date lines are set aside; (d) a peer's
 * 拟诊讨论.
 */
const K16 = predicate(
  (enc, ctx) => {
    const t = num(ctx.params, 'threshold');
    const out: QcIssue[] = [];
    const fp = doc(enc, 'first-progress-note');
    const an = doc(enc, 'admission-note');
    const features = section(fp, '病例特点');
    const discussion = section(fp, '拟诊讨论');
    const hpi = normalise(section(an, '现病史'));
    const copiedWhole = !!fp && hpi.length >= MIN_COPIED && normalise(fp.text).includes(hpi);
    if (fp && an && (copiedWhole || (features && similarity(features, section(an, '现病史')) >= t)))
      out.push(
        issue(
          'The case features (病例特点) of the first progress note copy the admission note HPI',
          '首次病程病例特点与入院记录现病史雷同',
          [docSource(fp), docSource(an)],
          {
            key: 'a',
            fix: {
              en: 'Summarise the case features in the first progress note instead of copying the HPI',
              zh: '首次病程记录病例特点应归纳提炼，不得照搬现病史',
            },
          },
        ),
      );
    if (fp && features && discussion && similarity(features, discussion) >= t)
      out.push(
        issue(
          'The diagnostic discussion (拟诊讨论) repeats the case features (病例特点)',
          '拟诊讨论重复病例特点',
          [docSource(fp)],
          { key: 'b' },
        ),
      );
    const notes = docs(enc, 'progress-note');
    const time = new RegExp(regex(ctx, 'noteTime').source, 'g');
    for (let i = 0; i < notes.length; i++)
      for (let j = i + 1; j < notes.length; j++)
        if (similarity(noteBody(notes[i]!.text, time), noteBody(notes[j]!.text, time)) >= t)
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
            `The diagnostic discussion (拟诊讨论) is identical to another patient's (${p.encounterId})`,
            `拟诊讨论与同病种其他患者（${p.encounterId}）雷同`,
            fp ? [docSource(fp)] : [],
            { key: `d-${p.encounterId}` },
          ),
        );
    return out;
  },
  { patterns: ['noteTime'] },
);

/** K17's `symptomWords`: how a 主诉 item is cut into symptoms, and how a mention of one is read in the 现病史. */
type SymptomReading = Readonly<Record<'count' | 'split' | 'course' | 'notSymptom' | 'denied' | 'continues', RegExp>>;

/**
 * The symptoms of a 主诉 item ("，恶心、呕吐伴乏力" → 恶心, 呕吐, 乏力; "呕血1次伴头晕" → 呕血, 头晕): its words between
 * the list marks, counts ("1次") and course words (反复; 加重 alone) left out.
 */
function symptomWords(item: string, r: SymptomReading): string[] {
  return item
    .replace(everywhere(r.count), '')
    .split(r.split)
    .map((w) => w.replace(r.course, ''))
    .filter((w) => [...w].length >= 2 && !/\d/.test(w) && !r.notSymptom.test(w));
}

/**
 * The onset times the 现病史 gives a symptom: for each mention not denied ("无恶心"), an onset time before it in its
 * clause ("1周前出现双下肢水肿"), or in the clause it continues ("4小时前…呕吐暗红色血液1次，…，伴头晕").
 */
function timesOf(hpi: string, word: string, onsetAt: readonly DurationAt[], r: SymptomReading): number[] {
  const out: number[] = [];
  for (let i = hpi.indexOf(word); i >= 0; i = hpi.indexOf(word, i + 1)) {
    const sentence = Math.max(hpi.lastIndexOf('。', i), hpi.lastIndexOf('；', i), hpi.lastIndexOf(';', i)) + 1;
    const clause = Math.max(sentence, hpi.lastIndexOf('，', i) + 1, hpi.lastIndexOf(',', i) + 1);
    if (r.denied.test(hpi.slice(clause, i))) continue;
    const from = r.continues.test(hpi.slice(clause, i)) ? sentence : clause;
    const t = onsetAt.filter((x) => x.start >= from && x.end <= i).pop();
    if (t) out.push(t.days);
  }
  return out;
}

/**
 * Days before admission of the events an obstetric 现病史 dates by gestational age, against the 主诉's present
 * gestational age (its first): "停经38+5周" and "孕24+5周" give 98 days. `ga` groups the weeks and the days.
 */
function gestationalOnsets(cc: string, hpi: string, ga: RegExp): number[] {
  const days = (m: RegExpMatchArray) => Number(m[1]) * 7 + Number(m[2] ?? 0);
  const now = ga.exec(cc);
  if (!now) return [];
  return [...hpi.matchAll(everywhere(ga))].map((m) => days(now) - days(m)).filter((d) => d > 0);
}

/**
 * The onsets a text tells by a date with an onset word after it in its clause ("2026年7月出现", "2026年9月21日起"), as
 * durations before `at` (the admission) where each date stands: K17's `onsetDate` read from each date on.
 */
function datedOnsetsAt(
  text: string,
  at: string,
  date: RegExp,
  parts: readonly { readonly part: string; readonly day: number }[],
  onsetWord: RegExp,
): DurationAt[] {
  const out: DurationAt[] = [];
  for (const m of text.matchAll(everywhere(date))) {
    const end = m.index + m[0].length;
    if (!onsetWord.test(text.slice(end, end + 16))) continue;
    const days = openingDateDays(text.slice(m.index), at, 1, date, parts);
    if (days !== undefined) out.push({ days, start: m.index, end });
  }
  return out;
}

const K17 = predicate(
  (enc, ctx) => {
    const d = doc(enc, 'admission-note');
    const cc = section(d, '主诉');
    if (!d || !cc) return [];
    const out: QcIssue[] = [];
    const all = (t: string) =>
      durationsDays(t, regex(ctx, 'duration'), listOf<{ unit: string; days: number }>(ctx, 'durationUnits'));
    const ccAll = all(cc);
    if (ccAll.length === 0)
      out.push(issue('Chief complaint gives no duration', '主诉未写明持续时间', [docSource(d)], { key: 'duration' }));
    // Characters (字) as a QC officer counts them (`patterns.countedChars`): Chinese characters, a Latin abbreviation
    // as one; punctuation, spaces and the digits of a time (腰痛3年: 3 字) are not counted. A clause that states the
    // purpose of a planned admission (`patterns.admissionPurpose`: "拟行第5次化疗", "入院手术") is the reason for
    // admission teaching guidance lets a 主诉 without symptoms add ("发现胆囊结石1周，入院手术"), not the complaint.
    const counted = everywhere(regex(ctx, 'countedChars'));
    const purpose = regex(ctx, 'admissionPurpose');
    const complaint = cc
      .split(/[，,；;。]/)
      .filter((clause) => !purpose.test(clause.trim()))
      .join('');
    if ((complaint.match(counted)?.length ?? 0) > num(ctx.params, 'maxChars')) {
      const span = spanOf(d, cc);
      out.push(
        issue(
          `Chief complaint longer than ${ctx.params.maxChars} characters`,
          `主诉超过${ctx.params.maxChars}字`,
          [docSource(d)],
          {
            key: 'length',
            fix: {
              en: 'Shorten the chief complaint to the main symptom and its duration',
              zh: '主诉精炼为主要症状（或体征）及持续时间',
            },
            ...(span ? { span } : {}),
          },
        ),
      );
    }
    // Every time the 主诉 states ("气促5年，加重1周") is told again in the 现病史 ("5年前…1周前…").
    const hpiText = section(d, '现病史');
    const hpiAt = durationsAt(
      hpiText,
      regex(ctx, 'duration'),
      listOf<{ unit: string; days: number }>(ctx, 'durationUnits'),
    );
    const hpi = hpiAt.map((x) => x.days);
    const tol = num(ctx.params, 'tolerance');
    const close = (a: number, b: number) => Math.abs(a - b) <= tol * Math.max(a, b);
    // The 主诉's first time is the onset the 现病史 opens with, as a time or as a date; each later one is told there too.
    // The 现病史 may open with a date instead ("2026年6月中旬…出现" for the 主诉's "4月"): then that date tells the
    // 主诉's first time, and every time the 现病史 gives after it may be a later onset.
    const openingEnd = hpiAt[0]?.start ?? hpiText.length;
    const monthParts = listOf<{ part: string; day: number }>(ctx, 'monthParts');
    const dated =
      openingDateDays(hpiText, enc.admitAt, openingEnd, regex(ctx, 'onsetDate'), monthParts) ??
      openingClockDays(hpiText, enc.admitAt, openingEnd, regex(ctx, 'onsetClock'));
    const datedFirst = dated !== undefined && ccAll[0] !== undefined && close(ccAll[0], dated);
    const before = regex(ctx, 'onsetBefore');
    const after = regex(ctx, 'onsetAfter');
    const onsetWord = regex(ctx, 'onsetWord');
    const onsetAt = hpiAt.filter(
      (x) => before.test(hpiText.slice(Math.max(0, x.start - 2), x.start)) || after.test(hpiText.slice(x.end)),
    );
    // The 现病史 may open with what came before the present illness, a visit or a drug for another complaint
    // ("3周前因“三叉神经痛”就诊，口服卡马西平…5天前面部出现红斑"): no onset word follows its first time. The present
    // illness then starts at the first onset told with one ("出现", "发现"), which the 主诉's first time gives.
    // A bracketed date after the time ("2天前（2026-11-14）无明显诱因出现腹泻") and a quoted name ("因“急性上呼吸道
    // 感染”就诊") are read past, and so is a print line's wrap ("2月前\n（2026年9月初）出现").
    const startsOnset = (x: DurationAt) =>
      onsetWord.test(hpiText.slice(x.end).replace(/[（(][^）)]*[）)]|“[^”]*”|"[^"]*"|\r?\n/g, ''));
    const openingTold = datedFirst || ccAll[0] === undefined || hpi[0] === undefined || close(ccAll[0], hpi[0]);
    const ccAt = durationsAt(cc, regex(ctx, 'duration'), listOf<{ unit: string; days: number }>(ctx, 'durationUnits'));
    const reading = Object.fromEntries(
      namedPatterns(ctx, 'symptomWords').map((p) => [p.name, p.pattern]),
    ) as unknown as SymptomReading;
    // The later onsets the 现病史 tells with an onset word, by a time ("2月前…出现") or by a date ("2026年7月出现").
    const timedStarts = onsetAt.filter((x) => x !== hpiAt[0] && startsOnset(x));
    const datedStarts = datedOnsetsAt(hpiText, enc.admitAt, regex(ctx, 'onsetDate'), monthParts, onsetWord).filter(
      (x) => x.start >= openingEnd,
    );
    // A chronic illness's history may come first ("6年前出现泡沫尿，诊断…", "2型糖尿病10年"), then the present
    // episode (BW2010 第十八条(三): 现病史 tells the present illness; a related chronic disease's course before it).
    // The 主诉's first time is then a later onset: after an opening that is no onset (a state, a visit), the first one
    // told by a time or by a date; after a chronic one (`params.chronicDays` or more before admission: a course of
    // three months, common practice), one nearer admission that the present episode marks ("此次",
    // `patterns.presentEpisode`) or whose sentence names the 主诉's own symptom ("2月前…开始规律血液透析" for
    // "规律血液透析2月"). An opening onset of days or weeks starts the present illness itself.
    const firstWords = symptomWords(cc.slice(0, ccAt[0]?.start ?? 0), reading);
    const episode = regex(ctx, 'presentEpisode');
    const namesComplaint = (x: DurationAt) => {
      const rest = hpiText.slice(x.end);
      const sentence = rest.slice(0, rest.search(/[。；;]|$/));
      return firstWords.some((w) => {
        const i = sentence.indexOf(w);
        return i >= 0 && !reading.denied.test(sentence.slice(sentence.lastIndexOf('，', i) + 1, i));
      });
    };
    const present = openingTold
      ? undefined
      : ((startsOnset(hpiAt[0]!) ? [] : [timedStarts[0], datedStarts[0]]).find(
          (x) => x !== undefined && close(ccAll[0]!, x.days),
        ) ??
        [...timedStarts, ...datedStarts].find(
          (x) =>
            hpiAt[0]!.days >= num(ctx.params, 'chronicDays') &&
            x.days < hpiAt[0]!.days &&
            close(ccAll[0]!, x.days) &&
            (episode.test(hpiText.slice(Math.max(0, x.start - 6), x.start)) || namesComplaint(x)),
        ));
    const fromPresent = present !== undefined;
    const opening = datedFirst ? ccAll[0] : fromPresent ? present.days : hpi[0];
    const first = openingTold || fromPresent ? undefined : ccAll[0];
    // A later time (an exacerbation, a new symptom) is an onset the 现病史 tells after its opening one: a time
    // before admission ("3天前", "入院前3天", "近2周", "3年来"; BW2010 第十八条(三) 发病情况 with its time), not
    // how long something lasted ("每年持续3个月", "持续约1小时"), nor the opening onset again unless the 主诉 repeats
    // its first time ("乏力1月，水肿1月"). Without such later onsets, any time of the 现病史 matches.
    // The opening time told again ("近3个月来精神可"): the general condition over the whole illness, not a later
    // onset; left out, or a later 主诉 time near it (2个月 beside 3个月) would pass for told.
    const openingEndsAt = datedFirst ? -1 : fromPresent ? present.start : (hpiAt[0]?.start ?? -1);
    const laterOnsets = onsetAt
      .filter((x) => x.start > openingEndsAt)
      .map((x) => x.days)
      .filter((days) => days !== opening);
    // A later onset the 现病史 dates instead of timing it ("2026.11.04起黄染逐渐加重"): told as "1天前" would be.
    const datedOnsets = datedOnsetDays(hpiText, enc.admitAt, regex(ctx, 'onsetFullDate'), onsetWord);
    // An obstetric 现病史 times its events by the gestational age ("孕24+5周…OGTT…诊断妊娠期糖尿病"): against the
    // 主诉's present one ("停经38+5周，发现血糖升高14周") each is that long before admission.
    const gestation = gestationalOnsets(cc, hpiText, regex(ctx, 'gestationalAge'));
    const onsets = [...laterOnsets, ...datedOnsets, ...gestation];
    const pool = [...hpi, ...datedOnsets, ...gestation];
    // A later 主诉 item whose symptom the 现病史 times ("双下肢水肿1周" ↔ "1周前出现双下肢水肿"): that time tells it.
    const symptomTimes = (k: number) =>
      symptomWords(cc.slice(ccAt[k - 1]?.end ?? 0, ccAt[k]?.start ?? 0), reading).flatMap((w) =>
        timesOf(hpiText, w, onsetAt, reading),
      );
    const told = (c: number, k: number) => {
      const linked = k > 0 ? symptomTimes(k) : [];
      if (linked.length) return linked.some((h) => close(c, h));
      // A relapsing illness's 主诉 may give its present episode first and its course after ("兴奋话多、眠少10天，
      // 间断发作2年"): that later time is the first episode, which the 现病史 opens with as a date ("2024年9月").
      return onsets.length && k > 0
        ? onsets.some((h) => close(c, h)) || c === ccAll[0] || (dated !== undefined && close(c, dated))
        : (k === 0 && datedFirst) || pool.some((h) => close(c, h));
    };
    // A 现病史 that times nothing but its opening date or clock ("今日16:40左右…出现"): the 主诉's first time is that.
    const onlyDated = pool.length === 0 && dated !== undefined && !datedFirst && ccAll[0] !== undefined;
    const at = first !== undefined ? 0 : pool.length ? ccAll.findIndex((c, k) => !told(c, k)) : onlyDated ? 0 : -1;
    const unmatched = at >= 0 ? ccAll[at] : undefined;
    if (unmatched !== undefined) {
      const shown = (x: number) => Number(x.toFixed(2));
      // The time the 现病史 gives the item: its symptom's own where it has one.
      const linked = first === undefined && at > 0 ? symptomTimes(at) : [];
      const nearest =
        first !== undefined
          ? hpi[0]!
          : onlyDated
            ? dated!
            : (linked.length ? linked : onsets.length ? onsets : pool).reduce((a, b) =>
                Math.abs(b - unmatched) < Math.abs(a - unmatched) ? b : a,
              );
      out.push(
        issue(
          `Chief complaint duration (${shown(unmatched)} d) differs from the HPI (${shown(nearest)} d)`,
          `主诉时间（${shown(unmatched)}天）与现病史（${shown(nearest)}天）不一致`,
          [docSource(d)],
          { key: 'match' },
        ),
      );
    }
    return out;
  },
  {
    patterns: [
      'duration',
      'onsetBefore',
      'onsetAfter',
      'onsetDate',
      'onsetClock',
      'onsetFullDate',
      'onsetWord',
      'presentEpisode',
      'symptomWords',
      'countedChars',
      'admissionPurpose',
      'gestationalAge',
    ],
    lists: ['durationUnits', 'monthParts'],
  },
);

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
          `Death information disagrees: discharge disposition 5 (death) ${byCode}, death record ${record}, ` +
            `discharge time = death time ${sameTime}`,
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
