import { notFound, type Sql } from '../../core/index.js';
import type { AnyResource } from '../../fusion/index.js';
import { activeQualityRules, loadRuleConfiguration, runQc } from '../../reasoning/index.js';
import { createResourceRepository, type ResourceRepository } from '../../store/index.js';
import type { JobHandler } from './types.js';

/** Encounters read per page of the store. */
const PAGE = 500;

/**
 * A QC run as a job (`medseek qc` off the request path): progress per encounter checked. A retry runs
 * the whole selection again; nothing is duplicated because each report replaces the encounter's last
 * one (`reasoning_qc_report` is keyed by encounter, migration 0453). A named encounter is checked
 * whatever its class; a run over dates checks inpatient stays unless `all`, and with `current` only the
 * stays in progress (the whole hospital's ward round).
 */
export function qcHandler(db: Sql): JobHandler<'qc'> {
  return async (data, ctx) => {
    if (data?.since !== undefined && !Number.isFinite(Date.parse(data.since)))
      throw new Error(`qc job: data.since '${data.since}' is not a date`);
    const repo = createResourceRepository(db);
    const hospital = data?.hospital ?? 'default';
    const encounters = data?.encounterId
      ? await oneEncounter(repo, data.encounterId)
      : allEncounters(repo, data?.current === true);
    await ctx.progress({ done: 0, items: 0 });
    const summary = await runQc(
      {
        encounters: () => encounters,
        patientResources: async (id) =>
          (await repo.everything(id)).filter((s) => !s.deleted).map((s) => s.resource as AnyResource),
      },
      await activeQualityRules(db),
      {
        ...(data?.since ? { since: data.since } : {}),
        all: !!data?.all || !!data?.encounterId,
        config: await loadRuleConfiguration(db, hospital),
        hospitalId: hospital,
        sql: db,
        onProgress: (done, total) => {
          ctx.progress({ done, total, items: done }).catch(() => {});
        },
      },
    );
    const { reports, ...head } = summary;
    // The reports themselves are in reasoning_qc_report; the job keeps the run's summary and where to look.
    return {
      ...head,
      hospital,
      ...(data?.current ? { current: true } : {}),
      encounterIds: reports.slice(0, 100).map((r) => r.encounterId),
    };
  };
}

/** Encounter statuses of a stay still in progress (FHIR R4 Encounter.status). */
const IN_PROGRESS = new Set(['arrived', 'triaged', 'in-progress', 'onleave']);

/** A stay in progress: by its status, or, without a status (or 'unknown'), by having no end yet. */
function isCurrentStay(e: AnyResource): boolean {
  const { status, period } = e as { status?: string; period?: { end?: string } };
  if (status && status !== 'unknown') return IN_PROGRESS.has(status);
  return !period?.end;
}

async function* allEncounters(repo: ResourceRepository, currentOnly: boolean): AsyncIterable<AnyResource> {
  for (let offset = 0; ; offset += PAGE) {
    const r = await repo.search('Encounter', { count: PAGE, offset });
    for (const e of r.entries)
      if (!e.deleted && (!currentOnly || isCurrentStay(e.resource as AnyResource))) yield e.resource as AnyResource;
    if (r.entries.length < PAGE) break;
  }
}

async function oneEncounter(repo: ResourceRepository, id: string): Promise<AsyncIterable<AnyResource>> {
  const stored = await repo.read('Encounter', id);
  if (!stored || stored.deleted) throw notFound(`qc job: no Encounter/${id} in the store`, { field: 'encounterId' });
  const encounter = stored.resource as AnyResource;
  return (async function* () {
    yield encounter;
  })();
}
