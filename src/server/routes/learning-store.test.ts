import { beforeAll, expect, it } from 'vitest';
import { forEachBackendWithDemoRelease } from '../../../test/support/backends.js';
import { type Fact, loadConfig, seededRandom } from '../../core/index.js';
import { ConfirmedCaseStore } from '../../learning/index.js';
import { activeReleaseNetwork, type Network, releaseNetworks } from '../../reasoning/index.js';
import { createApp } from '../app.js';
import { type AppContext, openContext } from '../context.js';
import { createLogger } from '../logger.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field in assertions
type Json = Record<string, any>;
const KEY = 'learning-store-test-key-0123456789';
const PNEUMONIA = '93f0e6d2-da20-4eec-8eb3-410de4fe430a';
const WARFARIN = '318d8f7d-f21b-4d07-8a2e-6f24ae05bb26';

/** Cases drawn from the network's own edges (each edge's finding present with its probability, else absent). */
function drawnCases(net: Network, n: number, seed: number) {
  const r = seededRandom(seed);
  const edgesOf = new Map<string, { to: string; p: number }[]>();
  for (const e of net.model.edges)
    if (e.kind === 'causes' && net.findingIndex.has(e.to))
      edgesOf.set(e.from, [...(edgesOf.get(e.from) ?? []), { to: e.to, p: e.probability ?? 0.5 }]);
  const diseases = [...edgesOf.keys()].filter((d) => edgesOf.get(d)!.length >= 3);
  return Array.from({ length: n }, (_, i) => {
    const d = diseases[i % diseases.length]!;
    const findings = edgesOf.get(d)!.map((e) => ({ id: e.to, present: r() < e.p }));
    return {
      id: `drawn-${seed}-${i}`,
      diagnosis: d,
      input: { findings: [{ ...findings[0]!, present: true }, ...findings.slice(1)] },
    };
  });
}

