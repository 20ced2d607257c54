import type { Fact, Lang } from '../../src/core/index.js';

/**
 * Error injection for the verification benchmark: each function takes a text, the facts the NLP
 * stage found in it and the record's facts, and returns the text with one error of its type (and
 * the changed span), or nothing when the text offers no place for it. Types follow
 * docs/domain/discharge-summary.md §4.2.
 */
export interface Injection {
  readonly type: string;
  readonly text: string;
  /** The changed region in the new text. */
  readonly start: number;
  readonly end: number;
  readonly note: string;
}

export interface InjectContext {
  readonly text: string;
  readonly lang: Lang;
  readonly facts: readonly Fact[];
  readonly record: readonly Fact[];
  /** Facts of `text` whose claim the verifier found supported before injection (only these are changed). */
  readonly eligible: (f: Fact) => boolean;
  readonly pick: <T>(xs: readonly T[]) => T | undefined;
  /** The record's source texts (for links the record states in words). */
  readonly documents?: readonly { readonly id: string; readonly text: string }[];
  /** Parts of `text` copied from the record (facts there are the record's own); absent: all of it. */
  readonly grounded?: readonly { readonly start: number; readonly end: number }[];
}

type Injector = (c: InjectContext) => Injection | undefined;

const span = (f: Fact) => f.sources[0] as { start: number; end: number };

function replaceAt(text: string, start: number, end: number, by: string, type: string, note: string): Injection {
  return { type, text: text.slice(0, start) + by + text.slice(end), start, end: start + by.length, note };
}

const negCues = {
  zh: /(无|未见|未及|未闻及|否认|不伴|没有|未)$/,
  en: /\b(no|denies|denied|without|negative for|not)\s+$/i,
};

const E02: Injector = (c) => {
  const absent = c.facts.filter((f) => f.assertion === 'absent' && c.eligible(f));
  for (const f of shuffle(absent, c)) {
    const s = span(f);
    const before = c.text.slice(Math.max(0, s.start - 14), s.start);
    const m = negCues[c.lang].exec(before);
    if (m)
      return replaceAt(
        c.text,
        s.start - m[0].length,
        s.start,
        '',
        'E02',
        `removed “${m[0].trim()}” before ${f.concept.display}`,
      );
  }
  // A scored finding ("Pain severity - 0-10 verbal numeric rating 2.1") is a result, not a finding to negate.
  const present = c.facts.filter((f) => {
    if (
      f.assertion !== 'present' ||
      f.category !== 'finding' ||
      f.value ||
      f.subject.who !== 'patient' ||
      !c.eligible(f)
    )
      return false;
    const after = c.text.slice(span(f).end, span(f).end + 40);
    return !/^[^.;。；,，\n]*\d/.test(after);
  });
  const f = c.pick(present);
  if (!f) return undefined;
  const s = span(f);
  // Reported apart ('E02-neg'): stating absent what the record affirmed reads, in a text about a
  // later moment (condition at discharge), exactly like a resolution the record cannot refute.
  return replaceAt(c.text, s.start, s.start, c.lang === 'zh' ? '无' : 'no ', 'E02-neg', `negated ${f.concept.display}`);
};

const E06: Injector = (c) => {
  for (const f of shuffle(
    c.facts.filter((x) => x.laterality && x.laterality !== 'bilateral' && c.eligible(x)),
    c,
  )) {
    const s = span(f);
    const windowStart = Math.max(0, s.start - 12);
    const before = c.text.slice(windowStart, s.end);
    const re = c.lang === 'zh' ? /[左右]/g : /\b(left|right)\b/gi;
    const all = [...before.matchAll(re)];
    const m = all[all.length - 1];
    if (!m) continue;
    const at = windowStart + m.index;
    const w = m[0];
    const swapped = c.lang === 'zh' ? (w === '左' ? '右' : '左') : /left/i.test(w) ? 'right' : 'left';
    return replaceAt(c.text, at, at + w.length, swapped, 'E06', `${w} → ${swapped}`);
  }
  return undefined;
};

