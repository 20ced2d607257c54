import { readFileSync } from 'node:fs';
import type { Concept, Lang, LexiconEntry } from '../../core/index.js';
import { invalid } from '../../core/index.js';
import { bundledDdxplusNames } from '../../knowledge/index.js';
import { extractFacts, Lexicon, parseZhNumber } from '../../nlp/index.js';
import type { Network, QuestionNode } from '../diagnosis/index.js';
import {
  listedYesNo,
  plainRhetoric,
  withoutEcho,
  withoutOthers,
  withoutPast,
  withoutQuestions,
} from './answer-scope.js';
import { spanInAnswer, withoutInnerAdverbs } from './bridged-terms.js';
import { modelLexicon, parseDuration, zhNumber } from './complaint.js';
import {
  comparedUp,
  degreeHedge,
  endsInNearMiss,
  nearMissStarts,
  withoutEffortGrade,
  withoutNearMisses,
} from './degree-words.js';
import { echoYesWords } from './echo-verbs.js';
import { type ImageReading, imagesIn, simileFrame } from './imagery.js';
import { correctedAnswer, normalisePatientSpeech } from './patient-speech.js';
import { defaultRedFlags, redFlagsInText } from './redflags.js';
import { temperatureIn } from './temperature.js';
import type { FindingNames } from './topics.js';
import { isLossQuestion, readTopic, saysScarcely, saysUnchanged, withoutScarcely } from './topics.js';

/**
 * Reading a patient's free-text answer (consultation.md §2.2 dialogue rules: record "unsure"
 * explicitly, never fill a slot with an inferred value). Findings come from the NLP stage
 * (`extractFacts` in `patient` speech: colloquial negation 不发烧 / "don't", hedges 好像 / "I think")
 * over the network's own names plus the colloquial names of `data/answer-cues.json`, after the
 * spoken forms that hide a symptom word are undone (patient-speech.ts: 气儿不够, 拉了三天肚子); the answer as a
 * whole is then placed on the question: yes / no / unknown / partly ("有点", "偶尔", "好像"), or
 * `other` when it carries findings but does not answer what was asked (kept, never forced into yes).
 */
export type AnswerQuestionKind = 'binary' | 'categorical' | 'multi' | 'scale' | 'slot';

export interface AnswerQuestion {
  /** A network question id (a DDXPlus evidence code), a red-flag check id, or a history slot. */
  readonly id: string;
  readonly kind: AnswerQuestionKind;
  /** For `slot` questions: duration, site, character, severity, onset, modifiers, allergies, medications, lmp… */
  readonly slot?: string;
}

export interface AnswerReading {
  readonly value: 'yes' | 'no' | 'unknown' | 'partly' | 'other';
  /** Finding ids of the network (DDXPlus evidence codes without a network) the answer states present. */
  readonly present: string[];
  readonly absent: string[];
  /** How long; a range ("三四天") has its upper bound in `upTo`. */
  readonly duration?: { value: number; unit: string; upTo?: number };
  /** 0–10 when the patient gave a number or a word with a scale anchor, else the word. */
  readonly severity?: number | string;
  readonly site?: string;
  /** A number with its unit the answer gives (体温 39 度, "3 times a day"). */
  readonly quantity?: { value: number; unit: string; text: string };
  /** Other findings the answer carries (not the one asked), kept as patient-reported facts. */
  readonly extra: { text: string; present: boolean; concept?: string }[];
}

export interface ReadContext {
  readonly net?: Network;
  readonly lexicon?: Lexicon;
}

interface SiteCue {
  readonly zh: readonly string[];
  readonly en: readonly string[];
  readonly label: { readonly zh: string; readonly en: string };
  readonly ddxplus: readonly string[];
}

interface AnswerCues {
  readonly yes: Record<Lang, string[]>;
  readonly no: Record<Lang, string[]>;
  readonly unknown: Record<Lang, string[]>;
  readonly partly: Record<Lang, string[]>;
  readonly severity: readonly { value: number; word: string; zh: string[]; en: string[] }[];
  readonly findings: Record<string, Record<Lang, string[]>>;
  readonly sites: readonly SiteCue[];
  /** Per painful finding: the `sites` labels where it is felt (E_97 sore throat: 咽喉, "throat"). */
  readonly painSites?: Record<string, readonly string[]>;
  readonly implies?: Record<string, string[] | string>;
  /** Per red-flag check: patterns (regular expressions) that state its danger in an answer to that check. */
  readonly redFlagAnswers?: Record<string, Record<Lang, string[]>>;
  /** Per red-flag check: features that go with its danger (sweating with chest pain); they state it only beside it. */
  readonly redFlagCompanions?: Record<string, Record<Lang, string[]>>;
  /** Phrases that state a finding absent without a negation word ("干咳" has no sputum). */
  readonly excludes?: Record<string, Record<Lang, string[]>>;
  /** Per finding: the words for what it concerns (胃口, "throat"); that said to be fine states it absent. */
  readonly fineTopics?: Record<string, Record<Lang, string[]>>;
  readonly fineWords?: Record<Lang, string[]>;
  /** Per red-flag check: the findings it is about (E_53 pain for the chest-pain check); all of them denied is a `no`. */
  readonly redFlagTopics?: Record<string, string[]>;
  /** Measured values ("血压", "blood pressure"): a hedge about one ("有点高") does not answer a symptom question. */
  readonly measures?: Record<Lang, string[]>;
  /** Per finding: regular expressions that state it (`present`: imagery, a loss in the verb) or deny it (`absent`). */
  readonly speechPatterns?: Record<string, { present?: Record<Lang, string[]>; absent?: Record<Lang, string[]> }>;
  /** Per finding: a broader finding (`via`) said together with one of these words is the asked finding. */
  readonly impliedWith?: Record<string, { via: string[] } & Partial<Record<Lang, string[]>>>;
  /** Unsure without a "don't know" word (regular expressions): doubt either way, or no means to tell. */
  readonly cannotTell?: {
    doubt: Record<Lang, string[]>;
    means: Record<Lang, string[]>;
    /** The symptom put down to the surroundings (a hot climate, a broken heater): it does not tell. */
    surroundings?: Record<Lang, string[]>;
    /** Per finding: what leaves that finding untold (no effort made, for effort breathlessness). */
    byFinding?: Record<string, Record<Lang, string[]>>;
  };
}

let cues: AnswerCues | undefined;
export function answerCues(): AnswerCues {
  cues ??= JSON.parse(readFileSync(new URL('./data/answer-cues.json', import.meta.url), 'utf8')) as AnswerCues;
  return cues;
}

const DDX = 'urn:medseek:ddxplus';
const MODEL = 'urn:medseek:causal-model';

/** The DDXPlus evidence code a network finding stands for (`E_91`, `ddxplus:E_91`, or its coding). */
export function evidenceCode(net: Network | undefined, findingId: string): string | undefined {
  const m = /(?:^|:)(E_\d+)(?:$|[@≥_])/.exec(findingId);
  if (m) return m[1];
  if (!net) return undefined;
  const f = net.findings[net.findingIndex.get(findingId) ?? -1];
  const c = f?.coding?.code;
  return c && /^E_\d+$/.test(c) ? c : undefined;
}

const codeMaps = new WeakMap<Network, Map<string, string>>();
/** DDXPlus evidence code → the network's finding id. */
function findingByCode(net: Network): Map<string, string> {
  let m = codeMaps.get(net);
  if (!m) {
    m = new Map();
    for (const f of net.findings) {
      const c = evidenceCode(net, f.id);
      if (c && !m.has(c) && !/[@≥]/.test(f.id)) m.set(c, f.id);
    }
    codeMaps.set(net, m);
  }
  return m;
}

const langOf = (s: string): Lang => (/[\u4e00-\u9fff]/.test(s) ? 'zh' : 'en');

const answerLexicons = new WeakMap<Network, Lexicon>();
let ddxLexicon: Lexicon | undefined;

/** The network's names plus the colloquial names (for the findings the network has). */
export function answerLexicon(net?: Network): Lexicon {
  if (net) {
    let lex = answerLexicons.get(net);
    if (!lex) {
      const byCode = findingByCode(net);
      const entries: LexiconEntry[] = [...modelLexicon(net).entries];
      const bundled = bundledDdxplusNames().evidences;
      const add = (code: string, terms: readonly string[]) => {
        const id = byCode.get(code);
        if (!id) return;
        const f = net.findings[net.findingIndex.get(id)!]!;
        const concept: Concept = {
          system: MODEL,
          code: id,
          display: f.name.en,
          ...(f.name.zh ? { displayZh: f.name.zh } : {}),
        };
        for (const term of terms)
          if (term.trim()) entries.push({ term, lang: langOf(term), concept, category: 'finding' });
      };
      // A network whose findings are DDXPlus evidences (the `ddxplus` knowledge base names them only by
      // their English questions) also gets MedSeek's short zh/en names and synonyms for them.
      for (const [code, e] of Object.entries(bundled)) add(code, [e.en, e.zh, ...e.synonyms.en, ...e.synonyms.zh]);
      for (const [code, names] of Object.entries(answerCues().findings)) add(code, [...names.zh, ...names.en]);
      lex = new Lexicon(entries);
      answerLexicons.set(net, lex);
    }
    return lex;
  }
  if (!ddxLexicon) {
    const names = bundledDdxplusNames();
    const entries: LexiconEntry[] = [];
    const add = (code: string, term: string, display: string, zh?: string) => {
      if (!term.trim()) return;
      entries.push({
        term,
        lang: langOf(term),
        concept: { system: DDX, code, display, ...(zh ? { displayZh: zh } : {}) },
        category: 'finding',
      });
    };
    for (const [code, e] of Object.entries(names.evidences))
      for (const term of [e.en, e.zh, ...e.synonyms.en, ...e.synonyms.zh]) add(code, term, e.en, e.zh);
    for (const [code, n] of Object.entries(answerCues().findings)) {
      const e = names.evidences[code];
      for (const term of [...n.zh, ...n.en]) add(code, term, e?.en ?? code, e?.zh);
    }
    ddxLexicon = new Lexicon(entries);
  }
  return ddxLexicon;
}

const clean = (t: string) =>
  t
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .trim()
    .replace(/[。.!！~～…]+$/u, '')
    .trim();

/**
 * A space typed between two Chinese words is a pause, as a comma is ("冷是勿冷个 身浪暖热个"): patients on a phone
 * often type one instead of punctuation, and the clause rules read commas.
 */
const spacedPauses = (t: string, lang: Lang) =>
  lang === 'zh' ? t.replace(/(?<=[\u4e00-\u9fff])[ \t\u3000]+(?=[\u4e00-\u9fff])/gu, '，') : t;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** "I never …" / "I've never …" before a verb of having or feeling (not of checking or stopping). */
const NEVER_HABIT = new RegExp(
  "\\bi(?:('ve|\\s+have))?\\s+never\\s+(?!(?:stops?|stopped|knew|know|thought|think|noticed?|checked|check|looked|" +
    'look|paid|pay|measured|tested|reali[sz]ed|used|listened|bothered|took\\s+it|take\\s+it)\\b)',
  'gi',
);

/** "never had X this bad / like this": the finding beyond any before (spokenYesNo rewrites it as the worst ever). */
const NEVER_THIS_BAD = new RegExp(
  "\\b(?:i(?:'ve|\\s+have)?\\s+)?never\\s+((?:had|been|felt|got|experienced|coughed|hurt|ached)\\b[^,.;!?]*?\\b" +
    '(?:(?:this|so|that)\\s+(?:bad|badly|much|severe|severely|awful|painful|intense|strong|sore|out|ill|sick|weak|' +
    'dizzy|tired|breathless|short|hard|high|hot|often)|like\\s+(?:this|that|it\\s+is\\s+now))\\b[^,.;!?]*)',
  'gi',
);

/**
 * How people open or colour a yes or a no in speech, undone so the cue lists read it: an interjection first
 * ("Oh god, yes", "Well, no"), the speaker's attitude to the answer ("afraid so" is a yes, "thankfully not" a
 * no, "hell no"), a drawn-out yes ("yessir"), "on that one" after the answer, a degree before an always
 * ("pretty much all the time"), and a double negative ("never not tired" = always; 哪能不咳 = 咳).
 */
