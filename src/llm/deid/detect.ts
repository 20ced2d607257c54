import { findDates } from './dates.js';
import { zhNameStopChars, zhNotName, zhSurnames } from './names-zh.js';

/**
 * PHI detection for Chinese and English clinical text: rules with context cues, checksums where a
 * number has one, and propagation (a name found once is masked everywhere in the text). The kinds
 * follow HIPAA Safe Harbor's identifiers (45 CFR 164.514(b)(2)) and China's PIPL sensitive personal
 * information (身份证号, 医保号, 联系方式, 住址).
 */
export type PhiKind = 'NAME' | 'ID' | 'INSURANCE' | 'MRN' | 'PHONE' | 'EMAIL' | 'ADDRESS' | 'DATE' | 'AGE';

export interface PhiSpan {
  readonly kind: PhiKind;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface DetectOptions {
  /** Names the caller already knows (from the patient record): always masked. */
  readonly knownNames?: readonly string[];
  /** Other identifiers the caller knows (MRN, phone…): always masked. */
  readonly knownIdentifiers?: readonly { kind: PhiKind; value: string }[];
}

// When two detections overlap, the more specific kind wins.
const priority: Record<PhiKind, number> = {
  ID: 9,
  INSURANCE: 8,
  MRN: 7,
  EMAIL: 6,
  PHONE: 5,
  ADDRESS: 4,
  DATE: 3,
  NAME: 2,
  AGE: 1,
};

const HAN = '\\u4e00-\\u9fa5';
const surnameAlt = [...zhSurnames].sort((a, b) => b.length - a.length).join('|');

/** GB 11643-1999 check digit of an 18-character resident ID number. */
export function validCnId(id: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(id)) return false;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = w.reduce((s, wi, i) => s + wi * Number(id[i]), 0);
  return '10X98765432'[sum % 11] === id[17]!.toUpperCase();
}

type Push = (kind: PhiKind, start: number, end: number) => void;

function each(re: RegExp, text: string, fn: (m: RegExpExecArray) => void): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    fn(m);
    if (m[0].length === 0) re.lastIndex++;
  }
}

/** Pushes group `g` of each match (its offset found from the match start). */
function pushGroup(push: Push, kind: PhiKind, m: RegExpExecArray, g: number): void {
  const value = m[g];
  if (!value) return;
  const start = m.index + m[0].lastIndexOf(value);
  push(kind, start, start + value.length);
}

// ── identifiers with a cue ─────────────────────────────────────────────────────────────────────
const SEP = '\\s*(?:[:：#]|No\\.?|number|num\\.?|ID)?\\s*[:：#]?\\s*';
const TOKEN = '([A-Za-z0-9][A-Za-z0-9-]*\\d[A-Za-z0-9-]*|\\d[A-Za-z0-9-]*)';

