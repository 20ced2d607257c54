import type { DocType, QcDocument, QcEncounter } from '../../src/reasoning/index.js';
import type { Draft } from './records.js';
import {
  addHours,
  removeField,
  removeSection,
  removeSentence,
  removeWrappedSentence,
  replaceFirst,
  sectionBlock,
  type TextEdit,
  withinSection,
  writtenTime,
} from './text-edit.js';

type Enc = Draft<QcEncounter>;
type Doc = Draft<QcDocument>;

/** Where a defect was injected: the document (or record part) and the text removed or changed. */
export interface Span {
  readonly where: string;
  readonly before?: string;
  readonly after?: string;
}

/**
 * One defect a 质控 officer would flag, written from the norms (docs/domain/qc-rules.md and the
 * articles it cites), with the rule of src/knowledge/data/qc/rules.json it should trigger. `also`
 * names rules whose findings on the variant are also true (the same defect read by another rule:
 * a removed 初步诊断 also breaks the 入院诊断 comparison of K04); they count as correct findings
 * but not towards recall.
 */
export interface Injection {
  readonly id: string;
  readonly ruleId: string;
  readonly also?: readonly string[];
  readonly what: string;
  /** Changes the draft in place and says where; undefined when the record has nothing to break this way. */
  apply(enc: Enc): Span | undefined;
}

const docOf = (enc: Enc, type: DocType, pred: (d: Doc) => boolean = () => true): Doc | undefined =>
  enc.documents.find((d) => d.type === type && pred(d));

/** Applies a text edit to a document, recording the span. */
function editDoc(d: Doc | undefined, edit: (text: string) => TextEdit | undefined): Span | undefined {
  if (!d) return undefined;
  const e = edit(d.text);
  if (!e) return undefined;
  d.text = e.text;
  return { where: `document ${d.id}`, before: e.span };
}

const dropSection = (type: DocType, heading: string) => (enc: Enc) =>
  editDoc(docOf(enc, type), (t) => removeSection(t, heading));
const dropField = (type: DocType, name: string) => (enc: Enc) => editDoc(docOf(enc, type), (t) => removeField(t, name));

/** Moves a document's record and signature times by `hours` from an anchor, rewriting the time written in it. */
function retime(d: Doc, completedAt: string, recordedAt?: string): Span {
  const before = `${d.recordedAt ?? ''} / ${d.completedAt ?? ''}`;
  if (recordedAt && d.recordedAt) {
    d.text = d.text.split(writtenTime(d.recordedAt)).join(writtenTime(recordedAt));
    d.recordedAt = recordedAt;
  }
  d.completedAt = completedAt;
  d.signatures = d.signatures.map((s) => ({ ...s, at: completedAt }));
  return { where: `document ${d.id} times`, before, after: `${d.recordedAt ?? ''} / ${completedAt}` };
}

function removeDoc(enc: Enc, d: Doc | undefined): Span | undefined {
  if (!d) return undefined;
  enc.documents = enc.documents.filter((x) => x !== d);
  return { where: `document ${d.id}`, before: `${d.type} removed` };
}

const TITLE_RANK: Record<string, number> = { intern: 0, resident: 1, attending: 2, 'associate-chief': 3, chief: 4 };
/** A 日常病程记录 that is not the 危急值处理记录 (whose defects C23 reads). */
const routine = (d: Doc): boolean => !/危急值/.test(d.text.split('\n')[0] ?? '');
const senior = (d: Doc): boolean => (TITLE_RANK[d.author?.title ?? ''] ?? 0) >= 2;
const isFemale = (enc: Enc): boolean => enc.patient.sex === 'female';
/**
 * Under 14 at admission (rules.json C01 `childAge`): a child's admission note owes no marital status, so removing
 * it puts in no defect (t03's evaluator, 2026-12-07: pediatric templates print none).
 */
const isChild = (enc: Enc): boolean =>
  enc.patient.birthDate !== undefined &&
  (Date.parse(enc.admitAt) - Date.parse(enc.patient.birthDate)) / (86_400_000 * 365.25) < 14;
/** The line of the 入院记录 that states the allergy history. */
const allergyText = (enc: Enc): string => {
  const t = docOf(enc, 'admission-note')?.text ?? '';
  return (/^.*过敏.*$/m.exec(t)?.[0] ?? '').trim();
};

/** Adds a diagnosis to the 出院记录's 出院诊断 and to the front sheet's other diagnoses. */
function addDischargeDiagnosis(enc: Enc, name: string, code: string): Span | undefined {
  const dis = docOf(enc, 'discharge-record');
  if (!dis || !enc.homepage) return undefined;
  // After the last item, on the heading's line or on the last line of a list below it (t05, t06).
  const block = sectionBlock(dis.text, '出院诊断');
  if (!block) return undefined;
  const lines = dis.text.split('\n');
  lines[block.to - 1] = lines[block.to - 1]!.replace(/(。?)$/, `；${name}$1`);
  dis.text = lines.join('\n');
  enc.homepage.otherDiagnoses.push({ name, code, admissionCondition: '4', kind: 'comorbidity' });
  return { where: `document ${dis.id} 出院诊断 + homepage.otherDiagnoses`, after: `${name} ${code}` };
}

function addOrder(enc: Enc, order: Draft<QcEncounter['orders'][number]>): Span {
  enc.orders.push(order);
  return { where: `order ${order.id}`, after: order.text };
}

const firstOrderTime = (enc: Enc): string => addHours(enc.admitAt, 5);

/** Item `n` of a list in one numbering style ("1." "1、" "（1）" "1）" "①"), as a regex source. */
type Numbering = (n: number) => string;
const NUMBERINGS: readonly Numbering[] = [
  (n) => `[（(]${n}[)）]`,
  (n) => `${n}[.．](?!\\d)`,
  (n) => `${n}、`,
  (n) => `${n}[)）]`,
  (n) => (n <= 20 ? String.fromCodePoint(0x2460 + n - 1) : '(?!)'),
];
/** What starts a differential: 鉴别诊断 (or 【鉴别诊断】, 需与以下疾病鉴别) and its colon or dash. */
const DIFFERENTIAL =
  /【?(?:(?:需|应)?与[^。；;\n]{0,12})?鉴别(?:诊断)?】?[ \t\u3000]*(?:[：:]|——?|-{1,2})?[ \t\u3000]*\n?[ \t\u3000]*/g;
/** A sentence end after which the note goes on to another part (诊疗计划, 三、…) on the same line. */
const NEXT_PART = /。(?=[ \t\u3000]*(?:【|[一二三四五六七八九十]+[、.．]|(?:诊疗|治疗|处理)(?:计划|意见|措施)))/;

/**
 * Removes a numbered differential whole: from the start of its clause ("2. 鉴别诊断：①…") through every item of
 * the list, the items on one line (1.…；2.…。3.…) or one a line (1、… / （1）…), up to the end of the last item's
 * line or the sentence before another part of the note. Undefined when no differential is numbered.
 */
