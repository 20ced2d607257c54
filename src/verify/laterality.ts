import type { Lang, Source } from '../core/index.js';
import type { RecordIndex } from './record.js';

/**
 * Laterality on body parts the lexicon does not name (右髋部, left wrist): a side word and the words
 * after it, compared verbatim with the record. When the record has the opposite side with the same
 * site ("右髋部") and never this side ("左髋部"), the claim's side is contradicted (taxonomy E06).
 */

// Single characters that name a site on their own (眼, 膝…): general anatomy, not taken from any data set.
const oneCharSites = new Set([...'眼耳鼻手足脚肺肾膝髋肩肘腕踝乳臂腿指趾颊颞额顶枕胸腹背腰臀']);

export interface SideConflict {
  /** Offsets of the side and site in the checked text. */
  readonly start: number;
  readonly end: number;
  readonly said: string;
  readonly recorded: string;
  readonly evidence: NonNullable<ReturnType<RecordIndex['findVerbatim']>>;
}

const quoted = (s: Source | undefined, or: string) => (s?.kind === 'text' && s.quote ? s.quote : or);

export function sideConflict(
  text: string,
  start: number,
  end: number,
  index: RecordIndex,
  lang: Lang,
): SideConflict | undefined {
  const body = text.slice(start, end);
  if (lang === 'zh') {
    for (const m of body.matchAll(/([左右])(侧)?([\u4e00-\u9fff]{1,4})/g)) {
      const side = m[1]!;
      const other = side === '左' ? '右' : '左';
      // The site ends where a negation or a conjunction begins ("左肾区无叩击痛" → 肾区).
      const site = m[3]!.split(/[无未不及和与伴并或]/)[0]!;
      if (!site || /^[左右双]/.test(site)) continue;
      // A negated statement about one side ("右下肢无水肿") says nothing against the other side's finding.
      // (无张力, 无菌, 无痛, 无创 name a technique, not a negation.)
      if (
        /^[\u4e00-\u9fff]{0,4}?(?:无(?!张力|菌|痛|创)|未|不|否认)/.test(
          body.slice(m.index + m[0].length - m[3]!.length + site.length),
        )
      )
        continue;
      for (let k = site.length; k >= 1; k--) {
        const s = site.slice(0, k);
        // One character names a site only when the text says no more ("左眼", not the 肺 of "左肺门").
        if (k === 1 && (site.length > 1 || !oneCharSites.has(s))) break;
        if (index.findVerbatim(`${side}${s}`) || index.findVerbatim(`${side}侧${s}`)) break;
        const found = index.findVerbatim(`${other}${s}`) ?? index.findVerbatim(`${other}侧${s}`);
        if (found) {
          const at = start + m.index;
          return {
            start: at,
            end: at + m[0].length,
            said: `${side}${m[2] ?? ''}${s}`,
            recorded: quoted(found, `${other}${s}`),
            evidence: found,
          };
        }
      }
    }
    return undefined;
  }
  if (/\b(?:no|not|without|denies|negative)\b/i.test(body)) return undefined;
  for (const m of body.matchAll(/\b(left|right)\s+([a-z]+)(?:\s+([a-z]+))?/gi)) {
    const side = m[1]!.toLowerCase();
    const other = side === 'left' ? 'right' : 'left';
    const words = [m[2]!, m[3]].filter((w): w is string => !!w);
    for (let k = words.length; k >= 1; k--) {
      const s = words.slice(0, k).join(' ');
      if (s.length < 3 || /^(side|sided|and|or|to|of|the|no|without)$/i.test(s)) continue;
      if (index.findVerbatim(`${side} ${s}`)) break;
      const found = index.findVerbatim(`${other} ${s}`);
      if (found) {
        const at = start + m.index;
        return {
          start: at,
          end: at + m[0].length,
          said: `${side} ${s}`,
          recorded: quoted(found, `${other} ${s}`),
          evidence: found,
        };
      }
    }
  }
  return undefined;
}
