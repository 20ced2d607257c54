import { describe, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { createResourceRepository, resourceSink } from '../../store/index.js';
import { MALFORMED, VALID } from './__fixtures__/corpus.js';
import { processMessage } from './process.js';
import { splitMessages } from './split.js';
import { fixture, fixtureFiles, pick, rowCounts, storeOf } from './__fixtures__/support.js';

const options = { defaultOffset: '+08:00' };

describe('HL7 corpus', () => {
  it('has at least 50 messages, each valid file with its expectations and each malformed one with its error', () => {
    const valid = fixtureFiles('valid');
    const malformed = fixtureFiles('malformed');
    expect(valid).toEqual(Object.keys(VALID).sort());
    expect(malformed).toEqual(Object.keys(MALFORMED).sort());
    const messages = valid.reduce((n, f) => n + splitMessages(fixture('valid', f)).length, 0) + malformed.length;
    expect(messages).toBeGreaterThanOrEqual(50);
  });
});

forEachBackend('HL7 corpus into the store', (db) => {
  const store = () => storeOf(db(), (tx) => resourceSink(tx));

  it('stores every valid message as the FHIR resources its segments map to', async () => {
    const repo = createResourceRepository(db());
    for (const file of fixtureFiles('valid')) {
      const messages = splitMessages(fixture('valid', file));
      const expected = VALID[file]!;
      expect(messages.length, file).toBe(expected.length);
      for (const [i, bytes] of messages.entries()) {
        const outcome = await processMessage(bytes, store(), options);
        const label = `${file} message ${i + 1}: ${outcome.error?.where} ${outcome.error?.reason}`;
        expect(outcome.code, label).toBe('AA');
        expect(outcome.ack, label).toMatch(new RegExp(`\\rMSA\\|AA\\|${outcome.controlId}\\|`));
        const written = await Promise.all(
          outcome.resources.map(async (ref) => {
            const [type, id] = ref.split('/') as [string, string];
            return (await repo.read(type, id))!.resource;
          }),
        );
        const types: Record<string, number> = {};
        for (const r of written) types[r.resourceType] = (types[r.resourceType] ?? 0) + 1;
        expect(types, label).toEqual(expected[i]!.types);
        for (const [target, path, value] of expected[i]!.fields ?? []) {
          const [type, nth] = target.split('#') as [string, string | undefined];
          const resource = written.filter((r) => r.resourceType === type)[Number(nth ?? 1) - 1];
          expect(pick(resource, path), `${label} ${target}.${path}`).toEqual(value);
        }
        // Everything the message wrote references the one Patient it names.
        const patients = new Set(
          written.map((r) => pick(r, 'subject.reference') ?? pick(r, 'patient.reference')).filter(Boolean),
        );
        expect(patients.size, label).toBeLessThanOrEqual(1);
      }
    }
  });

  it('answers every malformed message with AE or AR and an ERR naming segment and field, storing nothing', async () => {
    for (const file of fixtureFiles('malformed')) {
      const before = await rowCounts(db());
      const outcome = await processMessage(fixture('malformed', file), store(), options);
      const want = MALFORMED[file]!;
      expect({ code: outcome.code, where: outcome.error?.where, hl7Code: outcome.error?.hl7Code }, file).toEqual({
        code: want.ack,
        where: want.where,
        hl7Code: want.hl7Code,
      });
      const err = outcome.ack.split('\r').find((s) => s.startsWith('ERR|'));
      const [segment, field] = want.where.replace(/\[\d+\]/, '').split('-') as [string, string | undefined];
      expect(err, file).toContain(`|${segment}^`);
      if (field) expect(err?.split('|')[2]?.split('^')[2], file).toBe(field.split('.')[0]);
      expect(err?.split('|')[3], file).toMatch(new RegExp(`^${want.hl7Code}\\^.+\\^HL70357$`));
      expect(outcome.ack, file).toMatch(new RegExp(`\\rMSA\\|${want.ack}\\|`));
      expect(await rowCounts(db()), file).toEqual(before);
    }
  });
});
