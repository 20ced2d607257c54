import { allFacts, type Lang, type PatientState, say } from '../../core/index.js';
import type { Lexicon } from '../../nlp/index.js';
import { matchNamed, namesIn } from './match.js';
import { type NoteQuote, quoteStands, searchNoteSentences } from './notes.js';
import type { DraftSentence, NoteGap } from './reader.js';
import type { ToolCaller } from './tools.js';

/*
 * Words of the language (zh, en) that mark a sentence as giving a reason or an onset. Strong cues say
 * it outright (因, 由于, 改用, 过敏, because, due to; 确诊, 8年, since); weak ones often go with it (计划, for).
 */
const REASON_STRONG =
  /因|由于|原因|改用|换用|改为|过敏|禁忌|建议|慢代谢|because|due to|owing to|allerg|contraindicat|recommend|switch/i;
const REASON_WEAK = /停用|会诊|计划|避免|用于|预防|以防|止痛|\bfor\b|\bplan\b|\bavoid/i;
const STOP = /停|暂停|stop|discontinu|\bheld\b|\bhold\b/i;
const ONSET_STRONG = /\d+\s*(?:余)?年|年前|确诊|起病|发病|since|diagnosed (?:in|on|at)|\d+\s*years?/i;
const ONSET_WEAK = /诊断|病史|发现|diagnos|history/i;

const MAX_QUOTES = 2;
const ZH_EVENT: Readonly<Record<string, string>> = { stopped: '停用', held: '暂停', resumed: '恢复使用' };

function score(gap: NoteGap, q: NoteQuote): number {
  const s = q.quote;
  if (gap.what === 'date') return ONSET_STRONG.test(s) ? 2 : ONSET_WEAK.test(s) ? 1 : 0;
  const base = REASON_STRONG.test(s) ? 2 : REASON_WEAK.test(s) ? 1 : 0;
  if (base === 0) return 0;
  // Why a drug was started is not told by a sentence about stopping it, and the reverse.
  const aboutStop = STOP.test(s);
  if (gap.event === 'started') return aboutStop && !REASON_STRONG.test(s.replace(STOP, '')) ? 0 : base;
  if (gap.event === 'stopped' || gap.event === 'held') return aboutStop ? base + 1 : base;
  return base;
}

function quoteText(q: NoteQuote, lang: Lang): string {
  const t = say(lang);
  const text = `${q.whole ? '' : '…'}${q.quote}${q.whole ? '' : '…'}`;
  const where = `${q.source.document}${q.date ? `, ${q.date.slice(0, 10)}` : ''}`;
  return t(`A note (${where}) says: “${text}”`, `病历记录（${where}）：“${text}”`);
}

/**
 * The reader's gaps (why, when: not in the orders or coded data) looked for in the patient's notes:
 * each becomes the note sentences that name the drug or condition with a cue of the asked thing,
 * quoted verbatim with their note and span (and checked to stand there), or, where none does, an
 * absence that says exactly what was searched. `unresolved` counts the gaps nothing answered.
 */
export async function fillGaps(
  drafts: readonly DraftSentence[],
  caller: ToolCaller,
  patientId: string,
  lang: Lang,
): Promise<{ drafts: DraftSentence[]; unresolved: number; searched: string[] }> {
  const t = say(lang);
  const out: DraftSentence[] = [];
  const searched: string[] = [];
  let unresolved = 0;
  for (const d of drafts) {
    const gap = d.gap;
    if (!gap) {
      out.push(d);
      continue;
    }
    const found = await searchNoteSentences(caller, patientId, gap.terms);
    searched.push(...gap.terms);
    const quotes = found.sentences
      .map((q, i) => ({ q, i, s: score(gap, q) }))
      .filter((x) => x.s > 0)
      .sort((a, b) => b.s - a.s || a.i - b.i)
      .slice(0, MAX_QUOTES);
    if (quotes.length > 0) {
      for (const { q } of quotes)
        out.push({
          text: quoteText(q, lang),
          kind: 'quote',
          factIds: [],
          sources: [q.source],
          quoteStands: await quoteStands(caller, patientId, q),
        });
      continue;
    }
    unresolved++;
    const terms = gap.terms.map((x) => `“${x}”`).join(lang === 'zh' ? '、' : ', ');
    const notes =
      found.notes === 0
        ? t('the patient has no notes', '该患者没有病历文书')
        : t(
            `no sentence of the patient's ${found.notes} notes mentioning ${terms} gives one`,
            `患者${found.notes}份病历文书中提及${terms}的句子均未给出`,
          );
    out.push({
      text:
        gap.what === 'reason'
          ? t(
              `No reason for ${gap.subject} being ${gap.event ?? 'given'} is found in the orders or notes: ${notes}.`,
              `医嘱和病历文书中均未找到${gap.subject}的${ZH_EVENT[gap.event ?? ''] ?? '使用'}原因：${notes}。`,
            )
          : t(
              `No date for ${gap.subject} is found in the coded conditions or notes: ${notes}.`,
              `编码诊断和病历文书中均未找到${gap.subject}的诊断日期：${notes}。`,
            ),
      kind: 'absence',
      factIds: [],
    });
  }
  return { drafts: out, unresolved, searched };
}

/**
 * Whether a "nothing recorded" answer to `question` holds: the question names something (by the
 * lexicon), the record has no fact or drug course of that name, and no note mentions it. Without a
 * name to look for, absence cannot be confirmed. `why` says what was found or searched.
 */
export async function absenceHolds(
  question: string,
  state: PatientState,
  lexicon: Lexicon,
  caller: ToolCaller,
  lang: Lang,
): Promise<{ holds: boolean; why: string }> {
  const t = say(lang);
  const hits = namesIn(question, lexicon);
  const terms = [...new Set(hits.map((h) => h.term))].filter((x) =>
    /[\u3400-\u9fff]/.test(x) ? x.length >= 2 : x.length >= 3,
  );
  if (terms.length === 0)
    return {
      holds: false,
      why: t(
        'absence not confirmed: the question names nothing the record could be searched for',
        '无法确认“没有记录”：问题中没有可在病历中检索的名称',
      ),
    };
  const facts = matchNamed(
    allFacts(state).filter((f) => f.subject.who === 'patient'),
    (f) => f.concept,
    question,
    hits,
  );
  const courses = matchNamed(state.medications ?? [], (c) => c.concept, question, hits);
  if (facts.length > 0 || courses.length > 0)
    return {
      holds: false,
      why: t(
        `absence contradicted: the record has ${facts.length + courses.length} fact(s) or drug course(s) ` +
          `for ${terms.join(', ')}`,
        `“没有记录”与病历不符：病历中有${terms.join('、')}的${facts.length + courses.length}条事实或用药记录`,
      ),
    };
  const found = await searchNoteSentences(caller, patientId(state), terms);
  if (found.sentences.length > 0)
    return {
      holds: false,
      why: t(
        `absence contradicted: ${found.sentences.length} note sentence(s) mention ${terms.join(', ')}`,
        `“没有记录”与病历不符：${found.sentences.length}处病历文书提及${terms.join('、')}`,
      ),
    };
  return {
    holds: true,
    why: t(
      `absence confirmed: no fact, drug course or sentence of ${found.notes} notes mentions ${terms.join(', ')}`,
      `已确认：没有事实、用药记录或${found.notes}份病历文书提及${terms.join('、')}`,
    ),
  };
}

function patientId(state: PatientState): string {
  return state.patientId;
}
