import { AsyncLocalStorage } from 'node:async_hooks';
import type { Fact, Lang, Source } from '../core/index.js';
import { say } from '../core/index.js';
import {
  type AllergenMention,
  type AllergyClasses,
  allergyClasses,
  allergyDrugsByAtc,
  classesOfDrug,
  findAllergens,
} from '../knowledge/index.js';
import { fold, splitSentences } from '../nlp/index.js';
import type { ErrorType } from './taxonomy.js';

/**
 * Allergy statements, read per substance with their polarity, from text (record notes and the
 * checked text) and from coded facts. "否认药物过敏史" / "NKDA" deny drug allergies in general;
 * "无青霉素过敏" denies one substance (and its class); "青霉素过敏" / "allergic to sulfa drugs"
 * affirm one. Substances and classes come from the allergy classes in force (`activeAllergyClasses`:
 * the knowledge release's the server passes in, else data/cds/allergy-classes.json); a substance
 * outside them (iodinated contrast, seafood) is matched by name.
 */
const inForce = new AsyncLocalStorage<AllergyClasses>();

/**
 * Runs `work` (sync or async: a summary composed with a model, then verified) with the allergy
 * classes of a knowledge release in force, so a curator's change to an allergy class changes the
 * next verification as it changes the next alert. The server passes the active release's
 * (reasoning's `allergyClassesOf`); outside `work` the bundled file's apply.
 */
export function withAllergyClasses<T>(data: AllergyClasses, work: () => T): T {
  return inForce.run(data, work);
}

/** The allergy classes the verifier reads with: the release's in force (`withAllergyClasses`), else the file's. */
export function activeAllergyClasses(): AllergyClasses {
  return inForce.getStore() ?? allergyClasses();
}

export interface AllergyStatement {
  readonly polarity: 'pos' | 'neg';
  /** `substance`: a named drug or class; `any-drug`: drug allergies in general (NKDA, 有药物过敏史). */
  readonly scope: 'substance' | 'any-drug';
  readonly drugs: readonly string[];
  readonly classes: readonly string[];
  /** The words named a class ("青霉素类", "sulfa drugs"). */
  readonly isClass: boolean;
  /** Folded names, for substances outside the allergy data. */
  readonly names: readonly string[];
  readonly label: string;
  /** Offsets in its text (text statements), for attributing it to a claim. */
  readonly start: number;
  readonly end: number;
  readonly evidence: readonly Source[];
}

// Drug allergies denied in general. "否认其他药物过敏史" / "no other known allergies" deny only the rest.
const nkdaEn =
  /\bNKDA\b|\bNKA\b|\bno known (?:drug |medication )?allerg(?:ies|y)\b|\bdenies (?:any )?(?:known )?(?:drug |medication )?allergies\b(?!\s+to\b)|\ballergies\s*[:：]\s*(?:none|nkda|nka|no known)\b|\bno (?:drug |medication )allergies\b/gi;

/**
 * Chinese denials of drug allergy in general: "否认药物过敏史", "无过敏史", "否认手术、外伤、输血及药物过敏史"
 * (the 否认 governs the whole list), "过敏史：无", "未发现药物过敏". Not when the words between the
 * denial and 过敏史 name a drug ("无青霉素过敏史": a substance), say 有, or say 其他 (only the rest).
 */
