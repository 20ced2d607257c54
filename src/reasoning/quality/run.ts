import type { Sql } from '../../core/index.js';
import type { AnyResource } from '../../fusion/index.js';
import { criticalLoopsForPatient } from '../safety/critical-loop.js';
import type { RuleConfiguration } from '../safety/rule.js';
import type { QcEncounter } from './model.js';
import { evaluateQc, type QcReport } from './engine.js';
import { encounterFromResources } from './from-fhir.js';
import { type QcRunSummary, summarise } from './report.js';
import type { QcRuleBook } from './rulebook.js';
import { saveQcReport } from './store.js';

/**
 * QC over many encounters (`medseek qc`): reads every encounter from a source (the FHIR store),
 * builds its QC view, evaluates the rule book's rules, stores each report and returns the run summary.
 * By default only inpatient stays are checked (the rules are inpatient-record rules); `all` checks
 * every encounter.
 */
export interface QcResourceSource {
  /** Every Encounter (any order). */
  encounters(): AsyncIterable<AnyResource>;
  /** The patient's resources (Patient included). */
  patientResources(patientId: string): Promise<readonly AnyResource[]>;
}

export interface RunQcOptions {
  readonly since?: string;
  readonly all?: boolean;
  readonly now?: string;
  readonly config?: RuleConfiguration;
  readonly hospitalId?: string;
  /** Where to store each report (omit to keep nothing). */
  readonly sql?: Sql;
  readonly onProgress?: (done: number, total: number) => void;
}

const INPATIENT = new Set(['IMP', 'ACUTE', 'NONAC', 'inpatient', 'PRENC']);

export function isInpatient(enc: AnyResource): boolean {
  const cls = (enc as { class?: { code?: string } }).class?.code;
  return !!cls && INPATIENT.has(cls);
}

export async function runQc(
  source: QcResourceSource,
  book: QcRuleBook,
  options: RunQcOptions = {},
): Promise<QcRunSummary> {
  const now = options.now ?? new Date().toISOString();
  const chosen: AnyResource[] = [];
  for await (const enc of source.encounters()) {
    const start = (enc as { period?: { start?: string } }).period?.start;
    if (!start) continue;
    if (options.since && Date.parse(start) < Date.parse(options.since)) continue;
    if (!options.all && !isInpatient(enc)) continue;
    chosen.push(enc);
  }
  const byPatient = new Map<string, AnyResource[]>();
  for (const e of chosen) {
    const p = ((e as { subject?: { reference?: string } }).subject?.reference ?? '').replace(/^.*Patient\//, '');
    byPatient.set(p, [...(byPatient.get(p) ?? []), e]);
  }
  const reports: QcReport[] = [];
  let done = 0;
  options.onProgress?.(0, chosen.length);
  for (const [patientId, encs] of byPatient) {
    const resources = await source.patientResources(patientId);
    const patient = resources.find((r) => r.resourceType === 'Patient');
    for (const enc of encs) {
      let qcEnc = encounterFromResources({
        encounter: enc,
        ...(patient ? { patient } : {}),
        resources,
        reading: book.headings,
      });
      if (options.sql) qcEnc = await withCriticalLoops(options.sql, qcEnc, now);
      const report = evaluateQc(qcEnc, book, { now, ...(options.config ? { config: options.config } : {}) });
      if (options.sql) await saveQcReport(options.sql, report, options.hospitalId);
      reports.push(report);
      options.onProgress?.(++done, chosen.length);
    }
  }
  return summarise(reports, { release: book.release, ...(options.since ? { since: options.since } : {}), now });
}

/**
 * Adds what the critical-value loop log (reasoning_critical_value, filled by the safety rules and
 * the ward's read-back entries) says about the stay's critical results, so C23 checks the real loop.
 */
export async function withCriticalLoops(sql: Sql, enc: QcEncounter, now: string): Promise<QcEncounter> {
  const loops = await criticalLoopsForPatient(sql, enc.patientId, enc.admitAt, enc.dischargeAt ?? now);
  if (loops.length === 0) return enc;
  const cvs = [...enc.criticalValues];
  for (const l of loops) {
    const resultId = l.resultRef.replace(/^.*\//, '');
    const i = cvs.findIndex((c) => c.resultId === resultId);
    const merged = {
      id: i >= 0 ? cvs[i]!.id : l.id,
      resultId,
      name: i >= 0 ? cvs[i]!.name : l.analyte,
      reportedAt: i >= 0 ? cvs[i]!.reportedAt : l.reportedAt,
      logged: true,
      ...(l.receivedAt ? { receivedAt: l.receivedAt } : {}),
      ...(l.readBack !== undefined ? { readBack: l.readBack } : {}),
      ...(l.physicianNotifiedAt ? { physicianNotifiedAt: l.physicianNotifiedAt } : {}),
    };
    if (i >= 0) cvs[i] = merged;
    else cvs.push(merged);
  }
  return { ...enc, criticalValues: cvs };
}
