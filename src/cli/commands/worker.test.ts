import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInTempStore } from '../../../test/support/cli.js';
import * as en from '../../fusion/__fixtures__/en-patient.js';
import { ddxPatientCase, parseDdxKnowledge, parseDdxPatients } from '../../reasoning/index.js';
import { createResourceRepository, type FhirResource, migrate, openDatabase } from '../../store/index.js';

const ddxFixture = fileURLToPath(new URL('../../reasoning/diagnosis/__fixtures__/ddxplus/', import.meta.url));

/** `medseek worker submit qc|federate-export|summarize` on the embedded database: each job runs in the CLI's process. */
describe('medseek worker submit (embedded database)', { timeout: 120_000 }, () => {
  const cli = cliInTempStore('worker');
  const saved = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k.startsWith('MEDSEEK_LLM') || k === 'DEEPSEEK_API_KEY'),
  );
  const env = { fed: process.env.MEDSEEK_FEDERATED_DIR, ddx: process.env.MEDSEEK_DDXPLUS_DIR };

  beforeAll(async () => {
    // No model: the summary is the verified template text.
    for (const k of Object.keys(saved)) delete process.env[k];
    const dir = cli.dir();
    const db = await openDatabase({ dataDir: join(dir, 'store') });
    await migrate(db);
    await createResourceRepository(db).putMany(en.allResources as unknown as FhirResource[]);
    await db.close();
    const ddx = join(dir, 'ddxplus');
    mkdirSync(ddx);
    for (const f of ['release_conditions.json', 'release_evidences.json'])
      copyFileSync(join(ddxFixture, f), join(ddx, f));
    copyFileSync(join(ddxFixture, 'patients.csv'), join(ddx, 'patients_part1.csv'));
    process.env.MEDSEEK_DDXPLUS_DIR = ddx;
    process.env.MEDSEEK_FEDERATED_DIR = join(dir, 'packages');
    const kb = parseDdxKnowledge(
      readFileSync(join(ddxFixture, 'release_conditions.json'), 'utf8'),
      readFileSync(join(ddxFixture, 'release_evidences.json'), 'utf8'),
    );
    const cases = parseDdxPatients(readFileSync(join(ddxFixture, 'patients.csv'), 'utf8')).map((p) =>
      JSON.stringify({ diagnosis: p.pathology, input: ddxPatientCase(kb, p, true) }),
    );
    writeFileSync(join(dir, 'cases.jsonl'), `${cases.join('\n')}\n`);
  }, 60_000);
  afterAll(() => {
    Object.assign(process.env, saved);
    for (const [k, v] of [
      ['MEDSEEK_FEDERATED_DIR', env.fed],
      ['MEDSEEK_DDXPLUS_DIR', env.ddx],
    ] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  });

  const record = (out: string) => JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;

  it('runs a QC run and reports it by id', async () => {
    const { out, exitCode } = await cli.run('submit', 'qc', '--since', '2024-01-01');
    const job = record(out);
    expect(exitCode).toBeUndefined();
    expect(job).toMatchObject({ kind: 'qc', state: 'completed', result: { encounters: 1, encounterIds: ['e1'] } });
    const status = await cli.run('status', String(job.id));
    expect(record(status.out)).toMatchObject({ id: job.id, state: 'completed', progress: { done: 1, total: 1 } });
  });

  it('stores a summary as the draft named by its job', async () => {
    const job = record((await cli.run('submit', 'summarize', 'e1', '--lang', 'en')).out);
    expect(job).toMatchObject({ kind: 'summarize', state: 'completed' });
    expect(job.result).toMatchObject({ draftId: job.id, patientId: 'p1', model: { used: false } });
  });

  it('writes a federated package into MEDSEEK_FEDERATED_DIR, charged to its ledger', async () => {
    const dir = cli.dir();
    const job = record(
      (
        await cli.run(
          'submit',
          'federate-export',
          '--kb',
          'ddxplus',
          '--cases',
          join(dir, 'cases.jsonl'),
          '--site',
          'north',
          '--epsilon',
          '2',
          '--closed-world',
          '--budget-epsilon',
          '5',
          '--budget-delta',
          '1e-4',
        )
      ).out,
    );
    expect(job).toMatchObject({ kind: 'federate-export', state: 'completed', result: { spentEpsilon: 2 } });
    expect(existsSync(join(dir, 'packages', `north-${job.id}.json`))).toBe(true);
  });

  it('refuses a date that is not one before queuing anything', async () => {
    await expect(cli.run('submit', 'qc', '--since', 'someday')).rejects.toThrow("'someday' is not a date");
  });
});
