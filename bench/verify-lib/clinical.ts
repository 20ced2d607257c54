import type { Fact, Lang } from '../../src/core/index.js';
import { type InjectContext, type Injection, shuffle } from './inject.js';

/**
 * Injectors for the error kinds issue 12 names beside the taxonomy (allergy denied or invented, a
 * drug given despite an allergy to its class, an imaging result reversed, a laboratory value changed,
 * a negated past diagnosis affirmed, a stopped or never-ordered drug listed for discharge).
 *
 * Ground truth comes from the record's words through the plain patterns below, never from the
 * verifier or the NLP stage under test, so that a change to either cannot move what is called an error.
 * Each injector may also return a faithful control (the same kind of sentence, true to the record):
 * a control the verifier flags is a false alarm of that kind.
 */
export interface ClinicalInjection extends Injection {
  readonly control?: { readonly text: string; readonly start: number; readonly end: number; readonly note: string };
}

type ClinicalInjector = (c: InjectContext) => ClinicalInjection | undefined;

const joinDocs = (c: InjectContext) => (c.documents ?? []).map((d) => d.text).join('\n');

function appended(c: InjectContext, sentence: string): { text: string; start: number; end: number } {
  const sep = c.text === '' || c.text.endsWith('\n') ? '' : c.lang === 'zh' ? '' : ' ';
  const start = c.text.length + sep.length;
  return { text: c.text + sep + sentence, start, end: start + sentence.length };
}

/**
 * Drug classes with a labelled cross-reactivity contraindication, the record words that name an
 * allergy to the class, and a discharge prescription of another member of the class.
 * Sources: 阿莫西林胶囊说明书【禁忌】青霉素过敏者禁用, amoxicillin (Amoxil) US label §4 (serious
 * hypersensitivity to beta-lactams); 头孢菌素类说明书【禁忌】对头孢菌素类过敏者禁用 (e.g. 头孢呋辛酯片);
 * 复方磺胺甲噁唑片说明书【禁忌】对磺胺类药物过敏者禁用, Bactrim US label §4; clarithromycin (Biaxin)
 * US label §4 (hypersensitivity to erythromycin or any macrolide); ibuprofen/naproxen US labels §4 and
 * 布洛芬说明书【禁忌】(asthma, urticaria or allergic-type reactions after aspirin or other NSAIDs).
 */
export const allergyClasses: readonly {
  readonly id: string;
  readonly zh: RegExp;
  readonly en: RegExp;
  readonly drug: { zh: string; en: string };
  readonly source: string;
}[] = [
  {
    id: 'penicillins',
    zh: /青霉素|青(?=、[^、]{1,3}霉素)|阿莫西林|氨苄西林/,
    en: /\b(penicillins?|amoxicillin|ampicillin)\b/i,
    drug: { zh: '阿莫西林胶囊 0.5g 口服 每日三次', en: 'amoxicillin 500 mg PO TID' },
    source: 'amoxicillin label: contraindicated in penicillin/beta-lactam hypersensitivity',
  },
  {
    id: 'cephalosporins',
    zh: /头孢/,
    en: /\b(cephalosporins?|cef\w+|ceph\w+)\b/i,
    drug: { zh: '头孢呋辛酯片 0.25g 口服 每日两次', en: 'cefuroxime axetil 250 mg PO BID' },
    source: 'cephalosporin labels: contraindicated in cephalosporin hypersensitivity',
  },
  {
    id: 'sulfonamides',
    zh: /磺胺|增效联磺/,
    en: /\b(sulfa|sulfonamides?|sulfamethoxazole)\b/i,
    drug: { zh: '复方磺胺甲噁唑片 0.96g 口服 每日两次', en: 'trimethoprim-sulfamethoxazole 160/800 mg PO BID' },
    source: 'Bactrim label / 复方磺胺甲噁唑片说明书: contraindicated in sulfonamide hypersensitivity',
  },
  {
    id: 'macrolides',
    zh: /红霉素|阿奇霉素|克拉霉素/,
    en: /\b(erythromycin|azithromycin|clarithromycin|macrolides?)\b/i,
    drug: { zh: '克拉霉素片 0.25g 口服 每日两次', en: 'clarithromycin 500 mg PO BID' },
    source: 'clarithromycin label: contraindicated in hypersensitivity to erythromycin or any macrolide',
  },
  {
    id: 'nsaids',
    zh: /阿司匹林|布洛芬|双氯芬酸|萘普生|非甾体/,
    en: /\b(aspirin|ibuprofen|naproxen|nsaids?)\b/i,
    drug: { zh: '布洛芬缓释胶囊 0.3g 口服 每日两次', en: 'naproxen 500 mg PO BID' },
    source: 'NSAID labels: contraindicated after allergic-type reactions to aspirin or other NSAIDs',
  },
];

