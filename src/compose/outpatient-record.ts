import type { Bilingual, Fact, Lang, LexiconEntry, PatientReportedSource, Source } from '../core/index.js';
import { conceptLabel, invalid, pick, say } from '../core/index.js';
import { builtinLexicon, extractFacts, Lexicon } from '../nlp/index.js';
import { type FaithfulnessReport, RecordIndex, type VerificationRecord, verifyText } from '../verify/index.js';

/**
 * A draft 门诊病历 (outpatient record) from a pre-consultation (预问诊报告 → 门诊病历, consultation.md
 * §4 and BW2010 第十三、十八条): 主诉 as symptom + duration in at most 20 characters, 现病史 in time order
 * (onset, the main symptom's slots, associated symptoms and pertinent negatives, what else the
 * patient said), 既往史 / 过敏史 / 用药史 / 月经史 as told. Every sentence cites the dialogue turns it came
 * from (Source kind `patient-reported`), and the whole text is verified with `verifyText` against the
 * transcript (each patient turn a document). It is a draft: the treating physician edits and signs
 * it (BW2010 第八条、第十四条; PC-06). The input is a plain structure so compose needs no reasoning import.
 */
export interface OutpatientRecordInput {
  readonly sessionId: string;
  readonly lang: Lang;
  readonly patient?: { readonly age?: number; readonly sex?: 'male' | 'female' | 'other' | 'unknown' };
  /** The dialogue; patient turns are the evidence. */
  readonly turns: readonly { readonly turn: number; readonly role: 'patient' | 'medseek'; readonly text: string }[];
  /** The complaint's own words and the symptoms read from it. */
  readonly complaint: { readonly text: string; readonly turn: number; readonly symptoms: readonly Bilingual[] };
  readonly duration?: { readonly text: string; readonly turn: number };
  /** Main-symptom slots as told: 部位, 性质, 程度, 起病, 时间经过, 加重/缓解. */
  readonly hpi?: readonly { readonly label: Bilingual; readonly text: string; readonly turn: number }[];
  /**
   * Associated symptoms (present) and pertinent negatives (absent), with the turn each was told in
   * (the patient's answer to the question that named it) and the finding's code in the session's model.
   */
  readonly findings?: readonly RecordedFinding[];
  /** What the patient volunteered, in their words. */
  readonly reported?: readonly { readonly text: string; readonly present: boolean; readonly turn: number }[];
  readonly pastHistory?: readonly RecordedFinding[];
  readonly allergies?: {
    readonly text: string;
    readonly none: boolean;
    readonly unknown: boolean;
    readonly turn: number;
  };
  readonly medications?: {
    readonly text: string;
    readonly none: boolean;
    readonly unknown: boolean;
    readonly turn: number;
  };
  readonly lmp?: { readonly text: string; readonly turn: number };
  /** Whether a pregnancy is possible, as the patient answered its own question. */
  readonly pregnancy?: { readonly text: string; readonly turn: number };
  /**
   * The words patients use for symptoms, with the concept each names (嗓子有点疼 → 咽痛): read in the
   * patient's turns and in the checked text as that concept, beside the clinical lexicon (which wins
   * where it knows the word). Only reading: a word names a fact only where the patient said it.
   */
  readonly vocabulary?: readonly {
    readonly name: Bilingual;
    readonly concept: { readonly system: string; readonly code: string };
    readonly terms: readonly string[];
  }[];
}

/** A finding as the engine read it from the patient's answer: present or absent, in which turn. */
export interface RecordedFinding {
  readonly name: Bilingual;
  readonly present: boolean;
  /** The patient turn that told it (the answer to the question that named it, or a volunteered statement). */
  readonly turn: number;
  /** Its code in the session's model. */
  readonly code?: string;
  /** Other words a patient says for it (the model's synonyms, colloquial names: 嗓子疼 for 咽痛), read as it. */
  readonly terms?: readonly string[];
}

export interface OutpatientRecordSentence {
  readonly text: string;
  readonly turns: readonly number[];
  readonly sources: readonly PatientReportedSource[];
}

