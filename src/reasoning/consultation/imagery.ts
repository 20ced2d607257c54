import { readFileSync } from 'node:fs';
import type { Lang, LexiconEntry } from '../../core/index.js';
import { Lexicon } from '../../nlp/index.js';

/**
 * Patients' images for what they feel ("像针扎一样", "像有块石头压着", "like a vice"): data/imagery.json
 * groups them by the quality they convey (the McGill Pain Questionnaire's sensory classes for pain:
 * punctate, incisive, constrictive, thermal…; heat, cold, wet, beating… for other findings). They are
 * matched with the NLP stage's Lexicon (longest match, English word boundaries and plurals), so a new
 * image is a line of data. An image under a negation in its clause ("不是针扎那种") states nothing.
 */
interface ImageQuality {
  readonly id: string;
  readonly mcgill: string;
  readonly zh: readonly string[];
  readonly en: readonly string[];
  /** Questions (DDXPlus codes, `rf:<flag>`) an image of this quality answers yes. */
  readonly answers?: readonly string[];
  /** Questions an image of this quality answers no (calm images: "稳得跟钟表似的"). */
  readonly denies?: readonly string[];
  /** 0–10, only where the image itself says how bad. */
  readonly severity?: number;
}

export interface ImageReading {
  /** The quality (its McGill class for pain). */
  readonly quality: string;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** What the image says to the question asked. */
  readonly says: 'present' | 'absent' | 'none';
  readonly severity?: number;
}

const SYSTEM = 'urn:medseek:patient-imagery';

let table: { qualities: Map<string, ImageQuality>; lexicon: Lexicon; simile: Record<Lang, RegExp> } | undefined;
function imagery() {
  if (table) return table;
  const data = JSON.parse(readFileSync(new URL('./data/imagery.json', import.meta.url), 'utf8')) as {
    qualities: ImageQuality[];
    simile: Record<Lang, string>;
  };
  const entries: LexiconEntry[] = [];
  for (const q of data.qualities)
    for (const lang of ['zh', 'en'] as const)
      for (const term of q[lang])
        entries.push({ term, lang, concept: { system: SYSTEM, code: q.id, display: q.id }, category: 'finding' });
  table = {
    qualities: new Map(data.qualities.map((q) => [q.id, q])),
    lexicon: new Lexicon(entries),
    simile: { zh: new RegExp(data.simile.zh, 'iu'), en: new RegExp(data.simile.en, 'iu') },
  };
  return table;
}

/**
 * Whether the answer is framed as a comparison ("像有小虫子在爬", "like a feather tickling it") that no
 * negation in its clause governs ("不像针扎那种"): an image the table does not list is still a sensation
 * described as felt. The reader uses it only for an answer that names nothing else.
 */
export function simileFrame(text: string, lang: Lang): boolean {
  const m = imagery().simile[lang].exec(text);
  if (!m) return false;
  const clause =
    text
      .slice(0, m.index)
      .split(/[，,；;。.!?！？]|\bbut\b/u)
      .pop() ?? '';
  return !NEGATED_BEFORE.test(clause);
}

/** A negation or "not like" just before the image, in its own clause. */
const NEGATED_BEFORE =
  /(?:没有|没|不是|不像|并不|不)[^，,；;。]{0,3}$|\b(?:not|no|never|isn'?t|wasn'?t|nothing)\b[^,;.]{0,12}$/i;

/**
 * The images in an answer and what each says to the question asked (`questionKeys`: the asked finding's
 * DDXPlus codes, or `rf:<flag>` for a red-flag check). Images that answer another question are returned
 * with `says: 'none'` so the reader can keep their words from being read literally (晕车 is no dizziness).
 */
export function imagesIn(text: string, lang: Lang, questionKeys: readonly string[]): ImageReading[] {
  const { qualities, lexicon } = imagery();
  const out: ImageReading[] = [];
  const lower = text.toLowerCase();
  for (const m of lexicon.match(text)) {
    const clause =
      lower
        .slice(0, m.start)
        .split(/[，,；;。.!?！？]|\bbut\b/u)
        .pop() ?? '';
    const negated = NEGATED_BEFORE.test(clause);
    let best: ImageReading | undefined;
    for (const e of m.entries) {
      const q = qualities.get(e.concept.code);
      if (!q || e.lang !== lang) continue;
      const says: ImageReading['says'] = negated
        ? 'none'
        : q.answers?.some((k) => questionKeys.includes(k))
          ? 'present'
          : q.denies?.some((k) => questionKeys.includes(k))
            ? 'absent'
            : 'none';
      const reading: ImageReading = {
        quality: q.id,
        text: text.slice(m.start, m.end),
        start: m.start,
        end: m.end,
        says,
        ...(q.severity !== undefined && says === 'present' ? { severity: q.severity } : {}),
      };
      if (!best || (best.says === 'none' && says !== 'none')) best = reading;
    }
    if (best) out.push(best);
  }
  return out;
}
