import { readFileSync } from 'node:fs';
import { pinyinToHanzi } from './pinyin.js';

/**
 * Undoes the ways spoken Chinese wraps a symptom word before the NLP stage reads a patient's answer
 * (the word lists and their grammar source are in data/patient-speech.json): erhua (气儿不够 →
 * 气不够), reduplication (痒痒 → 痒, 扑腾扑腾 → 扑腾), split verb-object compounds (拉了三天肚子 →
 * 拉肚子了三天), adverbs between a body part and its sensation (嗓子稍微有点不舒服 → 稍微有点嗓子不舒服,
 * so the hedge still governs the symptom), a lack stated after its noun (一点力气都没有 → 没力气), and
 * a body part left out of a later clause (嗓子不疼，就是痒 → 嗓子不疼，就是嗓子痒). This rewrites
 * words only; it names no finding and decides no value. English text gets its typing slips undone (`englishSlips`),
 * its regional and second-language words put in the common word (`englishDialect`, Indian "is there");
 * in both languages the weather said to be cold or hot is blanked (`surroundings`).
 */
interface SpeechData {
  readonly erhuaKeep: readonly string[];
  readonly erhuaKeepAfter: readonly string[];
  readonly reduplicable: string;
  readonly separable: { readonly verbs: readonly string[]; readonly objects: readonly string[] };
  readonly lack: { readonly nouns: readonly string[]; readonly degree: readonly string[] };
  readonly sites: readonly string[];
  readonly sensations: readonly string[];
  readonly adverbs: readonly string[];
  readonly continuers: readonly string[];
  readonly abbSuffixes: readonly string[];
  readonly dialect: Record<string, string>;
  readonly englishSlips: Record<string, string>;
  readonly englishDialect: Record<string, string>;
  readonly corrections: Record<'zh' | 'en', string[]>;
  readonly surroundings: Record<'zh' | 'en', string[]>;
}

interface Compiled {
  readonly erhua: RegExp;
  readonly doubled: RegExp;
  readonly paired: RegExp;
  readonly separable: RegExp;
  readonly lack: RegExp;
  readonly siteAdverbs: RegExp;
  readonly siteNegated: RegExp;
  readonly siteFa: RegExp;
  readonly site: RegExp;
  readonly elided: RegExp;
  readonly abb: RegExp;
  readonly dialect: RegExp;
  readonly dialectWords: ReadonlyMap<string, string>;
  readonly inside: RegExp;
}

const alt = (words: readonly string[]) =>
  [...words]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|');

let compiled: Compiled | undefined;
function patterns(): Compiled {
  if (compiled) return compiled;
  const d = JSON.parse(readFileSync(new URL('./data/patient-speech.json', import.meta.url), 'utf8')) as SpeechData;
  const sites = alt(d.sites);
  const sensations = alt(d.sensations);
  const adverbs = `(?:${alt(d.adverbs)})+`;
  // What may stand between a split verb and its object: a direction (咳出过血), an aspect mark, a number and a measure.
  const between =
    '(?:出来|出)?(?:了|过|着)?(?:[一二两三四五六七八九十几半好多\\d]+)?(?:个|天|趟|次|回|身|点|场|阵|下|口|晚上|晚|夜|宿)?(?:的)?';
  compiled = {
    erhua: new RegExp(`(?<=[\\u4e00-\\u9fff])(?<![${d.erhuaKeep.join('')}])儿(?![${d.erhuaKeepAfter.join('')}])`, 'gu'),
    doubled: new RegExp(`([${d.reduplicable}])\\1`, 'gu'),
    // ABAB reduplication (扑腾扑腾); never an A-not-A question followed by a negation (哑没哑没留意 is 哑没哑 + 没留意).
    paired: /(?<![一])((?![一不没冇])[\u4e00-\u9fff])((?!\1)(?![不没冇])[\u4e00-\u9fff])\1\2/gu,
    separable: new RegExp(`(${alt(d.separable.verbs)})(${between})(${alt(d.separable.objects)})`, 'gu'),
    lack: new RegExp(`(?:${alt(d.lack.degree)})?(${alt(d.lack.nouns)})(?:都|也)(?:没有|没)`, 'gu'),
    siteAdverbs: new RegExp(`(${sites})(${adverbs})(不|没)?(?=${sensations})`, 'gu'),
    // 身上不酸, 头不晕: a negation between a body part and what it feels goes before both (不身上酸), as an adverb does.
    siteNegated: new RegExp(`(${sites})(?<!大便)(不|没)(?=${sensations})`, 'gu'),
    siteFa: new RegExp(`(${sites})发(?=[痒堵酸胀沉闷烫晕紧麻干慌])`, 'gu'),
    site: new RegExp(`(${sites})(?=[^，,。；;]{0,3}?(?:${sensations}))`, 'u'),
    elided: new RegExp(`^((?:${alt(d.continuers)})?(?:${adverbs})?)(?=(?:${sensations}))`, 'u'),
    abb: new RegExp(`(?<=[\\u4e00-\\u9fff])(?:${alt(d.abbSuffixes)})`, 'gu'),
    dialect: new RegExp(alt(Object.keys(d.dialect).filter((k) => !k.startsWith('_'))), 'gu'),
    dialectWords: new Map(Object.entries(d.dialect)),
    // 鼻子里头痒, 嗓子里面干: the location word between a body part and what it feels.
    inside: new RegExp(`(${sites})(?:里头|里面|里边|里)(?=[^，,。；;]{0,4}?(?:${sensations}|发))`, 'gu'),
  };
  return compiled;
}