export interface OutpatientRecordSection {
  readonly key: 'chief-complaint' | 'hpi' | 'past-history' | 'allergies' | 'medications' | 'menstrual';
  readonly title: Bilingual;
  readonly sentences: readonly OutpatientRecordSentence[];
}

export interface OutpatientRecord {
  readonly status: 'draft';
  readonly lang: Lang;
  readonly label: Bilingual;
  /** 主诉, at most 20 characters in Chinese. */
  readonly chiefComplaint: string;
  readonly sections: readonly OutpatientRecordSection[];
  /** The record as plain text (section titles and sentences). */
  readonly text: string;
  readonly verification: FaithfulnessReport;
}

const TITLES: Record<OutpatientRecordSection['key'], Bilingual> = {
  'chief-complaint': { zh: '主诉', en: 'Chief complaint' },
  hpi: { zh: '现病史', en: 'History of present illness' },
  'past-history': { zh: '既往史', en: 'Past history' },
  allergies: { zh: '过敏史', en: 'Allergies' },
  medications: { zh: '用药史', en: 'Medications' },
  menstrual: { zh: '月经史', en: 'Menstrual history' },
};

const MAX_CC = 20;

/** The question the 月经史 answer replies to; a label of the patient's quoted answer, stating nothing itself. */
const LMP_LABEL = { zh: '末次月经', en: 'Last period' } as const;
const PREGNANCY_LABEL = { zh: '妊娠可能', en: 'Possible pregnancy' } as const;

/** 主诉: main symptoms + duration, ≤ 20 characters (local teaching guidance; consultation.md §2.1). */
export function chiefComplaintText(symptoms: readonly string[], duration: string | undefined, lang: Lang): string {
  const sep = lang === 'zh' ? '、' : ', ';
  const tail = duration ? (lang === 'zh' ? duration : ` for ${duration}`) : '';
  const names = [...symptoms];
  let cc = `${names.join(sep)}${tail}`;
  while (names.length > 1 && (lang === 'zh' ? cc.length > MAX_CC : false)) {
    names.pop();
    cc = `${names.join(sep)}${tail}`;
  }
  if (lang === 'zh' && cc.length > MAX_CC) cc = `${cc.slice(0, MAX_CC - tail.length)}${tail}`.slice(0, MAX_CC);
  return cc;
}

export function composeOutpatientRecord(input: OutpatientRecordInput): OutpatientRecord {
  const lang = input.lang;
  const { cc, sections } = composeSections(input);
  const local = (b: Bilingual) => pick(b, lang);
  const body = sections
    .map(
      (s) =>
        `${local(s.title)}${lang === 'zh' ? '：' : ': '}${s.sentences.map((x) => x.text).join(lang === 'zh' ? '' : ' ')}`,
    )
    .join('\n');
  const verification = verifyOutpatientRecord(body, input);
  return {
    status: 'draft',
    lang,
    label: {
      zh: '门诊病历（草稿）· 来自患者预问诊自述 · 须经接诊医生审核签名',
      en: 'Outpatient record (draft) · from the patient-reported pre-consultation · the treating physician must review and sign',
    },
    chiefComplaint: cc,
    sections,
    text: body,
    verification,
  };
}

