import type { QcSectionList } from '../../../knowledge/index.js';
import type {
  DocType,
  QcDocument,
  QcEncounter,
  QcOrder,
  QcPerson,
  QcResult,
  QcSignature,
  QcSurgery,
} from '../model.js';
import { DOC_TYPE_ZH, TITLE_RANK } from '../model.js';
import {
  absentFrom,
  absentIn,
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
  type QcContext,
  type QcIssue,
  type QcPredicate,
  type QcSeverity,
  refSource,
  regex,
  roundPhysician,
  sectionList,
  spanOf,
} from '../rule.js';
import {
  columnPairs,
  headingGroup,
  inlineHeading,
  section,
  sectionPlace,
  sectionPlaces,
  sections,
  unwrapped,
} from '../text.js';
import { hasMinutes, minutes, notBefore, within } from '../time.js';

/** `s` as a regular expression that matches it literally. */
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Completeness predicates C01–C23 (qc-rules.md §3); the sections and patterns they check are the rule's data. */

/**
 * The sections of a rule's list that the document lacks (a synonym's heading counts). `prose`: items a
 * form may write in running text instead of under their heading (`patterns.prose`: "术中见…" in the
 * 手术经过, "病史由患者本人陈述"); such an item counts where its pattern is found.
 */
function missingSections(
  d: QcDocument,
  list: QcSectionList,
  prose: readonly NamedPattern[] = [],
  skip: ReadonlySet<string> = new Set(),
): QcIssue[] {
  const s = sections(d);
  const out: QcIssue[] = [];
  const missing = list.sections.filter(
    ({ name, synonyms = [] }) =>
      !skip.has(name) &&
      ![name, ...synonyms].some((n) => (s[n] ?? '').trim().length > 0) &&
      !prose.some((p) => p.name === name && p.pattern.test(proseText(d, p))),
  );
  if (unreadable(d, list, missing)) return [unreadableForm(d, list, missing.length)];
  for (const item of missing) {
    const { name, severity, synonyms = [] } = item;
    const en = enName(item);
    out.push(
      issue(
        `${list.label.en}: the ${en} section (${name}) is missing or empty`,
        `${list.label.zh}缺少“${name}”`,
        [docSource(d)],
        {
          severity: severity as QcSeverity,
          key: name,
          fix: {
            en: `Add the ${en} section (${name}) to the ${list.label.en}`,
            zh: `在${list.label.zh}中补写“${name}”`,
          },
          // An empty heading is the place; a missing one leaves the document as a whole.
          ...absentIn(d, name, name, ...synonyms),
        },
      ),
    );
  }
  return out;
}

/**
 * A written document whose structure the section reader could not find: of the list's parts headed on their own line
 * (not the header's fields: those a sentence may give), at most a quarter read, of four or more (two of the ten of an
 * admission note, one of the six of a discharge record), in a text of some length (`UNREAD_TEXT`). A record written by
 * a person always names most of its parts; a form whose headings the reader does not know loses them all at once.
 * Then the missing items say nothing about the record, only about the reader: one finding asks for a look at the form
 * instead of a list of absences no one would find when looking (a defect that removes one section leaves the others
 * read, and is reported as missing).
 */
const UNREAD_SHARE = 0.25;
const UNREAD_TEXT = 200;
function unreadable(
  d: QcDocument,
  list: QcSectionList,
  missing: readonly QcSectionList['sections'][number][],
): boolean {
  const parts = list.sections.filter((i) => !inlineHeading(i.name));
  const read = parts.filter((i) => !missing.includes(i)).length;
  return parts.length >= 4 && read <= parts.length * UNREAD_SHARE && d.text.replace(/\s+/g, '').length >= UNREAD_TEXT;
}

function unreadableForm(d: QcDocument, list: QcSectionList, missing: number): QcIssue {
  return issue(
    `${list.label.en}: its sections could not be read (${missing} of ${list.sections.length} not found): check the form`,
    `${list.label.zh}未能按标题读出各项（${list.sections.length}项中${missing}项未识别），请人工核对书写格式`,
    [docSource(d)],
    {
      severity: 'S4',
      key: 'unreadable-form',
      fix: {
        en: `Write the ${list.label.en} under the headings of the hospital's template`,
        zh: `按本院模板的标题书写${list.label.zh}`,
      },
    },
  );
}

/**
 * Where a prose item is read: the sections it names (`within`); the document's head, up to the heading of
 * the section named by `before` (the 一般项目 run on before the 主诉); else the whole document.
 */
function proseText(d: QcDocument, p: NamedPattern): string {
  const { within, before } = p as NamedPattern & { within?: readonly string[]; before?: string };
  if (within?.length) return within.map((n) => section(d, n)).join('\n');
  const head = before ? sectionPlace(d, before)?.headingStart : undefined;
  return head === undefined ? d.text : d.text.slice(0, head);
}

/**
 * A section's text with the sections under it: from its heading to the next heading of an item of `list` (the
 * admission note's parts), so that a sub-item a form heads on its own line ("过敏史：…" under the 既往史, "一般情况：…"
 * after the 现病史) is read as the section's own; its wrapped lines joined (`unwrapped`).
 */
function withSubsections(d: QcDocument, name: string, list: QcSectionList): string {
  const place = sectionPlace(d, name);
  if (!place) return section(d, name);
  const own = new Set(headingGroup(name));
  const parts = new Set(list.sections.flatMap((i) => [i.name, ...(i.synonyms ?? [])].flatMap((n) => headingGroup(n))));
  const next = sectionPlaces(d.text).find(
    (p) => p.headingStart > place.headingStart && parts.has(p.name) && !own.has(p.name),
  );
  // Read as written before a print template wrapped it, as `section` reads a section ("喂养，\n　　吃奶").
  return unwrapped(d.text.slice(place.start, next?.headingStart ?? d.text.length));
}

/** The document a section list applies to, and the list. */
const listed = (enc: QcEncounter, ctx: QcContext, key: string, ...alsoTypes: DocType[]) => {
  const list = sectionList(ctx, key);
  return { list, d: doc(enc, list.document as DocType, ...alsoTypes) };
};

const signed = (d: QcDocument) => d.signatures.length > 0;
/** The finding's span: where `text` stands in the document. */
const spanned = (d: QcDocument, text: string) => {
  const span = spanOf(d, text);
  return span ? { span } : {};
};
const ageAt = (enc: QcEncounter, at: string) =>
  enc.patient.birthDate ? (minutes(at) - minutes(enc.patient.birthDate)) / (1440 * 365.25) : undefined;

