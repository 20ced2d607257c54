import { beforeAll, describe, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import type { Concept, ErrorType } from '../../core/index.js';
import { stateFromBundle } from '../../fusion/index.js';
import { activateRelease, curate, importKnowledge, KnowledgeGraph } from '../../knowledge/index.js';
import { activeSafetyRules, safetyRulesFromData } from '../../reasoning/index.js';
import type { FaithfulnessReport, VerifiedClaim } from '../../verify/index.js';
import { type ClaimAcceptance, claimKey } from './drafts.js';
import { messageLang, refusalMessage } from './messages.js';
import { dischargeDrugAlerts, distinctDrugs, needsAcceptance, signoffPolicy } from './policy.js';

// A hand-written record: sulfonamide allergy, heart failure, warfarin during the stay.
const record = {
  resourceType: 'Bundle',
  type: 'collection',
  entry: [
    { resource: { resourceType: 'Patient', id: 'p1', gender: 'female', birthDate: '1950-04-02' } },
    {
      resource: {
        resourceType: 'AllergyIntolerance',
        id: 'a1',
        patient: { reference: 'Patient/p1' },
        clinicalStatus: { coding: [{ code: 'active' }] },
        category: ['medication'],
        code: { text: 'Sulfonamide antibiotics (sulfa drugs)' },
      },
    },
    {
      resource: {
        resourceType: 'Condition',
        id: 'c1',
        subject: { reference: 'Patient/p1' },
        clinicalStatus: { coding: [{ code: 'active' }] },
        code: {
          coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'I50.9', display: 'Heart failure, unspecified' }],
        },
      },
    },
    {
      resource: {
        resourceType: 'MedicationRequest',
        id: 'm1',
        status: 'active',
        intent: 'order',
        subject: { reference: 'Patient/p1' },
        authoredOn: '2024-03-01',
        medicationCodeableConcept: { text: 'Warfarin 3 MG Oral Tablet' },
      },
    },
  ],
};
const state = stateFromBundle(record, [], { at: '2024-03-05T10:00:00Z' });
const book = safetyRulesFromData();

const rx = (code: string, display: string): Concept => ({
  system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  code,
  display,
});
const claim = (
  id: string,
  text: string,
  start: number,
  verdict: VerifiedClaim['verdict'],
  facts = 1,
  errorType?: ErrorType,
): VerifiedClaim => ({
  id,
  text,
  start,
  end: start + text.length,
  citations: [],
  verdict,
  reason: verdict === 'supported' ? 'in the record' : 'not in the record',
  evidence: [],
  ...(errorType ? { errorType } : {}),
  facts: Array.from({ length: facts }, (_, i) => ({ factId: `${id}-${i}`, concept: 'x', verdict, reason: '' })),
});
const report = (
  claims: VerifiedClaim[],
  dischargeMedications: FaithfulnessReport['dischargeMedications'] = [],
): FaithfulnessReport => ({
  lang: 'en',
  claims,
  omissions: [],
  counts: {
    claims: claims.length,
    supported: claims.filter((c) => c.verdict === 'supported').length,
    contradicted: claims.filter((c) => c.verdict === 'contradicted').length,
    unsupported: claims.filter((c) => c.verdict === 'unsupported').length,
    omissions: 0,
  },
  blocked: claims.some((c) => c.verdict === 'contradicted'),
  dischargeMedications,
});

