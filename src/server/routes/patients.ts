import { Hono } from 'hono';
import type { Context } from 'hono';
import { composeDischargeSummary } from '../../compose/index.js';
import { type Coding, type Fact, invalid, type Lang, MedSeekError, newId, notFound, type PatientState } from '../../core/index.js';
import { activeReleaseId, KnowledgeGraph } from '../../knowledge/index.js';
import { type AnyResource, buildPatientState, extractPatientNotes, isCurrentNote, loadNoteFacts, noteText } from '../../fusion/index.js';
import { FeedbackStore, parseFeedback } from '../../learning/index.js';
import {
  codingsFromKnowledge,
  diagnosePatient,
  encounterFromResources,
  evaluateQc,
  evaluateRules,
  isInpatient,
  knowledgeBaseResolver,
  loadRuleConfiguration,
  type Network,
  type RuleConfiguration,
  SAFETY_RULES,
  severityRank,
} from '../../reasoning/index.js';
import type { StoredResource } from '../../store/index.js';
import { recordFromState, verifyText } from '../../verify/index.js';
import { auditEvents } from '../audit/request.js';
import type { AppContext } from '../context.js';
import type { AppEnv } from '../env.js';

/**
 * The clinician workspace's API: patients, their fused state, notes with the facts found in them,
 * encounters, discharge summaries (compose, re-verify, sign off) and feedback. Every read of a
 * patient is audited before the answer leaves.
 */
