import { AhoCorasick } from './aho-corasick.js';
import { tokenize } from './tokens.js';

/**
 * A character-level named-entity tagger for Chinese clinical text: a structured (first-order,
 * Viterbi-decoded) averaged perceptron over BIOES tags (Collins 2002), with character n-gram,
 * character-class and dictionary features. Trained in TypeScript at run time from annotated
 * records; no model file is shipped.
 */
export interface EntitySpan {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
  readonly type: string;
}

export interface TaggedText {
  readonly text: string;
  readonly entities: readonly EntitySpan[];
  /**
   * Training only: index into `TaggerOptions.trainingDictionaries` to use for this example's
   * dictionary features instead of the main dictionary (jackknifing: an example never sees a
   * dictionary built from its own annotations, so the model learns how far to trust it).
   */
  readonly dictionaryIndex?: number;
}

export interface TaggerOptions {
  readonly epochs?: number;
  /** Extra dictionary: term → type (e.g. a lexicon's names); used as features, not as answers. */
  readonly dictionary?: ReadonlyMap<string, string>;
  /** Dictionaries for training examples that name one with `dictionaryIndex`. */
  readonly trainingDictionaries?: readonly ReadonlyMap<string, string>[];
  /**
   * A fixed term → label list from outside the annotated data (e.g. a knowledge graph's names):
   * features of its own, the same in training and tagging (never jackknifed).
   */
  readonly lexicon?: ReadonlyMap<string, string>;
  /** Word-boundary features from jieba (default false). */
  readonly words?: boolean;
  /** Seed for the deterministic shuffle of training examples between epochs. */
  readonly seed?: number;
}

const OUT = 0;

function charClass(c: string | undefined): string {
  if (c === undefined) return '#';
  const code = c.charCodeAt(0);
  if (code >= 0x30 && code <= 0x39) return 'D';
  if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) return 'L';
  if (code >= 0xff10 && code <= 0xff19) return 'D';
  if (code >= 0x4e00 && code <= 0x9fff) return 'C';
  return c;
}

export class EntityTagger {
  readonly types: readonly string[];
  private readonly tags: string[];
  private readonly featureIds = new Map<string, number>();
  private weights = new Float32Array(0);
  private transitions: Float32Array;
  private readonly dictionary: AhoCorasick<string>;
  private readonly lexicon: AhoCorasick<string> | undefined;
  private frozen = false;
  private prevCache: Int32Array[] | undefined;
  private readonly useWords: boolean;

  private constructor(
    types: readonly string[],
    dictionary: ReadonlyMap<string, string>,
    useWords: boolean,
    lexicon?: ReadonlyMap<string, string>,
  ) {
    this.types = types;
    this.useWords = useWords;
    this.tags = ['O', ...types.flatMap((t) => ['B', 'I', 'E', 'S'].map((p) => `${p}-${t}`))];
    this.transitions = new Float32Array((this.tags.length + 1) * this.tags.length);
    this.dictionary = EntityTagger.automaton(dictionary);
    this.lexicon = lexicon && lexicon.size > 0 ? EntityTagger.automaton(lexicon) : undefined;
  }

  private static automaton(dictionary: ReadonlyMap<string, string>): AhoCorasick<string> {
    const ac = new AhoCorasick<string>();
    for (const [term, type] of dictionary) if (term.length >= 2) ac.add(term, type);
    return ac.build();
  }

  /** Trains a tagger on the examples (entities must not overlap within one example). */
  static train(examples: readonly TaggedText[], options: TaggerOptions = {}): EntityTagger {
    const types = [...new Set(examples.flatMap((e) => e.entities.map((x) => x.type)))].sort();
    const tagger = new EntityTagger(types, options.dictionary ?? new Map(), options.words ?? false, options.lexicon);
    tagger.fit(
      examples,
      options.epochs ?? 8,
      options.seed ?? 1,
      (options.trainingDictionaries ?? []).map((d) => EntityTagger.automaton(d)),
    );
    return tagger;
  }

  /** The longest term covering each position, as B/I/E/S-label-length (length capped at 5). */
  private static matches(text: string, automaton: AhoCorasick<string>): string[] {
    const out: string[] = new Array(text.length).fill('');
    for (const h of automaton.longest(text)) {
      const len = h.end - h.start;
      const lb = len >= 5 ? '5' : String(len);
      for (let i = h.start; i < h.end; i++)
        out[i] = `${len === 1 ? 'S' : i === h.start ? 'B' : i === h.end - 1 ? 'E' : 'I'}-${h.value}-${lb}`;
    }
    return out;
  }

