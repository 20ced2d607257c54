import type { Lang, ModelUse } from '../core/index.js';

/** A piece of a sentence and the facts it states (a list item, a clause). */
export interface Segment {
  readonly text: string;
  readonly factIds: readonly string[];
}

/** One sentence of a composed document: segments, each cited on its own, and closing punctuation. */
export interface ComposedSentence {
  readonly segments: readonly Segment[];
  readonly end: string;
}

export function sentenceText(s: ComposedSentence): string {
  return `${s.segments.map((x) => x.text).join('')}${s.end}`;
}

export function sentenceFacts(s: ComposedSentence): string[] {
  return [...new Set(s.segments.flatMap((x) => x.factIds))];
}

export interface ComposedSection {
  /** Internal field of the unified schema (docs/domain/discharge-summary.md §3). */
  readonly key: string;
  readonly title: string;
  readonly sentences: readonly ComposedSentence[];
}

/** A composed document: sections of cited sentences, and the same as text with `[Fn]` markers. */
export interface ComposedDocument {
  readonly kind: 'discharge-summary';
  readonly lang: Lang;
  readonly patientId: string;
  readonly encounterId?: string;
  readonly sections: readonly ComposedSection[];
  /** Citation key (`F3`) → fact id. */
  readonly citations: Readonly<Record<string, string>>;
  /**
   * Citation key → the FHIR resources behind the fact (`Observation/42`, `DocumentReference/9`): the
   * structured evidence that a signed Composition's sections carry as `entry` (see signed.ts).
   */
  readonly references?: Readonly<Record<string, readonly string[]>>;
  /**
   * The working text: Markdown section headings and a `[Fn]` marker after each cited statement, for
   * the editor and the verifier. The signed document is `signedText(doc)`: no markers, no Markdown.
   */
  readonly text: string;
  readonly model: ModelUse;
}

/**
 * Citation keys F1, F2… given to fact ids in order of first use: `key(id)` for the marker, `citations` the
 * key → fact id table that travels with the text.
 */
export function citationKeys(): { key: (id: string) => string; citations: Record<string, string> } {
  const keyOf = new Map<string, string>();
  const citations: Record<string, string> = {};
  const key = (id: string) => {
    let k = keyOf.get(id);
    if (!k) {
      k = `F${keyOf.size + 1}`;
      keyOf.set(id, k);
      citations[k] = id;
    }
    return k;
  };
  return { key, citations };
}

/** Renders sections as markdown with citation markers, assigning keys F1, F2… in order of first use. */
export function renderWithCitations(sections: readonly ComposedSection[]): {
  text: string;
  citations: Record<string, string>;
} {
  const { key, citations } = citationKeys();
  const parts = sections
    .filter((s) => s.sentences.length > 0)
    .map((s) => {
      const body = s.sentences
        .map(
          (x) =>
            `${x.segments.map((g) => (g.factIds.length > 0 ? `${g.text}[${g.factIds.map(key).join(', ')}]` : g.text)).join('')}${x.end}`,
        )
        .join(' ');
      return `## ${s.title}\n${body}`;
    });
  return { text: `${parts.join('\n\n')}\n`, citations };
}
