import { describe, expect, it } from 'vitest';
import { MedSeekError } from '../../core/index.js';
import { DicomWebClient } from './client.js';
import { fhirDateTime } from './json.js';
import { isTextSr, readSr } from './sr.js';

const code = (value: string, scheme: string, meaning: string) => ({
  vr: 'SQ',
  Value: [
    {
      '00080100': { vr: 'SH', Value: [value] },
      '00080102': { vr: 'SH', Value: [scheme] },
      '00080104': { vr: 'LO', Value: [meaning] },
    },
  ],
});
const cs = (v: string) => ({ vr: 'CS', Value: [v] });

/** An Enhanced SR in the DICOM JSON model as WADO-RS metadata returns it (hand-written fixture). */
const enhancedSr = {
  '00080016': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.88.22'] },
  '00080018': { vr: 'UI', Value: ['1.2.3.4.5'] },
  '0040A043': code('18748-4', 'LN', 'Diagnostic Imaging Report'),
  '0040A491': cs('COMPLETE'),
  '0040A493': cs('UNVERIFIED'),
  '0040A730': {
    vr: 'SQ',
    Value: [
      {
        '0040A040': cs('CONTAINER'),
        '0040A043': code('121060', 'DCM', 'History'),
        '0040A730': { vr: 'SQ', Value: [{ '0040A040': cs('TEXT'), '0040A160': { vr: 'UT', Value: ['Cough.'] } }] },
      },
      {
        '0040A040': cs('CONTAINER'),
        '0040A043': code('121070', 'DCM', 'Findings'),
        '0040A730': {
          vr: 'SQ',
          Value: [
            { '0040A040': cs('TEXT'), '0040A160': { vr: 'UT', Value: ['Left breast mass, 1.5 x 1.1 cm.'] } },
            {
              '0040A040': cs('CODE'),
              '0040A043': code('111037', 'DCM', 'Breast composition'),
              '0040A168': code('129716005', 'SCT', 'Heterogeneously dense'),
            },
          ],
        },
      },
      {
        '0040A040': cs('CONTAINER'),
        '0040A043': code('121072', 'DCM', 'Impressions'),
        '0040A730': { vr: 'SQ', Value: [{ '0040A040': cs('TEXT'), '0040A160': { vr: 'UT', Value: ['BI-RADS 4B.'] } }] },
      },
    ],
  },
};

describe('reading an SR into report text', () => {
  it('writes each TID 2000 container as a section, CODE items as name: meaning', () => {
    expect(isTextSr(enhancedSr)).toBe(true);
    const r = readSr(enhancedSr);
    expect(r.text).toBe(
      'HISTORY:\nCough.\n\nFINDINGS:\nLeft breast mass, 1.5 x 1.1 cm.\nBreast composition: Heterogeneously dense' +
        '\n\nIMPRESSION:\nBI-RADS 4B.',
    );
    expect(r.impression).toBe('BI-RADS 4B.');
    expect(r.verified).toBe(false);
    expect(r.complete).toBe(true);
  });

  it('is not read when the instance is an image, and survives an SR nested beyond reason', () => {
    expect(isTextSr({ '00080016': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] } })).toBe(false);
    let deep: Record<string, unknown> = { '0040A040': cs('TEXT'), '0040A160': { vr: 'UT', Value: ['bottom'] } };
    for (let i = 0; i < 100; i++) deep = { '0040A040': cs('CONTAINER'), '0040A730': { vr: 'SQ', Value: [deep] } };
    expect(readSr({ '0040A730': { vr: 'SQ', Value: [deep] } } as never).text).toBe('');
  });
});

describe('DICOM dates and the client’s input checks', () => {
  it('gives a date only unless the dataset names its UTC offset', () => {
    expect(fhirDateTime('20240315', '101500')).toBe('2024-03-15');
    expect(fhirDateTime('20240315', '1015', '+0800')).toBe('2024-03-15T10:15:00+08:00');
    expect(fhirDateTime('2024-03-15')).toBeUndefined();
  });

  it('refuses a bad date range, a non-UID and a URL carrying credentials, naming the field', async () => {
    const client = new DicomWebClient({ baseUrl: 'http://127.0.0.1:9/dicom-web', fetch: () => Promise.reject() });
    await expect(client.searchStudies({ patientId: 'x', studyDate: '2024-03-15' })).rejects.toThrow(MedSeekError);
    await expect(client.seriesMetadata('1.2', 'x/../../admin')).rejects.toMatchObject({
      location: { field: 'seriesUid' },
    });
    expect(() => new DicomWebClient({ baseUrl: 'http://a:b@pacs/dicom-web' })).toThrow(/not in the URL/);
    await expect(client.searchSeries('1.2')).rejects.toMatchObject({ code: 'unavailable' });
  });
});