const insuranceCue = new RegExp(
  `(?:医保卡号|医保号|医保卡|医保编号|医保个人编号|个人编号|社保卡号|社保号|社会保障号|医疗保险号|参保号|新农合号|Medicare(?:\\s+(?:ID|number|no\\.?|#))?|Medicaid(?:\\s+(?:ID|number|no\\.?|#))?|insurance(?:\\s+(?:ID|number|no\\.?|#))?|member\\s*(?:ID|#|no\\.?|number)|subscriber\\s+ID|policy(?:\\s+(?:number|no\\.?|#))?|group\\s+(?:number|no\\.?)|SSN|social\\s+security(?:\\s+number)?)${SEP}(?:[A-Z][A-Za-z]+(?:\\s[A-Z][A-Za-z]+)*\\s+member\\s+ID\\s*)?${TOKEN}`,
  'gi',
);
const mrnCue = new RegExp(
  `(?:MRN|medical\\s+record(?:\\s+(?:number|no\\.?|#))?|record\\s+(?:number|no\\.?)|chart(?:\\s+(?:number|no\\.?))?|patient\\s+ID|account\\s+(?:number|no\\.?)|住院号|病案号|病历号|门诊号|急诊号|登记号|就诊卡号|档案号|ID号|床号|检查号)${SEP}${TOKEN}`,
  'gi',
);
const idCue = /(?:身份证(?:号码|号)?|居民身份证|证件号(?:码)?)\s*[:：]?\s*([0-9]{15}(?:[0-9]{2}[0-9Xx])?)/g;
// The same numbers written in groups ("3301 0619 3007 1618 64") after a cue.
const idCueSpaced = /(?:身份证(?:号码|号)?|居民身份证|证件号(?:码)?)\s*[:：]?\s*(\d[\d ]{15,22}[\dXx])(?![\dXx])/g;
const insuranceCueSpaced =
  /(?:医保卡号|医保号|医保编号|医保个人编号|个人编号|社保卡号|社保号|参保号|insurance\s+(?:ID|number)|member\s*(?:ID|#))\s*[:：#]?\s*([A-Za-z0-9][A-Za-z0-9]*(?:[ -][A-Za-z0-9]+){1,5})/gi;
const cnId =
  /(?<![0-9A-Za-z])([1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx])(?![0-9A-Za-z])/g;
const ssn = /(?<![\d-])(\d{3}-\d{2}-\d{4})(?![\d-])/g;
const medicareMbi = /(?<![A-Z0-9])(\d[A-Z][A-Z0-9]\d-?[A-Z][A-Z0-9]\d-?[A-Z]{2}\d{2})(?![A-Z0-9])/g;

// ── contact details ────────────────────────────────────────────────────────────────────────────
const email = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const cnMobile = /(?<![\d])((?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2})(?![\d])/g;
const cnLandline = /(?<![\d])(\(?0\d{2,3}\)?[-\s]\d{3,4}[-\s]?\d{4}(?:\s?(?:转|ext\.?|x)\s?\d{1,5})?)(?![\d])/g;
const usPhone = /(?<![\d])((?:\+?1[-.\s]?)?(?:\(\d{3}\)\s?|\d{3}[-.\s])\d{3}[-.\s]\d{4})(?![\d])/g;
// International numbers written with a country code (+44 20 7946 0958).
const intlPhone = /(?<![\d+])(\+\d{1,3}(?:[\s.-]?\(?\d{1,5}\)?){2,5})(?!\d)/g;
const phoneCue =
  /(?:电话|手机|联系方式|联系电话|座机|传真|Tel(?:ephone)?|Phone|Cell|Mobile|Fax|call(?:ed)?|at)\s*[:：]?\s*(\+?[\d(][\d\s().-]{6,}\d)/gi;

// ── addresses ──────────────────────────────────────────────────────────────────────────────────
const zhAddressCue = new RegExp(
  `(?:家庭住址|现住址|户籍地址|联系地址|通讯地址|住址|地址|现住|现居住?|家住|居住于|居住在|户籍地)\\s*[:：]?\\s*([${HAN}0-9A-Za-z\\-－#（）()]{4,60})`,
  'g',
);
const zhAddressMarker = /[省市区县镇乡村路街道巷弄号楼室栋]/;
const zhAddress = new RegExp(
  `((?:[${HAN}]{2,8}?(?:省|自治区))?[${HAN}]{2,8}?市(?:[${HAN}]{1,8}?(?:区|县|市))?[${HAN}0-9]{1,20}?(?:路|街|大道|大街|巷|弄|胡同|村)[${HAN}0-9A-Za-z\\-]*?\\d+[号弄](?:[${HAN}0-9A-Za-z\\-]*?(?:室|栋|幢|楼|单元|座|\\d))*)`,
  'g',
);
const STREET =
  '(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Parkway|Pkwy|Circle|Cir|Highway|Hwy|Square|Sq|Trail|Trl)';
const enAddress = new RegExp(
  `\\b(\\d{1,6}\\s(?:[NSEW]\\.?\\s)?(?:[A-Z][a-z]+\\s){1,4}${STREET}\\.?(?:,?\\s(?:Apt|Apartment|Suite|Ste|Unit|#)\\.?\\s?[\\w-]+)?(?:,\\s(?:[A-Z][a-z]+\\s?){1,3})?(?:,\\s[A-Z]{2})?(?:\\s\\d{5}(?:-\\d{4})?)?)`,
  'g',
);

// ── ages over 89 (HIPAA: aggregate into 90 or older) ────────────────────────────────────────────
const ageZh = /(?<!\d)(\d{2,3})\s*(?:周岁|岁)/g;
const ageEn = /(?<![\d.])(\d{2,3})(?:\s*-?\s*(?:years?|yrs?)[\s-]*old|\s*(?:y\/o|yo|y\.o\.))/gi;
const ageCue = /\b(?:aged?|Age)\s*[:：]?\s*(\d{2,3})(?!\d)/g;
const ageZhCue = /年龄\s*[:：]?\s*(\d{2,3})(?!\d)/g;
// Ages in words: 九十二岁, 一百零一岁; ninety-three year old.
const ageZhWords =
  /((?:九十[一二三四五六七八九]?|一百(?:零[一二三四五六七八九]|一十[一二三四五六七八九]?|[一二]十[一二三四五六七八九]?)?)\s*(?:周岁|岁))/g;
const ageEnWords =
  /\b((?:ninety|one\s+hundred(?:\s+and)?)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?)(?=[\s-]+(?:years?|yrs?)[\s-]*old|\s*y\/?o\b)/gi;
// Dates in Chinese numerals: 二〇一九年三月(五日).
const dateZhWords =
  /([〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月(?:[一二三四五六七八九十]{1,3}[日号])?)/g;
// Obfuscated e-mail: name (at) host (dot) com.
const emailObfuscated = /([\w.+-]+\s*[([]\s*at\s*[)\]]\s*[\w-]+(?:\s*(?:[([]\s*dot\s*[)\]]|\.)\s*[\w-]+)+)/gi;

// ── names ──────────────────────────────────────────────────────────────────────────────────────
const zhNameCues =
  '姓名|患者姓名|病人姓名|受检者|被检者|患者|病人|患儿|家属|联系人|紧急联系人|委托人|监护人|签名|医师|医生|主任|术者|助手|一助|二助|护士|麻醉师|会诊医师|主治医师|住院医师|上级医师|报告医师|审核医师|申请医师|记录者|其子|其女|之子|之女|儿子|女儿|孙子|孙女|外孙|丈夫|妻子|配偶|母亲|父亲|哥哥|姐姐|弟弟|妹妹|老伴';
const TITLE =
  '(?:老先生|老太太|先生|女士|小姐|同志|老人|医生|医师|大夫|副?主任医师|副?主任|护士长|护士|副?教授|老师|阿姨|院长)';
// Greedy (surname + up to two characters); a trailing particle is trimmed and clinical words that
// start with a surname character (患者高血压…, 患者于今日…) are dropped in addZh.
const zhNameAfterCue = new RegExp(`(?:${zhNameCues})\\s*[:：]?\\s*((?:${surnameAlt})[${HAN}]{1,2})`, 'g');
const zhNameBeforeTitle = new RegExp(`((?:${surnameAlt})[${HAN}]{1,2}?)(?=${TITLE})`, 'g');
// "林晓因反复咳嗽…", "林晓之母亲": a name opening a clause, followed by what follows a subject.
const zhNameOpening = new RegExp(
  `(?:^|[。；;！!？?\\n])\\s*((?:${surnameAlt})[${HAN}]{1,2}?)(?=因|自|诉|主诉|之(?:母|父|子|女|妻|夫|兄|弟|姐|妹))`,
  'gm',
);
// "宋喜荣女性、90岁": a name opening a clause, followed by the sex.
const zhNameBeforeSex = new RegExp(
  `(?:^|[\\s。；;，,、:：.])((?:${surnameAlt})[${HAN}]{1,2})[，,、\\s]?(?:男|女)性?[，,、。\\s]`,
  'gm',
);
const CAP = "[A-Z](?:[a-z]+|'[A-Z][a-z]+)(?:-[A-Z][a-z]+)?";
const enTitleName = new RegExp(`\\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\\.?\\s+((?:${CAP})(?:\\s(?:${CAP})){0,2})`, 'g');
const enCueName = new RegExp(
  `\\b(?:Patient(?:\\s+name)?|Name|Attending|Surgeon|Assistant|Anesthesiologist|Requested\\s+by|Referring\\s+physician|Referred\\s+by|Emergency\\s+contact|Contact|Physician|Provider|Nurse|Resident|Signed(?:\\s+by)?|Seen\\s+by|Dictated\\s+by|[Dd]iscussed\\s+with|called|Guardian|Next\\s+of\\s+kin)\\s*[:,]?\\s+(?:(?:Mr|Mrs|Ms|Dr)\\.?\\s+)?((?:${CAP})(?:\\s(?:${CAP})){0,2})`,
  'g',
);
const enRelationName = new RegExp(
  `\\b(?:${[
    'wife',
    'husband',
    'son',
    'daughter',
    'mother',
    'father',
    'brother',
    'sister',
    'grandson',
    'granddaughter',
    'nephew',
    'niece',
    'spouse',
    'partner',
    'friend',
    'caregiver',
    'family',
  ]
    .map((w) => `[${w[0]!.toUpperCase()}${w[0]}]${w.slice(1)}`)
    .join('|')})\\s*[,:]?\\s*\\(?\\s*((?:${CAP})(?:\\s(?:${CAP})){0,2})`,
  'g',
);
const enCredentialName = new RegExp(
  `((?:${CAP})(?:\\s(?:${CAP})){1,2}),\\s*(?:MD|DO|RN|NP|PA-C|PA|PhD|MBBS|DDS)\\b`,
  'g',
);
const enLeadingName = new RegExp(
  `^\\s*((?:${CAP})(?:\\s(?:${CAP})){1,2}),\\s*\\d{1,3}\\s*(?:y\\/o|yo|years?|-year)`,
  'gm',
);
// Capitalised words that follow a cue but are not names.
const enNotName =
  /^(?:The|This|That|He|She|His|Her|They|We|It|On|In|At|For|With|And|Not|No|Date|Name|Age|Phone|Address|Follow|Return|Discussed|Seen|Patient|History|Emergency|Department|Blue|Cross|Medicare|Medicaid|Insurance|Cardiology|Unknown|None|Same|Home|Hospital|Clinic)$/;

/** Finds every PHI span in `text` (merged: no two overlap). */
export function detectPhi(text: string, options: DetectOptions = {}): PhiSpan[] {
  const raw: { kind: PhiKind; start: number; end: number }[] = [];
  const push: Push = (kind, start, end) => {
    if (end > start) raw.push({ kind, start, end });
  };

  each(idCue, text, (m) => pushGroup(push, 'ID', m, 1));
  each(idCueSpaced, text, (m) => {
    const digits = m[1]!.replace(/ /g, '');
    if (digits.length === 15 || digits.length === 18) pushGroup(push, 'ID', m, 1);
  });
  each(insuranceCueSpaced, text, (m) => {
    if ((m[1]!.match(/\d/g)?.length ?? 0) >= 5) pushGroup(push, 'INSURANCE', m, 1);
  });
  each(cnId, text, (m) => {
    if (validCnId(m[1]!)) pushGroup(push, 'ID', m, 1);
  });
  each(insuranceCue, text, (m) => pushGroup(push, 'INSURANCE', m, 1));
  each(ssn, text, (m) => pushGroup(push, 'INSURANCE', m, 1));
  each(medicareMbi, text, (m) => pushGroup(push, 'INSURANCE', m, 1));
  each(mrnCue, text, (m) => pushGroup(push, 'MRN', m, 1));
  each(email, text, (m) => push('EMAIL', m.index, m.index + m[0].length));
  each(cnMobile, text, (m) => pushGroup(push, 'PHONE', m, 1));
  each(cnLandline, text, (m) => pushGroup(push, 'PHONE', m, 1));
  each(usPhone, text, (m) => pushGroup(push, 'PHONE', m, 1));
  each(intlPhone, text, (m) => {
    const digits = m[1]!.replace(/\D/g, '').length;
    if (digits >= 8 && digits <= 15) pushGroup(push, 'PHONE', m, 1);
  });
  each(emailObfuscated, text, (m) => pushGroup(push, 'EMAIL', m, 1));
  each(phoneCue, text, (m) => {
    const digits = m[1]!.replace(/\D/g, '');
    if (digits.length >= 7 && digits.length <= 15) pushGroup(push, 'PHONE', m, 1);
  });
  each(zhAddressCue, text, (m) => {
    if (zhAddressMarker.test(m[1]!)) pushGroup(push, 'ADDRESS', m, 1);
  });
  each(zhAddress, text, (m) => pushGroup(push, 'ADDRESS', m, 1));
  each(enAddress, text, (m) => pushGroup(push, 'ADDRESS', m, 1));
  for (const d of findDates(text)) push('DATE', d.start, d.end);
  each(dateZhWords, text, (m) => pushGroup(push, 'DATE', m, 1));
  each(ageZhWords, text, (m) => pushGroup(push, 'AGE', m, 1));
  each(ageEnWords, text, (m) => pushGroup(push, 'AGE', m, 1));
  for (const re of [ageZh, ageEn, ageCue, ageZhCue]) {
    each(re, text, (m) => {
      if (Number(m[1]) > 89 && Number(m[1]) < 130) pushGroup(push, 'AGE', m, 1);
    });
  }

  const names = new Set<string>(options.knownNames?.filter((n) => n.trim().length >= 2) ?? []);
  const addZh = (m: RegExpExecArray) => {
    let name = m[1]!;
    if (name.length >= 3 && zhNameStopChars.has(name[name.length - 1]!)) name = name.slice(0, -1);
    if (name.length >= 2 && !zhNotName.test(name)) names.add(name);
  };
  each(zhNameAfterCue, text, addZh);
  each(zhNameBeforeTitle, text, addZh);
  each(zhNameBeforeSex, text, addZh);
  each(zhNameOpening, text, addZh);
  for (const re of [enTitleName, enCueName, enRelationName, enCredentialName, enLeadingName]) {
    each(re, text, (m) => {
      const words = m[1]!.split(' ');
      while (words.length && enNotName.test(words[0]!)) words.shift();
      while (words.length && enNotName.test(words[words.length - 1]!)) words.pop();
      if (!words.length) return;
      const name = words.join(' ');
      names.add(name);
      // "Linda Carter" also names the family: mask "Carter" alone elsewhere.
      if (words.length > 1) for (const w of words) if (w.length >= 3) names.add(w);
    });
  }
  for (const name of [...names].sort((a, b) => b.length - a.length)) {
    const isLatin = /^[A-Za-z]/.test(name);
    const re = new RegExp(isLatin ? `\\b${escapeRe(name)}\\b` : escapeRe(name), 'g');
    each(re, text, (m) => push('NAME', m.index, m.index + m[0].length));
  }
  for (const k of options.knownIdentifiers ?? []) {
    if (k.value.length < 3) continue;
    each(new RegExp(escapeRe(k.value), 'g'), text, (m) => push(k.kind, m.index, m.index + m[0].length));
  }
  return merge(raw, text);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Overlapping detections become one span (their union) of the highest-priority kind among them. */
function merge(raw: readonly { kind: PhiKind; start: number; end: number }[], text: string): PhiSpan[] {
  const sorted = [...raw].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: { kind: PhiKind; start: number; end: number }[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start < last.end) {
      // Dates and ages keep their own span (they are shifted, not masked) unless fully inside another.
      last.end = Math.max(last.end, r.end);
      if (priority[r.kind] > priority[last.kind]) last.kind = r.kind;
    } else out.push({ ...r });
  }
  return out.map((s) => ({ ...s, text: text.slice(s.start, s.end) }));
}