// Issue 17: feedback and outcomes the hospital stores become confirmed cases and curation candidates, fitted and
// curated from the learning admin routes; alerts keep the value that triggered them.
forEachBackendWithDemoRelease('learning from stored feedback', (db) => {
  let ctx: AppContext;
  let app: ReturnType<typeof createApp>;
  let admin = '';
  let net: Network;
  let release = 0;
  beforeAll(async () => {
    ctx = await openContext(loadConfig({}, { apiKeys: [KEY], demo: true, logLevel: 'warn' }), {
      db: db(),
      llm: false,
      logger: createLogger('warn', { write: () => {} }),
    });
    app = createApp(ctx);
    admin = (await ctx.apiKeys.create('root', { role: 'admin' })).key;
    ({ net, release } = await activeReleaseNetwork(ctx.db, releaseNetworks(ctx.db)));
  }, 240_000);

  const call = async (method: string, path: string, body?: unknown, key = KEY) => {
    const res = await app.request(path, {
      method,
      headers: {
        Authorization: `Bearer ${key}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as Json };
  };
  const feedback = (patient: string, body: unknown) => call('POST', `/api/patients/${patient}/feedback`, body);

  it('an accepted differential row becomes a confirmed case with the record’s findings; a rejected one does not', async () => {
    const dx = await call('GET', `/api/patients/${PNEUMONIA}/differential`);
    const [top, second] = dx.json.conclusions;
    const accepted = await feedback(PNEUMONIA, {
      targetKind: 'diagnosis',
      targetId: top.id,
      verdict: 'accept',
      context: { department: 'respiratory' },
    });
    expect(accepted.status).toBe(201);
    expect(accepted.json.learned.confirmedCase).toMatch(/^accepted-differential:/);
    const rejected = await feedback(PNEUMONIA, {
      targetKind: 'diagnosis',
      targetId: second.id,
      verdict: 'reject',
      reason: 'ruled out',
    });
    expect(rejected.json.learned).toEqual({});
    const [stored] = await new ConfirmedCaseStore(ctx.db).cases(net.model.id);
    expect(stored).toMatchObject({ source: 'accepted-differential', department: 'respiratory' });
    expect(stored!.input.findings.map((f) => f.id)).toEqual(
      expect.arrayContaining(dx.json.matches.map((m: Json) => m.target).filter((t: string) => net.findingIndex.has(t))),
    );
    const counts = await call('GET', '/api/admin/learning/confirmed-cases', undefined, admin);
    expect(counts.json.counts).toEqual([
      expect.objectContaining({ networkId: net.model.id, source: 'accepted-differential', cases: 1 }),
    ]);
    const clinician = (await ctx.apiKeys.create('ward', { role: 'clinician', allPatients: true })).key;
    expect((await call('GET', '/api/admin/learning/confirmed-cases', undefined, clinician)).status).toBe(403);
  });

  it('a pre-consultation is matched to the one diagnosis its visit recorded', async () => {
    const disease = net.diseases.find((d) => d.coding && net.model.edges.filter((e) => e.from === d.id).length >= 2)!;
    const findings = net.model.edges
      .filter((e) => e.from === disease.id && net.findingIndex.has(e.to))
      .map((e) => e.to);
    await ctx.db.query(`insert into server_patient_link_key (id, secret) values ('k1', 'secret')`);
    await ctx.db.query(
      `insert into reasoning_consult_session (id, kb, lang, status, state) values ('s1', $1, 'zh', 'complete', $2)`,
      [
        `release:${release}`,
        JSON.stringify({
          id: 's1',
          kb: `release:${release}`,
          patient: { age: 60, sex: 'female' },
          present: findings.slice(0, 2),
          absent: findings.slice(2, 3),
        }),
      ],
    );
    await ctx.db.query(
      `insert into server_patient_link (id, key_id, patient_id, appointment_id, created_by, expires_at, consult_session)
       values ('l1', 'k1', $1, 'appt-1', 'dr.li', now() + interval '1 day', 's1')`,
      [WARFARIN],
    );
    const subject = { reference: `Patient/${WARFARIN}` };
    await ctx.resources.putMany([
      {
        resourceType: 'Encounter',
        id: 'visit-1',
        status: 'finished',
        class: { code: 'AMB' },
        subject,
        appointment: [{ reference: 'Appointment/appt-1' }],
      },
      {
        resourceType: 'Condition',
        id: 'visit-1-dx',
        subject,
        encounter: { reference: 'Encounter/visit-1' },
        clinicalStatus: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
        },
        verificationStatus: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }],
        },
        code: { coding: [disease.coding!], text: disease.name.zh ?? disease.name.en },
      },
    ] as never);
    const matched = await call('POST', '/api/admin/learning/confirmed-cases/match', undefined, admin);
    expect(matched.json).toEqual({ sessions: 1, matched: 1, stored: 1, ambiguous: 0 });
    expect((await call('POST', '/api/admin/learning/confirmed-cases/match', undefined, admin)).json.stored).toBe(0);
    const stored = (await new ConfirmedCaseStore(ctx.db).cases(net.model.id)).find(
      (c) => c.source === 'pre-consultation',
    );
    expect(stored).toMatchObject({ diagnosis: disease.id, input: { age: 60, sex: 'female' } });
    expect(stored!.input.findings).toEqual([
      { id: findings[0] },
      { id: findings[1] },
      { id: findings[2], present: false },
    ]);
  });

  it('fits from the stored cases, evaluated on those held back; activation only after a passed evaluation', async () => {
    const store = new ConfirmedCaseStore(ctx.db);
    for (const c of drawnCases(net, 300, 5))
      await store.record({
        networkId: net.model.id,
        source: 'accepted-differential',
        sourceRef: c.id,
        diagnosis: c.diagnosis,
        input: c.input,
        confirmedBy: 'dr.li',
      });
    expect((await call('POST', '/api/admin/learning/fit', { what: 'both', heldBackShare: 2 }, admin)).status).toBe(400);
    const fit = await call('POST', '/api/admin/learning/fit', { what: 'both' }, admin);
    expect(fit.status).toBe(201);
    const { calibration, release: learned } = fit.json;
    expect(fit.json.fitted + fit.json.heldBack + fit.json.setAside).toBe(302);
    expect(calibration).toMatchObject({ modelRelease: String(release), data: { cases: fit.json.fitted } });
    expect(calibration.data.caseKeys).toBeUndefined();
    expect(learned.stats).toBeUndefined();
    expect(learned.evaluation.heldBack.cases).toBe(fit.json.heldBack);
    const listed = await call('GET', '/api/admin/learning/releases', undefined, admin);
    expect(listed.json.releases.map((r: Json) => r.id)).toEqual([learned.id]);
    const activate = await call(
      'POST',
      `/api/admin/learning/releases/${encodeURIComponent(learned.id)}/activate`,
      undefined,
      admin,
    );
    expect(activate.status).toBe(learned.evaluation.passed ? 200 : 400);
  });

  it('a corrected fact becomes a curation candidate; accepted ones are exported, nothing else changes', async () => {
    const state = await call('GET', `/api/patients/${PNEUMONIA}/state`);
    const fact = (state.json.phenotype as Fact[]).find(
      (f) => f.sources.some((s) => s.kind === 'text' && s.quote) && f.assertion === 'present',
    )!;
    const base = { targetKind: 'fact', targetId: fact.id, verdict: 'correct', reason: 'negated', correction: 'absent' };
    expect((await feedback(PNEUMONIA, base)).status).toBe(400);
    const sent = await feedback(PNEUMONIA, {
      ...base,
      context: { assertion: 'absent', cue: '否认', cueDirection: 'forward' },
    });
    expect(sent.status).toBe(201);
    expect(sent.json.learned.candidates).toHaveLength(1);
    const listed = await call('GET', '/api/admin/learning/curation?status=candidate', undefined, admin);
    const [candidate] = listed.json.candidates;
    expect(candidate).toMatchObject({ kind: 'assertion-cue', term: '否认', target: 'absent', corrections: 1 });
    expect(candidate.spans[0].span).toMatch(/^DocumentReference\//);
    const decided = await call(
      'POST',
      `/api/admin/learning/curation/${candidate.id}/decision`,
      { decision: 'accept' },
      admin,
    );
    expect(decided.json).toMatchObject({ status: 'accepted' });
    const out = await call('GET', '/api/admin/learning/curation/export', undefined, admin);
    expect(out.json.contextTsv).toBe('否认\tNEGATED_EXISTENCE\tforward');
    const again = await call('GET', `/api/patients/${PNEUMONIA}/state`);
    expect((again.json.phenotype as Fact[]).find((f) => f.id === fact.id)?.assertion).toBe('present');
  });

  it('a mention the fused record merged away is still curated, with the concept named in both languages', async () => {
    const kept = new Set(
      ((await call('GET', `/api/patients/${PNEUMONIA}/state`)).json.phenotype as Fact[]).map((f) => f.id),
    );
    const notes = await call('GET', `/api/patients/${PNEUMONIA}/notes`);
    const mention = (notes.json.notes as { facts?: Fact[] }[])
      .flatMap((n) => n.facts ?? [])
      .find((f) => !kept.has(f.id) && f.sources.some((s) => s.kind === 'text' && s.quote));
    expect(mention).toBeDefined();
    const concept = { system: 'http://snomed.info/sct', code: '386661006', display: 'Fever', displayZh: '发热' };
    const sent = await feedback(PNEUMONIA, {
      targetKind: 'fact',
      targetId: mention!.id,
      verdict: 'correct',
      reason: 'wrong concept',
      correction: '发热',
      context: { concept },
    });
    expect(sent.status).toBe(201);
    expect(sent.json.learned.candidates).toHaveLength(1);
    const listed = await call('GET', '/api/admin/learning/curation?status=candidate', undefined, admin);
    const found = (listed.json.candidates as { kind: string; target: unknown }[]).find(
      (c) => c.kind === 'lexicon' && (c.target as { code?: string }).code === '386661006',
    );
    expect(found?.target).toEqual(concept);
  });

  it('an alert decision keeps the value that triggered the alert', async () => {
    const at = new Date(Date.now() - 3_600_000).toISOString();
    await ctx.resources.put({
      resourceType: 'Observation',
      id: 'k-high',
      status: 'final',
      subject: { reference: `Patient/${WARFARIN}` },
      code: { coding: [{ system: 'http://loinc.org', code: '2823-3', display: 'Potassium' }] },
      effectiveDateTime: at,
      valueQuantity: { value: 6.5, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
    } as never);
    const alerts = await call('GET', `/api/patients/${WARFARIN}/alerts?scope=now`);
    const k = (alerts.json.alerts as Json[]).find((a) => a.ruleId === 'CV-K')!;
    const decided = await call('POST', `/api/patients/${WARFARIN}/alerts/${k.id}/decision`, {
      decision: 'override',
      reason: k.overrideReasons[0].code,
      scope: 'now',
    });
    expect(decided.status).toBe(201);
    const { rows } = await ctx.db.query<Json>('select * from learning_alert_context where card_uuid = $1', [k.id]);
    expect(rows[0]).toMatchObject({
      trigger_param: 'thresholds.adult.high',
      trigger_unit: 'mmol/L',
      trigger_direction: 'above',
    });
    expect(Number(rows[0]!.trigger_value)).toBe(6.5);
  });
});