function removeNumberedDifferential(text: string): TextEdit | undefined {
  for (const m of text.matchAll(DIFFERENTIAL)) {
    let pos = m.index + m[0].length;
    const style = NUMBERINGS.find((f) => new RegExp(`^${f(1)}`).test(text.slice(pos)));
    if (!style) continue;
    let start = m.index;
    while (start > 0 && !'。；;，,：:\n'.includes(text[start - 1]!)) start--;
    let end = text.length;
    for (let n = 2; ; n++) {
      const eol = text.indexOf('\n', pos) < 0 ? text.length : text.indexOf('\n', pos);
      const inLine = new RegExp(`[。；;，,][ \\t\\u3000]*${style(n)}`).exec(text.slice(pos, eol));
      const nextLine = eol < text.length ? new RegExp(`^[ \\t\\u3000]*${style(n)}`).exec(text.slice(eol + 1)) : null;
      if (inLine) pos += inLine.index + inLine[0].length;
      else if (nextLine) pos = eol + 1 + nextLine[0].length;
      else {
        const part = NEXT_PART.exec(text.slice(pos, eol));
        end = part ? pos + part.index + 1 : eol;
        break;
      }
    }
    // A differential on lines of its own goes with its line break.
    if ((start === 0 || text[start - 1] === '\n') && text[end] === '\n') end++;
    return { text: text.slice(0, start) + text.slice(end), span: text.slice(start, end) };
  }
  return undefined;
}

/**
 * Removes a differential written as sentences on the line of its heading ("鉴别诊断：需警惕…；…需鉴别…。"): from the
 * start of its clause to the end of the line or the sentence before another part of the note.
 */
function removeInlineDifferential(text: string): TextEdit | undefined {
  const m = /鉴别诊断[ \t\u3000]*[：:][ \t\u3000]*(?=[^\s])/.exec(text);
  if (!m) return undefined;
  let start = m.index;
  while (start > 0 && !'。；;，,：:\n'.includes(text[start - 1]!)) start--;
  const pos = m.index + m[0].length;
  const eol = text.indexOf('\n', pos) < 0 ? text.length : text.indexOf('\n', pos);
  const part = NEXT_PART.exec(text.slice(pos, eol));
  let end = part ? pos + part.index + 1 : eol;
  if ((start === 0 || text[start - 1] === '\n') && text[end] === '\n') end++;
  return { text: text.slice(0, start) + text.slice(end), span: text.slice(start, end) };
}

/**
 * Removes the vaccination statement: every clause of the sentence that names 预防接种 which speaks of a vaccine
 * ("预防接种按计划完成，未接种轮状病毒疫苗；", "预防接种史：按国家免疫规划程序接种，卡介苗已接种。"), the other clauses of
 * the sentence kept ("否认手术史，预防接种史不详，否认输血史。" keeps both denials); an emptied sentence goes whole.
 */
function removeVaccination(text: string): TextEdit | undefined {
  // From after a heading that stands before it ("既往史：预防接种史：…" keeps "既往史：").
  const m = /[^。；;\n：:]*预防接种[^。；;\n]*[。；;]?/.exec(text);
  if (!m) return undefined;
  const sentence = m[0];
  const end = /[。；;]$/.test(sentence) ? sentence.slice(-1) : '';
  const clauses = sentence.slice(0, sentence.length - end.length).split(/(?<=[，,])/);
  const kept = clauses
    .filter((c) => !/接种|疫苗|免疫规划/.test(c))
    .join('')
    .replace(/[，,]$/, '');
  const by = kept ? `${kept}${end}` : '';
  return { text: text.slice(0, m.index) + by + text.slice(m.index + sentence.length), span: sentence };
}

/** The drug names of antibacterials (cephalosporins, penicillins, quinolones, macrolides, carbapenems…). */
const ANTIBIOTIC_NAME = /头孢|西林|沙星|霉素|培南|硝唑|磺胺甲|万古|替考拉宁|利奈唑胺|替加环素|多黏菌素|多粘菌素|氨曲南/;

/** A 入院记录 dated without the 记录时间 label: beside its title or its physician's signature (C01's reading). */
const DATED_NOTE =
  /(?:^|\n)[ \t\u3000]*入[ \t\u3000]*院[ \t\u3000]*记[ \t\u3000]*录[^\n]{0,8}?\d{4}[-年./]\d{1,2}[-月./]\d{1,2}|(?:签名|医师|医生|记录者|书写者)[：:]?[^\n]{0,16}?\d{4}[-年./]\d{1,2}[-月./]\d{1,2}/;

/** A note that still weighs a diagnosis against another: 鉴别 written outside a heading line that only names it. */
const stillWeighs = (text: string): boolean =>
  text.split('\n').some((l) => /鉴别/.test(l) && !/^[^：:。；;]*鉴别诊断[ \t\u3000]*[：:]?[ \t\u3000]*$/.test(l));

