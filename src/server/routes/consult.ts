import type { Context } from 'hono';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { z } from 'zod';
import {
  composeOutpatientRecord,
  type OutpatientRecordInput,
  type OutpatientRecordSentence,
  turnOfSource,
  verifyOutpatientRecord,
} from '../../compose/index.js';
import type { Sql } from '../../core/index.js';
import { invalid, MedSeekError, notFound, pick } from '../../core/index.js';
import type {
  ConsultState,
  ModelReader,
  NetworkResolver,
  PreConsultReport,
  Reply,
  Turn,
} from '../../reasoning/index.js';
import {
  ConsultationService,
  knowledgeBaseResolver,
  listSessions,
  loadSession,
  loadTranscript,
  newUrgency,
  outpatientRecordInput,
  reportText,
} from '../../reasoning/index.js';
import type { ResourceRepository } from '../../store/index.js';
import type { FaithfulnessReport } from '../../verify/index.js';
import type { AuditLog } from '../audit/audit-log.js';
import { auditEvents } from '../audit/request.js';
import { releaseAllergyClasses } from '../release-allergy.js';
import type { PatientScope } from '../auth/patient-scope.js';
import type { AppEnv, Principal, RoutePolicies } from '../env.js';
import type { Logger } from '../logger.js';
import { type ConsultEvent, type ConsultNotifier, createConsultNotifier, type NotifierMessage } from '../notify.js';
import { consentId } from '../patient-links/consent.js';
import { type PatientLink, type PatientLinkStore, patientLinkStore } from '../patient-links/store.js';
import { body, params, query } from '../validate.js';
import {
  acceptBody,
  answerBody,
  createBody,
  draftBody,
  queueQuery,
  reportQuery,
  sessionParams,
} from './schemas/consult.js';

export { acceptBody, answerBody, createBody, draftBody } from './schemas/consult.js';

/**
 * `/api/consult/…`: pre-consultation (预问诊) sessions over HTTP, the same engine as `medseek consult`.
 * - POST /            {complaint, lang?, kb?, age?, sex?, informant?, channel?} → 201 {session, reply}
 * - POST /:id/answers {text} → {session, reply} (a re-prompt keeps the question; an emergency ends the session)
 * - GET  /            the clinicians' queue (emergencies, then urgent active sessions, then completed ones)
 * - GET  /events      server-sent events for the open workspaces: `ready` once subscribed, then
 *                     `emergency` / `complete` as sessions end, `urgent` when an answer raises a red flag
 *                     still being checked, `resync` after a lost connection
 * - GET  /:id         the stored session, its dialogue and the question it waits on (resume): `reply`
 *                     is that question as asked, with its tappable choices and progress
 * - GET  /:id/report?format=json|text&lang=zh|en&audience=clinician|patient   the 预问诊报告 for the
 *                     doctor (physician-only differential); `audience=patient` leaves out the differential and triage
 * - GET  /:id/draft  the draft 门诊病历 (in the session's language: the transcript is its evidence), each
 *                     sentence with the patient turns it cites and its verdict against them
 * - POST /:id/draft/verify {text}   re-verifies an edited draft against the transcript
 * - POST /:id/accept {text, patientId} → 201 {documentReference}: re-verified on the server and
 *                     refused (409) while a sentence contradicts what the patient said; stored as a
 *                     DocumentReference (LOINC 34108-1 Outpatient Note) authored by the accepting clinician
 * The patient-facing replies never carry a diagnosis (consultation.md PC-05).
 *
 * Who (issue 14): the queue, events, clinician report, draft and accept are for staff. A patient (a
 * pre-consultation link) starts one session bound to their link, once they have consented, and reads
 * and answers only that one; everything sent to them is cut down to what a patient may see (no
 * differential, triage or red-flag codes). Staff reading a session a patient started through a link
 * must be allowed that patient. Kiosk sessions started by staff carry no patient, as before.
 *
 * An emergency exit is published to the clinicians (notify.ts) before the reply leaves; the reply's
 * `emergency.staffNotified` is true only when that publish succeeded, and the patient page otherwise
 * tells the patient to call.
 */