  private featureStrings(text: string, dictionary = this.dictionary): string[][] {
    const n = text.length;
    const c = (i: number) => (i < 0 ? '<' : i >= n ? '>' : text[i]!);
    const dict = EntityTagger.matches(text, dictionary);
    const lex = this.lexicon ? EntityTagger.matches(text, this.lexicon) : undefined;
    // word boundaries from jieba: the position of each character in its word (B/M/E/S)
    const words: string[] = new Array(n).fill('');
    if (this.useWords) {
      for (const t of tokenize(text, 'zh'))
        for (let i = t.start; i < t.end; i++)
          words[i] = t.end - t.start === 1 ? 'S' : i === t.start ? 'B' : i === t.end - 1 ? 'E' : 'M';
    }
    const out: string[][] = [];
    for (let i = 0; i < n; i++) {
      const f = [
        'b',
        `u0${c(i)}`,
        `u-1${c(i - 1)}`,
        `u1${c(i + 1)}`,
        `u-2${c(i - 2)}`,
        `u2${c(i + 2)}`,
        `b-1${c(i - 1)}${c(i)}`,
        `b1${c(i)}${c(i + 1)}`,
        `b-2${c(i - 2)}${c(i - 1)}`,
        `b2${c(i + 1)}${c(i + 2)}`,
        `t0${c(i - 1)}${c(i)}${c(i + 1)}`,
        `k${charClass(text[i - 1])}${charClass(text[i])}${charClass(text[i + 1])}`,
      ];
      if (this.useWords) f.push(`w${words[i]}`, `wc${words[i]}${c(i)}`);
      if (dict[i]) f.push(`d${dict[i]}`, `dc${dict[i]}${c(i)}`);
      if (dict[i - 1]) f.push(`dp${dict[i - 1]}`);
      if (dict[i + 1]) f.push(`dn${dict[i + 1]}`);
      if (lex?.[i]) f.push(`x${lex[i]}`, `xc${lex[i]}${c(i)}`);
      if (lex?.[i - 1]) f.push(`xp${lex[i - 1]}`);
      if (lex?.[i + 1]) f.push(`xn${lex[i + 1]}`);
      out.push(f);
    }
    return out;
  }

  private features(text: string, dictionary?: AhoCorasick<string>): Int32Array[] {
    return this.featureStrings(text, dictionary).map((fs) => {
      const ids: number[] = [];
      for (const s of fs) {
        let id = this.featureIds.get(s);
        if (id === undefined && !this.frozen) {
          id = this.featureIds.size;
          this.featureIds.set(s, id);
        }
        if (id !== undefined) ids.push(id);
      }
      return Int32Array.from(ids);
    });
  }

  private encode(e: TaggedText): Int32Array {
    const y = new Int32Array(e.text.length);
    for (const x of e.entities) {
      const t = this.types.indexOf(x.type);
      const base = 1 + t * 4;
      if (x.end - x.start === 1) y[x.start] = base + 3;
      else {
        y[x.start] = base;
        for (let i = x.start + 1; i < x.end - 1; i++) y[i] = base + 1;
        y[x.end - 1] = base + 2;
      }
    }
    return y;
  }

  private decode(text: string, y: ArrayLike<number>): EntitySpan[] {
    const out: EntitySpan[] = [];
    let start = -1;
    let type = -1;
    for (let i = 0; i < text.length; i++) {
      const tag = y[i]!;
      if (tag === OUT) {
        start = -1;
        continue;
      }
      const t = Math.floor((tag - 1) / 4);
      const p = (tag - 1) % 4;
      if (p === 3) {
        out.push({ start: i, end: i + 1, type: this.types[t]! });
        start = -1;
      } else if (p === 0) {
        start = i;
        type = t;
      } else if (p === 2 && start >= 0 && type === t) {
        out.push({ start, end: i + 1, type: this.types[t]! });
        start = -1;
      } else if (p === 1 && !(start >= 0 && type === t)) start = -1;
    }
    return out;
  }

  /** For each tag, the tags that may precede it under BIOES (I-x/E-x only after B-x/I-x). */
  private allowedPrev(): Int32Array[] {
    if (this.prevCache) return this.prevCache;
    const T = this.tags.length;
    const out: Int32Array[] = [];
    for (let t = 0; t < T; t++) {
      const prev: number[] = [];
      const tp = t === OUT ? -1 : (t - 1) % 4;
      const tt = t === OUT ? -1 : Math.floor((t - 1) / 4);
      for (let s = 0; s < T; s++) {
        const sp = s === OUT ? -1 : (s - 1) % 4;
        const st = s === OUT ? -1 : Math.floor((s - 1) / 4);
        const sEnds = s === OUT || sp === 2 || sp === 3; // O, E-, S-
        if (tp === 1 || tp === 2 ? (sp === 0 || sp === 1) && st === tt : sEnds) prev.push(s);
      }
      out.push(Int32Array.from(prev));
    }
    this.prevCache = out;
    return out;
  }

