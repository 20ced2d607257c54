import type { LexiconEntry } from '../core/index.js';
import { AhoCorasick } from './aho-corasick.js';
import { fold } from './fold.js';

/** A dictionary hit: the span and every entry whose term it is (a term may name several concepts). */
export interface LexiconMatch {
  readonly start: number;
  readonly end: number;
  readonly entries: readonly LexiconEntry[];
}

/**
 * Concept names (zh + en) matched longest-first with an Aho–Corasick automaton. Case, full-width
 * forms and word boundaries are handled by the automaton (see aho-corasick.ts); English names also
 * match their regular plural (fever → fevers, artery → arteries). Built from `LexiconEntry[]` —
 * the knowledge graph's export, or `builtinLexicon()`.
 */
export class Lexicon {
  readonly entries: readonly LexiconEntry[];
  private readonly byTerm = new Map<string, LexiconEntry[]>();
  private readonly surface = new Map<LexiconEntry[], string>();
  private readonly automaton = new AhoCorasick<LexiconEntry[]>();

  constructor(entries: readonly LexiconEntry[], options: { plurals?: boolean } = {}) {
    this.entries = entries;
    const plurals = options.plurals ?? true;
    const add = (term: string, e: LexiconEntry) => {
      const key = fold(term);
      let list = this.byTerm.get(key);
      if (!list) {
        list = [];
        this.byTerm.set(key, list);
        this.surface.set(list, term);
        this.automaton.add(term, list);
      }
      if (!list.some((x) => x.concept.system === e.concept.system && x.concept.code === e.concept.code)) list.push(e);
    };
    for (const e of entries) {
      const term = e.term.trim();
      if (term.length === 0) continue;
      add(term, e);
      // English plurals of names ending in a plain letter: fevers, rales, ulcers (not "ct" → "cts")
      if (plurals && e.lang === 'en' && /[a-rt-z]$/i.test(term) && /[a-z]{4,}$/i.test(term))
        add(/[^aeiou]y$/i.test(term) ? `${term.slice(0, -1)}ies` : `${term}s`, e);
    }
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

  /** Leftmost-longest, non-overlapping matches in text order. */
  match(text: string): LexiconMatch[] {
    return this.automaton.longest(text).map((h) => ({ start: h.start, end: h.end, entries: h.value }));
  }

  /** Every match, overlapping ones included. */
  matchAll(text: string): LexiconMatch[] {
    return this.automaton.findAll(text).map((h) => ({ start: h.start, end: h.end, entries: h.value }));
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
}