const STAFF = { roles: ['admin', 'clinician'] } as const;
const ANYONE = { roles: ['admin', 'clinician', 'patient'] } as const;
/** Patients reach the routes marked ANYONE only for their own link's session (checked in the route). */
export const consultPolicies: RoutePolicies = {
  'POST /api/consult': ANYONE,
  'GET /api/consult': STAFF,
  'GET /api/consult/events': STAFF,
  'POST /api/consult/:id/answers': ANYONE,
  'GET /api/consult/:id': ANYONE,
  'GET /api/consult/:id/report': ANYONE,
  'GET /api/consult/:id/draft': STAFF,
  'POST /api/consult/:id/draft/verify': STAFF,
  'POST /api/consult/:id/accept': STAFF,
};

/**
 * The record type of an accepted draft. LOINC 34108-1 "Outpatient Note" is the note of an outpatient
 * visit, which is what the 门诊病历 is (BW2010 第十四条: written by the treating physician at the visit);
 * 11488-4 "Consult note" is a consultant's reply to another clinician's request, which this is not.
 */
export const OUTPATIENT_NOTE = { system: 'http://loinc.org', code: '34108-1', display: 'Outpatient Note' } as const;

/** The session an accepted note came from, on the DocumentReference (provenance to the transcript). */
export const CONSULT_SESSION_SYSTEM = 'urn:medseek:consult-session';

/** One sentence of a draft 门诊病历 with the patient turns it cites and its verdict against them. */
export interface DraftSentence {
  readonly text: string;
  readonly section?: string;
  readonly citations: readonly { readonly turn: number; readonly quote: string }[];
  readonly verdict: 'supported' | 'unsupported' | 'contradicted';
  readonly reason?: string;
}

/** Drafting and re-verifying the 门诊病历 of a finished session against its transcript. */
export interface OutpatientDrafts {
  draft(
    session: ConsultState,
    transcript: readonly Turn[],
  ): Promise<{ readonly text: string; readonly sentences: readonly DraftSentence[] }>;
  verify(text: string, session: ConsultState, transcript: readonly Turn[]): Promise<readonly DraftSentence[]>;
}

/** The number a patient is told to call when the engine names none (China's emergency medical service). */
export const DEFAULT_CALL_NUMBER = '120';

export interface ConsultRoutesContext {
  readonly db: Sql;
  readonly resolve?: NetworkResolver;
  readonly audit?: AuditLog;
  readonly log?: Pick<Logger, 'warn' | 'error'>;
  readonly config?: { readonly databaseUrl?: string };
  /** The staff notifier; by default one over the database (LISTEN/NOTIFY on a PostgreSQL server, in-process on PGlite). */
  readonly notifier?: ConsultNotifier;
  /** Where an accepted 门诊病历 is stored; without it, accepting answers 503. */
  readonly resources?: ResourceRepository;
  /** Default: compose's `composeOutpatientRecord` over the session's network, verified against the transcript. */
  readonly outpatient?: OutpatientDrafts;
  /** Which patients a staff principal may see; without it, staff see every session (kiosk deployments, tests). */
  readonly patientScope?: PatientScope;
  /** Patient links (the sessions patients start); default: the store over `db` when `resources` is given. */
  readonly links?: PatientLinkStore;
  /** The model layer; when a model is configured it reads answers first (checked against the patient's words). */
  readonly llm?: ModelReader;
}

