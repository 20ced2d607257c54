import { Hono } from 'hono';
import type { Context } from 'hono';
import {
  type ComposedDocument,
  composeDischargeSummary,
  encounterDocuments,
  encounterWindow,
  factPhrase,
  toComposition,
  toDocumentReference,
  verifyDischargeText,
} from '../../compose/index.js';
import { allFacts, type Fact, type Lang, newId, notFound, type PatientState } from '../../core/index.js';
import { lexiconSnapshot } from '../../knowledge/index.js';
import {
  type AnyResource,
  buildPatientState,
  extractPatientNotes,
  isCurrentNote,
  loadNoteFacts,
  matchesPatientQuery,
  noteText,
  patientSummary,
} from '../../fusion/index.js';
import { CalibrationReleases, calibrateDifferential, FeedbackStore, parseFeedback } from '../../learning/index.js';
import { releaseLexicon } from '../../nlp/index.js';
import {
  activeQualityRules,
  activeReleaseNetwork,
  activeSafetyRules,
  diagnosePatient,
  differentialView,
  encounterFromResources,
  evaluateQc,
  loadRuleConfiguration,
  releaseNetworks,
} from '../../reasoning/index.js';
import { type FaithfulnessReport, recordFromState, verifyText } from '../../verify/index.js';
import { auditEvents } from '../audit/request.js';
import { releaseAllergyClasses } from '../release-allergy.js';
import type { AppContext } from '../context.js';
import { currentNoteTexts } from './current-notes.js';
import { refusePatient, STAFF } from '../auth/authorize.js';
import type { AppEnv, RoutePolicies } from '../env.js';
import { body, params, query } from '../validate.js';
import { alertDecisionRoutes, alertDecisions } from './alert-decisions.js';
import { evaluateSafety, qualityView } from './alert-views.js';
import { learnFromFeedback } from './learning-feedback.js';
import {
  acceptClaimBody,
  alertsQuery,
  differentialQuery,
  feedbackBody,
  listQuery,
  patientParams,
  signBody,
  stateQuery,
  summaryBody,
  verifyBody,
} from './schemas/patients.js';
import {
  claimKey,
  dischargeDrugAlerts,
  messageLang,
  needsAcceptance,
  type DraftRefusal,
  refusalMessage,
  type SignoffPolicy,
  signoffPolicy,
  type SummaryDraft,
  SummaryDraftStore,
} from '../signoff/index.js';

/**
 * The clinician workspace is staff's: clinicians (their units' patients, checked per patient below)
 * and admins. A patient reaches their own record through FHIR and their consultation, never here
 * (the differential, alerts and drafts are physicians').
 */
export const patientPolicies: RoutePolicies = Object.fromEntries(
  [
    'GET /',
    'GET /:id',
    'GET /:id/state',
    'GET /:id/encounters',
    'GET /:id/notes',
    'GET /:id/differential',
    'GET /:id/alerts',
    'POST /:id/alerts/:alertId/decision',
    'POST /:id/summary',
    'POST /:id/verify',
    'POST /:id/summary/accept',
    'POST /:id/summary/sign',
    'POST /:id/feedback',
    'GET /:id/feedback',
  ].map((r) => [r.replace(' /', ' /api/patients/').replace(/\/$/, ''), STAFF]),
);

/**
 * The clinician workspace's API: patients, their fused state, notes with the facts found in them,
 * encounters, discharge summaries (compose, re-verify, sign off) and feedback. Every read of a
 * patient is audited before the answer leaves.
 */