export function patientRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const feedback = new FeedbackStore(ctx.db);
  // The causal network of a release, built once per release id (releases are immutable).
  const resolve = knowledgeBaseResolver({ sql: ctx.db });
  const networks = new Map<number, Promise<{ net: Network; codings: Map<string, Coding[]> }>>();
  const networkOf = (release: number) => {
    let p = networks.get(release);
    if (!p) {
      p = Promise.all([resolve(`release:${release}`), new KnowledgeGraph(ctx.db).causalNetwork({ release }).then(codingsFromKnowledge)]).then(([net, codings]) => ({ net, codings }));
      p.catch(() => networks.delete(release));
      networks.set(release, p);
    }
    return p;
  };
  const audit = (c: Context<AppEnv>, action: string, resource: string, patients: readonly (string | undefined)[], outcome = 200) =>
    ctx.audit.record(auditEvents(c, { action, resource, outcome, patients }));

  app.get('/', async (c) => {
    const q = (c.req.query('q') ?? '').trim().toLowerCase();
    const { entries } = await ctx.resources.search('Patient', { count: 1000 });
    const patients = entries.filter((e) => !e.deleted).map((e) => patientSummary(e)).filter((p) => !q || p.name.toLowerCase().includes(q) || p.id.toLowerCase().includes(q) || p.identifiers.some((i) => i.toLowerCase().includes(q)));
    await audit(c, 'search', `patients${q ? `?q=${q}` : ''}`, patients.map((p) => p.id));
    return c.json({ patients });
  });

  app.get('/:id', async (c) => {
    const id = c.req.param('id');
    const stored = await ctx.resources.read('Patient', id);
    await audit(c, 'read', `Patient/${id}`, [id], stored && !stored.deleted ? 200 : 404);
    if (!stored || stored.deleted) throw notFound(`no Patient/${id}`, { field: 'id' });
    return c.json(patientSummary(stored));
  });

  app.get('/:id/state', async (c) => {
    const id = c.req.param('id');
    const state = await stateOf(ctx, id, { at: c.req.query('at'), encounterId: c.req.query('encounter') });
    await audit(c, 'read', `Patient/${id}/state`, [id]);
    return c.json(state);
  });

  app.get('/:id/encounters', async (c) => {
    const id = c.req.param('id');
    const { entries } = await ctx.resources.search('Encounter', { patient: id, count: 1000, sort: '-date' });
    await audit(c, 'search', `Encounter?patient=${id}`, [id]);
    return c.json({ encounters: entries.filter((e) => !e.deleted).map((e) => e.resource) });
  });

  app.get('/:id/notes', async (c) => {
    const id = c.req.param('id');
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
        return [{ id: d.id, document: `DocumentReference/${d.id}`, title: 'Note', text: '', facts: [], error: (e as Error).message }];
      }
      if (!note) return [];
      const own = facts.filter((f) => f.sources.some((s) => s.kind === 'text' && s.document === note.document));
      const r = d.resource as { type?: { text?: string; coding?: { display?: string }[] }; date?: string };
      return [{ id: d.id, document: note.document, title: r.type?.text ?? r.type?.coding?.[0]?.display ?? 'Note', date: note.date ?? r.date, lang: note.lang, text: note.text, facts: own }];
    });
    await audit(c, 'read', `DocumentReference?patient=${id}`, [id]);
    return c.json({ notes });
  });

  // The differential from the active knowledge release: each disease with its explanation, every
  // finding's evidence pointing at the note span or resource it came from.
  app.get('/:id/differential', async (c) => {
    const id = c.req.param('id');
    const state = await stateOf(ctx, id, { encounterId: c.req.query('encounter') });
    const release = await activeReleaseId(ctx.db);
    if (release === undefined) throw new MedSeekError('unavailable', 'no knowledge release is active: import one with `medseek kg import`', { field: 'release' });
    const { net, codings } = await networkOf(release);
    const top = Number(c.req.query('top') ?? 10);
    const r = diagnosePatient(net, state, { codings, top: Number.isInteger(top) && top > 0 && top <= 50 ? top : 10 });
    await audit(c, 'diagnose', `Patient/${id}/differential`, [id]);
    return c.json({ release, conclusions: r.conclusions, rankingDifferences: r.diagnosis.rankingDifferences, observations: r.diagnosis.observations, matches: r.case.matches });
  });

  // Drug safety and critical values, then record QC of the patient's stays. `scope=stay` (default when
  // the patient has a stay) reviews the latest stay as it stood at discharge, critical values over the
  // whole stay; `scope=now` is the live view (critical values of the last 24 h, as the rules define).
  app.get('/:id/alerts', async (c) => {
    const id = c.req.param('id');
    const scope = c.req.query('scope') ?? 'stay';
    if (scope !== 'stay' && scope !== 'now') throw invalid(`must be 'stay' or 'now'`, { field: 'scope' });
    // One read of the record serves both the state and the QC of the stays.
    const stored = await ctx.resources.everything(id);
    const everything = stored.filter((e) => !e.deleted).map((e) => e.resource as AnyResource);
    const patient = everything.find((r) => r.resourceType === 'Patient');
    if (!patient) throw notFound(`no Patient/${id}`, { field: 'id' });
    const start = (r: AnyResource) => String((r as { period?: { start?: string } }).period?.start ?? '');
    const stays = everything.filter((r) => r.resourceType === 'Encounter' && isInpatient(r)).sort((a, b) => start(b).localeCompare(start(a)));
    const stay = scope === 'stay' ? stays[0] : undefined;
    const state = await buildPatientState(ctx.db, { everything: async () => stored }, id, stay?.id ? { encounterId: stay.id } : {});
    const settings = await loadRuleConfiguration(ctx.db);
    const config = stay ? { ...settings, ...criticalLookback(settings, state.at, start(stay)) } : settings;
    const alerts = evaluateRules(state, SAFETY_RULES, { config })
      .map((r) => r.conclusion)
      .sort((a, b) => severityRank(b.severity ?? 'info') - severityRank(a.severity ?? 'info'));
    const reports = stays.slice(0, 3).map((encounter) => evaluateQc(encounterFromResources({ encounter, patient, resources: everything }), { config: settings }));
    await audit(c, 'read', `Patient/${id}/alerts`, [id]);
    return c.json({
      scope: stay ? 'stay' : 'now',
      at: state.at,
      alerts,
      quality: reports.flatMap((r) => r.issues.map((i) => i.conclusion)),
      ...(reports[0] ? { score: reports[0].score, grade: reports[0].grade, encounterId: reports[0].encounterId } : {}),
    });
  });

  app.post('/:id/summary', async (c) => {
    const id = c.req.param('id');
    const body = await jsonBody(c);
    const lang = langOf(body.lang);
    const encounterId = optionalString(body.encounterId, 'encounterId');
    const state = await stateOf(ctx, id, { encounterId });
    const result = await composeDischargeSummary(state, { lang, ...(encounterId ? { encounterId } : {}), ...(ctx.llm ? { llm: ctx.llm } : {}) });
    await audit(c, 'compose', `Patient/${id}/summary${encounterId ? `?encounter=${encounterId}` : ''}`, [id]);
    return c.json(result);
  });

  app.post('/:id/verify', async (c) => {
    const id = c.req.param('id');
    const body = await jsonBody(c);
    const text = requiredString(body.text, 'text', 200_000);
    const encounterId = optionalString(body.encounterId, 'encounterId');
    const state = await stateOf(ctx, id, { encounterId });
    const report = verifyText(text, recordFromState(state), { lang: langOf(body.lang), citations: citationsOf(body.citations) });
    await audit(c, 'verify', `Patient/${id}/verify`, [id]);
    return c.json(report);
  });

  // Sign-off: re-verified on the server; refused while a claim is contradicted or a critical fact omitted.
  app.post('/:id/summary/sign', async (c) => {
    const id = c.req.param('id');
    const body = await jsonBody(c);
    const text = requiredString(body.text, 'text', 200_000);
    const encounterId = optionalString(body.encounterId, 'encounterId');
    const lang = langOf(body.lang);
    const state = await stateOf(ctx, id, { encounterId });
    const report = verifyText(text, recordFromState(state), { lang, citations: citationsOf(body.citations) });
    if (report.blocked) {
      await audit(c, 'sign', `Patient/${id}/summary`, [id], 409);
      return c.json({ signed: false, reason: 'sign-off is blocked while a claim is contradicted or a critical fact is omitted', report }, 409);
    }
    const principal = c.get('principal');
    const { stored } = await ctx.resources.put({
      resourceType: 'DocumentReference',
      id: newId(),
      status: 'current',
      docStatus: 'final',
      type: { coding: [{ system: 'http://loinc.org', code: '18842-5', display: 'Discharge summary' }], text: lang === 'zh' ? '出院记录' : 'Discharge summary' },
      subject: { reference: `Patient/${id}` },
      date: new Date().toISOString(),
      author: [{ display: principal.name }],
      ...(encounterId ? { context: { encounter: [{ reference: `Encounter/${encounterId}` }] } } : {}),
      content: [{ attachment: { contentType: 'text/markdown; charset=utf-8', language: lang === 'zh' ? 'zh-CN' : 'en', data: Buffer.from(text, 'utf8').toString('base64') } }],
    });
    await audit(c, 'sign', `DocumentReference/${stored.id}`, [id]);
    return c.json({ signed: true, documentReference: `DocumentReference/${stored.id}`, report });
  });

  app.post('/:id/feedback', async (c) => {
    const id = c.req.param('id');
    const input = parseFeedback({ ...(await jsonBody(c)), patientId: id }, c.get('principal').id);
    const row = await feedback.record(input);
    await audit(c, 'feedback', `feedback/${row.id}`, [id]);
    return c.json(row, 201);
  });

  app.get('/:id/feedback', async (c) => {
    const id = c.req.param('id');
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

async function stateOf(ctx: AppContext, id: string, opts: { at?: string; encounterId?: string }): Promise<PatientState> {
  const patient = await ctx.resources.read('Patient', id);
  if (!patient || patient.deleted) throw notFound(`no Patient/${id}`, { field: 'id' });
  if (opts.at !== undefined && Number.isNaN(Date.parse(opts.at))) throw invalid(`not a date: ${opts.at}`, { field: 'at' });
  return buildPatientState(ctx.db, ctx.resources, id, { ...(opts.at ? { at: opts.at } : {}), ...(opts.encounterId ? { encounterId: opts.encounterId } : {}) });
}

/** Critical-value rules looking back over a whole stay (plus a day) instead of their live window. */
function criticalLookback(stored: RuleConfiguration, at: string, stayStart: string): RuleConfiguration {
  const hours = Math.ceil((Date.parse(at) - Date.parse(stayStart)) / 3_600_000) + 24;
  if (!Number.isFinite(hours)) return {};
  return Object.fromEntries(
    SAFETY_RULES.filter((r) => r.group === 'critical-value').map((r) => [r.id, { ...stored[r.id], params: { ...(stored[r.id]?.params ?? {}), lookbackHours: hours } }]),
  );
}

function patientSummary(e: StoredResource) {
  const p = e.resource as { name?: { text?: string; family?: string; given?: string[] }[]; gender?: string; birthDate?: string; identifier?: { value?: string }[] };
  const n = p.name?.[0];
  const name = n?.text ?? [n?.given?.join(' '), n?.family].filter(Boolean).join(' ');
  return { id: e.id, name: name || e.id, gender: p.gender ?? 'unknown', birthDate: p.birthDate, identifiers: (p.identifier ?? []).map((i) => i.value ?? '').filter(Boolean) };
}

async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  const type = c.req.header('content-type') ?? '';
  if (!type.includes('json')) throw invalid(`expected a JSON body, got '${type || 'no content type'}'`, { field: 'Content-Type' });
  try {
    const body = await c.req.json();
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
    return body as Record<string, unknown>;
  } catch (e) {
    throw invalid(`the body is not a JSON object: ${(e as Error).message}`, { field: 'body' });
  }
}

function langOf(v: unknown): Lang {
  if (v === undefined) return 'zh';
  if (v !== 'zh' && v !== 'en') throw invalid(`must be 'zh' or 'en'`, { field: 'lang' });
  return v;
}

function optionalString(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw invalid('must be a string', { field });
  return v;
}

function requiredString(v: unknown, field: string, max: number): string {
  if (typeof v !== 'string' || !v.trim()) throw invalid('is required (a non-empty string)', { field });
  if (v.length > max) throw invalid(`longer than ${max} characters`, { field });
  return v;
}

function citationsOf(v: unknown): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (!v || typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) throw invalid('must map citation keys to fact ids', { field: 'citations' });
  return v as Record<string, string>;
}
