import { describe, expect, it } from 'vitest';
import type { AnyResource } from '../../fusion/index.js';
import { encounterFromResources, evaluateQc, qualityRulesFromData } from '../../reasoning/index.js';
import { qualityView } from './alert-views.js';

// A stay with an admission note that has only its complaint: completeness and timeliness rules fire on it.
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const patient = { resourceType: 'Patient', id: 'qv1', gender: 'male', birthDate: '1950-05-01' } as AnyResource;
const encounter = {
  resourceType: 'Encounter',
  id: 'qv-e1',
  status: 'finished',
  class: { code: 'IMP' },
  subject: { reference: 'Patient/qv1' },
  period: { start: '2026-03-02T09:00:00+08:00', end: '2026-03-09T10:00:00+08:00' },
} as AnyResource;
const admission = {
  resourceType: 'DocumentReference',
  id: 'qv-d1',
  status: 'current',
  docStatus: 'final',
  type: { text: '入院记录' },
  subject: { reference: 'Patient/qv1' },
  date: '2026-03-02T20:00:00+08:00',
  context: { encounter: [{ reference: 'Encounter/qv-e1' }] },
  content: [{ attachment: { contentType: 'text/plain; charset=utf-8', data: b64('入院记录\n主诉：咳嗽3天\n') } }],
} as AnyResource;

describe('QC findings as the workspace shows them', () => {
  const book = qualityRulesFromData();
  const report = evaluateQc(
    encounterFromResources({ encounter, patient, resources: [encounter, patient, admission] }),
    book,
    {},
  );
  const headings = new Set(book.headings.headings.flatMap((h) => [h.name, ...(h.synonyms ?? [])]));

  it('name the record headings they quote, each one their texts contain', () => {
    const views = report.issues.map((i) => qualityView(i, book));
    const quoted = views.flatMap((v) => v.quotes ?? []);
    // The admission note lacks most of its sections: the findings name them by the note's own headings.
    expect(quoted).toContain('民族');
    expect(quoted).toContain('现病史');
    for (const v of views)
      for (const q of v.quotes ?? []) {
        expect(headings.has(q) || q === book.rule(v.producer.replace('quality/', ''))?.source).toBe(true);
        const texts = [v.statement, v.detail, ...v.evidence.map((e) => e.statement)].flatMap((b) =>
          b ? [b.en, b.zh ?? ''] : [],
        );
        expect(texts.some((t) => t.includes(q))).toBe(true);
      }
  });

  it('quote the citation line where the detail repeats it (a release whose sources have no titles yet)', () => {
    const issue = report.issues[0]!;
    const line = book.rule(issue.ruleId)!.source;
    const detail = { en: `Source: ${line}`, zh: `依据：${line}` };
    expect(qualityView({ ...issue, conclusion: { ...issue.conclusion, detail } }, book).quotes).toContain(line);
  });

  it('leave a finding that quotes nothing as it is', () => {
    const issue = report.issues[0]!;
    const plain = { ...issue.conclusion, statement: { en: 'x', zh: 'x' }, detail: { en: 'y', zh: 'y' }, evidence: [] };
    expect(qualityView({ ...issue, conclusion: plain }, book)).toEqual(plain);
  });
});
