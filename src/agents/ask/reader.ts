import {
  allFacts,
  type Concept,
  type Fact,
  type FactCategory,
  isCurrentCourse,
  type Lang,
  type MedicationCourse,
  type MedicationEvent,
  type MedicationEventKind,
  type PatientState,
  type Source,
  say,
} from '../../core/index.js';
import type { Lexicon } from '../../nlp/index.js';
import { type DrugIndex, drugIndex } from '../../reasoning/index.js';
import { classAnswer, classesAsked, coursesByIngredient, doseAnswer, statusAnswer } from './drug-questions.js';
import { conceptNames, matchNamed, type NameHit, namesIn } from './match.js';
import type { AskIntent, SentenceKind } from './types.js';

/** A sentence the reader wrote, before the verifier has seen it. */
export interface DraftSentence {
  readonly text: string;
  readonly kind: SentenceKind;
  readonly factIds: readonly string[];
  /** A quote's note span (kind `quote`). */
  readonly sources?: readonly Source[];
  /** A quote found verbatim at its span when searched again (kind `quote`). */
  readonly quoteStands?: boolean;
  /** What the structured record does not say, to be looked for in the notes before anything is shown. */
  readonly gap?: NoteGap;
}

/**
 * Something the orders and coded data leave unsaid (why a drug was started or stopped, when a condition
 * began): the notes are searched for sentences naming `terms` with a cue of the asked thing before an
 * absence is stated.
 */
export interface NoteGap {
  readonly what: 'reason' | 'date';
  /** The drug or condition, named in the answer's language. */
  readonly subject: string;
  /** The names to search the notes for. */
  readonly terms: readonly string[];
  /** The event asked about (reason gaps). */
  readonly event?: MedicationEventKind;
}

export interface ReaderAnswer {
  readonly intent: AskIntent;
  readonly sentences: readonly DraftSentence[];
  /** True when the reader could not answer what was asked (it may still say what the record shows). */
  readonly refused: boolean;
}

/*
 * The question words the reader understands, zh and en. These are words of the language, not
 * medical knowledge: the names of labs, drugs and conditions come from the lexicon and the record.
 */
const WORDS = {
  allergy: /过敏|allerg/i,
  genotype: /基因型|genotype|代谢型|metaboli[sz]er/i,
  /** A treatment decision asked of the record ("should we increase…", 要不要加量): not the record's to answer. */
  advice:
    /\bshould (we|i|he|she|they|the patient)\b|\bshall we\b|\bdo we need to\b|要不要|该不该|需不需要|应不应该|是否(需要|应该|应当)/i,
  dose: /剂量|用量|几毫克|多少毫克|多大量|怎么吃|怎么用|用法|\bdos(e|es|ed|ing|age)\b|how much .*(tak|giv|get)/i,
  why: /为什么|为何|为啥|原因|why|reason/i,
  when: /什么时候|啥时候|啥时|何时|哪天|几号|日期|when|what date|since when/i,
  held: /暂停|停过|\bh[eo]ld\b|\bheld\b|paus/i,
  resumed: /恢复|重新(开始|使用|用)|resum|restart/i,
  stopped: /停|stop|discontinu|\bd\/c\b|withdr[ae]w/i,
  started: /开始|开的|启用|加用|起用|开具|start|begin|began|initiat|commenc/i,
  current: /目前|现在|当前|正在|在用|还在|current|now|at present|taking|\bon\b/i,
  drugs: /药|medication|medicine|drug|\bmeds?\b/i,
  problems: /诊断|问题|疾病|病史|什么病|diagnos|problem|condition|disease/i,
  highest: /最高|最大|峰值|highest|maximum|\bmax\b|\bt\s?max\b|peak/i,
  /** Switching away from a drug is stopping it (换用 A → B: A stopped). */
  switched: /换用|改用|换成|改为|换药|switch|replac|chang(e|ed|ing) (it |them )?to/i,
  lowest: /最低|最小|lowest|minimum|\bmin\b|nadir/i,
  first: /第一次|首次|入院时|初次|最早|first|initial|admission|baseline|earliest/i,
  trend: /趋势|变化|历次|所有|每次|trend|over time|all (the )?values|history of|series|changes?/i,
  stay: /这次住院|本次住院|此次住院|住院期间|这次入院|this (stay|admission|hospitali[sz]ation)|during the stay|in hospital/i,
} as const;