const C01 = predicate(
  (enc, ctx) => {
    const { list, d } = listed(enc, ctx, 'required');
    if (!d) return [];
    // A child's admission note records 出生史、喂养史 where an adult's has 婚育史 and 月经史 (`params.childAge`),
    // and owes no marital status.
    const age = ageAt(enc, enc.admitAt);
    const child = age !== undefined && age < num(ctx.params, 'childAge');
    const out = missingSections(d, list, namedPatterns(ctx, 'prose'), new Set(child ? ['婚育史', '婚姻状况'] : []));
    const unread = out.some((i) => i.key === 'unreadable-form');
    if (
      !unread &&
      !child &&
      enc.patient.sex === 'female' &&
      !section(d, '月经史') &&
      !regex(ctx, 'menstrualMention').test(`${section(d, '婚育史')}\n${section(d, '个人史')}`)
    )
      out.push(
        issue(
          'Admission note: menstrual history (月经史) missing for a female patient',
          '入院记录缺月经史（女性患者）',
          [docSource(d)],
          { severity: 'S3', key: '月经史', ...absentIn(d, '月经史', '婚育史', '个人史') },
        ),
      );
    const family = section(d, '家族史');
    if (family)
      for (const p of namedPatterns(ctx, 'familyHistory').filter((x) => !x.pattern.test(family)))
        out.push(
          issue(`Family history does not mention ${enName(p)}`, `家族史未记录${p.name}`, [docSource(d)], {
            severity: 'S3',
            key: `家族史-${p.name}`,
            ...absentIn(d, p.name, '家族史'),
            fix: { en: `Record ${enName(p)} in the family history`, zh: `家族史中补记${p.name}（无则写明“否认”）` },
          }),
        );
    // A relative who died: the cause is part of their health (BW2010 第十八条(五)4; the hospital item 3.7.2
    // "家族中有死亡者，死因未描述"), read per sentence; "死因不详" states it.
    const died = regex(ctx, 'familyDeath');
    const denied = regex(ctx, 'familyDeathDenied');
    const cause = regex(ctx, 'familyDeathCause');
    const noCause = family.split(/[。；;\n]/).find((x) => died.test(x) && !denied.test(x) && !cause.test(x));
    if (noCause)
      out.push(
        issue(
          'Family history: a relative who died, with no cause of death',
          '家族史记录家族成员已故，未记录死因',
          [docSource(d)],
          {
            severity: 'S3',
            key: '家族史-死因',
            ...spanned(d, noCause.trim()),
            fix: { en: 'Record the cause of death (or that it is unknown)', zh: '补记死因（不详者写明“死因不详”）' },
          },
        ),
      );
    if (!signed(d))
      out.push(
        issue('Admission note: physician signature missing', '入院记录缺医师签名', [docSource(d)], {
          severity: 'S2',
          key: '签名',
          ...absentIn(d, '医师签名'),
        }),
      );
    return out;
  },
  {
    sections: ['required'],
    patterns: ['menstrualMention', 'familyHistory', 'familyDeath', 'familyDeathDenied', 'familyDeathCause', 'prose'],
  },
);

const C02 = predicate(
  (enc, ctx) => {
    const d = doc(enc, 'admission-note');
    if (!d) return [];
    // A food-only allergy statement ("否认食物过敏") leaves the drug-allergy history unstated: read out first.
    const food = regex(ctx, 'foodOnlyAllergy');
    const written = withSubsections(d, '既往史', sectionList(ctx, 'parts'));
    // No 既往史 at all is C01's finding (入院记录缺少“既往史”), not one absence per item.
    if (!written.trim()) return [];
    const past = written.replace(new RegExp(food.source, `${food.flags.replace('g', '')}g`), '');
    return namedPatterns(ctx, 'pastHistory')
      .filter((p) => !p.pattern.test(past))
      .map((p) =>
        issue(`Past history does not mention ${enName(p)}`, `既往史未记录${p.name}`, [docSource(d)], {
          ...(p.severity ? { severity: p.severity } : {}),
          key: p.name,
          ...absentIn(d, p.name, '既往史'),
          fix: {
            en: `Record ${enName(p)} (or its absence) in the past history`,
            zh: `既往史中补记${p.name}（无则写明“否认”）`,
          },
        }),
      );
  },
  { sections: ['parts'], patterns: ['pastHistory', 'foodOnlyAllergy'] },
);

const C03 = predicate(
  (enc, ctx) => {
    const d = doc(enc, 'admission-note');
    if (!d) return [];
    // The general condition may stand on its own labelled line right after the 现病史 ("一般情况：精神可…").
    const hpi = withSubsections(d, '现病史', sectionList(ctx, 'parts'));
    if (!hpi.trim()) return [];
    return namedPatterns(ctx, 'hpi')
      .filter((p) => !p.pattern.test(hpi))
      .map((p) =>
        issue(`HPI lacks ${enName(p)}`, `现病史缺${p.name}`, [docSource(d)], {
          key: p.name,
          fix: { en: `Add ${enName(p)} to the HPI`, zh: `现病史中补记${p.name}` },
          ...absentIn(d, p.name, '现病史'),
        }),
      );
  },
  { sections: ['parts'], patterns: ['hpi'] },
);

const C04 = predicate(
  (enc, ctx) => {
    const d = doc(enc, 'admission-note');
    const age = ageAt(enc, enc.admitAt);
    if (
      !d ||
      enc.patient.sex !== 'female' ||
      age === undefined ||
      age < num(ctx.params, 'minAge') ||
      age > num(ctx.params, 'maxAge')
    )
      return [];
    // The 月经史 may stand in the 婚育史 or the 个人史 (patterns.menstrualMention's sources).
    const t = `${section(d, '月经史')} ${section(d, '婚育史')} ${section(d, '个人史')}`;
    return namedPatterns(ctx, 'menstrual')
      .filter((p) => !p.pattern.test(t))
      .map((p) =>
        issue(`Menstrual history lacks ${enName(p)}`, `月经史缺${p.name}`, [docSource(d)], {
          key: p.name,
          fix: { en: `Add ${enName(p)} to the menstrual history`, zh: `月经史中补记${p.name}` },
          ...absentIn(d, p.name, '月经史', '婚育史', '个人史'),
        }),
      );
  },
  { patterns: ['menstrual'] },
);

const C05 = predicate(
  (enc, ctx) => {
    const d = doc(enc, 'admission-note');
    if (!d) return [];
    const written = section(d, '体格检查') || d.text;
    // Vital signs in a table (a row of their names above a row of values) are read as name–value pairs.
    const pe = `${written}\n${columnPairs(written)}`;
    return namedPatterns(ctx, 'vitals')
      .filter((p) => !p.pattern.test(pe))
      .map((p) =>
        issue(
          `Physical exam lacks ${enName(p)} with value and unit`,
          `体格检查缺${p.name}（含数值及单位）`,
          [docSource(d)],
          {
            key: p.name,
            fix: { en: `Record ${enName(p)} with its value and unit`, zh: `体格检查补记${p.name}的测量值及单位` },
            ...absentIn(d, p.name, '体格检查'),
          },
        ),
      );
  },
  { patterns: ['vitals'] },
);

