import type { Concept, Dosage, Fact, Lang, Source, Verdict } from '../core/index.js';
import { conceptLabel, say } from '../core/index.js';
import { activeAllergyClasses as allergyClasses } from './allergy.js';
import { fold, parseMedication, splitSentences } from '../nlp/index.js';
import {
  AllergyProfile,
  type AllergyStatement,
  allergyStatementsInText,
  allergyStatementsOfFacts,
  drugMentions,
  drugOf,
  withheld,
} from './allergy.js';
import { dischargeCueSpans, dischargeOrderSections, judgeDischargeDrug } from './medrec.js';
import { isIntravenous } from './mixing.js';
import type { RecordIndex } from './record.js';
import type { ErrorType } from './taxonomy.js';

/**
 * The checks that give verdicts their clinical meaning beyond one fact against its namesakes:
 * allergies read per substance with polarity on both sides, a drug given or prescribed despite a
 * recorded allergy (same drug or same class), and discharge drugs against medication reconciliation.
 */
export interface ClinicalVerdict {
  readonly verdict: Verdict;
  readonly errorType?: ErrorType;
  readonly reason: string;
  readonly evidence: readonly Source[];
}

/** A drug the checked text lists for discharge (the sign-off route runs the drug-safety rules on these). */
export interface DischargeMedication {
  readonly concept: Concept;
  readonly dosage?: Dosage;
  readonly claimId: string;
  /** The checked-text fact, where the NLP stage read one. */
  readonly factId?: string;
}

const profiles = new WeakMap<RecordIndex, Map<Lang, AllergyProfile>>();

/** The record's allergy profile (notes and facts), read once per index. */
export function allergyProfile(index: RecordIndex, lang: Lang): AllergyProfile {
  let byLang = profiles.get(index);
  if (!byLang) {
    byLang = new Map();
    profiles.set(index, byLang);
  }
  let p = byLang.get(lang);
  if (!p) {
    p = new AllergyProfile([
      ...allergyStatementsOfFacts(index.record.facts, lang),
      ...index.record.documents.flatMap((d) => allergyStatementsInText(d.text, d.id, lang)),
    ]);
    byLang.set(lang, p);
  }
  return p;
}

/** What the checked text as a whole gives the per-claim checks. */
export interface TextContext {
  readonly masked: string;
  readonly lang: Lang;
  readonly facts: readonly Fact[];
  readonly statements: readonly AllergyStatement[];
  /** Spans that list discharge drugs (headings, labels, and sentences such as "出院后继续…"). */
  readonly discharge: readonly { start: number; end: number }[];
}

export function textContext(
  masked: string,
  lang: Lang,
  facts: readonly Fact[],
  dischargeSpans: readonly { start: number; end: number }[],
): TextContext {
  return {
    masked,
    lang,
    facts,
    statements: allergyStatementsInText(masked, 'checked-text', lang),
    discharge: [...dischargeSpans, ...dischargeCueSpans(masked, splitSentences(masked))],
  };
}

const at = (f: Fact) => (f.sources[0]?.kind === 'text' ? f.sources[0] : undefined);

export function inDischarge(c: TextContext, start: number, end: number): boolean {
  return c.discharge.some((d) => start < d.end && end > d.start);
}

/** The allergy statements of a claim, each judged against the record's allergy profile. */
export function allergyVerdicts(
  c: TextContext,
  span: { start: number; end: number },
  index: RecordIndex,
): { statement: AllergyStatement; verdict: ClinicalVerdict | undefined }[] {
  const profile = allergyProfile(index, c.lang);
  return c.statements
    .filter((s) => s.start >= span.start && s.start < span.end)
    .map((s) => ({ statement: s, verdict: profile.judge(s, c.lang) }));
}

/** Does a fact of the checked text belong to an allergy statement (the allergen, or "药物过敏" itself)? */
export function isAllergyFact(f: Fact, statements: readonly AllergyStatement[]): boolean {
  if (f.category === 'allergy') return true;
  const s = at(f);
  if (!s) return false;
  if (f.category === 'condition' && /421961002|416098002|419511003/.test(f.concept.code)) return true;
  return statements.some((x) => s.start < x.end && s.end > x.start);
}