export function consultRoutes(ctx: ConsultRoutesContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Verifying a draft reads allergies with the active release's allergy classes.
  for (const path of ['/:id/draft/verify', '/:id/accept']) app.use(path, releaseAllergyClasses(ctx.db));
  // Sessions hold what a patient told us: every read of one is audited like any patient record.
  const audit = async (
    c: Context<AppEnv>,
    action: string,
    resource: string,
    outcome = 200,
    patients: readonly string[] = [],
  ) => ctx.audit?.record(auditEvents(c, { action, resource, outcome, patients }));
  const resolve = ctx.resolve ?? knowledgeBaseResolver({ sql: ctx.db });
  // A configured model reads free-text answers first; every finding it returns must be in the patient's words.
  const service = new ConsultationService(ctx.db, resolve, ctx.llm?.configured ? { reader: ctx.llm } : {});
  const outpatient = ctx.outpatient ?? transcriptDrafts(resolve);
  const links = ctx.links ?? (ctx.resources ? patientLinkStore({ db: ctx.db, resources: ctx.resources }) : undefined);
  const principalOf = (c: Context<AppEnv>): Principal | undefined => c.get('principal');
  const isPatient = (c: Context<AppEnv>) => principalOf(c)?.role === 'patient';

  /** Staff-only routes refuse a patient even if a policy were missing (defence in depth). */
  const staffOnly = async (c: Context<AppEnv>, resource: string) => {
    if (!isPatient(c)) return;
    await audit(c, 'denied', resource, 403, principalOf(c)?.patientId ? [principalOf(c)!.patientId!] : []);
    throw new MedSeekError('forbidden', 'this is for the clinic’s staff only', { field: 'Authorization' });
  };

  /** The link behind a patient principal, as stored now (its session may be newer than the token). */
  const linkOf = async (c: Context<AppEnv>): Promise<PatientLink | undefined> => {
    const p = principalOf(c);
    if (p?.kind !== 'patient-link' || !links) return undefined;
    const link = await links.get(p.id.replace(/^link:/, ''));
    return link && link.patientId === p.patientId ? link : undefined;
  };

  /**
   * May the caller touch this session? A patient only their link's own (any other id is answered
   * as unknown, so ids of other patients' sessions cannot be probed); staff any session, except one a
   * patient outside their scope started through a link.
   */
  const guard = async (c: Context<AppEnv>, id: string, resource: string): Promise<PatientLink | undefined> => {
    const p = principalOf(c);
    if (p?.role === 'patient') {
      const link = await linkOf(c);
      if (link?.consultSession === id) return link;
      await audit(c, 'denied', resource, 404, p.patientId ? [p.patientId] : []);
      throw notFound(`no consultation session '${id}'`, { field: 'session' });
    }
    const bound = links ? await links.bySession(id) : undefined;
    if (bound && p && ctx.patientScope && !(await ctx.patientScope.allows(p, bound.patientId))) {
      await audit(c, 'denied', resource, 403, [bound.patientId]);
      throw new MedSeekError(
        'forbidden',
        `you may not see Patient/${bound.patientId}, whose pre-consultation this is`,
        { field: 'session' },
      );
    }
    return bound;
  };

  /**
   * The refusals a route makes before it reads the request, as middleware in front of its validators:
   * a refused caller gets the same audited 403/404 whatever they sent; an allowed one with a malformed
   * body a 400 naming the field. `guarded` keeps the session's link for the handler.
   */
  type Middleware = (c: Context<AppEnv>, next: () => Promise<void>) => Promise<void>;
  const staff =
    (resource: string): Middleware =>
    async (c, next) => {
      await staffOnly(c, resource);
      await next();
    };
  const guarded = new WeakMap<Context<AppEnv>, PatientLink | undefined>();
  const staffGuard =
    (resource: (id: string) => string): Middleware =>
    async (c, next) => {
      const id = c.req.param('id') ?? '';
      await staffOnly(c, resource(id));
      guarded.set(c, await guard(c, id, resource(id)));
      await next();
    };
  const draftResource = (id: string) => `consult-session/${id}/draft`;

  const notifier =
    ctx.notifier ??
    createConsultNotifier({
      sql: ctx.db,
      ...(ctx.config?.databaseUrl ? { databaseUrl: ctx.config.databaseUrl } : {}),
      onError: (e) => ctx.log?.warn({ err: e }, 'consult notifications: connection lost; reconnecting'),
    });

  /** Publishes a finished session; on an emergency the reply says whether staff were really told. */
  const announce = async (session: ConsultState, reply: Reply): Promise<Reply> => {
    const urgent = newUrgency(session);
    if (urgent.length > 0)
      // A red flag raised but not settled: the workspaces see it now, whether or not the patient answers on.
      await notifier
        .publish(urgentEvent(session, urgent))
        .catch((e) =>
          ctx.log?.error({ err: e, session: session.id }, 'urgent pre-consultation could not be announced'),
        );
    if (reply.kind !== 'emergency' && reply.kind !== 'done') return reply;
    let published = false;
    try {
      await notifier.publish(eventOf(session, reply.kind === 'emergency' ? 'emergency' : 'complete'));
      published = true;
    } catch (e) {
      ctx.log?.error(
        { err: e, session: session.id },
        reply.kind === 'emergency'
          ? 'emergency could not be announced to staff'
          : 'completed pre-consultation could not be announced',
      );
    }
    if (reply.kind !== 'emergency') return reply;
    const emergency = reply.emergency ?? {
      message: plainEmergency(session.lang),
      callNumber: DEFAULT_CALL_NUMBER,
      staffNotified: false,
    };
    return { ...reply, emergency: { ...emergency, staffNotified: published } };
  };

  app.post('/', body(createBody), async (c) => {
    const body = c.req.valid('json');
    if (isPatient(c)) return startForPatient(c, body);
    const r = await service.create(body);
    const reply = await announce(r.session, r.reply);
    return c.json({ session: summary(r.session), reply }, 201);
  });

  /** A patient starts the one pre-consultation of their link, after consenting to it. */
  const startForPatient = async (c: Context<AppEnv>, body: z.infer<typeof createBody>) => {
    const link = await linkOf(c);
    const zh = body.lang === 'zh';
    if (!link || !ctx.resources) {
      await audit(c, 'denied', 'consult-session', 403, principalOf(c)?.patientId ? [principalOf(c)!.patientId!] : []);
      throw new MedSeekError(
        'forbidden',
        zh ? '请通过医院发给您的预问诊链接开始' : 'start your pre-consultation from the link the clinic sent you',
        { field: 'Authorization' },
      );
    }
    const consent = await ctx.resources.read('Consent', consentId(link.id));
    if ((consent?.resource as { status?: string } | undefined)?.status !== 'active' || consent?.deleted) {
      await audit(c, 'create', 'consult-session', 409, [link.patientId]);
      throw new MedSeekError(
        'conflict',
        zh
          ? '开始预问诊前需要您的同意：请先阅读说明并选择“同意”'
          : 'your consent is needed before the pre-consultation starts: read what is collected and why, then agree',
        { field: 'consent' },
      );
    }
    if (link.consultSession)
      throw new MedSeekError(
        'conflict',
        zh
          ? `此链接的预问诊已开始（${link.consultSession}），请继续回答`
          : `this link's pre-consultation has already started (${link.consultSession}); continue it`,
        { field: 'session' },
      );
    const r = await service.create({ ...body, kb: 'release', channel: 'patient-link' });
    await links!.bindSession(link.id, r.session.id);
    const reply = await announce(r.session, r.reply);
    await audit(c, 'create', `consult-session/${r.session.id}`, 201, [link.patientId]);
    return c.json({ session: patientSummary(r.session), reply: patientReply(reply) }, 201);
  };

  // The clinicians' queue: emergencies first, then finished pre-consultations, newest first.
  app.get('/', staff('consult-sessions'), query(queueQuery), async (c) => {
    const queued = await listSessions(ctx.db, { limit: c.req.valid('query').limit ?? 100 });
    // Sessions patients started through a link carry their patient and appointment; a clinician sees only those of their patients.
    const bound = links ? await links.bySessions(queued.map((s) => s.id)) : new Map<string, PatientLink>();
    const p = principalOf(c);
    const visible = p && ctx.patientScope ? await ctx.patientScope.visible(p) : undefined;
    const sessions = queued
      .filter((s) => !visible || !bound.has(s.id) || visible.has(bound.get(s.id)!.patientId))
      .map((s) => {
        const link = bound.get(s.id);
        return link ? { ...s, patientId: link.patientId, appointmentId: link.appointmentId } : s;
      });
    await audit(c, 'search', 'consult-sessions', 200, [
      ...new Set(sessions.flatMap((s) => ('patientId' in s ? [s.patientId] : []))),
    ]);
    return c.json({ sessions });
  });

  // The open workspaces' live feed. `ready` is sent only once this subscriber will see every later event.
  app.get('/events', staff('consult-events'), async (c) => {
    await audit(c, 'subscribe', 'consult-events');
    return streamSSE(c, async (stream) => {
      let write = Promise.resolve();
      const send = (m: NotifierMessage | { type: 'ready'; mode: string }) => {
        write = write.then(() => stream.writeSSE({ event: m.type, data: JSON.stringify(m) })).catch(() => {});
        return write;
      };
      // A clinician is not told of a link session of a patient outside their scope (checked in order, so events keep theirs).
      const p = principalOf(c);
      let screened = Promise.resolve();
      const forward = (m: NotifierMessage) => {
        if (m.type === 'resync' || !links || !ctx.patientScope || !p) return void send(m);
        screened = screened
          .then(async () => {
            const bound = await links.bySession(m.sessionId);
            if (!bound || (await ctx.patientScope!.allows(p, bound.patientId))) await send(m);
          })
          .catch((e) =>
            ctx.log?.warn({ err: e }, 'consult notifications: could not check an event against the patient scope'),
          );
      };
      let unsubscribe: () => void;
      try {
        unsubscribe = await notifier.subscribe(forward);
      } catch (e) {
        // The client reconnects by itself; the workspace shows it is not live meanwhile.
        ctx.log?.error({ err: e }, 'consult notifications: cannot subscribe');
        await stream.writeSSE({ event: 'unavailable', data: JSON.stringify({ type: 'unavailable' }) });
        return;
      }
      let done: () => void = () => {};
      const ended = new Promise<void>((resolve) => {
        done = resolve;
      });
      stream.onAbort(() => {
        unsubscribe();
        done();
      });
      await send({ type: 'ready', mode: notifier.mode });
      // A comment every 20 s keeps proxies from closing an idle stream.
      while (!stream.aborted && !stream.closed) {
        const tick = new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 20_000);
          t.unref();
        });
        await Promise.race([tick, ended]);
        if (stream.aborted || stream.closed) break;
        write = write.then(() => stream.write(': keep-alive\n\n')).then(() => {});
        await write;
      }
      unsubscribe();
    });
  });

  app.post('/:id/answers', params(sessionParams), body(answerBody), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const bound = await guard(c, id, `consult-session/${id}`);
    const r = await service.answer(id, body.text);
    const reply = await announce(r.session, r.reply);
    if (isPatient(c)) return c.json({ session: patientSummary(r.session), reply: patientReply(reply) });
    return c.json({ session: summary(r.session), reply, ...binding(bound) });
  });

  app.get('/:id', params(sessionParams), async (c) => {
    const { id } = c.req.valid('param');
    const bound = await guard(c, id, `consult-session/${id}`);
    const r = await service.resume(id);
    await audit(c, 'read', `consult-session/${id}`, 200, bound ? [bound.patientId] : []);
    // The pending question as it was asked (text, tappable choices, progress), so a reloaded page shows it again.
    const prompt = r.session.status === 'active' ? r.session.prompt : undefined;
    const rest = { transcript: r.transcript, ...(r.lastPrompt ? { lastPrompt: r.lastPrompt } : {}) };
    if (isPatient(c)) {
      const reply = prompt ? { reply: patientReply(prompt) } : {};
      return c.json({ session: patientSummary(r.session), ...rest, ...reply });
    }
    return c.json({ session: summary(r.session), ...rest, ...(prompt ? { reply: prompt } : {}), ...binding(bound) });
  });

  app.get('/:id/report', params(sessionParams), query(reportQuery), async (c) => {
    const { format = 'json', lang = 'zh', audience = 'clinician' } = c.req.valid('query');
    const { id } = c.req.valid('param');
    const bound = await guard(c, id, `consult-session/${id}/report`);
    // A patient gets the patient's copy only, whatever they ask for.
    if (audience === 'clinician') await staffOnly(c, `consult-session/${id}/report`);
    const full = await service.report(id);
    await audit(c, 'read', `consult-session/${id}/report`, 200, bound ? [bound.patientId] : []);
    if (audience === 'clinician') return format === 'text' ? c.text(reportText(full, lang)) : c.json(full);
    // The patient's own copy (PC-05: never a diagnosis to the patient): only what they told us, no differential, triage or red-flag codes.
    return format === 'text'
      ? c.text(
          reportText(
            { ...full, differential: [], redFlags: { screened: [], positive: [] }, toVerify: [], triage: undefined },
            lang,
          ),
        )
      : c.json(patientReport(full));
  });

  /** A finished session and its transcript: what the draft is made from and checked against. */
  const material = async (id: string) => {
    const session = await loadSession(ctx.db, id);
    if (session.status === 'active')
      throw new MedSeekError(
        'conflict',
        `session ${id} is still in progress; its 门诊病历 can be drafted once it is finished`,
        { field: 'session' },
      );
    return { session, transcript: await loadTranscript(ctx.db, id) };
  };

  app.get('/:id/draft', staffGuard(draftResource), params(sessionParams), async (c) => {
    const { id } = c.req.valid('param');
    const m = await material(id);
    const d = await outpatient.draft(m.session, m.transcript);
    await audit(c, 'compose', `consult-session/${id}/draft`);
    return c.json({
      sessionId: id,
      lang: m.session.lang,
      text: d.text,
      sentences: d.sentences,
      blocked: d.sentences.some((x) => x.verdict === 'contradicted'),
    });
  });

  app.post('/:id/draft/verify', staffGuard(draftResource), params(sessionParams), body(draftBody), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const m = await material(id);
    const sentences = await outpatient.verify(body.text, m.session, m.transcript);
    await audit(c, 'verify', `consult-session/${id}/draft`);
    return c.json({
      sessionId: id,
      lang: m.session.lang,
      sentences,
      blocked: sentences.some((x) => x.verdict === 'contradicted'),
    });
  });

  // The clinician accepts the (edited) draft into a patient's record: re-verified here, never trusted from the browser.
  app.post('/:id/accept', staffGuard(draftResource), params(sessionParams), body(acceptBody), async (c) => {
    const { id } = c.req.valid('param');
    const bound = guarded.get(c);
    const body = c.req.valid('json');
    // A note from a patient's link session goes into that patient's record, not another's.
    if (bound && body.patientId !== bound.patientId)
      throw invalid(
        `this pre-consultation was made by Patient/${bound.patientId} (Appointment/${bound.appointmentId}); accept it into that record`,
        { field: 'patientId' },
      );
    if (ctx.patientScope && principalOf(c) && !(await ctx.patientScope.allows(principalOf(c)!, body.patientId))) {
      await audit(c, 'accept', `consult-session/${id}/draft`, 403, [body.patientId]);
      throw new MedSeekError('forbidden', `you may not write to Patient/${body.patientId}'s record`, {
        field: 'patientId',
      });
    }
    if (!ctx.resources)
      throw new MedSeekError('unavailable', 'this server has no record store to accept notes into', {
        field: 'resources',
      });
    const m = await material(id);
    const lang = m.session.lang;
    const patient = await ctx.resources.read('Patient', body.patientId);
    if (!patient || patient.deleted) {
      await audit(c, 'accept', `consult-session/${id}/draft`, 404, [body.patientId]);
      throw notFound(`no Patient/${body.patientId}`, { field: 'patientId' });
    }
    const sentences = await outpatient.verify(body.text, m.session, m.transcript);
    const contradicted = sentences.filter((x) => x.verdict === 'contradicted');
    if (contradicted.length) {
      await audit(c, 'accept', `consult-session/${id}/draft`, 409, [body.patientId]);
      const reason =
        lang === 'zh'
          ? `有 ${contradicted.length} 句与患者原话矛盾，不能采纳：${contradicted.map((x) => `“${x.text}”`).join('；')}`
          : `${contradicted.length} sentence(s) contradict what the patient said and cannot be accepted: ${contradicted.map((x) => `"${x.text}"`).join('; ')}`;
      return c.json(
        { accepted: false, reason, sentences, issue: [{ severity: 'error', code: 'conflict', diagnostics: reason }] },
        409,
      );
    }
    // One note per session: its id is derived from the session, so a second accept cannot add another.
    const docId = `consult-${id}`;
    const existing = await ctx.resources.read('DocumentReference', docId);
    if (existing && !existing.deleted) {
      await audit(c, 'accept', `DocumentReference/${docId}`, 409, [body.patientId]);
      const reason =
        lang === 'zh'
          ? `此预问诊已于 ${existing.lastUpdated} 采纳为 DocumentReference/${docId}`
          : `this pre-consultation was already accepted as DocumentReference/${docId} at ${existing.lastUpdated}`;
      return c.json(
        {
          accepted: false,
          reason,
          documentReference: `DocumentReference/${docId}`,
          sentences,
          issue: [{ severity: 'error', code: 'duplicate', diagnostics: reason }],
        },
        409,
      );
    }
    const principal = c.get('principal');
    const title = lang === 'zh' ? '门诊病历' : 'Outpatient record';
    const { stored } = await ctx.resources.put({
      resourceType: 'DocumentReference',
      id: docId,
      status: 'current',
      docStatus: 'final',
      type: { coding: [{ ...OUTPATIENT_NOTE }], text: title },
      subject: { reference: `Patient/${body.patientId}` },
      date: new Date().toISOString(),
      author: [{ display: principal?.name ?? 'unknown' }],
      authenticator: { display: principal?.name ?? 'unknown' },
      description:
        lang === 'zh'
          ? `由预问诊 ${id} 起草（患者自述），经接诊医生审核采纳`
          : `Drafted from pre-consultation ${id} (patient-reported), reviewed and accepted by the treating physician`,
      context: { related: [{ identifier: { system: CONSULT_SESSION_SYSTEM, value: id } }] },
      content: [
        {
          attachment: {
            contentType: 'text/plain; charset=utf-8',
            language: lang === 'zh' ? 'zh-CN' : 'en',
            title,
            data: Buffer.from(body.text, 'utf8').toString('base64'),
          },
        },
      ],
    });
    await audit(c, 'accept', `DocumentReference/${stored.id}`, 201, [body.patientId]);
    return c.json({ accepted: true, documentReference: `DocumentReference/${stored.id}`, sentences }, 201);
  });
  return app;
}

