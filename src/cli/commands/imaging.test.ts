import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInTempStore } from '../../../test/support/cli.js';
import { comprehensiveSr, ctImage, newTestStudy } from '../../../test/support/dicom.js';
import { type OrthancServer, orthancMissing, startOrthanc } from '../../../test/support/orthanc.js';

const missing = orthancMissing();
describe.runIf(missing && process.env.CI)('medseek imaging needs Orthanc in CI', () => {
  it('has Orthanc and its DICOMweb plugin', () => {
    throw new Error(`${missing}`);
  });
});

// `medseek imaging pull` against a real Orthanc: the study and its report land in the on-disk store.
describe.skipIf(!!missing)(`medseek imaging pull${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const cli = cliInTempStore('imaging');
  let orthanc: OrthancServer;
  const study = newTestStudy('CLI-MRN-7');
  const saved = { user: process.env.MEDSEEK_PACS_USER, password: process.env.MEDSEEK_PACS_PASSWORD };
  beforeAll(async () => {
    orthanc = await startOrthanc();
    await orthanc.upload(ctImage(study));
    await orthanc.upload(comprehensiveSr(study));
  }, 120_000);
  afterAll(async () => {
    process.env.MEDSEEK_PACS_USER = saved.user;
    process.env.MEDSEEK_PACS_PASSWORD = saved.password;
    if (saved.user === undefined) delete process.env.MEDSEEK_PACS_USER;
    if (saved.password === undefined) delete process.env.MEDSEEK_PACS_PASSWORD;
    await orthanc?.stop();
  });

  it('refuses a PACS URL with credentials in it and a wildcard Patient ID before touching the store', async () => {
    await expect(
      cli.run('pull', '--pacs', 'http://u:p@127.0.0.1:1/dicom-web', '--patient', 'p', '--mrn', 'X'),
    ).rejects.toThrow(/not in the URL/);
    await expect(cli.run('pull', '--pacs', orthanc.dicomWeb, '--patient', 'p', '--mrn', 'CLI*')).rejects.toThrow(
      /wildcards/,
    );
  });

  it('pulls the study and its report into the store, and says so without the password', async () => {
    process.env.MEDSEEK_PACS_USER = orthanc.user;
    process.env.MEDSEEK_PACS_PASSWORD = orthanc.password;
    const args = ['pull', '--pacs', orthanc.dicomWeb, '--patient', 'cli-p1', '--mrn', 'CLI-MRN-7', '--format', 'json'];
    const { out, exitCode } = await cli.run(...args);
    expect(exitCode).toBeUndefined();
    const summary = JSON.parse(out) as { studies: { studyUid: string; reports: string[]; outcome: string }[] };
    expect(summary.studies.map((s) => [s.studyUid, s.reports.length, s.outcome])).toEqual([
      [study.studyUid, 1, 'created'],
    ]);
    expect(out).not.toContain(orthanc.password);
  });
});
