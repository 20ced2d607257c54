import type { Fact, Lang, MedicationCourse, Source } from '../core/index.js';
import { conceptKey, conceptLabel, say } from '../core/index.js';
import { fold, splitSections } from '../nlp/index.js';
import { activeAllergyClasses as allergyClasses } from './allergy.js';
import { drugOf } from './allergy.js';
import { normRoute } from './judge.js';
import { compareQuantity, formatQuantity } from './quantity.js';
import type { RecordIndex } from './record.js';
import type { ErrorType } from './taxonomy.js';

/**
 * Discharge drugs against medication reconciliation (taxonomy E11, docs/domain/discharge-summary.md
 * §4.2): a drug the checked text sends the patient home on must be on the discharge orders, and not
 * one the stay stopped, held or gave once. The record's `medications` (MedicationCourse, built by
 * fusion) say so; without them, the record's own discharge-order section (出院医嘱 / 出院带药 /
 * discharge medications) is the list.
 */

/** Sentences that send a drug home without a heading: "出院后继续布洛芬…", "discharged home on…". */
const cue =
  /出院后(?:继续|改为|换为|改用|带|口服|服用|使用|予|给予)|出院带药|带药出院|院外继续|出院继续|继续(?:口服|服用)[^。；;]{0,20}出院|discharged? (?:home )?(?:on|with)\b|discharge medications?|discharge prescriptions?|(?:continue|take|resume)\b[^.;\n]{0,60}\b(?:at home|after discharge|on discharge)|after discharge|home medications? at discharge/i;

/** Spans of sentences whose words put their drugs on the discharge list. */
export function dischargeCueSpans(
  text: string,
  sentences: readonly { start: number; end: number }[],
): { start: number; end: number }[] {
  return sentences.filter((s) => cue.test(text.slice(s.start, s.end))).map((s) => ({ start: s.start, end: s.end }));
}

const ended: Partial<Record<MedicationCourse['status'], { en: string; zh: string }>> = {
  stopped: { en: 'was stopped during the stay', zh: '住院期间已停用' },
  held: { en: 'is on hold', zh: '已暂停使用' },
  'one-off': { en: 'was given once only during the stay', zh: '住院期间仅临时使用一次' },
  completed: { en: 'finished its course during the stay', zh: '疗程已于住院期间完成' },
};

function namesOfConcept(c: MedicationCourse['concept']): string[] {
  return [c.display, c.displayZh, ...(c.codings ?? []).flatMap((x) => [x.display, x.displayZh])]
    .filter((n): n is string => !!n)
    .map((n) => fold(n).trim());
}

/** The record's courses of the drug a fact names: same code, same ingredient of the allergy data, or one name within the other. */
export function coursesOf(f: Fact, courses: readonly MedicationCourse[], index: RecordIndex): MedicationCourse[] {
  const keys = new Set([conceptKey(f.concept), ...(f.concept.codings ?? []).map(conceptKey)]);
  const candidateIds = new Set(index.candidates(f).map((c) => c.id));
  const names = [
    f.concept.display,
    f.concept.displayZh,
    ...(f.concept.codings ?? []).flatMap((x) => [x.display, x.displayZh]),
    f.sources[0]?.kind === 'text' ? f.sources[0].quote : undefined,
  ]
    .filter((n): n is string => !!n)
    .map((n) => fold(n).trim())
    .filter((n) => n.length >= 2);
  const drug = drugOf(f);
  return courses.filter((c) => {
    if ([c.concept, ...(c.concept.codings ?? [])].some((x) => keys.has(conceptKey(x)))) return true;
    if (c.factIds.some((id) => candidateIds.has(id))) return true;
    const other = namesOfConcept(c.concept);
    if (
      names.some((n) =>
        other.some((o) => o === n || (n.length >= 3 && o.includes(n)) || (o.length >= 3 && n.includes(o))),
      )
    )
      return true;
    if (drug) {
      const cd = drugOf({ ...f, concept: c.concept, sources: [] });
      if (cd?.drugs.some((d) => drug.drugs.includes(d))) return true;
    }
    return false;
  });
}

export interface DischargeJudgement {
  readonly verdict: 'contradicted' | 'unsupported' | 'supported';
  readonly errorType?: ErrorType;
  readonly reason: string;
  readonly evidence: readonly Source[];
}

const dischargeSections = new Set(['discharge_instructions', 'discharge_medications', 'discharge_orders']);

/** Record medication facts written in a discharge-order section (the list when no courses are given). */
export function dischargeOrderFacts(index: RecordIndex): Fact[] {
  return index.record.facts.filter(
    (f) =>
      f.category === 'medication' &&
      f.subject.who === 'patient' &&
      f.assertion !== 'absent' &&
      f.assertion !== 'hypothetical' &&
      !!f.section &&
      dischargeSections.has(f.section),
  );
}

/**
 * Judges a drug the checked text lists for discharge. Contradicted: the record's courses say it was
 * stopped, held, given once or finished, or the record has discharge orders and it is not on them;
 * or its dose differs from the discharge order's. Supported: on the discharge orders.
 * Undefined: the record has nothing to say (no courses, no discharge orders).
 */