const C06 = predicate(
  (enc, ctx) => {
    const d = doc(enc, 'admission-note');
    if (!d) return [];
    // The test is quoted after the date its line opens with: the same message however the date is written.
    const leadingDate = regex(ctx, 'leadingDate');
    return section(d, '辅助检查')
      .split(/[\n；;。]/)
      .filter((l) => regex(ctx, 'outside').test(l))
      .filter((l) => !(regex(ctx, 'institution').test(l) && regex(ctx, 'testNumber').test(l)))
      .map((l) => {
        const quoted = l.trim().replace(leadingDate, '').slice(0, 40);
        return issue(
          `Outside result without institution and test number: "${quoted}"`,
          `外院检查未注明机构及检查号：“${quoted}”`,
          [docSource(d)],
          {
            key: l,
            fix: { en: 'Name the outside institution and the test number', zh: '注明外院检查的医疗机构名称及检查号' },
            ...spanned(d, l.trim()),
          },
        );
      });
  },
  { patterns: ['outside', 'institution', 'testNumber', 'leadingDate'] },
);

const C07 = predicate(
  (enc, ctx) => {
    const { list, d } = listed(enc, ctx, 'required');
    if (!d) return [];
    const out = missingSections(d, list);
    const basis = section(d, '诊断依据');
    const differential = section(d, '鉴别诊断');
    const disc = `${section(d, '拟诊讨论')}\n${basis}\n${differential}`;
    // A joined heading ("诊断依据及鉴别诊断：") gives its content to both names: neither counts by its heading
    // alone, only by what the content says (a differential cut from under it leaves the heading naming one).
    const joined = basis !== '' && basis === differential;
    if (section(d, '拟诊讨论') || basis) {
      if (!regex(ctx, 'basis').test(disc) && !(basis && !joined))
        out.push(
          issue('Diagnostic discussion lacks the diagnostic basis (诊断依据)', '拟诊讨论缺诊断依据', [docSource(d)], {
            key: '诊断依据',
            ...absentIn(d, '诊断依据', '拟诊讨论'),
          }),
        );
      if (!regex(ctx, 'differential').test(disc) && !(differential && !joined))
        out.push(
          issue(
            'Diagnostic discussion lacks the differential diagnosis (鉴别诊断)',
            '拟诊讨论缺鉴别诊断',
            [docSource(d)],
            { key: '鉴别诊断', ...absentIn(d, '鉴别诊断', '拟诊讨论') },
          ),
        );
    }
    return out;
  },
  { sections: ['required'], patterns: ['basis', 'differential'] },
);

/**
 * Whether the round names its physician (BW2010 第二十二条(三) 查房医师的姓名、专业技术职务; the title is the
 * item's own pattern): the name of a physician who may have rounded (the senior who signed it, or any
 * signer of 主治医师 rank or above) written in it, with or without the brackets a name may carry
 * ("王某（虚构）"), or surname and title ("李主任查房"); when the source gives no author name, any name
 * written with a title (`patterns.namedTitle`).
 */
function roundPhysicianNamed(d: QcDocument, title: RegExp, namedTitle: RegExp): boolean {
  // Every senior who signed may be the one who rounded: a 主治医师's round that the 科主任 countersigns names the
  // 主治医师, not the countersigner (BW2010 第二十二条(三) asks for the rounding physician's name and title).
  const seniors = [d.author, ...d.signatures].filter(
    (p): p is QcPerson =>
      !!p?.name &&
      (p.role === undefined || p.role === 'physician') &&
      TITLE_RANK[p.title ?? 'intern'] >= TITLE_RANK.attending,
  );
  const names = [roundPhysician(d), ...seniors].flatMap((p) => (p?.name ? [p.name.replace(/\s+/g, '')] : []));
  if (names.length === 0) return namedTitle.test(d.text);
  return names.some((name) => nameWritten(d.text, name, title));
}

/** The physician's name in the text, with or without brackets, or the surname with the title a few characters on. */
function nameWritten(written: string, name: string, title: RegExp): boolean {
  const text = written.replace(/[ \t　]+/g, '');
  const bare = name.replace(/[（(][^）)]*[）)]/g, '').trim();
  if (text.includes(name) || (bare.length > 1 && text.includes(bare))) return true;
  // The surname (one character, or two for a compound surname such as 欧阳) with the title a few
  // characters on, in one clause: "陈主任查房", "欧阳主任", "陈医师（主治医师）".
  const chars = [...bare];
  return [1, 2]
    .filter((n) => chars.length > n)
    .some((n) =>
      new RegExp(`${escapeRe(chars.slice(0, n).join(''))}[^。；;，,\\n]{0,4}?(?:${title.source})`).test(text),
    );
}

/** C08: each item of `patterns.roundItems` in the first attending round; `authorNamed` items name the physician. */
const C08 = predicate(
  (enc, ctx) => {
    const d = docs(enc, 'ward-round').find(
      (x) => TITLE_RANK[roundPhysician(x)?.title ?? 'intern'] >= TITLE_RANK.attending,
    );
    if (!d) return [];
    const t = d.text;
    const namedTitle = regex(ctx, 'namedTitle');
    return namedPatterns(ctx, 'roundItems')
      .filter((p) => !(p.pattern.test(t) && (p.authorNamed !== true || roundPhysicianNamed(d, p.pattern, namedTitle))))
      .map((p) =>
        issue(`First attending round lacks ${enName(p)}`, `主治医师首次查房缺${p.name}`, [docSource(d)], {
          key: p.name,
          fix: { en: `Write ${enName(p)} in the first attending round`, zh: `主治医师首次查房记录中补写${p.name}` },
          ...absentIn(d, p.name),
        }),
      );
  },
  { patterns: ['roundItems', 'namedTitle'] },
);

const C09 = predicate(
  (enc, ctx) => {
    const out: QcIssue[] = [];
    const { list, d } = listed(enc, ctx, 'discharge');
    if (d) {
      out.push(...missingSections(d, list, namedPatterns(ctx, 'prose')));
      if (!signed(d))
        out.push(
          issue('Discharge record: signature missing', '出院记录缺医师签名', [docSource(d)], {
            severity: 'S2',
            key: '签名',
            ...absentIn(d, '医师签名'),
          }),
        );
    }
    const { list: list24, d: d24 } = listed(enc, ctx, 'admitDischarge24h');
    if (d24) {
      out.push(...missingSections(d24, list24).map((i) => ({ ...i, key: `24h-${i.key}` })));
      if (!signed(d24))
        out.push(
          issue(
            '24-hour admission–discharge note: signature missing',
            '24小时内入出院记录缺医师签名',
            [docSource(d24)],
            { severity: 'S2', key: '24h-签名', ...absentIn(d24, '医师签名') },
          ),
        );
    }
    return out;
  },
  { sections: ['discharge', 'admitDischarge24h'], patterns: ['prose'] },
);

