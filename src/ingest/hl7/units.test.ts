import { Hl7Context } from '@medplum/core';
import { describe, expect, it } from 'vitest';
import { charsetOf, declaredCharset } from './charset.js';
import { toFhirDateTime } from './datatypes.js';
import { Hl7Error } from './error.js';
import { escapeHl7, unescapeHl7 } from './message.js';
import { splitMessages } from './split.js';

const at = { segment: 'OBX', field: 14 };

describe('HL7 date/time to FHIR', () => {
  it('keeps the precision sent and adds the default offset only to a time of day', () => {
    expect(toFhirDateTime('2024', at, '+08:00', false)).toBe('2024');
    expect(toFhirDateTime('202402', at, '+08:00', false)).toBe('2024-02');
    expect(toFhirDateTime('20240229', at, '+08:00', false)).toBe('2024-02-29');
    expect(toFhirDateTime('202402291530', at, '+08:00', false)).toBe('2024-02-29T15:30:00+08:00');
    expect(toFhirDateTime('20240229153005.25-0500', at, 'Z', false)).toBe('2024-02-29T15:30:05.25-05:00');
    expect(toFhirDateTime('202402291530', at, '+08:00', true)).toBe('2024-02-29');
  });

  it('refuses impossible dates, naming the field', () => {
    for (const bad of ['20230229', '20241301', '202401011260', '2024-01-01', 'today']) {
      const e = (() => {
        try {
          toFhirDateTime(bad, at, 'Z', false);
        } catch (err) {
          return err;
        }
      })();
      expect(e, bad).toBeInstanceOf(Hl7Error);
      expect((e as Hl7Error).message, bad).toMatch(/^OBX-14: /);
    }
  });
});

describe('HL7 escape sequences', () => {
  const ctx = new Hl7Context();
  it('undoes \\F\\ \\S\\ \\T\\ \\R\\ \\E\\ \\.br\\ and hex, and escapes back what it writes', () => {
    expect(unescapeHl7('A\\F\\B\\S\\C\\T\\D\\R\\E\\E\\F\\.br\\G\\X4142\\', ctx)).toBe('A|B^C&D~E\\F\nGAB');
    expect(unescapeHl7(escapeHl7('a|b^c&d~e\\f', ctx), ctx)).toBe('a|b^c&d~e\\f');
  });
});

describe('HL7 files and character sets', () => {
  it('splits messages at MSH, dropping MLLP bytes and batch envelopes, for any line end', () => {
    const file = Buffer.from(
      'FHS|^~\\&\r\nBHS|^~\\&\r\n\u000bMSH|^~\\&|A\rPID|1\n\nMSH|^~\\&|B\rPID|2\u001c\r\nBTS|2\nFTS|1\n',
    );
    expect(splitMessages(file).map((m) => m.toString())).toEqual(['MSH|^~\\&|A\rPID|1\r', 'MSH|^~\\&|B\rPID|2\r']);
  });

  it('reads MSH-18 from the raw bytes and knows the table 0211 names', () => {
    expect(
      declaredCharset(Buffer.from('MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5.1|||AL|NE|CHN|GB 18030-2000\rPID')),
    ).toBe('GB 18030-2000');
    expect(charsetOf('GB 18030-2000')).toBe('gb18030');
    expect(charsetOf('UNICODE UTF-8')).toBe('utf-8');
    expect(charsetOf('8859/1')).toBe('latin1');
    expect(charsetOf('EBCDIC')).toBeUndefined();
  });
});
