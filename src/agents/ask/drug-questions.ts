import {
  type Concept,
  routeOf,
  type Fact,
  isCurrentCourse,
  type Lang,
  type MedicationCourse,
  type MedicationEvent,
  say,
} from '../../core/index.js';
import type { BookClass, DrugIndex } from '../../reasoning/index.js';
import type { DraftSentence, ReaderAnswer } from './reader.js';
import { formatNumber, formatTime, formatUnit, nameOf, STATUS_WORDS } from './reader.js';

/*
 * Questions about the drugs themselves rather than their events: a drug class ("is she on any
 * NSAID?", "用过哪些抗血小板药"), a drug's dose ("华法林什么剂量") and whether a named drug is still
 * given ("还在用华法林吗"). Classes and their members are the knowledge release's drug table (the
 * same one the safety rules read), so an answer never rests on a class list of its own.
 */

const fold = (s: string) => s.normalize('NFKC').toLowerCase().replace(/[-‐]/g, ' ');

/** Words that only say "a drug" after a class's name: "antiplatelet agents" is asked as "antiplatelets". */
const EN_HEADS = /\s+(agents?|drugs?|medications?|medicines?)$/;
/** Chinese class suffixes: 抗血小板药 is asked as 抗血小板, 他汀类 as 他汀. */
const ZH_SUFFIX = /(类药物|类药|药物|类|药|剂)$/;

function enForms(c: BookClass): string[] {
  const name = fold(c.name.en);
  const bare = name.replace(/\s*\(([^)]*)\)\s*/g, ' ').trim();
  // "non-steroidal anti-inflammatory drugs (NSAIDs)": the name, its abbreviation, and the name without "drugs".
  const forms = [bare, bare.replace(EN_HEADS, ''), ...[...name.matchAll(/\(([^)]*)\)/g)].map((m) => m[1]!.trim())];
  // Singular stems: "NSAIDs" and "NSAID", "statins" and "statin" are both asked.
  return [...new Set(forms.map((f) => f.replace(/s$/, '')))].filter((f) => f.length >= 3);
}

