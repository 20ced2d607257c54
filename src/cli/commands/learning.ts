import { once } from 'node:events';
import { renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { invalid, loadConfig, type Sql } from '../../core/index.js';
// Through the stage's index once src/learning/index.ts re-exports './export/index.js' (test/layering.test.ts).
import {
  type ExportAudit,
  type ExportKind,
  type ExportResult,
  exportKinds,
  exportTrainingData,
  rewardLine,
  rewardOfItem,
} from '../../learning/index.js';
import { AuditLog, openMigratedDatabase } from '../../server/index.js';

/**
 * Writes one export to `out` (JSON lines, mode 0600, written beside it and renamed so a reader never
 * sees half a file). The export itself de-identifies and writes the audit rows (learning/export).
 */
export async function writeTrainingExport(
  db: Sql,
  kind: ExportKind,
  out: string,
  opts: { secret: string | undefined; patientId?: string },
): Promise<ExportResult> {
  const path = resolve(out);
  const result = await exportTrainingData(db, kind, {
    secret: opts.secret ?? '',
    audit: exportAudit(new AuditLog(db), path),
    ...(opts.patientId ? { patientId: opts.patientId } : {}),
  });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, result.lines.map((l) => `${l}\n`).join(''), { mode: 0o600 });
  renameSync(tmp, path);
  return result;
}

/**
 * One audit row per patient whose data left, as the command line's principal (`cli:<os user>`), for
 * healthcare operations (HOPERAT) unless MEDSEEK_PURPOSE says otherwise.
 */
export function exportAudit(log: AuditLog, destination: string): ExportAudit {
  const user = process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  const purpose = process.env.MEDSEEK_PURPOSE?.trim() || 'HOPERAT';
  return (kind, linesByPatient) => {
    const rows = linesByPatient.size > 0 ? [...linesByPatient] : [[undefined, 0] as const];
    return log.record(
      rows.map(([patientId, lines]) => ({
        principal: `cli:${user}`,
        principalKind: 'cli' as const,
        action: 'export',
        resource: `learning/export/${kind}`,
        ...(patientId !== undefined ? { patientId } : {}),
        purpose,
        outcome: 200,
        detail: { kind, lines, deidentified: true, destination },
      })),
    );
  };
}

/**
 * Scores completions for a trainer (GRPO reward bridge): reads JSON lines `{"item": <reward line>,
 * "completion": "…"}` and writes `{"reward": r, "breakdown": {…}}` per line, in order. A line that is
 * not a valid item gets `{"error": "…"}`, so one bad row does not stop a training step.
 */
export async function scoreLines(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<number> {
  let n = 0;
  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const raw of rl) {
    if (!raw.trim()) continue;
    n++;
    let answer: unknown;
    try {
      const body = JSON.parse(raw) as { item?: unknown; completion?: unknown };
      if (typeof body.completion !== 'string') throw new Error('field completion: must be a string');
      const item = rewardLine.safeParse(body.item);
      if (!item.success) {
        const issue = item.error.issues[0]!;
        throw new Error(`field item.${issue.path.join('.')}: ${issue.message}`);
      }
      const r = rewardOfItem(item.data, body.completion);
      answer = { reward: r.reward, breakdown: r.breakdown, contradictions: r.contradictions };
    } catch (e) {
      answer = { error: `line ${n}: ${(e as Error).message}` };
    }
    if (!output.write(`${JSON.stringify(answer)}\n`)) await once(output, 'drain');
  }
  return n;
}

export function register(program: Command): void {
  const learning = program.command('learning').description('learning from clinicians: training data for the model');
  learning
    .command('export')
    .description(
      'export de-identified training data (JSON lines): sft (chat), dpo (preference pairs), ' +
        'reward (verifiable-reward items), reasoning (traces for distillation); audited per patient',
    )
    .requiredOption('--kind <kind>', exportKinds.join(' | '))
    .requiredOption('--out <file>', 'the JSON-lines file to write')
    .option('--patient <id>', 'only this patient')
    .action(async (opts: { kind: string; out: string; patient?: string }) => {
      if (!exportKinds.includes(opts.kind as ExportKind))
        throw invalid(`unknown kind '${opts.kind}' (${exportKinds.join(', ')})`, { field: '--kind' });
      if (!process.env.MEDSEEK_DEID_SECRET)
        throw invalid(
          'set MEDSEEK_DEID_SECRET (16+ characters): it keys the date shift and the patient pseudonyms, ' +
            'so exports stay joinable and unlinkable without it',
          { field: 'MEDSEEK_DEID_SECRET' },
        );
      const db = await openMigratedDatabase(loadConfig());
      try {
        const r = await writeTrainingExport(db, opts.kind as ExportKind, opts.out, {
          secret: process.env.MEDSEEK_DEID_SECRET,
          ...(opts.patient ? { patientId: opts.patient } : {}),
        });
        const skipped = Object.entries(r.skipped).map(([why, n]) => `${n} ${why}`);
        const wrote = `${r.lines.length} ${r.kind} line(s) from ${r.patients} patient(s) to ${resolve(opts.out)}`;
        process.stderr.write(`${wrote}${skipped.length ? `; skipped: ${skipped.join('; ')}` : ''}\n`);
      } finally {
        await db.close();
      }
    });
  learning
    .command('reward')
    .description(
      'score completions with the MedSeek verifier: stdin {"item": <reward line>, "completion": "…"} ' +
        'per line, stdout {"reward", "breakdown"} per line',
    )
    .action(async () => {
      await scoreLines(process.stdin, process.stdout);
    });
}