const C10 = predicate(
  (enc, ctx) => {
    // A 24-hour admission–death note stands in for the death record (BW2010 第二十一条).
    const { list, d } = listed(enc, ctx, 'required', 'admit-death-24h');
    if (!d) return [];
    const out = missingSections(d, list);
    const t = section(d, '死亡时间');
    if (t && !hasMinutes(t))
      out.push(
        issue('Death record: time of death not to the minute', '死亡记录死亡时间未具体到分钟', [docSource(d)], {
          key: 'min',
        }),
      );
    return out;
  },
  { sections: ['required'] },
);

const C11 = predicate(
  (enc, ctx) =>
    docs(enc, sectionList(ctx, 'required').document as DocType).flatMap((d) => {
      const out: QcIssue[] = missingSections(d, sectionList(ctx, 'required')).map((i) => ({
        ...i,
        key: `${d.id}-${i.key}`,
      }));
      const t = section(d, '抢救时间');
      if (t && !hasMinutes(t))
        out.push(
          issue('Rescue note: rescue time not to the minute', '抢救记录抢救时间未具体到分钟', [docSource(d)], {
            key: `${d.id}-min`,
          }),
        );
      const people = d.participants ?? [];
      const written = participantsWritten(section(d, '参加抢救人员'), regex(ctx, 'participantTitle'));
      // A participant the system holds without a title (nurses, technicians) has it where the note writes it.
      const titled = (p: QcPerson) => !!p.title || written.some((x) => x.titled && x.text.includes(p.name ?? '\0'));
      const complete = people.length
        ? people.every((p) => p.name && titled(p))
        : written.length > 0 && written.every((x) => x.titled && x.named);
      if (!complete)
        out.push(
          issue(
            'Rescue note: names and titles of the participants missing',
            '抢救记录缺参加抢救人员姓名及职称',
            [docSource(d)],
            { key: `${d.id}-people` },
          ),
        );
      return out;
    }),
  { sections: ['required'], patterns: ['participantTitle'] },
);

/**
 * The participants as the note writes them (BW2010 第二十二条(八): names and professional titles), each one separated
 * by 、，；, whether it gives a title and a name ("王某（主治医师）", "主管护师李某"); commas inside brackets are the
 * item's own. They stand in for the system's list where it holds none, and give a title it lacks.
 */
function participantsWritten(
  text: string,
  title: RegExp,
): { readonly text: string; readonly titled: boolean; readonly named: boolean }[] {
  return text
    .replace(/[。.\s]+$/, '')
    .split(/[、，,；;](?![^（(]*[）)])/)
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x) => ({
      text: x,
      titled: title.test(x),
      // The name stands outside the brackets, which hold the title and the part taken ("（主治医师，主持抢救）").
      named:
        (
          x
            .replace(/[（(][^）)]*[）)]/g, '')
            .replace(new RegExp(title.source, 'g'), '')
            .match(/\p{Script=Han}/gu) ?? []
        ).length >= 2,
    }));
}

const C12 = predicate(
  (enc, ctx) => {
    const list = sectionList(ctx, 'required');
    const prose = namedPatterns(ctx, 'prose');
    return docs(enc, list.document as DocType).flatMap((d) =>
      missingSections(d, list, prose).map((i) => ({ ...i, key: `${d.id}-${i.key}` })),
    );
  },
  { sections: ['required'], patterns: ['prose'] },
);

const C13 = predicate((enc) =>
  enc.surgeries
    .filter((s) => s.urgency !== 'emergency-lifesaving')
    .flatMap((s) => {
      const out: QcIssue[] = [];
      const at = (d: QcDocument) => d.recordedAt ?? d.completedAt;
      const disc = docs(enc, 'preop-discussion').find(
        (d) => (d.relatedId ?? s.id) === s.id && at(d) && minutes(at(d)!) < minutes(s.startAt),
      );
      const sum = docs(enc, 'preop-summary').find(
        (d) => (d.relatedId ?? s.id) === s.id && at(d) && minutes(at(d)!) < minutes(s.startAt),
      );
      if (!disc)
        out.push(
          issue(
            `No pre-op discussion before “${s.name}”`,
            `${s.name}术前无术前讨论`,
            [refSource(s.ref, 'Procedure', s.id)],
            { key: `${s.id}-disc`, ...absentFrom(refSource(s.ref, 'Procedure', s.id), '术前讨论') },
          ),
        );
      // Without a participant list from the source, those who signed the discussion took part in it.
      else if (!(disc.participants ?? disc.signatures).some((p) => p.id === s.surgeonId))
        out.push(
          issue(
            'The surgeon is not among the pre-op discussion participants',
            '术前讨论参加人员中无术者',
            [docSource(disc)],
            { key: `${s.id}-surgeon` },
          ),
        );
      if (!sum)
        out.push(
          issue(
            `No pre-op summary before “${s.name}”`,
            `${s.name}术前无术前小结`,
            [refSource(s.ref, 'Procedure', s.id)],
            { key: `${s.id}-sum`, ...absentFrom(refSource(s.ref, 'Procedure', s.id), '术前小结') },
          ),
        );
      return out;
    }),
);

/**
 * Whether signature `x` on checklist `d` is the `role`'s: the system's role, the operation's surgeon, or a signer
 * whose role the source leaves general (physician, nurse) and whose name the form writes after the role's label
 * ("手术医师：杨帆　麻醉医师：钟磊　巡回护士：潘静").
 */
function signedAs(d: QcDocument, x: QcSignature, role: string, zh: string, s: QcSurgery): boolean {
  if (x.role === role || (role === 'surgeon' && x.id === s.surgeonId)) return true;
  const name = x.name?.trim();
  return !!name && new RegExp(`${zh}[\\s　]*[:：]?[\\s　]*${escapeRe(name)}`).test(d.text);
}

