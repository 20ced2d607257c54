import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addNotes } from './notes.js';

const dir = mkdtempSync(join(tmpdir(), 'medseek-scale-notes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ccks = join(dir, 'records.jsonl');
writeFileSync(
  ccks,
  [
    {
      id: 1,
      sections: { 一般项目: { text: '女，54岁。', entities: [] }, 病史特点: { text: '咳嗽3天。', entities: [] } },
    },
    { id: 2, sections: { 一般项目: { text: '男，70岁。', entities: [] } } },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n'),
);

describe('bench scale: notes for every patient', () => {
  it('writes each patient its notes right after its line, records in turn, text base64 with the patient as subject', async () => {
    const file = join(dir, 'in.ndjson');
    const lines = [
      { resourceType: 'Patient', id: 'p1' },
      { resourceType: 'Observation', id: 'o1', subject: { reference: 'Patient/p1' } },
      { resourceType: 'Patient', id: 'p2' },
    ];
    writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const added = await addNotes(file, ccks, 2);
    expect(added.notes).toBe(4);
    const out = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out.map((r) => `${r.resourceType}/${r.id}`)).toEqual([
      'Patient/p1',
      'DocumentReference/p1-note-0',
      'DocumentReference/p1-note-1',
      'Observation/o1',
      'Patient/p2',
      'DocumentReference/p2-note-0',
      'DocumentReference/p2-note-1',
    ]);
    const text = (r: { content: { attachment: { data: string } }[] }) =>
      Buffer.from(r.content[0]!.attachment.data, 'base64').toString('utf8');
    expect(text(out[1])).toBe('女，54岁。\n咳嗽3天。');
    expect(text(out[2])).toBe('男，70岁。');
    expect(text(out[5])).toBe('女，54岁。\n咳嗽3天。');
    expect(out[6].subject).toEqual({ reference: 'Patient/p2' });
  });

  it('leaves the file as it was for 0 notes a patient, and names a missing records file', async () => {
    const file = join(dir, 'none.ndjson');
    writeFileSync(file, '{"resourceType":"Patient","id":"p1"}\n');
    expect(await addNotes(file, ccks, 0)).toEqual({ notes: 0, textMiB: 0 });
    expect(readFileSync(file, 'utf8')).toBe('{"resourceType":"Patient","id":"p1"}\n');
    await expect(addNotes(file, join(dir, 'missing.jsonl'), 1)).rejects.toThrow(/--notes: .*missing\.jsonl not found/);
  });
});