/**
 * The 门诊病历 drafts of compose (`composeOutpatientRecord`) and their verification against the
 * consultation (`verifyOutpatientRecord` over compose's `consultationEvidence`, the one builder): the
 * draft and an edited text are checked the same way, claim by claim, each citing the turns it rests on.
 */
export function transcriptDrafts(resolve: NetworkResolver): OutpatientDrafts {
  const input = async (session: ConsultState, transcript: readonly Turn[]): Promise<OutpatientRecordInput> =>
    outpatientRecordInput(await resolve(session.kb), session, transcript);
  return {
    async draft(session, transcript) {
      const record = composeOutpatientRecord(await input(session, transcript));
      const drafted = record.sections.flatMap((sec) => sec.sentences.map((x) => ({ ...x, section: sec.title })));
      // Each drafted sentence takes the worst verdict of the claims that overlap it in the text.
      let cursor = 0;
      const sentences = drafted.map((x): DraftSentence => {
        const start = record.text.indexOf(x.text, cursor);
        const end = start < 0 ? -1 : start + x.text.length;
        if (start >= 0) cursor = end;
        const claims = start < 0 ? [] : record.verification.claims.filter((cl) => cl.start < end && cl.end > start);
        const worst = worstOf(claims);
        return {
          text: x.text,
          section: pick(x.section, session.lang),
          citations: citationsOf(x),
          verdict: worst?.verdict ?? 'supported',
          ...(worst && worst.verdict !== 'supported' ? { reason: worst.reason } : {}),
        };
      });
      return { text: record.text, sentences };
    },
    async verify(text, session, transcript) {
      const given = await input(session, transcript);
      // The same evidence compose verifies its own draft with (`consultationEvidence`): only what the
      // patient said, and what the engine read from it, supports a statement.
      const report = verifyOutpatientRecord(text, given);
      const quotes = new Map(transcript.filter((t) => t.role === 'patient').map((t) => [t.turn, t.text]));
      return report.claims.map((cl): DraftSentence => {
        // The turns its evidence comes from: for a supported claim what supports it, for a
        // contradicted one what the patient said instead.
        const turns = new Set<number>();
        for (const e of cl.evidence) {
          const turn = turnOfSource(session.id, e);
          if (turn !== undefined) turns.add(turn);
        }
        return {
          text: cl.text,
          citations: [...turns]
            .sort((a, b) => a - b)
            .flatMap((turn) => (quotes.has(turn) ? [{ turn, quote: quotes.get(turn)! }] : [])),
          verdict: cl.verdict,
          ...(cl.verdict !== 'supported' ? { reason: cl.reason } : {}),
        };
      });
    },
  };
}