describe('discharge drugs against the safety rules', () => {
  it('blocks trimethoprim-sulfamethoxazole at discharge for a sulfonamide allergy, with the allergy as evidence', () => {
    const r = report(
      [claim('k1', 'Discharge medications: trimethoprim-sulfamethoxazole 800/160 mg oral BID.', 0, 'supported')],
      [{ claimId: 'k1', concept: rx('10831', 'Sulfamethoxazole / Trimethoprim') }],
    );
    const alerts = dischargeDrugAlerts(state, r, { book, documentKey: 'summary-draft/d1' });
    const allergy = alerts.find((a) => a.group === 'allergy');
    expect(allergy).toMatchObject({ blocking: true, claimIds: ['k1'] });
    expect(
      allergy!.conclusion.evidence.some(
        (e) => /sulfonamide/i.test(e.statement.en) && e.sources.some((s) => s.kind === 'resource' && s.id === 'a1'),
      ),
    ).toBe(true);
    expect(signoffPolicy({ report: r, alerts, acceptances: [], lang: 'en' }).blocks).toEqual([
      expect.objectContaining({ kind: 'safety', ruleId: allergy!.ruleId }),
    ]);
  });

  it('judges the list that goes home: a drug given only in hospital raises no interaction with it, the same drug on the list does', () => {
    const ibuprofen = { claimId: 'k1', concept: rx('5640', 'Ibuprofen') };
    const alone = dischargeDrugAlerts(
      state,
      report([claim('k1', 'Ibuprofen 400 mg oral TID.', 0, 'supported')], [ibuprofen]),
      { book, documentKey: 'd' },
    );
    expect(alone.map((a) => a.ruleId)).not.toContain('DDI16');
    // Heart failure is in the record whatever the list says: NSAID in heart failure (AGS Beers 2023, Table 3).
    expect(alone.map((a) => a.ruleId)).toContain('CI01');
    const both = dischargeDrugAlerts(
      state,
      report(
        [
          claim('k1', 'Ibuprofen 400 mg oral TID.', 0, 'supported'),
          claim('k2', 'Warfarin 3 mg oral daily.', 30, 'supported'),
        ],
        [ibuprofen, { claimId: 'k2', concept: rx('11289', 'Warfarin') }],
      ),
      { book, documentKey: 'd' },
    );
    const ddi = both.find((a) => a.ruleId === 'DDI16');
    expect(ddi?.blocking).toBe(true);
    expect([...(ddi?.claimIds ?? [])].sort()).toEqual(['k1', 'k2']);
  });

  it('counts a drug named again in the changes line once, and two dosed products of one ingredient twice', () => {
    const dose = { dose: { value: 20, unit: 'mg' }, route: 'PO' };
    const omeprazole = { ...rx('7646', 'Omeprazole'), displayZh: '奥美拉唑' };
    const capsule: Concept = {
      system: 'urn:medseek:drug',
      code: 'omeprazole-capsule',
      display: 'Omeprazole enteric capsule',
      displayZh: '奥美拉唑肠溶胶囊',
    };
    const once = distinctDrugs([
      { claimId: 'list', concept: capsule, dosage: dose },
      { claimId: 'new', concept: omeprazole },
    ]);
    expect(once).toEqual([{ concept: capsule, dosage: dose, claimIds: ['list', 'new'] }]);
    const r = report(
      [
        claim('list', '出院带药：奥美拉唑肠溶胶囊20 mg 口服 每日1次。', 0, 'supported'),
        claim('new', '新加用：奥美拉唑。', 40, 'supported'),
      ],
      [
        { claimId: 'list', concept: capsule, dosage: dose },
        { claimId: 'new', concept: omeprazole },
      ],
    );
    expect(dischargeDrugAlerts(state, r, { book, documentKey: 'd' }).map((a) => a.group)).not.toContain('duplicate');
    expect(
      distinctDrugs([
        { claimId: 'a', concept: capsule, dosage: dose },
        { claimId: 'b', concept: omeprazole, dosage: dose },
      ]),
    ).toHaveLength(2);
  });

  it('finds nothing to run when the text lists no discharge drug', () => {
    expect(
      dischargeDrugAlerts(state, report([claim('k1', 'Admitted for pneumonia.', 0, 'supported')]), {
        book,
        documentKey: 'd',
      }),
    ).toEqual([]);
  });
});

