import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInTempStore } from '../../../test/support/cli.js';
import { loadConfig } from '../../core/index.js';
import { ConfirmedCaseStore } from '../../learning/index.js';
import { ddxPatientCase, knowledgeBaseResolver, parseDdxKnowledge, parseDdxPatients } from '../../reasoning/index.js';
import { openMigratedDatabase } from '../../server/index.js';

const fixture = fileURLToPath(new URL('../../reasoning/diagnosis/__fixtures__/ddxplus/', import.meta.url));

/** `medseek calibrate` as an operator runs it: fit on confirmed cases, evaluate on held-back ones, activate, roll back. */
describe('medseek calibrate (CLI)', { timeout: 120_000 }, () => {
  const cli = cliInTempStore('calibrate');
  const saved = process.env.MEDSEEK_DDXPLUS_DIR;
  const file = (name: string) => join(cli.dir(), name);
  beforeAll(() => {
    const ddx = file('ddxplus');
    mkdirSync(ddx);
    for (const f of ['release_conditions.json', 'release_evidences.json']) copyFileSync(join(fixture, f), join(ddx, f));
    copyFileSync(join(fixture, 'patients.csv'), join(ddx, 'patients_part1.csv'));
    process.env.MEDSEEK_DDXPLUS_DIR = ddx;
    const kb = parseDdxKnowledge(
      readFileSync(join(fixture, 'release_conditions.json'), 'utf8'),
      readFileSync(join(fixture, 'release_evidences.json'), 'utf8'),
    );
    const patients = parseDdxPatients(readFileSync(join(fixture, 'patients.csv'), 'utf8'));
    const line = (p: (typeof patients)[number]) =>
      JSON.stringify({
        id: `row-${p.row}`,
        diagnosis: p.pathology,
        input: ddxPatientCase(kb, p, true),
        department: 'er',
      });
    writeFileSync(file('fit.jsonl'), `${patients.slice(0, 6).map(line).join('\n')}\n`);
    writeFileSync(file('held.jsonl'), `${patients.slice(6).map(line).join('\n')}\n`);
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.MEDSEEK_DDXPLUS_DIR;
    else process.env.MEDSEEK_DDXPLUS_DIR = saved;
  });

  it('fits, evaluates on held-back cases, activates only what passed, and rolls back', async () => {
    const fitWith = (heldBack: string) =>
      cli.run('fit', '--kb', 'ddxplus', '--cases', file('fit.jsonl'), '--held-back', heldBack, '--by', 'dr.li');
    // Held-back cases that were fitted on are refused, naming how many.
    await expect(fitWith(file('fit.jsonl'))).rejects.toThrow(/6 held-back cases are among the cases to fit on/);
    const { out } = await fitWith(file('held.jsonl'));
    const r = JSON.parse(out.trim().split('\n').at(-1)!);
    expect(r).toMatchObject({ cases: 6, heldBack: 5, baseline: { id: null } });
    expect(r.map.departments).toHaveProperty('er');
    expect(r.status).toBe(r.passed ? 'candidate' : 'refused');
    // The gate: worse Brier or ECE than the raw posterior is refused, not worse passes.
    expect(r.passed).toBe(r.candidate.brier <= r.raw.brier && r.candidate.ece <= r.raw.ece);
    const listed = (await cli.run('list', '--kb', 'ddxplus')).out.trim().split('\n');
    expect(listed.map((l) => JSON.parse(l).id)).toEqual([r.id]);
    if (!r.passed) {
      await expect(cli.run('activate', r.id, '--by', 'admin')).rejects.toThrow(/refused; only a candidate that passed/);
      return;
    }
    expect(JSON.parse((await cli.run('activate', r.id, '--by', 'admin')).out)).toMatchObject({ status: 'active' });
    expect(JSON.parse((await cli.run('rollback', '--kb', 'ddxplus', '--by', 'admin')).out)).toMatchObject({
      active: null,
    });
    await expect(cli.run('rollback', '--kb', 'ddxplus', '--by', 'admin')).rejects.toThrow(/is active/);
  });

  it('fits from the confirmed cases the hospital stores, holding back a share of them', async () => {
    const lines = ['fit.jsonl', 'held.jsonl'].flatMap((f) => readFileSync(file(f), 'utf8').trim().split('\n'));
    const network = await knowledgeBaseResolver()('ddxplus');
    const db = await openMigratedDatabase(loadConfig());
    try {
      const store = new ConfirmedCaseStore(db);
      for (const l of lines) {
        const c = JSON.parse(l);
        await store.record({
          networkId: network.model.id,
          source: 'accepted-differential',
          sourceRef: c.id,
          diagnosis: c.diagnosis,
          input: c.input,
          confirmedBy: 'dr.li',
        });
      }
    } finally {
      await db.close();
    }
    await expect(
      cli.run('fit', '--kb', 'ddxplus', '--from-store', '--cases', file('fit.jsonl'), '--by', 'dr.li'),
    ).rejects.toThrow(/--from-store reads no files/);
    const { out } = await cli.run(
      'fit',
      '--kb',
      'ddxplus',
      '--from-store',
      '--held-back-share',
      '0.5',
      '--learned-release',
      '--by',
      'dr.li',
    );
    const [calibration, learned] = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(calibration.cases + calibration.heldBack).toBe(lines.length);
    expect(learned).toMatchObject({
      kind: 'learned-release',
      cases: calibration.cases,
      heldBack: calibration.heldBack,
    });
    expect(learned.status).toBe(learned.passed ? 'candidate' : 'refused');
  });
});