/** The clause around a span: to the nearest comma, semicolon, line break or sentence end (。 or ". "). */
function clauseAround(text: string, start: number, end: number): string {
  const stop = (i: number) =>
    /[，,；;。\n!?！？]/.test(text[i]!) ||
    (text[i] === '.' && /\s/.test(text[i + 1] ?? ' ') && !/\d/.test(text[i - 1] ?? ''));
  let a = start;
  while (a > 0 && !stop(a - 1)) a--;
  let b = end;
  while (b < text.length && !stop(b)) b++;
  return text.slice(a, b);
}

/**
 * A drug the claim gives or prescribes that a recorded allergy covers (same drug, or same class:
 * amoxicillin under a penicillin allergy, TMP-SMX under a sulfonamide allergy). Contradicted when it
 * goes home with the patient, or when the record does not document it given (a faithful account of
 * what the record itself says is left to the safety rules). Cross-reactive classes (a cephalosporin
 * under a penicillin allergy) are the safety rules' warning, not a contradiction of the record.
 */
export function drugUnderAllergy(
  c: TextContext,
  span: { start: number; end: number },
  own: readonly Fact[],
  index: RecordIndex,
): ClinicalVerdict | undefined {
  const profile = allergyProfile(index, c.lang);
  if (profile.drugAllergies.length === 0) return undefined;
  const t = say(c.lang);
  const drugs: { name: string; start: number; end: number; drug: NonNullable<ReturnType<typeof drugOf>> }[] = [];
  for (const f of own) {
    if (
      f.category !== 'medication' ||
      f.assertion === 'absent' ||
      (f.assertion === 'hypothetical' && !f.dosage) ||
      f.assertion === 'family' ||
      f.subject.who !== 'patient'
    )
      continue;
    const s = at(f);
    if (!s || isAllergyFact(f, c.statements)) continue;
    const d = drugOf(f);
    if (d) drugs.push({ name: conceptLabel(f.concept, c.lang), start: s.start, end: s.end, drug: d });
  }
  for (const m of drugMentions(c.masked, span.start, span.end, c.statements)) {
    if (drugs.some((d) => m.start < d.end && m.end > d.start)) continue;
    if (
      own.some(
        (f) =>
          f.category === 'medication' &&
          f.assertion !== 'present' &&
          at(f) &&
          m.start < at(f)!.end &&
          m.end > at(f)!.start,
      )
    )
      continue;
    drugs.push({
      name: m.text,
      start: m.start,
      end: m.end,
      drug: { drugs: [...m.drugs], classes: [...m.classes], names: [m.text] },
    });
  }
  for (const d of drugs) {
    const clause = clauseAround(c.masked, d.start, d.end);
    if (withheld.test(clause)) continue;
    const covering = profile.allergiesCovering(d.drug);
    if (covering.length === 0) continue;
    const home = inDischarge(c, d.start, d.end);
    if (!home && recordGives(index, d.drug.drugs)) continue;
    const allergens = [...new Set(covering.map((a) => a.label))].join(c.lang === 'zh' ? '、' : ', ');
    return {
      verdict: 'contradicted',
      errorType: 'E13',
      reason: home
        ? t(
            `${d.name} prescribed for discharge, but the record documents an allergy to ${allergens}`,
            `出院带药${d.name}，但病历记载${allergens}过敏`,
          )
        : t(
            `${d.name} stated as given, but the record documents an allergy to ${allergens} and does not record ${d.name} given`,
            `称予${d.name}，但病历记载${allergens}过敏，且未记载使用${d.name}`,
          ),
      evidence: covering.flatMap((a) => a.evidence),
    };
  }
  return undefined;
}

/** Whether the record documents one of these drugs given (an affirmed medication fact of the same drug). */
function recordGives(index: RecordIndex, drugIds: readonly string[]): boolean {
  return index.record.facts.some(
    (f) =>
      f.category === 'medication' &&
      f.subject.who === 'patient' &&
      (f.assertion === 'present' || f.assertion === 'historical') &&
      !!drugOf(f)?.drugs.some((d) => drugIds.includes(d)),
  );
}