const RANK = { supported: 0, unsupported: 1, contradicted: 2 } as const;
function worstOf(claims: FaithfulnessReport['claims']): FaithfulnessReport['claims'][number] | undefined {
  return claims.reduce<FaithfulnessReport['claims'][number] | undefined>(
    (w, c) => (!w || RANK[c.verdict] > RANK[w.verdict] ? c : w),
    undefined,
  );
}

function citationsOf(x: OutpatientRecordSentence): DraftSentence['citations'] {
  return x.sources.map((s) => ({ turn: s.turn, quote: s.quote ?? '' }));
}

function eventOf(s: ConsultState, type: ConsultEvent['type']): ConsultEvent {
  return {
    type,
    sessionId: s.id,
    at: s.updatedAt,
    complaint: s.complaint.text,
    ...(s.triage ? { triage: { level: s.triage.level, name: s.triage.name, colour: s.triage.colour } } : {}),
    ...(s.redFlags.positive.length ? { redFlags: s.redFlags.positive } : {}),
    ...(s.patient.age !== undefined ? { age: s.patient.age } : {}),
    ...(s.patient.sex ? { sex: s.patient.sex } : {}),
  };
}

function urgentEvent(s: ConsultState, urgent: ReturnType<typeof newUrgency>): ConsultEvent {
  return {
    ...eventOf(s, 'urgent'),
    redFlags: urgent.map((u) => u.id),
    reason: {
      zh: urgent.map((u) => u.reason.zh ?? u.reason.en).join('；'),
      en: urgent.map((u) => u.reason.en).join('; '),
    },
  };
}

