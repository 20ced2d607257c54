import { parseZhNumber } from '../../nlp/index.js';

/** A bound, not a reading: "没到38", "不超过38度", "under 38" says only that the temperature stayed below it. */
const BELOW = /(?:没|不|未)(?:有)?(?:到|超过|过)\s*$|\b(?:under|below|less\s+than|not\s+(?:over|above))\s*$/i;

const zhDigit = (s: string): number => parseZhNumber(s) ?? Number.NaN;

/**
 * A body temperature stated in the text (°C): "38度5", "量了38.9", "三十八度五", "四十度一", "I was 38.9", "104 °F".
 * Numbers followed by a time or age unit are not temperatures, and a bound ("没到38") is no reading.
 */
export function temperatureIn(text: string): number | undefined {
  const zh = /(三十[五六七八九]|四十[一二]?)\s*度\s*([一二三四五六七八九]|半)?/.exec(text);
  if (zh && !BELOW.test(text.slice(0, zh.index)))
    return zhDigit(zh[1]!) + (zh[2] ? (zh[2] === '半' ? 0.5 : zhDigit(zh[2]) / 10) : 0);
  const m =
    /(?<![\d.])(3[4-9]|4[0-2])(?:\s*(?:\.|度|℃|°\s*c?)\s*(\d)?)?(?!\s*(?:天|日|周|星期|个|月|年|岁|小时|分|次|斤|公斤|kg|days?|weeks?|months?|years?|hours?|min|times?|\d))/i.exec(
      text,
    );
  if (m && !BELOW.test(text.slice(0, m.index))) return Number(m[1]) + (m[2] ? Number(m[2]) / 10 : 0);
  return fahrenheitIn(text);
}

/** A thermometer word beside a bare number makes it a reading ("104 on the thermometer", "temp of 101.3"). */
const THERMOMETER = /\b(?:temp(?:erature)?|thermometer|fever)\b/i;

/**
 * A reading in degrees Fahrenheit (95–107 °F, marked F or beside a thermometer word), as °C to one decimal:
 * "spiked to 104", "101.3F".
 */
function fahrenheitIn(text: string): number | undefined {
  const f =
    /(?<![\d.])(9[5-9]|10[0-7])(?:\.(\d))?\s*(°\s*f|f\b|degrees?\s+f(?:ahrenheit)?\b|fahrenheit)?(?![\d.]|\s*(?:days?|hours?|min|times?|%|mg|ml))/i.exec(
      text,
    );
  if (!f || BELOW.test(text.slice(0, f.index)) || !(f[3] || THERMOMETER.test(text))) return undefined;
  const degF = Number(f[1]) + (f[2] ? Number(f[2]) / 10 : 0);
  return Math.round(((degF - 32) * 50) / 9) / 10;
}