function zhDenials(body: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const m0 of body.matchAll(/过敏史|未发现(?:药物)?过敏/g)) {
    if (m0[0].startsWith('未发现')) {
      out.push({ start: m0.index, end: m0.index + m0[0].length });
      continue;
    }
    // What the history is of: "药物", "食物及药物", "药敏"; a food allergy history alone says nothing of drugs.
    const q = /(?:食物|药物|药敏|[及、和与])*$/.exec(body.slice(Math.max(0, m0.index - 8), m0.index))![0];
    if (q.includes('食物') && !q.includes('药')) continue;
    const m = { index: m0.index - q.length, 0: q + m0[0] };
    const end = m.index + m[0].length;
    const after = /^\s*[:：]?\s*(?:无|否认|阴性)(?![\u4e00-\u9fff]{0,6}过敏)/.exec(body.slice(end));
    if (after && !/[:：]?\s*(?:无|否认)/.test(body.slice(Math.max(0, m.index - 3), m.index))) {
      out.push({ start: m.index, end: end + after[0].length });
      continue;
    }
    const pre = body.slice(Math.max(0, m.index - 30), m.index);
    const at = Math.max(pre.lastIndexOf('否认'), pre.lastIndexOf('无'));
    if (at < 0) continue;
    const between = pre.slice(at);
    if (/[。；;]|有|其他|其它|除/.test(between) || findAllergens(between, activeAllergyClasses()).length > 0) continue;
    out.push({ start: m.index - (pre.length - at), end });
  }
  return out;
}
const anyDrugPos = {
  zh: /有(?:药物)?过敏史(?!.{0,3}(?:无|否认))|药物过敏史[:：]\s*有/g,
  en: /\bhas (?:drug |medication )?allergies\b|\bhistory of drug allerg(?:y|ies)\b/gi,
};
// Words that make a clause about allergy, and headings whose list runs to the sentence end.
const cue = /过敏|皮试|allerg|hypersensitiv|intoleran|anaphyla/i;
const listHead =
  /过敏史\s*[:：]|过敏药物\s*[:：]|allergies\s*[:：]|allergic to|allergy to|allergies to|allergic reactions? to/i;
const negBefore = {
  zh: /(?:无|否认|未|没有|排除)(?!其他|其它)[^，,。；;]*$/,
  en: /\b(?:no|not|denies|denied|without|negative for|never)\b[^,.;]*$/i,
};
const negAfter = /^[^，,。；;]{0,4}(?:皮试阴性|皮试\(-\)|过敏试验阴性|(?:skin )?test(?:ing)? negative)/i;

function clauseBounds(text: string, at: number, s: { start: number; end: number }): { start: number; end: number } {
  let a = at;
  while (a > s.start && !/[，,；;。]/.test(text[a - 1]!)) a--;
  let b = at;
  while (b < s.end && !/[，,；;。]/.test(text[b]!)) b++;
  return { start: a, end: b };
}

/** Allergy statements of a text (a record note or the checked text). */
export function allergyStatementsInText(text: string, document: string, lang: Lang): AllergyStatement[] {
  const out: AllergyStatement[] = [];
  const src = (start: number, end: number): Source => ({
    kind: 'text',
    document,
    start,
    end,
    quote: text.slice(start, end),
  });
  for (const s of splitSentences(text)) {
    const body = text.slice(s.start, s.end);
    if (!cue.test(body) && !/\bNKDA\b|\bNKA\b/.test(body)) continue;
    const covered: { start: number; end: number }[] = [];
    const denials = [
      ...zhDenials(body),
      ...[...body.matchAll(new RegExp(nkdaEn.source, nkdaEn.flags))].map((m) => ({
        start: m.index,
        end: m.index + m[0].length,
      })),
    ];
    for (const d of denials) {
      const start = s.start + d.start;
      const end = s.start + d.end;
      covered.push({ start, end });
      out.push({
        polarity: 'neg',
        scope: 'any-drug',
        drugs: [],
        classes: [],
        isClass: false,
        names: [],
        label: text.slice(start, end),
        start,
        end,
        evidence: [src(start, end)],
      });
    }
    for (const l of ['zh', 'en'] as const) {
      for (const m of body.matchAll(new RegExp(anyDrugPos[l].source, anyDrugPos[l].flags))) {
        const start = s.start + m.index;
        const end = start + m[0].length;
        if (covered.some((c) => start < c.end && end > c.start)) continue;
        // "有药物过敏史，对青霉素过敏": the named substance says more; the general statement stays.
        out.push({
          polarity: 'pos',
          scope: 'any-drug',
          drugs: [],
          classes: [],
          isClass: false,
          names: [],
          label: m[0],
          start,
          end,
          evidence: [src(start, end)],
        });
      }
    }
    const head = listHead.exec(body);
    const headAt = head ? s.start + head.index : -1;
    // "青、链霉素类药物过敏史": 青 abbreviates 青霉素 before another -霉素 in a list.
    const abbreviated: AllergenMention[] = [...body.matchAll(/青(?=[、,，和及][\u4e00-\u9fff]{1,3}霉素)/g)].map(
      (m) => ({
        drugs: ['penicillin'],
        classes: ['penicillin'],
        isClass: false,
        start: m.index,
        end: m.index + 1,
        text: '青霉素',
      }),
    );
    for (const m of [...findAllergens(body, activeAllergyClasses()), ...abbreviated]) {
      const at = s.start + m.start;
      const end = s.start + m.end;
      if (covered.some((c) => at < c.end && end > c.start)) continue;
      const clause = clauseBounds(text, at, s);
      const clauseText = text.slice(clause.start, clause.end);
      const inList = headAt >= 0 && headAt <= at;
      if (!inList && !cue.test(clauseText)) continue;
      const before = text.slice(clause.start, at);
      const after = text.slice(end, clause.end);
      let polarity: 'pos' | 'neg' = 'pos';
      if (negAfter.test(after)) polarity = 'neg';
      else if (negBefore.zh.test(before) || negBefore.en.test(before)) polarity = 'neg';
      // "no rash with amoxicillin; allergic to…" – a negation about something else: only a cue word in the clause counts.
      out.push(statementOf(m, polarity, [src(at, end)], at, end));
    }
  }
  // A substance named twice in one place counts once.
  void lang;
  return out;
}

