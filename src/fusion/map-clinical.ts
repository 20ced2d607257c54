import type { AllergyIntolerance, Condition, FamilyMemberHistory, Immunization, Procedure } from 'fhir/r4.js';
import type { Concept, Fact, FactCategory, FactTime } from '../core/index.js';
import { CodeSystems } from '../core/index.js';
import type { AnyResource } from './fhir.js';
import { choiceTime, conceptOf, firstCode, timeOf } from './fhir.js';
import { clinicalAssertion, codedFact, endedBy, type MapContext } from './map-context.js';

/**
 * Condition (https://hl7.org/fhir/R4/condition.html): verification `refuted` → absent,
 * `provisional`/`differential`/`unconfirmed` → possible, clinical `resolved`/`inactive`/`remission`
 * → historical (or present when the state's moment is before the abatement).
 */
export function mapCondition(r: Condition & AnyResource, ctx: MapContext): Fact[] {
  const concept = conceptOf(r.code);
  if (!concept) return [];
  const onset =
    choiceTime(r as Record<string, unknown>, 'onset') ?? (r.recordedDate ? { start: r.recordedDate } : undefined);
  const abatement = choiceTime(r as Record<string, unknown>, 'abatement');
  const time: FactTime | undefined =
    onset || abatement
      ? { ...onset, ...(abatement?.start ? { end: abatement.start } : abatement?.end ? { end: abatement.end } : {}) }
      : undefined;
  const clinical = firstCode(r.clinicalStatus);
  const assertion = clinicalAssertion(clinical, firstCode(r.verificationStatus), endedBy(time, ctx));
  if (!assertion) return [];
  const laterality = lateralityOf(r.bodySite?.map((b) => b.text ?? b.coding?.[0]?.display ?? '').join(' '));
  return [
    codedFact(r, ctx, 'Condition.code', {
      category: conditionCategory(concept.display),
      concept,
      assertion,
      ...(time ? { time } : {}),
      ...(clinical ? { status: clinical } : {}),
      ...(laterality ? { laterality } : {}),
    }),
  ];
}

/** SNOMED CT writes the semantic tag in the name: `(finding)` is a finding, `(disorder)` a condition. */
function conditionCategory(display: string | undefined): FactCategory {
  if (display && /\((finding|situation)\)\s*$/.test(display)) return 'finding';
  return 'condition';
}

export function lateralityOf(text: string | undefined): Fact['laterality'] | undefined {
  if (!text) return undefined;
  if (/bilateral|both|双侧|双/i.test(text)) return 'bilateral';
  if (/\bleft\b|左/i.test(text)) return 'left';
  if (/\bright\b|右/i.test(text)) return 'right';
  return undefined;
}

/**
 * AllergyIntolerance (https://hl7.org/fhir/R4/allergyintolerance.html): `refuted` → absent;
 * category and criticality kept as qualifiers (a note's "no known drug allergies" is checked against
 * the medication ones).
 */
export function mapAllergy(r: AllergyIntolerance & AnyResource, ctx: MapContext): Fact[] {
  const coded = conceptOf(r.code) ?? (r.reaction?.[0]?.substance ? conceptOf(r.reaction[0].substance) : undefined);
  if (!coded) return [];
  // "No known allergy" recorded as an AllergyIntolerance is the denial of the positive concept.
  const denied = coded.system === CodeSystems.snomed ? noKnownAllergy[coded.code] : undefined;
  const concept: Concept = denied
    ? {
        ...denied,
        codings: [{ system: coded.system, code: coded.code, ...(coded.display ? { display: coded.display } : {}) }],
      }
    : coded;
  const onset =
    choiceTime(r as Record<string, unknown>, 'onset') ?? (r.recordedDate ? { start: r.recordedDate } : undefined);
  const time = onset ?? (r.lastOccurrence ? { start: r.lastOccurrence } : undefined);
  const clinical = firstCode(r.clinicalStatus);
  const asserted = clinicalAssertion(clinical, firstCode(r.verificationStatus), undefined);
  if (!asserted) return [];
  const assertion = denied && (asserted === 'present' || asserted === 'historical') ? 'absent' : asserted;
  const reactions = (r.reaction ?? [])
    .flatMap((x) => x.manifestation.map((m) => m.text ?? m.coding?.[0]?.display))
    .filter((x): x is string => !!x);
  const qualifiers: Record<string, string> = {};
  if (r.category?.length) qualifiers.category = r.category.join(',');
  if (r.criticality) qualifiers.criticality = r.criticality;
  if (r.type) qualifiers.type = r.type;
  if (reactions.length) qualifiers.reaction = reactions.join('; ');
  return [
    codedFact(r, ctx, 'AllergyIntolerance.code', {
      category: 'allergy',
      concept,
      assertion,
      ...(time ? { time } : {}),
      ...(clinical ? { status: clinical } : {}),
      ...(Object.keys(qualifiers).length ? { qualifiers } : {}),
    }),
  ];
}