/**
 * English: a degree word between a body part's verb and its state goes before the body part ("my
 * throat is really sore" → "my really throat is sore"), so "throat is sore" reads as one phrase, the
 * degree still counts, and a clause break before "my" stays where it was. Not before a word of being fine
 * ("throat's all good"): there the degree word qualifies the denial.
 */
/**
 * "my heart's been jumping", "nose is streaming", habitual "my nose be itching" (African American and Caribbean
 * English): the auxiliary between a body part and its -ing verb is dropped.
 */
const EN_AUX =
  /\b(heart|nose|throat|head|stomach|tummy|chest|voice|muscles?)(?:'s|\s+is|\s+was|\s+has|\s+keeps?|\s+be)?(?:\s+been)?\s+(?=[a-z]+ing\b)/gi;

const EN_DEGREE =
  /\b((?:my|the|his|her|our)\s+)?(throat|nose|chest|head|stomach|tummy|belly|back|muscles|body|heart|voice|skin|lips|tongue|eyes?)(\s*(?:is|are|feels?|'s|'re|has been|have been|keeps?))\s+((?:(?:really|very|so|super|pretty\s+much|pretty|quite|totally|completely|fully|all|a bit|a little bit|a little|a (?:teensy|teeny|tiny|wee) bit|a touch|kinda|kind of|sort of|slightly|extremely|awfully|terribly|bloody|a tad|still|always|just)\s+)+)(?!(?:good|fine|right|clear|ok|okay|normal|grand)\b)/gi;

/**
 * A finding ticked or crossed in a chat ("咳嗽✅ 发烧❌", "cough ✔ fever ✘"): a cross after a word denies it, a tick
 * after it states it (the tick is dropped, the cross becomes a negation before the word).
 */
function ticksAndCrosses(text: string, lang: 'zh' | 'en'): string {
  if (!/[✅✔☑❌✘✖❎]/u.test(text)) return text;
  const crossed =
    lang === 'zh'
      ? text.replace(/([\u4e00-\u9fff]{1,6})\s*[❌✘✖❎]\uFE0F?/gu, '，没有$1，')
      : text.replace(/\b([a-z][a-z' ]{0,24}?)\s*[❌✘✖❎]\uFE0F?/giu, ', no $1, ');
  return crossed
    .replace(/\s*[✅✔☑]\uFE0F?/gu, lang === 'zh' ? '，' : ', ')
    .replace(/^[，,\s]+|[，,\s]+$/gu, '')
    .replace(/([，,]\s*)+/gu, lang === 'zh' ? '，' : ', ');
}

export function normalisePatientSpeech(
  text: string,
  lang: 'zh' | 'en',
  opts: { readonly redFlag?: boolean } = {},
): string {
  text = ticksAndCrosses(withoutSurroundings(text, lang), lang);
  if (lang === 'en')
    return englishExistentials(englishDialect(englishSlips(text), opts.redFlag === true))
      .replace(
        EN_DEGREE,
        (_m, det: string | undefined, part: string, verb: string, degree: string) =>
          `${det ?? ''}${degree}${part}${verb} `,
      )
      .replace(EN_AUX, '$1 ');
  const typed = pinyinToHanzi(text);
  if (!/[\u4e00-\u9fff]/.test(typed)) return text;
  const p = patterns();
  let t = typed
    // 吐痰 is spitting phlegm out, not vomiting: 咯痰 ("吐出来的痰黄绿色的", "痰吐纸巾里了").
    .replace(/吐(?=(?:出来|出|了)?的?痰)/gu, '咯')
    .replace(/(痰[^，,。；;\s]{0,6}?)吐/gu, '$1咯')
    // Mouthfuls spat in an answer about phlegm ("痰黄黄的，一早上吐了好几口"): spitting, unless blood or food is named.
    .replace(/吐(?=了?(?:好几|几|[一二两三四五六七八九十\d]+)口)/gu, (w, _at: number, all: string) =>
      /痰/u.test(all) && !/血|饭|食|东西|水|奶/u.test(all) ? '咯' : w,
    )
    // 喘气 as plain breathing, not breathlessness: through the nose or mouth ("用鼻子喘气"), or "while breathing".
    .replace(/((?:用|拿|张着?|张开|靠)(?:鼻子|嘴巴?|嘴)(?:来)?)喘气/gu, '$1呼吸')
    .replace(/喘气(?=的时候|时)/gu, '呼吸')
    // 喘气 with the sound it makes ("喘气呼呼的带哨音", "喘气没啥动静"): the breathing heard, not breathlessness.
    .replace(/喘气(?=[^，,。；;]{0,4}?(?:呼呼|呼哧|嘶嘶|咝咝|哨|响|动静|声音?))/gu, '呼吸')
    .replace(p.dialect, (w) => p.dialectWords.get(w) ?? w)
    // 嘞 closing a clause is the particle 了 / 的 (北方, 吴, 西南: "鼻子通嘞", "通嘞勿塞个" with no pause before the
    // next clause); 好嘞 is an "all right".
    .replace(/(?<!好)嘞(?=[，,。！!；;…\s]|$)/gu, '了')
    .replace(/(?<!好)嘞(?=[不没])/gu, '了，')
    // "一口痰都咳不出来", "一滴汗也没有": not a single mouthful or drop of a discharge is none of it.
    .replace(/一(?:口|点儿?|丝|滴)(痰|鼻涕|汗|血丝|血)(?:都|也)?(?:没有?|[咳吐咯擤流出]?不出(?:来)?)/gu, '没有$1')
    // Voice input hears 咳嗽 as 可说 ("可说得厉害", "老可说"); 可说不好, 不可说, 没啥可说的, 无话可说, 可说是 are sayings.
    .replace(/(?<![不无没啥么好话])可说(?![不是的清明出道])/gu, '咳嗽')
    // 粤 唔 = 不 before a verb or adjective (唔咳, 唔痛); alone (唔，…) it is the Mandarin interjection.
    .replace(/唔(?=[\u4e00-\u9fff])/gu, '不')
    // 闽南 V甲 (kah) after a symptom verb is the complement 得 ("咳嗽甲睡不去", "晕甲要倒"); 指甲, 甲亢 are untouched.
    .replace(/(?<=[咳嗽疼痛痒喘晕吐拉烧累酸胀])甲(?=[\u4e00-\u9fff])/gu, '得')
    // 气短 / 气急 split by its negation ("气不短", "气也不急"): the negation goes before the whole word.
    .replace(/气(也|都|倒|还)?(不|没)(?=[短急促喘])/gu, '$1$2气')
    // So is 心跳快 / 心跳乱 ("心跳不快", "心跳也不算快", "心率倒不乱"): the degree word between goes with the negation.
    .replace(/(心跳|心率|脉搏)(也|都|倒|还)?(不|没)(?:算|太|怎么|是很|那么)?(?=[快乱])/gu, '$2$3$1')
    .replace(p.erhua, '')
    .replace(p.abb, '')
    .replace(p.inside, '$1')
    .replace(p.paired, '$1$2')
    .replace(p.doubled, '$1')
    .replace(p.lack, '没$1')
    .replace(p.separable, (whole, verb: string, mid: string, object: string) =>
      mid ? `${verb}${object}${mid}` : whole,
    )
    // 拉 with a count or a span and no object ("拉了好几次", "拉了半个月了"): the bowels, as 拉肚子.
    .replace(
      /(?<=^|[，,。；;\s]|但是|就是|还|又|都|已经|可是|天|晚上?|夜里?|早上|上午|下午|中午)拉了?(?=(?:好几|几|[一二两三四五六七八九十半\d俩仨]+)\s*(?:个)?(?:次|回|趟|天|周|星期|礼拜|月|拉月))/gu,
      '拉肚子',
    )
    .replace(p.siteFa, '$1')
    .replace(
      p.siteAdverbs,
      (_m, site: string, adverbs: string, neg: string | undefined) => `${adverbs}${neg ?? ''}${site}`,
    )
    // Not for a red-flag check, whose own topic denial is read with its own rules (never more negative).
    .replace(p.siteNegated, (whole: string, site: string, neg: string) => (opts.redFlag ? whole : `${neg}${site}`));
  // A clause that names no body part but a sensation takes the body part of the clause before it.
  const parts = t.split(/([，,；;])/u);
  let lastSite: string | undefined;
  for (let i = 0; i < parts.length; i += 2) {
    const clause = parts[i]!;
    const own = p.site.exec(clause)?.[1];
    if (own) lastSite = own;
    else if (lastSite && i > 0) parts[i] = clause.replace(p.elided, (lead: string) => `${lead}${lastSite}`);
  }
  t = parts.join('');
  return t;
}

let speech: SpeechData | undefined;
const speechData = (): SpeechData =>
  (speech ??= JSON.parse(readFileSync(new URL('./data/patient-speech.json', import.meta.url), 'utf8')) as SpeechData);

let slips: { re: RegExp; words: Map<string, string> } | undefined;
/** Phone-typing slips in English ("coughin", "diarhea", "havnt"), rewritten whole-word (data `englishSlips`). */
function englishSlips(text: string): string {
  if (!slips) {
    const words = new Map(
      Object.entries(speechData().englishSlips)
        .filter(([k]) => k !== '_note')
        .map(([k, v]) => [k.toLowerCase(), v] as const),
    );
    slips = { re: new RegExp(`\\b(?:${alt([...words.keys()])})\\b`, 'giu'), words };
  }
  const s = slips;
  // Letters drawn out for stress ("sooo blocked", "yesss", "soooo tired"): at most two kept, so that "gooood" is
  // "good"; the data maps the doubled forms of short words back ("soo" = so, "yess" = yes).
  // A word doubled with a hyphen for stress (Singapore, Malaysian and Indian English: "itchy-itchy",
  // "fast-fast") is the word once.
  return text
    .replace(/([a-z])\1{2,}/gi, '$1$1')
    .replace(/\b([a-z]{3,})-\1\b/gi, '$1')
    .replace(s.re, (w) => s.words.get(w.toLowerCase()) ?? w);
}

/** Whole-word, case-insensitive rewriting by a word map (the `_note` key left out). */
function wordMap(map: Record<string, string>): { re: RegExp; words: Map<string, string> } {
  const words = new Map(
    Object.entries(map)
      .filter(([k]) => k !== '_note')
      .map(([k, v]) => [k.toLowerCase(), v] as const),
  );
  return { re: new RegExp(`(?<![\\w'])(?:${alt([...words.keys()])})(?![\\w'])`, 'giu'), words };
}

let dialectMap: { re: RegExp; words: Map<string, string> } | undefined;
/**
 * Regional and second-language English (data `englishDialect`: "loose motions", "boakin'", "tuckered out"), after a
 * dropped final g is restored ("boilin'" → "boiling", "feelin'" → "feeling").
 */
function englishDialect(text: string, redFlag = false): string {
  dialectMap ??= wordMap(speechData().englishDialect);
  const m = dialectMap;
  return (
    text
      .replace(/\b([a-z]{2,}in)'(?!\w)/giu, '$1g')
      // "little bit vomiting", "Bit queasy": the article dropped before a degree.
      .replace(/(?<!\ba\s+)\blittle\s+bit\b/giu, 'a little bit')
      // Not in an answer to a red-flag check, where a hedge would read it less positive ("bit of spotting").
      .replace(/(?:^|(?<=[,;.!]\s*))bit\b(?!\s+(?:of\s+)?(?:a\s+)?(?:more|less)\b)/giu, (w) => (redFlag ? w : 'a bit'))
      // Singapore and Malaysian English: a sentence particle (lah, leh, lor, meh) dropped; "fever no have" = no fever.
      .replace(/\s*\b(?:lah|leh|lor|meh)\b(?=\s*[,.!?]|\s*$)/giu, '')
      .replace(/^([a-z]+(?:\s+[a-z]+)?)\s+no\s+have\b/iu, 'no $1')
      .replace(m.re, (w) => m.words.get(w.toLowerCase()) ?? w)
  );
}

/**
 * Indian English states a finding as being there ("loose motions are there", "breathing problem is not there",
 * "vomiting sensation is coming"): a clause of a short noun phrase and "is/are (not) there/coming" becomes
 * "I have …" or "no …", which the NLP stage reads. A pronoun or an indefinite ("it is there", "nothing is
 * there") is left alone.
 */
const NOT_A_FINDING = '(?:it|that|this|he|she|they|someone|somebody|nobody|nothing|anything|everything|something)\\b';
const EN_EXISTENTIAL = new RegExp(
  `(^|[,.;!]\\s*)((?!${NOT_A_FINDING})(?:[a-z'-]+\\s+){0,3}[a-z'-]+)\\s+(?:is|are)\\s+(not\\s+)?(?:there|coming)\\b`,
  'giu',
);
function englishExistentials(text: string): string {
  return text.replace(EN_EXISTENTIAL, (_m, lead: string, np: string, not: string | undefined) =>
    not ? `${lead}no ${np}` : `${lead}I have ${np}`,
  );
}

let markers: Record<'zh' | 'en', RegExp> | undefined;
/**
 * A self-corrected answer read from its correction on ("不咳…哦不对，晚上咳" → "晚上咳", "yes - sorry, I mean
 * no" → "no"): the text after the last correction marker (data `corrections`) that stands at the start or
 * after a pause, when something follows it; otherwise the text unchanged.
 */
export function correctedAnswer(text: string, lang: 'zh' | 'en'): string {
  markers ??= {
    zh: new RegExp(speechData().corrections.zh.join('|'), 'giu'),
    en: new RegExp(speechData().corrections.en.join('|'), 'giu'),
  };
  let from = -1;
  for (const m of text.matchAll(markers[lang])) {
    const before = text.slice(0, m.index);
    // Something must come before to be taken back: words before the marker, or a yes or no inside it ("no wait,").
    const withdrawn = m.index > 0 || /^(?:no|yes|yeah)\b/i.test(m[0]);
    const pause = withdrawn && (m.index === 0 || /[，,。.！!？?…、;；:\s-]$/u.test(before) || /^[\s,.!-]/.test(m[0]));
    if (pause && text.slice(m.index + m[0].length).trim()) from = m.index + m[0].length;
  }
  if (from < 0) return text;
  const rest = text.slice(from).trim();
  // "拉肚子，哦不对，是便秘": what it is corrected to (是…) takes back the thing first said, which is then denied.
  const first = text
    .slice(0, from)
    .replace(markers[lang], '')
    .replace(/[，,。.！!…、\s]+$/u, '');
  // Not a count corrected ("吐了两回，哦不，是三回"), nor one bare word ("疼，啊不是，是痒").
  if (
    lang === 'zh' &&
    /^(?:是|而是)(?![\d一二两三四五六七八九十几半])/u.test(rest) &&
    /^[\u4e00-\u9fff]{2,6}$/u.test(first) &&
    !/[不没无冇\d一二两三四五六七八九十几半]/u.test(first)
  )
    return `不${first}，${rest}`;
  return rest;
}

let around: Record<'zh' | 'en', RegExp> | undefined;
/** The weather or a place said to be cold or hot ("那边天冷", "it's freezing in there"), blanked (data `surroundings`). */
function withoutSurroundings(text: string, lang: 'zh' | 'en'): string {
  around ??= {
    zh: new RegExp(speechData().surroundings.zh.join('|'), 'gu'),
    en: new RegExp(speechData().surroundings.en.join('|'), 'giu'),
  };
  return text.replace(around[lang], lang === 'zh' ? '' : 'there');
}