const E07: Injector = (c) => {
  for (const f of shuffle(
    c.facts.filter((x) => x.time?.duration && x.time.relative && c.eligible(x)),
    c,
  )) {
    const rel = f.time!.relative!;
    const s = span(f);
    const at = c.text.indexOf(rel, Math.max(0, s.start - 20));
    if (at < 0) continue;
    const changed =
      c.lang === 'zh'
        ? rel.replace(/天|日/, '周').replace(/周(?!.*周)/, rel.includes('周') ? '月' : '周')
        : rel.replace(/days?/, 'weeks').replace(/weeks?(?= ago|$)/, rel.includes('week') ? 'months' : 'weeks');
    if (changed === rel) continue;
    return replaceAt(c.text, at, at + rel.length, changed, 'E07', `${rel} → ${changed}`);
  }
  return undefined;
};

function doseInjector(type: 'E03' | 'E04' | 'E05'): Injector {
  return (c) => {
    for (const f of shuffle(
      c.facts.filter((x) => x.category === 'medication' && x.dosage && c.eligible(x)),
      c,
    )) {
      const s = span(f);
      const tail = c.text.slice(s.end, s.end + 40);
      const d = f.dosage!;
      // The dose, or else the strength a product name carries ("Alendronic acid 10 MG Oral Tablet").
      const given = d.dose?.original ?? d.strength?.original;
      if (type === 'E03' && given) {
        const at = tail.indexOf(given);
        const num = /[\d.]+/.exec(given);
        if (at >= 0 && num) {
          const changed = given.replace(num[0], String(Number(num[0]) * 2));
          return replaceAt(c.text, s.end + at, s.end + at + given.length, changed, 'E03', `${given} → ${changed}`);
        }
      }
      if (type === 'E04' && given) {
        const at = tail.indexOf(given);
        const swaps: [RegExp, string][] = [
          [/mg/i, 'g'],
          [/(?<![mµu])g/i, 'mg'],
          [/ml/i, 'L'],
          [/μg|µg|ug|mcg/i, 'mg'],
        ];
        const swap = swaps.find(([re]) => re.test(given));
        if (at >= 0 && swap) {
          const changed = given.replace(swap[0], swap[1]);
          return replaceAt(c.text, s.end + at, s.end + at + given.length, changed, 'E04', `${given} → ${changed}`);
        }
      }
      if (type === 'E05') {
        const freq = d.frequency?.original;
        const freqSwap: Record<string, string> = {
          qd: 'bid',
          bid: 'tid',
          tid: 'qd',
          QD: 'BID',
          BID: 'TID',
          TID: 'QD',
          每日1次: '每日3次',
          每日2次: '每日1次',
          每日3次: '每日1次',
          每日一次: '每日三次',
          每日两次: '每日一次',
          每日三次: '每日一次',
        };
        if (freq && freqSwap[freq]) {
          const at = tail.indexOf(freq);
          if (at >= 0)
            return replaceAt(
              c.text,
              s.end + at,
              s.end + at + freq.length,
              freqSwap[freq]!,
              'E05',
              `${freq} → ${freqSwap[freq]}`,
            );
        }
        const routeSwap: Record<string, string> = {
          口服: '静滴',
          静滴: '口服',
          静脉滴注: '口服',
          PO: 'IV',
          po: 'iv',
          IV: 'PO',
          iv: 'po',
        };
        for (const [from, to] of Object.entries(routeSwap)) {
          const at = tail.indexOf(from);
          if (at >= 0 && d.route)
            return replaceAt(c.text, s.end + at, s.end + at + from.length, to, 'E05', `${from} → ${to}`);
        }
      }
    }
    return undefined;
  };
}

/** Appends a sentence; the verifier must flag it. */
function append(c: InjectContext, sentence: string, type: string, note: string): Injection {
  const sep = c.text.endsWith('\n') || c.text === '' ? '' : c.lang === 'zh' ? '' : ' ';
  const start = c.text.length + sep.length;
  return { type, text: c.text + sep + sentence, start, end: start + sentence.length, note };
}

const E08: Injector = (c) => {
  const possible = c.record.filter(
    (f) => f.assertion === 'possible' && f.category === 'condition' && f.subject.who === 'patient',
  );
  const confirmed = new Set(c.record.filter((f) => f.assertion === 'present').map((f) => f.concept.code));
  const f = c.pick(possible.filter((p) => !confirmed.has(p.concept.code)));
  if (!f) return undefined;
  const name =
    c.lang === 'zh' ? (f.concept.displayZh ?? f.concept.display!) : (f.concept.display ?? f.concept.displayZh!);
  return append(
    c,
    c.lang === 'zh' ? `明确诊断为${name}。` : `Diagnosis confirmed: ${name}.`,
    'E08',
    `suspected ${name} stated as confirmed`,
  );
};