interface RecordedAllergy {
  readonly substance: string;
  readonly classId?: string;
}

/** Drug allergies the record affirms, and whether it denies drug allergies anywhere. */
export function recordAllergies(text: string, lang: Lang): { positive: RecordedAllergy[]; denied: boolean } {
  const positive: RecordedAllergy[] = [];
  let denied = false;
  if (lang === 'zh') {
    for (const clause of text.split(/[。；;，,\n]/)) {
      const at = clause.search(/(?<!抗)过敏/);
      if (at < 0) continue;
      const before = clause.slice(0, at);
      if (/否认|无|未发现|不详/.test(before)) {
        if (/药/.test(clause)) denied = true;
        continue;
      }
      const before0 = positive.length;
      for (const k of allergyClasses) {
        const m = k.zh.exec(clause);
        if (m) positive.push({ substance: m[0] === '青' ? '青霉素' : m[0], classId: k.id });
      }
      // A drug allergy outside the classes above (安乃近药物过敏): an allergy still, with no class.
      const other = /([\u4e00-\u9fa5]{2,6}?)(?:类)?药物?\s*v?过敏/.exec(clause);
      if (positive.length === before0 && other)
        positive.push({ substance: other[1]!.replace(/^(?:既往|自诉|自述|有|对)+/, '') });
    }
  } else {
    if (/\b(no known (drug )?allergies|NKDA|denies (any )?(drug )?allergies)\b/i.test(text)) denied = true;
    for (const line of text.split(/\n|(?<=\.)\s/)) {
      if (!/allerg/i.test(line) || /\bno known\b|\bNKDA\b|\bno\s+\w*\s*allerg/i.test(line)) continue;
      for (const k of allergyClasses) {
        const m = k.en.exec(line);
        if (m) positive.push({ substance: m[0], classId: k.id });
      }
    }
  }
  return { positive, denied };
}

/** A drug allergy the record affirms, stated as "no drug allergies". */
export const allergyDenied: ClinicalInjector = (c) => {
  const a = c.pick(recordAllergies(joinDocs(c), c.lang).positive);
  if (!a) return undefined;
  const s = appended(c, c.lang === 'zh' ? '否认药物过敏史。' : 'No known drug allergies.');
  const k = appended(c, c.lang === 'zh' ? `有${a.substance}过敏史。` : `Allergic to ${a.substance}.`);
  return {
    type: 'ALG-denied',
    ...s,
    note: `record: allergy to ${a.substance}`,
    control: { ...k, note: `restates the ${a.substance} allergy` },
  };
};

/** The record denies drug allergies; the text invents one (a substance the record never names). */
export const allergyInvented: ClinicalInjector = (c) => {
  const docs = joinDocs(c);
  const { positive, denied } = recordAllergies(docs, c.lang);
  if (!denied || positive.length > 0) return undefined;
  const choices =
    c.lang === 'zh' ? ['青霉素', '头孢类药物', '磺胺类药物'] : ['penicillin', 'sulfa drugs', 'cephalosporins'];
  const substance = c.pick(
    choices.filter((s) => !docs.toLowerCase().includes(s.replace(/类药物|s$| drugs/g, '').toLowerCase())),
  );
  if (!substance) return undefined;
  const s = appended(c, c.lang === 'zh' ? `对${substance}过敏。` : `Allergic to ${substance}.`);
  const k = appended(c, c.lang === 'zh' ? '否认药物过敏史。' : 'No known drug allergies.');
  return {
    type: 'ALG-invented',
    ...s,
    note: `invented allergy to ${substance}; the record denies drug allergies`,
    control: { ...k, note: 'restates the denial' },
  };
};

/** A discharge prescription of a drug in the class the patient is allergic to. */
export const allergyClassDrug: ClinicalInjector = (c) => {
  const a = c.pick(recordAllergies(joinDocs(c), c.lang).positive.filter((x) => x.classId));
  const k = a && allergyClasses.find((x) => x.id === a.classId);
  if (!a || !k) return undefined;
  const s = appended(c, c.lang === 'zh' ? `出院带药：${k.drug.zh}。` : `\nDischarge medications: ${k.drug.en}.`);
  return { type: 'ALG-class', ...s, note: `${k.drug[c.lang]} despite an allergy to ${a.substance} (${k.source})` };
};

