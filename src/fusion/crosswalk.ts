import type { Coding, Concept, Fact, FactCategory, LexiconEntry } from '../core/index.js';
import { conceptKey } from '../core/index.js';
import { builtinLexicon } from '../nlp/index.js';
import { codeKeys, nameKeys } from './concept-match.js';

/**
 * Equivalent codes from a lexicon (the knowledge graph's export, or the NLP built-in list): a
 * concept known by an ICD-10 code, a SNOMED CT code and the names 高血压 / hypertension lets a
 * Condition coded in one system meet a note fact coded in another. Concepts gain equivalents in
 * `codings`; their primary coding is never changed.
 */
/** Categories that name the same kinds of concept in a lexicon and a record. */
function group(c: FactCategory): string {
  return c === 'finding' || c === 'condition' || c === 'risk-factor' ? 'problem' : c;
}

export class Crosswalk {
  private readonly byCode = new Map<string, Concept[]>();
  private readonly byName = new Map<string, Concept[]>();

  constructor(entries: readonly LexiconEntry[]) {
    const add = (map: Map<string, Concept[]>, key: string, c: Concept) => {
      const list = map.get(key);
      if (!list) map.set(key, [c]);
      else if (!list.some((x) => conceptKey(x) === conceptKey(c))) list.push(c);
    };
    for (const e of entries) {
      for (const k of codeKeys(e.concept)) add(this.byCode, k, e.concept);
      const named: Concept = {
        system: 'urn:medseek:text',
        code: e.term,
        ...(e.lang === 'zh' ? { displayZh: e.term } : { display: e.term }),
      };
      for (const n of nameKeys(named, e.category)) add(this.byName, `${group(e.category)}|${n}`, e.concept);
    }
  }

  /** The lexicon concepts a concept is: by a shared code, else by a name that names one concept only. */
  matches(c: Concept, category: FactCategory): Concept[] {
    const byCode = new Map<string, Concept>();
    for (const k of codeKeys(c)) for (const m of this.byCode.get(k) ?? []) byCode.set(conceptKey(m), m);
    if (byCode.size) return [...byCode.values()];
    const byName = new Map<string, Concept>();
    for (const n of nameKeys(c, category))
      for (const m of this.byName.get(`${group(category)}|${n}`) ?? []) byName.set(conceptKey(m), m);
    return byName.size === 1 ? [...byName.values()] : [];
  }

  enrich(c: Concept, category: FactCategory): Concept {
    const found = this.matches(c, category);
    if (!found.length) return c;
    const have = new Set(codeKeys(c));
    const extra: Coding[] = [];
    for (const m of found) {
      for (const x of [m, ...(m.codings ?? [])]) {
        const k = conceptKey(x);
        if (have.has(k)) continue;
        have.add(k);
        extra.push({
          system: x.system,
          code: x.code,
          ...(x.display ? { display: x.display } : {}),
          ...(x.displayZh ? { displayZh: x.displayZh } : {}),
        });
      }
    }
    if (!extra.length) return c;
    return {
      ...c,
      // Names the record lacks in the other language come from the lexicon.
      ...(!c.display && found[0]?.display ? { display: found[0].display } : {}),
      ...(!c.displayZh && found[0]?.displayZh ? { displayZh: found[0].displayZh } : {}),
      codings: [...(c.codings ?? []), ...extra],
    };
  }

  enrichFact(f: Fact): Fact {
    const concept = this.enrich(f.concept, f.category);
    return concept === f.concept ? f : { ...f, concept };
  }
}

let builtin: Crosswalk | undefined;

/** The crosswalk of the NLP stage's built-in lexicon: what fusion uses when no knowledge release is given. */
export function defaultCrosswalk(): Crosswalk {
  builtin ??= new Crosswalk(builtinLexicon().entries);
  return builtin;
}