const C14 = predicate(
  (enc, ctx) =>
    enc.surgeries.flatMap((s) => {
      const d = docs(enc, 'surgical-safety-checklist').find((x) => (x.relatedId ?? s.id) === s.id);
      if (!d)
        return [
          issue(
            `No surgical safety checklist for “${s.name}”`,
            `${s.name}无手术安全核查表`,
            [refSource(s.ref, 'Procedure', s.id)],
            { key: s.id, ...absentFrom(refSource(s.ref, 'Procedure', s.id), '手术安全核查表') },
          ),
        ];
      const out: QcIssue[] = [];
      for (const p of namedPatterns(ctx, 'checkpoints'))
        if (!p.pattern.test(d.text) && d.fields?.[p.name] !== true)
          out.push(
            issue(`Checklist lacks the check ${enName(p)}`, `核查表缺“${p.name}”核查`, [docSource(d)], {
              key: `${s.id}-${p.name}`,
              ...absentIn(d, p.name),
            }),
          );
      // Under local anaesthesia given by the operator no anaesthesiologist takes part, so none signs.
      const local = s.anesthesia !== undefined && regex(ctx, 'operatorAnaesthesia').test(s.anesthesia);
      for (const { role, zh, en } of listOf<{ role: string; zh: string; en?: string }>(ctx, 'signers'))
        if (!(local && role === 'anesthesiologist') && !d.signatures.some((x) => signedAs(d, x, role, zh, s)))
          out.push(
            issue(`Checklist not signed by the ${en ?? role}`, `核查表缺${zh}签名`, [docSource(d)], {
              key: `${s.id}-${role}`,
              ...absentIn(d, `${zh}签名`),
            }),
          );
      if (s.bloodGiven && !(regex(ctx, 'bloodType').test(d.text) && regex(ctx, 'bloodVolume').test(d.text)))
        out.push(
          issue(
            'Blood given but blood type and volume not checked on the checklist',
            '输血患者核查表未核对血型及用血量',
            [docSource(d)],
            { key: `${s.id}-blood` },
          ),
        );
      return out;
    }),
  { patterns: ['checkpoints', 'bloodType', 'bloodVolume', 'operatorAnaesthesia'], lists: ['signers'] },
);

/**
 * The roles of one who signs for the patient (BW2010 第十条): a legal representative or guardian (法定代理人,
 * 监护人, 法定监护人), a relative, a person the patient authorised (授权委托人, 委托代理人).
 */
const REPRESENTATIVE: ReadonlySet<string> = new Set(['representative', 'family', 'guardian', 'relative', 'proxy']);

/**
 * A representative may sign where the reason is documented (BW2010 第十条: a legal representative for a patient
 * without full capacity, a person the patient authorised when illness prevents the signature): the system's
 * reason, or the form's own words (`proxyReason`: "患者昏迷无法签字，由其子代签", "授权委托书").
 */
function consentOk(d: QcDocument | undefined, before?: string, proxy?: RegExp): string | undefined {
  if (!d) return 'missing';
  const at = d.completedAt ?? d.recordedAt;
  if (before && (!at || minutes(at) >= minutes(before))) return 'signed after the act';
  const patient = d.signatures.some((s) => s.role === 'patient');
  const rep = d.signatures.some((s) => REPRESENTATIVE.has(s.role ?? ''));
  if (!patient && !(rep && (d.fields?.reason || proxy?.test(d.text))))
    return 'not signed by the patient, or by a representative with a documented reason';
  return undefined;
}

const C15 = predicate(
  (enc, ctx) => {
    const out: QcIssue[] = [];
    const check = (what: [string, string], d: QcDocument | undefined, before: string | undefined, key: string) => {
      const why = consentOk(d, before, regex(ctx, 'proxyReason'));
      if (why)
        out.push(
          issue(
            `${what[0]} consent ${why}`,
            `${what[1]}知情同意书${why === 'missing' ? '缺失' : why === 'signed after the act' ? '签署晚于操作' : '非患者本人签署且无授权说明'}`,
            d ? [docSource(d)] : [encSource(enc)],
            why === 'missing' ? { key, ...absentFrom(encSource(enc), `${what[1]}知情同意书`) } : { key },
          ),
        );
    };
    for (const s of enc.surgeries) {
      check(['Surgical', '手术'], operationConsent(enc, s), s.startAt, `${s.id}-surgery`);
      // 麻醉同意书 is the anaesthesiologist's (BW2010 第二十四条): none for local anaesthesia by the operator.
      const a = s.anesthesia ?? '';
      if (a && !regex(ctx, 'noAnaesthesia').test(a) && !regex(ctx, 'operatorAnaesthesia').test(a))
        check(
          ['Anaesthesia', '麻醉'],
          docs(enc, 'consent-anesthesia').find((d) => (d.relatedId ?? s.id) === s.id),
          s.startAt,
          `${s.id}-anesthesia`,
        );
    }
    for (const t of enc.transfusions)
      check(['Transfusion', '输血治疗'], doc(enc, 'consent-transfusion'), t.firstUnitAt, `${t.id}-transfusion`);
    const continued = regex(ctx, 'continuedAct');
    for (const o of enc.orders.filter((x) => x.category === 'special' && x.status !== 'cancelled')) {
      const d = docs(enc, 'consent-special').find((x) => (x.relatedId ?? o.id) === o.id);
      check(
        ['Special examination/treatment', '特殊检查/治疗'],
        d,
        // Before the act: when the order was carried out where it says (firstDoseAt), else when it was written. An
        // act the patient came in on that the form names as continued ("继续有创机械通气": ventilation begun in the
        // emergency department) began before any ward form could be signed: the form is owed, not its time.
        d && namesContinued(d.text, o.text, continued) ? undefined : (o.firstDoseAt ?? o.orderedAt),
        `${o.id}-special`,
      );
    }
    return out;
  },
  { patterns: ['noAnaesthesia', 'operatorAnaesthesia', 'proxyReason', 'continuedAct'] },
);

/** A form names the order's act (a part of its text of three or more characters) right after `continued` (继续). */
function namesContinued(text: string, order: string, continued: RegExp): boolean {
  return order
    .split(/[\s（）()，,、+＋/]+/)
    .filter((p) => [...p].length >= 3)
    .some((p) => {
      for (let i = text.indexOf(p); i >= 0; i = text.indexOf(p, i + 1))
        if (continued.test(text.slice(Math.max(0, i - 4), i))) return true;
      return false;
    });
}

