import { allFacts, type Fact, type Lang, type PatientState, type Source, say, sourceKey } from '../../core/index.js';
import type { FaithfulnessReport } from '../../verify/index.js';
import type { DraftSentence } from './reader.js';
import type { AnswerSentence } from './types.js';

/** Checks a text against the patient's record (the `verify_text` tool). */
export type VerifyFn = (text: string) => Promise<FaithfulnessReport>;

const NUMBER = /\d+(?:\.\d+)?/g;

function decimals(s: string): number {
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
}

/** Every number the cited facts state (values, times, dose, names, courses' events and reasons). */
function supportNumbers(facts: readonly Fact[], state: PatientState): number[] {
  const ids = new Set(facts.map((f) => f.id));
  const courses = (state.medications ?? []).filter((c) => c.factIds.some((id) => ids.has(id)));
  const text = JSON.stringify({ facts, events: courses.map((c) => ({ concept: c.concept, events: c.events })) });
  return [...text.matchAll(NUMBER)].map((m) => Number(m[0]));
}

/**
 * The cited facts state every number the sentence states (a value, a date, a time), to the
 * precision the sentence writes it: "6.5" is stated by a fact of 6.5, "5.05" by one of 5.0454, not
 * "7.5" by a fact of 6.5. The numbers the sentence's own citation markers carry are not counted.
 */
export function citationsState(text: string, facts: readonly Fact[], state: PatientState): boolean {
  if (facts.length === 0) return false;
  const support = supportNumbers(facts, state);
  for (const m of text.matchAll(NUMBER)) {
    const n = Number(m[0]);
    const d = decimals(m[0]);
    if (!support.some((s) => Number(s.toFixed(d)) === n)) return false;
  }
  return true;
}

const foldName = (s: string) => s.normalize('NFKC').toLowerCase();

/** The sentence names what it cites: some cited fact's concept (or its drug course's) appears in it. */
export function namesCited(text: string, facts: readonly Fact[], state: PatientState): boolean {
  const said = foldName(text);
  const ids = new Set(facts.map((f) => f.id));
  const concepts = [
    ...facts.map((f) => f.concept),
    ...(state.medications ?? []).filter((c) => c.factIds.some((id) => ids.has(id))).map((c) => c.concept),
  ];
  return concepts.some((c) =>
    [c, ...(c.codings ?? [])].some((k) => nameForms(k.display, k.displayZh).some((n) => said.includes(n))),
  );
}

/**
 * How a sentence may name a concept: its displays; an English display's first word (`INR` of
 * "INR in Platelet poor plasma…", `potassium` of "Potassium [Moles/volume]…"); a Chinese display's
 * first three characters before any bracket (`螺内酯` of 螺内酯片, `华法林` of 华法林钠片).
 */
function nameForms(en: string | undefined, zh: string | undefined): string[] {
  const forms: string[] = [];
  if (en) {
    const e = foldName(en);
    forms.push(e, e.replace(/\s*\[.*$/, ''));
    const first = e.split(/[\s,/[(]+/)[0] ?? '';
    if (first.length >= 3) forms.push(first);
  }
  if (zh) {
    const z = foldName(zh);
    forms.push(z);
    const core = z.split(/[（(]/)[0] ?? '';
    if (core.length >= 2) forms.push(core.slice(0, Math.min(3, core.length)));
  }
  return forms.filter((f) => f.length >= 2);
}

function sourcesOf(facts: readonly Fact[]): Source[] {
  const seen = new Map<string, Source>();
  for (const f of facts) for (const s of f.sources) if (!seen.has(sourceKey(s))) seen.set(sourceKey(s), s);
  return [...seen.values()];
}

/**
 * Every sentence of an answer checked before it is shown. Record sentences are verified together by
 * the verifier, each against its own claims (offsets map claims to sentences):
 * - a contradicted claim removes the sentence;
 * - a sentence whose cited facts do not state its numbers, or (from a model) whose cited facts are
 *   about something it does not name, is removed (a wrong citation never stands);
 * - a supported claim (and no contradicted one) verifies it;
 * - no claim the verifier could judge: from the deterministic reader (built from the facts it
 *   cites) the sentence is shown flagged; from a model it is removed.
 * - a quote (a note's sentence) is shown verified when it was found again verbatim at its span.
 * Refusals and absences (each saying what was searched) are shown unchecked.
 */
export async function checkSentences(
  drafts: readonly DraftSentence[],
  state: PatientState,
  lang: Lang,
  verify: VerifyFn,
  origin: 'deterministic' | 'model',
): Promise<{ shown: AnswerSentence[]; removed: AnswerSentence[] }> {
  const t = say(lang);
  const facts = new Map(allFacts(state).map((f) => [f.id, f]));
  const records = drafts.filter((d) => d.kind === 'record');
  let text = '';
  const spans = new Map<DraftSentence, [number, number]>();
  for (const d of records) {
    spans.set(d, [text.length, text.length + d.text.length]);
    text += `${d.text}\n`;
  }
  const report = records.length > 0 ? await verify(text) : undefined;
  const shown: AnswerSentence[] = [];
  const removed: AnswerSentence[] = [];
  for (const d of drafts) {
    const cited = d.factIds.map((id) => facts.get(id)).filter((f): f is Fact => f !== undefined);
    const base = { text: d.text, kind: d.kind, factIds: cited.map((f) => f.id), sources: sourcesOf(cited) };
    if (d.kind === 'quote') {
      // A note's sentence quoted verbatim: shown when found again at its span in its note.
      const q = { ...base, sources: [...(d.sources ?? [])] };
      if (d.quoteStands && q.sources.length > 0)
        shown.push({ ...q, status: 'verified', reason: t('quoted verbatim from the note', '逐字引自病历文书') });
      else
        removed.push({
          ...q,
          status: 'removed',
          reason: t('the quote is not in its note at the cited span', '引文与所引病历文书的位置不符'),
        });
      continue;
    }
    if (d.kind !== 'record') {
      shown.push({ ...base, status: 'not-checked' });
      continue;
    }
    const [start, end] = spans.get(d)!;
    const claims = (report?.claims ?? []).filter((c) => c.start < end && c.end > start);
    const contradicted = claims.find((c) => c.verdict === 'contradicted');
    if (contradicted) {
      removed.push({
        ...base,
        status: 'removed',
        reason: t(`contradicted by the record: ${contradicted.reason}`, `与病历矛盾：${contradicted.reason}`),
      });
      continue;
    }
    if (!citationsState(d.text, cited, state) || (origin === 'model' && !namesCited(d.text, cited, state))) {
      removed.push({
        ...base,
        status: 'removed',
        reason:
          cited.length === 0
            ? t('cites no fact of the record', '未引用病历中的事实')
            : t('the facts it cites do not state what it says', '所引用的事实不支持该句内容'),
      });
      continue;
    }
    if (claims.some((c) => c.verdict === 'supported')) {
      shown.push({ ...base, status: 'verified' });
      continue;
    }
    if (origin === 'deterministic')
      shown.push({
        ...base,
        status: 'flagged',
        reason: t(
          'the verifier found no claim to check; the cited facts state it',
          '核验器未能逐项核对；所引用的事实与该句一致',
        ),
      });
    else removed.push({ ...base, status: 'removed', reason: t('not supported by the record', '病历不支持该句') });
  }
  return { shown, removed };
}