/** The draft's sections, every sentence citing its patient turns (not yet verified). */
function composeSections(input: OutpatientRecordInput): { cc: string; sections: OutpatientRecordSection[] } {
  const lang = input.lang;
  if (lang !== 'zh' && lang !== 'en') throw invalid(`language '${String(lang)}' is not zh or en`, { field: 'lang' });
  if (!input.sessionId) throw invalid('the session id is missing', { field: 'sessionId' });
  const patientTurns = input.turns.filter((t) => t.role === 'patient');
  if (patientTurns.length === 0) throw invalid('the transcript has no patient turn', { field: 'turns' });
  const known = new Set(patientTurns.map((t) => t.turn));
  const local = (b: Bilingual) => pick(b, lang);
  const sep = lang === 'zh' ? '、' : ', ';
  const cite = (text: string, turns: readonly number[]): OutpatientRecordSentence => {
    const ts = [...new Set(turns)].sort((a, b) => a - b);
    for (const n of ts)
      if (!known.has(n))
        throw invalid(`sentence "${text}" cites turn ${n}, which is no patient turn of the transcript`, {
          field: 'turns',
        });
    return {
      text,
      turns: ts,
      sources: ts.map((turn) => ({
        kind: 'patient-reported',
        sessionId: input.sessionId,
        turn,
        quote: patientTurns.find((t) => t.turn === turn)!.text,
      })),
    };
  };
  const symptoms = input.complaint.symptoms.map(local);
  const ccWords = symptoms.length > 0 ? symptoms : [input.complaint.text.replace(/[，,。.].*$/u, '')];
  const cc = chiefComplaintText(ccWords, input.duration?.text, lang);
  const ccTurns = [input.complaint.turn, ...(input.duration ? [input.duration.turn] : [])];
  const sections: OutpatientRecordSection[] = [
    { key: 'chief-complaint', title: TITLES['chief-complaint'], sentences: [cite(cc, ccTurns)] },
  ];

  const hpi: OutpatientRecordSentence[] = [];
  const onset = input.duration
    ? lang === 'zh'
      ? `患者${input.duration.text}前出现${ccWords.join(sep)}。`
      : `The patient reports ${ccWords.join(sep)} for ${input.duration.text}.`
    : lang === 'zh'
      ? `患者自述${ccWords.join(sep)}。`
      : `The patient reports ${ccWords.join(sep)}.`;
  hpi.push(cite(onset, ccTurns));
  for (const h of input.hpi ?? [])
    hpi.push(cite(lang === 'zh' ? `${local(h.label)}：${h.text}。` : `${local(h.label)}: ${h.text}.`, [h.turn]));
  const present = (input.findings ?? []).filter((f) => f.present);
  const absent = (input.findings ?? []).filter((f) => !f.present);
  if (present.length)
    hpi.push(
      cite(
        lang === 'zh'
          ? `伴${present.map((f) => local(f.name)).join(sep)}。`
          : `With ${present.map((f) => local(f.name)).join(sep)}.`,
        present.map((f) => f.turn),
      ),
    );
  if (absent.length)
    hpi.push(
      cite(
        lang === 'zh'
          ? `无${absent.map((f) => local(f.name)).join(sep)}。`
          : `No ${absent.map((f) => local(f.name)).join(sep)}.`,
        absent.map((f) => f.turn),
      ),
    );
  for (const r of input.reported ?? [])
    hpi.push(cite(lang === 'zh' ? `患者另述：“${r.text}”。` : `The patient also said: "${r.text}".`, [r.turn]));
  sections.push({ key: 'hpi', title: TITLES.hpi, sentences: hpi });

  const past = input.pastHistory ?? [];
  const pastYes = past.filter((p) => p.present);
  const pastNo = past.filter((p) => !p.present);
  const pastSentences: OutpatientRecordSentence[] = [];
  if (pastYes.length)
    pastSentences.push(
      cite(
        lang === 'zh'
          ? `有${pastYes.map((p) => local(p.name)).join(sep)}。`
          : `${pastYes.map((p) => local(p.name)).join(sep)}.`,
        pastYes.map((p) => p.turn),
      ),
    );
  if (pastNo.length)
    pastSentences.push(
      cite(
        lang === 'zh'
          ? `否认${pastNo.map((p) => local(p.name)).join(sep)}。`
          : `Denies ${pastNo.map((p) => local(p.name)).join(sep)}.`,
        pastNo.map((p) => p.turn),
      ),
    );
  if (pastSentences.length)
    sections.push({ key: 'past-history', title: TITLES['past-history'], sentences: pastSentences });

  // Allergies and medications as told; patient-named drugs and diagnoses in quotation marks (BW2010
  // 第十八条(三)4). A quotation is the patient's own words (the turn), never the engine's normalised "none".
  const said = (turn: number, fallback: string) => patientTurns.find((t) => t.turn === turn)?.text.trim() || fallback;
  const told = (h: OutpatientRecordInput['allergies'], key: 'allergies' | 'medications') => {
    if (!h) return;
    const words = h.none || h.unknown ? said(h.turn, h.text) : h.text;
    const text = h.unknown
      ? lang === 'zh'
        ? `患者不确定（原话：“${words}”），待医生核实。`
        : `The patient was unsure ("${words}"); to verify.`
      : h.none
        ? lang === 'zh'
          ? `患者答“${words}”。`
          : `The patient answered "${words}".`
        : lang === 'zh'
          ? `“${words}”。`
          : `"${words}".`;
    sections.push({ key, title: TITLES[key], sentences: [cite(text, [h.turn])] });
  };
  told(input.allergies, 'allergies');
  told(input.medications, 'medications');
  const menstrual: readonly [Bilingual, { readonly text: string; readonly turn: number } | undefined][] = [
    [LMP_LABEL, input.lmp],
    [PREGNANCY_LABEL, input.pregnancy],
  ];
  const answered = menstrual.flatMap(([label, a]) => (a ? [{ label, a }] : []));
  if (answered.length > 0)
    sections.push({
      key: 'menstrual',
      title: TITLES.menstrual,
      sentences: answered.map(({ label, a }) =>
        cite(lang === 'zh' ? `${label.zh}：“${said(a.turn, a.text)}”。` : `${label.en}: "${said(a.turn, a.text)}".`, [
          a.turn,
        ]),
      ),
    });
  return { cc, sections };
}

