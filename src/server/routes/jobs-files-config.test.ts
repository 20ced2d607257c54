import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isMedSeekError, loadConfig } from '../../core/index.js';
import { JOB_FILES_ENV } from './jobs.js';

/** MEDSEEK_JOB_FILES_DIR, the folder API jobs name files under, is read and checked once, by loadConfig. */
const dir = mkdtempSync(join(tmpdir(), 'medseek-job-files-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const refusal = (value: string) => {
  try {
    loadConfig({ [JOB_FILES_ENV]: value });
  } catch (e) {
    if (!isMedSeekError(e)) throw e;
    return { code: e.code, field: e.location.field, message: e.message };
  }
  throw new Error(`'${value}' was accepted`);
};

describe('the job files folder setting', () => {
  it('is an absolute path to an existing folder, or unset', () => {
    expect(loadConfig({ [JOB_FILES_ENV]: dir }).jobFilesDir).toBe(dir);
    expect(loadConfig({ [JOB_FILES_ENV]: `${dir}/./` }).jobFilesDir).toBe(dir);
    expect(loadConfig({}).jobFilesDir).toBeUndefined();
    expect(loadConfig({ [JOB_FILES_ENV]: '' }).jobFilesDir).toBeUndefined();
  });

  it('refuses a relative path, a missing folder and a file, naming the setting', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const cases: [string, string][] = [
      ['shared/jobs', 'must be an absolute path'],
      [join(dir, 'missing'), 'does not exist'],
      [file, 'is not a folder'],
    ];
    for (const [value, why] of cases) {
      const r = refusal(value);
      expect(r).toMatchObject({ code: 'invalid', field: JOB_FILES_ENV });
      expect(r.message).toContain(JOB_FILES_ENV);
      expect(r.message).toContain(why);
    }
  });
});