const E09: Injector = (c) => {
  const fam = c.record.filter(
    (f) => f.subject.who === 'family' && (f.category === 'condition' || f.category === 'finding'),
  );
  const own = new Set(c.record.filter((f) => f.subject.who === 'patient').map((f) => f.concept.code));
  const f = c.pick(fam.filter((x) => !own.has(x.concept.code)));
  if (!f) return undefined;
  const name =
    c.lang === 'zh' ? (f.concept.displayZh ?? f.concept.display!) : (f.concept.display ?? f.concept.displayZh!);
  return append(
    c,
    c.lang === 'zh' ? `患者有${name}病史。` : `The patient has a history of ${name}.`,
    'E09',
    `relative's ${name} attributed to the patient`,
  );
};

// Fabrication candidates: drugs, procedures and diagnoses that a summary could plausibly invent.
const fabrications = {
  zh: [
    '予华法林抗凝治疗。',
    '予胺碘酮口服。',
    '行冠状动脉造影。',
    '予胰岛素皮下注射控制血糖。',
    '诊断为急性心肌梗死。',
    '予万古霉素抗感染。',
    '行胃镜检查。',
    '予地高辛口服。',
  ],
  en: [
    'Started on warfarin.',
    'Amiodarone was given.',
    'Coronary angiography was performed.',
    'Insulin was started.',
    'Diagnosed with acute myocardial infarction.',
    'Treated with vancomycin.',
    'Underwent upper endoscopy.',
    'Started on digoxin.',
  ],
};

export function fabricationInjector(known: (sentence: string, lang: Lang) => Fact[]): Injector {
  return (c) => {
    const recordCodes = new Set(c.record.map((f) => f.concept.code));
    const choices = fabrications[c.lang].filter((s) => {
      const fs = known(s, c.lang);
      return fs.length > 0 && fs.every((f) => !recordCodes.has(f.concept.code));
    });
    const s = c.pick(choices);
    return s ? append(c, s, 'E01', `fabricated: ${s}`) : undefined;
  };
}

const label = (f: Fact, lang: Lang) =>
  (lang === 'zh' ? (f.concept.displayZh ?? f.concept.display) : (f.concept.display ?? f.concept.displayZh)) ?? '';
const mention = (f: Fact, lang: Lang) => {
  const s = f.sources.find((x) => x.kind === 'text');
  return s?.kind === 'text' && s.quote ? s.quote : label(f, lang);
};
const causalCue = /继发于|导致|所致|引起|因|由于|\b(?:due to|secondary to|caused by|because of|result)/i;

/**
 * E10: links two concepts of the record (a condition as the cause, another condition or finding as
 * the effect) with a causal connective, where no record sentence names both with a cue of cause.
 */
export function causalityInjector(known: (sentence: string, lang: Lang) => Fact[]): Injector {
  return (c) => {
    const stated = c.record.filter(
      (f) =>
        f.subject.who === 'patient' &&
        f.assertion === 'present' &&
        (f.category === 'condition' || f.category === 'finding'),
    );
    const causes = shuffle(
      stated.filter((f) => f.category === 'condition'),
      c,
    );
    const effects = shuffle(stated, c);
    const linked = (a: string, b: string) =>
      (c.documents ?? []).some((d) =>
        d.text.split(/(?<=[。；.;!?])/).some((s) => causalCue.test(s) && s.includes(a) && s.includes(b)),
      );
    for (const cause of causes.slice(0, 4)) {
      for (const effect of effects.slice(0, 6)) {
        if (cause.concept.code === effect.concept.code) continue;
        const a = mention(cause, c.lang);
        const b = mention(effect, c.lang);
        if (!a || !b || a.includes(b) || b.includes(a) || linked(a, b)) continue;
        const sentence = c.lang === 'zh' ? `因${a}导致${b}。` : `${b} due to ${a}.`;
        const codes = new Set(known(sentence, c.lang).map((f) => f.concept.code));
        if (!codes.has(cause.concept.code) || !codes.has(effect.concept.code)) continue;
        return append(c, sentence, 'E10', `causal link ${a} → ${b} not in the record`);
      }
    }
    return undefined;
  };
}

