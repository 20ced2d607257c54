import { describe, expect, it } from 'vitest';
import { applyPolicy, markText } from './markers.js';
import { recordFromTexts } from './record.js';
import { verifyText } from './verify.js';

const zhRecord = recordFromTexts([
  {
    id: 'DocumentReference/adm',
    text: '主诉：发热3天。现病史：患者3天前出现发热，体温38.5℃，否认胸痛。家族史：母亲有高血压病史。初步诊断：考虑肺炎。诊疗经过：予阿司匹林肠溶片 100mg 口服 qd。右侧股骨颈骨折。',
  },
]);
const enRecord = recordFromTexts([
  {
    id: 'DocumentReference/hpi',
    text: 'Fever for 3 days. Patient denies chest pain. Mother had breast cancer. Possible pulmonary embolism. Metoprolol 25 mg PO BID x 7 days. Left knee pain.',
  },
]);

function verdictOf(text: string, lang: 'zh' | 'en') {
  const report = verifyText(text, lang === 'zh' ? zhRecord : enRecord, { lang });
  return report.claims.map((c) => ({ text: c.text, verdict: c.verdict, errorType: c.errorType }));
}

describe('claim verification', () => {
  it.each([
    ['zh', '患者发热3天。', 'supported', undefined],
    ['zh', '诉胸痛。', 'contradicted', 'E02'],
    ['zh', '阿司匹林 200mg 口服 qd。', 'contradicted', 'E03'],
    ['zh', '阿司匹林 100g 口服 qd。', 'contradicted', 'E04'],
    ['zh', '阿司匹林 100mg 口服 bid。', 'contradicted', 'E05'],
    ['zh', '左侧股骨颈骨折。', 'contradicted', 'E06'],
    ['zh', '诊断肺炎。', 'contradicted', 'E08'],
    ['zh', '患者有高血压病史。', 'contradicted', 'E09'],
    ['zh', '予华法林口服。', 'unsupported', 'E01'],
    ['zh', '发热3周。', 'contradicted', 'E07'],
    ['en', 'Fever for 3 days.', 'supported', undefined],
    ['en', 'Fever for 3 weeks.', 'contradicted', 'E07'],
    ['en', 'The patient reports chest pain.', 'contradicted', 'E02'],
    ['en', 'Metoprolol 50 mg PO BID.', 'contradicted', 'E03'],
    ['en', 'Metoprolol 25 g PO BID.', 'contradicted', 'E04'],
    ['en', 'Metoprolol 25 mg IV BID.', 'contradicted', 'E05'],
    ['en', 'Right knee pain.', 'contradicted', 'E06'],
    ['en', 'Pulmonary embolism was confirmed.', 'contradicted', 'E08'],
    ['en', 'The patient has breast cancer.', 'contradicted', 'E09'],
    ['en', 'Started on warfarin.', 'unsupported', 'E01'],
  ] as const)('%s: “%s” is %s (%s)', (lang, text, verdict, errorType) => {
    const [claim] = verdictOf(text, lang);
    expect(claim?.verdict).toBe(verdict);
    if (errorType) expect(claim?.errorType).toBe(errorType);
  });

  it('splits sentences into clause claims and judges each on its own', () => {
    const claims = verdictOf('患者发热3天，诉胸痛，左侧股骨颈骨折。', 'zh');
    expect(claims.map((c) => c.verdict)).toEqual(['supported', 'contradicted', 'contradicted']);
  });

  it('treats a finding stated absent after the record as resolved only when told the text is later', () => {
    const record = recordFromTexts([{ id: 'n', text: '患者发热，伴咳嗽。' }]);
    expect(verifyText('无发热。', record, { lang: 'zh' }).claims[0]?.verdict).toBe('unsupported');
    expect(verifyText('无发热。', record, { lang: 'zh', laterThanRecord: true }).claims[0]?.verdict).toBe('supported');
  });

  it('judges a cited claim against its citation and points at the record span', () => {
    const fever = zhRecord.facts.find((f) => f.concept.display === 'Fever')!;
    const report = verifyText('发热[F1]。', zhRecord, { lang: 'zh', citations: { F1: fever.id } });
    const claim = report.claims[0]!;
    expect(claim.verdict).toBe('supported');
    expect(claim.citations).toEqual([fever.id]);
    const span = claim.evidence.find((s) => s.kind === 'text');
    expect(span?.kind === 'text' && zhRecord.documents[0]!.text.slice(span.start, span.end)).toBe('发热');
  });

  it('reports a critical fact the text leaves out and blocks sign-off', () => {
    const aspirin = zhRecord.facts.find((f) => f.category === 'medication')!;
    const report = verifyText('患者发热3天。', zhRecord, { lang: 'zh', critical: [aspirin] });
    expect(report.omissions.map((o) => o.factId)).toEqual([aspirin.id]);
    expect(report.blocked).toBe(true);
    expect(verifyText('阿司匹林 100mg 口服 qd。', zhRecord, { lang: 'zh', critical: [aspirin] }).omissions).toEqual([]);
  });

  it('reports an omitted allergy in English too', () => {
    const record = recordFromTexts([{ id: 'n', text: 'Allergic to penicillin. Metoprolol 25 mg PO BID.' }]);
    const allergy = record.facts.find((f) => f.category === 'allergy')!;
    expect(allergy).toBeDefined();
    const report = verifyText('Metoprolol 25 mg PO BID.', record, { lang: 'en', critical: [allergy] });
    expect(report.omissions).toHaveLength(1);
    expect(report.omissions[0]!.statement).toMatch(/^not mentioned: /);
    expect(report.blocked).toBe(true);
  });

  it.each([
    ['zh', '血钾 3.1 mmol/L。', '血钾 4.5 mmol/L。', '复查血钾 4.5 mmol/L。', '无咳嗽。'],
    ['en', 'Potassium 3.1 mmol/L.', 'Potassium 4.5 mmol/L.', 'Repeat potassium 4.5 mmol/L.', 'No cough.'],
  ] as const)(
    '%s: contradicts a value the record gives otherwise (E14), leaves a later one unverified, flags an absence it never documents (E15)',
    (lang, source, wrongValue, laterValue, absence) => {
      const record = recordFromTexts([{ id: 'lab', text: source }]);
      expect(verifyText(source, record, { lang }).claims[0]).toMatchObject({ verdict: 'supported' });
      expect(verifyText(wrongValue, record, { lang }).claims[0]).toMatchObject({
        verdict: 'contradicted',
        errorType: 'E14',
      });
      expect(verifyText(laterValue, record, { lang }).claims[0]).toMatchObject({
        verdict: 'unsupported',
        errorType: 'E14',
      });
      expect(verifyText(absence, record, { lang }).claims[0]).toMatchObject({
        verdict: 'unsupported',
        errorType: 'E15',
      });
    },
  );

  it('removes contradicted claims and marks the rest', () => {
    const text = '患者发热3天，诉胸痛。予华法林口服。';
    const report = verifyText(text, zhRecord, { lang: 'zh' });
    const { text: kept, removed } = applyPolicy(text, report);
    expect(removed).toEqual(['诉胸痛。']);
    expect(kept.startsWith('患者发热3天。')).toBe(true);
    expect(kept).not.toContain('胸痛');
    expect(markText(text, report)).toMatch(/~~诉胸痛。~~ ⟦✗ E02/);
    expect(markText(text, report)).toMatch(/予华法林口服。 ⟦\? E01/);
  });
});