type Aggregate = 'latest' | 'highest' | 'lowest' | 'first' | 'trend';

const LAB: ReadonlySet<FactCategory> = new Set(['measurement']);
const DRUG: ReadonlySet<FactCategory> = new Set(['medication']);
const CONDITION: ReadonlySet<FactCategory> = new Set(['condition', 'finding']);

/**
 * The deterministic question reader: what a clinician asks of the record that the fused state
 * answers exactly (a lab's highest, lowest, first, latest value or its trend; when a drug was
 * started, stopped, held or resumed and the recorded reason; the current drugs; the problems; when
 * a condition was recorded; allergies; a genotype), each sentence built from the facts it cites.
 * Anything else it says plainly it cannot answer, and never guesses.
 */
export function readQuestion(
  asked: string,
  state: PatientState,
  lang: Lang,
  lexicon: Lexicon,
  drugs: DrugIndex = drugIndex(),
): ReaderAnswer {
  const t = say(lang);
  // Ward shorthand: Tmax is the highest body temperature.
  const question = asked.replace(/\bt\s?max\b/gi, 'highest body temperature');
  const hits = namesIn(question, lexicon);
  const facts = allFacts(state);
  const courses = state.medications ?? [];

  if (WORDS.advice.test(question))
    return refuse('unsupported', [
      t(
        'This asks for a treatment decision; I answer only what the record says, so it is the clinician’s to make.',
        '这是治疗决策问题；我只回答病历中记录的内容，此决定需由临床医生作出。',
      ),
    ]);
  if (WORDS.allergy.test(question)) return allergies(facts, lang);
  if (WORDS.genotype.test(question) || genesNamed(facts, question)) return genotypes(facts, question, hits, lang);

  const byId = new Map(facts.map((f) => [f.id, f]));
  const byName = matchNamed(courses, (c) => c.concept, question, hits, DRUG);
  // A drug named in another language than the record's (ibuprofen / 布洛芬) is found through the drug table.
  const namedCourses = byName.length > 0 ? byName : coursesByIngredient(question, courses, byId, drugs);
  const event = eventAsked(question);
  const why = WORDS.why.test(question);
  if (namedCourses.length > 0 && WORDS.dose.test(question) && !why) return doseAnswer(namedCourses, byId, lang);
  if (namedCourses.length > 0 && (event || why)) {
    // "Why was A switched to B": the drug switched away from is the one stopped.
    const switched = WORDS.switched.test(question);
    const away = switched ? namedCourses.filter((c) => c.events.some((e) => e.kind === 'stopped')) : [];
    const asked = away.length > 0 ? away : namedCourses;
    return drugEvents(asked, event ?? 'started', why, facts, lang, (c) => searchTerms(c.concept, hits, DRUG));
  }

  // A class ("any NSAID?", "抗血小板药") is asked when no one drug of the record is named.
  const classes = namedCourses.length === 0 ? classesAsked(question, drugs) : [];
  if (classes.length > 0) return classAnswer(classes, courses, byId, drugs, lang);

  if (WORDS.drugs.test(question) && WORDS.current.test(question) && namedCourses.length === 0)
    return currentDrugs(courses, lang);

  const conditions = facts.filter((f) => f.category === 'condition' && f.subject.who === 'patient');
  const exactConditions = matchNamed(conditions, (f) => f.concept, question, hits, CONDITION);
  // A dated coded condition whose name holds the name asked (2型糖尿病 for 糖尿病) answers "when" too.
  const askedNames = hits
    .filter((h) => h.concepts.some((c) => CONDITION.has(c.category)))
    .map((h) => h.term.toLowerCase());
  const dated = (fs: readonly Fact[]) => problemFacts(fs).some((f) => f.time?.start);
  const wider = conditions.filter((f) =>
    conceptNames(f.concept).some((n) => askedNames.some((a) => a.length >= 2 && n.includes(a))),
  );
  const namedConditions =
    exactConditions.length > 0 && !dated(exactConditions) && dated(wider) ? wider : exactConditions;
  // "When was X diagnosed" names a condition before any lab its name contains (高血压 ⊃ 血压).
  if (namedConditions.length > 0 && WORDS.when.test(question) && WORDS.problems.test(question))
    return conditionDates(namedConditions, lang, (f) => searchTerms(f.concept, hits, CONDITION));

  const labs = facts.filter((f) => f.category === 'measurement' && f.value && f.subject.who === 'patient');
  const namedLabs = matchNamed(labs, (f) => f.concept, question, hits, LAB);
  if (namedLabs.length > 0) {
    const stay = WORDS.stay.test(question) ? latestStay(state) : undefined;
    const inStay = stay ? namedLabs.filter((f) => within(f, stay)) : namedLabs;
    return labValues(inStay.length > 0 ? inStay : namedLabs, aggregateAsked(question), lang);
  }

  if (namedConditions.length > 0 && (WORDS.when.test(question) || WORDS.problems.test(question)))
    return conditionDates(namedConditions, lang, (f) => searchTerms(f.concept, hits, CONDITION));

  if (WORDS.problems.test(question)) return problems(conditions, lang);

  // A drug named with no event, dose or lab asked: whether it is still given ("还在用华法林吗").
  if (namedCourses.length > 0) return statusAnswer(namedCourses, byId, lang);

  // A lab the lexicon knows, asked of a record that has no result for it.
  const askedLab = hits.find((h) => h.concepts.some((c) => c.category === 'measurement'));
  if (askedLab)
    return refuse('lab-value', [
      t(
        `The record has no ${askedLab.term} result, so this cannot be answered from it.`,
        `病历中没有${askedLab.term}的结果，无法据此回答。`,
      ),
    ]);
  return refuse('unsupported', [
    t(
      'I cannot answer this from the record without a model: I answer lab values (highest, lowest, first, latest, ' +
        'trend), when a drug was started, stopped or held and the recorded reason, a drug’s dose and status, drugs ' +
        'of a class, current drugs, problems, allergies and genotypes.',
      '没有模型时无法从病历回答这个问题：可回答检验值（最高、最低、首次、最近、变化趋势）、药物何时开始/停用/暂停及记录的原因、' +
        '药物剂量与状态、某类药物、目前用药、诊断、过敏和基因型。',
    ),
  ]);
}