/** Plain words for the patient when the engine gives none: what to do now, no triage terms. */
function plainEmergency(lang: ConsultState['lang']): string {
  return lang === 'zh'
    ? '您说的情况可能很危险，需要马上看急诊。请立即拨打 120，或请身边的人马上送您去最近的医院急诊，不要自己开车。'
    : "What you describe may be dangerous and needs emergency care now. Call 120 (China's ambulance number) or have someone take you to the nearest emergency department at once; do not drive yourself.";
}

function summary(s: import('../../reasoning/index.js').ConsultState) {
  return {
    id: s.id,
    kb: s.kb,
    lang: s.lang,
    status: s.status,
    stage: s.stage,
    turn: s.turn,
    ...(s.triage ? { triage: s.triage } : {}),
    redFlags: s.redFlags.positive,
  };
}

/** The session's patient and appointment, for staff, when a patient started it through a link. */
function binding(link: PatientLink | undefined) {
  return link ? { patientId: link.patientId, appointmentId: link.appointmentId } : {};
}

/** What a patient is sent about their session: where it stands, nothing a clinician reads it for (no triage, no red-flag codes). */
export function patientSummary(s: ConsultState) {
  return { id: s.id, lang: s.lang, status: s.status, turn: s.turn };
}

/** A reply as the patient's phone gets it: listed fields only, so a field added to Reply for staff never leaks. */
export function patientReply(r: Reply): Reply {
  return {
    kind: r.kind,
    text: r.text,
    ...(r.question
      ? {
          question: {
            id: r.question.id,
            kind: r.question.kind,
            ...(r.question.options ? { options: r.question.options } : {}),
          },
        }
      : {}),
    ...(r.choices ? { choices: r.choices.map((x) => ({ value: x.value, label: x.label })) } : {}),
    ...(r.progress ? { progress: { asked: r.progress.asked, expected: r.progress.expected } } : {}),
    ...(r.emergency
      ? {
          emergency: {
            message: r.emergency.message,
            callNumber: r.emergency.callNumber,
            staffNotified: r.emergency.staffNotified,
          },
        }
      : {}),
  };
}

/** The patient's copy of the 预问诊报告: what they told us, in the report's words; no differential, triage, red flags or items to verify. */
export function patientReport(r: PreConsultReport) {
  return {
    title: r.title,
    label: r.label,
    header: {
      sessionId: r.header.sessionId,
      generatedAt: r.header.generatedAt,
      ...(r.header.sex ? { sex: r.header.sex } : {}),
      ...(r.header.age !== undefined ? { age: r.header.age } : {}),
    },
    chiefComplaint: r.chiefComplaint,
    hpi: r.hpi,
    pastHistory: r.pastHistory,
    allergies: r.allergies,
    medications: r.medications,
    personal: r.personal,
    footer: r.footer,
  };
}