/**
 * SNOMED CT "no known …allergy" situations → the allergy they deny
 * (https://hl7.org/fhir/R4/allergyintolerance-nka.html shows NKA recorded this way).
 */
const noKnownAllergy: Record<string, Concept> = {
  '716186003': {
    system: CodeSystems.snomed,
    code: '609328004',
    display: 'Allergic disposition',
    displayZh: '过敏体质',
  },
  '409137002': { system: CodeSystems.snomed, code: '416098002', display: 'Drug allergy', displayZh: '药物过敏' },
  '429625007': { system: CodeSystems.snomed, code: '414285001', display: 'Food allergy', displayZh: '食物过敏' },
  '428607008': {
    system: CodeSystems.snomed,
    code: '426232007',
    display: 'Environmental allergy',
    displayZh: '环境过敏',
  },
};

/** FamilyMemberHistory: each condition becomes a `family` fact about that relative. */
export function mapFamilyHistory(r: FamilyMemberHistory & AnyResource, ctx: MapContext): Fact[] {
  if (r.status === 'entered-in-error') return [];
  const relation = r.relationship.text ?? r.relationship.coding?.[0]?.display ?? r.relationship.coding?.[0]?.code;
  return (r.condition ?? []).flatMap((c, i) => {
    const concept = conceptOf(c.code);
    if (!concept) return [];
    const qualifiers: Record<string, string> = {};
    const outcome = c.outcome?.text ?? c.outcome?.coding?.[0]?.display;
    if (outcome) qualifiers.outcome = outcome;
    if (c.contributedToDeath) qualifiers.contributedToDeath = 'true';
    return [
      codedFact(r, ctx, `FamilyMemberHistory.condition[${i}].code`, {
        category: 'condition',
        concept,
        assertion: 'family',
        subject: { who: 'family', ...(relation ? { relation } : {}) },
        ...(r.date ? { time: { start: r.date } } : {}),
        status: r.status,
        ...(Object.keys(qualifiers).length ? { qualifiers } : {}),
      }),
    ];
  });
}

/** Procedure: done → present, `not-done` → absent, in error → nothing. */
export function mapProcedure(r: Procedure & AnyResource, ctx: MapContext): Fact[] {
  const concept = conceptOf(r.code);
  if (!concept || r.status === 'entered-in-error') return [];
  const time = choiceTime(r as Record<string, unknown>, 'performed');
  const laterality = lateralityOf(r.bodySite?.map((b) => b.text ?? b.coding?.[0]?.display ?? '').join(' '));
  return [
    codedFact(r, ctx, 'Procedure.code', {
      category: 'procedure',
      concept,
      assertion: r.status === 'not-done' ? 'absent' : r.status === 'preparation' ? 'hypothetical' : 'present',
      ...(time ? { time } : {}),
      status: r.status,
      ...(laterality ? { laterality } : {}),
    }),
  ];
}

/** Immunization: a vaccine given (an intervention); `not-done` → absent. */
export function mapImmunization(r: Immunization & AnyResource, ctx: MapContext): Fact[] {
  const concept = conceptOf(r.vaccineCode);
  if (!concept || r.status === 'entered-in-error') return [];
  const time = choiceTime(r as Record<string, unknown>, 'occurrence') ?? timeOf(r.recorded);
  return [
    codedFact(r, ctx, 'Immunization.vaccineCode', {
      category: 'medication',
      concept,
      assertion: r.status === 'not-done' ? 'absent' : 'present',
      ...(time ? { time } : {}),
      status: r.status,
      qualifiers: { kind: 'immunization' },
      ...(r.doseQuantity && typeof r.doseQuantity.value === 'number'
        ? { dosage: { dose: { value: r.doseQuantity.value, unit: r.doseQuantity.code ?? r.doseQuantity.unit ?? '1' } } }
        : {}),
    }),
  ];
}