export const INJECTIONS: readonly Injection[] = [
  // ── completeness: 入院记录 (C01–C05), BW2010 第十八条 ──
  ...(['主诉', '现病史', '既往史', '个人史', '婚育史', '家族史', '专科情况', '辅助检查', '初步诊断'] as const).map(
    (h): Injection => ({
      id: `adm-drop-${h}`,
      ruleId: 'C01',
      also:
        h === '主诉'
          ? ['K17']
          : h === '现病史'
            ? ['C03', 'K17']
            : h === '既往史'
              ? ['C02', 'K15']
              : h === '初步诊断'
                ? ['K04']
                : h === '婚育史' || h === '个人史'
                  ? // A form may run 婚育史 and 月经史 on the 个人史 line (h05): the line goes with them.
                    ['C04']
                  : [],
      what: `入院记录: the ${h} section removed`,
      apply: dropSection('admission-note', h),
    }),
  ),
  {
    id: 'adm-drop-体格检查',
    ruleId: 'C01',
    also: ['C05'],
    what: '入院记录: the 体格检查 heading line (with the vital signs) removed',
    apply: dropSection('admission-note', '体格检查'),
  },
  ...(['性别', '年龄', '婚姻状况', '职业', '入院时间', '记录时间', '病史陈述者'] as const).map(
    (f): Injection => ({
      id: `adm-field-${f}`,
      ruleId: 'C01',
      also: f === '婚姻状况' ? [] : f === '入院时间' ? ['K04'] : [],
      what: `入院记录: the header field ${f} removed`,
      apply: (enc) => {
        if (f === '婚姻状况' && isChild(enc)) return undefined;
        const span =
          f === '婚姻状况'
            ? (dropField('admission-note', '婚姻状况')(enc) ?? dropField('admission-note', '婚姻')(enc))
            : dropField('admission-note', f)(enc);
        // The 记录日期 (BW2010 第十八条(一)) is still printed where the title or the physician's signature carries
        // the date ("医师签名：吴晨　2026-03-02 15:30", qc-rules.md C01): the field's removal puts in no defect there.
        return f === '记录时间' && span && DATED_NOTE.test(docOf(enc, 'admission-note')?.text ?? '') ? undefined : span;
      },
    }),
  ),
  {
    id: 'adm-drop-signature-line',
    ruleId: 'C01',
    also: ['C18'],
    // The note's electronic signatures go with the printed line: a note still signed electronically is
    // signed (BW2010 第八条), so removing the line alone put in no defect (2026-12-06).
    what: '入院记录: the 医师签名 line removed and the note left unsigned',
    apply: (enc) => {
      const d = docOf(enc, 'admission-note');
      const span = dropSection('admission-note', '医师签名')(enc);
      if (!d || !span) return undefined;
      d.signatures = [];
      return { ...span, after: 'unsigned' };
    },
  },
  {
    id: 'adm-drop-allergy',
    ruleId: 'C02',
    also: ['K15'],
    what: '入院记录: the drug-allergy statement removed from 既往史/过敏史',
    apply: (enc) => {
      const d = docOf(enc, 'admission-note');
      return (
        editDoc(d, (t) => removeSection(t, '过敏史')) ??
        editDoc(d, (t) => removeSentence(t, /(?:药物|食物)[^。；]*过敏|过敏史/))
      );
    },
  },
  {
    id: 'adm-drop-vaccination',
    ruleId: 'C02',
    what: '入院记录: the 预防接种史 statement removed',
    apply: (enc) => editDoc(docOf(enc, 'admission-note'), removeVaccination),
  },
  {
    id: 'adm-drop-hpi-general',
    ruleId: 'C03',
    what: '入院记录: the 现病史 general condition (精神、睡眠、食欲、大小便、体重) removed',
    // Not where the 现病史 still tells three of the items as symptoms after the cut (d05: "体重3月内下降约6kg，伴…
    // 失眠，大便每日2-3次"): the general condition of BW2010 第十八条(三)5 is then still written.
    apply: (enc) => {
      const d = docOf(enc, 'admission-note');
      // The whole sentence, with what a wrapped paragraph carries on to the next line (t01: "…睡眠可，\n大小便正常，
      // 体重无明显变化。"); the items told are counted in the whole 现病史.
      const span = editDoc(d, (t) => removeWrappedSentence(t, /精神[^。]*(?:睡眠|食欲)/));
      const hpi = sectionBlock(d?.text ?? '', '现病史')?.content ?? '';
      const told = [/精神/, /睡眠|眠/, /食欲|饮食|纳|多食/, /大便|小便|二便/, /体重/].filter((r) => r.test(hpi));
      return span && told.length < 3 ? span : undefined;
    },
  },
  {
    id: 'adm-drop-menses',
    ruleId: 'C04',
    also: ['C01'],
    what: '入院记录 of a woman: the 月经史 removed',
    apply: (enc) => (isFemale(enc) ? dropSection('admission-note', '月经史')(enc) : undefined),
  },
  {
    id: 'adm-drop-bp',
    ruleId: 'C05',
    what: '入院记录: the blood pressure removed from the vital signs',
    apply: (enc) =>
      editDoc(docOf(enc, 'admission-note'), (t) =>
        withinSection(t, '体格检查', (l) =>
          replaceFirst(l, /(?:BP|血压)[ \t\u3000]*[：:]?[ \t\u3000]*\d{2,3}\/\d{2,3}[ \t\u3000]*mmHg[，,。；;]?/, ''),
        ),
      ),
  },
  {
    id: 'adm-drop-temperature',
    ruleId: 'C05',
    what: '入院记录: the temperature removed from the vital signs',
    apply: (enc) =>
      editDoc(docOf(enc, 'admission-note'), (t) =>
        withinSection(t, '体格检查', (l) =>
          replaceFirst(l, /(?:T|体温)[ \t\u3000]*[：:]?[ \t\u3000]*\d{2}(?:\.\d)?[ \t\u3000]*℃[，,。；;]?/, ''),
        ),
      ),
  },
  // ── completeness: 病程记录, 出院记录, 签名 ──
  {
    id: 'first-drop-differential',
    ruleId: 'C07',
    what: '首次病程记录: the 鉴别诊断 removed from 拟诊讨论',
    // The differential itself ("鉴别诊断：1. …"), not a sub-heading that only names it ("二、诊断依据及鉴别诊断").
    // A differential written as sentences ("鉴别诊断：需警惕…；手指麻木需鉴别…与…") goes to the end of its line or
    // the next part, not to its first ；: what stays would still be one. Not injected where the note still weighs
    // one diagnosis against another after the cut ("需与…鉴别" elsewhere): the differential is still there.
    apply: (enc) => {
      const d = docOf(enc, 'first-progress-note');
      const span = editDoc(
        d,
        (t) =>
          removeNumberedDifferential(t) ??
          removeInlineDifferential(t) ??
          removeSentence(t, /鉴别诊断[：:]/) ??
          removeSentence(t, /鉴别诊断/),
      );
      return span && d && !stillWeighs(d.text) ? span : undefined;
    },
  },
  {
    id: 'first-drop-plan',
    ruleId: 'C07',
    what: '首次病程记录: the 诊疗计划 removed',
    apply: (enc) => {
      const d = docOf(enc, 'first-progress-note');
      return editDoc(d, (t) => removeSection(t, '诊疗计划') ?? removeSection(t, '三、诊疗计划'));
    },
  },
  {
    id: 'round-no-title',
    ruleId: 'C08',
    what: '上级医师查房记录: the rounding physician’s name and title no longer written in the note',
    apply: (enc) => {
      const d = docOf(enc, 'ward-round', senior);
      const name = d?.author?.name;
      if (!d || !name) return undefined;
      const re = new RegExp(`${name}(?:副主任医师|主任医师|主治医师)`, 'g');
      if (!re.test(d.text)) return undefined;
      const before = d.text;
      const after = d.text.replace(re, '上级医师');
      // A name still written elsewhere in the note (its signature line "医师签名：杨帆/王磊") still names
      // the physician: the defect cannot be put in this way (forms-dev2 neuro-stroke, gyn-myoma).
      if (after.includes(name)) return undefined;
      d.text = after;
      return { where: `document ${d.id}`, before: before.split('\n')[0], after: d.text.split('\n')[0] };
    },
  },
  ...(['出院诊断', '出院医嘱', '入院诊断', '诊疗经过', '出院情况', '入院情况'] as const).map(
    (h): Injection => ({
      id: `dis-drop-${h}`,
      ruleId: 'C09',
      also: h === '出院诊断' ? ['K03', 'K09'] : h === '入院诊断' ? ['K04'] : [],
      what: `出院记录: the ${h} section removed`,
      apply: dropSection('discharge-record', h),
    }),
  ),
  {
    id: 'critical-notice-missing',
    ruleId: 'C16',
    what: 'patient listed 病危/病重 but the 病危（重）通知书 removed',
    apply: (enc) =>
      enc.acuity.some((a) => a.level !== 'stable') ? removeDoc(enc, docOf(enc, 'critical-notice')) : undefined,
  },
  {
    id: 'order-unsigned',
    ruleId: 'C17',
    what: 'an order without the physician’s signature',
    apply: (enc) => {
      const o = enc.orders.find((x) => x.signedBy);
      if (!o) return undefined;
      const before = o.signedBy;
      delete o.signedBy;
      return { where: `order ${o.id}.signedBy`, before };
    },
  },
  {
    id: 'order-two-items',
    ruleId: 'C17',
    what: 'two drugs written in one order',
    apply: (enc) => {
      const o = enc.orders.find(
        (x) => x.category === 'drug' || x.category === 'antibiotic' || x.category === 'insulin',
      );
      if (!o) return undefined;
      const before = o.text;
      o.text = `${o.text}；维生素C片 0.1g 口服 每日3次`;
      o.items = 2;
      return { where: `order ${o.id}`, before, after: o.text };
    },
  },
  {
    id: 'progress-unsigned',
    ruleId: 'C18',
    // An unsigned note is not a valid record (BW2010 第八条): what only it documents (a culture's
    // discussion, a drug's indication, the day's note) is then undocumented.
    also: ['C19', 'T06', 'C21', 'K11'],
    what: 'a 日常病程记录 left without any signature',
    apply: (enc) => {
      const d = docOf(enc, 'progress-note', routine);
      if (!d || d.signatures.length === 0) return undefined;
      d.signatures = [];
      delete d.completedAt;
      return { where: `document ${d.id}.signatures`, before: 'signed', after: 'unsigned' };
    },
  },
  {
    id: 'progress-intern-no-countersign',
    ruleId: 'C18',
    what: 'a 日常病程记录 written and signed by an intern only (no countersignature)',
    apply: (enc) => {
      const d = docOf(enc, 'progress-note', routine);
      if (!d || d.signatures.length === 0) return undefined;
      const at = d.completedAt;
      d.author = { id: 'intern-x', name: '实习医师宋佳', title: 'intern' };
      d.signatures = [{ id: 'intern-x', name: '宋佳', title: 'intern', role: 'physician', ...(at ? { at } : {}) }];
      return { where: `document ${d.id}.signatures`, after: 'intern only' };
    },
  },
  {
    id: 'critical-value-no-handling-note',
    ruleId: 'C23',
    what: '危急值: the physician’s 危急值处理记录 removed',
    apply: (enc) =>
      enc.criticalValues.length === 0
        ? undefined
        : removeDoc(
            enc,
            docOf(enc, 'progress-note', (d) => /危急值/.test(d.text.split('\n')[0] ?? '')),
          ),
  },
  {
    id: 'critical-value-not-received',
    ruleId: 'C23',
    what: '危急值: no receipt, read-back or physician notification recorded, and no receipt registration',
    apply: (enc) => {
      const cv = enc.criticalValues[0];
      // Nothing to remove (a FHIR record carries no receipt or read-back): the variant would equal its clean record.
      if (!cv || (!cv.receivedAt && !cv.readBack && !cv.physicianNotifiedAt && !docOf(enc, 'critical-value-receipt')))
        return undefined;
      delete cv.receivedAt;
      delete cv.readBack;
      delete cv.physicianNotifiedAt;
      // The value stays in the loop log (the defect is its receipt, not its logging): without `logged`, C23 would
      // take the 危急值处理记录 as the record of receipt and the variant would have no defect.
      cv.logged = true;
      removeDoc(enc, docOf(enc, 'critical-value-receipt'));
      return { where: `criticalValues ${cv.id}`, before: 'received, read back, physician notified', after: 'none' };
    },
  },
  // ── completeness: surgery, consent, transfusion, implants, results ──
  {
    id: 'preop-discussion-missing',
    ruleId: 'C13',
    also: ['K07', 'K08'],
    what: 'elective surgery without a 术前讨论记录',
    apply: (enc) => removeDoc(enc, docOf(enc, 'preop-discussion')),
  },
  {
    id: 'preop-summary-missing',
    ruleId: 'C13',
    also: ['K08'],
    what: 'elective surgery without a 术前小结',
    apply: (enc) => removeDoc(enc, docOf(enc, 'preop-summary')),
  },
  {
    id: 'checklist-nurse-unsigned',
    ruleId: 'C14',
    what: '手术安全核查表 without the circulating nurse’s signature',
    apply: (enc) => {
      const d = docOf(enc, 'surgical-safety-checklist');
      if (!d) return undefined;
      const n = d.signatures.length;
      d.signatures = d.signatures.filter((s) => s.role !== 'circulating-nurse');
      d.text = d.text.replace(/巡回护士：\S+/, '巡回护士：');
      return n === d.signatures.length
        ? undefined
        : { where: `document ${d.id}.signatures`, before: 'circulating-nurse' };
    },
  },
  {
    id: 'checklist-missing',
    ruleId: 'C14',
    what: 'surgery without a 手术安全核查表',
    apply: (enc) => removeDoc(enc, docOf(enc, 'surgical-safety-checklist')),
  },
  {
    id: 'consent-surgery-after-start',
    ruleId: 'C15',
    what: '手术知情同意书 signed 30 min after the operation started',
    apply: (enc) => {
      const s = enc.surgeries[0];
      const d = docOf(enc, 'consent-surgery');
      if (!s || !d) return undefined;
      const at = addHours(s.startAt, 0.5);
      const old = d.completedAt ? writtenTime(d.completedAt) : undefined;
      const span = retime(d, at, at);
      if (old) d.text = d.text.split(old).join(writtenTime(at));
      return span;
    },
  },
  {
    id: 'consent-anesthesia-missing',
    ruleId: 'C15',
    what: 'general anaesthesia without a 麻醉知情同意书',
    apply: (enc) => removeDoc(enc, docOf(enc, 'consent-anesthesia')),
  },
  {
    id: 'consent-transfusion-missing',
    ruleId: 'C15',
    also: ['C22'],
    what: 'red cells given without a 输血治疗知情同意书',
    apply: (enc) => (enc.transfusions.length ? removeDoc(enc, docOf(enc, 'consent-transfusion')) : undefined),
  },
  {
    id: 'consent-special-missing',
    ruleId: 'C15',
    what: 'endoscopic treatment without a 特殊检查/治疗知情同意书',
    apply: (enc) => {
      // Only a 特殊检查/治疗 order needs the form (C15): without one, removing it breaks nothing.
      const o = enc.orders.find((x) => x.category === 'special' && x.status !== 'cancelled');
      if (!o) return undefined;
      const forO = (d: Doc): boolean => d.type === 'consent-special' && (d.relatedId ?? o.id) === o.id;
      const span = removeDoc(enc, enc.documents.find(forO));
      // A second form for the same order would still stand for it.
      enc.documents = enc.documents.filter((d) => !forO(d));
      return span;
    },
  },
  {
    id: 'implant-no-barcode',
    ruleId: 'C22',
    what: 'implanted mesh without its barcode record',
    apply: (enc) => {
      const s = enc.surgeries.find((x) => x.implants?.some((i) => i.barcode));
      if (!s?.implants) return undefined;
      s.implants = s.implants.map(({ barcode: _b, ...i }) => i);
      const op = docOf(enc, 'op-note');
      if (op) op.text = op.text.replace(/（条码：[^）]*）/, '');
      return { where: `surgery ${s.id}.implants[0].barcode`, before: 'barcode', after: 'none' };
    },
  },
  {
    id: 'transfusion-chain-incomplete',
    ruleId: 'C22',
    what: 'transfusion without the post-transfusion observation step',
    apply: (enc) => {
      const t = enc.transfusions[0];
      if (!t) return undefined;
      t.chain = t.chain.filter((c) => c !== 'observation');
      const d = docOf(enc, 'transfusion-record');
      if (d) d.text = d.text.replace(/，?输注过程中及输后观察[^。]*。/, '。');
      return { where: `transfusions ${t.id}.chain`, before: 'observation' };
    },
  },
  {
    id: 'culture-without-report',
    ruleId: 'C21',
    what: 'a culture ordered with no report and no note discussing it',
    apply: (enc) =>
      // A culture report filed without its order's id would be read as this order's report (C21).
      enc.results.some((r) => r.kind === 'culture' && !r.orderId)
        ? undefined
        : addOrder(enc, {
            id: `${enc.id}-inj-culture`,
            text: '血培养+药敏（需氧+厌氧）',
            kind: 'temporary',
            orderedAt: firstOrderTime(enc),
            signedBy: enc.orders[0]?.signedBy ?? 'd-x',
            status: 'completed',
            category: 'culture',
            items: 1,
          }),
  },
  {
    id: 'op-note-no-anesthesia',
    ruleId: 'C12',
    what: '手术记录 without the 麻醉方法',
    apply: (enc) => editDoc(docOf(enc, 'op-note'), (t) => removeField(t, '麻醉方法')),
  },
  // ── timeliness (BW2010 第十七条, 第二十二条; ZB2021) ──
  {
    id: 'admission-note-30h',
    ruleId: 'T01',
    what: '入院记录 signed 30 h after admission',
    apply: (enc) => {
      const d = docOf(enc, 'admission-note');
      return d ? retime(d, addHours(enc.admitAt, 30)) : undefined;
    },
  },
  {
    id: 'first-progress-10h',
    ruleId: 'T02',
    what: '首次病程记录 written and signed 10 h after admission',
    apply: (enc) => {
      const d = docOf(enc, 'first-progress-note');
      return d ? retime(d, addHours(enc.admitAt, 10), addHours(enc.admitAt, 9.5)) : undefined;
    },
  },
  {
    id: 'first-progress-missing',
    ruleId: 'T02',
    also: ['C07', 'K16'],
    what: 'no 首次病程记录',
    apply: (enc) => removeDoc(enc, docOf(enc, 'first-progress-note')),
  },
  {
    id: 'senior-round-60h',
    ruleId: 'T05',
    // Moving the round leaves a gap between progress notes (T06) and can take away the surgeon's round
    // before the operation (T15).
    also: ['T06', 'T15'],
    what: 'the first 上级医师查房 written 60 h after admission (no other senior round within 48 h)',
    apply: (enc) => {
      const d = docOf(enc, 'ward-round', senior);
      if (!d) return undefined;
      const limit = Date.parse(addHours(enc.admitAt, 48));
      // A first senior round already past 48 h is the clean record's own defect, not one put in here.
      if (!(Date.parse(d.completedAt ?? '') <= limit)) return undefined;
      const others = enc.documents.filter(
        (x) =>
          x !== d && x.type === 'ward-round' && senior(x) && Date.parse(x.completedAt ?? '') <= limit + 12 * 3_600_000,
      );
      if (others.length) return undefined;
      return retime(d, addHours(enc.admitAt, 60), addHours(enc.admitAt, 59.5));
    },
  },
  {
    id: 'progress-gap-stable',
    ruleId: 'T06',
    // The notes removed may be the ones that discussed a report (C21), an order's indication (K11), how a
    // consultation's advice was carried out (T09) or how a critical value was handled without naming it 危急值 (C23).
    also: ['C21', 'K11', 'T09', 'C23'],
    what: 'stable patient: the progress notes of the middle of the stay removed, leaving a gap of more than 3 days',
    apply: (enc) => {
      if (enc.acuity.some((a) => a.level !== 'stable')) return undefined;
      const notes = enc.documents.filter((d) => d.type === 'progress-note' && !/危急值/.test(d.text));
      if (notes.length < 2) return undefined;
      enc.documents = enc.documents.filter((d) => !notes.includes(d));
      const times = enc.documents
        .filter((d) => d.completedAt && d.type !== 'critical-notice')
        .map((d) => Date.parse(d.completedAt!))
        .sort((a, b) => a - b);
      const gap = Math.max(...times.slice(1).map((t, i) => t - times[i]!));
      if (gap <= 4 * 86_400_000) return undefined;
      return { where: notes.map((n) => `document ${n.id}`).join(', '), before: 'progress notes removed' };
    },
  },
  {
    id: 'op-note-30h',
    ruleId: 'T13',
    what: '手术记录 signed 30 h after the end of the operation',
    apply: (enc) => {
      const s = enc.surgeries[0];
      const d = docOf(enc, 'op-note');
      return s && d ? retime(d, addHours(s.endAt, 30)) : undefined;
    },
  },
  {
    id: 'postop-note-20h',
    ruleId: 'T14',
    what: '术后首次病程记录 written 20 h after the operation',
    apply: (enc) => {
      const s = enc.surgeries[0];
      const d = docOf(enc, 'postop-first-note');
      return s && d ? retime(d, addHours(s.endAt, 20), addHours(s.endAt, 19.5)) : undefined;
    },
  },
  {
    id: 'surgeon-postop-round-missing',
    ruleId: 'T15',
    // The removed note may be the one that analyses the post-operative film or pathology.
    also: ['C21'],
    what: 'the surgeon’s post-operative round removed (no note by the surgeon within 24 h after surgery)',
    apply: (enc) => {
      const s = enc.surgeries[0];
      if (!s) return undefined;
      const end = Date.parse(s.endAt);
      const d = enc.documents.find(
        (x) =>
          (x.type === 'ward-round' || x.type === 'progress-note') &&
          x.author?.id === s.surgeonId &&
          Date.parse(x.completedAt ?? '') > end,
      );
      return removeDoc(enc, d);
    },
  },
  {
    id: 'discharge-record-36h',
    ruleId: 'T16',
    what: '出院记录 signed 36 h after discharge',
    apply: (enc) => {
      const d = docOf(enc, 'discharge-record');
      return d && enc.dischargeAt ? retime(d, addHours(enc.dischargeAt, 36)) : undefined;
    },
  },
  {
    id: 'homepage-50h',
    ruleId: 'T19',
    what: '病案首页 completed 50 h after discharge',
    apply: (enc) => {
      if (!enc.homepage || !enc.dischargeAt) return undefined;
      const before = enc.homepage.completedAt;
      const at = addHours(enc.dischargeAt, 50);
      enc.homepage.completedAt = at;
      enc.homepage.signatures = enc.homepage.signatures.map((s) => ({ ...s, at }));
      return { where: 'homepage.completedAt', ...(before ? { before } : {}), after: at };
    },
  },
  {
    id: 'archived-late',
    ruleId: 'T20',
    what: 'chart archived 8 calendar days after discharge',
    apply: (enc) => {
      if (!enc.dischargeAt || !enc.archivedAt) return undefined;
      const before = enc.archivedAt;
      enc.archivedAt = addHours(enc.dischargeAt, 8 * 24);
      return { where: 'archivedAt', before, after: enc.archivedAt };
    },
  },
  {
    id: 'result-filed-40h',
    ruleId: 'T21',
    what: 'a result filed into the chart 40 h after it was received',
    apply: (enc) => {
      const r = enc.results.find((x) => x.receivedAt);
      if (!r?.receivedAt) return undefined;
      const before = r.filedAt;
      r.filedAt = addHours(r.receivedAt, 40);
      return { where: `result ${r.id}.filedAt`, ...(before ? { before } : {}), after: r.filedAt };
    },
  },
  // ── consistency ──
  {
    id: 'dx-female-only-on-male',
    ruleId: 'K01',
    also: ['K12', 'H11'],
    what: 'a female-only diagnosis (子宫平滑肌瘤 D25.9) on a male patient, in 出院记录 and 首页',
    apply: (enc) => (enc.patient.sex === 'male' ? addDischargeDiagnosis(enc, '子宫平滑肌瘤', 'D25.9') : undefined),
  },
  {
    id: 'dx-male-only-on-female',
    ruleId: 'K01',
    also: ['K12', 'H11'],
    what: 'a male-only diagnosis (前列腺增生 N40) on a female patient, in 出院记录 and 首页',
    apply: (enc) => (isFemale(enc) ? addDischargeDiagnosis(enc, '前列腺增生', 'N40') : undefined),
  },
  {
    id: 'dx-newborn-on-adult',
    ruleId: 'K02',
    also: ['K12', 'H11'],
    what: 'a newborn diagnosis (新生儿黄疸 P59.9) on an adult, in 出院记录 and 首页',
    // Not on a newborn (n03, 3 days old): a newborn diagnosis fits the first 28 days of life.
    apply: (enc) =>
      enc.patient.birthDate && Date.parse(enc.admitAt) - Date.parse(enc.patient.birthDate) < 28 * 86_400_000
        ? undefined
        : addDischargeDiagnosis(enc, '新生儿黄疸', 'P59.9'),
  },
  {
    id: 'homepage-main-dx-differs',
    ruleId: 'K03',
    // H11: the replacement can put a comorbidity before the stay's complication (m03's Z51 stay).
    also: ['K12', 'H01', 'K09', 'H11'],
    what: '首页 主要诊断 replaced by another disease than the 出院记录 gives',
    apply: (enc) => {
      const m = enc.homepage?.mainDiagnosis;
      if (!m) return undefined;
      // Another disease than the record's own (v03 is an 急性胃肠炎 stay).
      const alt = m.code?.startsWith('I63')
        ? { name: '脑出血', code: 'I61.9' }
        : m.code?.startsWith('J')
          ? { name: '支气管哮喘急性发作', code: 'J45.9' }
          : m.code?.startsWith('K52')
            ? { name: '急性胆囊炎', code: 'K81.0' }
            : { name: '急性胃肠炎', code: 'K52.9' };
      const before = `${m.name} ${m.code ?? ''}`;
      m.name = alt.name;
      m.code = alt.code;
      return { where: 'homepage.mainDiagnosis', before, after: `${alt.name} ${alt.code}` };
    },
  },
  {
    id: 'homepage-other-dx-dropped',
    ruleId: 'K03',
    what: 'a discharge diagnosis of the 出院记录 left off the 首页',
    apply: (enc) => {
      const h = enc.homepage;
      const d = h?.otherDiagnoses.shift();
      return d ? { where: 'homepage.otherDiagnoses', before: `${d.name} ${d.code ?? ''}` } : undefined;
    },
  },
  {
    id: 'discharge-admit-date-differs',
    ruleId: 'K04',
    what: '出院记录 入院日期 one day earlier than the 入院记录',
    apply: (enc) => {
      const day = enc.admitAt.slice(0, 10);
      const prev = addHours(`${day}T12:00:00+08:00`, -24).slice(0, 10);
      const zh = (iso: string) => `${iso.slice(0, 4)}年${iso.slice(5, 7)}月${iso.slice(8, 10)}日`;
      return editDoc(
        docOf(enc, 'discharge-record'),
        (t) =>
          replaceFirst(t, new RegExp(`(入院(?:日期|时间)[：:][ \\t\\u3000]*)${day}`), `$1${prev}`) ??
          replaceFirst(t, new RegExp(`(入院(?:日期|时间)[：:][ \\t\\u3000]*)${zh(day)}`), `$1${zh(prev)}`),
      );
    },
  },
  {
    id: 'discharge-admit-dx-differs',
    ruleId: 'K04',
    what: '出院记录 入院诊断 names a different disease than the 入院记录 初步诊断',
    // Another disease than the record's own (v03 is an 急性胃肠炎 stay).
    apply: (enc) =>
      editDoc(docOf(enc, 'discharge-record'), (t) =>
        replaceFirst(t, /(入院诊断[：:])[^\n]*/, t.includes('急性胃肠炎') ? '$1急性胆囊炎' : '$1急性胃肠炎'),
      ),
  },
  {
    id: 'homepage-los-wrong',
    ruleId: 'K05',
    what: '首页 住院天数 3 days more than the dates give',
    apply: (enc) => {
      const h = enc.homepage;
      if (h?.los === undefined) return undefined;
      const before = String(h.los);
      h.los += 3;
      return { where: 'homepage.los', before, after: String(h.los) };
    },
  },
  {
    id: 'admission-note-before-admission',
    ruleId: 'K06',
    also: ['T01'],
    what: '入院记录 记录时间 3 h before the admission time',
    apply: (enc) => {
      const d = docOf(enc, 'admission-note');
      return d ? retime(d, d.completedAt ?? addHours(enc.admitAt, 4), addHours(enc.admitAt, -3)) : undefined;
    },
  },
  {
    id: 'order-stops-after-discharge',
    ruleId: 'K06',
    what: 'a long-term order stopped 2 days after discharge',
    apply: (enc) => {
      const o = enc.orders.find((x) => x.kind === 'long' && x.stopAt);
      if (!o || !enc.dischargeAt) return undefined;
      const before = o.stopAt;
      o.stopAt = addHours(enc.dischargeAt, 48);
      return { where: `order ${o.id}.stopAt`, ...(before ? { before } : {}), after: o.stopAt };
    },
  },
  {
    id: 'surgery-order-before-discussion',
    ruleId: 'K07',
    what: 'the operation ordered before the 术前讨论 was held',
    apply: (enc) => {
      const disc = docOf(enc, 'preop-discussion');
      const o = enc.orders.find((x) => x.category === 'surgery');
      if (!disc?.recordedAt || !o) return undefined;
      const before = o.orderedAt;
      o.orderedAt = addHours(disc.recordedAt, -2);
      return { where: `order ${o.id}.orderedAt`, ...(before ? { before } : {}), after: o.orderedAt };
    },
  },
  {
    id: 'consent-op-name-differs',
    ruleId: 'K08',
    // The name put in says 右侧: on a record operated on the left it is also a side conflict (K10).
    also: ['K10'],
    what: '手术知情同意书 names an open Lichtenstein repair instead of the laparoscopic TAPP',
    apply: (enc) =>
      editDoc(docOf(enc, 'consent-surgery'), (t) =>
        replaceFirst(t, /(拟施手术[：:])[^\n　]*/, '$1右侧腹股沟疝开放无张力修补术（Lichtenstein）'),
      ),
  },
  {
    id: 'op-note-dx-not-in-discharge',
    ruleId: 'K09',
    also: ['K08'],
    what: '手术记录 术中诊断 (直疝) not among the discharge diagnoses',
    apply: (enc) =>
      editDoc(docOf(enc, 'op-note'), (t) => replaceFirst(t, /(术中诊断[：:])[^\n　]*/, '$1右侧腹股沟直疝')),
  },
  {
    id: 'consent-wrong-side',
    ruleId: 'K10',
    also: ['K08'],
    what: '手术知情同意书 says 左侧 where every other document says 右侧',
    apply: (enc) => {
      const d = docOf(enc, 'consent-surgery');
      // Not where the consent already names the other side (p04): the defect is there before the injection.
      if (!d || !/右侧/.test(d.text) || /左侧/.test(d.text)) return undefined;
      const before = d.text;
      d.text = d.text.replace(/右侧/g, '左侧');
      return { where: `document ${d.id}`, before: before.split('\n')[1], after: d.text.split('\n')[1] };
    },
  },
  {
    id: 'antibiotic-without-indication',
    ruleId: 'K11',
    // A cephalosporin ordered for a patient allergic to another one (h03: 头孢克洛) is also an allergy conflict.
    also: ['K14'],
    what: 'an antibiotic (头孢呋辛) ordered with no infection documented anywhere',
    // Not where a note already gives antibiotics a reason: a suspected infection ("心衰诱因考虑感染") or antibiotic
    // treatment told in the course ("给予抗生素抗感染"); an antibiotic that failed before ("抗生素治疗无效") is none.
    // An antibiotic filed under another category (n02: 头孢呋辛 as "other") is one too.
    apply: (enc) =>
      enc.orders.some((o) => o.category === 'antibiotic' || ANTIBIOTIC_NAME.test(o.text)) ||
      enc.documents.some(
        (d) =>
          d.type !== 'admission-note' &&
          !d.type.startsWith('consent') &&
          /考虑[^。；;，,\n]{0,6}感染|抗感染|抗生素(?!治疗无效|无效)/.test(d.text),
      )
        ? undefined
        : addOrder(enc, {
            id: `${enc.id}-inj-abx`,
            text: '注射用头孢呋辛钠 1.5g 静脉滴注 每日2次',
            kind: 'long',
            orderedAt: firstOrderTime(enc),
            signedBy: enc.orders[0]?.signedBy ?? 'd-x',
            status: 'stopped',
            ...(enc.dischargeAt ? { stopAt: addHours(enc.dischargeAt, -24) } : {}),
            category: 'antibiotic',
            antibioticTier: 'unrestricted',
            firstDoseAt: addHours(firstOrderTime(enc), 1),
            items: 1,
          }),
  },
  {
    id: 'special-antibiotic-without-approval',
    ruleId: 'K13',
    // K14: a carbapenem for a penicillin-allergic patient is the cross-reactivity warning of qc-rules.md K14.
    also: ['K11', 'K14'],
    what: 'a special-use antibiotic (美罗培南) with no consultation or approval',
    apply: (enc) =>
      addOrder(enc, {
        id: `${enc.id}-inj-mero`,
        text: '注射用美罗培南 1g 静脉滴注 每8小时1次',
        kind: 'long',
        orderedAt: firstOrderTime(enc),
        signedBy: enc.orders[0]?.signedBy ?? 'd-x',
        status: 'stopped',
        ...(enc.dischargeAt ? { stopAt: addHours(enc.dischargeAt, -24) } : {}),
        category: 'antibiotic',
        antibioticTier: 'special',
        firstDoseAt: addHours(firstOrderTime(enc), 1),
        items: 1,
      }),
  },
  {
    id: 'penicillin-allergy-amoxicillin',
    ruleId: 'K14',
    also: ['K11'],
    what: 'amoxicillin-clavulanate ordered for a patient with a documented penicillin allergy',
    apply: (enc) =>
      /青霉素过敏|青霉素类药物过敏/.test(allergyText(enc)) && !/否认/.test(allergyText(enc).split('青霉素')[0] ?? '')
        ? addOrder(enc, {
            id: `${enc.id}-inj-amox`,
            text: '阿莫西林克拉维酸钾片 0.625g 口服 每日3次',
            kind: 'long',
            orderedAt: firstOrderTime(enc),
            signedBy: enc.orders[0]?.signedBy ?? 'd-x',
            status: 'stopped',
            ...(enc.dischargeAt ? { stopAt: addHours(enc.dischargeAt, -24) } : {}),
            category: 'antibiotic',
            antibioticTier: 'unrestricted',
            firstDoseAt: addHours(firstOrderTime(enc), 1),
            items: 1,
          })
        : undefined,
  },
  {
    id: 'allergy-added-amoxicillin-given',
    ruleId: 'K14',
    also: ['K15'],
    what: 'penicillin allergy written in 既往史 and 首页 while amoxicillin is ordered',
    apply: (enc) => {
      const amox = enc.orders.find((o) => /阿莫西林/.test(o.text));
      const adm = docOf(enc, 'admission-note');
      if (!amox || !adm || !enc.homepage) return undefined;
      const span = editDoc(adm, (t) =>
        replaceFirst(t, /否认(?:药物及食物|食物及药物|药物、食物|药物)过敏史/, '青霉素过敏史（皮疹）'),
      );
      if (!span) return undefined;
      enc.homepage.drugAllergy = { has: true, drugs: ['青霉素'] };
      return span;
    },
  },
  {
    id: 'homepage-allergy-contradicts',
    ruleId: 'K15',
    // K14: the 头孢类 allergy written on the 首页 now meets the stay's cephalosporin orders (dev evidence:
    // the cefazolin/cefuroxime orders of the forms-dev2 and clean-encounter stays).
    also: ['K14'],
    what: '首页 药物过敏 contradicts the 入院记录 (有 where it is denied, 无 where an allergy is written)',
    apply: (enc) => {
      const h = enc.homepage;
      // A contradiction needs a record that states the allergy status: the 入院记录 or the nursing allergy record.
      const stated = enc.documents.some(
        (d) => d.type === 'nursing-allergy' || (d.type === 'admission-note' && /过敏/.test(d.text)),
      );
      if (!h || !stated) return undefined;
      // A 首页 that already says 无 against an allergy the record names (h03: 药物过敏：头孢克洛) contradicts it:
      // writing 有 there would mend the defect, not put one in.
      const named = enc.documents.some((d) =>
        /药物过敏史?[ \t\u3000]*[：:][ \t\u3000]*(?!无|否认|不详)[^\s。；;，,]/.test(d.text),
      );
      if (h.drugAllergy && !h.drugAllergy.has && named) return undefined;
      const before = JSON.stringify(h.drugAllergy ?? null);
      h.drugAllergy = h.drugAllergy?.has ? { has: false } : { has: true, drugs: ['头孢类'] };
      return { where: 'homepage.drugAllergy', before, after: JSON.stringify(h.drugAllergy) };
    },
  },
  {
    id: 'first-note-copies-hpi',
    ruleId: 'K16',
    also: ['C07'],
    what: '首次病程记录 病例特点 copied word for word from the 入院记录 现病史',
    // The whole 现病史 and the whole 病例特点, each with the lines a wrapped paragraph runs on to (t01, t06).
    apply: (enc) => {
      const adm = docOf(enc, 'admission-note');
      const first = docOf(enc, 'first-progress-note');
      const hpi = adm ? (sectionBlock(adm.text, '现病史')?.content ?? '') : '';
      if (!first || !hpi) return undefined;
      const lines = first.text.split('\n');
      const features = sectionBlock(first.text, '病例特点');
      if (!features) return undefined;
      const head = features.head.trim() === '' ? '病例特点：' : features.head;
      const before = lines.slice(features.from, features.to).join('\n');
      lines.splice(features.from, features.to - features.from, `${head}${hpi}`);
      first.text = lines.join('\n');
      return { where: `document ${first.id}`, before, after: `${head}${hpi}` };
    },
  },
  {
    id: 'progress-note-duplicated',
    ruleId: 'K16',
    // The second note's own content is gone: a result it discussed (C21), an indication it gave (K11) or the
    // handling of a critical value it recorded without naming it 危急值 (C23).
    also: ['C21', 'K11', 'C23'],
    what: 'a 日常病程记录 identical to the one before it',
    apply: (enc) => {
      const notes = enc.documents.filter((d) => d.type === 'progress-note' && !/危急值/.test(d.text));
      if (notes.length < 2) return undefined;
      const [a, b] = [notes[0]!, notes[1]!];
      const before = b.text;
      const bodyOf = (t: string) => t.split('\n').slice(1).join('\n');
      b.text = `${b.text.split('\n')[0]}\n${bodyOf(a.text)}`;
      return { where: `document ${b.id}`, before: before.split('\n')[1], after: b.text.split('\n')[1] };
    },
  },
  {
    id: 'chief-complaint-duration-differs',
    ruleId: 'K17',
    what: '主诉 duration unit changed (天→个月, 小时→天, 年→个月) while the 现病史 keeps the original time',
    apply: (enc) =>
      editDoc(docOf(enc, 'admission-note'), (t) => {
        const m = /((?:【主诉】|主诉[：:])[^\n]*?)(\d+)(天|日|小时|年|周)([。]?)$/m.exec(t);
        if (!m) return undefined;
        const unit = m[3] === '小时' ? '天' : '个月';
        return { text: t.replace(m[0], `${m[1]}${m[2]}${unit}${m[4]}`), span: m[0] };
      }),
  },
  {
    id: 'homepage-death-disposition',
    ruleId: 'K18',
    what: '首页 离院方式 5 (死亡) for a patient discharged alive, with no death record',
    apply: (enc) => {
      const h = enc.homepage;
      if (!h || h.dischargeDisposition === '5') return undefined;
      const before = h.dischargeDisposition;
      h.dischargeDisposition = '5';
      return { where: 'homepage.dischargeDisposition', ...(before ? { before } : {}), after: '5' };
    },
  },
  // ── 病案首页 (SY2016) ──
  {
    id: 'homepage-main-symptom-code',
    ruleId: 'H01',
    // H11: the former main diagnosis goes first among the other diagnoses as a comorbidity, before any
    // complication.
    also: ['K03', 'K12', 'H11'],
    what: '首页 主要诊断 a symptom (R-code) while the cause is known and listed',
    apply: (enc) => {
      const h = enc.homepage;
      if (!h?.mainDiagnosis) return undefined;
      const before = `${h.mainDiagnosis.name} ${h.mainDiagnosis.code ?? ''}`;
      h.otherDiagnoses.unshift({ ...h.mainDiagnosis, kind: 'comorbidity' });
      h.mainDiagnosis = { name: '发热', code: 'R50.9', admissionCondition: '1' };
      return { where: 'homepage.mainDiagnosis', before, after: '发热 R50.9' };
    },
  },
  {
    id: 'homepage-main-external-cause',
    ruleId: 'H02',
    also: ['H05', 'K03', 'H01'],
    what: '首页 主要诊断 coded with an external-cause code (W19)',
    apply: (enc) => {
      const m = enc.homepage?.mainDiagnosis;
      if (!m) return undefined;
      const before = m.code;
      m.code = 'W19';
      return { where: 'homepage.mainDiagnosis.code', ...(before ? { before } : {}), after: 'W19' };
    },
  },
  {
    id: 'homepage-duplicate-dx',
    ruleId: 'H03',
    also: ['K03'],
    what: '首页 other diagnoses repeat the 主要诊断',
    apply: (enc) => {
      const h = enc.homepage;
      if (!h?.mainDiagnosis) return undefined;
      h.otherDiagnoses.push({ ...h.mainDiagnosis, kind: 'comorbidity' });
      return { where: 'homepage.otherDiagnoses', after: `${h.mainDiagnosis.name} ${h.mainDiagnosis.code ?? ''}` };
    },
  },
  {
    id: 'homepage-invalid-code',
    ruleId: 'H04',
    also: ['H05', 'K03'],
    what: '首页 主要诊断 code that does not exist (K99.9)',
    apply: (enc) => {
      const m = enc.homepage?.mainDiagnosis;
      if (!m) return undefined;
      const before = m.code;
      m.code = 'K99.9';
      return { where: 'homepage.mainDiagnosis.code', ...(before ? { before } : {}), after: 'K99.9' };
    },
  },
  {
    id: 'homepage-name-code-mismatch',
    ruleId: 'H05',
    // H04: K35.8 (put in for a J code) is not a code of 国家临床版 2.0, which has K35.0/K35.1/K35.9 only
    // (src/knowledge/data/icd10cn): the injected code is also invalid, and H04 says so truly.
    also: ['K03', 'H04'],
    what: '首页 主要诊断 code of another disease (J45.9 哮喘; K35.8 for a J code)',
    apply: (enc) => {
      const m = enc.homepage?.mainDiagnosis;
      if (!m) return undefined;
      const before = m.code;
      m.code = m.code?.startsWith('J') ? 'K35.8' : 'J45.9';
      return { where: 'homepage.mainDiagnosis.code', ...(before ? { before } : {}), after: m.code };
    },
  },
  {
    id: 'homepage-no-external-cause',
    ruleId: 'H06',
    what: '首页: an injury as 主要诊断 without the 损伤中毒外部原因',
    apply: (enc) => {
      const h = enc.homepage;
      if (!h?.externalCause || !/^[ST]/.test(h.mainDiagnosis?.code ?? '')) return undefined;
      const before = `${h.externalCause.name ?? ''} ${h.externalCause.code ?? ''}`;
      delete h.externalCause;
      return { where: 'homepage.externalCause', before };
    },
  },
  {
    id: 'homepage-pathology-missing',
    ruleId: 'H07',
    also: ['C21'],
    what: '首页 says a specimen went to pathology but has no 病理诊断/编码/病理号',
    apply: (enc) => {
      const h = enc.homepage;
      if (!h || h.pathologySent) return undefined;
      h.pathologySent = true;
      delete h.pathology;
      return { where: 'homepage.pathologySent', before: 'false', after: 'true' };
    },
  },
  {
    id: 'homepage-admission-condition-missing',
    ruleId: 'H09',
    // H11: a cause chain listed before a complication is in order only when each was present on admission (t06).
    also: ['H11'],
    what: '首页: a diagnosis without its 入院病情',
    apply: (enc) => {
      const d = enc.homepage?.otherDiagnoses[0] ?? enc.homepage?.mainDiagnosis;
      if (!d?.admissionCondition) return undefined;
      const before = d.admissionCondition;
      delete d.admissionCondition;
      return { where: `homepage diagnosis ${d.name}.admissionCondition`, before };
    },
  },
  {
    id: 'homepage-minor-procedure-first',
    ruleId: 'H10',
    // K08: the 首页's first operation is now 留置导尿术, not the operation of the op note and consent.
    also: ['K08'],
    what: '首页: a minor procedure (导尿) listed before the main operation',
    apply: (enc) => {
      const h = enc.homepage;
      if (!h?.procedures.some((p) => p.kind === 'surgery')) return undefined;
      h.procedures.unshift({ name: '留置导尿术', code: '57.94', kind: 'procedure', level: 1 });
      return { where: 'homepage.procedures[0]', after: '留置导尿术 57.94' };
    },
  },
  {
    id: 'homepage-no-admission-route',
    ruleId: 'H12',
    what: '首页 入院途径 empty',
    apply: (enc) => {
      const h = enc.homepage;
      if (!h?.admissionRoute) return undefined;
      const before = h.admissionRoute;
      delete h.admissionRoute;
      return { where: 'homepage.admissionRoute', before };
    },
  },
  {
    id: 'homepage-no-coder',
    ruleId: 'H12',
    what: '首页 without the coder’s signature',
    apply: (enc) => {
      const h = enc.homepage;
      if (!h?.signatures.some((s) => s.role === 'coder')) return undefined;
      h.signatures = h.signatures.filter((s) => s.role !== 'coder');
      return { where: 'homepage.signatures', before: 'coder' };
    },
  },
  {
    id: 'homepage-admit-no-minutes',
    ruleId: 'H12',
    what: '首页 入院时间 written without hour and minute',
    apply: (enc) => {
      const h = enc.homepage;
      if (!h?.admitAt || h.admitAt.length <= 10) return undefined;
      const before = h.admitAt;
      h.admitAt = h.admitAt.slice(0, 10);
      return { where: 'homepage.admitAt', before, after: h.admitAt };
    },
  },
  {
    id: 'homepage-no-anesthesiologist',
    ruleId: 'H12',
    what: '首页: an operation under general anaesthesia without the 麻醉医师',
    apply: (enc) => {
      // Under local anaesthesia the 首页 owes no 麻醉医师 (H12's `noAnaesthetist`): no defect to put in (h01).
      const general = (x: { anesthesia?: string }) => !/局麻|局部|无/.test(x.anesthesia ?? '');
      const p = enc.homepage?.procedures.find((x) => x.kind === 'surgery' && x.anesthesiologist && general(x));
      if (!p) return undefined;
      const before = p.anesthesiologist;
      delete p.anesthesiologist;
      return { where: 'homepage.procedures[0].anesthesiologist', ...(before ? { before } : {}) };
    },
  },
];

/** Rule ids the catalogue injects, for the README and the tests. */
export const INJECTED_RULES: readonly string[] = [...new Set(INJECTIONS.map((i) => i.ruleId))].sort();
