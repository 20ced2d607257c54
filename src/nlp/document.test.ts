import type { DocumentReference } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { extractDocumentReference, noteFromDocumentReference } from './document.js';

const note = (
  text: string,
  extra: Partial<DocumentReference> = {},
  contentType = 'text/plain; charset=utf-8',
): DocumentReference => ({
  resourceType: 'DocumentReference',
  id: 'n1',
  status: 'current',
  subject: { reference: 'Patient/p7' },
  date: '2024-03-10T09:00:00Z',
  content: [{ attachment: { contentType, data: Buffer.from(text, 'utf8').toString('base64') } }],
  ...extra,
});

describe('DocumentReference notes', () => {
  it('extracts facts linked to the document and patient, anchored at the note date', () => {
    const r = extractDocumentReference(note('现病史：3天前出现发热，无咳嗽。'));
    expect(r.note).toMatchObject({
      document: 'DocumentReference/n1',
      patientId: 'p7',
      anchorDate: '2024-03-10T09:00:00Z',
    });
    const fever = r.facts.find((f) => f.concept.code === '386661006')!;
    expect(fever).toMatchObject({ patientId: 'p7', assertion: 'present', time: { start: '2024-03-07' } });
    expect(fever.sources[0]).toMatchObject({ kind: 'text', document: 'DocumentReference/n1', quote: '发热' });
    expect(r.facts.find((f) => f.concept.code === '49727002')?.assertion).toBe('absent');
  });

  it('names the element when there is no inline text', () => {
    const doc = note('x', { content: [{ attachment: { contentType: 'application/pdf', url: 'http://x/1.pdf' } }] });
    expect(() => noteFromDocumentReference(doc)).toThrow(/fetch it first/);
  });

  it('refuses other charsets and non-UTF-8 bytes', () => {
    expect(() => noteFromDocumentReference(note('发热', {}, 'text/plain; charset=gb2312'))).toThrow(/gb2312/);
    const gbk = note('', {
      content: [
        { attachment: { contentType: 'text/plain', data: Buffer.from([0xb7, 0xa2, 0xc8, 0xc8]).toString('base64') } },
      ],
    });
    expect(() => noteFromDocumentReference(gbk)).toThrow(/not valid UTF-8/);
  });
});
