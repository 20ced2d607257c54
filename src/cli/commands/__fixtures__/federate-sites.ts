import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, beforeAll, vi } from 'vitest';
import { ddxPatientCase, parseDdxKnowledge, parseDdxPatients } from '../../../reasoning/index.js';
import { register } from '../federate.js';

const fixture = fileURLToPath(new URL('../../../reasoning/diagnosis/__fixtures__/ddxplus/', import.meta.url));

export interface FederateSites {
  /** A file in the test's own folder. */
  at(file: string): string;
  /** `medseek federate <args>` in this process; what it printed. */
  run(...args: string[]): Promise<string>;
}

/**
 * Hospitals for the `medseek federate` tests, called inside a `describe`: the DDXPlus fixture as the knowledge
 * (MEDSEEK_DDXPLUS_DIR) and an on-disk PGlite store in a temporary folder, and each site's cases
 * (`<site>.jsonl`, the fixture's patients from..to) there; the environment is put back after the tests.
 */
export function federateSites(prefix: string, sites: Record<string, readonly [number, number?]>): FederateSites {
  let dir = '';
  const saved = {
    MEDSEEK_DATA_DIR: process.env.MEDSEEK_DATA_DIR,
    MEDSEEK_DDXPLUS_DIR: process.env.MEDSEEK_DDXPLUS_DIR,
    DATABASE_URL: process.env.DATABASE_URL,
  };
  const at = (file: string) => join(dir, file);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    const ddx = at('ddxplus');
    mkdirSync(ddx);
    for (const f of ['release_conditions.json', 'release_evidences.json']) copyFileSync(join(fixture, f), join(ddx, f));
    copyFileSync(join(fixture, 'patients.csv'), join(ddx, 'patients_part1.csv'));
    process.env.MEDSEEK_DDXPLUS_DIR = ddx;
    process.env.MEDSEEK_DATA_DIR = at('store');
    delete process.env.DATABASE_URL;
    const kb = parseDdxKnowledge(
      readFileSync(join(fixture, 'release_conditions.json'), 'utf8'),
      readFileSync(join(fixture, 'release_evidences.json'), 'utf8'),
    );
    const patients = parseDdxPatients(readFileSync(join(fixture, 'patients.csv'), 'utf8'));
    const line = (p: (typeof patients)[number]) =>
      JSON.stringify({ id: `row-${p.row}`, diagnosis: p.pathology, input: ddxPatientCase(kb, p, true) });
    for (const [site, [from, to]] of Object.entries(sites))
      writeFileSync(at(`${site}.jsonl`), `${patients.slice(from, to).map(line).join('\n')}\n`);
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(...args: string[]): Promise<string> {
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    const program = new Command().exitOverride();
    register(program);
    try {
      await program.parseAsync(['node', 'medseek', 'federate', ...args]);
    } finally {
      spy.mockRestore();
    }
    return out;
  }

  return { at, run };
}