export function patientRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Verification reads allergies with the active release's allergy classes.
  const allergy = releaseAllergyClasses(ctx.db);
  for (const path of ['/:id/summary', '/:id/summary/*', '/:id/verify']) app.use(path, allergy);
  const feedback = new FeedbackStore(ctx.db);
  const drafts = new SummaryDraftStore(ctx.db);
  const networkOf = releaseNetworks(ctx.db);
  const audit = (
    c: Context<AppEnv>,
    action: string,
    resource: string,
    patients: readonly (string | undefined)[],
    outcome = 200,
  ) => ctx.audit.record(auditEvents(c, { action, resource, outcome, patients }));

  /** The draft, when it belongs to this patient, encounter and language; else the refusal to send. */
  const boundDraft = async (
    c: Context<AppEnv>,
    id: string,
    draftId: string,
    encounterId: string | undefined,
    lang: Lang | undefined,
  ): Promise<{ draft: SummaryDraft; msgLang: Lang } | Response> => {
    const msgLang = messageLang(c.req.header('accept-language'), lang);
    const draft = await drafts.get(draftId);
    if (!draft)
      return refuse(
        c,
        404,
        'draft-unknown',
        msgLang === 'zh'
          ? `没有编号为 ${draftId} 的出院记录草稿，请重新生成。`
          : `no discharge-summary draft ${draftId}: generate the summary again`,
        'draftId',
      );
    const d = {
      patientId: id,
      draftEncounter: draft.encounterId,
      requestEncounter: encounterId,
      draftLang: draft.lang,
      requestLang: lang,
    };
    if (draft.patientId !== id)
      return refuse(c, 409, 'draft-patient-mismatch', refusalMessage('draft-patient-mismatch', msgLang, d), 'draftId');
    if ((draft.encounterId ?? '') !== (encounterId ?? ''))
      return refuse(
        c,
        409,
        'draft-encounter-mismatch',
        refusalMessage('draft-encounter-mismatch', msgLang, d),
        'encounterId',
      );
    if (lang && lang !== draft.lang)
      return refuse(c, 409, 'draft-lang-mismatch', refusalMessage('draft-lang-mismatch', msgLang, d), 'lang');
    return { draft, msgLang };
  };

  /** The sign-off policy of a verified text: safety rules on its discharge drugs, acceptances held for its claims. */
  const policyOf = async (
    state: PatientState,
    report: FaithfulnessReport,
    draft: SummaryDraft,
    msgLang: Lang,
  ): Promise<SignoffPolicy> => {
    const [config, acceptances, book] = await Promise.all([
      loadRuleConfiguration(ctx.db),
      drafts.acceptances(draft.id),
      activeSafetyRules(ctx.db),
    ]);
    const alerts = dischargeDrugAlerts(state, report, { book, config, documentKey: `summary-draft/${draft.id}` });
    return signoffPolicy({ report, alerts, acceptances, lang: msgLang });
  };

  // Every route naming a patient: the caller must be allowed to see that patient (units, own record).
  const scoped = async (c: Context<AppEnv>, next: () => Promise<void>) => {
    const id = c.req.param('id');
    if (id && !(await ctx.patientScope.allows(c.get('principal'), id))) return refusePatient(ctx, c, id);
    await next();
  };
  app.use('/:id', scoped);
  app.use('/:id/*', scoped);

  app.get('/', query(listQuery), async (c) => {
    const q = (c.req.valid('query').q ?? '').trim().toLowerCase();
    const visible = await ctx.patientScope.visible(c.get('principal'));
    // An empty `ids` would mean no filter: a caller who sees no patient gets none.
    const { entries } =
      visible?.size === 0
        ? { entries: [] }
        : await ctx.resources.search('Patient', { count: 1000, ...(visible ? { ids: [...visible] } : {}) });
    const patients = entries
      .filter((e) => !e.deleted)
      .map((e) => patientSummary(e.resource as AnyResource))
      .filter((p) => matchesPatientQuery(p, q));
    await audit(
      c,
      'search',
      `patients${q ? `?q=${q}` : ''}`,
      patients.map((p) => p.id),
    );
    return c.json({ patients });
  });

  app.get('/:id', params(patientParams), async (c) => {
    const { id } = c.req.valid('param');
    const stored = await ctx.resources.read('Patient', id);
    await audit(c, 'read', `Patient/${id}`, [id], stored && !stored.deleted ? 200 : 404);
    if (!stored || stored.deleted) throw notFound(`no Patient/${id}`, { field: 'id' });
    return c.json(patientSummary(stored.resource as AnyResource));
  });

  app.get('/:id/state', params(patientParams), query(stateQuery), async (c) => {
    const { id } = c.req.valid('param');
    const { at, encounter } = c.req.valid('query');
    const state = await stateOf(ctx, id, { at, encounterId: encounter });
    await audit(c, 'read', `Patient/${id}/state`, [id]);
    return c.json(state);
  });

  app.get('/:id/encounters', params(patientParams), async (c) => {
    const { id } = c.req.valid('param');
    const { entries } = await ctx.resources.search('Encounter', { patient: id, count: 1000, sort: '-date' });
    await audit(c, 'search', `Encounter?patient=${id}`, [id]);
    return c.json({ encounters: entries.filter((e) => !e.deleted).map((e) => e.resource) });
  });

  app.get('/:id/notes', params(patientParams), async (c) => {
    const { id } = c.req.valid('param');
    const { entries } = await ctx.resources.search('DocumentReference', { patient: id, count: 1000, sort: '-date' });
    const docs = entries.filter((e) => !e.deleted && isCurrentNote(e.resource as never));
    // Notes not read yet are extracted (once per document version); then each note's stored facts are shown.
    await extractPatientNotes(ctx.db, ctx.resources, id);
    const facts = await loadNoteFacts(
      ctx.db,
      id,
      docs.map((d) => ({ documentId: d.id, versionId: String(d.versionId) })),
    );
    const notes = docs.flatMap((d): NoteView[] => {
      let note: ReturnType<typeof noteText>;
      try {
        note = noteText(d.resource as never);
      } catch (e) {
        // A note that cannot be decoded is listed with the reason, not dropped silently.
        return [
          {
            id: d.id,
            document: `DocumentReference/${d.id}`,
            title: 'Note',
            text: '',
            facts: [],
            error: (e as Error).message,
          },
        ];
      }
      if (!note) return [];
      const own = facts.filter((f) => f.sources.some((s) => s.kind === 'text' && s.document === note.document));
      const r = d.resource as { type?: { text?: string; coding?: { display?: string }[] }; date?: string };
      return [
        {
          id: d.id,
          document: note.document,
          title: r.type?.text ?? r.type?.coding?.[0]?.display ?? 'Note',
          date: note.date ?? r.date,
          lang: note.lang,
          text: note.text,
          facts: own,
        },
      ];
    });
    await audit(c, 'read', `DocumentReference?patient=${id}`, [id]);
    return c.json({ notes });
  });

  // The differential from the active knowledge release: each disease with its explanation, every
  // finding's evidence pointing at the note span or resource it came from.
  app.get('/:id/differential', params(patientParams), query(differentialQuery), async (c) => {
    const { id } = c.req.valid('param');
    const { encounter, top, department } = c.req.valid('query');
    const state = await stateOf(ctx, id, { encounterId: encounter });
    const { release, net, codings } = await activeReleaseNetwork(ctx.db, networkOf);
    // The whole record: imaging and ECG statements are read from the notes' text too.
    const notes = await currentNoteTexts(ctx, id);
    const r = diagnosePatient(net, state, { codings, notes, top: top ?? 10 });
    await audit(c, 'diagnose', `Patient/${id}/differential`, [id]);
    return c.json({
      release,
      // The differential with status (`diagnosed`: already a diagnosis in the record, 已诊断) and codes, and each
      // disease's calibrated probability beside the raw one where a calibration map is active (src/learning).
      ...calibrateDifferential(
        differentialView(net, r, codings).differential,
        await new CalibrationReleases(ctx.db).active(net.model.id),
        String(release),
        department,
      ),
      conclusions: r.conclusions,
      rankingDifferences: r.diagnosis.rankingDifferences,
      observations: r.diagnosis.observations,
      matches: r.case.matches,
    });
  });

  // Drug safety and critical values (alert-views.ts: each with its stable id, suggestions, override
  // reasons and the decision recorded on it), then record QC of the patient's stays.
  app.get('/:id/alerts', params(patientParams), query(alertsQuery), async (c) => {
    const { id } = c.req.valid('param');
    const safety = await evaluateSafety(ctx, id, c.req.valid('query').scope ?? 'stay');
    const { everything, patient, stays, settings, state } = safety;
    const decisions = await alertDecisions(ctx.db, id);
    const alerts = safety.alerts.map((a) => {
      const decision = decisions.get(a.id);
      return decision ? { ...a, decision } : a;
    });
    const qcRules = await activeQualityRules(ctx.db);
    const reports = stays.slice(0, 3).map((encounter) =>
      evaluateQc(
        encounterFromResources({
          encounter,
          patient,
          resources: [...everything],
          reading: qcRules.headings,
        }),
        qcRules,
        { config: settings },
      ),
    );
    await audit(c, 'read', `Patient/${id}/alerts`, [id]);
    return c.json({
      scope: safety.scope,
      at: state.at,
      alerts,
      quality: reports.flatMap((r) => r.issues.map((i) => qualityView(i, qcRules))),
      ...(reports[0] ? { score: reports[0].score, grade: reports[0].grade, encounterId: reports[0].encounterId } : {}),
    });
  });

  // A clinician's decision on an alert (accept a suggestion, override with a reason), stored as CDS feedback.
  app.route('/', alertDecisionRoutes(ctx));

  // Compose a discharge summary and hand it out as a draft bound to this patient, encounter and
  // language (stored server-side with its citations); the sign-off policy comes with it.
  app.post('/:id/summary', params(patientParams), body(summaryBody, { jsonOnly: true }), async (c) => {
    const { id } = c.req.valid('param');
    const { lang = 'zh', encounterId: asked } = c.req.valid('json');
    let { state, documents } = await dischargeRecord(ctx, id, asked);
    let encounterId = asked;
    if (!encounterId) {
      // The stay the composer would choose, and the record as it stood at its end: the draft, its
      // re-verification and the sign-off then all read the same record.
      const stay = stayOf(state);
      if (stay) {
        encounterId = stay;
        ({ state, documents } = await dischargeRecord(ctx, id, encounterId));
      }
    }
    const result = await composeDischargeSummary(state, {
      lang,
      documents,
      ...(encounterId ? { encounterId } : {}),
      ...(ctx.llm ? { llm: ctx.llm } : {}),
    });
    const draft = await drafts.create({
      patientId: id,
      ...((result.document.encounterId ?? encounterId)
        ? { encounterId: result.document.encounterId ?? encounterId }
        : {}),
      lang,
      document: result.document,
      createdBy: c.get('principal').id,
    });
    const policy = await policyOf(state, result.report, draft, messageLang(c.req.header('accept-language'), lang));
    await audit(
      c,
      'compose',
      `Patient/${id}/summary/${draft.id}${draft.encounterId ? `?encounter=${draft.encounterId}` : ''}`,
      [id],
    );
    return c.json({
      ...result,
      draftId: draft.id,
      draft: draftView(draft),
      policy,
      citationSources: citedFacts(state, result.document),
    });
  });

  // Re-verify an edited text. With `draftId` (the workspace): the draft must be this patient's and
  // encounter's, its citations are the server's, and the sign-off policy is returned with the report.
  app.post('/:id/verify', params(patientParams), body(verifyBody, { jsonOnly: true }), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const { text, encounterId, draftId } = body;
    if (!draftId) {
      const state = await stateOf(ctx, id, { encounterId });
      // the text is read with the active release's names, as the record's notes were
      const lexicon = releaseLexicon(await lexiconSnapshot(ctx.db));
      const report = verifyText(text, recordFromState(state), {
        lang: body.lang ?? 'zh',
        citations: body.citations,
        lexicon,
      });
      await audit(c, 'verify', `Patient/${id}/verify`, [id]);
      return c.json(report);
    }
    const bound = await boundDraft(c, id, draftId, encounterId, body.lang);
    if (bound instanceof Response) {
      await audit(c, 'verify', `Patient/${id}/summary/${draftId}`, [id], bound.status);
      return bound;
    }
    const { state, documents } = await dischargeRecord(ctx, id, encounterId);
    const report = verifyDischargeText(state, text, {
      lang: bound.draft.lang,
      documents,
      ...(encounterId ? { encounterId } : {}),
      citations: bound.draft.document.citations,
    });
    const policy = await policyOf(state, report, bound.draft, bound.msgLang);
    await audit(c, 'verify', `Patient/${id}/summary/${draftId}`, [id]);
    return c.json({ ...report, policy });
  });

  // The clinician accepts one unsupported clinical statement with a reason. The server re-verifies
  // the text: only a claim it finds unsupported (not contradicted) can be accepted. Stored and audited.
  app.post('/:id/summary/accept', params(patientParams), body(acceptClaimBody, { jsonOnly: true }), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const { draftId, text, claimId, reason, encounterId } = body;
    const resource = `Patient/${id}/summary/${draftId}/claims/${claimId}`;
    const bound = await boundDraft(c, id, draftId, encounterId, body.lang);
    if (bound instanceof Response) {
      await audit(c, 'accept-claim', resource, [id], bound.status);
      return bound;
    }
    const { draft, msgLang } = bound;
    if (draft.signedAt) {
      await audit(c, 'accept-claim', resource, [id], 409);
      return refuse(
        c,
        409,
        'draft-signed',
        refusalMessage('draft-signed', msgLang, {
          patientId: id,
          signedAt: draft.signedAt,
          documentReference: draft.documentReference,
        }),
        'draftId',
      );
    }
    const { state, documents } = await dischargeRecord(ctx, id, encounterId);
    const report = verifyDischargeText(state, text, {
      lang: draft.lang,
      documents,
      ...(encounterId ? { encounterId } : {}),
      citations: draft.document.citations,
    });
    const claim = report.claims.find((x) => x.id === claimId);
    if (!claim || !needsAcceptance(claim)) {
      const message = !claim
        ? msgLang === 'zh'
          ? `本文中没有编号为 ${claimId} 的陈述（文本已修改？请重新核查后再确认）。`
          : `no claim ${claimId} in this text (was it edited? re-verify, then accept)`
        : claim.verdict === 'contradicted'
          ? msgLang === 'zh'
            ? `“${claimKey(claim.text)}”与病历矛盾，不能确认，只能更正或删除：${claim.reason}`
            : `“${claimKey(claim.text)}” is contradicted by the record: it cannot be accepted, only corrected or removed (${claim.reason})`
          : msgLang === 'zh'
            ? `“${claimKey(claim.text)}”无需确认（${claim.verdict === 'supported' ? '病历有据' : '无可核对的临床事实'}）。`
            : `“${claimKey(claim.text)}” needs no acceptance (${claim.verdict === 'supported' ? 'the record supports it' : 'nothing clinical to check'})`;
      await audit(c, 'accept-claim', resource, [id], 422);
      return refuse(c, 422, claim ? 'not-acceptable' : 'unknown-claim', message, 'claimId', { report });
    }
    const principal = c.get('principal');
    const acceptance = await drafts.accept({
      draftId,
      patientId: id,
      ...(draft.encounterId ? { encounterId: draft.encounterId } : {}),
      claimId: claim.id,
      claimText: claim.text,
      verdictReason: claim.reason,
      reason,
      principal: principal.id,
      principalName: principal.name,
    });
    await audit(c, 'accept-claim', resource, [id], 201);
    const policy = await policyOf(state, report, draft, msgLang);
    return c.json({ acceptance, report, policy }, 201);
  });

  // Sign-off: the server re-verifies the text with the patient of the route and the encounter of the
  // request, runs the safety rules on the drugs it lists for discharge, and checks every unsupported
  // clinical statement was accepted; whatever verdicts the browser holds do not count.
  app.post('/:id/summary/sign', params(patientParams), body(signBody, { jsonOnly: true }), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const { text, draftId, encounterId } = body;
    const bound = await boundDraft(c, id, draftId, encounterId, body.lang);
    if (bound instanceof Response) {
      await audit(c, 'sign', `Patient/${id}/summary/${draftId}`, [id], bound.status);
      return bound;
    }
    const { draft, msgLang } = bound;
    if (draft.signedAt) {
      await audit(c, 'sign', `Patient/${id}/summary/${draftId}`, [id], 409);
      return refuse(
        c,
        409,
        'draft-signed',
        refusalMessage('draft-signed', msgLang, {
          patientId: id,
          signedAt: draft.signedAt,
          documentReference: draft.documentReference,
        }),
        'draftId',
      );
    }
    const { state, documents } = await dischargeRecord(ctx, id, encounterId);
    const report = verifyDischargeText(state, text, {
      lang: draft.lang,
      documents,
      ...(encounterId ? { encounterId } : {}),
      citations: draft.document.citations,
    });
    const policy = await policyOf(state, report, draft, msgLang);
    if (policy.blocked) {
      await audit(c, 'sign', `Patient/${id}/summary/${draftId}`, [id], 409);
      return refuse(c, 409, 'blocked', policy.reason ?? '', 'text', { report, policy });
    }
    const principal = c.get('principal');
    const signedAt = new Date().toISOString();
    // The Composition keeps the citations as section entries; the DocumentReference holds the text as
    // signed (no Markdown, no [F#] markers) with the clinician's name on the 医师签名 line.
    const signedDoc = { ...draft.document, text };
    const signOff = { author: principal.name, signedAt, patientId: id, ...(encounterId ? { encounterId } : {}) };
    const compositionId = newId();
    const composition = { ...toComposition(signedDoc, report, signOff), id: compositionId };
    const documentReference = { ...toDocumentReference(signedDoc, report, { ...signOff, compositionId }), id: newId() };
    const refs = await ctx.db.transaction(async (tx) => {
      const [doc, comp] = await ctx.resources.putMany([documentReference, composition], tx);
      await drafts.markSigned(tx, draft.id, principal.id, `DocumentReference/${doc!.stored.id}`);
      return {
        documentReference: `DocumentReference/${doc!.stored.id}`,
        composition: `Composition/${comp!.stored.id}`,
      };
    });
    await audit(c, 'sign', refs.documentReference, [id]);
    await audit(c, 'sign', refs.composition, [id]);
    return c.json({ signed: true, ...refs, draftId: draft.id, report, policy });
  });

  app.post('/:id/feedback', params(patientParams), body(feedbackBody, { jsonOnly: true }), async (c) => {
    const { id } = c.req.valid('param');
    const input = parseFeedback({ ...c.req.valid('json'), patientId: id }, c.get('principal').id);
    const row = await feedback.record(input);
    await audit(c, 'feedback', `feedback/${row.id}`, [id]);
    // An accepted differential row becomes a confirmed case; a corrected fact, curation candidates (learning-feedback.ts).
    // The feedback is stored either way: a failure to learn from it is logged, not turned into an error for the clinician.
    const learned = await learnFromFeedback(ctx, networkOf, row).catch((e: Error) => {
      ctx.log.warn({ feedback: row.id, error: e.message }, 'feedback stored; learning from it failed');
      return {};
    });
    return c.json({ ...row, learned }, 201);
  });

  app.get('/:id/feedback', params(patientParams), async (c) => {
    const { id } = c.req.valid('param');
    const rows = await feedback.list({ patientId: id });
    await audit(c, 'read', `feedback?patient=${id}`, [id]);
    return c.json({ feedback: rows });
  });

  return app;
}