const C16 = predicate((enc) => {
  if (!enc.acuity.some((a) => a.level !== 'stable')) return [];
  const d = doc(enc, 'critical-notice');
  if (!d)
    return [
      issue(
        'Patient listed critically or seriously ill but no critical-condition notice',
        '病危/病重患者无病危（重）通知书',
        [encSource(enc)],
        absentFrom(encSource(enc), '病危（重）通知书'),
      ),
    ];
  // Each time the patient is put on the list (病重, or 病危 after 病重) a notice is given then (HX2018 十一: the
  // family is told of each change for the worse); one written before that period, or after it ended, told of
  // another. A notice within the hour before the period opens is the same decision (the order follows the talk).
  const RANK = { stable: 0, serious: 1, critical: 2 } as const;
  const notices = docs(enc, 'critical-notice').map((n) => n.recordedAt ?? n.completedAt);
  const periods = [...enc.acuity].sort((a, b) => minutes(a.from) - minutes(b.from));
  const unnotified = periods.filter((p, i) => {
    const before = periods[i - 1];
    const escalates = p.level !== 'stable' && (!before || before.to !== p.from || RANK[before.level] < RANK[p.level]);
    const end = p.to ?? enc.dischargeAt;
    return (
      escalates &&
      !notices.some((t) => !t || (minutes(t) >= minutes(p.from) - 60 && (!end || minutes(t) <= minutes(end))))
    );
  });
  if (unnotified.length)
    return unnotified.map((p) =>
      issue(
        `Listed ${p.level === 'critical' ? 'critically' : 'seriously'} ill from ${p.from} with no notice given then`,
        `${p.level === 'critical' ? '病危' : '病重'}期间（${p.from.slice(0, 16).replace('T', ' ')}起）无病危（重）通知书`,
        [encSource(enc)],
        { key: `notice-${p.from}`, ...absentFrom(encSource(enc), '病危（重）通知书') },
      ),
    );
  const ok =
    d.signatures.some((s) => s.role === 'patient' || REPRESENTATIVE.has(s.role ?? '')) &&
    d.signatures.some((s) => s.role === 'physician' || !!s.title) &&
    !!(d.completedAt ?? d.recordedAt);
  return ok
    ? []
    : [
        issue(
          'Critical-condition notice lacks the family signature, physician signature or date',
          '病危（重）通知书缺家属签名、医师签名或日期',
          [docSource(d)],
        ),
      ];
});

const C17 = predicate((enc) =>
  enc.orders.flatMap((o) => {
    const src = [refSource(o.ref, 'MedicationRequest', o.id)];
    const out: QcIssue[] = [];
    if ((o.items ?? 1) > 1)
      out.push(
        issue(`Order "${o.text}" holds ${o.items} items`, `医嘱“${o.text}”一条含${o.items}项`, src, {
          key: `${o.id}-items`,
        }),
      );
    if (!o.orderedAt || !hasMinutes(o.orderedAt))
      out.push(
        issue(`Order "${o.text}" has no start time to the minute`, `医嘱“${o.text}”起始时间未到分钟`, src, {
          key: `${o.id}-time`,
        }),
      );
    // A signer the source does not carry (FHIR without `requester`) is unknown, not a missing signature.
    if (!o.signedBy && !o.unknown?.includes('signedBy'))
      out.push(
        issue(`Order "${o.text}" is not signed`, `医嘱“${o.text}”无医师签名`, src, {
          key: `${o.id}-sign`,
          fix: { en: 'The prescriber signs the order', zh: '开具医嘱的医师补签名' },
        }),
      );
    if (o.kind === 'long' && o.status === 'stopped' && !o.stopAt)
      out.push(
        issue(`Stopped long-term order "${o.text}" has no stop time`, `已停长期医嘱“${o.text}”无停止时间`, src, {
          key: `${o.id}-stop`,
        }),
      );
    if (o.status === 'cancelled' && !o.cancelSignedBy)
      out.push(
        issue(
          `Cancelled order "${o.text}" has no cancellation mark (取消) and signature`,
          `取消医嘱“${o.text}”无取消标记及签名`,
          src,
          { key: `${o.id}-cancel` },
        ),
      );
    return out;
  }),
);

const C18 = predicate((enc, ctx) =>
  enc.documents.flatMap((d) => {
    if (
      d.type.startsWith('consent') ||
      d.type === 'pathology-report' ||
      d.type === 'imaging-report' ||
      d.type === 'nursing-allergy'
    )
      return [];
    const out: QcIssue[] = [];
    if (!signed(d))
      out.push(
        issue(`${d.type} is not signed`, `${DOC_TYPE_ZH[d.type]}无签名`, [docSource(d)], { key: `${d.id}-sign` }),
      );
    else if (
      (d.author?.title ?? 'resident') === 'intern' &&
      !d.signatures.some((s) => s.id !== d.author?.id && TITLE_RANK[s.title ?? 'intern'] >= TITLE_RANK.resident)
    )
      out.push(
        issue(
          `${d.type} written by a trainee is not countersigned`,
          `实习/试用期医务人员书写的${DOC_TYPE_ZH[d.type]}无上级医师审签`,
          [docSource(d)],
          { key: `${d.id}-counter` },
        ),
      );
    if (
      ctx.params.requireAttendingOnDischarge &&
      d.type === 'discharge-record' &&
      !d.signatures.some((s) => TITLE_RANK[s.title ?? 'intern'] >= TITLE_RANK.attending)
    )
      out.push(
        issue('Discharge record lacks the attending signature', '出院记录缺主治医师签名', [docSource(d)], {
          key: `${d.id}-attending`,
        }),
      );
    return out;
  }),
);

const C19 = predicate((enc) =>
  enc.documents
    .filter((d) => (!d.author?.id && !d.unknown?.includes('author')) || !hasMinutes(d.recordedAt ?? d.completedAt))
    .map((d) =>
      issue(
        `${d.type} lacks an author id or a date and time`,
        `${DOC_TYPE_ZH[d.type]}缺作者或记录日期时间`,
        [docSource(d)],
        {
          key: d.id,
          fix: {
            en: 'The author signs the document, with the date and time to the minute',
            zh: `${DOC_TYPE_ZH[d.type]}由书写医师签名，并注明记录日期时间（到分钟）`,
          },
        },
      ),
    ),
);

const C20 = predicate(
  (enc, ctx) => {
    const banned = namedPatterns(ctx, 'doNotUse');
    return enc.orders
      .filter((o) => o.category !== 'nursing')
      .flatMap((o) =>
        banned
          .filter((b) => b.pattern.test(o.text))
          .map(({ name }) =>
            issue(
              `Order "${o.text}" uses ${name}`,
              `医嘱“${o.text}”使用禁用缩写（${name}）`,
              [refSource(o.ref, 'MedicationRequest', o.id)],
              { key: `${o.id}-${name}` },
            ),
          ),
      );
  },
  { patterns: ['doNotUse'] },
);

/** The result kinds that report an order of each C21 category. */
const REPORT_KINDS: Readonly<Record<string, readonly QcResult['kind'][]>> = {
  imaging: ['ct', 'mri', 'imaging'],
  culture: ['culture'],
};

/**
 * Reports filed without the id of their order (a chart keeps the report; a source may not link it), each given
 * to the first order, in order time, of its kind that it follows and that has no linked report: the chart has
 * the report a 质控科 looks for.
 */