/**
 * The consultation as the record a 门诊病历 text is checked against (the one builder: the draft, the
 * clinician's edit and the accept route all use it), and the lexicon the text is read with.
 *
 * Only what the patient said supports a statement. Documents are the patient turns alone (never the
 * questions, whose words would otherwise "support" what the patient never said). Facts are:
 * - what each turn established as the engine read it — the complaint's symptoms, the answer to each
 *   question ("有没有发烧？" — "没有" is fever absent; "有点黄痰" is productive cough present), past
 *   history — coded in the session's model and named with its colloquial terms, each with a
 *   `patient-reported` Source naming the turn and quoting it;
 * - what the patient's own words say, read with the clinical lexicon plus those names;
 * - allergies and current medicines as told, read as the answer to their question ("青霉素，起皮疹"
 *   answered to the allergy question is a penicillin allergy).
 */
export function consultationEvidence(input: OutpatientRecordInput): {
  readonly record: VerificationRecord;
  readonly lexicon: Lexicon;
} {
  const sid = input.sessionId;
  const patientTurns = input.turns.filter((t) => t.role === 'patient' && t.text.trim());
  const quoteOf = (turn: number) => patientTurns.find((t) => t.turn === turn)?.text ?? '';
  const reported = (turn: number, quote = quoteOf(turn)): PatientReportedSource => ({
    kind: 'patient-reported',
    sessionId: sid,
    turn,
    quote,
  });
  const entries: LexiconEntry[] = [];
  const facts: Fact[] = [];
  const recorded = [
    ...input.complaint.symptoms.map((name) => ({
      name,
      present: true,
      turn: input.complaint.turn,
      code: undefined as string | undefined,
      terms: undefined as readonly string[] | undefined,
    })),
    ...(input.findings ?? []),
    ...(input.pastHistory ?? []),
  ];
  for (const f of recorded) {
    const code = f.code ?? f.name.en;
    const concept = {
      system: CONSULT_SYSTEM,
      code,
      display: f.name.en,
      ...(f.name.zh ? { displayZh: f.name.zh } : {}),
    };
    for (const term of new Set([f.name.zh, f.name.en, ...(f.terms ?? [])]))
      if (term && term.trim().length >= 2)
        entries.push({ term, lang: /[\u4e00-\u9fff]/.test(term) ? 'zh' : 'en', concept, category: 'finding' });
    facts.push({
      id: `consult:${sid}#${f.turn}:${code}`,
      patientId: `consult:${sid}`,
      category: 'finding',
      concept,
      assertion: f.present ? 'present' : 'absent',
      subject: { who: 'patient' },
      sources: [reported(f.turn)],
    });
  }
  const builtin = builtinLexicon().entries;
  const known = new Set([...builtin, ...entries].map((e) => e.term.toLowerCase()));
  for (const v of input.vocabulary ?? []) {
    const concept = { ...v.concept, display: v.name.en, ...(v.name.zh ? { displayZh: v.name.zh } : {}) };
    for (const term of v.terms) {
      if (term.trim().length < 2 || known.has(term.toLowerCase())) continue;
      known.add(term.toLowerCase());
      entries.push({ term, lang: /[\u4e00-\u9fff]/.test(term) ? 'zh' : 'en', concept, category: 'finding' });
    }
  }
  const lexicon = new Lexicon([...builtin, ...entries]);
  const read = (text: string, turn: number, document: string) =>
    extractFacts(text, {
      lang: input.lang,
      lexicon,
      document,
      speech: 'patient',
      patientId: `consult:${sid}`,
    }).facts.map((f): Fact => {
      const s = f.sources[0];
      const quote = s?.kind === 'text' && s.document === document ? text.slice(s.start, s.end) : undefined;
      return {
        ...f,
        id: `consult:${sid}#${turn}:${f.id}`,
        sources: [reported(turn, document === turnDocument(sid, turn) && quote ? quote : quoteOf(turn))],
      };
    });
  for (const t of patientTurns) {
    const own = read(t.text, t.turn, turnDocument(sid, t.turn));
    facts.push(...own);
    // A hedge inside the words ("my throat is a bit sore", "嗓子有些疼") still says the finding: read
    // again without it, keeping what the first reading missed (the assertion is the patient's either way).
    const plain = t.text
      .replace(HEDGES, (m) => (/[a-z]/i.test(m) ? ' ' : ''))
      .replace(/\s+/g, ' ')
      .trim();
    if (plain === t.text.trim()) continue;
    const seen = new Set(own.map((f) => `${f.concept.system}|${f.concept.code}|${f.assertion}`));
    facts.push(
      ...read(plain, t.turn, `${turnDocument(sid, t.turn)}:plain`).filter(
        (f) => !seen.has(`${f.concept.system}|${f.concept.code}|${f.assertion}`),
      ),
    );
  }
  // A history answer read as the answer to its question: the heading says what the words are about.
  const heading = {
    allergies: { zh: '过敏史：', en: 'Allergies: ' },
    medications: { zh: '用药史：', en: 'Current medications: ' },
  } as const;
  for (const key of ['allergies', 'medications'] as const) {
    const h = input[key];
    if (!h || h.none || h.unknown || !h.text.trim()) continue;
    facts.push(...read(`${heading[key][input.lang]}${h.text}`, h.turn, `${turnDocument(sid, h.turn)}:${key}`));
  }
  const documents = patientTurns.map((t) => ({ id: turnDocument(sid, t.turn), text: t.text }));
  return { record: { facts, documents }, lexicon };
}