interface NoteView {
  readonly id: string;
  readonly document: string;
  readonly title: string;
  readonly date?: string;
  readonly lang?: Lang;
  readonly text: string;
  readonly facts: readonly Fact[];
  readonly error?: string;
}

async function stateOf(
  ctx: AppContext,
  id: string,
  opts: { at?: string; encounterId?: string },
): Promise<PatientState> {
  const patient = await ctx.resources.read('Patient', id);
  if (!patient || patient.deleted) throw notFound(`no Patient/${id}`, { field: 'id' });
  return buildPatientState(ctx.db, ctx.resources, id, {
    ...(opts.at ? { at: opts.at } : {}),
    ...(opts.encounterId ? { encounterId: opts.encounterId } : {}),
  });
}

/**
 * The record a discharge text is written and judged against: the state at the stay's end and the
 * notes of the record (for verbatim grounding and the discharge note's own words), read once.
 */
async function dischargeRecord(
  ctx: AppContext,
  id: string,
  encounterId: string | undefined,
): Promise<{ state: PatientState; documents: { id: string; text: string }[] }> {
  const patient = await ctx.resources.read('Patient', id);
  if (!patient || patient.deleted) throw notFound(`no Patient/${id}`, { field: 'id' });
  const stored = await ctx.resources.everything(id);
  const state = await buildPatientState(
    ctx.db,
    { everything: async () => stored },
    id,
    encounterId ? { encounterId } : {},
  );
  return {
    state,
    documents: encounterDocuments(stored.filter((e) => !e.deleted).map((e) => e.resource as AnyResource)),
  };
}

