import type { LexiconEntry } from '../core/index.js';
import { AhoCorasick, type Hit, selectLongest, sortByStart } from './aho-corasick.js';
import { fold } from './fold.js';

/** A dictionary hit: the span and every entry whose term it is (a term may name several concepts). */
export interface LexiconMatch {
  readonly start: number;
  readonly end: number;
  readonly entries: readonly LexiconEntry[];
}

export interface LexiconOptions {
  /** Match English names' regular plurals too (default true). */
  readonly plurals?: boolean;
  /**
   * Entries of a curated overlay (the built-in list) that win over the others: a term written in
   * both keeps only the curated entries, and a span is never taken by an uncurated term that
   * crosses a curated one (an uncurated term wins only where it contains the curated one whole:
   * 咳嗽变异性哮喘 over 咳嗽). See overlayLexicon() in release-lexicon.ts.
   */
  readonly curated?: readonly LexiconEntry[];
}

/**
 * Concept names (zh + en) matched longest-first with an Aho–Corasick automaton. Case, full-width
 * forms and word boundaries are handled by the automaton (see aho-corasick.ts); English names also
 * match their regular plural (fever → fevers, artery → arteries). Built from `LexiconEntry[]` —
 * the knowledge graph's export, or `builtinLexicon()`; `overlayLexicon()` joins the two.
 */
export class Lexicon {
  readonly entries: readonly LexiconEntry[];
  private readonly byTerm = new Map<string, LexiconEntry[]>();
  private readonly surface = new Map<LexiconEntry[], string>();
  /** Term lists of the curated overlay (empty when there is none). */
  private readonly curatedTerms = new Set<LexiconEntry[]>();
  private readonly automaton = new AhoCorasick<LexiconEntry[]>();

  constructor(entries: readonly LexiconEntry[], options: LexiconOptions = {}) {
    const curated = options.curated ?? [];
    this.entries = curated.length > 0 ? [...curated, ...entries] : entries;
    const plurals = options.plurals ?? true;
    const add = (term: string, e: LexiconEntry, isCurated: boolean) => {
      const key = fold(term);
      let list = this.byTerm.get(key);
      if (!list) {
        list = [];
        this.byTerm.set(key, list);
        this.surface.set(list, term);
        this.automaton.add(term, list);
        if (isCurated) this.curatedTerms.add(list);
      } else if (!isCurated && this.curatedTerms.has(list)) return; // the curated entries win
      if (!list.some((x) => x.concept.system === e.concept.system && x.concept.code === e.concept.code)) list.push(e);
    };
    const addAll = (list: readonly LexiconEntry[], isCurated: boolean) => {
      for (const e of list) {
        const term = e.term.trim();
        if (term.length === 0) continue;
        add(term, e, isCurated);
        // English plurals of names ending in a plain letter: fevers, rales, ulcers (not "ct" → "cts")
        if (plurals && e.lang === 'en' && /[a-rt-z]$/i.test(term) && /[a-z]{4,}$/i.test(term))
          add(/[^aeiou]y$/i.test(term) ? `${term.slice(0, -1)}ies` : `${term}s`, e, isCurated);
      }
    };
    addAll(curated, true);
    addAll(entries, curated.length === 0);
    this.automaton.build();
  }

  /** Each distinct term (as first written) with its entries. */
  *terms(): IterableIterator<[term: string, entries: readonly LexiconEntry[]]> {
    for (const list of this.byTerm.values()) yield [this.surface.get(list)!, list];
  }

  /** Number of distinct terms. */
  get size(): number {
    return this.automaton.size;
  }

  /** Whether the term's entries come from the curated overlay (always true without an overlay). */
  isCurated(entries: readonly LexiconEntry[]): boolean {
    return this.curatedTerms.size === 0 || this.curatedTerms.has(entries as LexiconEntry[]);
  }

  /** Leftmost-longest, non-overlapping matches in text order (the curated overlay first, see LexiconOptions). */
  match(text: string): LexiconMatch[] {
    return this.select(text, this.automaton.findAll(text));
  }