  private viterbi(feats: readonly Int32Array[], w: Float32Array, trans: Float32Array): Int32Array {
    const T = this.tags.length;
    const allowed = this.allowedPrev();
    const n = feats.length;
    const score = new Float32Array(n * T);
    const back = new Int32Array(n * T);
    const emit = new Float32Array(T);
    for (let i = 0; i < n; i++) {
      emit.fill(0);
      const f = feats[i]!;
      for (let k = 0; k < f.length; k++) {
        const base = f[k]! * T;
        for (let t = 0; t < T; t++) emit[t]! += w[base + t]!;
      }
      for (let t = 0; t < T; t++) {
        const tp = (t - 1) % 4;
        if (i === 0) {
          // a sentence cannot start inside an entity
          score[t] = t !== OUT && (tp === 1 || tp === 2) ? Number.NEGATIVE_INFINITY : emit[t]! + trans[T * T + t]!;
          continue;
        }
        let best = Number.NEGATIVE_INFINITY;
        let arg = 0;
        const prev = (i - 1) * T;
        const ps = allowed[t]!;
        for (let k = 0; k < ps.length; k++) {
          const s = ps[k]!;
          const v = score[prev + s]! + trans[s * T + t]!;
          if (v > best) {
            best = v;
            arg = s;
          }
        }
        score[i * T + t] = best + emit[t]!;
        back[i * T + t] = arg;
      }
    }
    const y = new Int32Array(n);
    if (n === 0) return y;
    let best = Number.NEGATIVE_INFINITY;
    for (let t = 0; t < T; t++)
      if (score[(n - 1) * T + t]! > best) {
        best = score[(n - 1) * T + t]!;
        y[n - 1] = t;
      }
    for (let i = n - 1; i > 0; i--) y[i - 1] = back[i * T + y[i]!]!;
    return y;
  }

  private fit(
    examples: readonly TaggedText[],
    epochs: number,
    seed: number,
    dictionaries: readonly AhoCorasick<string>[],
  ): void {
    const data = examples.map((e) => ({
      feats: this.features(e.text, e.dictionaryIndex === undefined ? undefined : dictionaries[e.dictionaryIndex]),
      gold: this.encode(e),
    }));
    this.frozen = true;
    const T = this.tags.length;
    const w = new Float32Array(this.featureIds.size * T);
    const wSum = new Float32Array(w.length); // Σ c·Δ for averaging (Daumé's trick)
    const tr = new Float32Array(this.transitions.length);
    const trSum = new Float32Array(tr.length);
    let c = 1;
    let rng = seed >>> 0 || 1;
    const order = data.map((_, i) => i);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        rng = (Math.imul(rng, 1664525) + 1013904223) >>> 0;
        const j = rng % (i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const idx of order) {
        const { feats, gold } = data[idx]!;
        const pred = this.viterbi(feats, w, tr);
        for (let i = 0; i < gold.length; i++) {
          const g = gold[i]!;
          const p = pred[i]!;
          const gPrev = i === 0 ? T : gold[i - 1]!;
          const pPrev = i === 0 ? T : pred[i - 1]!;
          if (g !== p) {
            const f = feats[i]!;
            for (let k = 0; k < f.length; k++) {
              const b = f[k]! * T;
              w[b + g]! += 1;
              wSum[b + g]! += c;
              w[b + p]! -= 1;
              wSum[b + p]! -= c;
            }
          }
          if (g !== p || gPrev !== pPrev) {
            tr[gPrev * T + g]! += 1;
            trSum[gPrev * T + g]! += c;
            tr[pPrev * T + p]! -= 1;
            trSum[pPrev * T + p]! -= c;
          }
        }
        c++;
      }
    }
    for (let i = 0; i < w.length; i++) w[i] = w[i]! - wSum[i]! / c;
    for (let i = 0; i < tr.length; i++) tr[i] = tr[i]! - trSum[i]! / c;
    this.weights = w;
    this.transitions = tr;
  }

  /** Entities in a text (non-overlapping, offsets into `text`). */
  tag(text: string): EntitySpan[] {
    if (text.length === 0) return [];
    return this.decode(text, this.viterbi(this.features(text), this.weights, this.transitions));
  }

  get featureCount(): number {
    return this.featureIds.size;
  }
}
