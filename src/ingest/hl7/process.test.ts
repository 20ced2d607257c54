import iconv from 'iconv-lite';
import { expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { MedSeekError } from '../../core/index.js';
import { createResourceRepository, resourceSink } from '../../store/index.js';
import { processMessage } from './process.js';
import { fixture, rowCounts, storeOf } from './__fixtures__/support.js';

const options = { defaultOffset: '+08:00' };

forEachBackend('HL7 message processing', (db) => {
  const store = () => storeOf(db(), (tx) => resourceSink(tx));

  it('answers a replayed MSH-10 with the original ACK and stores nothing twice', async () => {
    const bytes = fixture('valid', 'oru-r01-cbc.hl7');
    const first = await processMessage(bytes, store(), options);
    expect(first).toMatchObject({ code: 'AA', duplicate: false });
    const before = await rowCounts(db());
    // The same message again, over a file with LF line ends this time.
    const again = await processMessage(Buffer.from(bytes.toString('utf8').replaceAll('\r', '\n')), store(), options);
    expect(again).toMatchObject({ code: 'AA', duplicate: true, resources: [] });
    expect(again.ack).toBe(first.ack);
    expect(await rowCounts(db())).toEqual(before);
    const [type, id] = first.resources[0]!.split('/') as [string, string];
    expect(await createResourceRepository(db()).history(type, id)).toHaveLength(1);
  });

  it('stores a message sent twice at once only once: the second waits for the first and gets its ACK', async () => {
    const bytes = fixture('valid', 'orm-o01-stat-imaging.hl7');
    const [a, b] = await Promise.all([
      processMessage(bytes, store(), options),
      processMessage(bytes, store(), options),
    ]);
    expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
    expect(a.ack).toBe(b.ack);
    const [type, id] = (a.duplicate ? b : a).resources[0]!.split('/') as [string, string];
    expect(await createResourceRepository(db()).history(type, id)).toHaveLength(1);
  });

  it('refuses a different message under a control id already used (AR, ERR at MSH-10)', async () => {
    const bytes = fixture('valid', 'oru-r01-two-reports.hl7');
    expect((await processMessage(bytes, store(), options)).code).toBe('AA');
    const changed = Buffer.from(bytes.toString('utf8').replace('||7.9|', '||8.4|'));
    const before = await rowCounts(db());
    const outcome = await processMessage(changed, store(), options);
    expect(outcome).toMatchObject({ code: 'AR', error: { where: 'MSH-10', hl7Code: 205 } });
    expect(await rowCounts(db())).toEqual(before);
  });

  it('updates the same Patient, found by PID-3 and its assigning authority, on every ADT', async () => {
    const repo = createResourceRepository(db());
    const ids = new Set<string>();
    for (const name of ['adt-a01-zh-gb18030.hl7', 'adt-a03-zh-gb18030.hl7', 'adt-a08-zh-gb18030.hl7']) {
      const outcome = await processMessage(fixture('valid', name), store(), options);
      expect(outcome.code, name).toBe('AA');
      ids.add(outcome.resources.find((r) => r.startsWith('Patient/'))!);
    }
    expect(ids.size).toBe(1);
    const [, id] = [...ids][0]!.split('/') as [string, string];
    const versions = await repo.history('Patient', id);
    // A03 carries the same PID as A01 (no new version); A08 changes the address.
    expect(versions.map((v) => v.versionId)).toEqual([2, 1]);
    expect(versions[0]!.resource.address).toMatchObject([{ line: ['海淀区中关村大街27号'] }]);
    // A result for that patient references the Patient the ADT feed made and leaves it as it was.
    const lab = await processMessage(fixture('valid', 'oru-r01-zh-gb18030-cbc.hl7'), store(), options);
    expect(lab.resources.some((r) => r.startsWith('Patient/'))).toBe(false);
    const report = await repo.read('DiagnosticReport', lab.resources.at(-1)!.split('/')[1]!);
    expect(report?.resource.subject).toEqual({ reference: `Patient/${id}` });
    expect(await repo.history('Patient', id)).toHaveLength(2);
  });

  it('leaves nothing stored when the write fails part-way through a message', async () => {
    const before = await rowCounts(db());
    // The sink writes the resources, then the database refuses: the message's transaction rolls back.
    const failing = storeOf(db(), (tx) => {
      const sink = resourceSink(tx);
      return {
        findByIdentifier: sink.findByIdentifier,
        async write(resources, opts) {
          await sink.write(resources, opts);
          throw new MedSeekError('unavailable', 'the disk is full');
        },
      };
    });
    const outcome = await processMessage(fixture('valid', 'adt-a01-everyman.hl7'), failing, options);
    expect(outcome).toMatchObject({ code: 'AE', error: { hl7Code: 207 } });
    expect(outcome.error?.reason).toContain('the disk is full');
    expect(await rowCounts(db())).toEqual(before);
    // Sent again once the store works, the same message is accepted (the failed try left no MSH-10 record).
    expect((await processMessage(fixture('valid', 'adt-a01-everyman.hl7'), store(), options)).code).toBe('AA');
  });

  it('decodes a message without MSH-18 in the configured default character set', async () => {
    const text = [
      'MSH|^~\\&|HIS|HOSP-CD|MEDSEEK|HOSP-CD|20240501080000+0800||ADT^A01^ADT_A01|CD-0001|P|2.5.1',
      'PID|1||CD001^^^HOSP-CD^MR||赵^六||19700101|M',
      'PV1|1|O',
    ].join('\r');
    const bytes = iconv.encode(text, 'gb18030');
    const asUtf8 = await processMessage(bytes, store(), options);
    expect(asUtf8).toMatchObject({ code: 'AR', error: { where: 'MSH-18', hl7Code: 102 } });
    const asGb = await processMessage(bytes, store(), { ...options, defaultCharset: 'gb18030' });
    expect(asGb.code).toBe('AA');
    const patient = asGb.resources.find((r) => r.startsWith('Patient/'))!.split('/')[1]!;
    expect((await createResourceRepository(db()).read('Patient', patient))?.resource.name).toEqual([
      { text: '赵六', family: '赵', given: ['六'] },
    ]);
  });

  it('answers in the character set of the message, echoing MSH-18', async () => {
    const outcome = await processMessage(fixture('valid', 'adt-a08-deceased.hl7'), store(), options);
    expect(outcome.charset).toBe('utf-8');
    const gb = await processMessage(fixture('valid', 'adt-a01-zh-gb18030-delimiter-bytes.hl7'), store(), options);
    expect(gb).toMatchObject({ code: 'AA', charset: 'gb18030' });
    expect(gb.ack.split('\r')[0]!.split('|')[17]).toBe('GB 18030-2000');
  });
});