/** The question names a gene the record has a genotype for ("CYP2C19 status?"). */
function genesNamed(facts: readonly Fact[], question: string): boolean {
  const q = question.toUpperCase();
  return facts.some((f) => {
    const gene = (f.qualifiers?.gene ?? f.concept.code).toUpperCase();
    return f.category === 'genotype' && gene.length >= 3 && q.includes(gene);
  });
}

/** The latest encounter of 12 hours or more on the timeline (an inpatient stay), as [start, end] in ms. */
function latestStay(state: PatientState): [number, number] | undefined {
  const stays = state.timeline
    .filter((e) => e.kind === 'encounter' && e.end)
    .map((e) => [Date.parse(e.time), Date.parse(e.end!)] as [number, number])
    .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b) && b - a >= 12 * 3600_000)
    .sort((x, y) => y[0] - x[0]);
  return stays[0];
}

function within(f: Fact, [start, end]: [number, number]): boolean {
  const t = f.time?.start ? Date.parse(f.time.start) : Number.NaN;
  return Number.isFinite(t) && t >= start && t <= end;
}

function refuse(intent: AskIntent, texts: readonly string[], also: readonly DraftSentence[] = []): ReaderAnswer {
  return {
    intent,
    refused: true,
    sentences: [...also, ...texts.map((text) => ({ text, kind: 'refusal' as const, factIds: [] }))],
  };
}

function eventAsked(q: string): MedicationEventKind | undefined {
  if (WORDS.held.test(q)) return 'held';
  if (WORDS.resumed.test(q)) return 'resumed';
  if (WORDS.switched.test(q)) return 'stopped';
  if (WORDS.stopped.test(q)) return 'stopped';
  if (WORDS.started.test(q)) return 'started';
  return undefined;
}

function aggregateAsked(q: string): Aggregate {
  if (WORDS.highest.test(q)) return 'highest';
  if (WORDS.lowest.test(q)) return 'lowest';
  if (WORDS.trend.test(q)) return 'trend';
  if (WORDS.first.test(q)) return 'first';
  return 'latest';
}

/** A number as a clinician reads it: at most two decimals below 100, one above. */
export function formatNumber(v: number): string {
  const d = Math.abs(v) >= 100 ? 1 : 2;
  return String(Number(v.toFixed(d)));
}

const UNIT_TEXT: Readonly<Record<string, string>> = { Cel: '℃', '{INR}': '', 'mm[Hg]': 'mmHg' };