export function judgeDischargeDrug(f: Fact, index: RecordIndex, lang: Lang): DischargeJudgement | undefined {
  // A PRN prescription ("as needed", 必要时) reads as hypothetical; with a dose it is still an order.
  if (
    f.category !== 'medication' ||
    f.assertion === 'absent' ||
    (f.assertion === 'hypothetical' && !f.dosage) ||
    f.subject.who !== 'patient'
  )
    return undefined;
  const t = say(lang);
  const name = conceptLabel(f.concept, lang);
  const courses = index.record.medications ?? [];
  if (courses.length > 0) {
    const mine = coursesOf(f, courses, index);
    const onOrders = mine.filter((c) => c.discharge);
    if (onOrders.length > 0)
      return doseAgainstOrders(
        f,
        onOrders.map((c) => ({
          dosage: c.events.find((e) => e.kind === 'discharge')?.dosage ?? c.dosage,
          sources: c.sources,
        })),
        name,
        t,
      );
    for (const c of mine) {
      const why = ended[c.status];
      if (!why) continue;
      const ev = c.events.filter((e) => e.kind === 'stopped' || e.kind === 'held' || e.kind === 'one-off');
      const reason = ev.map((e) => e.reason).find(Boolean);
      const when = ev.map((e) => e.time?.slice(0, 10)).find(Boolean);
      return {
        verdict: 'contradicted',
        errorType: 'E11',
        reason: t(
          `${name} ${why.en}${when ? ` (${when})` : ''}${reason ? `: ${reason}` : ''}; it is not a discharge medication`,
          `${name}${why.zh}${when ? `（${when}）` : ''}${reason ? `，原因：${reason}` : ''}，不属出院带药`,
        ),
        evidence: ev.length > 0 ? ev.flatMap((e) => e.sources) : c.sources,
      };
    }
    const orderFacts = dischargeOrderFacts(index);
    if (courses.some((c) => c.discharge) || orderFacts.length > 0) {
      if (!courses.some((c) => c.discharge)) return againstOrderFacts(f, orderFacts, index, name, t);
      if (namedInOrders(f, index))
        return {
          verdict: 'supported',
          reason: t(`${name} is named in the discharge orders`, `出院医嘱中有${name}`),
          evidence: [],
        };
      const orders = courses.filter((c) => c.discharge);
      return {
        verdict: 'contradicted',
        errorType: 'E11',
        reason: t(
          `${name} is not on the discharge orders (${orders.map((c) => conceptLabel(c.concept, 'en')).join(', ')})`,
          `${name}不在出院医嘱中（出院医嘱：${orders.map((c) => conceptLabel(c.concept, 'zh')).join('、')}）`,
        ),
        evidence: orders.flatMap((c) => c.sources),
      };
    }
    return neverOrdered(f, index, name, t);
  }
  const orders = dischargeOrderFacts(index);
  if (orders.length === 0) return neverOrdered(f, index, name, t);
  return againstOrderFacts(f, orders, index, name, t);
}

/**
 * A drug sent home that the record never names at all, in a record that documents the patient's
 * drugs: no order could have come from the record, so it is not a discharge drug of this stay.
 */
function neverOrdered(
  f: Fact,
  index: RecordIndex,
  name: string,
  t: (en: string, zh: string) => string,
): DischargeJudgement | undefined {
  const meds = index.record.facts.filter((x) => x.category === 'medication' && x.subject.who === 'patient');
  if (meds.length === 0 && (index.record.medications ?? []).length === 0) return undefined;
  if (index.candidates(f).some((x) => x.category === 'medication')) return undefined;
  const quote = f.sources[0]?.kind === 'text' ? f.sources[0].quote : undefined;
  if ([quote, f.concept.display, f.concept.displayZh].some((n) => n && n.length >= 2 && index.findVerbatim(n)))
    return undefined;
  return {
    verdict: 'contradicted',
    errorType: 'E11',
    reason: t(
      `${name} is listed for discharge but the record never orders or names it`,
      `${name}列为出院带药，但病历中从未开具或记载该药`,
    ),
    evidence: [],
  };
}

const orderSections = new WeakMap<RecordIndex, { folded: string; source: Source }[]>();

/** The record's discharge-order sections: their folded text (for drugs the lexicon does not read) and where they stand. */
export function dischargeOrderSections(index: RecordIndex): { folded: string; source: Source }[] {
  let found = orderSections.get(index);
  if (!found) {
    found = index.record.documents.flatMap((d) =>
      splitSections(d.text)
        .filter((s) => dischargeSections.has(s.key))
        .map((s) => ({
          folded: fold(d.text.slice(s.bodyStart, s.end)),
          source: {
            kind: 'text' as const,
            document: d.id,
            start: s.bodyStart,
            end: s.end,
            quote: d.text.slice(s.bodyStart, s.end).trim(),
          },
        })),
    );
    orderSections.set(index, found);
  }
  return found;
}