/** Past-history conditions the record denies (否认高血压、糖尿病史). */
const deniedHistory = /(高血压|糖尿病|冠心病|脑梗死|肝炎|结核)/g;

/** A condition the record's past history denies, stated as the patient's history. */
export const diagnosisNegated: ClinicalInjector = (c) => {
  if (c.lang !== 'zh') return undefined;
  const found = new Set<string>();
  for (const clause of joinDocs(c).split(/[。；;\n]/)) {
    const at = clause.indexOf('否认');
    if (at < 0) continue;
    for (const m of clause.slice(at).matchAll(deniedHistory)) found.add(m[1]!);
  }
  const docs = joinDocs(c);
  // Only conditions the record never affirms elsewhere.
  const name = c.pick([...found].filter((d) => !new RegExp(`(?<!否认[^。；]{0,30})(?:有|患|诊断为?)${d}`).test(docs)));
  if (!name) return undefined;
  const s = appended(c, `既往有${name}病史。`);
  const k = appended(c, `否认${name}病史。`);
  return {
    type: 'DX-negated',
    ...s,
    note: `record denies ${name}`,
    control: { ...k, note: `restates the denial of ${name}` },
  };
};

const studyCue =
  /(CT|X光片|X线片?|正位片|侧位片|平片|DR|彩超|B超|超声|MRI|核磁共振?|磁共振)[^。；:：示]{0,12}?(?:检查)?(?:提示|示)[：:]?|(?:CT|X光片|X线片?|正位片|彩超|B超|超声|MRI)[：:]/g;
// A result is normal when it says so and names nothing abnormal; abnormal when it holds no negation at all.
// Mixed results ("双肺纹理增多，未见实变") are left alone: reversing them is not one clean change.
const normalResult = /未见(?:明显)?(?:异常|骨折|占位|病变|实变)|无(?:明显)?异常|正常/;
const anyNegation = /未见|未及|无|正常|不除外|待排|除外|可能/;

/**
 * Reverses an imaging result the text copies from the record: a finding → "未见明显异常" / "no acute
 * abnormality"; a normal chest or head study → a finding of that region (右下肺斑片影, 右侧基底节区低密度影).
 */
export const imagingReversed: ClinicalInjector = (c) => {
  if (c.lang !== 'zh') return undefined;
  const sites: { start: number; end: number; normal: boolean; study: string }[] = [];
  for (const m of c.text.matchAll(studyCue)) {
    const start = m.index + m[0].length;
    const stop = c.text.slice(start).search(/[。；;\n]/);
    const end = stop < 0 ? c.text.length : start + stop;
    const finding = c.text.slice(start, end).trim();
    if (finding.length < 3 || !inGrounded(c, start)) continue;
    const isNormal = normalResult.test(finding) && finding.length <= 16 && !/[，,]/.test(finding);
    if (!isNormal && anyNegation.test(finding)) continue;
    sites.push({ start, end, normal: isNormal, study: c.text.slice(Math.max(0, m.index - 8), start) });
  }
  const site = c.pick(sites);
  if (!site) return undefined;
  if (!site.normal) {
    const by = '未见明显异常';
    return {
      type: 'IMG-reversed',
      text: c.text.slice(0, site.start) + by + c.text.slice(site.end),
      start: site.start,
      end: site.start + by.length,
      note: `finding “${c.text.slice(site.start, site.end)}” → normal`,
    };
  }
  const by = /胸|肺/.test(site.study)
    ? '右下肺斑片状密度增高影'
    : /头|颅/.test(site.study)
      ? '右侧基底节区低密度影'
      : undefined;
  if (!by) return undefined;
  return {
    type: 'IMG-reversed',
    text: c.text.slice(0, site.start) + by + c.text.slice(site.end),
    start: site.start,
    end: site.start + by.length,
    note: `normal study → “${by}”`,
  };
};