/** Hedges a patient puts inside a phrase (degree words only: never negation or doubt). */
const HEDGES =
  /\b(?:a (?:little )?bit|a little|kind of|sort of|slightly|somewhat)\b|(?<=[\u4e00-\u9fff])(?:有点儿?|有些|有一点|一点点|稍微|稍|略)(?=[\u4e00-\u9fff])/giu;

/** The code system of the session model's findings in a consultation's evidence. */
export const CONSULT_SYSTEM = 'urn:medseek:consultation';

/** The document id of a patient turn in the consultation's evidence (`consult:<session>#<turn>`). */
export function turnDocument(sessionId: string, turn: number): string {
  return `consult:${sessionId}#${turn}`;
}

/** The patient turn a Source of the consultation's evidence names, if any. */
export function turnOfSource(sessionId: string, s: Source): number | undefined {
  if (s.kind === 'patient-reported') return s.sessionId === sessionId ? s.turn : undefined;
  if (s.kind !== 'text') return undefined;
  const m = /^consult:(.+)#(\d+)(?::.*)?$/.exec(s.document);
  return m && m[1] === sessionId ? Number(m[2]) : undefined;
}

// Headings of what the patient cannot have told: the examination and investigations are the
// clinician's own findings; the diagnosis and plan the clinician's judgement (BW2010 第十八条).
const EXAM_HEADING =
  /^(?:查体|体格检查|体检|专科检查|专科情况|辅助检查|实验室检查|检查结果|检查|生命体征|exam|examination|physical exam(?:ination)?|on examination|o\/e|vital signs|vitals|investigations?|labs?|results)$/i;
