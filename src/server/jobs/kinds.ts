import type { Sql } from '../../core/index.js';
import { extractPendingNotes } from '../../fusion/index.js';
import { type FhirResource, type ImportSummary, type IngestSink, importPath } from '../../ingest/index.js';
import {
  createResourceRepository,
  patientIdFromReference,
  refreshSearchIndex,
  resourceSink,
} from '../../store/index.js';
import type { ReminderNotifier } from '../../followup/index.js';
import { envNotifier, sendRemindersHandler } from './reminders.js';
import { type FederateSettings, federateExportHandler } from './federate-job.js';
import { qcHandler } from './qc-job.js';
import { type SummarizeSettings, summarizeHandler } from './summarize-job.js';
import type { JobHandlers, JobQueue } from './types.js';

/** What the QC, federated-export and summary kinds take from outside the store (tests give their own). */
export interface JobSettings {
  readonly federate?: FederateSettings;
  readonly summarize?: SummarizeSettings;
}

/** Patients per note-extraction job an import hands on (each job can go to another worker). */
const PATIENTS_PER_NOTES_JOB = 200;

/**
 * The handlers of every job kind, over the store `db`. Every kind is idempotent, so an attempt that
 * is retried after a crash (or overlaps a lost one) writes nothing twice: an import re-writes the
 * same resources as unchanged (same content, no new version), an extraction skips notes already read
 * by the same extractor. An import hands its notes on as extraction jobs with keys made from its own
 * id, so a retried import queues them once. Sending reminders claims each reminder before it is sent.
 * A QC run replaces each encounter's report; a federated export charges its job's release once
 * (federate-job.ts); a summary is stored as the draft named by its job's id (summarize-job.ts).
 * `notifier`: the reminders' channel (default: the environment's, MEDSEEK_REMINDER_NOTIFIER).
 */
export function jobHandlers(
  db: Sql,
  queue: Pick<JobQueue, 'submit'>,
  notifier: () => ReminderNotifier = envNotifier(db, (f, m) =>
    process.stdout.write(`${JSON.stringify({ event: 'reminder', message: m, ...f })}\n`),
  ),
  settings: JobSettings = {},
): JobHandlers {
  return {
    'send-reminders': sendRemindersHandler(db, notifier),
    qc: qcHandler(db),
    'federate-export': federateExportHandler(db, settings.federate),
    summarize: summarizeHandler(db, settings.summarize),

    async import(data, ctx) {
      if (typeof data?.path !== 'string' || data.path === '')
        throw new Error('import job: data.path must name a file or directory');
      const batchSize = data.batchSize ?? 500;
      if (!Number.isInteger(batchSize) || batchSize < 1)
        throw new Error('import job: data.batchSize must be a positive integer');
      const store = resourceSink(db);
      const notePatients = new Set<string>();
      const sink: IngestSink = {
        async write(resources: readonly FhirResource[], options) {
          const outcomes = await store.write(resources, options);
          for (const r of resources) {
            if (r.resourceType !== 'DocumentReference') continue;
            const patient = patientIdFromReference(r.subject);
            if (patient) notePatients.add(patient);
          }
          return outcomes;
        },
        findByIdentifier: store.findByIdentifier,
      };
      const summary = await importPath(data.path, sink, {
        batchSize,
        onProgress: (p) => {
          ctx.progress({ done: p.bytesDone, total: p.bytesTotal, items: p.resources }).catch(() => {});
        },
      });
      await refreshSearchIndex(db);
      const notesJobs: string[] = [];
      if (data.extractNotes !== false && notePatients.size > 0) {
        const patients = [...notePatients].sort();
        for (let i = 0; i < patients.length; i += PATIENTS_PER_NOTES_JOB) {
          const key = `${ctx.id}.notes.${i / PATIENTS_PER_NOTES_JOB}`;
          notesJobs.push(
            await queue.submit('extract-notes', { patientIds: patients.slice(i, i + PATIENTS_PER_NOTES_JOB) }, { key }),
          );
        }
      }
      return { ...importResult(summary), notesJobs };
    },

    async 'extract-notes'(data, ctx) {
      const patientIds = data?.patientIds ?? [];
      if (!Array.isArray(patientIds) || patientIds.some((p) => typeof p !== 'string'))
        throw new Error('extract-notes job: data.patientIds must be a list of Patient ids');
      const repo = createResourceRepository(db);
      await ctx.progress({ done: 0, ...(patientIds.length ? { total: patientIds.length } : {}), items: 0 });
      const report = await extractPendingNotes(db, repo, {
        ...(patientIds.length ? { patientIds } : {}),
        ...(data?.force ? { force: true } : {}),
      });
      return {
        notes: report.notes,
        extracted: report.extracted,
        unchanged: report.unchanged,
        failed: report.failed,
        facts: report.facts,
        patients: report.patients.length,
        errors: report.errors.slice(0, 20),
      };
    },
  };
}

/** An import summary as a job's result: the counts, and the first problems. */
function importResult(s: ImportSummary): Record<string, unknown> {
  return {
    files: s.files,
    read: s.read,
    created: s.created,
    updated: s.updated,
    unchanged: s.unchanged,
    rejected: s.rejected,
    errors: s.errors.slice(0, 20),
    errorsOmitted: s.errorsOmitted + Math.max(0, s.errors.length - 20),
  };
}
