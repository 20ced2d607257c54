import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatientState } from '../../core/index.js';
import * as en from '../../fusion/__fixtures__/en-patient.js';
import { type AnyResource, fuse } from '../../fusion/index.js';
import { createResourceRepository, type FhirResource, migrate, openDatabase } from '../../store/index.js';
import { textState } from './patient.js';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'medseek.js');

describe('medseek patient', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'medseek-patient-'));
    const db = await openDatabase({ dataDir: join(dataDir, 'store') });
    await migrate(db);
    await createResourceRepository(db).putMany(en.allResources as unknown as FhirResource[]);
    await db.close();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const medseek = (args: string[]) =>
    run(process.execPath, [bin, ...args], {
      env: { ...process.env, MEDSEEK_DATA_DIR: join(dataDir, 'store'), DATABASE_URL: '' },
    });

  it('prints the fused state as JSON, with the notes extracted and conflicts flagged', async () => {
    const { stdout } = await medseek(['patient', 'p1', '--at', '2024-03-06T00:00:00Z', '--format', 'json']);
    const state = JSON.parse(stdout) as PatientState;
    expect(state).toMatchObject({ patientId: 'p1', at: '2024-03-06T00:00:00Z', demographics: { age: 63 } });
    expect(state.conflicts.map((c) => c.kind).sort()).toEqual(['assertion', 'dose']);
    expect(state.biology).toHaveLength(1);
    // The read is audited with the operating-system user as the principal.
    const db = await openDatabase({ dataDir: join(dataDir, 'store') });
    try {
      const { rows } = await db.query<{ principal_kind: string; patient_id: string }>(
        "select principal_kind, patient_id from medseek_audit where action = 'read'",
      );
      expect(rows).toContainEqual({ principal_kind: 'cli', patient_id: 'p1' });
    } finally {
      await db.close();
    }
  }, 60_000);

  it('refuses a bad --at with exit 2 and names the option', async () => {
    const err = await medseek(['patient', 'p1', '--at', 'last tuesday']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(err).toMatchObject({ code: 2 });
    expect((err as { stderr: string }).stderr).toMatch(/--at/);
  }, 60_000);

  it('prints text: one line per fact with its assertion mark and sources, then conflicts', () => {
    const text = textState(
      fuse(en.patient, en.allResources as unknown as AnyResource[], [], { at: '2024-03-06T00:00:00Z' }),
      5,
    );
    expect(text).toContain('Patient p1 at 2024-03-06T00:00:00Z');
    expect(text).toContain('male, 63 y, born 1960-06-15, 78.5 kg, 175 cm');
    expect(text).toMatch(/- Pneumonia .*<- Condition\/c-pna#Condition\.code/);
    expect(text).toMatch(/\+ Metoprolol tartrate 25 MG Oral Tablet {2}25 mg oral BID/);
    expect(text).toContain('1 earlier results not shown');
    expect(text).toContain('Conflicts (0)');
    expect(text).toContain('Timeline (latest 5 of');
  });
});
