import type { Fact, Lang } from '../core/index.js';
import { conceptKey, conceptLabel } from '../core/index.js';
import { fold, splitSentences } from '../nlp/index.js';
import type { RecordIndex } from './record.js';

/**
 * Unsupported causality (taxonomy E10, docs/domain/discharge-summary.md §4.2: "AKI due to contrast"
 * when the source gives no cause). A causal connective linking two concepts is vouched for only by a
 * record sentence that links the same two concepts with a causal connective of its own.
 */
const connectives: Record<Lang, RegExp> = {
  // 因…导致, 由于…所致, 继发于, 引起 (and 导致/所致 without their opener).
  zh: /继发于|导致|所致|引起/g,
  en: /\b(?:due to|secondary to|caused by|because of|resulting from|as a result of)\b/gi,
};
const anyConnective =
  /继发于|导致|所致|引起|\b(?:due to|secondary to|caused by|because of|resulting from|as a result of)\b/i;

export interface CausalLink {
  /** The connective, offsets in the checked text. */
  readonly start: number;
  readonly end: number;
  readonly cause: Fact;
  readonly effect: Fact;
}

/** Connectives of a sentence with a stated concept on each side. `facts` are the sentence's facts. */
export function causalLinks(
  text: string,
  sentence: { start: number; end: number },
  facts: readonly Fact[],
  lang: Lang,
): CausalLink[] {
  const stated = facts.filter(
    (f) =>
      f.subject.who === 'patient' &&
      f.assertion !== 'absent' &&
      f.assertion !== 'hypothetical' &&
      f.sources[0]?.kind === 'text',
  );
  if (stated.length < 2) return [];
  const body = text.slice(sentence.start, sentence.end);
  const links: CausalLink[] = [];
  for (const m of body.matchAll(new RegExp(connectives[lang].source, connectives[lang].flags))) {
    const start = sentence.start + m.index;
    const end = start + m[0].length;
    const at = (f: Fact) => f.sources[0] as { start: number; end: number };
    const before = stated.filter((f) => at(f).end <= start);
    const after = stated.filter((f) => at(f).start >= end);
    const near = before[before.length - 1];
    const far = after[0];
    if (!near || !far || conceptKey(near.concept) === conceptKey(far.concept)) continue;
    // "A due to B" / "B继发于A": the effect is written first; "因A导致B": the cause is.
    const effectFirst = lang === 'en' || m[0] === '继发于' || m[0] === '所致';
    links.push({ start, end, cause: effectFirst ? far : near, effect: effectFirst ? near : far });
  }
  return links;
}

interface CausalSentence {
  readonly document: string;
  readonly start: number;
  readonly end: number;
  readonly folded: string;
}
const cache = new WeakMap<RecordIndex, CausalSentence[]>();

function causalSentences(index: RecordIndex): CausalSentence[] {
  let found = cache.get(index);
  if (found) return found;
  found = index.record.documents.flatMap((d) =>
    splitSentences(d.text)
      .filter((s) => anyConnective.test(d.text.slice(s.start, s.end)))
      .map((s) => ({ document: d.id, start: s.start, end: s.end, folded: fold(d.text.slice(s.start, s.end)) })),
  );
  cache.set(index, found);
  return found;
}

/** Does one record sentence with a causal connective name both concepts (by a record fact in it, or by name)? */
export function recordLinks(
  index: RecordIndex,
  a: Fact,
  b: Fact,
): { document: string; start: number; end: number } | undefined {
  const within = (f: Fact, s: CausalSentence) => {
    if (
      index
        .candidates(f)
        .some((c) =>
          c.sources.some(
            (src) => src.kind === 'text' && src.document === s.document && src.start >= s.start && src.end <= s.end,
          ),
        )
    )
      return true;
    const q = f.sources[0]?.kind === 'text' ? f.sources[0].quote : undefined;
    return [q, f.concept.display, f.concept.displayZh].some(
      (n) => n && n.length >= 2 && s.folded.includes(fold(n).trim()),
    );
  };
  return causalSentences(index).find((s) => within(a, s) && within(b, s));
}

export function causalReason(link: CausalLink, lang: Lang): string {
  const a = conceptLabel(link.cause.concept, lang);
  const b = conceptLabel(link.effect.concept, lang);
  return lang === 'zh' ? `病历未记载“${a}”导致“${b}”` : `the record does not state that ${b} is due to ${a}`;
}