const JUDGEMENT_HEADING =
  /^(?:初步诊断|诊断|印象|处理|处置|治疗|治疗意见|医嘱|建议|诊疗计划|assessment|impression|diagnos[ie]s|differential|plan|treatment|management|advice)$/i;
const HEADING_LINE = /^\s*([^\s：:][^：:\n]{0,39})\s*[：:]/;
const NEGATED_BEFORE = /(?:没有|没|无|不|未|否认|非)$|\b(?:no|not|never|don't|doesn't|denies|without)\s+$/i;

/**
 * Verifies a 门诊病历 text (the draft, or the clinician's edit of it before accepting) against the
 * consultation it came from (`consultationEvidence`), claim by claim:
 * - a claim the lexicon reads is judged by `verifyText` against the patient's facts: a finding the
 *   patient denied and the text affirms ("发热3天" after "没有" to the fever question) is
 *   contradicted, one the patient never spoke of unsupported;
 * - a claim with nothing the lexicon reads is supported only when its words are the patient's own
 *   (verbatim in a turn, not negated there) or the draft's own wording of the turns it cites;
 *   anything else is the clinician's addition: unsupported, never "supported by the conversation";
 * - a claim under an examination, investigation, diagnosis or plan heading ("查体：咽部充血") is the
 *   clinician's own and never supported by the conversation (a contradiction stays contradicted).
 * Every supported claim's evidence names the patient turns (`patient-reported` Sources).
 */
