import { describe, expect, it } from 'vitest';
import { demoStays } from './__fixtures__/demo.js';
import { SECTION_ORDER, SECTION_TITLES } from './discharge.js';
import { SECTION_CODES, signedText, toComposition, toDocumentReference } from './signed.js';
import { composeDischargeSummary } from './summarize.js';

const [hf] = demoStays('zh', 'zh-hf-af-warfarin.json');
const stay = hf!;
const patientId = stay.state.patientId;
const signOff = {
  author: '陈医生（虚构）',
  signedAt: '2024-02-29T16:00:00+08:00',
  patientId,
  encounterId: stay.encounterId,
};

async function compose(lang: 'zh' | 'en') {
  return composeDischargeSummary(stay.state, { lang, encounterId: stay.encounterId, documents: stay.documents });
}

describe('the signed document', () => {
  it('reads like a paper 出院记录: no Markdown, no citation markers, each item as 标题：内容 in order', async () => {
    const r = await compose('zh');
    const text = signedText(r.document);
    expect(text).not.toMatch(/##|\[F\d/);
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('出院记录');
    const titles = lines
      .slice(1)
      .filter(Boolean)
      .map((l) => l.split('：')[0]);
    expect(titles).toEqual(SECTION_ORDER.zh.map((k) => SECTION_TITLES[k]!.zh));
    expect(text).toContain('入院日期：2024-02-20 15:10\n');
    expect(text).toMatch(/\n医师签名：待签名\n$/);
    expect(text).toMatch(/诊疗经过：入院后予[^\n]*停用螺内酯片。/);
    const signed = signedText(r.document, { signer: '陈医生', signedAt: '2024-02-29T16:00:00+08:00' });
    expect(signed).toMatch(/\n医师签名：陈医生　签名日期：2024-02-29 16:00\n$/);
  });

  it('reads the same way in English, headings on their own lines', async () => {
    const text = signedText((await compose('en')).document);
    expect(text).not.toMatch(/##|\[F\d/);
    expect(text.startsWith('DISCHARGE SUMMARY\n')).toBe(true);
    const order = SECTION_ORDER.en.map((k) => text.indexOf(`\n${SECTION_TITLES[k]!.en}:\n`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('is a FHIR Composition whose sections are coded, narrated and point at the cited resources', async () => {
    const r = await compose('zh');
    const c = toComposition(r.document, r.report, signOff);
    expect(c).toMatchObject({
      resourceType: 'Composition',
      status: 'final',
      type: { coding: [{ system: 'http://loinc.org', code: '18842-5' }] },
      subject: { reference: `Patient/${patientId}` },
      encounter: { reference: `Encounter/${stay.encounterId}` },
      date: signOff.signedAt,
      author: [{ display: signOff.author }],
      attester: [{ mode: 'legal', time: signOff.signedAt }],
    });
    const sections = c.section ?? [];
    expect(sections.map((s) => s.title)).toEqual(
      SECTION_ORDER.zh.filter((k) => k !== 'signature').map((k) => SECTION_TITLES[k]!.zh),
    );
    const byTitle = (t: string) => sections.find((s) => s.title === t)!;
    expect(byTitle('诊疗经过').code?.coding?.[0]).toMatchObject({ system: 'http://loinc.org', code: '8648-8' });
    expect(byTitle('出院诊断').code?.coding?.[0]?.code).toBe('11535-2');
    expect(byTitle('入院诊断').code?.coding?.[0]?.code).toBe('46241-6');
    expect(byTitle('出院医嘱').code?.coding?.[0]?.code).toBe(SECTION_CODES.dischargeOrders!.code);
    for (const s of sections) {
      expect(s.text?.status).toBe('generated');
      expect(s.text?.div).toMatch(/^<div xmlns="http:\/\/www\.w3\.org\/1999\/xhtml">.*<\/div>$/s);
      expect(s.text?.div).not.toMatch(/\[F\d|##/);
      expect(!!s.entry?.length !== !!s.emptyReason).toBe(true);
    }
    // Every entry resolves to a resource of the patient's record.
    const known = new Set(stay.resources.map((x) => `${x.resourceType}/${x.id}`));
    const entries = sections.flatMap((s) => s.entry ?? []).map((e) => e.reference!);
    expect(entries.length).toBeGreaterThan(10);
    for (const e of entries) expect(known.has(e), e).toBe(true);
    expect(byTitle('出院医嘱').entry?.map((e) => e.reference)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^MedicationRequest\//),
        expect.stringMatching(/^DocumentReference\//),
      ]),
    );
    expect(byTitle('入院日期').entry?.map((e) => e.reference)).toContain(`Encounter/${stay.encounterId}`);
  });

  it('is a DocumentReference whose attachment is the signed text', async () => {
    const r = await compose('zh');
    const d = toDocumentReference(r.document, r.report, {
      ...signOff,
      author: 'Practitioner/dr-chen',
      authorName: '陈医生',
      compositionId: 'c1',
    });
    expect(d).toMatchObject({
      resourceType: 'DocumentReference',
      status: 'current',
      docStatus: 'final',
      type: { coding: [{ code: '18842-5' }] },
      subject: { reference: `Patient/${patientId}` },
    });
    expect(d.author).toEqual([{ reference: 'Practitioner/dr-chen', display: '陈医生' }]);
    const a = d.content[0]!.attachment;
    expect(a.contentType).toBe('text/plain; charset=utf-8');
    const text = Buffer.from(a.data!, 'base64').toString('utf8');
    expect(text).toBe(signedText(r.document, { signer: '陈医生', signedAt: signOff.signedAt }));
    expect(a.size).toBe(Buffer.byteLength(text));
    expect(d.relatesTo?.[0]?.target.reference).toBe('Composition/c1');
  });

  it('refuses to sign a blocked draft, another patient’s, or one without an author, naming the field', async () => {
    const r = await compose('zh');
    const blocked = { ...r.report, blocked: true, counts: { ...r.report.counts, contradicted: 1 } };
    expect(() => toComposition(r.document, blocked, signOff)).toThrow(/contradicted/);
    expect(() => toComposition(r.document, r.report, { ...signOff, patientId: 'someone-else' })).toThrow(/Patient\//);
    expect(() => toDocumentReference(r.document, r.report, { ...signOff, author: ' ' })).toThrow(/author/);
    expect(() => toDocumentReference(r.document, r.report, { ...signOff, signedAt: 'yesterday' })).toThrow(/date-time/);
  });

  it('signs an edited text: the clinician’s own sentence is kept, markers and headings still go', async () => {
    const r = await compose('zh');
    const edited = { ...r.document, text: r.document.text.replace('## 出院情况\n', '## 出院情况\n一般情况良好。') };
    const text = signedText(edited);
    expect(text).toMatch(/\n出院情况：一般情况良好。气促明显缓解/);
    expect(text).not.toMatch(/\[F\d/);
  });
});