function zhForms(c: BookClass): string[] {
  const name = fold(c.name.zh);
  const stem = name.replace(ZH_SUFFIX, '');
  return stem.length >= 2 && stem !== name ? [name, stem] : [name];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The release's drug classes the question names (whole words in English, anywhere in Chinese). */
export function classesAsked(question: string, drugs: DrugIndex): BookClass[] {
  const q = fold(question);
  const named = [...drugs.book.classes.values()].filter(
    (c) =>
      zhForms(c).some((f) => q.includes(f)) ||
      enForms(c).some((f) => new RegExp(`(^|[^a-z0-9])${escapeRe(f)}(e?s)?($|[^a-z0-9])`).test(q)),
  );
  // "non-selective beta-blockers" names one class, not also "beta-blockers": the longest name wins.
  return named.filter(
    (c) => !named.some((o) => o !== c && o.name.zh.includes(c.name.zh) && o.name.zh.length > c.name.zh.length),
  );
}

/** The medication courses whose drug the question names, by the release's drug table (any language). */
export function coursesByIngredient(
  question: string,
  courses: readonly MedicationCourse[],
  facts: ReadonlyMap<string, Fact>,
  drugs: DrugIndex,
): MedicationCourse[] {
  const asked = drugs.ingredientsOf(pseudoFact(question));
  if (asked.size === 0) return [];
  return courses.filter((c) => courseIngredients(c, facts, drugs).some((i) => asked.has(i)));
}

/** The question read as if it were a medication's name, so the drug table's matcher can read it. */
function pseudoFact(text: string): Fact {
  const concept: Concept = { system: 'urn:medseek:question', code: 'question', display: text, displayZh: text };
  return { concept } as Fact;
}

function courseIngredients(c: MedicationCourse, facts: ReadonlyMap<string, Fact>, drugs: DrugIndex): string[] {
  const own = drugs.ingredientsOf({ concept: c.concept } as Fact);
  const fromFacts = c.factIds.flatMap((id) => {
    const f = facts.get(id);
    return f ? [...drugs.ingredientsOf(f)] : [];
  });
  return [...own, ...fromFacts];
}

/** Frequency codes (fusion's `Dosage.frequency.code`) in words. */
const FREQUENCY: Readonly<Record<string, { en: string; zh: string }>> = {
  QD: { en: 'once daily', zh: '每日一次' },
  BID: { en: 'twice daily', zh: '每日两次' },
  TID: { en: 'three times daily', zh: '每日三次' },
  QID: { en: 'four times daily', zh: '每日四次' },
  QOD: { en: 'every other day', zh: '隔日一次' },
  QW: { en: 'once weekly', zh: '每周一次' },
  QN: { en: 'at night', zh: '每晚一次' },
  PRN: { en: 'as needed', zh: '必要时' },
};

function frequencyText(code: string | undefined, lang: Lang): string | undefined {
  if (!code) return undefined;
  const hourly = /^Q(\d+)H$/.exec(code);
  if (hourly) return lang === 'zh' ? `每${hourly[1]}小时一次` : `every ${hourly[1]} hours`;
  return FREQUENCY[code]?.[lang];
}

/** "300 mg twice daily, oral" / "300 mg 每日两次，口服" (numbers as a clinician reads them). */
function doseText(c: MedicationCourse, lang: Lang): string | undefined {
  const d = c.dosage ?? [...c.events].reverse().find((e) => e.dosage?.dose)?.dosage;
  if (!d?.dose) return undefined;
  const unit = formatUnit(d.dose.unit);
  const route = routeOf(d.route);
  const parts = [
    `${formatNumber(d.dose.value)}${unit ? ` ${unit}` : ''}`,
    frequencyText(d.frequency?.code, lang),
    route ? (lang === 'zh' ? route.zh : route.name) : undefined,
  ];
  return parts.filter(Boolean).join(lang === 'zh' ? '，' : ', ');
}

/** The facts a course sentence cites: its first orders and the one that states its latest dose. */
function courseFacts(c: MedicationCourse, facts: ReadonlyMap<string, Fact>): string[] {
  const known = c.factIds.filter((id) => facts.has(id));
  const dosed = [...known].reverse().find((id) => facts.get(id)?.dosage?.dose);
  const coded = known.filter((id) => facts.get(id)!.sources.some((s) => s.kind === 'resource'));
  const pick = [...(coded.length > 0 ? coded : known).slice(0, 2), ...(dosed ? [dosed] : [])];
  return [...new Set(pick)];
}

function started(c: MedicationCourse): MedicationEvent | undefined {
  return c.events.find((e) => e.kind === 'started') ?? c.events[0];
}

/** One sentence on a course: its status, when it started and its latest dose, each from what it cites. */
function courseSentence(
  c: MedicationCourse,
  facts: ReadonlyMap<string, Fact>,
  lang: Lang,
  label?: { en: string; zh: string },
): DraftSentence {
  const t = say(lang);
  const name = nameOf(c.concept, lang);
  const since = formatTime(started(c)?.time);
  const dose = doseText(c, lang);
  const status = STATUS_WORDS[c.status];
  return {
    text: t(
      `${name}${label ? ` (${label.en})` : ''} is ${status.en}${since ? `, started ${since}` : ''}` +
        `${dose ? `; dose ${dose}` : ''}.`,
      `${name}${label ? `（${label.zh}）` : ''}${status.zh}${since ? `，${since}开始` : ''}${dose ? `，剂量${dose}` : ''}。`,
    ),
    kind: 'record',
    factIds: courseFacts(c, facts),
  };
}

/**
 * The patient's drugs of the asked classes, current ones first, each with status, start and dose; or
 * that none of the class's members (named, from the release) is among the recorded medications.
 */
export function classAnswer(
  classes: readonly BookClass[],
  courses: readonly MedicationCourse[],
  facts: ReadonlyMap<string, Fact>,
  drugs: DrugIndex,
  lang: Lang,
): ReaderAnswer {
  const t = say(lang);
  const sentences: DraftSentence[] = [];
  for (const cls of classes) {
    const members = new Set(cls.members);
    const inClass = courses
      .filter((c) => courseIngredients(c, facts, drugs).some((i) => members.has(i)))
      .sort((a, b) => Number(isCurrentCourse(b)) - Number(isCurrentCourse(a)));
    const label = { en: cls.name.en.replace(/\s*\(.*\)$/, ''), zh: cls.name.zh };
    if (inClass.length > 0) {
      for (const c of inClass) sentences.push(courseSentence(c, facts, lang, label));
      continue;
    }
    const names = cls.members.map((m) => drugs.drug(m)).filter((d) => d !== undefined);
    const listed = names.map((d) => (lang === 'zh' ? (d.zh[0] ?? d.en[0]) : (d.en[0] ?? d.zh[0]))).join(', ');
    sentences.push({
      text: t(
        `None of the ${label.en} in the knowledge release (${listed}) is among the recorded medications.`,
        `病历用药中没有知识库所列的${label.zh}（${listed.replaceAll(', ', '、')}）。`,
      ),
      kind: 'absence',
      factIds: [],
    });
  }
  return { intent: 'drug-class', refused: false, sentences };
}

/** The latest dose of each named drug, or that the orders give none. */
export function doseAnswer(
  courses: readonly MedicationCourse[],
  facts: ReadonlyMap<string, Fact>,
  lang: Lang,
): ReaderAnswer {
  const t = say(lang);
  const sentences = courses.map((c): DraftSentence => {
    const dose = doseText(c, lang);
    const name = nameOf(c.concept, lang);
    if (!dose)
      return {
        text: t(`The orders give no dose for ${name}.`, `医嘱中未写明${name}的剂量。`),
        kind: 'absence',
        factIds: [],
      };
    return courseSentence(c, facts, lang);
  });
  return { intent: 'drug-dose', refused: sentences.every((s) => s.kind !== 'record'), sentences };
}

/** Whether each named drug is still given ("is she on warfarin?"). */
export function statusAnswer(
  courses: readonly MedicationCourse[],
  facts: ReadonlyMap<string, Fact>,
  lang: Lang,
): ReaderAnswer {
  return { intent: 'drug-status', refused: false, sentences: courses.map((c) => courseSentence(c, facts, lang)) };
}
