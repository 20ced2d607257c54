import type { Fact, Lang } from '../core/index.js';
import { conceptLabel, say } from '../core/index.js';
import type { RecordIndex } from './record.js';

/**
 * Contextual mixing (taxonomy E11, docs/domain/discharge-summary.md §4.2: "home medication listed
 * under discharge medication"): a drug in the discharge-medication part of a text must be one the
 * record has going on at discharge, not one stopped before it nor one given only in hospital (IV).
 */

// A heading line (markdown or a label alone on its line), or an inline label with a colon.
const heading =
  /(?:^|\n)[ \t]*(?:#{1,6}[ \t]*)?(出院带药|出院医嘱|discharge medications?(?: and instructions)?)[ \t]*[:：]?[ \t]*(?=\n|$)/gi;
const label = /(出院带药|出院医嘱|discharge medications?)[ \t]*[:：]/gi;

/** Spans of the text that list discharge medications. */
export function dischargeMedicationSpans(text: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  for (const m of text.matchAll(heading)) {
    const start = m.index + m[0].length;
    const next = /\n[ \t]*#{1,6}[ \t]/.exec(text.slice(start));
    spans.push({ start, end: next ? start + next.index : text.length });
  }
  for (const m of text.matchAll(label)) {
    const start = m.index + m[0].length;
    const nl = text.indexOf('\n', start);
    spans.push({ start, end: nl < 0 ? text.length : nl });
  }
  return spans;
}

const ivRoutes = /^(?:iv|ivgtt|ivgt|ivp|intravenous|静滴|静注|静推|静脉|静脉滴注|静脉注射|静脉泵入|泵入)$/i;
const ended = new Set(['stopped', 'completed', 'cancelled', 'entered-in-error']);

export function isIntravenous(route: string | undefined): boolean {
  return !!route && ivRoutes.test(route.replace(/[.\s]/g, ''));
}

/** The discharge day the text gives ("出院日期：2020-01-02", "discharged 2020-01-02"). */
export function dischargeDay(text: string): string | undefined {
  return /(?:出院日期|出院时间)[：:\s]*(\d{4}-\d{2}-\d{2})|discharged(?: on)?\s+(\d{4}-\d{2}-\d{2})/i
    .exec(text)
    ?.slice(1)
    .find(Boolean);
}

/**
 * Judges one medication fact stated in a discharge-medication span. `cited` are the claim's cited
 * facts; a drug is vouched for by any same-drug record fact still going at discharge.
 */
export function mixedContext(
  fact: Fact,
  index: RecordIndex,
  cited: readonly Fact[],
  lang: Lang,
  discharge: string | undefined,
): string | undefined {
  if (fact.category !== 'medication' || fact.assertion === 'absent' || fact.assertion === 'hypothetical')
    return undefined;
  const name = conceptLabel(fact.concept, lang);
  const t = say(lang);
  if (isIntravenous(fact.dosage?.route))
    return t(
      `${name} is given intravenously: an inpatient-only route listed as a discharge medication`,
      `${name}为静脉给药，属住院用药，不应列为出院带药`,
    );
  const all = index
    .candidates(fact)
    .filter((c) => c.category === 'medication' && c.subject.who === 'patient' && c.assertion !== 'absent');
  const citedSame = cited.filter((c) => all.includes(c));
  const relevant = citedSame.length > 0 ? citedSame : all;
  if (relevant.length === 0) return undefined;
  // With a discharge day, only an end date before it shows a drug stopped before discharge: a coded
  // status is the status now (a drug stopped after this stay reads 'stopped' too). Without one, the
  // status is all there is.
  const stopped = (c: Fact) => {
    const end = c.time?.end?.slice(0, 10);
    if (discharge) return !!end && end < discharge;
    return !!c.status && ended.has(c.status);
  };
  if (relevant.every(stopped)) {
    const end = relevant.map((c) => c.time?.end?.slice(0, 10)).find(Boolean);
    return t(
      `${name} was stopped before discharge${end ? ` (${end})` : ''}; it is not a discharge medication`,
      `${name}已于出院前停用${end ? `（${end}）` : ''}，不属出院带药`,
    );
  }
  if (relevant.every((c) => isIntravenous(c.dosage?.route)))
    return t(`${name} is recorded only as an intravenous (inpatient) drug`, `病历中${name}仅为静脉（住院）用药`);
  return undefined;
}