/** A laboratory value the text copies from the record, multiplied by ten (CRP 96 → 960). */
export const valueChanged: ClinicalInjector = (c) => {
  const measured = c.facts.filter(
    (f) =>
      f.category === 'measurement' &&
      f.value &&
      typeof f.value.value === 'number' &&
      c.eligible(f) &&
      inGrounded(c, span(f).start) &&
      !vital.test(`${f.concept.display ?? ''} ${f.concept.displayZh ?? ''}`) &&
      !saltSuffix(c.text, f),
  );
  for (const f of shuffle(measured, c)) {
    const s = span(f);
    const tail = c.text.slice(s.start, Math.min(c.text.length, s.end + 24));
    const v = f.value!.value as number;
    const m = new RegExp(`(?<![\\d.])${String(v).replace('.', '\\.')}(?![\\d.])`).exec(tail);
    if (!m) continue;
    // A number followed by a dose unit is a drug strength (Naproxen sodium 220 MG), not a result.
    if (/^\s*(?:mg|g|mcg|µg|ug)(?![/\w])/i.test(tail.slice(m.index + m[0].length))) continue;
    const changed = String(Number((v * 10).toPrecision(6)));
    const at = s.start + m.index;
    return {
      type: 'E14-value',
      text: c.text.slice(0, at) + changed + c.text.slice(at + m[0].length),
      start: at,
      end: at + changed.length,
      note: `${label(f, c.lang)} ${v} → ${changed}`,
    };
  }
  return undefined;
};

/**
 * A drug the record holds as stopped (coded status stopped/completed, or a stop word in a note) listed
 * among the discharge medications, when no active order of it remains.
 */
export const stoppedAtDischarge: ClinicalInjector = (c) => {
  const meds = c.record.filter(
    (f) => f.category === 'medication' && f.subject.who === 'patient' && f.qualifiers?.kind !== 'immunization',
  );
  const byName = new Map<string, Fact[]>();
  for (const m of meds) byName.set(label(m, c.lang), [...(byName.get(label(m, c.lang)) ?? []), m]);
  const stopped = [...byName.entries()].filter(
    ([name, fs]) =>
      name && fs.every((f) => f.status === 'stopped' || f.status === 'completed') && !c.text.includes(name),
  );
  const pickd = c.pick(stopped);
  if (!pickd) return undefined;
  const s = appended(c, c.lang === 'zh' ? `出院带药：${pickd[0]}。` : `\nDischarge medications: ${pickd[0]}.`);
  return { type: 'MED-stopped', ...s, note: `${pickd[0]} is stopped in the record (no active order)` };
};

/** A drug the record never names, listed among the discharge medications of a record that has orders. */
export function notOrderedAtDischarge(known: (sentence: string, lang: Lang) => Fact[]): ClinicalInjector {
  const drugs = {
    zh: [
      '地高辛片 0.125mg 口服 每日一次',
      '阿托伐他汀钙片 20mg 口服 每晚一次',
      '华法林钠片 3mg 口服 每日一次',
      '胺碘酮片 0.2g 口服 每日一次',
    ],
    en: [
      'digoxin 0.125 mg PO daily',
      'atorvastatin 40 mg PO nightly',
      'warfarin 5 mg PO daily',
      'amiodarone 200 mg PO daily',
    ],
  };
  return (c) => {
    const hasOrders = c.record.some((f) => f.category === 'medication' && f.status === 'active');
    if (!hasOrders) return undefined;
    const codes = new Set(c.record.map((f) => f.concept.code));
    const choices = drugs[c.lang].filter((d) => {
      const fs = known(d, c.lang).filter((f) => f.category === 'medication');
      return fs.length > 0 && fs.every((f) => !codes.has(f.concept.code));
    });
    const d = c.pick(choices);
    if (!d) return undefined;
    const s = appended(c, c.lang === 'zh' ? `出院带药：${d}。` : `\nDischarge medications: ${d}.`);
    return { type: 'MED-notordered', ...s, note: `${d} is in no order of the record` };
  };
}

// Vital signs change by degrees, not by ten: a ×10 temperature or heart rate is no realistic error.
const vital =
  /体温|心率|脉搏|呼吸|血压|体重|身高|血氧|temperature|heart rate|pulse|respiratory rate|blood pressure|body weight|body height|body mass|oxygen saturation/i;

/** A one-character analyte that is the salt of a drug name (头孢哌酮舒巴坦钠, 洛索洛芬钠): not a laboratory value. */
function saltSuffix(text: string, f: Fact): boolean {
  const s = span(f);
  return s.end - s.start === 1 && /[\u4e00-\u9fff]/.test(text[s.start - 1] ?? '');
}

function inGrounded(c: InjectContext, at: number): boolean {
  return !c.grounded || c.grounded.some((g) => at >= g.start && at < g.end);
}

const span = (f: Fact) => f.sources[0] as { start: number; end: number };
const label = (f: Fact, lang: Lang) =>
  (lang === 'zh' ? (f.concept.displayZh ?? f.concept.display) : (f.concept.display ?? f.concept.displayZh)) ?? '';