function statementOf(
  m: AllergenMention,
  polarity: 'pos' | 'neg',
  evidence: readonly Source[],
  start: number,
  end: number,
): AllergyStatement {
  return {
    polarity,
    scope: 'substance',
    drugs: m.drugs,
    classes: m.classes,
    isClass: m.isClass,
    names: [fold(m.text).trim()],
    label: m.text,
    start,
    end,
    evidence,
  };
}

const DRUG_ALLERGY = new Set(['421961002', '416098002', '419511003']);
const NO_KNOWN_ALLERGY = new Set(['409137002', '716186003', '428607008']);

/** Allergy statements of coded or extracted facts (AllergyIntolerance, 过敏 facts, "drug allergy" conditions). */
export function allergyStatementsOfFacts(facts: readonly Fact[], lang: Lang = 'zh'): AllergyStatement[] {
  const out: AllergyStatement[] = [];
  for (const f of facts) {
    if (f.subject.who !== 'patient') continue;
    const code = f.concept.code;
    const pol =
      f.assertion === 'absent' ? 'neg' : f.assertion === 'present' || f.assertion === 'historical' ? 'pos' : undefined;
    if (!pol) continue;
    const label = (
      (lang === 'zh' ? f.concept.displayZh : f.concept.display) ??
      f.concept.displayZh ??
      f.concept.display ??
      code
    ).replace(/过敏$|^allergy to\s+|\s+allergy$/i, '');
    // "No known allergies" denies every drug; a coded drug-allergy condition asserts one, drug unnamed.
    const anyDrug = NO_KNOWN_ALLERGY.has(code)
      ? 'neg'
      : f.category === 'condition' && DRUG_ALLERGY.has(code)
        ? pol
        : undefined;
    if (anyDrug) {
      out.push({
        polarity: anyDrug,
        scope: 'any-drug',
        drugs: [],
        classes: [],
        isClass: false,
        names: [],
        label,
        start: -1,
        end: -1,
        evidence: f.sources,
      });
      continue;
    }
    if (f.category !== 'allergy') continue;
    const s = substanceOf(f);
    out.push({ polarity: pol, scope: 'substance', ...s, label, start: -1, end: -1, evidence: f.sources });
  }
  return out;
}

