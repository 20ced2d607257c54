import type { Sql } from '../../core/index.js';
import type { QcReport } from './engine.js';

/** Keeps the latest QC report of an encounter (`reasoning_qc_report`, migration 0453). */
export async function saveQcReport(sql: Sql, report: QcReport, hospitalId = 'default'): Promise<void> {
  await sql.query(
    `insert into reasoning_qc_report (encounter_id, patient_id, hospital_id, score, grade, issue_count, report, evaluated_at)
     values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)
     on conflict (encounter_id) do update set patient_id = excluded.patient_id, hospital_id = excluded.hospital_id, score = excluded.score,
       grade = excluded.grade, issue_count = excluded.issue_count, report = excluded.report, evaluated_at = excluded.evaluated_at`,
    [
      report.encounterId,
      report.patientId,
      hospitalId,
      report.score,
      report.grade,
      report.issues.length,
      JSON.stringify(report),
      report.evaluatedAt,
    ],
  );
}