// Unsafe advice (E13), one sentence per rule of src/verify/data/unsafe-advice.json; the ones whose
// rule needs a context (a seizure, warfarin, metronidazole) carry it in the sentence.
const unsafeAdvice = {
  zh: [
    '癫痫发作后仍可照常驾车。',
    '症状好转后可自行停用抗凝药物。',
    '服用甲硝唑期间可以适量饮酒。',
    '服用华法林期间，关节疼痛时可服用布洛芬缓解。',
  ],
  en: [
    'After the seizure you may go back to driving.',
    'You can stop your blood thinner whenever you feel well.',
    'While on metronidazole you may still have a glass of wine.',
    'While on warfarin, you can take naproxen for joint pain.',
  ],
};

const E13: Injector = (c) => {
  const s = c.pick(unsafeAdvice[c.lang]);
  return s ? append(c, s, 'E13', `unsafe advice: ${s}`) : undefined;
};

const ivRoute = /^(?:iv|ivgtt|intravenous|静滴|静注|静脉|静脉滴注|静脉注射)$/i;

/**
 * E11: a drug the record stopped before discharge (by the discharge day the text gives), or gave
 * only intravenously, listed as a discharge medication.
 */
export function mixingInjector(known: (sentence: string, lang: Lang) => Fact[]): Injector {
  return (c) => {
    const discharge = /(?:出院日期|出院时间)[：:\s]*(\d{4}-\d{2}-\d{2})|discharged(?: on)?\s+(\d{4}-\d{2}-\d{2})/i
      .exec(c.text)
      ?.slice(1)
      .find(Boolean);
    const meds = c.record.filter(
      (f) =>
        f.category === 'medication' &&
        f.subject.who === 'patient' &&
        f.assertion !== 'absent' &&
        f.qualifiers?.kind !== 'immunization',
    );
    const byCode = new Map<string, Fact[]>();
    for (const m of meds) byCode.set(m.concept.code, [...(byCode.get(m.concept.code) ?? []), m]);
    const stopped = (f: Fact) => !!discharge && !!f.time?.end && f.time.end.slice(0, 10) < discharge;
    const inpatient = (f: Fact) => !!f.dosage?.route && ivRoute.test(f.dosage.route.replace(/[.\s]/g, ''));
    const choices = [...byCode.values()].filter((fs) => fs.every(stopped) || fs.every(inpatient));
    for (const fs of shuffle(choices, c)) {
      const name = label(fs[0]!, c.lang);
      if (!name) continue;
      const sentence = c.lang === 'zh' ? `出院带药：${name}。` : `Discharge medications: ${name}.`;
      if (!known(sentence, c.lang).some((f) => f.concept.code === fs[0]!.concept.code)) continue;
      // Stopped before discharge: the record refutes it (E11). Given only IV, with no discharge orders to
      // compare: the record cannot refute it (outpatient IV therapy exists), a flag is what it warrants (E11-iv).
      const type = fs.every(stopped) ? 'E11' : 'E11-iv';
      return append(
        c,
        c.lang === 'zh' || c.text.endsWith('\n') ? sentence : `\n${sentence}`,
        type,
        `${fs.every(stopped) ? 'stopped' : 'inpatient-only'} drug ${name} listed at discharge`,
      );
    }
    return undefined;
  };
}

export const injectors: Record<string, Injector> = {
  E02,
  E03: doseInjector('E03'),
  E04: doseInjector('E04'),
  E05: doseInjector('E05'),
  E06,
  E07,
  E08,
  E09,
  E13,
};

/** The items in the order the context's seeded generator draws them. */
export function shuffle<T>(xs: readonly T[], c: InjectContext): T[] {
  const rest = [...xs];
  const out: T[] = [];
  while (rest.length > 0) {
    const x = c.pick(rest)!;
    out.push(x);
    rest.splice(rest.indexOf(x), 1);
  }
  return out;
}

export { seededRandom } from '../../src/core/index.js';
