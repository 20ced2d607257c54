import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResourceRepository, type FhirResource, migrate, openDatabase } from '../../store/index.js';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'medseek.js');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

const resources = [
  { resourceType: 'Patient', id: 'qcp1', gender: 'male', birthDate: '1958-06-01' },
  {
    resourceType: 'Encounter',
    id: 'qce1',
    status: 'finished',
    class: { code: 'IMP' },
    subject: { reference: 'Patient/qcp1' },
    period: { start: '2026-03-02T09:00:00+08:00', end: '2026-03-06T10:00:00+08:00' },
  },
  {
    resourceType: 'Encounter',
    id: 'qce0',
    status: 'finished',
    class: { code: 'IMP' },
    subject: { reference: 'Patient/qcp1' },
    period: { start: '2025-01-02T09:00:00+08:00', end: '2025-01-06T10:00:00+08:00' },
  },
  {
    resourceType: 'DocumentReference',
    id: 'qcd1',
    status: 'current',
    docStatus: 'final',
    type: { text: '入院记录' },
    subject: { reference: 'Patient/qcp1' },
    date: '2026-03-03T11:00:00+08:00',
    context: { encounter: [{ reference: 'Encounter/qce1' }], period: { start: '2026-03-02T10:00:00+08:00' } },
    content: [{ attachment: { contentType: 'text/plain; charset=utf-8', data: b64('入院记录\n主诉：胸痛2小时') } }],
  },
] as unknown as FhirResource[];

describe('medseek qc', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'medseek-qc-'));
    const db = await openDatabase({ dataDir: join(dir, 'store') });
    await migrate(db);
    await createResourceRepository(db).putMany(resources);
    await db.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const medseek = (args: string[]) =>
    run(process.execPath, [bin, ...args], {
      env: { ...process.env, MEDSEEK_DATA_DIR: join(dir, 'store'), DATABASE_URL: '' },
    });

  it('checks the inpatient stays since a date and writes JSON, Markdown and HTML reports', async () => {
    const out = join(dir, 'report');
    const { stdout } = await medseek(['qc', '--since', '2026-01-01', '--out', out]);
    expect(stdout).toMatch(/checked 1 encounters/);
    const json = JSON.parse(readFileSync(join(out, 'qc-report.json'), 'utf8')) as {
      encounters: number;
      reports: { encounterId: string; issues: { ruleId: string }[] }[];
    };
    expect(json.encounters).toBe(1);
    expect(json.reports[0]!.encounterId).toBe('qce1');
    // The admission note was signed 26 h after admission.
    expect(json.reports[0]!.issues.map((i) => i.ruleId)).toContain('T01');
    expect(readFileSync(join(out, 'qc-report.md'), 'utf8')).toContain('| T01 |');
    expect(existsSync(join(out, 'qc-report.html'))).toBe(true);
  }, 90_000);

  it('refuses a bad --since and names the option', async () => {
    const err = await medseek(['qc', '--since', 'yesterday-ish', '--out', join(dir, 'x')]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((err as { stderr: string }).stderr).toMatch(/--since/);
  }, 60_000);
});