  /**
   * The matches among every hit of this lexicon's term lists in `text` (as `match` chooses them), for a
   * pass that found them with an automaton of its own (scanner.ts: terms and cues in one walk).
   */
  select(text: string, hits: Hit<LexiconEntry[]>[]): LexiconMatch[] {
    if (this.curatedTerms.size === 0) return selectLongest(hits).map(toMatch);
    const curatedHits: Hit<LexiconEntry[]>[] = [];
    const otherHits: Hit<LexiconEntry[]>[] = [];
    for (const h of hits) (this.curatedTerms.has(h.value) ? curatedHits : otherHits).push(h);
    return this.selectSplit(text, curatedHits, otherHits);
  }

  /**
   * `select` for hits already told apart into the curated overlay's (`isCurated`) and the others, each list in
   * order of end offset: the note scan knows which by pattern, without a look at each hit's entries.
   */
  selectSplit(text: string, curatedHits: Hit<LexiconEntry[]>[], otherHits: Hit<LexiconEntry[]>[]): LexiconMatch[] {
    return this.overlaySelect(text, curatedHits, otherHits).map(toMatch);
  }

  /** Every match, overlapping ones included. */
  matchAll(text: string): LexiconMatch[] {
    return this.automaton.findAll(text).map(toMatch);
  }

  /** The entries for an exact term (case and width insensitive). */
  lookup(term: string): readonly LexiconEntry[] {
    return this.byTerm.get(fold(term.trim())) ?? [];
  }

  /** A plain Aho–Corasick pass counting raw hits: the floor that throughput is compared with. */
  scanCount(text: string): number {
    return this.automaton.countRaw(text);
  }

  /** This lexicon with more entries (e.g. the built-in set plus a knowledge release). */
  with(more: readonly LexiconEntry[]): Lexicon {
    return new Lexicon([...this.entries, ...more]);
  }

  /**
   * The curated hits chosen leftmost-longest; then the other hits that cross none of them and are
   * not just curated terms joined (胸闷气短 = 胸闷 + 气短, "nausea and vomiting"): one that contains
   * curated hits whole and adds words of its own is more specific (咳嗽变异性哮喘 over 咳嗽 and 哮喘)
   * and replaces them; leftmost-longest over both.
   */
  private overlaySelect(
    text: string,
    curatedHits: Hit<LexiconEntry[]>[],
    otherHits: Hit<LexiconEntry[]>[],
  ): Hit<LexiconEntry[]>[] {
    const curated = selectLongest(curatedHits);
    if (otherHits.length === 0) return curated;
    const others = otherHits.filter((h) => {
      let rest = '';
      let at = h.start;
      // the curated hits are sorted and do not overlap, so their ends are sorted too: skip those ending before h
      let lo = 0;
      let hi = curated.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (curated[mid]!.end <= h.start) lo = mid + 1;
        else hi = mid;
      }
      for (let k = lo; k < curated.length; k++) {
        const c = curated[k]!;
        if (c.start >= h.end) break;
        if (c.start < h.start || c.end > h.end) return false; // crosses or lies over it
        rest += text.slice(at, c.start);
        at = c.end;
      }
      if (at === h.start) return true; // no curated term inside
      return !joiner.test(rest + text.slice(at, h.end));
    });
    // leftmost-longest over both: selectLongest of the curated hits followed by the others, with the two lists
    // merged in its order (by start, the longer first; the curated one first where two are alike) rather than sorted
    const sorted = sortByStart(others);
    const chosen: Hit<LexiconEntry[]>[] = [];
    let until = -1;
    for (let i = 0, j = 0; i < curated.length || j < sorted.length; ) {
      const c = curated[i];
      const o = sorted[j];
      const h =
        !o || (c && (c.start < o.start || (c.start === o.start && c.end >= o.end))) ? curated[i++]! : sorted[j++]!;
      if (h.start >= until) {
        chosen.push(h);
        until = h.end;
      }
    }
    return chosen;
  }
}

/** What may join curated terms into one longer name without adding to their meaning. */
const joiner = /^(?:[\s、,，;；/&+-]|及|和|与|伴|并|或|and|with|or)*$/i;

function toMatch(h: Hit<readonly LexiconEntry[]>): LexiconMatch {
  return { start: h.start, end: h.end, entries: h.value };
}
