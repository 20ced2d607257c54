import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Hl7ImportSummary } from '../../ingest/index.js';
import { createResourceRepository, openDatabase } from '../../store/index.js';
import { cliInTempStore } from '../../../test/support/cli.js';

const fixtures = join(import.meta.dirname, '..', '..', 'ingest', 'hl7', '__fixtures__');

/** `medseek hl7 import` as a user runs it, against an on-disk PGlite in a temporary folder. */
describe('medseek hl7 (CLI)', { timeout: 240_000 }, () => {
  const { dir, run } = cliInTempStore('hl7');

  it('imports a batch file, one ACK per message, and reports a second import as replays', async () => {
    const file = join(fixtures, 'valid', 'batch-three-results.hl7');
    const first = await run('import', file, '--format', 'json', '--timezone', '+08:00');
    const summary = JSON.parse(first.out) as Hl7ImportSummary;
    expect(summary).toMatchObject({ messages: 3, accepted: 3, duplicates: 0, rejected: 0 });
    expect(summary.outcomes.map((o) => o.controlId)).toEqual(['BATCH-1', 'BATCH-2', 'BATCH-3']);
    expect(first.exitCode).toBeUndefined();
    const again = await run('import', file);
    expect(again.out).toMatch(/^3 message\(s\): 0 accepted, 3 replayed, 0 rejected/);
    const db = await openDatabase({ dataDir: join(dir(), 'store') });
    try {
      const k = await createResourceRepository(db).search('Observation', { codes: ['http://loinc.org|2823-3'] });
      expect(k.total).toBe(1);
    } finally {
      await db.close();
    }
  });

  it('exits 1 and names segment, field and reason for a rejected message', async () => {
    const { out, exitCode } = await run('import', join(fixtures, 'malformed', 'missing-pid-3.hl7'));
    expect(exitCode).toBe(1);
    expect(out).toMatch(/message 1: AE ADT\^A01 BAD-PID3-1 — PID-3: the patient identifier list \(PID-3\) is empty/);
  });

  it('refuses an unknown --encoding, a malformed --timezone and bad listen options, naming the option', async () => {
    await expect(run('import', 'x.hl7', '--encoding', 'ebcdic')).rejects.toThrow(/--encoding/);
    await expect(run('import', 'x.hl7', '--timezone', '8')).rejects.toThrow(/--timezone/);
    await expect(run('listen', '--port', 'abc')).rejects.toThrow(/--port/);
    await expect(run('listen', '--port', '0', '--host', ' ')).rejects.toThrow(/--host/);
    await expect(run('listen', '--port', '0', '--max-message-mb', '0')).rejects.toThrow(/--max-message-mb/);
    await expect(run('listen', '--port', '0', '--idle-timeout', 'soon')).rejects.toThrow(/--idle-timeout/);
  });
});