describe('acceptance of unsupported statements', () => {
  it('asks for acceptance of unsupported clinical statements only', () => {
    expect(needsAcceptance(claim('a', 'Possible COPD.', 0, 'unsupported'))).toBe(true);
    expect(needsAcceptance(claim('b', 'Smoking history of 30 years.', 0, 'unsupported', 0, 'E15'))).toBe(true);
    // A list number or a bare date states nothing a clinician could vouch for.
    expect(needsAcceptance(claim('c', '2.', 0, 'unsupported', 0, 'E15'))).toBe(false);
    expect(needsAcceptance(claim('d', '2024-01-03 [F2].', 0, 'unsupported', 0, 'E15'))).toBe(false);
    expect(needsAcceptance(claim('e', 'Amoxicillin 500 mg.', 0, 'contradicted'))).toBe(false);
    expect(needsAcceptance(claim('f', 'Pneumonia.', 0, 'supported'))).toBe(false);
  });

  it('keeps an acceptance for the same statement after edits elsewhere move it, not for another statement', () => {
    const accepted: ClaimAcceptance = {
      id: '1',
      draftId: 'd',
      patientId: 'p1',
      claimId: 'old-id',
      claimText: 'Possible COPD [F3].',
      verdictReason: 'not in the record',
      reason: 'emphysema on the X-ray',
      principal: 'key:1',
      principalName: 'Dr Wang',
      acceptedAt: '2024-03-05T10:00:00.000Z',
    };
    const moved = report([
      claim('new-id', 'Possible  COPD [F3]', 40, 'unsupported'),
      claim('other', 'Possible asthma.', 80, 'unsupported'),
    ]);
    const p = signoffPolicy({ report: moved, alerts: [], acceptances: [accepted], lang: 'en' });
    expect(p.acceptances.map((a) => a.currentClaimId)).toEqual(['new-id']);
    expect(p.blocks).toEqual([expect.objectContaining({ kind: 'unaccepted', claimId: 'other' })]);
    expect(p.reason).toBe('Sign-off is blocked: 1 unsupported statement(s) not accepted.');
    expect(signoffPolicy({ report: moved, alerts: [], acceptances: [accepted], lang: 'zh' }).reason).toBe(
      '不能签名：1 处无据陈述未经医师确认。',
    );
  });

  it('compares statements without their citation markers, spacing or closing punctuation', () => {
    expect(claimKey(' 考虑慢性阻塞性肺疾病可能[F3, F4]。 ')).toBe('考虑慢性阻塞性肺疾病可能');
    expect(claimKey('Possible\nCOPD [F3].')).toBe('Possible COPD');
  });
});

describe("the caller's language", () => {
  it('follows Accept-Language by q-value, then the request, then Chinese', () => {
    expect(messageLang('en-GB,en;q=0.9,zh;q=0.5')).toBe('en');
    expect(messageLang('fr-FR, zh-CN;q=0.8, en;q=0.7')).toBe('zh');
    expect(messageLang('zh;q=0.1, en;q=0.5')).toBe('en');
    expect(messageLang('de', 'en')).toBe('en');
    expect(messageLang(undefined)).toBe('zh');
  });

  it('words a mismatched draft in both languages, naming what differs', () => {
    expect(
      refusalMessage('draft-encounter-mismatch', 'zh', {
        patientId: 'p1',
        draftEncounter: 'e1',
        requestEncounter: 'e2',
      }),
    ).toMatch(/住院 e1.*e2/);
    expect(refusalMessage('draft-patient-mismatch', 'en', { patientId: 'p2' })).toMatch(/another patient.*p2/);
  });
});

/**
 * The sign-off policy runs the active knowledge release's rules: once a curator retracts the
 * warfarin–NSAID interaction (DDI16), a discharge list with both no longer blocks on it, and
 * re-activating the earlier release blocks again.
 */
forEachBackend('sign-off policy follows the curated knowledge release', (db) => {
  let first: number;
  beforeAll(async () => {
    first = (await importKnowledge(db(), 'cds', undefined, { activate: true })).releaseId;
  });

  const list = report(
    [
      claim('k1', 'Ibuprofen 400 mg oral TID.', 0, 'supported'),
      claim('k2', 'Warfarin 3 mg oral daily.', 30, 'supported'),
    ],
    [
      { claimId: 'k1', concept: rx('5640', 'Ibuprofen') },
      { claimId: 'k2', concept: rx('11289', 'Warfarin') },
    ],
  );
  const safetyBlocks = async () => {
    const alerts = dischargeDrugAlerts(state, list, { book: await activeSafetyRules(db()), documentKey: 'd' });
    return signoffPolicy({ report: list, alerts, acceptances: [], lang: 'en' })
      .blocks.filter((b) => b.kind === 'safety')
      .map((b) => (b.kind === 'safety' ? b.ruleId : ''));
  };

  it('blocks on DDI16 from the release, not once a curator retracts it, and again on the earlier release', async () => {
    expect(await safetyBlocks()).toContain('DDI16');
    const pair = await new KnowledgeGraph(db()).drugPair('warfarin', 'ibuprofen', { release: first });
    const edge = pair.interactions.find((i) => i.attrs.rule === 'DDI16');
    expect(edge).toBeDefined();
    await curate(db(), {
      author: 'dr.li',
      reason: 'test: retract DDI16',
      source: { id: 'pharmacy-2026-07', name: 'Hospital pharmacy committee decision 2026-07' },
      retract: [edge!.id],
    });
    const after = await safetyBlocks();
    expect(after).not.toContain('DDI16');
    // Heart failure still stands against the NSAID (CI01): only the retracted rule went.
    expect(after).toContain('CI01');
    await activateRelease(db(), first);
    expect(await safetyBlocks()).toContain('DDI16');
  });
});