function reportsWithoutOrder(enc: QcEncounter, orders: readonly QcOrder[]): Map<string, QcResult> {
  const out = new Map<string, QcResult>();
  const open = orders
    .filter((o) => !enc.results.some((r) => r.orderId === o.id))
    .sort((a, b) => minutes(a.orderedAt ?? enc.admitAt) - minutes(b.orderedAt ?? enc.admitAt));
  for (const r of enc.results.filter((x) => !x.orderId)) {
    const o = open.find(
      (x) =>
        !out.has(x.id) &&
        REPORT_KINDS[x.category!]?.includes(r.kind) &&
        (!r.reportedAt || !x.orderedAt || notBefore(r.reportedAt, x.orderedAt)),
    );
    if (o) out.set(o.id, r);
  }
  return out;
}

/**
 * A note that names the study as its report or its order does, by a part of the name ("腹部平片（KUB）": 腹部平片 or
 * KUB; "今晨KUB：双J管位置良好"): a part of three or more Chinese characters or two or more Latin letters. A part is
 * also read without its modality words (`patterns.studyModality`), which a note drops or writes otherwise: the
 * report's "腰椎正侧位X线片" is the note's "腰椎正侧位片".
 */
function namesStudy(text: string, name: string, modality: RegExp): boolean {
  const parts = name.split(/[\s（）()【】[\]+＋、，,/／:：]+/);
  const all = new RegExp(modality.source, modality.flags.includes('g') ? modality.flags : `${modality.flags}g`);
  return [...parts, ...parts.map((p) => p.replace(all, ''))]
    .filter((p) => /^[A-Za-z]{2,}$/.test(p) || [...p].length >= 3)
    .some((p) => (/^[A-Za-z]+$/.test(p) ? new RegExp(`(?<![A-Za-z])${p}(?![A-Za-z])`).test(text) : text.includes(p)));
}

const C21 = predicate(
  (enc, ctx) => {
    const out: QcIssue[] = [];
    const progress = docs(enc, 'first-progress-note', 'progress-note', 'ward-round', 'postop-first-note');
    const kw = Object.fromEntries(namedPatterns(ctx, 'discussedIn').map((p) => [p.name, p.pattern]));
    const modality = regex(ctx, 'studyModality');
    const orders = enc.orders.filter(
      (x) => (x.category === 'imaging' || x.category === 'culture') && x.status !== 'cancelled',
    );
    const unlinked = reportsWithoutOrder(enc, orders);
    for (const o of orders) {
      const rep = enc.results.find((r) => r.orderId === o.id) ?? unlinked.get(o.id);
      const src = [refSource(o.ref, 'ServiceRequest', o.id)];
      if (!rep) {
        if (o.orderedAt && minutes(ctx.now) > minutes(o.orderedAt) + num(ctx.params, 'reportDays') * 1440)
          out.push(issue(`Order "${o.text}" has no report`, `“${o.text}”无报告`, src, { key: `${o.id}-report` }));
        continue;
      }
      if (
        rep.reportedAt &&
        !progress.some(
          (d) =>
            notBefore(d.recordedAt ?? d.completedAt, rep.reportedAt!) &&
            (!!kw[o.category!]?.test(d.text) || [rep.name, o.text].some((n) => namesStudy(d.text, n, modality))),
        )
      )
        out.push(
          issue(
            `No progress note discusses the “${rep.name}” report`,
            `病程记录未分析${rep.name}报告`,
            [refSource(rep.ref, 'DiagnosticReport', rep.id)],
            { key: `${o.id}-note` },
          ),
        );
    }
    for (const s of enc.surgeries.filter((x) => x.pathologySent)) {
      const op = docs(enc, 'op-note').find((d) => (d.relatedId ?? s.id) === s.id);
      const rep = enc.results.find((r) => r.kind === 'pathology') ?? docs(enc, 'pathology-report')[0];
      if (!op || !regex(ctx, 'pathologySampled').test(op.text))
        out.push(
          issue(
            'Operative note does not record the pathology specimen',
            '手术记录未记录病理取材送检',
            op ? [docSource(op)] : [encSource(enc)],
            { key: `${s.id}-op` },
          ),
        );
      if (!rep)
        out.push(
          issue(
            'Pathology specimen sent but no pathology report',
            '送检病理无病理报告',
            [refSource(s.ref, 'Procedure', s.id)],
            { key: `${s.id}-report` },
          ),
        );
      else if (
        !progress.some(
          (d) =>
            !!kw.pathology?.test(d.text) &&
            ('reportedAt' in rep && rep.reportedAt ? notBefore(d.recordedAt ?? d.completedAt, rep.reportedAt) : true),
        )
      )
        out.push(
          issue('No progress note discusses the pathology report', '病程记录未分析病理报告', [encSource(enc)], {
            key: `${s.id}-note`,
          }),
        );
    }
    return out;
  },
  { patterns: ['discussedIn', 'pathologySampled', 'studyModality'] },
);

/**
 * A note names the implant by its type as the surgery lists it, by its barcode, or by the last two
 * characters of the type without its brackets (the device noun: 补片 for 聚丙烯补片（巴德）, 支架, 晶体).
 */
function namesImplant(text: string, imp: { readonly type: string; readonly barcode?: string }): boolean {
  if (text.includes(imp.type) || (imp.barcode && text.includes(imp.barcode))) return true;
  const noun = [...imp.type.replace(/[（(][^）)]*[）)]/g, '').trim()].slice(-2).join('');
  return noun.length === 2 && text.includes(noun);
}

const C22 = predicate(
  (enc, ctx) => {
    const out: QcIssue[] = [];
    const notes = docs(enc, 'op-note', 'progress-note', 'postop-first-note');
    for (const s of enc.surgeries) {
      for (const imp of s.implants ?? []) {
        if (!imp.barcode)
          out.push(
            issue(
              `Implant “${imp.type}” has no barcode record`,
              `植入物${imp.type}无条形码记录`,
              [refSource(s.ref, 'Procedure', s.id)],
              { key: `${s.id}-${imp.type}-barcode` },
            ),
          );
        if (!notes.some((d) => namesImplant(d.text, imp) && regex(ctx, 'implantNoted').test(d.text)))
          out.push(
            issue(
              `Implant “${imp.type}” not described in the operative or progress note`,
              `手术/病程记录未记载植入物${imp.type}`,
              [refSource(s.ref, 'Procedure', s.id)],
              { key: `${s.id}-${imp.type}-note` },
            ),
          );
      }
    }
    for (const t of enc.transfusions) {
      if (!doc(enc, 'consent-transfusion'))
        out.push(
          issue('Transfusion without a consent form', '输血无知情同意书', [encSource(enc)], {
            key: `${t.id}-consent`,
            ...absentFrom(encSource(enc), '输血治疗知情同意书'),
          }),
        );
      if (!enc.orders.some((o) => o.category === 'blood'))
        out.push(
          issue('Transfusion without an order', '输血无医嘱', [encSource(enc)], {
            key: `${t.id}-order`,
            ...absentFrom(encSource(enc), '输血医嘱'),
          }),
        );
      if (!doc(enc, 'transfusion-record'))
        out.push(
          issue('Transfusion without a transfusion record', '输血无输血记录', [encSource(enc)], {
            ...absentFrom(encSource(enc), '输血记录'),
            key: `${t.id}-record`,
          }),
        );
      const missing = listOf<string>(ctx, 'transfusionChain').filter((c) => !t.chain.includes(c));
      if (missing.length)
        out.push(
          issue(
            `Transfusion approval chain lacks ${missing.join(', ')}`,
            `用血审批流程缺${missing.join('、')}`,
            [encSource(enc)],
            { key: `${t.id}-chain` },
          ),
        );
    }
    return out;
  },
  { patterns: ['implantNoted'], lists: ['transfusionChain'] },
);

