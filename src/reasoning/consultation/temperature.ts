import { parseZhNumber } from '../../nlp/index.js';

/** A bound, not a reading: "没到38", "不超过38度", "under 38" says only that the temperature stayed below it. */
const BELOW = /(?:没|不|未)(?:有)?(?:到|超过|过)\s*$|\b(?:under|below|less\s+than|not\s+(?:over|above))\s*$/i;

const zhDigit = (s: string): number => parseZhNumber(s) ?? Number.NaN;

/**
 * A body temperature stated in the text (°C): "38度5", "量了38.9", "三十八度五", "I was 38.9". Numbers followed
 * by a time or age unit are not temperatures, and a bound ("没到38") is no reading.
 */
export function temperatureIn(text: string): number | undefined {
  const zh = /三十([五六七八九])\s*度\s*([一二三四五六七八九]|半)?/.exec(text);
  if (zh && !BELOW.test(text.slice(0, zh.index)))
    return 30 + zhDigit(zh[1]!) + (zh[2] ? (zh[2] === '半' ? 0.5 : zhDigit(zh[2]) / 10) : 0);
  const m =
    /(?<![\d.])(3[4-9]|4[0-2])(?:\s*(?:\.|度|℃|°\s*c?)\s*(\d)?)?(?!\s*(?:天|日|周|星期|个|月|年|岁|小时|分|次|斤|公斤|kg|days?|weeks?|months?|years?|hours?|min|times?|\d))/i.exec(
      text,
    );
  if (!m || BELOW.test(text.slice(0, m.index))) return undefined;
  return Number(m[1]) + (m[2] ? Number(m[2]) / 10 : 0);
}