function dischargeOrderTexts(index: RecordIndex): string[] {
  return dischargeOrderSections(index).map((s) => s.folded);
}

/** Whether the discharge-order text names the drug (any of its names, or of its allergy-data entry). */
function namedInOrders(f: Fact, index: RecordIndex): boolean {
  const texts = dischargeOrderTexts(index);
  if (texts.length === 0) return false;
  const data = allergyClasses();
  const ids = drugOf(f)?.drugs ?? [];
  const names = [
    f.concept.display,
    f.concept.displayZh,
    f.sources[0]?.kind === 'text' ? f.sources[0].quote : undefined,
    ...ids.flatMap((id) => [...(data.drugs.get(id)?.names.en ?? []), ...(data.drugs.get(id)?.names.zh ?? [])]),
  ]
    .filter((n): n is string => !!n && n.length >= 3)
    .map((n) => fold(n).trim());
  return texts.some((t) => names.some((n) => t.includes(n)));
}

function againstOrderFacts(
  f: Fact,
  orders: readonly Fact[],
  index: RecordIndex,
  name: string,
  t: (en: string, zh: string) => string,
): DischargeJudgement {
  if (namedInOrders(f, index) && !orders.some((o) => index.candidates(f).includes(o)))
    return {
      verdict: 'supported',
      reason: t(`${name} is named in the discharge orders`, `出院医嘱中有${name}`),
      evidence: [],
    };
  const candidates = new Set(index.candidates(f));
  const drug = drugOf(f);
  const same = orders.filter(
    (o) => candidates.has(o) || (drug && drugOf(o)?.drugs.some((d) => drug.drugs.includes(d))),
  );
  if (same.length > 0)
    return doseAgainstOrders(
      f,
      same.map((o) => ({ dosage: o.dosage, sources: o.sources })),
      name,
      t,
    );
  return {
    verdict: 'contradicted',
    errorType: 'E11',
    reason: t(
      `${name} is not on the discharge orders (${orders.map((o) => conceptLabel(o.concept, 'en')).join(', ')})`,
      `${name}不在出院医嘱中（出院医嘱：${orders.map((o) => conceptLabel(o.concept, 'zh')).join('、')}）`,
    ),
    evidence: orders.flatMap((o) => o.sources),
  };
}

function doseAgainstOrders(
  f: Fact,
  orders: readonly { dosage?: Fact['dosage']; sources: readonly Source[] }[],
  name: string,
  t: (en: string, zh: string) => string,
): DischargeJudgement {
  const dose = f.dosage?.dose ?? f.dosage?.strength;
  const supported: DischargeJudgement = {
    verdict: 'supported',
    reason: t(`${name} is on the discharge orders`, `${name}在出院医嘱中`),
    evidence: orders.flatMap((o) => o.sources),
  };
  const route = f.dosage?.route;
  const routed = orders.filter((o) => o.dosage?.route);
  if (route && routed.length > 0 && !routed.some((o) => normRoute(o.dosage!.route!) === normRoute(route))) {
    const r = routed[0]!.dosage!.route!;
    return {
      verdict: 'contradicted',
      errorType: 'E05',
      reason: t(`${name}: route ${route} vs ${r} on the discharge orders`, `${name}：途径${route}，出院医嘱为${r}`),
      evidence: routed.flatMap((o) => o.sources),
    };
  }
  if (!dose) return supported;
  const dosed = orders.filter((o) => o.dosage?.dose ?? o.dosage?.strength);
  if (dosed.length === 0) return supported;
  const results = dosed.map((o) => ({
    o,
    q: o.dosage!.dose ?? o.dosage!.strength!,
    m: compareQuantity(dose, o.dosage!.dose ?? o.dosage!.strength!),
  }));
  if (results.some((r) => r.m === 'same')) {
    const same = results.filter((r) => r.m === 'same');
    const fq = f.dosage?.frequency;
    const freqOk =
      !fq ||
      same.some(
        (r) =>
          !r.o.dosage?.frequency || r.o.dosage.frequency.code === fq.code || r.o.dosage.frequency.perDay === fq.perDay,
      );
    if (freqOk) return supported;
    const of = same.find((r) => r.o.dosage?.frequency)!.o.dosage!.frequency!;
    return {
      verdict: 'contradicted',
      errorType: 'E05',
      reason: t(
        `${name}: ${fq!.original ?? fq!.code} vs ${of.original ?? of.code} on the discharge orders`,
        `${name}：频次${fq!.original ?? fq!.code}，出院医嘱为${of.original ?? of.code}`,
      ),
      evidence: same.flatMap((r) => r.o.sources),
    };
  }
  const r = results.find((x) => x.m !== 'incomparable');
  if (!r) return supported;
  return {
    verdict: 'contradicted',
    errorType: r.m === 'unit-error' ? 'E04' : 'E03',
    reason: t(
      `${name}: ${formatQuantity(dose)} vs ${formatQuantity(r.q)} on the discharge orders`,
      `${name}：剂量${formatQuantity(dose)}，出院医嘱为${formatQuantity(r.q)}`,
    ),
    evidence: r.o.sources,
  };
}