/** `s` without its spaces (full-width included). */
const unspaced = (s: string) => s.replace(/[\s　]+/g, '');

/**
 * Whether a note names this critical value: its analyte with the reported number after it, spaces aside
 * ("血钠123mmol/L" for the log's 血钠 and the result's "Na 123mmol/L"); a note that names the analyte with
 * another number ("血钠126mmol/L", the emergency value before) writes about another result. Where neither the log
 * nor the result gives a number (a positive culture), the analyte's name is enough.
 */
function namesValue(cv: QcEncounter['criticalValues'][number], resultValue: string | undefined) {
  const analyte = unspaced(cv.name.replace(/[\d.]+.*$/, ''));
  const after = (t: string): string[] => {
    const out: string[] = [];
    for (let at = t.indexOf(analyte); at >= 0; at = t.indexOf(analyte, at + 1)) {
      const n = /^[^\d。；;，,\n]{0,6}?(\d+(?:\.\d+)?)/.exec(t.slice(at + analyte.length));
      if (n) out.push(n[1]!);
    }
    return out;
  };
  // A result of several analytes (a blood gas: "pH 7.29，PaCO2 30mmHg，…乳酸5.6mmol") gives the critical one's own number.
  const value = unspaced(resultValue ?? '');
  const own = analyte && value.includes(analyte) ? after(value) : [];
  const numbers = new Set([
    ...(cv.name.match(/\d+(?:\.\d+)?/g) ?? []),
    ...(own.length ? own : ((resultValue ?? '').match(/\d+(?:\.\d+)?/g) ?? [])),
  ]);
  return (text: string): boolean => {
    const t = unspaced(text);
    if (!analyte || !t.includes(analyte)) return false;
    if (numbers.size === 0) return true;
    return after(t).some((n) => numbers.has(n));
  };
}

/**
 * C23: the critical-value loop. The handling note is read wherever it is written (any document
 * type of `lists.handlingDocuments` that names the value or `patterns.criticalMention` within the
 * hours allowed). Receipt, read-back and notification are checked against the loop log when there
 * is one; without a log, the physician's handling note is itself the record of receipt and notification.
 */
const C23 = predicate(
  (enc, ctx) =>
    enc.criticalValues.flatMap((cv) => {
      const out: QcIssue[] = [];
      const src = [refSource(undefined, 'Observation', cv.resultId ?? cv.id)];
      const hours = num(ctx.params, 'hours');
      const mention = regex(ctx, 'criticalMention');
      const names = namesValue(cv, enc.results.find((r) => r.id === cv.resultId)?.value);
      const handling = docs(enc, ...listOf<DocType>(ctx, 'handlingDocuments')).filter(
        (d) => notBefore(d.recordedAt ?? d.completedAt, cv.reportedAt) && (mention.test(d.text) || names(d.text)),
      );
      const note = handling.find((d) => within(d.recordedAt ?? d.completedAt, cv.reportedAt, hours));
      // A handling note written after the limit is late, not missing: said apart, so that removing it is seen.
      const late = note ? undefined : handling.find((d) => d.recordedAt ?? d.completedAt);
      const logged =
        cv.logged === true ||
        cv.receivedAt !== undefined ||
        cv.readBack !== undefined ||
        cv.physicianNotifiedAt !== undefined;
      if (logged ? !cv.receivedAt || cv.readBack !== true || !cv.physicianNotifiedAt : !note)
        out.push(
          issue(
            `Critical value “${cv.name}”: receipt, read-back or physician notification not recorded`,
            `危急值${cv.name}：未记录接收、复述确认或通知医师`,
            src,
            {
              key: `${cv.id}-receipt`,
              fix: {
                en: 'Record receipt, read-back and the physician notified (time to the minute) in the critical-value log',
                zh: '在危急值登记中记录接收时间、复述确认及通知医师（时间到分钟）',
              },
            },
          ),
        );
      const lateAt = late ? (late.recordedAt ?? late.completedAt)! : undefined;
      if (lateAt) {
        const m = Math.round(minutes(lateAt) - minutes(cv.reportedAt));
        const [h, min] = [Math.floor(m / 60), m % 60];
        const after = `${h}小时${min}分`;
        out.push(
          issue(
            `Critical value “${cv.name}”: the handling note is written ${h} h ${min} min after the report, past ${hours} h`,
            `危急值${cv.name}：病程记录分析处理晚于${hours}小时（报告后${after}）`,
            [...src, docSource(late!)],
            {
              key: `${cv.id}-note`,
              fix: {
                en: `Write the critical-value note (assessment and action) within ${hours} h of the report`,
                zh: `报告后${hours}小时内书写危急值处理记录（分析及处理措施）`,
              },
            },
          ),
        );
      } else if (!note && minutes(ctx.now) > minutes(cv.reportedAt) + hours * 60)
        out.push(
          issue(
            `Critical value “${cv.name}”: no progress note with assessment and action within ${hours} h`,
            `危急值${cv.name}：${hours}小时内无病程记录分析处理`,
            src,
            {
              key: `${cv.id}-note`,
              fix: {
                en: `Write a critical-value note (assessment and action) within ${hours} h of the report`,
                zh: `报告后${hours}小时内书写危急值处理记录（分析及处理措施）`,
              },
            },
          ),
        );
      return out;
    }),
  { patterns: ['criticalMention'], lists: ['handlingDocuments'] },
);

export const COMPLETENESS_PREDICATES: Readonly<Record<string, QcPredicate>> = {
  C01,
  C02,
  C03,
  C04,
  C05,
  C06,
  C07,
  C08,
  C09,
  C10,
  C11,
  C12,
  C13,
  C14,
  C15,
  C16,
  C17,
  C18,
  C19,
  C20,
  C21,
  C22,
  C23,
};