function spokenYesNo(t: string): string {
  return (
    t
      .replace(/(?:哪能|哪里能|怎么可能|怎么会|没有)不(?!舒服|适|太|怎么|知道|清楚|记得)(?=[\u4e00-\u9fff])/gu, '')
      // "没一处不疼", "没哪天不咳": not one place (day) without it is everywhere (every day).
      .replace(
        /没(?:有)?(?:一|哪)(?:处|块|个地方|处地方|天|晚上?)(?:肉|骨头|地方|关节)?(?:是)?不(?=[\u4e00-\u9fff])/gu,
        '',
      )
      .replace(/\bnever\s+not\b/gi, 'always')
      // "一点不堵", "一点儿都不酸": not at all, a plain denial (not the small amount 一点 names elsewhere).
      .replace(/一点(?:儿)?(?:都|也)?(?=[不没][\u4e00-\u9fff])/gu, '')
      // "咳啥呀", "疼什么啊": a symptom word asked back rhetorically opens a denial ("咳啥呀，一点不咳").
      .replace(/^([\u4e00-\u9fff]{1,2}?)(?:啥|什么)(?:呀|啊|嘛|哟)(?=[，,。！!\s]|$)/u, '不$1')
      // "烧啥烧", "疼什么疼": the word doubled round 啥 is the same rhetorical denial.
      .replace(/^([\u4e00-\u9fff]{1,2})(?:啥|什么)\1(?:呀|啊|嘛|哟)?(?=[，,。！!\s]|$)/u, '不$1')
      // "咳嗽那是没有的", "发烧倒是没有的事", 西南 "烧是莫得烧的": the topic named, then denied with a copula.
      .replace(/^([\u4e00-\u9fff]{1,2})(?:那|这)?(?:倒)?是(?:没有?|莫得|没得|木得|冇)\1的(?=[，,。！!\s]|$)/u, '没有$1')
      // "痰是冇得的", "烧倒是没有的": the topic named first, then denied with a copula without repeating it.
      .replace(
        /^([\u4e00-\u9fff]{1,2})(?:那|这)?(?:倒)?是(?:没有?|莫得|没得|木得|冇)的(?:事)?(?=[，,。！!\s]|$)/u,
        '没有$1',
      )
      .replace(/(?:那|这)?(?:倒)?是(?:没有?|莫得|没得|木得|冇)的(?:事)?(?=[，,。！!\s]|$)/gu, '没有')
      // "zero coughing": none of it (a doing word only: "zero appetite" is the loss the question reads itself).
      .replace(/\bzero\s+(?=[a-z]+ing\b)/gi, 'no ')
      // "nothing hurts", "nothing aches": a denial of any pain, not a pain.
      .replace(/\bnothing\s+(?:hurts|aches|is\s+(?:sore|painful|hurting|aching))\b/gi, 'no pain anywhere')
      // "I've never had a headache this bad", "never been this out of breath", "never had pain like this": an
      // intensity beyond any before, the finding at its worst, not denied.
      .replace(NEVER_THIS_BAD, 'worst ever, $1')
      // "never threw up", "never been sick": never before a past form of being sick denies it, as "not" does.
      .replace(/\bnever\s+(?=(?:been\s+sick|threw\s+up|vomited|puked)\b)/gi, 'not ')
      // "I never get short of breath", "I never cough": a habit denied, as "don't" denies it. Not a doubt ("I never
      // checked", read as unsure) nor "never stops" (always).
      .replace(NEVER_HABIT, (_m, have: string | undefined) => (have ? 'i have not ' : 'i do not '))
      // "nope, I'm cool as a cucumber temperature-wise": after a denial, "X-wise" names the topic, asserting nothing.
      .replace(/^(?:no|nope|nah)\b[\s\S]*$/i, (m) => m.replace(/\s*\b[a-z]+-wise\b/gi, ''))
      // "don't think I've thrown up": a hedged denial is a no ("don't think so" is one), the clause said plainly.
      .replace(
        /^(?:i\s+)?(?:don'?t|do\s+not)\s+think\s+(?:i'?ve|i\s+have)\s+(?![^,.;]*\b(?:not|never|wasn'?t|didn'?t)\b)/i,
        "no, i haven't ",
      )
      // "I think so, yes, pretty sure": a hedge taken back by an assurance after a yes is a yes.
      .replace(
        /^(?:i\s+(?:think|reckon|guess)\s+so|maybe|probably),\s*(yes|yeah|yep),\s*(?:pretty|quite|fairly)\s+sure\b/i,
        '$1, sure',
      )
      .replace(
        /^(?:(?:oh\s+my\s+god|oh\s+(?:god|gosh|dear|boy|man|lord|jeez|well)|good\s+lord|omg|gosh|god|jeez|geez|lord|man|ugh|um+|erm?|hmm+|well|honestly|ah|aw|oh)\s*[,!.]\s*|(?:oh|ah|well)\s+(?=yes|yeah|yep|no|nope|nah|not|big|definitely|absolutely))+(?=\S)/i,
        '',
      )
      .replace(
        /^(?:i'?m\s+)?(?:afraid|sadly|unfortunately|regrettably|hell|heck|god|oh\s+hell)\s*,?\s+(?:so|yes|yeah)\b/i,
        'yes',
      )
      .replace(
        /^(?:thankfully|luckily|fortunately|mercifully|happily|hell|heck|god|gosh|lord|christ|dear\s+god)\s*,?\s+(?:not|no|nope|nah)\b/i,
        'no',
      )
      .replace(/^ye+s+(?:sir+(?:ee)?|ma'?am)\b/i, 'yes')
      // "I've thought about it, yes": a yes said last, after a clause that negates nothing, is the answer.
      .replace(
        /^(?![^,]*(?:\bno\b|\bnot\b|\bnever\b|n't\b|\bnothing\b))([^,;.?]{3,60}),\s*(yes|yeah|yep|yup)[.!]*$/i,
        '$2, $1',
      )
      .replace(/^(yes|no|negative|affirmative|nope|yep)\s+(?:on|to)\s+(?:that|this)(?:\s+one|\s+front)?\b/i, '$1')
      .replace(
        /^(?:pretty\s+much|basically|just\s+about|more\s+or\s+less)\s+(?=all\s+the\s+time|always|constantly|every\s+day|non-?stop)/i,
        '',
      )
      // A yes or no run into what follows, as typed on a phone ("nope dont think so", "yes when I climb stairs",
      // "no my throat is fine", "no I can't breathe": the danger stated after the opener, never denied by it).
      .replace(
        /^(yes|yeah|yep|yup|ya|no|nope|nah)\s+(?=(?:i\s+)?don'?t\b|i\s+can(?:'?t|not)?\s|not\b|never\b|when\b|but\b|only\b|just\b|mostly\b|especially\b|at\s+night\b|in\s+the\b|if\b|after\b|since\b|my\s|i'?m\b|i\s+am\b|it'?s\b|it\s+is\b|everything\b)/i,
        '$1, ',
      )
      // A yes run into any statement ("yes nose is blocking", "yes red rashes came on my back"): the yes answers.
      // Not "yeah no" (a no), "yes and no", "yes or no".
      .replace(/^(yes|yeah|yep|yup)\s+(?!(?:no|nope|nah|and|or|so|not)\b)(?=[a-z])/i, '$1, ')
      // A discourse opener before a Chinese yes or no ("其实也没有", "说实话，有点").
      .replace(
        /^(?:(?:其实|说实话|老实说|实话说|讲真|那个)[，,\s]*(?:也|倒是?)?|(?:那|这)?倒是?)(?=没|不|有|是|还)/u,
        '',
      )
  );
}

/**
 * What the answer says about the patient now (answer-scope.ts): rhetorical negatives made plain, an echo of the
 * question and question clauses set aside, another person's and past clauses set aside where the patient also
 * speaks of themselves now. Red-flag checks set aside only remote past events.
 */
function inScope(text: string, lang: Lang, question: AnswerQuestion): string {
  const plain = listedYesNo(withoutEcho(plainRhetoric(text, lang), lang), lang);
  const rf = question.id.startsWith('rf:');
  const scoped = withoutPast(withoutOthers(withoutQuestions(plain, lang), lang, !rf), lang, rf);
  return scoped.trim() ? scoped : text;
}

/** A short clause that only echoes the question after a yes or no ("I have", "it doesn't", "I do, yeah"). */
const EN_ECHO =
  /^(?:i|it|they|he|she|we|that|there|you)(?:'\w+)?(?:\s+(?!but\b|and\b)[a-z']+){0,2}\s*[,.!]*\s*(?:yeah|yes|no)?$/i;

/** Sentence-final particles alone after a whole cue (no pattern built per word and answer). */
const FINAL_PARTICLES = /^[啊呀呢吧嘛哦喔啦嘞咯哈]+[。！!，,\s]*$/;

/** Whole-answer cue: the text is (or starts with, before a pause) one of the words. */
function wordCue(text: string, words: readonly string[], lang: Lang): { whole: boolean; head: boolean; len: number } {
  const t = lang === 'en' ? text.toLowerCase() : text;
  const sorted = [...words].sort((a, b) => b.length - a.length);
  for (const w of sorted) {
    if (t === w) return { whole: true, head: true, len: w.length };
    const re =
      lang === 'en'
        ? new RegExp(`^${escapeRe(w)}(?=[\\s,;:.!?]|$)[\\s,;:.!?]*`, 'i')
        : new RegExp(`^${escapeRe(w)}[，,、；;：:\\s!！。]+`);
    // "我也想知道啊", "没有呀": a sentence-final particle after the whole answer leaves it whole.
    if (lang === 'zh' && t.startsWith(w) && FINAL_PARTICLES.test(t.slice(w.length)))
      return { whole: true, head: true, len: t.length };
    const m = re.exec(t);
    if (m && (lang === 'zh' || /[,;:.!?]/.test(m[0]) || m[0].length === t.length))
      return { whole: false, head: true, len: m[0].length };
    // "yes I have", "no it doesn't": the word, then a short echo of the question with its own subject.
    if (m && lang === 'en' && EN_ECHO.test(t.slice(m[0].length))) return { whole: false, head: true, len: m[0].length };
  }
  return { whole: false, head: false, len: 0 };
}

function contains(text: string, words: readonly string[], lang: Lang): string | undefined {
  // English: "temperature's normal" holds the word "temperature".
  const spaced = (x: string) => x.toLowerCase().replace(/'s\b/g, " 's");
  const t = lang === 'en' ? ` ${spaced(text).replace(/[,;:.!?]/g, ' ')} ` : text;
  return [...words]
    .sort((a, b) => b.length - a.length)
    .find((w) => (lang === 'en' ? t.includes(` ${spaced(w)} `) : t.includes(w)));
}

/** The findings a question settles: its options' findings (with a network), else the id itself. */
function questionFindings(q: AnswerQuestion, node: QuestionNode | undefined): string[] {
  if (node) return node.options.map((o) => o.finding);
  return q.kind === 'binary' ? [q.id] : [];
}

/** The finding a binary question asks about (its network finding, or the id itself without a network); none for other kinds. */
export function ownFinding(question: AnswerQuestion, ctx: ReadContext = {}): string | undefined {
  const node = ctx.net ? ctx.net.questions[ctx.net.questionIndex.get(question.id) ?? -1] : undefined;
  if (node ? node.kind !== 'binary' : question.kind !== 'binary') return undefined;
  return questionFindings(question, node)[0];
}

function numberIn(raw: string): number | undefined {
  // "十分的话有六分", "满分10分", "out of 10, a 6": the scale named is not the rating.
  const text = raw.replace(/(?:满分|总分)?(?:十|10)\s*分(?:的话|制|满分|里|之中|当中|中)|满分(?:十|10)\s*分?/g, ' ');
  const m = /(\d+(?:\.\d+)?)\s*(?:分|\/\s*10|out of 10|points?)?/i.exec(text);
  if (m) return Number(m[1]);
  const z = /(十|[零一二两三四五六七八九])\s*分/.exec(text);
  return z ? parseZhNumber(z[1]!) : undefined;
}

/** A degree complement of consequence (得 or 到): the symptom so bad that it stops eating, sleeping, walking… */
const SEVERE_CONSEQUENCE =
  /(?:疼|痛|难受|咳|喘|晕|痒)(?:得|到)[^，。,.;；]{0,8}?(?:不敢|没法|没办法|难以|都难|都费劲|都困难)|一(?:宿|夜|晚上?)(?:都)?(?:没法|没|不能)合眼|(?:疼|痛|难受|咳|喘|晕|痒)(?:得|到)(?:我)?(?:都|连)?[^，。,.;；不]{0,4}?(?:咽|吃|喝|睡|走|站|坐|说|讲|抬|躺|直|下|翻|转)(?:不|唔)(?:下|了|着|动|起|直|成|住|到|出)|疼得(?:直|满地)?(?:打滚|哭|叫)|\bso\s+(?:bad|much)\s+(?:that\s+)?i\s+(?:can'?t|couldn'?t)\b|(?:一句|整句)(?:整)?话(?:都|也)?说不(?:完|全|出来|下去)|\b(?:can'?t|cannot|couldn'?t)\s+(?:even\s+)?(?:finish|complete|get\s+out)\s+a\s+(?:whole\s+|full\s+)?sentence\b/i;

/** Severity: a 0–10 number, or a word with its NRS anchor. */
export function readSeverity(text: string, lang: Lang): number | string | undefined {
  // "neck pain, 5/10, had it 3 days": a rating said as out of ten is the rating, whatever number comes with a unit.
  const outOfTen = /(?<![\d.])(\d+(?:\.\d+)?)\s*(?:\/|out\s+of)\s*10\b/i.exec(text);
  if (outOfTen && Number(outOfTen[1]) <= 10) return Number(outOfTen[1]);
  const n = numberIn(text);
  if (
    n !== undefined &&
    n >= 0 &&
    n <= 10 &&
    !/(天|周|月|年|小时|分钟|次|度|℃|days?|weeks?|hours?|times?|degrees?|(?<![a-z])(?:hrs?|mins?|wks?|yrs?|mos?)\b)/i.test(
      text.slice(text.search(/\d/)),
    )
  )
    return n;
  // A severity word under negation is mild ("有点疼，不厉害", 西南 "不是好严重", 说不上特别疼, "not that bad", "nothing crazy"), and so is
  // a very small amount ("很少的": 很 is no severe anchor there): checked before the anchors it contains.
  if (
    /(?:很|特别|非常)(?:少|轻)|(?:不|没)(?:太|怎么|是很|是好|是太|是那么|算|那么)?(?:厉害|严重)|(?:说|谈|算|称)不上(?:有)?(?:特别|很|太|多|非常|那么)|不是(?:很|太|特别|那么)(?=[\u4e00-\u9fff])|没那么(?:严重|厉害|疼|痛)|\bnot\s+(?:too\s+|that\s+|very\s+|so\s+)?(?:bad|severe|serious)\b|\bnothing\s+(?:too\s+|that\s+|very\s+)?(?:bad|awful|terrible|dramatic|crazy|major|serious|mad|wild)\b/i.test(
      text,
    )
  )
    return 2;
  // A degree word under negation ("not very watery", "not too sore") is no severe anchor: mild.
  if (lang === 'en' && /\bnot\s+(?:very|too|that|so|really|super)\s+[a-z]/i.test(text)) return 2;
  // What it stops the patient doing ("疼得咽不下饭", "咳得睡不着", "so bad I can't sleep"): severe.
  if (SEVERE_CONSEQUENCE.test(text)) return 8;
  // "早上起来严重点", "更厉害些": worse at one time than another, a comparison, not how bad it is.
  const graded = text.replace(/(?:更|稍微|稍)?(?:严重|厉害)(?:一)?(?:点|些)儿?|更(?:加)?(?:严重|厉害)/gu, ' ');
  const anchors = [...answerCues().severity].sort((a, b) => b.value - a.value);
  for (const a of anchors) if (contains(graded, lang === 'zh' ? a.zh : a.en, lang)) return a.value;
  return undefined;
}

/** The body site named in the answer (longest name first), with its DDXPlus E_55 values. */
export function readSite(
  text: string,
  lang: Lang,
): { label: string; words: string; ddxplus: readonly string[] } | undefined {
  // 头 inside 钟头 (hours), 枕头 (pillow), 馒头, 石头, 码头 is no body site.
  const t = lang === 'en' ? text.toLowerCase() : text.replace(/[钟枕馒石码]头/g, '  ');
  let best: { label: string; words: string; ddxplus: readonly string[] } | undefined;
  for (const s of answerCues().sites) {
    for (const w of [...s.zh, ...s.en]) {
      const at = lang === 'en' ? (new RegExp(`\\b${escapeRe(w)}\\b`, 'i').exec(t)?.index ?? -1) : t.indexOf(w);
      if (at >= 0 && (!best || w.length > best.words.length))
        best = { label: s.label[lang], words: w, ddxplus: s.ddxplus };
    }
  }
  return best;
}

const DAY_WORDS: [RegExp, number, string][] = [
  [/刚才|刚刚|just now|a few minutes/i, 10, 'minute'],
  [/今天早上|今早|今天上午|this morning|earlier today|today/i, 6, 'hour'],
  [/半天|half a day/i, 12, 'hour'],
  // The longer day words first: 大前天 and "the day before yesterday" hold 前天 and "yesterday".
  [/大前天|大前儿(?:个)?|大前个|three days ago/i, 3, 'day'],
  [/前天|前儿(?:个)?|前个|day before yesterday|(?:evening|night)\s+before\s+last/i, 2, 'day'],
  [/一整天|整整一天|一天一夜|a whole day|all day/i, 1, 'day'],
  [/昨天|昨晚|昨儿|yesterday|last night/i, 1, 'day'],
  [/好几天|几天|这几天|a few days|several days|couple of days/i, 3, 'day'],
  [/上周|上星期|上个星期|整整一周|一整周|last week|a week|whole week/i, 1, 'week'],
  [/上个月|last month|a month/i, 1, 'month'],
  [/很久|好久|好多年|for years|a long time/i, 1, 'year'],
];
const HALF_UNIT: Record<string, string> = {
  hour: '30 minutes',
  week: '3.5 days',
  month: '15 days',
  year: '6 months',
};
const ISO_UNIT: Record<string, string> = { H: 'hour', D: 'day', W: 'week', M: 'month', Y: 'year' };

/** The patient's words for a time without a number ("since yesterday", "昨天开始"), if any. */
export function durationWords(text: string): string | undefined {
  for (const [re] of DAY_WORDS) {
    const m = re.exec(text);
    if (m) return m[0];
  }
  return undefined;
}

const EN_NUMBERS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const EN_TENS = 'twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety';
const EN_UNITS = 'one|two|three|four|five|six|seven|eight|nine';
const SPAN_UNITS = '(?:minutes?|hours?|days?|weeks?|months?|years?)';

/**
 * Everyday ways of saying a span, rewritten to the forms the duration parser reads: 礼拜 = 周;
 * "十来天" / "十几天" (about ten); "三个多月" (more than three months: the stated number); "a
 * fortnight" = 2 weeks; English number words and "an hour" / "a day".
 */
export function normaliseDurationWords(text: string, bound: 'lower' | 'upper' = 'lower'): string {
  const pick = (a: string, b: string) => (bound === 'lower' ? a : b);
  return (
    text
      // "half an hour", "half a month": the half of the unit, in the next smaller one.
      .replace(/\bhalf\s+an?\s+(hour|week|month|year)\b/gi, (_m, u: string) => HALF_UNIT[u.toLowerCase()]!)
      // Spoken numbers before a unit (北方 俩 = 两, 仨 = 三; 半拉 = 半个; 个把月 = about a month; 粤 成个 = a whole):
      // 大半年 / 大半个月 "the better part of" keeps its lower bound (半年), as "三个多月" keeps three.
      // 闽南/客家 工 = 天 after a number ("三工矣", "五工了"): a day counted.
      .replace(/([一二两三四五六七八九十几\d]+)\s*工(?=矣|了|啊|多|左右|[，,。\s]|$)/g, '$1天')
      // "三到五天", "3到5天": a range said with 到 or 至, as "三五天".
      .replace(
        /([一二两三四五六七八九十\d]+)\s*(?:到|至)\s*([一二两三四五六七八九十\d]+)(?=\s*个?(?:天|日|周|星期|礼拜|月|年|小时|钟头|分钟))/g,
        (_m, a: string, b: string) => pick(a, b),
      )
      .replace(/俩(?=\s*(?:个|天|日|周|星期|礼拜|月|年|小时|钟头|分钟|多))/g, '两')
      .replace(/仨(?=\s*(?:个|天|日|周|星期|礼拜|月|年|小时|钟头|分钟|多))/g, '三')
      .replace(/半拉(?=\s*(?:个)?(?:月|钟头|小时|星期|礼拜))/g, '半个')
      .replace(/个把(?=\s*(?:月|星期|礼拜|钟头|小时))/g, '一个')
      .replace(/成个(?=\s*(?:月|星期|礼拜|钟头|小时))/g, '一个')
      .replace(/大半(?=\s*(?:个)?(?:年|月))/g, '半')
      .replace(/半个?来(?=\s*(?:个)?(?:月|钟头|小时|星期|礼拜))/g, '半个')
      // A range of two close numbers ("两三天", "三五天", "三四个钟头", "十一二天", "二三十分钟", "two or three days",
      // "3-4 hours", "a day or two", "between two and three weeks"): the bound asked for (readDuration keeps both).
      .replace(
        /十([一二三四五六七八])([二三四五六七八九])(?=\s*个?(?:天|日|周|星期|礼拜|月|年|小时|钟头|分钟))/g,
        (m, a: string, b: string) => (zhNumber(b) - zhNumber(a) === 1 ? `十${pick(a, b)}` : m),
      )
      .replace(
        /([一二两三四五六七八])([二两三四五六七八九])十(?=\s*个?(?:天|日|周|星期|礼拜|月|年|小时|钟头|分钟))/g,
        (m, a: string, b: string) => (zhNumber(b) - zhNumber(a) === 1 ? `${pick(a, b)}十` : m),
      )
      .replace(
        /([一二两三四五六七八])([二两三四五六七八九])(?=\s*个?(?:天|日|周|星期|礼拜|月|年|小时|钟头|分钟))/g,
        (m, a: string, b: string) => (zhNumber(b) > zhNumber(a) && zhNumber(b) - zhNumber(a) <= 2 ? pick(a, b) : m),
      )
      .replace(
        /\b(?:between\s+)?(\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s*(?:or|to|and|-|–)\s*(\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?=(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\b)/gi,
        (_m, a: string, b: string) => `${pick(a, b)} `,
      )
      .replace(/\b(?:an?|one)\s+(minute|hour|day|week|month|year)\s+or\s+two\b/gi, (_m, u: string) =>
        bound === 'lower' ? `1 ${u}` : `2 ${u}s`,
      )
      // "一个半月", "两个半小时": the half of the unit named.
      .replace(
        /(\d+|[一二两三四五六七八九十]+)个半(?=(?:月|小时|钟头|星期|礼拜))/g,
        (_m, n: string) => `${(/\d/.test(n) ? Number(n) : zhNumber(n)) + 0.5}个`,
      )
      // "一年半", "三天半": half of the unit after it; "一刻钟", "三刻钟": quarters of an hour.
      .replace(
        /(\d+|[一二两三四五六七八九十]+)(年|天)半/g,
        (_m, n: string, u: string) => `${(/\d/.test(n) ? Number(n) : zhNumber(n)) + 0.5}${u}`,
      )
      .replace(/([一二两三])刻钟/g, (_m, n: string) => `${zhNumber(n) * 15}分钟`)
      .replace(/个?礼拜|个周/g, '周')
      .replace(/([十百])(?:来|几)(?=\s*(?:个|天|日|周|星期|月|年|小时|分钟))/g, '$1')
      .replace(/([一二两三四五六七八九])(个)?来(?=\s*个?(?:天|周|星期|月|年|小时|钟头))/g, '$1$2')
      .replace(/个周/g, '周')
      // "一礼拜零两天", "一个月零五天": a unit and some days more, in days.
      .replace(
        /(\d+|[一二两三四五六七八九十]+)\s*个?(周|星期|月)零(\d+|[一二两三四五六七八九十]+)\s*天/g,
        (_m, a: string, u: string, b: string) =>
          `${(/\d/.test(a) ? Number(a) : zhNumber(a)) * (u === '月' ? 30 : 7) + (/\d/.test(b) ? Number(b) : zhNumber(b))}天`,
      )
      .replace(/(\d+|[一二两三四五六七八九十半]+)\s*个?多(?=\s*(?:个|天|日|周|星期|月|年|小时|钟头|分钟))/g, '$1')
      .replace(/钟头/g, '小时')
      // "两个晚上", "三宿": nights counted are days.
      .replace(/(\d+|[一二两三四五六七八九十]+)\s*个?(?:晚上|夜里|宿|夜)(?=[了啊吧，,。\s]|$)/g, '$1天')
      // "three mornings ago", "two nights back": mornings, nights and evenings counted are days.
      .replace(/\b(?:mornings|nights|evenings|afternoons)(?=\s+(?:ago|back|now)\b)/gi, 'days')
      .replace(/\b(?:a\s+)?fortnight\b/gi, '2 weeks')
      // "forty-five minutes": a compound number word.
      .replace(new RegExp(`\\b(${EN_TENS})[-\\s](${EN_UNITS})\\b`, 'gi'), (_m, t: string, u: string) =>
        String(EN_NUMBERS[t.toLowerCase()]! + EN_NUMBERS[u.toLowerCase()]!),
      )
      // "three and a half weeks", "two n a half days": the number as a word, then a half.
      .replace(
        new RegExp(`\\b(an?|${EN_UNITS}|ten)\\s+(?:and|n|'n'?|&)\\s+a\\s+half\\s+(?=${SPAN_UNITS}\\b)`, 'gi'),
        (_m, n: string) => `${(/^an?$/i.test(n) ? 1 : EN_NUMBERS[n.toLowerCase()]!) + 0.5} `,
      )
      .replace(/\b(?:a\s+)?couple\s+(?:of\s+)?/gi, 'two ')
      .replace(/\ba\s+few\s+(?=(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\b)/gi, 'three ')
      .replace(
        /\b(an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)\s+(minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\b/gi,
        (_m, n: string, u: string) => `${/^an?$/i.test(n) ? 1 : EN_NUMBERS[n.toLowerCase()]} ${u}`,
      )
      // "a week and a half", "2 hours and a half": the half of the unit named.
      .replace(
        /(\d+(?:\.\d+)?)\s+(minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+and\s+a\s+half\b/gi,
        (_m, n: string, u: string) => `${Number(n) + 0.5} ${u}`,
      )
  );
}

/**
 * How long: "3天", "两周", "since yesterday", "刚才" → {value, unit}; a range ("三四天", "a day or two") gives its
 * lower bound as `value` and its upper bound as `upTo`, in the same unit (the patient is sure of the lower one).
 */
export function readDuration(raw: string): { value: number; unit: string; upTo?: number } | undefined {
  const days = weekdaySpan(raw);
  if (days !== undefined) return { value: days, unit: 'day' };
  const lower = readDurationBound(raw, 'lower');
  if (!lower) return undefined;
  const upper = readDurationBound(raw, 'upper');
  return upper && upper.unit === lower.unit && upper.value > lower.value ? { ...lower, upTo: upper.value } : lower;
}

const EN_WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const ZH_WEEKDAYS = '日一二三四五六';

/** "since Monday, today's Thursday", "礼拜一开始的，今天礼拜四": the days from the onset's weekday to today's. */
function weekdaySpan(text: string): number | undefined {
  const day = (w: string) =>
    /^[日天一二三四五六]$/u.test(w) ? ZH_WEEKDAYS.indexOf(w === '天' ? '日' : w) : EN_WEEKDAYS.indexOf(w.toLowerCase());
  const en = new RegExp(`\\b(?:since|from|started(?:\\s+on)?)\\s+(?:last\\s+)?(${EN_WEEKDAYS.join('|')})\\b`, 'i').exec(
    text,
  );
  const enToday = new RegExp(`\\btoday(?:'s|\\s+is)\\s+(${EN_WEEKDAYS.join('|')})\\b`, 'i').exec(text);
  const zh = /(?:礼拜|星期|周)([一二三四五六日天])[^，,。；;]{0,4}(?:开始|起)/u.exec(text);
  const zhToday = /(?:今天|今朝|今儿个?|今日)(?:是)?(?:礼拜|星期|周)([一二三四五六日天])/u.exec(text);
  const from = en?.[1] ?? zh?.[1];
  const to = enToday?.[1] ?? zhToday?.[1];
  if (from === undefined || to === undefined) return undefined;
  const span = (day(to) - day(from) + 7) % 7;
  return span > 0 ? span : undefined;
}

function readDurationBound(raw: string, bound: 'lower' | 'upper'): { value: number; unit: string } | undefined {
  const text = normaliseDurationWords(raw, bound);
  const minutes = /(\d+(?:\.\d+)?|[一二两三四五六七八九十半]+)\s*(分钟|minutes?|mins?)/i.exec(text);
  if (minutes) {
    const n = /\d/.test(minutes[1]!) ? Number(minutes[1]) : zhNumber(minutes[1]!);
    if (Number.isFinite(n) && n > 0) return { value: n, unit: 'minute' };
  }
  const hours = /(\d+(?:\.\d+)?|[一二两三四五六七八九十半]+)\s*(?:个)?(?:小时|hours?|hrs?)/i.exec(text);
  if (hours) {
    const n = /\d/.test(hours[1]!) ? Number(hours[1]) : zhNumber(hours[1]!);
    if (n === 0.5) return { value: 30, unit: 'minute' };
  }
  const d = parseDuration(text);
  if (d) {
    const m = /^PT?([\d.]+)([HDWMY])$/.exec(d.iso);
    if (m) return { value: Number(m[1]), unit: ISO_UNIT[m[2]!]! };
  }
  for (const [re, value, unit] of DAY_WORDS) if (re.test(text)) return { value, unit };
  return undefined;
}

/** Fever: ≥ 37.3 °C (诊断学 第9版, 发热: axillary temperature above 37.3 °C; NICE NG143 uses 38 °C for children). */
const FEVER_C = 37.3;
/** The top of a low-grade fever (低热 37.3–38 °C, 诊断学 第9版). */
const LOW_GRADE_MAX_C = 38;
/** A high fever (高热 39.1–41 °C, 诊断学 第9版) is a severe one ("最高到39度8", "hit 40 last night"). */
const HIGH_FEVER_C = 39.1;

/** A span counted in units ("一两个礼拜", "three weeks"), not a day named ("昨天还是前天"). */
const SPAN_COUNTED =
  /[\d一二两三四五六七八九十几半]\s*(?:个)?(?:多)?(?:天|日|周|星期|礼拜|月|年|小时|钟头)|\b(?:\d+|a|one|two|three|four|five|six|few|couple\s+of)\s+(?:days?|weeks?|months?|years?)\b/i;

/** The exact time or day (具体哪天, 几点, "what time exactly"): what a patient may forget while giving the span. */
const EXACT_TIME = /具体|确切|哪(?:一)?天|几点|几时|\bexact(?:ly)?\b|\bprecise(?:ly)?\b|\bwhat\s+time\b/i;
/** "反正是昨天下午", "anyway it was Monday": the time the patient is sure of, after the one forgotten. */
const ANYWAY = /反正|总之|至少|\banyway\b|\bat\s+least\b/i;

/** Words that mark a number as a body temperature read ("a temp of 38.9", "量了38度5"). */
const FEVER_WORDS =
  /\btemp(?:erature)?\b|\bfever\b|\bthermometer\b|体温|发烧|发热|量了|量的|测了|度[一二三四五六七八九半\d]/i;

/** Findings named with a painful character: a generic "疼" / "hurts" answers their question. */
const PAINFUL = new Set(['E_53', 'E_97', 'E_144', 'E_14', 'E_220', 'E_38', 'E_55']);
/** The whole body ("周身骨头痛", "head to toe"): a site named inside it is no other place. */
const ALL_OVER =
  /全身|浑身|周身|遍身|一身|从头到脚|\bhead\s+to\s+(?:toe|foot)\b|\ball\s+over\b|\bevery\s+muscle|\bwhole\s+body\b|\beverywhere\b/i;
/** Where a painful finding is felt (answer-cues.json `painSites`); a pain elsewhere is another one. */
const painSites = (code: string): readonly string[] | undefined =>
  code.startsWith('_') ? undefined : answerCues().painSites?.[code];

/** "Haven't checked / 没量过": the patient cannot say (not a denial). */
const NOT_MEASURED =
  /\b(?:haven'?t|have\s+not|didn'?t|did\s+not|never)\s+(?:checked|measured|taken|weighed|check|measure|take|weigh)\b|没(?:有)?(?:量|测|称)(?:过)?(?:体温|体重)?(?:[，,。\s]|$)/i;

/** "can't say I have", "can't say I've noticed", "wouldn't call it X, no": English understatement for no (not doubt). */
const CANT_SAY_SO =
  /^(?:well,?\s+|honestly,?\s+)?(?:i\s+)?can'?t\s+say\s+(?:that\s+)?(?:i\s+(?:have|had|am|did|do)|i'?ve|i'?m|so|it\s+(?:has|is|does))\b|^(?:i\s+)?wouldn'?t\s+call\s+(?:it|that|them)\s+[a-z\s]{1,20},\s*no[.!]*$/i;

/**
 * "咳嗽倒不咳嗽", "疼倒是不疼", "咳嗽不咳嗽，就是嗓子痒", 吴 "痛是勿痛额" (as for X, not X): the finding named, then
 * denied (A-not-A before a contrast or at the end of a clause; "咳嗽不咳，就是…" with the word shortened;
 * "恶心那倒没有" with the denial after it; 吴 "咳嗽勿咳个" as the whole answer).
 */
const ECHO_DENIAL =
  /([\u4e00-\u9fff]{1,3})(?:倒(?:是)?|就)(?:不|没|没有)\1|^([\u4e00-\u9fff])[\u4e00-\u9fff](?:倒(?:是)?|就)(?:不|没|没有)\2|^([\u4e00-\u9fff]{1,3})(?:不|没)\3[，,]?\s*(?:[^，,。]{1,8}[，,]\s*)?(?:就是|但是|只是|倒是|主要是)|([\u4e00-\u9fff]{1,2})是(?:不|没)\4(?:的|额|个)?(?=[，,。]|$)|^([\u4e00-\u9fff])[\u4e00-\u9fff](?:不|没)\5[，,]\s*(?:就是|但是|只是|倒是|主要是)|^[\u4e00-\u9fff]{1,4}(?:那|这)?倒(?:是)?(?:没有|没)(?:的|啊|哦|呢)?(?=[，,。]|$)|^([\u4e00-\u9fff])[\u4e00-\u9fff](?:不|没)\6(?:的|额|个)?(?=[，,。]|$)|^(?!以前|原来|之前|过去|本来|起初|开始|刚开始|早先|平时)[\u4e00-\u9fff]{2,4}(?:也|都|倒)?没有(?=[，,。]|$)|^[\u4e00-\u9fff]{0,3}(?:啥|什么)(?:感觉|症状|毛病|异常|反应|不舒服)?(?:都|也)(?:没有|没)(?:感觉)?$/;

/** History slots answered "none" (no allergies, no medicines), or an allergy answer that only names a medicine taken. */
const SLOT_NONE: Record<string, RegExp> = {
  allergies:
    /(?:没有?|无|不)(?:什么|啥)?(?:药物|食物)?过敏|(?:没有?|无)(?:什么|啥)?(?:药物|食物|药|食品)[和及跟、或]?(?:药物|食物|药|食品)?过敏|(?:啥|什么)都不过敏|都不过敏|不过敏|\bno\s+(?:known\s+)?(?:drug\s+|food\s+)?allerg|\bnot\s+allergic|\bnkda\b|\bnone\s+known\b|\b(?:nothing|none)\s+(?:that\s+)?i\s+know\s+of/i,
  medications:
    /(?:没有?|不|没在)(?:吃|服|用|打)(?:过)?(?:什么|啥|任何)?(?:药)|(?:什么|啥|任何)药(?:都|也)(?:没|不)(?:吃|服|用)|没用药|不吃药|(?:一片|一粒|一颗|半片)药(?:都|也)(?:没|不)(?:吃|服|用|碰|沾)|药(?:一片|一粒|一颗|半片)?(?:都|也)(?:没|不)(?:吃|服|用|碰|沾)|^(?:一片|一粒|一颗|半片)(?:都|也)(?:没|不)(?:吃|服|用|碰|沾)|^没(?:有)?(?:吃|服|用)(?:过)?(?:什么|啥)(?:呀|啊|的)?$|\bno\s+(?:regular\s+)?(?:medications?|medicines?|meds|tablets|pills|drugs)\b|\bnot\s+(?:taking|on)\s+any|\b(?:don'?t|do\s+not|never)\s+take\s+(?:any|no)\b|\bnothing\s+regular|^(?:none|nothing)\s+(?:at\s+(?:the\s+)?(?:moment|minute|present)|right\s+now|currently|these\s+days)\b|^(?:none|nothing)(?:\s+at\s+all)?\s*[,.!]*\s*(?:not\s+even\b|$)/i,
};
/** "青霉素过敏，别的都不过敏", "just Lianhua, nothing else": a none that excepts what was just named is not a none. */
const NONE_BESIDES =
  /(?:别的|其他的?|其它的?|其余的?|另外的|除了[^，。,.]{1,12})(?:都|也)?(?:没|不|无)|\b(?:nothing|none)\s+else\b|\bno\s+other\b|\bapart\s+from\b|\bexcept\b|\bbesides\b/i;
/** "only the odd paracetamol, nothing regular", "就吃点维生素，别的没有": a medicine named first is no none. */
const ONLY_NAMED = /^(?:就|只)(?:吃|用|打|有)|^(?:only|just)\b(?!\s+(?:none|nothing|no)\b)/i;
const TAKES_MEDICINE =
  /在吃|正在吃|吃着|服用|长期吃|每天吃|^(?:been\s+)?taking\b|\bi\s+take\b|\bi'?m\s+(?:taking|on)\b|\bi\s+am\s+(?:taking|on)\b/i;
const ALLERGY_WORDS = /过敏|起疹|出疹|荨麻疹|不能吃|不能用|allerg|react|rash|hives/i;

/** The patient says it is fine / normal / as usual: a denial of a symptom question ("嗓子没事", "throat's fine", "饭量跟以前一样"). */
const FINE_BUILTIN =
  /挺好|很好|蛮好|正常|没事|没问题|好好的|好着(?:呢|哪|嘞)|稳当|还行|还可以|还算(?:行|可以|好|正常|凑合)|不错|照常|(?:挺|很|蛮|还|都|可|贼|特)(?:顺|稳|足|通|畅|利索)|(?<![不没])(?:通着|通畅|顺畅)|(?:跟|和|同)(?:以前|平时|往常|平常|原来|没病的时候)[^，。,.;；]{0,6}(?:一样|差不多)|\bfine\b|\bgrand\b|\bokay\b|\bok\b|\ball right\b|(?<!\bthan\s+)\bnormal\b|\bas usual\b|\bsame as (?:usual|always|before|ever)\b/i;
/** The built-in words with answer-cues.json `fineWords` (more ways of saying a topic is fine). */
const FINE = new RegExp(
  [FINE_BUILTIN.source, ...(answerCues().fineWords?.zh ?? []), ...(answerCues().fineWords?.en ?? [])].join('|'),
  'i',
);

/**
 * Not knowing, in the patient's words: a verb of knowing, remembering, noticing or telling under a
 * negation, with or without a degree word between (不太清楚, 记不太清, 没太注意, "can't really tell"),
 * or no means to tell (没体温计).
 */
const UNSURE =
  /不(?:太|大|是很)?(?:知道|清楚|确定|记得|晓得|好说|好讲)|(?:记|想)不(?:太|大)?(?:得|清|起来?|住)|说不(?:太)?(?:清|准|好|上)(?![话句气])|(?:分|区分|分辨)不(?:太)?(?:开|清)|(?:拿|吃)不(?:太)?准|没(?:太|怎么|大)?(?:注意|留意|在意|观察|留神|留心)(?:过|到)?|(?:听|看|分辨|区分|感觉|觉察|判断|摸)不(?:太)?出(?:来)?(?![话声气血])|没(?:有)?(?:太|大|仔细|细|认真|好好|顾上|顾得上|来得及|怎么){0,2}(?:看|瞧|听)(?:过)?(?![到见出清])|搞不(?:清|懂|明白)|难说|忘(?:了|记了)|没(?:有)?(?:体温计|温度计)|\b(?:not\s+(?:really\s+|too\s+|quite\s+|entirely\s+)?sure|unsure|(?:don'?t|do\s+not)\s+(?:really\s+)?know|dunno|no\s+(?:idea|clue)|(?:can'?t|cannot|couldn'?t)\s+(?:really\s+)?(?:tell|say|remember|recall)|wouldn'?t\s+know|hard\s+to\s+(?:tell|say)|haven'?t\s+noticed|didn'?t\s+notice|(?:never|didn'?t|haven'?t|not)\s+(?:really\s+)?(?:paid|pay|paying)\s+(?:any\s+)?attention|idk|beats\s+me|(?:didn'?t|haven'?t|never|not)\s+(?:really\s+|properly\s+|actually\s+)?(?:look(?:ed)?|check(?:ed)?|listen(?:ed)?)(?:\s+(?:at|for)\s+(?:it|the\s+\w+))?(?!\s+like)|(?:no|any)\s+idea\b|(?:haven'?t|didn'?t|not)\s+(?:had|taken)\s+a\s+(?:proper\s+|good\s+|close\s+|real\s+)?look|not\s+something\s+i'?(?:ve|d|\s+have)\s+(?:checked|noticed|measured|looked\s+at|paid\s+attention\s+to)|(?:can'?t|cannot|couldn'?t)\s+(?:really\s+)?(?:tell|say|be\s+sure)\s+(?:if|whether))\b/i;

let cannotTellRes: Record<'doubt' | 'means' | 'surroundings', Record<Lang, RegExp[]>> | undefined;
/** Which kind of "cannot tell" the answer states (answer-cues.json `cannotTell`), if any. */
function cannotTell(text: string, lang: Lang): 'doubt' | 'means' | undefined {
  const c = answerCues().cannotTell;
  const compile = (ps: Record<Lang, string[]> | undefined) => ({
    zh: (ps?.zh ?? []).map((p) => new RegExp(p, 'iu')),
    en: (ps?.en ?? []).map((p) => new RegExp(p, 'iu')),
  });
  cannotTellRes ??= {
    doubt: compile(c?.doubt),
    means: compile(c?.means),
    surroundings: compile(c?.surroundings),
  };
  if (cannotTellRes.doubt[lang].some((re) => re.test(text))) return 'doubt';
  return cannotTellRes.means[lang].some((re) => re.test(text)) ? 'means' : undefined;
}

/** Whether a "cannot tell" phrase opens the answer ("never been tested, …"): its "never" is no denial. */
function cannotTellOpens(text: string, lang: Lang): boolean {
  if (!cannotTellRes) cannotTell(text, lang);
  const all = [...(cannotTellRes?.doubt[lang] ?? []), ...(cannotTellRes?.means[lang] ?? [])];
  return all.some((re) => re.exec(text)?.index === 0);
}

/** Findings the surroundings can cause on their own: sweating (E_50), chills (E_94), feeling hot (E_91). */
const THERMAL = new Set(['E_50', 'E_94', 'E_91']);

/**
 * The symptom put down to the surroundings ("the heating's broken so everyone is shivering", "it's 38 degrees here,
 * I'm always sweating", 暖气停了): a clinician cannot tell from it whether the patient has the symptom as an illness.
 * Read on the answer as said, before the weather words are blanked; never for a red-flag check.
 */
function putDownToSurroundings(said: string, lang: Lang): boolean {
  if (!cannotTellRes) cannotTell(said, lang);
  return (cannotTellRes?.surroundings[lang] ?? []).some((re) => re.test(said));
}

/** Whether the answer says what leaves one of these findings untold (answer-cues.json `cannotTell.byFinding`). */
function untestable(codes: ReadonlySet<string>, text: string, lang: Lang): boolean {
  const by = answerCues().cannotTell?.byFinding ?? {};
  return [...codes].some((code) => (by[code]?.[lang] ?? []).some((p) => new RegExp(p, 'iu').test(text)));
}

/**
 * Whether a finding is named only inside a clause that itself says the patient had no way to tell
 * ("哨音这种事得问我老公", "I couldn't hear a whistle over it"): there it is the thing not told, not a statement.
 */
function inUntoldClause(text: string, lang: Lang, mention: string): boolean {
  if (!cannotTellRes) cannotTell(text, lang);
  const means = cannotTellRes?.means[lang] ?? [];
  // The mention must stand beside the means, not be the words of it ("香的臭的都分不出来" is the loss itself).
  return text
    .split(/[，,；;。.！!？?]/u)
    .some((cl) => cl.includes(mention) && means.some((re) => re.test(cl) && cl.replace(re, '').includes(mention)));
}

/** A kind of medicine named without its name (降压药, "a water pill"): the medication slot is answered. */
const MEDICINE_KIND =
  /(?:降压|降糖|降脂|降血脂|抗凝)(?:的)?|(?:安眠|止疼|止痛|消炎|心脏病?|血压|糖尿病|甲状腺)(?:的)?(?:药|片)|胰岛素|\b(?:blood\s+pressure|water|heart|sugar|diabetes|cholesterol|sleeping|thyroid)\s+(?:pills?|tablets?|meds?|medicines?|medication)\b|\binsulin\b/i;
/** A dose taken on a schedule without the word medicine ("a little white one every morning", "每天早上一片"). */
const DOSE_SCHEDULE =
  /\b(?:one|two|half)\s+(?:every|each|a|in\s+the)\s+(?:morning|night|day|evening)\b|每(?:天|日|晚)(?:早上|晚上|早晚)?(?:吃)?(?:一|两|半)(?:片|粒|颗|袋)/i;
/**
 * Only which medicine it is not known ("叫啥名我忘了", "瓶子上的字看不清", "dunno the name", "no clue what it is"), or the
 * name to be looked up on the box ("药名我得看看盒子", "I'd have to check the box").
 */
const NAME_FORGOTTEN =
  /(?:名字?|叫(?:啥|什么)(?:名字?)?|(?:啥|什么|哪)(?:种|个|样)?(?:药材|成分|药)|字)[^，,。]{0,6}(?:忘|记不|想不起|说不上|说不全|说不清|不知道|不清楚|看不清|认不)|\b(?:forg[eo]t(?:ten)?|can'?t\s+remember|don'?t\s+remember|dunno|don'?t\s+know|no\s+(?:clue|idea)|not\s+sure)\s+(?:what\s+(?:it|they|it'?s|they'?re|it\s+is|they\s+are)(?:\s+(?:is|are))?(?:\s+called)?|(?:the|its|their)\s+names?|which)\b|\b(?:can'?t|couldn'?t)\s+(?:read|make\s+out)\s+the\s+(?:label|name|box)\b|(?:得|要|需要)(?:去)?(?:看看?|查查?|翻翻?|瞅瞅?)(?:药)?(?:盒子?|瓶子?|包装|说明书)|\b(?:have|need)\s+to\s+(?:check|look\s+at|read)\s+the\s+(?:box|packet|bottle|label)\b/i;
/** The patient's own medicines named as a set ("my meds", "我吃的那些药"): some are taken, whoever keeps them. */
const OWN_MEDICINES =
  /\bmy\s+(?:meds|medications?|medicines?|pills|tablets)\b|我(?:的|吃的|平时吃的|天天吃的)(?:那些|这些|那几样|这几样)?药/i;

/** A medicine said to be taken whose name the patient cannot give (the medications slot is answered, not unknown). */
function takesUnnamed(t: string): boolean {
  if (SLOT_NONE.medications!.test(t) || EMBEDDED_QUESTION.test(t) || QUESTION_FORM.test(t)) return false;
  // The medicine must be named outside what is not known ("吃什么药我忘了" names none: unknown).
  const rest = t.replace(new RegExp(NAME_FORGOTTEN.source, 'giu'), ' ');
  const medicine = MEDICINE_KIND.test(rest) || MEDICINE_WORDS.test(rest) || DOSE_SCHEDULE.test(rest);
  return (medicine && NAME_FORGOTTEN.test(t)) || OWN_MEDICINES.test(t);
}

/**
 * An embedded question ("快不快", "是…还是…", "恶心不恶心", "有没有", 西南 "有没得", 粤 "有冇", "快慢", "啥颜色", "whether", "if"): with
 * not knowing, the answer is unknown.
 */
// Not a word's last character doubled round 不 ("现在不在手边": now not at hand).
const EMBEDDED_QUESTION =
  /(?<![现实存正])([\u4e00-\u9fff]{1,2})(?:不|没)\1|是[^，,。；;]{0,10}还是|有没(?:有|得)|有冇|是不是|算不算|快慢|轻重|(?:啥|什么)(?:颜色|色)|\b(?:if|whether|what\s+colou?r)\b/i;

/** The severe anchors that say how bad on their own ("agony", "受不了"), without the bare intensifiers (很, very). */
function severeAlone(lang: Lang): string[] {
  const plain = new Set(['很', '非常', '特别', 'very', 'a lot', '厉害', '严重']);
  return answerCues()
    .severity.filter((a) => a.value >= 8)
    .flatMap((a) => (lang === 'zh' ? a.zh : a.en))
    .filter((w) => !plain.has(w));
}

/** A 0–10 rating given as the whole answer to a symptom question ("三分", "7分", "an 8 out of 10"): a number above 0 says it is there. */
const RATING =
  /(?:\d+(?:\.\d+)?|十|[零一二两三四五六七八九])\s*分(?!钟)|\b\d+(?:\.\d+)?\s*(?:\/|out\s+of)\s*10\b|\b(?:an?|about\s+an?|like\s+an?)\s+(?:solid\s+|good\s+|strong\s+|easy\s+)?\d+(?:\.\d+)?\b|打分/i;

/** Doubt or a small degree in an answer to a red-flag check (it stays positive, as `partly`). */
const RF_HEDGE =
  /有点|有一点|有些|稍微|一点点|好像|可能|似乎|应该|估计|大概|\b(?:a\s+(?:[a-z]+\s+)?(?:bit|touch|tad)|a\s+little|slightly|slight|mild|faint|maybe|perhaps|kind\s+of|sort\s+of|kinda|i\s+think|i\s+guess)\b/i;

/** An inability ("can't", 喘不上, 说不了): what it negates is the ability, and the symptom is there. */
const INABILITY = /\b(?:can'?t|cannot|couldn'?t|unable\s+to)\b|不(?:能|了|上|过来|动|出)/giu;

/** A denial word anywhere in a clause. */
const DENIAL_IN_CLAUSE = /[不没无未别冇]|\b(?:no|not|never|none|nothing|nope)\b|n't/i;

/**
 * A clause with a hedge (RF_HEDGE), no denial and nothing else named in it: "嗓子好像有点紧紧的", "my lip feels a bit
 * puffy". One that sets another complaint beside the denial ("就是有点喘", "还有点鼻塞", "I just feel a bit dizzy")
 * answers another question.
 */
function hedgedClause(text: string, others: readonly string[], saysWhat = false): boolean {
  return text.split(/[，,；;。.！!？?]|\s+but\s+/iu).some(
    (cl) =>
      RF_HEDGE.test(cl) &&
      !DENIAL_IN_CLAUSE.test(cl) &&
      !UNSURE.test(cl) &&
      !/就是|只是|只有|还有|另外|\b(?:just|only|also)\b/i.test(cl) &&
      !others.some((o) => cl.includes(o)) &&
      // With `saysWhat`: more than the hedge ("maybe a little tight", not "可能吧" or "maybe").
      (!saysWhat || HEDGED_WHAT.test(cl.replace(new RegExp(RF_HEDGE.source, 'giu'), ' '))),
  );
}
/** What a hedged clause says beyond the hedge: two Chinese characters other than particles, or an English word. */
const HEDGED_WHAT =
  /[\u4e00-\u9fff](?<![吧吗呢啊呀哦嘛了是的])[\u4e00-\u9fff]|\b(?!(?:so|yes|yeah|it|is|that|be|was)\b)[a-z]{3,}/iu;

/** A degree word before worry or nerves ("有点担心", "a bit worried"): it qualifies the feeling, not the finding. */
const WORRIED = new RegExp(
  '(?:有点|有些|有一点|稍微|挺|很|蛮)(?:儿)?(?:担心|害怕|紧张|着急|发愁|慌张)|' +
    '\\b(?:a\\s+(?:little\\s+)?bit|a\\s+little|slightly|kind\\s+of|sort\\s+of|kinda)\\s+' +
    '(?:worried|nervous|scared|anxious|concerned|panicky|on\\s+edge)\\b',
  'giu',
);

/** English degree phrases the word lists cannot enumerate: "a tiny bit", "a wee touch", "a little bit of". */
const PARTLY_EN =
  /\ba\s+(?:[a-z]+\s+)?(?:bit|touch|tad|smidge)\b|\b(?:slight|mild|minor)\b|(?<!\b(?:feel|feels|felt|feeling|go|goes|went|going)\s+)\bfaint\b|\b[a-z]+-ish\b|,\s*i\s+(?:think|guess|reckon|suppose)$|\ba\s+(?:few|couple\s+of)\s+(?!(?:more\s+)?(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|nights?|pounds?|lbs?|kilos?|kg|stone|times\s+(?:a|per|each|every)|steps?|stairs|flights?|words|sentences?|yards?|metres?|meters?|feet|blocks?|bites?|mouthfuls?|sips?|spoonfuls?)\b)[a-z]+/i;
/** An answer that limits the finding to one occasion or time of day ("only when I stand up", "only first thing"). */
const ONLY_AT = /^only\s+(?:when|first\s+thing|in\s+the\s+(?:morning|evening)|at\s+night)\b/i;

/** An answer put as a question or a request ("能不能喝酒", "can I get a sick note?"): it does not fill a history slot. */
const QUESTION_FORM =
  /[?？]\s*$|吗\s*$|能不能|可不可以|要不要|可以吗|怎么办|多少钱|什么时候|\b(?:can|could|should|may)\s+i\b|\bhow\s+(?:long|much|do)\b/i;
/** A request about the conversation itself: slower, louder, again (听不清 there is the hearing, not a doubt). */
const ABOUT_THE_TALK =
  /(?:说|讲|问)(?:得)?(?:慢|大声|清楚)一?(?:点|些)|再(?:说|讲|问)一(?:遍|次)|没听(?:清|懂|明白|见)(?:你|您)(?:问|说)|\b(?:speak|talk)\s+(?:up|slower|more\s+slowly|louder)\b|\b(?:say|ask)\s+(?:that|it)\s+again\b|\brepeat\s+(?:that|the\s+question)\b/i;
/** Where something is ("过敏科在几楼？", "which floor is the allergy clinic on?"): a question about the clinic. */
const WHERE_QUESTION =
  /(?:科|室|门诊|诊所|药房|窗口|楼|厕所|洗手间)(?:在)?(?:几楼|哪(?:里|儿|边)?)|\bwhich\s+(?:floor|room|building|desk)\b|\bwhere(?:'s|\s+is|\s+are|\s+do\s+i)\s+(?:the|your)\b/i;
/**
 * Asking whether a medicine may be taken, what it does, or what a word means ("can I take ibuprofen with this?", "那个药
 * 吃了会不会犯困啊", "what's the difference between an allergy and an intolerance"). Not "can I keep taking …", which
 * tells a medicine taken.
 */
const ASKS_ABOUT =
  /^(?:(?:can|could|should|may)\s+i\s+(?!keep\b|still\b|carry\s+on\b|go\s+on\b)\w+|is\s+it\s+(?:ok|okay|safe|alright|all\s+right|fine)\s+to\b|what(?:'s|\s+is|\s+are)\s+the\s+difference\b|do\s+i\s+need\s+to\b)|会不会|有没有副作用|(?:能不能|可不可以|能|可以)(?:一起|同时)?(?:吃|用|喝)[^，,。]{0,8}(?:吗|啊|呀)?\s*[?？]?$/i;
/** The patient's own allergy told inside a question ("is it ok to have penicillin if I'm allergic to amoxicillin?"). */
const OWN_ALLERGY =
  /\b(?:i'?m|i\s+am)\s+(?:\w+\s+)?allergic\b|\bi\s+(?:have|get)\s+an?\s+allergy\b|我(?:对)?[^，,。]{0,8}过敏/i;
/**
 * A medicine or allergy question that is the whole answer, one clause (after a told medicine it is a side question),
 * and tells no allergy of the patient's own.
 */
const asksAbout = (said: string) =>
  ASKS_ABOUT.test(said) && !OWN_ALLERGY.test(said) && !/[，,;；。]/u.test(said.replace(/[。.!！?？\s]+$/u, ''));
/** A request to prescribe ("能开便宜点的吗", "could you prescribe"): what it names is wanted, not taken. */
const PRESCRIBE = /(?:给我|帮我|能|可以|能不能|可不可以|再)[^，,。]{0,3}开|\b(?:prescribe|give\s+me|get\s+me)\b/i;
/** Words that name a medicine taken, where the lexicon does not know the product ("感冒灵", "the pill", "降压药"). */
const MEDICINE_WORDS =
  /药|片|丸|胶囊|冲剂|颗粒|口服液|糖浆|灵|膏|贴|针|吊瓶|输液|\b(?:pills?|tablets?|tabs|capsules?|medicines?|meds|drugs?|inhalers?|injections?|jabs?|drops|spray|cream|syrup)\b/i;

/** A function said to be less than usual ("淡了一些", "少了点", "没以前那么灵", "a bit dulled", "eating less"). */
const REDUCED: Record<Lang, RegExp> = {
  zh: /(?:淡|差|少|弱|降|减)(?:了|些|点|一点|一些)|不如(?:以前|平时|从前|原来|往常)|没(?:有)?(?:以前|平时|原来|从前|往常)(?:那么|那样)?(?:灵|好|香|多)/u,
  en: /\b(?:less|weaker|dull(?:ed|er)?|muted|down|reduced|lower|not\s+as\s+(?:good|strong|sharp|much))\b/i,
};
/** The same function said to still work ("还能闻出来", "照吃", "吃得下", "still managing", "can still smell"). */
const STILL_WORKS: Record<Lang, RegExp> = {
  zh: /还(?:能|可以|吃|闻|尝|照|是能)|照(?:样|吃|常|旧)|也能|仍(?:然)?(?:能|可以)|[闻吃尝喝]得(?:出|到|着|下|进)/u,
  en: /\b(?:still|can\s+(?:smell|taste|eat|manage|finish|pick\s+up))\b/i,
};

/** A near miss is not the event ("差点晕倒", "nearly fainted but didn't"). */
const NEAR_MISS =
  /(?:差点|差一点|险些|几乎)儿?(?:就)?(?:晕倒|昏倒|晕过去|昏过去|摔倒|倒下)|\b(?:nearly|almost)\s+(?:fainted|passed\s+out|blacked\s+out|collapsed)(?:\s+but\s+didn'?t)?/i;
/** The patient says it is the usual, or not as bad as asked: a "no" to a red-flag check. */
const DOWNPLAY =
  /(?:跟|和|同)(?:平时|以前|往常|平常|往年|每年)[^，。,.;；]{0,6}(?:差不多|一样|相同)|没那么(?:严重|厉害)|不(?:太)?严重|\bnot\s+that\s+(?:bad|severe)\b|\bsame\s+as\s+(?:usual|always|before)\b|(?<!\b(?:don'?t|doesn'?t|won'?t|didn'?t|not|never)\s+)\b(?:fades?|goes\s+away|disappears?|turns?\s+white|go(?:es)?\s+(?:pale|white))\s+when\s+(?:i\s+|you\s+)?(?:press|push)|\b(?:press(?:ed|ing)?|push(?:ed|ing)?|glass)\b(?:(?!\b(?:not|never|no|without)\b|n'?t\b)[^.;]){0,40}\b(?:fading|fades|blanch(?:es|ed|ing)?|go(?:es)?\s+pale|went\s+pale|turns?\s+(?:pale|white))\b|(?:按|压|摁)(?:一下|下去|压)?[^，。,.不没未]{0,3}(?:就)?(?:褪|消|没了|变?白)(?![不没])|\bjust\s+(?:a|my|the)\s+(?:normal|ordinary|regular|usual)\b|(?:就是|只是)?(?:平常|普通|一般)(?:的|那种)(?:头疼|头痛|胃疼|胃痛)/i;
/**
 * A red-flag check (`rf:<flag>`) answered in the patient's words (consultation.md §3: safety first):
 * the flag stated in any form (its keywords and patterns, or the check's own danger words) is `yes`;
 * a near miss or "the usual / not that bad" is `no`; otherwise the general reading decides (and an
 * answer that fits nothing is re-asked once, then taken as positive by the session).
 */
function redFlagAnswer(
  flagId: string,
  text: string,
  lang: Lang,
  leadingNo: boolean,
  topicDenied: boolean,
): AnswerReading['value'] | undefined {
  const config = defaultRedFlags();
  const flags = config.flags.filter((f) => f.id === flagId);
  if (flags.length === 0) return undefined;
  // Not global: a shared /g expression carries `lastIndex` from one answer to the next.
  const nearMiss = NEAR_MISS.test(text);
  const rest = text.replace(new RegExp(NEAR_MISS.source, 'gi'), ' ');
  if (redFlagsInText(rest, { ...config, flags }).length > 0) return 'yes';
  const words = flags.flatMap((f) => answerCues().redFlagAnswers?.[f.id]?.[lang] ?? []);
  // "no chest pain, but I'm short of breath": a companion of the danger beside its own topic denied is another finding.
  const companions = topicDenied ? [] : flags.flatMap((f) => answerCues().redFlagCompanions?.[f.id]?.[lang] ?? []);
  const lower = rest.toLowerCase();
  const stated = statedUndenied([...words, ...companions], lower);
  if (DOWNPLAY.test(rest)) return 'no';
  // "没有，大便不黑": a clear no first, and nothing after it states the danger.
  if (leadingNo && !stated) return 'no';
  if (stated) return 'yes';
  if (nearMiss) return 'no';
  // The flag's own words present but negated ("no chest pain", "没有吐血"): a denial.
  const keywords = flags.flatMap((f) => [...f.keywords.zh, ...f.keywords.en]).map((k) => k.toLowerCase());
  if (keywords.some((k) => lower.includes(k)) || [...words, ...companions].some((w) => new RegExp(w, 'iu').test(lower)))
    return 'no';
  return undefined;
}

/** Whether one of a check's answer patterns matches `lower` with no denial just before it. */
function statedUndenied(patterns: readonly string[], lower: string): boolean {
  // Gaps in the patterns never cross a negation or a clause ("大便不黑" is not "大便…黑").
  const noNegGap = (w: string) => w.replace(/\.\{0,(\d+)\}/g, "(?:(?![不没无]|not\\b|no\\b|n't)[^，。,.;；]){0,$1}");
  return patterns.some((w) => {
    const re = new RegExp(noNegGap(w), 'iu');
    const m = re.exec(lower);
    if (!m) return false;
    const before = lower.slice(Math.max(0, m.index - 36), m.index);
    // A denial reaches across a list ("no chest pain or tightness", "没有胸痛或者发紧").
    return !/(没有|没|无|不|未)(?:[^，。,.;；]{0,4}|[^，。,.;；]{0,8}(?:或者?|和|、|也)[^，。,.;；]{0,4})$|(\bno\b|\bnot\b|\bnever\b|\bwithout\b|n't)(?:[^,.;!?]{0,14}|[^,.;!?]{0,24}\b(?:or|nor|and)\s+(?:any\s+)?)$/.test(
      before,
    );
  });
}

/**
 * Whether a clause states the danger a red-flag check asks about (the flag's words, or the check's answer patterns
 * undenied): "no, I can't breathe" states severe breathlessness in its second clause.
 */
function clauseStatesFlag(flagId: string, clause: string, lang: Lang): boolean {
  const config = defaultRedFlags();
  const flags = config.flags.filter((f) => f.id === flagId);
  if (flags.length === 0) return false;
  if (redFlagsInText(clause, { ...config, flags }).length > 0) return true;
  return statedUndenied(
    flags.flatMap((f) => answerCues().redFlagAnswers?.[f.id]?.[lang] ?? []),
    clause.toLowerCase(),
  );
}

type Mention = { id: string; text: string; present: boolean; start: number; end: number; system: string };

/**
 * The asked finding in figurative or idiomatic words (answer-cues.json `speechPatterns`): imagery states
 * it ("汗把衣服都湿透了", "I was boiling"), a loss said in the verb states it ("I've barely eaten", "吃啥都不香"),
 * a denial without a negation word denies it ("鼻子灵着呢", "出汗不多"). A stated figure settles the finding
 * present (not as a hedge); a denying one overrules the finding words inside its own span only. Returns the
 * matched words, which are not read as hedges.
 */
function figuresOfSpeech(
  t: string,
  lang: Lang,
  ownCode: ReadonlySet<string>,
  net: Network | undefined,
  mentions: Mention[],
  present: Set<string>,
  absent: Set<string>,
  possible: Set<string>,
): string[] {
  const out: string[] = [];
  for (const code of ownCode) {
    const sp = answerCues().speechPatterns?.[code];
    const id = net ? findingByCode(net).get(code) : code;
    if (!sp || !id) continue;
    const first = (pats: readonly string[] | undefined) => {
      for (const p of pats ?? []) {
        const m = new RegExp(p, 'iu').exec(t);
        if (!m) continue;
        const before =
          t
            .slice(0, m.index)
            .split(/[，,；;。.]/u)
            .pop() ?? '';
        // "不是汗把衣服湿透", "not boiling": a negation just before the figure; "汗跟平时一样" compares with the usual self.
        if (/(?:没有|没|不是|不|无)$|\b(?:not|no|never)\s*$|n't\s*$/i.test(before)) continue;
        // "almost threw up", "差点就吐了": a near miss, not the event.
        if (endsInNearMiss(before)) continue;
        if (saysUnchanged(m[0], lang)) continue;
        return m;
      }
      return undefined;
    };
    const own = mentions.filter((m) => m.id === id);
    const denied = first(sp.absent?.[lang]);
    const figure = first(sp.present?.[lang]);
    // A figure inside a denial of it ("didn't hear any whistling") is denied, not stated.
    const inDenial =
      !!figure &&
      !!denied &&
      denied.index <= figure.index &&
      figure.index + figure[0].length <= denied.index + denied[0].length;
    const stated = inDenial ? undefined : figure;
    if (stated) {
      const start = stated.index;
      for (const m of own) if (m.start < start + stated[0].length && start < m.end) m.present = true;
      present.add(id);
      absent.delete(id);
      possible.delete(id);
      mentions.push({
        id,
        text: stated[0],
        present: true,
        start,
        end: start + stated[0].length,
        system: net ? MODEL : DDX,
      });
      out.push(stated[0]);
      continue;
    }
    if (!denied) continue;
    const start = denied.index;
    const end = start + denied[0].length;
    // A finding word outside the denial ("嗓子不疼，出汗不多，但是头烫") still stands.
    if (own.some((m) => m.present && (m.end <= start || m.start >= end))) continue;
    for (const m of own) m.present = false;
    present.delete(id);
    possible.delete(id);
    absent.add(id);
    mentions.push({ id, text: denied[0], present: false, start, end, system: net ? MODEL : DDX });
    out.push(denied[0]);
  }
  return out;
}

/**
 * What the answer's images say (imagery.ts): an image that answers the question asked states its finding
 * (as a stated figure of speech does), a calm image denies it, and the literal words inside any image are
 * not read as findings ("像晕车一样犯恶心" holds no dizziness). Returns the images' words, which are no hedges.
 */
function readImages(
  images: readonly ImageReading[],
  ownCode: ReadonlySet<string>,
  net: Network | undefined,
  mentions: Mention[],
  present: Set<string>,
  absent: Set<string>,
  possible: Set<string>,
): string[] {
  if (images.length === 0) return [];
  // A finding word strictly inside a longer image is not literal (晕 in 晕车); one that is the image itself is ("pounding").
  const inside = (m: Mention) =>
    images.some((i) => i.start <= m.start && m.end <= i.end && i.end - i.start > m.end - m.start);
  for (let k = mentions.length - 1; k >= 0; k--) {
    const m = mentions[k]!;
    if (!inside(m)) continue;
    mentions.splice(k, 1);
    if (!mentions.some((x) => x.id === m.id)) {
      present.delete(m.id);
      absent.delete(m.id);
      possible.delete(m.id);
    }
  }
  const ownId = [...ownCode].map((code) => (net ? findingByCode(net).get(code) : code)).find((x) => !!x);
  const stated = images.find((i) => i.says === 'present');
  const denied = images.find((i) => i.says === 'absent');
  const system = net ? MODEL : DDX;
  if (ownId && stated) {
    for (const m of mentions) if (m.id === ownId) m.present = true;
    present.add(ownId);
    absent.delete(ownId);
    possible.delete(ownId);
    mentions.push({ id: ownId, text: stated.text, present: true, start: stated.start, end: stated.end, system });
  } else if (ownId && denied && !mentions.some((m) => m.id === ownId && m.present)) {
    present.delete(ownId);
    possible.delete(ownId);
    absent.add(ownId);
    mentions.push({ id: ownId, text: denied.text, present: false, start: denied.start, end: denied.end, system });
  }
  return images.filter((i) => i.says !== 'none').map((i) => i.text);
}

/**
 * The patient's findings (NLP stage, the answer lexicon), then those found once the short adverbs inside a symptom
 * word are left out ("嗓子也疼", "voice is pretty much gone": bridged-terms.ts), each with its span in the answer.
 * A finding of the second look is taken where it covers the first look's findings there (the whole term over a
 * part of it: 嗓子也疼 over 疼) and is not already found.
 */
function factsAcrossAdverbs(t: string, lang: Lang, lexicon: Lexicon, finer: (code: string, than: string) => boolean) {
  const read = (s: string) =>
    extractFacts(s, { lang, lexicon, document: 'answer', speech: 'patient' }).facts.filter(
      (f) => f.subject.who === 'patient',
    );
  const span = (f: { sources: readonly unknown[] }) => f.sources[0] as { start: number; end: number };
  let facts = read(t);
  const bridged = withoutInnerAdverbs(t, lang);
  if (!bridged) return facts;
  for (const f of read(bridged.text)) {
    const s = { ...f.sources[0]!, ...spanInAnswer(bridged, span(f).start, span(f).end) };
    if (facts.some((g) => g.concept.code === f.concept.code)) continue;
    const under = facts.filter((g) => span(g).start < s.end && s.start < span(g).end);
    // Not a finer finding over one already read ("走路有点喘": breathlessness stays, not effort breathlessness).
    if (under.some((g) => finer(f.concept.code, g.concept.code))) continue;
    if (
      !under.every(
        (g) => span(g).start >= s.start && span(g).end <= s.end && span(g).end - span(g).start < s.end - s.start,
      )
    )
      continue;
    facts = [...facts.filter((g) => !under.includes(g)), { ...f, sources: [s, ...f.sources.slice(1)] }];
  }
  return facts;
}

const QUANTITY = /(\d+(?:\.\d+)?)\s*(度|℃|°c|°f|次|回|片|粒|斤|公斤|kg|times?|degrees?)/i;

/**
 * Reads one answer. Throws MedSeekError `invalid` (field `text`) for an empty answer.
 * `question.kind` decides what an answer must hold to answer it; `ctx.net` maps findings to the
 * network's ids (DDXPlus evidence codes when absent); `ctx.lexicon` replaces the answer lexicon.
 */
export function readAnswer(question: AnswerQuestion, text: string, lang: Lang, ctx: ReadContext = {}): AnswerReading {
  if (typeof text !== 'string') throw invalid('the answer must be text', { field: 'text' });
  if (lang !== 'zh' && lang !== 'en') throw invalid(`language '${String(lang)}' is not zh or en`, { field: 'lang' });
  const said = answerAfterAskingBack(correctedAnswer(spacedPauses(clean(text), lang), lang), lang);
  const redFlag = question.id.startsWith('rf:');
  const t = withoutEffortGrade(
    spokenYesNo(normalisePatientSpeech(inScope(said, lang, question), lang, { redFlag })),
    lang,
  ).replace(/^(?:i'?d|i\s+would|i'?m\s+gonna)\s+say\s+(?=yes|no)/i, '');
  if (!t) throw invalid('the answer is empty', { field: 'text' });
  const c = answerCues();
  const net = ctx.net;
  const node = net ? net.questions[net.questionIndex.get(question.id) ?? -1] : undefined;
  const own = new Set(questionFindings(question, node));
  const ownCode = new Set([...own].map((f) => evidenceCode(net, f)).filter((x): x is string => !!x));
  const sameAsOwn = (id: string) =>
    own.has(id) ||
    (evidenceCode(net, id) !== undefined &&
      ownCode.has(evidenceCode(net, id)!) &&
      !/[@≥]/.test(id) &&
      question.kind === 'binary');
  // A finding that entails the asked one answers it ("爬楼有点喘" to "are you short of breath?").
  // Not where the asked finding itself is denied ("not nauseous, though I did throw up once").
  const entails = (id: string) => {
    const implied = c.implies?.[evidenceCode(net, id) ?? ''];
    return (
      question.kind === 'binary' &&
      Array.isArray(implied) &&
      implied.some((x) => ownCode.has(x)) &&
      !mentions.some((m) => sameAsOwn(m.id) && !m.present)
    );
  };
  // A generic pain word answers a question about a painful finding ("疼" to "sore throat?"), unless the answer puts
  // the pain at a site where that finding is not felt ("肚子疼，别的没啥", "my ear hurts" to the sore-throat question).
  const site = readSite(t, lang);
  const feltAt = [...ownCode].map(painSites).find((x) => x !== undefined);
  // "tender at the back when I gulp": "the back" of the throat is no site of its own; "my back" is.
  const placeOnly = lang === 'en' && site?.words === 'back' && !/\b(?:my|his|her|their|lower|upper)\s+back\b/i.test(t);
  const painElsewhere =
    !!feltAt && !!site && !placeOnly && !feltAt.includes(site.label) && !ALL_OVER.test(t.replace(/骨头/gu, '骨'));
  const genericPain = (id: string) =>
    question.kind === 'binary' &&
    evidenceCode(net, id) === 'E_53' &&
    !/[@≥]/.test(id) &&
    !painElsewhere &&
    [...ownCode].some((x) => PAINFUL.has(x));
  // The broader finding said with what makes it the asked one ("扫个地就喘" to the effort question: `impliedWith`).
  const withContext = (id: string) =>
    question.kind === 'binary' &&
    [...ownCode].some((o) => {
      const w = c.impliedWith?.[o];
      return !!w && w.via.includes(evidenceCode(net, id) ?? '') && !!contains(t, w[lang] ?? [], lang);
    });
  // A painful finding answers the generic pain question ("嗓子疼，浑身也疼" to "有没有哪里疼？").
  const painOfKind = (id: string) =>
    question.kind === 'binary' && ownCode.has('E_53') && PAINFUL.has(evidenceCode(net, id) ?? '');
  const isOwn = (id: string) => sameAsOwn(id) || entails(id) || genericPain(id) || withContext(id) || painOfKind(id);

  // Findings through the NLP stage, in the patient's own words.
  const lexicon = ctx.lexicon ?? answerLexicon(net);
  const facts = factsAcrossAdverbs(
    t,
    lang,
    lexicon,
    (a, b) => !!c.implies?.[evidenceCode(net, a) ?? a]?.includes(evidenceCode(net, b) ?? b),
  );
  const present = new Set<string>();
  const absent = new Set<string>();
  const possible = new Set<string>();
  const mentions: Mention[] = [];
  for (const f of facts) {
    const src = f.sources[0] as { start: number; end: number };
    const id = f.concept.code;
    const yes = f.assertion === 'present' || f.assertion === 'possible';
    // 吐 of sputum ("痰都咽下去了，没吐出来过", "吐痰") is spitting, not vomiting.
    if (evidenceCode(net, id) === 'E_211' && spitting(t, src.start)) continue;
    // "the spots go pale when I push on them": a rash that blanches, not pale skin.
    if (evidenceCode(net, id) === 'E_154' && blanching(t, src.start)) continue;
    // "gonna hurl", "about to throw up": the vomit is still to come (that is the nausea).
    if (evidenceCode(net, id) === 'E_211' && ABOUT_TO.test(t.slice(Math.max(0, src.start - 24), src.start))) continue;
    if (f.assertion === 'present' || f.assertion === 'possible') present.add(id);
    else if (f.assertion === 'absent') absent.add(id);
    else continue;
    if (f.assertion === 'possible') possible.add(id);
    // "不舒服" after a body part is that part's discomfort, not general malaise ("肚子不舒服，拉稀").
    if (evidenceCode(net, id) === 'E_175' && localDiscomfort(t, src.start)) {
      present.delete(id);
      continue;
    }
    mentions.push({
      id,
      text: t.slice(src.start, src.end),
      present: yes,
      start: src.start,
      end: src.end,
      system: f.concept.system,
    });
  }
  // "差一点就吐了", "almost threw up": the event right after a near miss did not happen (a red-flag check reads its own).
  if (!question.id.startsWith('rf:')) {
    const near = nearMissStarts(t, lang);
    const missed = mentions.filter((m) => m.present && near.some((at) => m.start >= at && m.start <= at + 2));
    for (const m of missed) m.present = false;
    for (const id of new Set(missed.map((m) => m.id))) {
      if (mentions.some((m) => m.id === id && m.present)) continue;
      present.delete(id);
      possible.delete(id);
      absent.add(id);
    }
  }
  for (const [code, words] of Object.entries(c.excludes ?? {})) {
    if (code.startsWith('_') || !contains(t, words[lang] ?? [], lang)) continue;
    const id = net ? findingByCode(net).get(code) : code;
    if (!id || present.has(id)) continue;
    absent.add(id);
    mentions.push({
      id,
      text: contains(t, words[lang] ?? [], lang)!,
      present: false,
      start: 0,
      end: 0,
      system: net ? MODEL : DDX,
    });
  }
  // "胃口也还行", "throat's fine", "大便正常": a topic of a finding said to be fine, in one clause, states it absent.
  for (const [code, words] of Object.entries(c.fineTopics ?? {})) {
    if (code.startsWith('_')) continue;
    const clause = t
      .split(/[，,；;。.]|\bbut\b/u)
      .find(
        (cl) =>
          FINE.test(cl) &&
          !!contains(cl, words[lang] ?? [], lang) &&
          !contains(cl, c.partly[lang], lang) &&
          !widerTopic(c.fineTopics ?? {}, code, cl, lang),
      );
    const id = clause && (net ? findingByCode(net).get(code) : code);
    if (!clause || !id || (absent.has(id) && !present.has(id))) continue;
    // "temperature's normal": the topic word itself read as the finding is overruled by "normal" in its clause.
    const at = t.indexOf(clause);
    const own = mentions.filter((m) => m.id === id);
    // Stated present outside the clause ("temperature's normal, but I had a fever last night"): left as read.
    if (own.some((m) => (m.start < at || m.end > at + clause.length) && m.present)) continue;
    for (const m of own) m.present = false;
    present.delete(id);
    possible.delete(id);
    absent.add(id);
    mentions.push({
      id,
      text: clause,
      present: false,
      start: t.indexOf(clause),
      end: t.indexOf(clause) + clause.length,
      system: net ? MODEL : DDX,
    });
  }
  const figures = figuresOfSpeech(t, lang, ownCode, net, mentions, present, absent, possible);
  // An image inside a figure that denies it ("didn't hear any whistling") is denied with it, not stated.
  const deniedFigures = mentions.filter((m) => !m.present && figures.includes(m.text));
  const images = imagesIn(t, lang, question.id.startsWith('rf:') ? [question.id] : [...ownCode]).filter(
    (i) => !deniedFigures.some((m) => m.start <= i.start && i.end <= m.end),
  );
  figures.push(...readImages(images, ownCode, net, mentions, present, absent, possible));
  // A figure's own words are not a hedge: "I've barely eaten" is the loss of appetite, not a little of it.
  const unfigured = (s: string) => figures.reduce((x, f) => x.replace(f, ' '), s);
  for (const p of present) absent.delete(p);
  // Findings the network does not model (builtin clinical lexicon), outside the spans already read.
  const extra: AnswerReading['extra'] = [];
  const extraCategories: string[] = [];
  if (!ctx.lexicon) {
    for (const f of extractFacts(t, { lang, document: 'answer', speech: 'patient' }).facts) {
      const s = f.sources[0] as { start: number; end: number };
      if (f.subject.who !== 'patient' || mentions.some((m) => m.start < s.end && s.start < m.end)) continue;
      if (images.some((i) => i.start < s.end && s.start < i.end)) continue;
      if (f.assertion !== 'present' && f.assertion !== 'absent' && f.assertion !== 'possible') continue;
      if (
        f.category !== 'finding' &&
        f.category !== 'condition' &&
        f.category !== 'allergy' &&
        f.category !== 'medication'
      )
        continue;
      extraCategories.push(f.category);
      extra.push({
        text: t.slice(s.start, s.end),
        present: f.assertion !== 'absent',
        concept: `${f.concept.system}|${f.concept.code}`,
      });
    }
  }
  // A fever stated by its reading beside another finding ("chills and a temp of 38.9", "咳嗽，量了38度5").
  if (!ownCode.has('E_91') && FEVER_WORDS.test(t)) {
    const reading = temperatureIn(t);
    const fever = net ? findingByCode(net).get('E_91') : 'E_91';
    if (reading !== undefined && reading >= FEVER_C && fever && !mentions.some((m) => m.id === fever)) {
      present.add(fever);
      mentions.push({ id: fever, text: String(reading), present: true, start: 0, end: 0, system: net ? MODEL : DDX });
    }
  }
  for (const m of mentions) if (!isOwn(m.id)) extra.push({ text: m.text, present: m.present, concept: m.id });
  const named = new Set(extraCategories);

  // The answer as a whole.
  const head = (words: Record<Lang, string[]>) => wordCue(t, words[lang], lang);
  const unknownCue = head(c.unknown);
  // "a few times a day" is a rate, not a hedge.
  // "38 and a bit", "two and a bit weeks": a little over the number, not a hedge.
  const unrated = unfigured(t)
    // "a sort of whistle", "some kind of rash": the article names what it is like, no hedge on whether it is there.
    .replace(/\b(?:a|some)\s+(?:sort|kind)\s+of\b/gi, ' ')
    // "yes, bright red, a couple of times": after a plain yes, a count of events is how often, not a hedge.
    .replace(/^(yes|yeah|yep|yup)\b(.*)\b(?:a\s+couple\s+of|a\s+few|several)\s+times\b/i, '$1$2 ')
    .replace(/\b(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten)\s+and\s+a\s+bit\b/gi, ' ')
    .replace(
      /\b(?:a\s+few|several|a\s+couple\s+of|\d+|two|three|four|five|six)\s+times\s+(?:a|per|each|every)\s+(?:day|night|hour|morning)\b/gi,
      ' ',
    )
    // "我有点担心", "a bit worried": the degree is of the patient's worry, not of the finding asked about.
    .replace(WORRIED, ' ')
    // "a fair bit", "quite a bit": a good deal, not a little.
    .replace(/\b(?:a\s+fair|quite\s+a|a\s+good)\s+bit\b/gi, ' ')
    // "主要是晚上，白天还好": a time of day when it is fine says when it comes, not how much of it there is.
    .replace(/(?:白天|晚上|夜里|早上|上午|下午|中午|平时)(?:倒|就)?还(?:好|行)/gu, ' ');
  const partlyCue =
    contains(unrated, c.partly[lang], lang) ??
    (lang === 'en' && !RATING.test(t) ? PARTLY_EN.exec(unrated.replace(/[.!]+$/, ''))?.[0] : undefined) ??
    // Not for a red-flag check, where "only when I press on it" answers another question.
    (lang === 'en' && !question.id.startsWith('rf:') ? ONLY_AT.exec(unrated)?.[0] : undefined) ??
    // "比平时多一点", "晕一下": a small comparison with the usual self, or a brief spell.
    (question.id.startsWith('rf:') ? undefined : degreeHedge(unrated, lang));
  const noCue = head(c.no);
  // "想过" to "有没有想过…？": the question's own verb said back is a Chinese yes (echo-verbs.ts).
  const echoed = lang === 'zh' ? echoYesWords(question.id, [...ownCode][0] ?? question.id, t) : [];
  const yesCue = echoed.length ? wordCue(t, [...c.yes[lang], ...echoed], lang) : head(c.yes);
  // "喉咙不疼，是牙疼", "throat's fine, it's my ear that hurts": a pain put at another site in its own clause is not the
  // asked painful finding, whatever site an earlier clause named.
  const painAtOtherSite = (m: Mention) => {
    if (!feltAt || !m.present || evidenceCode(net, m.id) !== 'E_53') return false;
    const clause = clauseAround(t, m.start, m.end);
    const at = readSite(clause, lang);
    const bareBack =
      lang === 'en' && at?.words === 'back' && !/\b(?:my|his|her|their|lower|upper)\s+back\b/i.test(clause);
    return !!at && !bareBack && !feltAt.includes(at.label) && !ALL_OVER.test(clause);
  };
  const ownMentions = mentions.filter((m) => isOwn(m.id) && !painAtOtherSite(m));
  const otherMentions = mentions.filter((m) => !ownMentions.includes(m));
  const severeNow = (sev: number | string | undefined) => typeof sev === 'number' && sev >= 7;
  const standalone = (cue: { whole: boolean; head: boolean; len: number }) => cue.whole || (cue.head && cue.len > 0);

  let value: AnswerReading['value'];
  const duration = readDuration(t);
  const severity = readSeverity(t, lang) ?? images.find((i) => i.severity !== undefined)?.severity;
  const qm = QUANTITY.exec(t);
  const quantity = qm ? { value: Number(qm[1]), unit: qm[2]!.toLowerCase(), text: qm[0] } : undefined;

  // An image of the danger asked about ("大便像柏油", "like a vice round my chest") states it.
  const topics = question.id.startsWith('rf:') ? (c.redFlagTopics?.[question.id.slice(3)] ?? []) : [];
  const topicMentions = mentions.filter((m) => topics.includes(evidenceCode(net, m.id) ?? m.id));
  const rfTopicDenied = topicMentions.length > 0 && topicMentions.every((m) => !m.present);
  const rfValue = question.id.startsWith('rf:')
    ? (redFlagAnswer(question.id.slice(3), t, lang, standalone(noCue), rfTopicDenied) ??
      (images.some((i) => i.says === 'present') ? 'yes' : undefined))
    : undefined;
  const temperature = ownCode.has('E_91') ? temperatureIn(t) : undefined;
  const slotName = question.kind === 'slot' ? (question.slot ?? question.id) : undefined;
  const leadingDenial =
    lang === 'zh'
      ? /^(?:不|没|没有)[^，,。；;、\s]{1,3}(?=[，,；;、\s])/.exec(t)
      : /^(?:no|not|never|(?:i\s+)?(?:didn'?t|haven'?t|wasn'?t|don'?t|ain'?t))\b[^,;.]*(?=[,;.])/i.exec(t);

  // The asked finding entails another (answer-cues.json `implies`: E_64 effort breathlessness → E_66): that one denied.
  // "Not breathless, but my heart flutters" to the effort question: the denial stands beside another finding.
  const entailedByAsked = (id: string) =>
    [...ownCode].some((o) => c.implies?.[o]?.includes(evidenceCode(net, id) ?? ''));
  const impliedDenied =
    question.kind === 'binary' &&
    otherMentions.some((m) => !m.present && entailedByAsked(m.id)) &&
    !otherMentions.some((m) => m.present && entailedByAsked(m.id));
  // Doubt or a small degree, not frequency: "有时候觉得活着没意思" is a plain yes to the self-harm check.
  const hedge = possible.size > 0 || RF_HEDGE.test(t);
  // No way to tell, or doubt either way, without a "don't know" word ("没量过，谁知道呢", "I flushed before looking").
  // The means may lie in a clause about another person, set aside from `t` ("是奶奶换的，我没瞅见": the grandmother
  // changed the nappies, so the one answering did not see): read on the whole answer too (not for a red-flag check).
  const cannot =
    cannotTell(t, lang) ??
    (question.id.startsWith('rf:') ? undefined : cannotTell(normalisePatientSpeech(said, lang), lang)) ??
    // A thermometer reading settles the fever question whatever the room was like.
    (question.kind === 'binary' &&
    [...ownCode].some((code) => THERMAL.has(code)) &&
    temperature === undefined &&
    putDownToSurroundings(said, lang)
      ? 'doubt'
      : undefined);
  // No means to tell this finding at all (bed-bound, to the effort question): untold even where the answer names it.
  const noMeans = question.kind === 'binary' && !question.id.startsWith('rf:') && untestable(ownCode, t, lang);
  const embeddedDoubt = EMBEDDED_QUESTION.test(t);
  const untold =
    (!!cannot || noMeans) &&
    !standalone(yesCue) &&
    (!standalone(noCue) || cannotTellOpens(t, lang)) &&
    !(severeNow(severity) && ownMentions.some((m) => m.present)) &&
    (noMeans ||
      cannot === 'doubt' ||
      embeddedDoubt ||
      !ownMentions.some((m) => m.present && !inUntoldClause(t, lang, m.text)));
  // "I can't tell, he always talks a bit funny since his old stroke": a doubt said first, then why it cannot be told.
  const doubtFirst = UNSURE.exec(t);
  const opensInDoubt = !!doubtFirst && /^(?:i\s+|我|俺)?$/i.test(t.slice(0, doubtFirst.index));
  if (rfValue && !(((UNSURE.test(t) && embeddedDoubt) || untold || opensInDoubt) && !standalone(yesCue))) {
    // A danger stated with a hedge ("胸口偶尔有点闷", "maybe a bit of tightness") is `partly`: still positive for the session.
    value = rfValue === 'yes' && hedge && !severeNow(severity) ? 'partly' : rfValue;
  } else if (rfTopicDenied && !untold) {
    // "不疼" / "胸口不疼，就是有点喘" to the chest-pain check: the check's own topic denied, nothing of it stated.
    value = 'no';
  } else if (
    (ABOUT_THE_TALK.test(said) ||
      WHERE_QUESTION.test(said) ||
      // Not "能吃能喝的" (the appetite question answered), only a question put as one.
      (question.kind === 'binary' && asksAbout(said) && (lang === 'en' || /[吗？?]\s*$/u.test(said)))) &&
    !ownMentions.some((m) => m.present) &&
    !standalone(yesCue) &&
    !standalone(noCue)
  ) {
    // "你能说慢一点吗，我奶奶听不清", "sorry, can you say that again?": about the conversation, no answer yet.
    value = 'other';
  } else if (
    slotName === 'duration' &&
    duration &&
    EXACT_TIME.test(t) &&
    (SPAN_COUNTED.test(t) || ANYWAY.test(t)) &&
    !EMBEDDED_QUESTION.test(t)
  ) {
    // "一两个礼拜了，具体哪天记不清", "说不好几点开始的，反正是昨天下午": a time given, only the exact one forgotten.
    value = 'yes';
  } else if (slotName === 'medications' && takesUnnamed(t)) {
    // "吃的降压药叫啥名我忘了", "some pills for my heart, dunno the name", "my wife sorts my meds": a medicine taken,
    // only which one not known (or kept by someone else).
    value = 'yes';
  } else if (slotName && (UNSURE.test(t) || untold)) {
    // "不清楚有没有过敏" holds "没有过敏": not knowing is not a denial (an unknown allergy status must stay unknown).
    value = 'unknown';
  } else if (slotName && SLOT_NONE[slotName]?.test(t) && !NONE_BESIDES.test(t) && !ONLY_NAMED.test(t)) {
    value = 'no';
  } else if (
    (slotName === 'medications' || slotName === 'allergies') &&
    (asksAbout(said) ||
      ((QUESTION_FORM.test(t) || QUESTION_FORM.test(said)) &&
        !TAKES_MEDICINE.test(t) &&
        !(slotName === 'allergies' ? ALLERGY_WORDS.test(t) : named.has('medication') && !PRESCRIBE.test(t))))
  ) {
    // "is it ok to take ibuprofen with this?", "药太贵了，能开便宜点的吗": a question or a request, no history told
    // (read on the whole answer too: the question clause itself is set aside from `t`).
    value = 'other';
  } else if (slotName === 'allergies' && TAKES_MEDICINE.test(t) && !ALLERGY_WORDS.test(t)) {
    value = 'other';
  } else if (temperature !== undefined && !unknownCue.whole && !untold) {
    // A low-grade fever (低热, 37.3–38 °C) said with a hedge ("有点低烧，37度4") is a hedged yes.
    value = temperature < FEVER_C ? 'no' : partlyCue && temperature <= LOW_GRADE_MAX_C ? 'partly' : 'yes';
  } else if (
    NOT_MEASURED.test(t) &&
    !ownMentions.some((m) => m.present) &&
    // "感觉身上有点热，没量": felt a little, not measured, is a hedged yes, not an unknown.
    !partlyCue &&
    !/[\d一二三四五六七八九十]\s*(?:度|℃)/.test(t)
  ) {
    value = 'unknown';
  } else if (UNSURE.test(t) && EMBEDDED_QUESTION.test(t) && !standalone(yesCue) && !standalone(noCue)) {
    // "心跳快不快我也分辨不出来", "I don't know if I blacked out": the finding is named inside what the patient cannot tell.
    value = 'unknown';
  } else if (untold) {
    // "体温计摔了", "hard to say with this heat": no way to tell, or doubt either way, with nothing stated for sure.
    value = 'unknown';
  } else if (ECHO_DENIAL.test(t) || CANT_SAY_SO.test(t)) {
    value = 'no';
  } else if (
    unknownCue.whole ||
    (unknownCue.head && ownMentions.length === 0) ||
    (UNSURE.test(t) &&
      ownMentions.every((m) => possible.has(m.id)) &&
      !noCue.whole &&
      !yesCue.whole &&
      otherMentions.length === 0)
  ) {
    value = 'unknown';
  } else if (ownMentions.length > 0) {
    const anyPresent = ownMentions.some((m) => m.present);
    // A degree word qualifies the asked finding only in its own clause ("嗓子哑了，还有点疼" asked about hoarseness is a plain yes);
    // a severe degree is never a hedge ("really painful, I can barely swallow").
    // English "and" joins another finding with its own degree ("green phlegm and a bit of wheezing").
    const clauses = t.split(/[，,；;。.]|\s+and\s+(?=(?:a|an|some)\s)/u);
    const ownClauses = clauses.filter((cl) => ownMentions.some((m) => cl.includes(m.text)));
    // A short clause of amount alone, beside the asked finding alone, qualifies it ("咳是咳，一天几声", "…, nothing major").
    // A clause grading how bad it is ("不厉害，轻轻的") is a severity, recorded as such, not a hedge on presence.
    const bareHedge =
      otherMentions.length === 0 &&
      clauses.some(
        (cl) =>
          // "咳嗽，有一点点": a clause that says how much there is (有…) is a hedge, whatever small degree it reads as.
          (severity === undefined || (lang === 'zh' && /^有/.test(unopened(cl)) && !severeNow(severity))) &&
          // "咳是咳，就偶尔那么一两声": a clause of "only" that follows the finding may be longer.
          (lang === 'zh'
            ? unopened(cl).length <= 5 ||
              // "似乎比往常多一丁点": a small rise over the usual self, said of the finding before it.
              (/比(?:平时|往常|以前|平常|原来|往日)/.test(cl) && unopened(cl).length <= 12) ||
              (/^(?:就|只|也就|不过)/.test(unopened(cl)) && unopened(cl).length <= 10)
            : unopened(cl).split(/\s+/).length <= 3) &&
          !mentions.some((m) => cl.includes(m.text)) &&
          !!contains(unfigured(cl), c.partly[lang], lang),
      );
    const partlyHere =
      ownClauses.length === 0 ||
      bareHedge ||
      ownClauses.some(
        (cl) =>
          !!contains(unfigured(cl), c.partly[lang], lang) ||
          (lang === 'en' && PARTLY_EN.test(unfigured(cl).trim())) ||
          (!question.id.startsWith('rf:') && !!degreeHedge(unfigured(cl), lang)),
      ) ||
      (lang === 'en' && /,\s*i\s+(?:think|guess|reckon|suppose)[.!]*$/i.test(t));
    // A hedge that opens the answer ("I reckon so, felt hot last night", "好像是，…") qualifies all of it.
    // "嗯…算是有点吧，早上咳两下": a short opening clause that is a hedge alone, naming nothing and grading nothing,
    // qualifies the clauses that go on to say it.
    const opening = clauses.map(unopened).find((cl) => cl.length > 0) ?? '';
    const openingHedge =
      clauses.length > 1 &&
      (lang === 'zh' ? opening.length <= 6 : opening.split(/\s+/).length <= 4) &&
      !mentions.some((m) => opening.includes(m.text)) &&
      // 可不咋的 / 可不是: an emphatic yes, whatever degree word it holds.
      !wordCue(opening, c.yes[lang], lang).whole &&
      !/^可不/.test(opening) &&
      !/厉害|严重|\b(?:bad|severe|serious)\b/i.test(opening) &&
      !!contains(unfigured(opening), c.partly[lang], lang);
    const headHedge =
      openingHedge ||
      wordCue(unopened(t), c.partly[lang], lang).head ||
      /^(?:i\s+(?:think|reckon|guess|suppose|believe)\s+so|maybe|perhaps|probably)\b/i.test(t) ||
      // "I think once there was a tiny streak of blood": what the patient thinks happened, not a plain yes.
      /^i\s+think\s+(?!so\b|not\b|it'?s\s+(?:the|a|an|just)\b)/i.test(t);
    const hedged =
      ownMentions.some((m) => possible.has(m.id)) ||
      (anyPresent && ((!!partlyCue && partlyHere) || headHedge) && !severeNow(severity));
    value = anyPresent ? (hedged ? 'partly' : 'yes') : 'no';
  } else if (
    question.kind === 'binary' &&
    typeof severity === 'number' &&
    RATING.test(t) &&
    otherMentions.length === 0
  ) {
    // A bare rating of the symptom asked about: above 0 it is there.
    value = severity > 0 ? 'yes' : 'no';
  } else if (
    question.kind === 'binary' &&
    otherMentions.length === 0 &&
    !painElsewhere &&
    // "my throat is what's killing me" to the fever question: how bad, but of something at another site.
    !(site && !feltAt && !ownCode.has('E_53') && !placeOnly) &&
    contains(t, severeAlone(lang), lang) &&
    !FINE.test(t)
  ) {
    // Only how bad it is ("agony, can't even swallow water", "疼得受不了"): it is there, and severe.
    value = 'yes';
  } else if (
    standalone(noCue) &&
    !(noCue.whole === false && /^不/.test(t) && !/^不[，,、\s]/.test(t) && lang === 'zh')
  ) {
    value = 'no';
  } else if (
    question.kind === 'binary' &&
    !question.id.startsWith('rf:') &&
    FINE.test(firstClause(t)) &&
    !contains(firstClause(t), c.partly[lang], lang) &&
    !otherMentions.some((m) => m.start < firstClause(t).length)
  ) {
    // "throat's fine but I'm coughing a lot", "胃口还行，不恶心": the asked part said to be fine first (not for a red-flag check).
    value = 'no';
  } else if (
    partlyCue &&
    // "断断续续有一年了" fills the duration slot, "just the odd sleeping pill" the medicines one: the hedge is about
    // how often, not whether (a history slot is filled or not, never partly).
    !(slotName === 'duration' && duration) &&
    !(slotName && MEDICINE_WORDS.test(t)) &&
    otherMentions.length === 0 &&
    extra.length === 0 &&
    !contains(t, c.measures?.[lang] ?? [], lang) &&
    !severeNow(severity)
  ) {
    // A hedge alone ("有点", "a tiny bit"); a hedge on something else ("我血压有点高") is not an answer.
    value = 'partly';
  } else if (slotName === 'allergies' && partlyCue && ALLERGY_WORDS.test(t) && !severeNow(severity)) {
    // "好像对青霉素有点过敏", "I think I'm a bit allergic to aspirin": an allergy told with doubt or as slight, in part.
    value = 'partly';
  } else if (standalone(yesCue) && !(lang === 'zh' && /^有(点|一点|些)/.test(t))) {
    value = 'yes';
  } else if (
    question.kind === 'slot' ||
    question.kind === 'scale' ||
    question.kind === 'categorical' ||
    question.kind === 'multi'
  ) {
    value = slotValue(question, t, lang, { duration, severity, site, node, present, named });
  } else if (leadingDenial && !mentions.some((m) => m.start < leadingDenial[0].length)) {
    // "不冷，但是出汗多": the question denied in a first short clause, another finding after it.
    value = 'no';
  } else if (
    lang === 'zh' &&
    question.kind === 'binary' &&
    /^[^，,。；;]{1,8}[，,]\s*(?:是|而是)/u.test(t) &&
    DENIAL_IN_CLAUSE.test(firstClause(t)) &&
    !mentions.some((m) => m.present && m.start < firstClause(t).length) &&
    !ownMentions.some((m) => m.present)
  ) {
    // "肌肉不疼，是膝盖关节疼": the asked finding denied, then corrected to another one (that one named apart).
    value = 'no';
  } else if (impliedDenied) {
    // "no trouble with breathing" to "out of breath on little effort?": what the asked finding entails is denied.
    value = 'no';
  } else if (
    question.id.startsWith('rf:') &&
    mentions.length > 0 &&
    mentions.every((m) => !m.present) &&
    t.split(/[，,；;。.]|\bbut\b/u).every((cl) => !cl.trim() || FINE.test(cl))
  ) {
    // "lips and tongue are normal, throat's fine" to the anaphylaxis check: each part said to be fine, nothing stated.
    // Not a denial of another finding ("不喘" to the chest-pain check), which is asked again.
    value = 'no';
  } else if (otherMentions.length > 0) {
    value = 'other';
  } else if (FINE.test(t) && !partlyCue) {
    value = 'no';
  } else if (lang === 'zh' && /^(没|不|无)/.test(t)) {
    value = 'no';
  } else if (lang === 'en' && /^(no|not|never|none)\b/i.test(t)) {
    value = 'no';
  } else if (
    lang === 'zh' &&
    (/^(?:有(?!没)|对(?!不对)|会(?!不会))/.test(t) ||
      /^是(?![\u4e00-\u9fff])|^是(?:的|啊|呀|嘛|哦|吧|滴|有|[\d一二两三四五六七八九十几半])/u.test(t))
  ) {
    // 是 before another word is a copula ("是痒": it is an itch), not a yes; "会不会…", "有没有…" are questions.
    value = 'yes';
  } else {
    value = 'other';
  }
  // The question's polarity (topics.ts): "吃不下" to the appetite question, "按下去也不退" to the fever-rash check,
  // "咳嗽从来没带过血". It fills an answer the finding words left unread, and settles one they read against the
  // topic ("出汗没什么变化"); a red-flag check is never turned from positive to negative by it.
  const topicKey = question.id.startsWith('rf:') ? question.id : [...ownCode][0];
  if (question.kind === 'binary' && topicKey && value !== 'unknown') {
    const names = findingNames(topicKey);
    // A near miss names an event that did not happen ("almost threw up"): not the topic's word.
    const said = question.id.startsWith('rf:') ? unfigured(t) : withoutNearMisses(unfigured(t), lang);
    const topic = readTopic(topicKey, said, lang, {
      unframed: otherMentions.length === 0 && extra.length === 0 && !unknownCue.whole,
      names,
    });
    const ownIds = [...own].filter((f) => !/[@≥]/.test(f));
    // A whole-answer no ("can't complain") is not the inability the topic reads in it.
    // "没有，一压就褪" to the rash check: the fading stated is the benign sign, whatever "没有" the topic reads before it.
    const benignSign = question.id.startsWith('rf:') && DOWNPLAY.test(t);
    // "不累，就是晚上睡不踏实": the asked finding denied in its own words is not overturned by a topic word (sleep).
    const ownDenied =
      !!leadingDenial &&
      ownMentions.some((m) => !m.present && m.end <= leadingDenial[0].length) &&
      !ownMentions.some((m) => m.present);
    if (topic.value === 'yes' && (value === 'other' || (value === 'no' && !noCue.whole && !benignSign && !ownDenied))) {
      // "没怎么动", "barely": a loss said outright is no hedge; "lost a few pounds, I think" is one.
      const hedge = (partlyCue && !saysScarcely(topicKey, t, lang, names)) || (lang === 'en' && TRAILING_HEDGE.test(t));
      value = hedge && !severeNow(severity) ? 'partly' : 'yes';
      for (const f of ownIds.slice(0, 1)) present.add(f);
      for (const f of ownIds) absent.delete(f);
    } else if (
      topic.value === 'yes' &&
      value === 'partly' &&
      !partlyHedgeBesides(t, lang) &&
      saysScarcely(topicKey, t, lang, names)
    ) {
      value = 'yes';
    } else if (topic.value === 'no' && (value === 'other' || (!question.id.startsWith('rf:') && value !== 'no'))) {
      value = 'no';
      for (const f of ownIds) present.delete(f);
      for (const f of ownIds.slice(0, 1)) absent.add(f);
    }
  }
  // A function reduced but still working ("闻东西淡了一些，大的味儿还能闻出来", "eating a bit less, but still managing
  // meals"): the loss in part, whichever clause the finding words read.
  if (
    (value === 'yes' || value === 'no') &&
    question.kind === 'binary' &&
    !question.id.startsWith('rf:') &&
    topicKey &&
    isLossQuestion(topicKey, findingNames(topicKey)) &&
    REDUCED[lang].test(t) &&
    STILL_WORKS[lang].test(t) &&
    !severeNow(severity)
  ) {
    value = 'partly';
    const f = [...own].find((x) => !/[@≥]/.test(x));
    if (f) present.add(f);
  }
  // "比以前多多了", "worse than normal", naming nothing else: more of the asked symptom than the usual self.
  if (
    value === 'other' &&
    question.kind === 'binary' &&
    !question.id.startsWith('rf:') &&
    otherMentions.length === 0 &&
    extra.length === 0 &&
    topicKey &&
    !isLossQuestion(topicKey, findingNames(topicKey)) &&
    comparedUp(unfigured(t), lang)
  ) {
    value = partlyCue ? 'partly' : 'yes';
    for (const f of [...own].filter((x) => !/[@≥]/.test(x)).slice(0, 1)) present.add(f);
  }
  // One image the imagery table does not list ("鼻子里像有小虫子在爬"), naming nothing else: the symptom as felt.
  // An image the table lists for another finding ("像晕车一样" to the dizziness question) stays unread.
  if (value === 'other' && question.kind === 'binary' && otherMentions.length === 0 && extra.length === 0)
    if (images.length === 0 && simileFrame(unfigured(t), lang)) value = 'yes';
  // "my stomach, just under the ribs on the right" to "any pain?": where it hurts answers whether it does.
  if (
    value === 'other' &&
    question.kind === 'binary' &&
    ownCode.has('E_53') &&
    site &&
    !placeOnly &&
    otherMentions.length === 0 &&
    extra.length === 0 &&
    !DENIAL_IN_CLAUSE.test(t) &&
    !FINE.test(t) &&
    !QUESTION_FORM.test(t)
  )
    value = 'yes';
  // Not knowing states nothing about the asked finding ("心跳快不快我也分辨不出来" names it only to doubt it).
  if (value === 'unknown') for (const f of own) present.delete(f);
  // A finding named only inside the doubted question ("晕没晕过去也没人看见", "whether I blacked out") is not stated either.
  const doubted = value === 'unknown' ? EMBEDDED_QUESTION.exec(t) : null;
  if (doubted) {
    const inDoubt = (m: Mention) => m.start < doubted.index + doubted[0].length && doubted.index < m.end;
    for (const m of mentions) if (mentions.every((o) => o.id !== m.id || inDoubt(o))) present.delete(m.id);
  }
  // The asked finding stated with a hedge in a clause of its own, a degree denied beside it ("背上有点发凉，也不打哆嗦",
  // "sweat a bit more at night, not soaking"): there in part, not denied.
  if (
    value === 'no' &&
    question.kind === 'binary' &&
    !question.id.startsWith('rf:') &&
    ownMentions.some(
      (m) =>
        m.present &&
        t
          .split(/[，,；;。.]/u)
          .some((cl) => cl.includes(m.text) && !!contains(cl, c.partly[lang], lang) && !DENIAL_IN_CLAUSE.test(cl)),
    )
  )
    value = 'partly';
  // A denial that names the finding first ("咳嗽不咳，就是…", "恶心那倒没有") states it absent, not present.
  if (value === 'no' && question.kind === 'binary')
    for (const f of own) if (present.delete(f) && !/[@≥]/.test(f)) absent.add(f);
  // Safety first (consultation.md §3): doubt anywhere in an answer to a red-flag check never makes it
  // a "no" ("有小红点，没按过，不知道褪不褪", "说不好是不是突然"); the session counts `unknown` as positive.
  // Not yet tried ("手脚有没有劲还没起来试") is no denial either; a hedged clause that denies nothing ("嗓子好像有点紧紧的，
  // 嘴唇没肿") states the danger in part, whatever else is denied beside it.
  if (question.id.startsWith('rf:') && value === 'no') {
    if (UNSURE.test(t) || untold || cannot || contains(t, c.unknown[lang], lang)) value = 'unknown';
    else if (
      hedgedClause(
        t,
        otherMentions.map((m) => m.text),
      )
    )
      value = 'partly';
  }
  // "maybe a little tight, hard to say": the danger stated with a hedge, then a general doubt, is there in part (both
  // positive for the session). Not a doubt whether what is seen is the danger ("有点粉色，算不算见红说不准": unknown).
  if (
    question.id.startsWith('rf:') &&
    value === 'unknown' &&
    !opensInDoubt &&
    !EMBEDDED_QUESTION.test(t) &&
    hedgedClause(
      t,
      otherMentions.map((m) => m.text),
      true,
    )
  )
    value = 'partly';
  // "no, I can't breathe" to the severe-breathlessness check: a clause that states the danger, or denies nothing but
  // an ability, states its own finding, whatever negation the NLP stage carried into it from a leading "no" (that "no"
  // is alarm, not a denial).
  if (question.id.startsWith('rf:') && (value === 'yes' || value === 'partly'))
    for (const m of mentions) {
      if (m.present || !topics.includes(evidenceCode(net, m.id) ?? m.id)) continue;
      const clause = clauseAround(t, m.start, m.end);
      const deniesOnlyAbility = !DENIAL_IN_CLAUSE.test(clause.replace(INABILITY, ' '));
      if (!deniesOnlyAbility && !clauseStatesFlag(question.id.slice(3), clause, lang)) continue;
      m.present = true;
      absent.delete(m.id);
      present.add(m.id);
    }
  // An answer that fits nothing is still the patient's word: kept as a fact to report.
  if (value === 'other' && extra.length === 0) extra.push({ text: t, present: true });

  // Option questions: the options named (labels, sites), or all absent on "no".
  if (node && (node.kind === 'choice' || node.kind === 'multi') && value !== 'unknown') {
    const chosen = optionsNamed(node, t, lang, site?.ddxplus ?? []);
    for (const f of chosen) present.add(f);
    if (value === 'no') for (const o of node.options) absent.add(o.finding);
  }
  // Without a network, a body-site answer to a DDXPlus location question gives its value findings (`E_55@V_29`).
  if (
    !node &&
    (question.kind === 'multi' || question.kind === 'categorical') &&
    site &&
    /^E_(55|57|133|152)$/.test(question.id) &&
    value !== 'unknown' &&
    value !== 'no'
  ) {
    for (const v of site.ddxplus) present.add(`${question.id}@${v}`);
    if (value === 'other') value = 'yes';
  }
  if (node && node.kind === 'scale' && typeof severity === 'number')
    for (const o of node.options) (severity >= Number(o.value) ? present : absent).add(o.finding);
  // A binary question answered yes / partly / no without naming its finding (or by naming one that entails it) settles it.
  if (node?.kind === 'binary' || (!node && question.kind === 'binary')) {
    const f = [...own][0];
    if (f && ownMentions.every((m) => !sameAsOwn(m.id))) {
      if (value === 'yes' || value === 'partly') present.add(f);
      else if (value === 'no') absent.add(f);
    }
  }
  // "penicillin, I get hives": in the allergies slot a skin reaction is the allergy's, not a rash the patient has now.
  if (slotName === 'allergies') for (const f of [...present]) if (evidenceCode(net, f) === 'E_129') present.delete(f);
  for (const p of present) absent.delete(p);
  const highFever = value === 'yes' && temperature !== undefined && temperature >= HIGH_FEVER_C;
  const sev = severity ?? (highFever ? 'severe' : value === 'partly' ? 'mild' : undefined);
  return {
    value,
    present: [...present],
    absent: [...absent],
    ...(duration ? { duration } : {}),
    ...(sev !== undefined ? { severity: sev } : {}),
    ...(site ? { site: site.label } : {}),
    ...(quantity ? { quantity } : {}),
    extra,
  };
}

/**
 * The names of what a question asks about, for a polarity read from the name (topics.ts `classes`): a
 * DDXPlus evidence's zh and en names, or a red-flag check's label and plain words.
 */
function findingNames(key: string): FindingNames | undefined {
  if (key.startsWith('rf:')) {
    const flag = defaultRedFlags().flags.find((f) => f.id === key.slice(3));
    if (!flag) return undefined;
    const words = (lang: Lang) =>
      [flag.label[lang], flag.plain?.[lang]].filter((w): w is string => typeof w === 'string' && w.length > 0);
    return { zh: words('zh'), en: words('en') };
  }
  const e = bundledDdxplusNames().evidences[key];
  // Its own names only: a synonym may name a neighbour ("loss of balance" beside dizziness).
  return e ? { zh: [e.zh], en: [e.en] } : undefined;
}

/** Common allergens patients name without the word "allergy" ("海鲜", "peanuts"). */
const FOOD_WORDS =
  /海鲜|虾|蟹|鸡蛋|牛奶|花生|坚果|芒果|小麦|花粉|尘螨|猫毛|狗毛|青霉素|头孢|磺胺|\b(?:nuts?|peanuts?|shellfish|eggs?|milk|dairy|wheat|gluten|pollen|dust|latex|penicillin|sulfa|bee|wasp)\b/i;

/** A hedge beside a scarcely word ("好像没怎么动", "I think she's barely moving") keeps the answer partly. */
function partlyHedgeBesides(t: string, lang: Lang): boolean {
  const rest = withoutScarcely(t, lang);
  return !!contains(rest, answerCues().partly[lang], lang) || (lang === 'en' && TRAILING_HEDGE.test(t));
}

/** A hedge that closes an English answer ("lost a few pounds I think", "…, I guess"). */
const TRAILING_HEDGE = /[\s,]+i\s+(?:think|guess|reckon|suppose)[.!]*$/i;

/**
 * Whether the clause names another finding's topic that holds this one's word ("鼻子闻东西没变化" is about smell,
 * not the nose): the longer topic is what the clause is about.
 */
function widerTopic(topics: Record<string, Record<Lang, string[]>>, code: string, clause: string, lang: Lang): boolean {
  const cl = clause.toLowerCase();
  const mine = (topics[code]?.[lang] ?? []).filter((w) => cl.includes(w.toLowerCase()));
  return Object.entries(topics).some(
    ([k, ws]) =>
      k !== code &&
      !k.startsWith('_') &&
      (ws[lang] ?? []).some(
        (w) => cl.includes(w.toLowerCase()) && mine.some((v) => w.length > v.length && w.includes(v)),
      ),
  );
}

/** The clause of `t` (between commas, stops or a "but") that holds the span [start, end). */
function clauseAround(t: string, start: number, end: number): string {
  const cut = /[，,；;。.！!？?]|\bbut\b|但是|可是|不过|就是/gu;
  let from = 0;
  let to = t.length;
  for (const m of t.matchAll(cut)) {
    if (m.index + m[0].length <= start) from = m.index + m[0].length;
    else if (m.index >= end) {
      to = m.index;
      break;
    }
  }
  return t.slice(from, to);
}

/**
 * A question asked back before or around the answer: "what do you mean, like out of breath? no, not really" is read
 * from the yes or no after it; "didn't I already say I'm coughing?" states what it asks to have heard.
 */
function answerAfterAskingBack(said: string, lang: Lang): string {
  if (lang !== 'en') return said;
  const after = /^[^?]{1,80}\?\s*(?=(?:no|nope|nah|yes|yeah|yep|yup|not\s+really)\b)/i.exec(said);
  if (after) return said.slice(after[0].length);
  const told =
    /^(?:didn'?t|did\s+not)\s+i\s+(?:already\s+|just\s+)?(?:say|tell\s+you|mention)\s+(?:that\s+)?([^?]+)\?*\s*$/i;
  return said.replace(told, '$1');
}

/** Whether the pale or white word at `at` is a rash blanching under pressure ("goes pale when I press it"). */
function blanching(t: string, at: number): boolean {
  const clause = clauseAround(t, at, at);
  return /\b(?:press|push|glass)/i.test(clause) || /(?:按|压|摁)(?:一下|下去|着)|一(?:按|压|摁)/.test(clause);
}

/** A clause without the fillers and pauses that open it ("嗯…算是有点吧", "um, a bit"). */
const unopened = (clause: string): string =>
  clause
    .trim()
    .replace(/^(?:(?:嗯+|呃+|额+|唔+|啊+|哦+|噢+|emm+|um+|uh+|er+|hmm+)(?![\p{L}])[\s…。.,，、~～!！-]*)+/iu, '');

/** The first clause of an answer (before a comma or a "but"). */
const firstClause = (t: string): string => t.split(/[，,；;。.]|\bbut\b|但是|可是|不过|就是/u)[0] ?? t;

/** An event still to come just before a word ("gonna hurl", "feel like I might puke"). */
const ABOUT_TO = /\b(?:gonna|going\s+to|about\s+to|wanna|want\s+to|like\s+i\s+(?:could|might|would))\s+$/i;

/** Whether 吐 at `at` spits sputum (吐痰, 痰…吐出来, "痰都咽下去了，没吐出来过"), not vomits. */
function spitting(t: string, at: number): boolean {
  const after = t.slice(at);
  const before =
    t
      .slice(0, at)
      .split(/[，,；;。]/u)
      .pop() ?? '';
  return (
    /^吐(?:了|过)?(?:口|点)?痰/u.test(after) ||
    (/^吐(?:不)?出(?:来)?/u.test(after) && /痰/u.test(t)) ||
    /痰(?:都|也|就|还)?(?:没有?|不)?$/u.test(before)
  );
}

/** Whether a body part is named just before `at`, in the same clause ("肚子不舒服", "胃里难受"). */
function localDiscomfort(t: string, at: number): boolean {
  const before =
    t
      .slice(Math.max(0, at - 5), at)
      .split(/[，,；;。]/u)
      .pop() ?? '';
  return (
    answerCues().sites.some((s) => s.zh.some((w) => before.includes(w))) ||
    /嗓子|喉咙|鼻子|心里|身上|嘴|眼/.test(before)
  );
}

const HOLIDAY_ZH = '(?:过年|春节|国庆|五一|十一|中秋|端午|清明|元旦|元宵|寒假|暑假|放假|假期|长假|圣诞)';
const HOLIDAY_EN =
  '(?:christmas|new\\s+year|easter|thanksgiving|diwali|deepavali|eid|ramadan|hari\\s+raya|holidays?|vacation|' +
  'half[-\\s]term|bank\\s+holiday|long\\s+weekend|(?:the|christmas|summer|spring|winter|easter|mid-term)\\s+break)';
/**
 * An onset named by a day or an occasion, with no span to count ("since last Tuesday", "上周三开始的"), a holiday
 * included ("从国庆放假回来就开始了", "打中秋那会儿起", "since we got back from the Christmas break"): it answers when.
 */
const ONSET = new RegExp(
  // "since last Tuesday", "it started on Sunday": a weekday onset.
  '\\b(?:since|(?:it\\s+)?(?:started|began|start(?:ed|ing)?)\\s+(?:on\\s+|back\\s+on\\s+)?)\\s*' +
    '(?:last\\s+|this\\s+(?:past\\s+)?)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|' +
    'the\\s+weekend)\\b|(?:上|这)?(?:周|星期|礼拜)[一二三四五六日天](?:那天)?(?:开始|起)|' +
    `(?:周末|${HOLIDAY_ZH})[^，,。；;]{0,8}?(?:开始|起|到现在|以来|至今|过后|以后|之后)|` +
    `(?:从|打|自打?)[^，,。；;]{0,4}${HOLIDAY_ZH}|` +
    `\\b(?:since|started|start(?:ing)?|begun|began|from|around|after|over|during)\\b[^.;]{0,30}?\\b${HOLIDAY_EN}\\b`,
  'i',
);

/** What a slot or option answer holds: `yes` when it gives what the slot asks for, else `other`. */
function slotValue(
  q: AnswerQuestion,
  t: string,
  lang: Lang,
  got: {
    duration?: unknown;
    severity?: unknown;
    site?: unknown;
    node?: QuestionNode;
    present: Set<string>;
    named?: ReadonlySet<string>;
  },
): AnswerReading['value'] {
  const slot = q.slot ?? q.id;
  // A medicine or allergy slot is filled by a medicine, an allergen or a reaction, not by a question or another illness.
  if (slot === 'medications')
    return got.named?.has('medication') || (MEDICINE_WORDS.test(t) && !QUESTION_FORM.test(t)) ? 'yes' : 'other';
  if (slot === 'allergies')
    return got.named?.has('medication') || got.named?.has('allergy') || ALLERGY_WORDS.test(t) || FOOD_WORDS.test(t)
      ? 'yes'
      : 'other';
  // "Is Dr Patel in today?": a question with a day word in it gives no time unless it counts a span.
  if (slot === 'duration' || slot === 'onset' || slot === 'timing')
    return (got.duration && !(QUESTION_FORM.test(t) && !SPAN_COUNTED.test(t))) || ONSET.test(t) ? 'yes' : 'other';
  if (slot === 'severity' || q.kind === 'scale') return got.severity !== undefined ? 'yes' : 'other';
  if (slot === 'site' || slot === 'radiation') return got.site ? 'yes' : 'other';
  if (got.node && (got.node.kind === 'choice' || got.node.kind === 'multi'))
    return optionsNamed(got.node, t, lang, []).length > 0 ? 'yes' : 'other';
  // Free-text slots (character, modifiers, allergies, medications, lmp): the words are the answer.
  return t.length > 0 ? 'yes' : 'other';
}

/** Options of a choice / multi question named by label, by site value or by number. */
function optionsNamed(node: QuestionNode, text: string, lang: Lang, siteValues: readonly string[]): string[] {
  const lower = text.toLowerCase();
  const out = new Set<string>();
  node.options.forEach((o, i) => {
    const label = (lang === 'zh' ? (o.label?.zh ?? o.label?.en) : o.label?.en)?.toLowerCase();
    if (label && label.length > 1 && lower.includes(label)) out.add(o.finding);
    if (o.value !== undefined && siteValues.includes(String(o.value))) out.add(o.finding);
    if (
      new RegExp(`^(?:${i + 1})(?:[\\s,，、]|$)|[\\s,，、](?:${i + 1})(?:[\\s,，、]|$)`).test(lower) &&
      /^[\d\s,，、]+$/.test(lower)
    )
      out.add(o.finding);
  });
  return [...out];
}
