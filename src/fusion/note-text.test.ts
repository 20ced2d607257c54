import { describe, expect, it } from 'vitest';
import { decodeAttachment, detectLang, noteText } from './note-text.js';

const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64');

describe('DocumentReference text', () => {
  it('decodes base64 UTF-8 and reads the note date, language, version and encounter', () => {
    const note = noteText({
      resourceType: 'DocumentReference',
      id: 'd1',
      meta: { versionId: '3' },
      status: 'current',
      date: '2024-05-03',
      context: { encounter: [{ reference: 'Encounter/e9' }] },
      content: [
        { attachment: { contentType: 'application/pdf', data: b64('%PDF-1.4') } },
        { attachment: { contentType: 'text/plain', data: b64('主诉：胸痛3天。') } },
      ],
    });
    expect(note).toEqual({
      document: 'DocumentReference/d1',
      documentId: 'd1',
      versionId: '3',
      text: '主诉：胸痛3天。',
      lang: 'zh',
      date: '2024-05-03',
      encounterId: 'e9',
      path: 'DocumentReference.content[1].attachment.data',
    });
  });

  it('honours the declared charset (GB18030) and a UTF-16 byte order mark', () => {
    // "胸痛" in GB18030/GBK: D0 D8 CD B4.
    const gbk = new Uint8Array([0xd0, 0xd8, 0xcd, 0xb4]);
    expect(decodeAttachment({ contentType: 'text/plain; charset=GB18030', data: b64(gbk) }, 'x')).toBe('胸痛');
    expect(decodeAttachment({ contentType: 'text/plain;charset="gbk"', data: b64(gbk) }, 'x')).toBe('胸痛');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('fever', 'utf16le')]);
    expect(decodeAttachment({ contentType: 'text/plain', data: utf16.toString('base64') }, 'x')).toBe('fever');
  });

  it('refuses bytes that are not valid in the charset, binary text, and empty notes, naming the note', () => {
    expect(() =>
      decodeAttachment(
        { contentType: 'text/plain; charset=utf-8', data: b64(new Uint8Array([0xd0, 0xd8, 0xcd, 0xb4])) },
        'DocumentReference/d2',
      ),
    ).toThrow(/DocumentReference\/d2.*not valid utf-8/);
    expect(() => decodeAttachment({ data: b64(new Uint8Array([0x41, 0, 1, 2, 3, 0x42])) }, 'd')).toThrow(/binary/);
    expect(() => decodeAttachment({ data: b64('   ') }, 'd')).toThrow(/empty/);
    expect(() => decodeAttachment({ contentType: 'text/plain; charset=x-klingon', data: b64('a') }, 'd')).toThrow(
      /unknown charset/,
    );
  });

  it('returns nothing for a note with no readable text attachment', () => {
    expect(
      noteText({
        resourceType: 'DocumentReference',
        id: 'd3',
        status: 'current',
        content: [{ attachment: { url: 'http://x/y.pdf', contentType: 'application/pdf' } }],
      }),
    ).toBeUndefined();
  });

  it('detects the language from the text unless declared', () => {
    expect(detectLang('Patient denies chest pain. 患者')).toBe('en');
    expect(detectLang('患者否认胸痛，BP 120/80 mmHg')).toBe('zh');
    expect(detectLang('hello', 'zh-CN')).toBe('zh');
  });
});