export function verifyOutpatientRecord(text: string, input: OutpatientRecordInput): FaithfulnessReport {
  const { record, lexicon } = consultationEvidence(input);
  // The draft's labels of a quoted answer ("妊娠可能：“没有”") name the question, not a
  // finding: overwritten with a placeholder of the same length (positions hold) before the text is read.
  const local = (b: Bilingual) => pick(b, input.lang);
  let masked = text;
  for (const label of new Set([
    local(LMP_LABEL),
    local(PREGNANCY_LABEL),
    ...(input.hpi ?? []).map((h) => local(h.label)),
  ]))
    for (const sep of ['：', ': ']) masked = masked.split(`${label}${sep}`).join(`${'x'.repeat(label.length)}${sep}`);
  const read = verifyText(masked, record, { lang: input.lang, lexicon });
  const report = { ...read, claims: read.claims.map((c) => ({ ...c, text: text.slice(c.start, c.end) })) };
  const sid = input.sessionId;
  const lang = input.lang;
  const t = say(lang);
  const patientTurns = input.turns.filter((x) => x.role === 'patient' && x.text.trim());
  const drafted = draftSentences(input);
  const headings = headingsOf(text);
  const index = new RecordIndex(record);
  const asReported = (sources: readonly Source[]): Source[] => {
    const out: Source[] = [];
    for (const s of sources) {
      const turn = turnOfSource(sid, s);
      if (turn === undefined) out.push(s);
      else if (s.kind === 'patient-reported') out.push(s);
      else
        out.push({
          kind: 'patient-reported',
          sessionId: sid,
          turn,
          ...(s.kind === 'text' && s.quote ? { quote: s.quote } : {}),
        });
    }
    return out.filter((s, i) => out.findIndex((x) => JSON.stringify(x) === JSON.stringify(s)) === i);
  };
  const claims = report.claims.map((c): FaithfulnessReport['claims'][number] => {
    const heading = headingAt(headings, c.start);
    if (heading && (EXAM_HEADING.test(heading) || JUDGEMENT_HEADING.test(heading)) && c.verdict !== 'contradicted')
      return {
        ...c,
        verdict: 'unsupported',
        errorType: 'E15',
        evidence: [],
        reason: EXAM_HEADING.test(heading)
          ? t(
              `"${heading}" is the clinician's examination, not something the patient said (the clinician's addition)`,
              `“${heading}”为医生检查所见，患者对话中未述及（医生补充）`,
            )
          : t(
              `"${heading}" is the clinician's judgement, not from the conversation (the clinician's addition)`,
              `“${heading}”为医生的判断，不来自患者对话（医生补充）`,
            ),
      };
    // The text and the conversation speak of one moment (today's visit): a finding the patient
    // affirmed and the text denies ("无咳痰" after "有点黄痰") is no resolution but a contradiction.
    if (c.verdict === 'unsupported') {
      const denied = c.facts.some((f) => f.verdict === 'unsupported' && f.errorType === 'E02')
        ? extractFacts(masked.slice(c.start, c.end), { lang, lexicon, document: 'claim' })
            .facts.filter((f) => f.assertion === 'absent')
            .flatMap((f) => index.candidates(f).filter((x) => x.assertion === 'present' && x.subject.who === 'patient'))
        : [];
      if (denied.length > 0)
        return {
          ...c,
          verdict: 'contradicted',
          errorType: 'E02',
          evidence: asReported(denied.flatMap((f) => f.sources)),
          reason: t(
            `the patient reported ${conceptLabel(denied[0]!.concept, 'en')}`,
            `患者称有${conceptLabel(denied[0]!.concept, 'zh')}`,
          ),
        };
    }
    if (c.verdict === 'contradicted') return { ...c, evidence: asReported(c.evidence) };
    if (c.facts.length > 0) {
      // What the findings read in the claim leave over ("咳嗽伴咽部充血": 咽部充血) must also be the
      // patient's words, unless the claim is the draft's own wording.
      const extra =
        c.verdict === 'supported' && !groundWords(c.text, [], drafted)
          ? leftover(masked.slice(c.start, c.end), lang, lexicon).filter((w) => !groundWords(w, patientTurns, []))
          : [];
      if (extra.length > 0)
        return {
          ...c,
          verdict: 'unsupported',
          errorType: 'E15',
          evidence: [],
          reason: t(
            `"${extra.join(', ')}" not said by the patient in the conversation (the clinician’s addition)`,
            `“${extra.join('、')}”患者对话中未述及（医生补充）`,
          ),
        };
      return { ...c, evidence: asReported(c.evidence) };
    }
    // Nothing the lexicon reads: the words must be the patient's, or the draft's wording of its turns.
    const ground = groundWords(c.text, patientTurns, drafted);
    if (ground)
      return {
        ...c,
        verdict: 'supported',
        reason: ground.drafted
          ? t("the draft's wording of the turns it cites", '为草稿对所引轮次的转述')
          : t("the patient's own words", '为患者原话'),
        evidence: ground.turns.map((g) => ({ kind: 'patient-reported', sessionId: sid, turn: g.turn, quote: g.quote })),
      };
    if (!content(c.text))
      return { ...c, verdict: 'supported', reason: t('nothing to check', '无可核对的内容'), evidence: [] };
    return {
      ...c,
      verdict: 'unsupported',
      errorType: 'E15',
      evidence: [],
      reason: t(
        'not said by the patient in the conversation (the clinician’s addition)',
        '患者对话中未述及（医生补充）',
      ),
    };
  });
  const count = (v: string) => claims.filter((c) => c.verdict === v).length;
  const contradicted = count('contradicted');
  return {
    ...report,
    claims,
    counts: {
      claims: claims.length,
      supported: count('supported'),
      contradicted,
      unsupported: count('unsupported'),
      omissions: report.omissions.length,
    },
    blocked: contradicted > 0 || report.omissions.length > 0,
  };
}

/** The draft's sentences with the turns they cite (without verifying them). */
function draftSentences(input: OutpatientRecordInput): readonly OutpatientRecordSentence[] {
  try {
    return composeSections(input).sections.flatMap((s) => s.sentences);
  } catch {
    return [];
  }
}

function headingsOf(text: string): { at: number; name: string }[] {
  const out: { at: number; name: string }[] = [];
  let at = 0;
  for (const line of text.split('\n')) {
    const m = HEADING_LINE.exec(line);
    if (m) out.push({ at, name: m[1]!.trim() });
    at += line.length + 1;
  }
  return out;
}

function headingAt(headings: readonly { at: number; name: string }[], pos: number): string | undefined {
  let found: string | undefined;
  for (const h of headings) if (h.at <= pos) found = h.name;
  return found;
}