/** Judges the claim's drugs that the text lists for discharge against the record's reconciliation. */
export function dischargeVerdict(
  c: TextContext,
  span: { start: number; end: number },
  own: readonly Fact[],
  index: RecordIndex,
): ClinicalVerdict | undefined {
  let found: ClinicalVerdict | undefined;
  const unread = unreadDrugs(c, span, own);
  const named = recordNamedDrugs(c, span, [...own, ...unread], index);
  const unknown = unknownDrugItem(c, span, [...own, ...unread, ...named], index);
  if (unknown) return unknown;
  for (const f of [...own, ...unread, ...named]) {
    const s = at(f);
    if (!s || f.category !== 'medication' || !inDischarge(c, s.start, s.end) || isAllergyFact(f, c.statements))
      continue;
    if (
      withheld.test(clauseAround(c.masked, s.start, s.end)) &&
      !/继续|\bcontinue\b/i.test(clauseAround(c.masked, s.start, s.end))
    )
      continue;
    const j = judgeDischargeDrug(f, index, c.lang);
    if (!j) continue;
    if (j.verdict === 'contradicted') return j;
    found ??= j;
  }
  return found;
}

/** A discharge-list item: a name, then a dose with its unit ("甘露醇注射液 125ml …", "Clindamycin 300 mg PO …"). */
const drugItem =
  /([A-Za-z\u4e00-\u9fff][A-Za-z\u4e00-\u9fff\-\s]{1,40}?)\s*(\d+(?:\.\d+)?)\s*(mg|g|ml|mL|μg|ug|mcg|IU|U|万U|片|粒|支|袋|丸)(?![A-Za-z])/gi;
/** Dosage-form words at the end of a drug name, dropped before looking the name up in the orders. */
const formWords =
  /(注射液|注射剂|缓释片|控释片|肠溶片|分散片|胶囊|颗粒|口服液|滴眼液|片|针|oral tablet|tablets?|capsules?|injection|solution|extended release)$/i;

/**
 * A drug the lexicon reads nowhere ("甘露醇注射液", "clindamycin") listed for discharge escapes every
 * check that needs a concept; the item is still named against the record's discharge orders: when
 * the record has them and they do not name the drug, it is not a discharge drug of this stay.
 */
function unknownDrugItem(
  c: TextContext,
  span: { start: number; end: number },
  read: readonly Fact[],
  index: RecordIndex,
): ClinicalVerdict | undefined {
  if (!inDischarge(c, span.start, span.end)) return undefined;
  const orders = dischargeOrderSections(index);
  if (orders.length === 0) return undefined;
  const t = say(c.lang);
  const covered = read.filter((f) => f.category === 'medication').map(at);
  const body = c.masked.slice(span.start, span.end);
  for (const m of body.matchAll(drugItem)) {
    const start = span.start + m.index;
    const end = start + m[0].length;
    if (covered.some((x) => x && x.start < end && x.end > start)) continue;
    // The name is the item's last words before the dose, after any label ("出院带药：", "1.", "Discharge medications:").
    const name = m[1]!
      .replace(/^.*[:：;；,，、.。]/, '')
      .replace(/^(出院带药|出院后继续|继续|带药|予|给予|discharge medications?|continue|take)\s*/i, '')
      .trim();
    const core = fold(name).replace(formWords, '').trim();
    if (core.length < 2 || /^(每|qd|bid|tid|口服|静|po|iv)/i.test(core)) continue;
    if (orders.some((o) => o.folded.includes(core))) continue;
    return {
      verdict: 'contradicted',
      errorType: 'E11',
      reason: t(`${name} is not on the discharge orders`, `${name}不在出院医嘱中`),
      evidence: orders.map((o) => o.source),
    };
  }
  return undefined;
}

/**
 * Record medications named in a discharge list by the record's own name ("Etonogestrel 68 MG Drug
 * Implant", "Mirena 52 MG Intrauterine System") where the lexicon read no drug: checked against the
 * record's course of that medication like any discharge drug.
 */
function recordNamedDrugs(
  c: TextContext,
  span: { start: number; end: number },
  own: readonly Fact[],
  index: RecordIndex,
): Fact[] {
  if (!inDischarge(c, span.start, span.end)) return [];
  const body = c.masked.slice(span.start, span.end).toLowerCase();
  const meds = own.filter((f) => f.category === 'medication').map(at);
  const out: Fact[] = [];
  const seen = new Set<string>();
  for (const r of index.record.facts) {
    if (r.category !== 'medication') continue;
    for (const name of [r.concept.display, r.concept.displayZh]) {
      if (!name || name.length < 5) continue;
      const i = body.indexOf(name.toLowerCase());
      if (i < 0) continue;
      const start = span.start + i;
      const end = start + name.length;
      if (
        !inDischarge(c, start, end) ||
        meds.some((x) => x && start < x.end && end > x.start) ||
        seen.has(`${r.concept.system}|${r.concept.code}`)
      )
        continue;
      seen.add(`${r.concept.system}|${r.concept.code}`);
      out.push({
        id: `named:${start}`,
        patientId: 'checked-text',
        category: 'medication',
        concept: r.concept,
        assertion: 'present',
        subject: { who: 'patient' },
        sources: [{ kind: 'text', document: 'checked-text', start, end, quote: c.masked.slice(start, end) }],
      });
    }
  }
  return out;
}

