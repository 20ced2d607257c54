import { createReadStream, createWriteStream, existsSync, renameSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { readCcks } from '../nlp-lib/ccks.js';

/**
 * Gives every Patient of an NDJSON file `perPatient` clinical notes: DocumentReferences holding CCKS2017
 * records (Chinese admission notes, sections joined), written right after the Patient's line so that the
 * import job holding the patient also holds its notes and hands them on to an extraction job. Synthea's
 * bundles carry no note text, and issue 20 asks for imports "plus note extraction". Records are used in turn,
 * starting again when all are used. Returns how many notes were written and their text's size.
 */
export async function addNotes(
  file: string,
  ccksPath: string,
  perPatient: number,
): Promise<{ notes: number; textMiB: number }> {
  if (perPatient < 1) return { notes: 0, textMiB: 0 };
  if (!existsSync(ccksPath)) throw new Error(`--notes: ${ccksPath} not found (CCKS2017 records JSONL)`);
  const byRecord = new Map<number, string[]>();
  for (const t of readCcks(ccksPath)) byRecord.set(t.record, [...(byRecord.get(t.record) ?? []), t.text]);
  const texts = [...byRecord.values()].map((s) => s.join('\n'));
  if (texts.length === 0) throw new Error(`--notes: ${ccksPath} holds no record`);
  const tmp = `${file}.notes`;
  const out = createWriteStream(tmp);
  const write = async (line: string) => {
    if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  };
  let notes = 0;
  let bytes = 0;
  for await (const line of createInterface({ input: createReadStream(file) })) {
    if (!line) continue;
    await write(line);
    if (!line.includes('"resourceType":"Patient"')) continue;
    const { resourceType, id } = JSON.parse(line) as { resourceType: string; id: string };
    if (resourceType !== 'Patient') continue;
    for (let k = 0; k < perPatient; k++) {
      const text = texts[notes % texts.length]!;
      bytes += Buffer.byteLength(text);
      await write(JSON.stringify(documentReference(`${id}-note-${k}`, id, text, k)));
      notes++;
    }
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  renameSync(tmp, file);
  return { notes, textMiB: bytes / 1048576 };
}

function documentReference(id: string, patient: string, text: string, k: number) {
  return {
    resourceType: 'DocumentReference',
    id,
    status: 'current',
    type: { coding: [{ system: 'http://loinc.org', code: '34117-2', display: 'History and physical note' }] },
    subject: { reference: `Patient/${patient}` },
    date: `2024-01-${String((k % 28) + 1).padStart(2, '0')}T09:00:00+08:00`,
    content: [
      {
        attachment: {
          contentType: 'text/plain; charset=utf-8',
          language: 'zh',
          data: Buffer.from(text).toString('base64'),
        },
      },
    ],
  };
}