const STOP_ZH =
  /患者答|患者|服用|口服|在吃|正在|每日|每天|一天|一日|毫克|片|粒|自述|自诉|另述|诉|述|称|出现|伴有|伴|并|及|和|与|或|否认|没有|无|有|未|于|以前|以来|之前|前|后|起|开始|约|近|余|至今|目前|现在|现|仍|已|为|的|了|个月|小时|分钟|天|周|月|年|日|次|分|过敏|原话|不确定|待医生核实/gu;
const STOP_EN = new Set(
  'the a an patient patients reports reported report said says say also with without and or no not denies denied for of since ago day days week weeks month months year years hour hours has have had is are was were i he she they it get gets got to in on at allergic allergy allergies answered unsure verify take takes taking took use uses using daily once twice times per every currently current states complains presents presenting'.split(
    ' ',
  ),
);

/** The words of a claim that no finding read in it accounts for, heading and function words aside. */
function leftover(claim: string, lang: Lang, lexicon: Lexicon): string[] {
  const chars = [...claim];
  // Offsets are UTF-16 units; the claims here are BMP text, so one char per unit.
  for (const f of extractFacts(claim, { lang, lexicon, document: 'claim' }).facts) {
    const s = f.sources[0];
    if (s?.kind === 'text') for (let i = s.start; i < s.end && i < chars.length; i++) chars[i] = ' ';
  }
  const rest = chars
    .join('')
    .replace(HEADING_LINE, ' ')
    .replace(/x{2,}/g, ' ')
    .replace(/\d+(?:\.\d+)?/g, ' ')
    .replace(/[“”"「」‘’'（）()，,。.；;：:、!！?？\-/]/g, ' ');
  if (lang === 'zh')
    return rest
      .replace(STOP_ZH, ' ')
      .split(/[^\u4e00-\u9fff]+/u)
      .filter((w) => w.length >= 2);
  return rest.split(/[^A-Za-z]+/).filter((w) => w.length >= 3 && !STOP_EN.has(w.toLowerCase()));
}

/** A claim's words without its heading, the draft's framing ("患者答", "The patient said") and quotes. */
function content(claim: string): string {
  return claim
    .replace(HEADING_LINE, '')
    .replace(/^\s*(?:患者(?:自述|另述|答|诉|述)|the patient (?:also said|answered|reports|said)[:\s]*)/i, '')
    .replace(/[“”"「」‘’（）()]/g, '')
    .replace(/^[\s，,。.；;：:]+|[\s，,。.；;：:]+$/gu, '')
    .trim();
}

const fold = (s: string) => s.toLowerCase().replace(/\s+/g, ' ');

/**
 * Where a claim's words come from: the drafted sentence that holds it (its cited turns), else the
 * patient turn that says them, not negated there. Undefined when neither.
 */
function groundWords(
  claim: string,
  turns: readonly { turn: number; text: string }[],
  drafted: readonly OutpatientRecordSentence[],
): { drafted: boolean; turns: { turn: number; quote: string }[] } | undefined {
  const bare = claim.replace(/^\s+|[\s。.；;，,]+$/gu, '');
  const words = content(claim);
  // The claim as written, and without the section title it starts with ("月经史：…").
  for (const b of new Set([bare, bare.replace(HEADING_LINE, '').trim()])) {
    if (b.length < 2) continue;
    for (const d of drafted) {
      const at = d.text.indexOf(b);
      if (at < 0 || NEGATED_BEFORE.test(d.text.slice(Math.max(0, at - 8), at))) continue;
      return { drafted: true, turns: d.sources.map((s) => ({ turn: s.turn, quote: s.quote ?? '' })) };
    }
  }
  if (words.length < 2) return undefined;
  const needle = fold(words);
  for (const x of turns) {
    const hay = fold(x.text);
    let at = hay.indexOf(needle);
    while (at >= 0) {
      if (!NEGATED_BEFORE.test(hay.slice(Math.max(0, at - 8), at)))
        return { drafted: false, turns: [{ turn: x.turn, quote: x.text }] };
      at = hay.indexOf(needle, at + 1);
    }
  }
  return undefined;
}