export function formatUnit(unit: string): string {
  return (UNIT_TEXT[unit] ?? unit)
    .replace(/\{([^}]*)\}/g, '$1')
    .replace(/_/g, '')
    .replace(/10\*(\d+)/, '×10^$1');
}

function valueText(f: Fact): string {
  const v = f.value!;
  const second = v.value2 !== undefined ? `/${formatNumber(v.value2)}` : '';
  const n = `${v.comparator ?? ''}${formatNumber(v.value)}${second}`;
  const u = formatUnit(v.unit);
  return u ? `${n} ${u}` : n;
}

/** `2024-02-22 06:30` as the record wrote it (its own clock), or the date alone. */
export function formatTime(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}))?/.exec(iso);
  if (!m) return iso;
  return m[2] && m[2] !== '00:00' ? `${m[1]} ${m[2]}` : m[1];
}

/** The concept's name in the answer's language; LOINC long names cut before their `[property]`. */
export function nameOf(c: Concept, lang: Lang): string {
  const zh = c.displayZh;
  const en = c.display?.replace(/\s*\[.*$/, '');
  return (lang === 'zh' ? (zh ?? en) : (en ?? zh)) ?? c.code;
}

function when(f: Fact): string | undefined {
  return f.time?.start;
}

/** One result per moment: the record often states a result in a note and as an Observation (fusion merges most). */
function distinctResults(facts: readonly Fact[]): Fact[] {
  const timed = facts.filter((f) => when(f));
  const pool = timed.length > 0 ? timed : [...facts];
  const seen = new Map<string, Fact>();
  for (const f of pool) {
    const key = `${formatTime(when(f)) ?? ''}|${f.value!.value}|${f.value!.unit}`;
    const prev = seen.get(key);
    // Prefer the fact with a coded resource source.
    if (!prev || (!hasResource(prev) && hasResource(f))) seen.set(key, f);
  }
  return [...seen.values()].sort((a, b) => (when(a) ?? '').localeCompare(when(b) ?? ''));
}

function hasResource(f: Fact): boolean {
  return f.sources.some((s: Source) => s.kind === 'resource');
}

function labValues(facts: readonly Fact[], aggregate: Aggregate, lang: Lang): ReaderAnswer {
  const t = say(lang);
  // The question named one lab; if several concepts matched, answer for each (e.g. two creatinine codes).
  const byCode = new Map<string, Fact[]>();
  for (const f of facts) {
    const k = `${f.concept.system}|${f.concept.code}`;
    byCode.set(k, [...(byCode.get(k) ?? []), f]);
  }
  const sentences: DraftSentence[] = [];
  const groups = [...byCode.values()].map(distinctResults).filter((r) => r.length > 0);
  // A result a note mentions without a time (入院情况 eGFR 39) is the same result as a timed one, under
  // another code: when any result is timed, the untimed groups are left out.
  const timed = groups.filter((g) => g.some((f) => when(f)));
  for (const results of timed.length > 0 ? timed : groups) {
    const name = nameOf(results.at(-1)!.concept, lang);
    const at = (f: Fact) => formatTime(when(f));
    const one = (f: Fact, en: string, zh: string) => {
      const time = at(f);
      sentences.push({
        text: t(
          `${en} ${name} was ${valueText(f)}${time ? ` on ${time}` : ''}.`,
          `${name}${zh}为${valueText(f)}${time ? `（${time}）` : ''}。`,
        ),
        kind: 'record',
        factIds: [f.id],
      });
    };
    const byValue = [...results].sort((a, b) => a.value!.value - b.value!.value);
    // The Chinese puts the lab first (血钾最低值): "最低血钾" reads as a diagnosis (低钾血症) to the verifier.
    if (aggregate === 'highest') one(byValue.at(-1)!, 'The highest', '的最高值');
    else if (aggregate === 'lowest') one(byValue[0]!, 'The lowest', '的最低值');
    else if (aggregate === 'first') one(results[0]!, 'The first', '的首次结果');
    else if (aggregate === 'latest') one(results.at(-1)!, 'The latest', '的最近一次结果');
    else
      sentences.push({
        text: t(
          `${name}: ${results.map((f) => `${valueText(f)}${at(f) ? ` on ${at(f)}` : ''}`).join(', then ')}.`,
          `${name}：${results.map((f) => `${valueText(f)}${at(f) ? `（${at(f)}）` : ''}`).join('，之后')}。`,
        ),
        kind: 'record',
        factIds: results.map((f) => f.id),
      });
  }
  return { intent: 'lab-value', refused: false, sentences };
}

const EVENT_WORDS: Readonly<Record<MedicationEventKind, { en: string; zh: string }>> = {
  started: { en: 'started', zh: '开始使用' },
  stopped: { en: 'stopped', zh: '停用' },
  held: { en: 'held', zh: '暂停' },
  resumed: { en: 'resumed', zh: '恢复使用' },
  'one-off': { en: 'given once', zh: '临时使用' },
  prn: { en: 'ordered as needed', zh: '按需使用' },
  'dose-changed': { en: 'changed in dose', zh: '调整剂量' },
  discharge: { en: 'on the discharge orders', zh: '列入出院医嘱' },
};

export const STATUS_WORDS: Readonly<Record<MedicationCourse['status'], { en: string; zh: string }>> = {
  active: { en: 'active', zh: '在用' },
  stopped: { en: 'stopped', zh: '已停用' },
  held: { en: 'held', zh: '暂停中' },
  'one-off': { en: 'given once', zh: '临时使用' },
  completed: { en: 'completed', zh: '已完成' },
  prn: { en: 'as needed', zh: '按需' },
  unknown: { en: 'of unknown status', zh: '状态不明' },
};

/** The fact that best stands for an event (a coded order where there is one). */
function citeable(ids: readonly string[], facts: ReadonlyMap<string, Fact>): string[] {
  const known = ids.filter((id) => facts.has(id));
  const coded = known.filter((id) => hasResource(facts.get(id)!));
  return (coded.length > 0 ? coded : known).slice(0, 3);
}

/**
 * The names to look for in the notes: the thing's own displays (all codings), the names the question
 * wrote for it and the lexicon's displays of those (所以 "why moxifloxacin" finds 莫西沙星 in a Chinese note).
 */
export function searchTerms(c: Concept, hits: readonly NameHit[], categories: ReadonlySet<FactCategory>): string[] {
  const names = new Set<string>();
  const add = (n: string | undefined) => {
    const v = n?.replace(/\s*\[.*$/, '').trim();
    if (v && (/[\u3400-\u9fff]/.test(v) ? v.length >= 2 : v.length >= 4) && v.length <= 60) names.add(v);
  };
  for (const h of hits)
    if (h.concepts.some((x) => categories.has(x.category))) {
      add(h.term);
      for (const x of h.concepts)
        if (categories.has(x.category))
          for (const k of [x.concept, ...(x.concept.codings ?? [])]) {
            add(k.displayZh);
            add(k.display);
          }
    }
  for (const k of [c, ...(c.codings ?? [])]) {
    add(k.displayZh);
    add(k.display);
  }
  return [...names].slice(0, 6);
}

function doseText(e: MedicationEvent): string {
  const d = e.dosage?.dose;
  return d ? ` ${formatNumber(d.value)} ${formatUnit(d.unit)}` : '';
}

export function drugEvents(
  courses: readonly MedicationCourse[],
  kind: MedicationEventKind,
  why: boolean,
  all: readonly Fact[],
  lang: Lang,
  termsOf: (c: MedicationCourse) => readonly string[] = (c) => searchTerms(c.concept, [], DRUG),
): ReaderAnswer {
  const t = say(lang);
  const facts = new Map(all.map((f) => [f.id, f]));
  const sentences: DraftSentence[] = [];
  let refused = false;
  for (const c of courses) {
    const name = nameOf(c.concept, lang);
    const w = EVENT_WORDS[kind];
    // A drug first ordered as needed or once was started then: the earliest such order answers "when started".
    const first = c.events.filter((e) => e.kind === 'prn' || e.kind === 'one-off').slice(0, 1);
    const exact = c.events.filter((e) => e.kind === kind);
    const events = exact.length === 0 && kind === 'started' ? first : exact;
    if (events.length === 0) {
      const ids = citeable(c.factIds, facts);
      refused = true;
      sentences.push({
        text: t(
          `The record does not show ${name} being ${w.en}; its status is ${STATUS_WORDS[c.status].en}.`,
          `病历中没有${name}${w.zh}的记录；其状态为${STATUS_WORDS[c.status].zh}。`,
        ),
        kind: ids.length > 0 ? 'record' : 'refusal',
        factIds: ids,
      });
      continue;
    }
    for (const e of events) {
      const time = formatTime(e.time);
      const ids = citeable(e.factIds.length > 0 ? e.factIds : c.factIds, facts);
      // A single first dose the course goes on from (a loading dose, then daily) starts a course: never "given once".
      const continued =
        e.kind === 'one-off' && c.events.some((x) => x !== e && x.kind !== 'one-off' && x.kind !== 'prn');
      sentences.push({
        text: continued
          ? t(
              `${name} was started${time ? ` on ${time}` : ''} with a single${doseText(e)} first dose, ` +
                'then continued as a course.',
              `${name}${time ? `于${time}` : ''}开始使用，首剂${doseText(e).trim() || '单次给药'}，之后持续用药。`,
            )
          : time
            ? t(`${name} was ${EVENT_WORDS[e.kind].en} on ${time}.`, `${name}于${time}${EVENT_WORDS[e.kind].zh}。`)
            : t(
                `${name} was ${EVENT_WORDS[e.kind].en}; the record gives no date.`,
                `${name}已${EVENT_WORDS[e.kind].zh}，病历未记录日期。`,
              ),
        kind: 'record',
        factIds: ids,
      });
      if (!why) continue;
      if (e.reason)
        sentences.push({
          text: t(`The reason recorded: ${e.reason}.`, `记录的原因：${e.reason}。`),
          kind: 'record',
          factIds: ids,
        });
      else
        sentences.push({
          text: t(`No reason for ${name} being ${w.en} is given in the orders.`, `医嘱中未给出${name}${w.zh}的原因。`),
          kind: 'absence',
          factIds: [],
          gap: { what: 'reason', subject: name, terms: termsOf(c), event: kind },
        });
    }
  }
  return { intent: 'drug-event', refused, sentences };
}

function currentDrugs(courses: readonly MedicationCourse[], lang: Lang): ReaderAnswer {
  const t = say(lang);
  const current = courses.filter(isCurrentCourse);
  if (current.length === 0)
    return {
      intent: 'current-drugs',
      refused: false,
      sentences: [
        {
          text: t('No current (active or as-needed) drug is recorded.', '病历中没有在用（长期或按需）的药物。'),
          kind: 'absence',
          factIds: [],
        },
      ],
    };
  return {
    intent: 'current-drugs',
    refused: false,
    sentences: current.map((c) => {
      const started = c.events.find((e) => e.kind === 'started')?.time;
      const name = nameOf(c.concept, lang);
      const status = STATUS_WORDS[c.status];
      return {
        text: t(
          `${name} is ${status.en}${started ? `, started ${formatTime(started)}` : ''}.`,
          `${name}${status.zh}${started ? `，${formatTime(started)}开始` : ''}。`,
        ),
        kind: 'record' as const,
        factIds: c.factIds.slice(0, 3),
      };
    }),
  };
}

/** Conditions from coded Condition resources where the record has them, else those read from notes. */
function problemFacts(conditions: readonly Fact[]): Fact[] {
  const affirmed = conditions.filter((f) => f.assertion === 'present' || f.assertion === 'historical');
  const coded = affirmed.filter((f) => f.sources.some((s) => s.kind === 'resource' && s.resourceType === 'Condition'));
  const pool = coded.length > 0 ? coded : affirmed.filter((f) => f.assertion === 'present');
  const seen = new Set<string>();
  return pool.filter((f) => {
    const k = `${f.concept.system}|${f.concept.code}|${f.concept.displayZh ?? f.concept.display}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function conditionStatus(f: Fact, lang: Lang): string {
  const t = say(lang);
  const resolved = f.status === 'resolved' || f.status === 'inactive' || f.assertion === 'historical';
  return resolved ? t('resolved', '已缓解') : t('active', '当前存在');
}

function problems(conditions: readonly Fact[], lang: Lang): ReaderAnswer {
  const t = say(lang);
  const list = problemFacts(conditions);
  if (list.length === 0)
    return {
      intent: 'problems',
      refused: false,
      sentences: [
        { text: t('No problem or diagnosis is recorded.', '病历中没有记录诊断或问题。'), kind: 'absence', factIds: [] },
      ],
    };
  // Active ones first, then resolved, each in the record's order.
  const sorted = [...list].sort(
    (a, b) => Number(conditionStatus(a, 'en') !== 'active') - Number(conditionStatus(b, 'en') !== 'active'),
  );
  return {
    intent: 'problems',
    refused: false,
    sentences: sorted.map((f) => {
      const since = formatTime(f.time?.start);
      return {
        text: t(
          `${nameOf(f.concept, lang)}: ${conditionStatus(f, lang)}${since ? `, recorded from ${since}` : ''}.`,
          `${nameOf(f.concept, lang)}：${conditionStatus(f, lang)}${since ? `，记录起始于${since}` : ''}。`,
        ),
        kind: 'record' as const,
        factIds: [f.id],
      };
    }),
  };
}

function conditionDates(
  conditions: readonly Fact[],
  lang: Lang,
  termsOf: (f: Fact) => readonly string[],
): ReaderAnswer {
  const t = say(lang);
  const list = problemFacts(conditions).filter((f) => f.time?.start);
  if (list.length === 0) {
    const named = problemFacts(conditions);
    const subject = named[0] ?? conditions[0]!;
    const name = nameOf(subject.concept, lang);
    return {
      intent: 'condition-date',
      refused: false,
      sentences: [
        {
          text: t(`No date for ${name} is given in the coded conditions.`, `编码诊断中未给出${name}的日期。`),
          kind: 'absence',
          factIds: [],
          gap: {
            what: 'date',
            subject: name,
            terms: [...new Set((named.length ? named : conditions).flatMap(termsOf))],
          },
        },
      ],
    };
  }
  return {
    intent: 'condition-date',
    refused: false,
    sentences: list.map((f) => ({
      text: t(
        `${nameOf(f.concept, lang)} is recorded from ${formatTime(f.time!.start)} (${conditionStatus(f, lang)}).`,
        `${nameOf(f.concept, lang)}记录起始于${formatTime(f.time!.start)}（${conditionStatus(f, lang)}）。`,
      ),
      kind: 'record' as const,
      factIds: [f.id],
    })),
  };
}

function allergies(facts: readonly Fact[], lang: Lang): ReaderAnswer {
  const t = say(lang);
  const all = facts.filter((f) => f.category === 'allergy' && f.subject.who === 'patient');
  const present = all.filter((f) => f.assertion === 'present' && f.status !== 'inactive' && f.status !== 'resolved');
  if (present.length > 0)
    return {
      intent: 'allergies',
      refused: false,
      sentences: present.map((f) => ({
        text: t(
          `Allergy: ${nameOf(f.concept, lang)}${f.valueText ? ` (${f.valueText})` : ''}.`,
          `过敏：${nameOf(f.concept, lang)}${f.valueText ? `（${f.valueText}）` : ''}。`,
        ),
        kind: 'record' as const,
        factIds: [f.id],
      })),
    };
  const denied = all.filter((f) => f.assertion === 'absent');
  if (denied.length > 0)
    return {
      intent: 'allergies',
      refused: false,
      sentences: [
        {
          text: t('The record states no known allergy.', '病历记录无已知过敏。'),
          kind: 'record',
          factIds: denied.slice(0, 3).map((f) => f.id),
        },
      ],
    };
  return {
    intent: 'allergies',
    refused: false,
    sentences: [{ text: t('No allergy is recorded.', '病历中未见过敏记录。'), kind: 'absence', factIds: [] }],
  };
}

function genotypes(facts: readonly Fact[], question: string, hits: readonly NameHit[], lang: Lang): ReaderAnswer {
  const t = say(lang);
  const all = facts.filter((f) => f.category === 'genotype' && f.subject.who === 'patient');
  const named = matchNamed(all, (f) => f.concept, question, hits);
  const list =
    named.length > 0
      ? named
      : all.filter((f) => question.toLowerCase().includes((f.qualifiers?.gene ?? f.concept.code).toLowerCase()));
  if (list.length === 0)
    return refuse('genotype', [t('The record has no genotype result for this.', '病历中没有相关的基因型结果。')]);
  return {
    intent: 'genotype',
    refused: false,
    sentences: list.map((f) => ({
      text: t(
        `${nameOf(f.concept, lang)} genotype: ${f.valueText ?? f.qualifiers?.diplotype ?? ''}.`,
        `${nameOf(f.concept, lang)}基因型：${f.valueText ?? f.qualifiers?.diplotype ?? ''}。`,
      ),
      kind: 'record' as const,
      factIds: [f.id],
    })),
  };
}