/** The inpatient stay the composer would choose when none is named, if it is an Encounter of the record. */
function stayOf(state: PatientState): string | undefined {
  try {
    const w = encounterWindow(state);
    return w.event.sources.some(
      (s) => s.kind === 'resource' && s.resourceType === 'Encounter' && s.id === w.encounterId,
    )
      ? w.encounterId
      : undefined;
  } catch {
    return undefined;
  }
}

/** Citation key → the fact it cites, in words, with its sources: what a citation chip in the workspace opens. */
function citedFacts(
  state: PatientState,
  doc: ComposedDocument,
): Record<string, { factId: string; label: string; sources: Fact['sources'] }> {
  const byId = new Map(allFacts(state).map((f) => [f.id, f]));
  try {
    const w = encounterWindow(state, doc.encounterId);
    byId.set(w.fact.id, w.fact);
  } catch {
    // No encounter: nothing cites one.
  }
  return Object.fromEntries(
    Object.entries(doc.citations).map(([key, id]) => {
      const f = byId.get(id);
      return [key, { factId: id, label: f ? factPhrase(f, doc.lang) : id, sources: f?.sources ?? [] }];
    }),
  );
}

function draftView(d: SummaryDraft) {
  return {
    id: d.id,
    patientId: d.patientId,
    encounterId: d.encounterId,
    lang: d.lang,
    createdAt: d.createdAt,
    ...(d.signedAt ? { signedAt: d.signedAt, documentReference: d.documentReference } : {}),
  };
}

/**
 * A refused summary action: a machine-readable `code`, the `reason` in the caller's language, and the
 * same as an OperationOutcome issue (what generic clients read), plus any report or policy.
 */
function refuse(
  c: Context,
  status: 404 | 409 | 422,
  code: DraftRefusal | 'draft-unknown' | 'blocked' | 'not-acceptable' | 'unknown-claim',
  reason: string,
  field: string,
  extra: Record<string, unknown> = {},
): Response {
  const issue = status === 404 ? 'not-found' : status === 409 ? 'conflict' : 'business-rule';
  return c.json(
    {
      signed: false,
      code,
      reason,
      field,
      issue: [{ severity: 'error', code: issue, diagnostics: reason, expression: [field] }],
      ...extra,
    },
    status,
  );
}
