import type { Concept, FactCategory, LexiconEntry, LexiconSnapshot } from '../core/index.js';
import { CodeSystems } from '../core/index.js';
import { builtinLexicon } from './builtin-lexicon.js';
import { isCjk } from './fold.js';
import { Lexicon } from './lexicon.js';

/** Lexicons built from release snapshots, by digest of their names (most recently used last). */
const cache = new Map<string, Lexicon>();
const CACHE_SIZE = 4;

/**
 * A release's names as a term the NLP stage can match without mistaking common text for a concept:
 * Chinese terms of two characters or more (一个字 like 痛, 热 is a word of ordinary text), English
 * terms of three letters or more, never a term without a letter or ideograph (codes, numbers).
 */
function matchable(e: LexiconEntry): boolean {
  const t = e.term.trim();
  let letters = 0;
  let cjk = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (isCjk(c)) cjk++;
    else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) letters++;
  }
  if (cjk > 0) return t.length >= 2;
  return letters > 0 && t.length >= 3;
}

/**
 * The entries of a release to join to a curated lexicon: names that are not matchable are left out;
 * a release concept that shares a code with a curated concept (same system and code, the MedSeek id
 * aside) is read as the curated one, so its synonyms extend the curated concept and its facts keep
 * the curated ids. Terms the curated list writes itself are dropped later by the Lexicon (curated wins).
 */
export function joinReleaseEntries(curated: Lexicon, release: readonly LexiconEntry[]): LexiconEntry[] {
  const byCode = new Map<string, { concept: Concept; category: FactCategory }>();
  for (const e of curated.entries)
    for (const c of [e.concept, ...(e.concept.codings ?? [])])
      if (c.system !== CodeSystems.medseek && !byCode.has(`${c.system}|${c.code}`))
        byCode.set(`${c.system}|${c.code}`, { concept: e.concept, category: e.category });
  const out: LexiconEntry[] = [];
  for (const e of release) {
    if (!matchable(e)) continue;
    let same: { concept: Concept; category: FactCategory } | undefined;
    for (const c of [e.concept, ...(e.concept.codings ?? [])]) {
      if (c.system === CodeSystems.medseek) continue;
      same = byCode.get(`${c.system}|${c.code}`);
      if (same) break;
    }
    out.push(same ? { term: e.term, lang: e.lang, concept: same.concept, category: same.category } : e);
  }
  return out;
}

/** A curated lexicon (default the built-in one) with a release's entries under it (curated wins, see LexiconOptions). */
export function overlayLexicon(release: readonly LexiconEntry[], curated: Lexicon = builtinLexicon()): Lexicon {
  return new Lexicon(joinReleaseEntries(curated, release), { curated: curated.entries });
}

/**
 * The lexicon extraction uses with a knowledge release: the built-in curated list as an overlay on
 * the release's names and synonyms (overlayLexicon), its automaton built once per digest of the
 * names and kept in memory (the last few). Without a snapshot (no store, no active
 * release): the built-in lexicon alone.
 */
export function releaseLexicon(snapshot: LexiconSnapshot | undefined): Lexicon {
  if (!snapshot) return builtinLexicon();
  const key = snapshot.digest; // releases with the same names (a curation edit of relations) share one automaton
  let lexicon = cache.get(key);
  if (lexicon) cache.delete(key);
  else lexicon = overlayLexicon(snapshot.entries);
  cache.set(key, lexicon);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return lexicon;
}
