import { beforeAll, expect, it } from 'vitest';
import { forEachBackendWithDemoRelease } from '../../../test/support/backends.js';
import { loadConfig } from '../../core/index.js';
import { createApp } from '../app.js';
import { type AppContext, openContext } from '../context.js';
import { createLogger } from '../logger.js';

const PNEUMONIA = '93f0e6d2-da20-4eec-8eb3-410de4fe430a'; // 张建国: penicillin allergy
const WARFARIN = '318d8f7d-f21b-4d07-8a2e-6f24ae05bb26'; // 李秀英: heart failure, warfarin

// biome-ignore lint/suspicious/noExplicitAny: API answers are read loosely in assertions
type Json = Record<string, any>;

// The sign-off policy of the discharge summary, enforced by the server, on the shipped demo patients.
forEachBackendWithDemoRelease('discharge-summary sign-off', (db) => {
  let ctx: AppContext;
  let app: ReturnType<typeof createApp>;
  let key: string;
  let principal: string;
  beforeAll(async () => {
    ctx = await openContext(loadConfig({}, { apiKeys: ['signoff-test-key-0123'], demo: true, logLevel: 'warn' }), {
      db: db(),
      llm: false,
      logger: createLogger('warn', { write: () => {} }),
    });
    app = createApp(ctx);
    // A named key: its name is the clinician who signs (医师签名).
    const created = await ctx.apiKeys.create('王医生', { role: 'clinician', allPatients: true });
    key = created.key;
    principal = `key:${created.info.id}`;
  }, 240_000);

  const call = async (path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await app.request(`/api/patients${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        Authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const compose = async (id: string) => {
    const r = await call(`/${id}/summary`, { lang: 'zh' });
    expect(r.status).toBe(200);
    return r.body as {
      draftId: string;
      draft: { patientId: string; encounterId: string; lang: string };
      document: { text: string; encounterId: string };
      policy: Json;
    };
  };
  /** The summary's text with one more drug on its discharge list (出院带药). */
  const withDischargeDrug = (text: string, drug: string) => {
    const out = text.replace('出院带药：', `出院带药：${drug}；`);
    expect(out, 'the composed summary lists discharge drugs').not.toBe(text);
    return out;
  };
  const auditRows = async (action: string, patient: string) =>
    (
      await ctx.db.query<{ principal: string; outcome: number; resource: string }>(
        'select principal, outcome, resource from medseek_audit where action = $1 and patient_id = $2 order by id',
        [action, patient],
      )
    ).rows;

  it('hands out a draft bound to the patient, encounter and language, kept on the server', async () => {
    const a = await compose(PNEUMONIA);
    expect(a.draft).toMatchObject({ patientId: PNEUMONIA, encounterId: a.document.encounterId, lang: 'zh' });
    const row = await ctx.db.query<{ patient_id: string; encounter_id: string; created_by: string }>(
      'select patient_id, encounter_id, created_by from medseek_summary_drafts where id = $1',
      [a.draftId],
    );
    expect(row.rows[0]).toMatchObject({
      patient_id: PNEUMONIA,
      encounter_id: a.document.encounterId,
      created_by: principal,
    });
    expect(a.policy).toMatchObject({ blocked: false, blocks: [] });
  });

  it("refuses another patient's or another encounter's draft, saying so in the caller's language", async () => {
    const a = await compose(PNEUMONIA);
    const b = await compose(WARFARIN);
    // Patient A's draft posted to patient B's route.
    const cross = await call(`/${WARFARIN}/summary/sign`, {
      draftId: a.draftId,
      text: a.document.text,
      lang: 'zh',
      encounterId: b.document.encounterId,
    });
    expect(cross.status).toBe(409);
    expect(cross.body).toMatchObject({ signed: false, code: 'draft-patient-mismatch' });
    expect(cross.body.reason).toMatch(/另一位患者/);
    const english = await call(
      `/${WARFARIN}/summary/sign`,
      { draftId: a.draftId, text: a.document.text, encounterId: b.document.encounterId },
      { 'Accept-Language': 'en-GB,en;q=0.9,zh;q=0.5' },
    );
    expect(english.status).toBe(409);
    expect(english.body.reason).toMatch(/another patient/);
    expect(english.body.issue[0].diagnostics).toBe(english.body.reason);
    // Nor can it be re-verified there (the workspace re-verifies with the draft).
    const verify = await call(`/${WARFARIN}/verify`, {
      draftId: a.draftId,
      text: a.document.text,
      encounterId: b.document.encounterId,
    });
    expect(verify.status).toBe(409);
    // The right patient but another encounter.
    const otherStay = await call(`/${PNEUMONIA}/summary/sign`, {
      draftId: a.draftId,
      text: a.document.text,
      lang: 'zh',
      encounterId: b.document.encounterId,
    });
    expect(otherStay.status).toBe(409);
    expect(otherStay.body.code).toBe('draft-encounter-mismatch');
    expect(otherStay.body.reason).toContain(b.document.encounterId);
    // Sign-off needs a draft at all.
    const none = await call(`/${PNEUMONIA}/summary/sign`, {
      text: a.document.text,
      lang: 'zh',
      encounterId: a.document.encounterId,
    });
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.body)).toMatch(/draftId/);
    // A draft the server never handed out.
    const unknown = await call(`/${PNEUMONIA}/summary/sign`, {
      draftId: 'no-such-draft',
      text: a.document.text,
      encounterId: a.document.encounterId,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('draft-unknown');
    expect((await auditRows('sign', PNEUMONIA)).some((r) => r.outcome === 404 && r.principal === principal)).toBe(true);
    // Refusals are audited with the principal.
    const refused = (await auditRows('sign', WARFARIN)).filter((r) => r.outcome === 409);
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(refused.every((r) => r.principal === principal)).toBe(true);
  });

  it('refuses to sign while a claim is contradicted (a tenfold dose), whatever the browser believes', async () => {
    const a = await compose(PNEUMONIA);
    const wrong = a.document.text.replace('30 mg 口服 每日3次', '300 mg 口服 每日3次');
    expect(wrong).not.toBe(a.document.text);
    const r = await call(`/${PNEUMONIA}/summary/sign`, {
      draftId: a.draftId,
      text: wrong,
      lang: 'zh',
      encounterId: a.document.encounterId,
      report: { blocked: false, claims: [] },
    });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('blocked');
    expect(r.body.policy.blocks.some((b: Json) => b.kind === 'contradicted' && /300 mg/.test(b.text))).toBe(true);
    expect(r.body.reason).toMatch(/不能签名/);
  });

  it('refuses amoxicillin at discharge for the penicillin-allergic patient, with the allergy rule and its evidence', async () => {
    const a = await compose(PNEUMONIA);
    const text = withDischargeDrug(a.document.text, '阿莫西林 0.5 g 口服 每日3次');
    const r = await call(`/${PNEUMONIA}/summary/sign`, {
      draftId: a.draftId,
      text,
      lang: 'zh',
      encounterId: a.document.encounterId,
    });
    expect(r.status).toBe(409);
    const allergy = (r.body.policy.alerts as Json[]).find((x) => x.group === 'allergy');
    expect(allergy, 'an allergy rule fires on the discharge drug').toBeDefined();
    expect(allergy!.blocking).toBe(true);
    expect(allergy!.conclusion.statement.zh).toMatch(/阿莫西林/);
    // The allergy itself is evidence, pointing at the record.
    expect(
      (allergy!.conclusion.evidence as Json[]).some(
        (e) => /青霉素|penicillin/i.test(`${e.statement.zh} ${e.statement.en}`) && e.sources.length > 0,
      ),
    ).toBe(true);
    const claim = (r.body.report.claims as Json[]).find((c) => allergy!.claimIds.includes(c.id));
    expect(claim?.text).toMatch(/阿莫西林/);
    expect(r.body.policy.blocks.some((b: Json) => b.kind === 'safety' && b.ruleId === allergy!.ruleId)).toBe(true);
  });

  it('refuses an NSAID at discharge for the heart-failure patient on warfarin (CI01 Beers, DDI16)', async () => {
    const b = await compose(WARFARIN);
    const text = withDischargeDrug(b.document.text, '布洛芬缓释胶囊 0.3 g 口服 每日2次');
    const r = await call(`/${WARFARIN}/summary/sign`, {
      draftId: b.draftId,
      text,
      lang: 'zh',
      encounterId: b.document.encounterId,
    });
    expect(r.status).toBe(409);
    const fired = (r.body.policy.alerts as Json[]).filter((x) => x.blocking).map((x) => x.ruleId);
    expect(fired).toEqual(expect.arrayContaining(['CI01', 'DDI16']));
    expect(r.body.policy.blocks.filter((x: Json) => x.kind === 'safety').map((x: Json) => x.ruleId)).toEqual(
      expect.arrayContaining(['CI01', 'DDI16']),
    );
  });

  it('needs an explicit, reasoned acceptance of an unsupported diagnosis; stores and audits it; then signs clean text', async () => {
    const a = await compose(PNEUMONIA);
    const text = a.document.text.replace('## 出院情况\n', '## 出院情况\n考虑慢性阻塞性肺疾病可能。 ');
    expect(text).not.toBe(a.document.text);
    const bound = { draftId: a.draftId, lang: 'zh', encounterId: a.document.encounterId };
    const verified = await call(`/${PNEUMONIA}/verify`, { ...bound, text });
    expect(verified.status).toBe(200);
    const copd = (verified.body.claims as Json[]).find((c) => c.text.includes('慢性阻塞性肺疾病'))!;
    expect(copd.verdict, 'the record neither confirms nor denies COPD').toBe('unsupported');
    expect(verified.body.policy.needsAcceptance).toContain(copd.id);

    const refused = await call(`/${PNEUMONIA}/summary/sign`, { ...bound, text });
    expect(refused.status).toBe(409);
    expect(refused.body.policy.blocks).toEqual([expect.objectContaining({ kind: 'unaccepted', claimId: copd.id })]);

    // A reason is required; a supported claim needs no acceptance and cannot be given one.
    const noReason = await call(`/${PNEUMONIA}/summary/accept`, { ...bound, text, claimId: copd.id, reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body)).toMatch(/reason/);
    const supported = (verified.body.claims as Json[]).find((c) => c.verdict === 'supported')!;
    const notNeeded = await call(`/${PNEUMONIA}/summary/accept`, {
      ...bound,
      text,
      claimId: supported.id,
      reason: '同意',
    });
    expect(notNeeded.status).toBe(422);

    const accepted = await call(`/${PNEUMONIA}/summary/accept`, {
      ...bound,
      text,
      claimId: copd.id,
      reason: '胸片示肺气肿，待门诊肺功能确认',
    });
    expect(accepted.status).toBe(201);
    expect(accepted.body.policy.blocked).toBe(false);
    const stored = await ctx.db.query<Json>('select * from medseek_claim_acceptances where draft_id = $1', [a.draftId]);
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0]).toMatchObject({
      patient_id: PNEUMONIA,
      claim_id: copd.id,
      principal,
      principal_name: '王医生',
      reason: '胸片示肺气肿，待门诊肺功能确认',
    });
    expect(stored.rows[0]!.claim_text).toContain('慢性阻塞性肺疾病');
    expect(
      (await auditRows('accept-claim', PNEUMONIA)).some(
        (r) => r.outcome === 201 && r.principal === principal && r.resource.includes(copd.id),
      ),
    ).toBe(true);

    // An edit elsewhere moves the claim's offsets, not its acceptance.
    const edited = text.replace('## 出院情况\n', '## 出院情况\n患者一般情况可。 ');
    const signed = await call(`/${PNEUMONIA}/summary/sign`, { ...bound, text: edited });
    expect(signed.status, JSON.stringify(signed.body.policy?.blocks)).toBe(200);
    const ref = signed.body.documentReference as string;
    const doc = (await ctx.resources.read('DocumentReference', ref.split('/')[1]!))!.resource as Json;
    expect(doc).toMatchObject({
      docStatus: 'final',
      subject: { reference: `Patient/${PNEUMONIA}` },
      context: { encounter: [{ reference: `Encounter/${a.document.encounterId}` }] },
    });
    const attachment = doc.content[0].attachment;
    expect(attachment.contentType).toMatch(/^text\/plain/);
    const body = Buffer.from(attachment.data, 'base64').toString('utf8');
    expect(body).not.toContain('##');
    expect(body).not.toContain('[F');
    expect(body).toContain('慢性阻塞性肺疾病');
    expect(body).toMatch(/医师签名[:：]\s*王医生/);
    const composition = (await ctx.resources.read('Composition', (signed.body.composition as string).split('/')[1]!))!
      .resource as Json;
    expect(composition).toMatchObject({ status: 'final', subject: { reference: `Patient/${PNEUMONIA}` } });
    expect((composition.section as Json[]).some((s) => (s.entry ?? []).length > 0)).toBe(true);
    expect(
      (await auditRows('sign', PNEUMONIA)).some(
        (r) => r.outcome === 200 && r.resource === ref && r.principal === principal,
      ),
    ).toBe(true);

    // A draft is signed once.
    const again = await call(`/${PNEUMONIA}/summary/sign`, { ...bound, text: edited });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('draft-signed');
  });
});
