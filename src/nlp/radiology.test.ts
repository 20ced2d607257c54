import { describe, expect, it } from 'vitest';
import type { Fact } from '../core/index.js';
import { extractImagingFindings } from './radiology.js';

const quote = (f: Fact) => (f.sources[0]?.kind === 'text' ? f.sources[0].quote : undefined);
const span = (text: string, f: Fact) => {
  const s = f.sources[0]!;
  return s.kind === 'text' ? text.slice(s.start, s.end) : undefined;
};

describe('radiology report text → categories and sized lesions with spans', () => {
  const en =
    'FINDINGS:\nThere is a 12 mm solid nodule in the right upper lobe. No pleural effusion.\n\n' +
    'IMPRESSION:\nLeft breast mass measuring 1.5 x 1.1 cm. BI-RADS 4b. Lung-RADS category 4A. ACR TI-RADS TR3. ' +
    'Lung-RADS 7.';
  const facts = extractImagingFindings(en, { patientId: 'p', document: 'DiagnosticReport/r1' });

  it('reads each scale’s category as written, and no category a scale does not define', () => {
    const cats = facts.filter((f) => f.category === 'imaging').map((f) => [f.concept.code, f.valueText, quote(f)]);
    expect(cats).toEqual([
      ['bi-rads', '4B', 'BI-RADS 4b'],
      ['lung-rads', '4A', 'Lung-RADS category 4A'],
      ['ti-rads', '3', 'ACR TI-RADS TR3'],
    ]);
  });

  it('reads a size with its lesion, laterality and site; the largest dimension in mm', () => {
    const lesions = facts.filter((f) => f.category === 'finding');
    expect(lesions.map((f) => [f.concept.code, f.value?.value, f.value?.unit, f.laterality, f.valueText])).toEqual([
      ['nodule', 12, 'mm', 'right', undefined],
      ['mass', 15, 'mm', 'left', '15 × 11 mm'],
    ]);
    expect(lesions[0]!.qualifiers?.site).toBe('right upper lobe');
    expect(lesions[1]!.section).toBe('assessment');
  });

  it('gives every fact a span that slices its quote out of the text', () => {
    for (const f of facts) expect(span(en, f)).toBe(quote(f));
    expect(facts.every((f) => f.sources[0]?.kind === 'text' && f.sources[0].document === 'DiagnosticReport/r1')).toBe(
      true,
    );
  });

  it('reads Chinese reports: 结节大小约1.2×0.8cm, BI-RADS 4a类, C-TIRADS 4b类', () => {
    const zh = '右肺上叶见一实性结节，大小约1.2×0.8cm。左侧乳腺肿块，BI-RADS 4a类。甲状腺右叶结节，C-TIRADS 4b类。';
    const got = extractImagingFindings(zh);
    const nodule = got.find((f) => f.concept.code === 'nodule' && f.value)!;
    expect([nodule.value?.value, nodule.laterality, nodule.qualifiers?.site, quote(nodule)]).toEqual([
      12,
      'right',
      '右肺上叶',
      '结节，大小约1.2×0.8cm',
    ]);
    expect(got.filter((f) => f.category === 'imaging').map((f) => [f.concept.code, f.valueText])).toEqual([
      ['bi-rads', '4A'],
      ['ti-rads', '4B'],
    ]);
  });

  it('reads no lesion from a size with none beside it, nor a size from a bare number', () => {
    expect(extractImagingFindings('Slice thickness 1.25 mm. Compared with 2 prior studies.')).toEqual([]);
  });
});