/** The drugs and classes a fact names (by ATC code, by its names and its mention). */
export function substanceOf(f: Fact): { drugs: string[]; classes: string[]; isClass: boolean; names: string[] } {
  const data = activeAllergyClasses();
  const c = f.concept;
  const names = [
    c.display,
    c.displayZh,
    ...(c.codings ?? []).flatMap((x) => [x.display, x.displayZh]),
    ...f.sources.map((s) => (s.kind === 'text' ? s.quote : undefined)),
  ].filter((n): n is string => !!n);
  const drugs = new Set<string>();
  const classes = new Set<string>();
  let isClass = false;
  for (const code of [c, ...(c.codings ?? [])].filter((x) => /atc/i.test(x.system)).map((x) => x.code)) {
    for (const d of allergyDrugsByAtc(data, code)) {
      drugs.add(d);
      for (const k of classesOfDrug(data, d)) classes.add(k);
    }
  }
  for (const n of names) {
    for (const m of findAllergens(n, data)) {
      for (const d of m.drugs) if (!m.isClass) drugs.add(d);
      for (const k of m.classes) classes.add(k);
      if (m.isClass) isClass = true;
    }
  }
  return {
    drugs: [...drugs],
    classes: [...classes],
    isClass: isClass && drugs.size === 0,
    names: names
      .map((n) =>
        fold(n)
          .replace(/过敏$|\s*allergy$/i, '')
          .trim(),
      )
      .filter((n) => n.length >= 2),
  };
}

/** Do two substance statements name the same drug, the same class, or the same unlisted substance? */
export function sameAllergen(
  a: Pick<AllergyStatement, 'drugs' | 'classes' | 'names'>,
  b: Pick<AllergyStatement, 'drugs' | 'classes' | 'names'>,
): boolean {
  if (a.drugs.some((d) => b.drugs.includes(d))) return true;
  if (a.classes.some((c) => b.classes.includes(c))) return true;
  if (a.drugs.length === 0 && b.drugs.length === 0 && a.classes.length === 0 && b.classes.length === 0)
    return a.names.some((n) =>
      b.names.some((m) => n === m || (n.length >= 2 && m.includes(n)) || (m.length >= 2 && n.includes(m))),
    );
  return false;
}

export interface AllergyVerdict {
  readonly verdict: 'supported' | 'contradicted' | 'unsupported';
  readonly errorType?: ErrorType;
  readonly reason: string;
  readonly evidence: readonly Source[];
}

/** The record's allergy profile: every allergy statement of its notes and facts. */
export class AllergyProfile {
  readonly pos: AllergyStatement[];
  readonly neg: AllergyStatement[];
  constructor(readonly statements: readonly AllergyStatement[]) {
    this.pos = statements.filter((s) => s.polarity === 'pos');
    this.neg = statements.filter((s) => s.polarity === 'neg');
  }

  /** The record's affirmed drug allergies (a named substance). */
  get drugAllergies(): AllergyStatement[] {
    return this.pos.filter((s) => s.scope === 'substance');
  }