/**
 * Drugs of the allergy data named in a discharge list that the NLP stage did not read as a drug
 * ("头孢唑林钠" read as 钠), as medication facts of the checked text, their sig parsed from what follows.
 */
function unreadDrugs(c: TextContext, span: { start: number; end: number }, own: readonly Fact[]): Fact[] {
  if (!inDischarge(c, span.start, span.end)) return [];
  const data = allergyClasses();
  const meds = own.filter((f) => f.category === 'medication').map(at);
  return drugMentions(c.masked, span.start, span.end, c.statements)
    .filter(
      (m) => !m.isClass && inDischarge(c, m.start, m.end) && !meds.some((s) => s && m.start < s.end && m.end > s.start),
    )
    .flatMap((m) => {
      const drug = data.drugs.get(m.drugs[0]!);
      if (!drug) return [];
      const { end: _end, ...sig } = parseMedication(c.masked.slice(m.end, Math.min(span.end, m.end + 80)));
      const fact: Fact = {
        id: `unread:${m.start}`,
        patientId: 'checked-text',
        category: 'medication',
        concept: {
          system: 'http://www.whocc.no/atc',
          code: drug.atc[0] ?? drug.id,
          display: drug.names.en[0],
          displayZh: drug.names.zh[0],
        },
        assertion: 'present',
        subject: { who: 'patient' },
        ...(Object.keys(sig).length > 0 ? { dosage: sig } : {}),
        sources: [{ kind: 'text', document: 'checked-text', start: m.start, end: m.end, quote: m.text }],
      };
      return [fact];
    });
}

/** The drugs the checked text lists for discharge, with the claim each is in. */
export function dischargeMedications(
  c: TextContext,
  claims: readonly { id: string; start: number; end: number }[],
): DischargeMedication[] {
  const out: DischargeMedication[] = [];
  const claimOf = (pos: number) => claims.find((x) => pos >= x.start && pos < x.end);
  const taken: { start: number; end: number }[] = [];
  for (const f of c.facts) {
    const s = at(f);
    if (
      !s ||
      f.category !== 'medication' ||
      f.assertion === 'absent' ||
      f.assertion === 'hypothetical' ||
      f.subject.who !== 'patient'
    )
      continue;
    if (!inDischarge(c, s.start, s.end) || isAllergyFact(f, c.statements) || isIntravenous(f.dosage?.route)) continue;
    const clause = clauseAround(c.masked, s.start, s.end);
    if (withheld.test(clause) && !/继续|\bcontinue\b/i.test(clause)) continue;
    const claim = claimOf(s.start);
    if (!claim) continue;
    taken.push({ start: s.start, end: s.end });
    out.push({ concept: f.concept, ...(f.dosage ? { dosage: f.dosage } : {}), claimId: claim.id, factId: f.id });
  }
  // Drugs the lexicon does not read (TMP-SMX) but the allergy data names: listed too, so the safety rules see them.
  const data = allergyClasses();
  for (const d of c.discharge) {
    for (const m of drugMentions(c.masked, d.start, d.end, c.statements)) {
      if (m.isClass || taken.some((x) => m.start < x.end && m.end > x.start)) continue;
      const claim = claimOf(m.start);
      const drug = data.drugs.get(m.drugs[0]!);
      if (!claim || !drug || withheld.test(clauseAround(c.masked, m.start, m.end))) continue;
      taken.push({ start: m.start, end: m.end });
      out.push({
        concept: {
          system: 'http://www.whocc.no/atc',
          code: drug.atc[0] ?? drug.id,
          display: drug.names.en[0],
          displayZh: drug.names.zh[0],
        },
        claimId: claim.id,
      });
    }
  }
  return out;
}