  /** Judges one allergy statement of the checked text. */
  judge(s: AllergyStatement, lang: Lang): AllergyVerdict | undefined {
    const t = say(lang);
    const ev = (xs: readonly AllergyStatement[]) => xs.flatMap((x) => x.evidence);
    const names = (xs: readonly AllergyStatement[]) =>
      [...new Set(xs.map((x) => x.label))].join(lang === 'zh' ? '、' : ', ');
    const affirmed = this.drugAllergies;
    const deniedAll = this.neg.filter((x) => x.scope === 'any-drug');
    if (s.scope === 'any-drug') {
      if (s.polarity === 'neg') {
        if (affirmed.length > 0)
          return {
            verdict: 'contradicted',
            errorType: 'E02',
            reason: t(
              `drug allergies denied, but the record documents an allergy to ${names(affirmed)}`,
              `称无药物过敏史，但病历记载${names(affirmed)}过敏`,
            ),
            evidence: ev(affirmed),
          };
        const anyPos = this.pos.filter((x) => x.scope === 'any-drug');
        if (anyPos.length > 0)
          return {
            verdict: 'contradicted',
            errorType: 'E02',
            reason: t(
              'drug allergies denied, but the record documents a drug allergy',
              '称无药物过敏史，但病历记载有药物过敏史',
            ),
            evidence: ev(anyPos),
          };
        if (deniedAll.length > 0)
          return {
            verdict: 'supported',
            reason: t('the record also documents no known drug allergies', '病历亦记载否认药物过敏史'),
            evidence: ev(deniedAll),
          };
        return undefined;
      }
      if (affirmed.length + this.pos.length > 0)
        return {
          verdict: 'supported',
          reason: t('the record documents a drug allergy', '病历记载有药物过敏史'),
          evidence: ev(this.pos),
        };
      if (deniedAll.length > 0)
        return {
          verdict: 'contradicted',
          errorType: 'E02',
          reason: t('the record documents no known drug allergies', '病历记载否认药物过敏史'),
          evidence: ev(deniedAll),
        };
      return undefined;
    }
    const same = affirmed.filter((x) => sameAllergen(s, x));
    if (s.polarity === 'neg') {
      if (same.length > 0)
        return {
          verdict: 'contradicted',
          errorType: 'E02',
          reason: t(
            `${s.label} allergy denied, but the record documents an allergy to ${names(same)}`,
            `称无${s.label}过敏，但病历记载${names(same)}过敏`,
          ),
          evidence: ev(same),
        };
      const negSame = this.neg.filter((x) => x.scope === 'substance' && sameAllergen(s, x));
      if (negSame.length + deniedAll.length > 0)
        return {
          verdict: 'supported',
          reason: t(`the record also documents no ${s.label} allergy`, `病历亦记载无${s.label}过敏`),
          evidence: ev([...negSame, ...deniedAll]),
        };
      return undefined;
    }
    if (same.length > 0)
      return {
        verdict: 'supported',
        reason: t(`the record documents an allergy to ${names(same)}`, `病历记载${names(same)}过敏`),
        evidence: ev(same),
      };
    const negSame = this.neg.filter((x) => x.scope === 'substance' && sameAllergen(s, x));
    if (negSame.length > 0)
      return {
        verdict: 'contradicted',
        errorType: 'E02',
        reason: t(`the record documents no ${s.label} allergy`, `病历记载无${s.label}过敏`),
        evidence: ev(negSame),
      };
    if (deniedAll.length > 0)
      return {
        verdict: 'contradicted',
        errorType: 'E02',
        reason: t(
          `an allergy to ${s.label}, but the record documents no known drug allergies`,
          `称${s.label}过敏，但病历记载否认药物过敏史`,
        ),
        evidence: ev(deniedAll),
      };
    if (affirmed.length > 0)
      return {
        verdict: 'contradicted',
        errorType: 'E01',
        reason: t(
          `an allergy to ${s.label} is not among the record's allergies (${names(affirmed)})`,
          `病历记载的过敏史为${names(affirmed)}，无${s.label}过敏`,
        ),
        evidence: ev(affirmed),
      };
    return {
      verdict: 'unsupported',
      errorType: 'E01',
      reason: t(`the record does not document an allergy to ${s.label}`, `病历未记载${s.label}过敏`),
      evidence: [],
    };
  }

  /** The record's allergies that a drug (its ids and classes) falls under: same drug or same class. */
  allergiesCovering(drug: {
    drugs: readonly string[];
    classes: readonly string[];
    names: readonly string[];
  }): AllergyStatement[] {
    return this.drugAllergies.filter((a) => sameAllergen(a, drug));
  }
}

/** The drug ids and classes a medication fact is (for allergy matching), or undefined when the allergy data does not know it. */
export function drugOf(f: Fact): { drugs: string[]; classes: string[]; names: string[] } | undefined {
  const s = substanceOf(f);
  if (s.drugs.length === 0 && s.classes.length === 0) return undefined;
  return { drugs: s.drugs, classes: s.classes, names: s.names };
}

/** Drug names of the allergy data in a span of text that are not part of an allergy statement. */
export function drugMentions(
  text: string,
  start: number,
  end: number,
  statements: readonly AllergyStatement[],
): AllergenMention[] {
  return findAllergens(text.slice(start, end), activeAllergyClasses())
    .map((m) => ({ ...m, start: m.start + start, end: m.end + start }))
    .filter((m) => !statements.some((s) => s.start <= m.start && s.end >= m.end));
}

/** Words that withhold a drug rather than give it ("避免使用阿莫西林", "avoid NSAIDs", "停用"). */
export const withheld =
  /避免|禁用|忌用|慎用|勿用|不宜|不能使用|停用|停药|过敏|皮试|avoid|do not|don['’]t|contraindicat|allerg|stop|discontinu|\bheld\b|\bhold\b|instead of|rather than|no\s*$|without/i;
