import { describe, expect, it } from 'vitest';
import type { AnyResource } from '../../fusion/index.js';
import { demoDir, importPath } from '../../ingest/index.js';
import { ENDO_T2DM } from './__fixtures__/forms-dev2/endo-t2dm.js';
import { GYN_MYOMA } from './__fixtures__/forms-dev2/gyn-myoma.js';
import { NEURO_STROKE } from './__fixtures__/forms-dev2/neuro-stroke.js';
import { ORTHO_HIP } from './__fixtures__/forms-dev2/ortho-hip.js';
import { GI_BLEED } from './__fixtures__/forms-dev3/gi-bleed.js';
import { SURG_HERNIA } from './__fixtures__/forms-dev3/surg-hernia.js';
import { evaluateQc, type QcIssueResult } from './engine.js';
import { encounterFromResources } from './from-fhir.js';
import type { QcEncounter } from './model.js';
import { summarise, toMarkdown } from './report.js';
import { qualityRulesFromData } from './rulebook.js';

/**
 * Issue 16: every finding cites what triggered it: a span of a document (id and offsets that hold the
 * quoted text), or, for an absence, the section it belongs in, the document or the record as a whole,
 * marked with what is absent. And the list comes most severe and costliest first, each with a fix.
 */

const BOOK = qualityRulesFromData();
const NOW = '2026-09-01T12:00:00+08:00';

async function demo(file: string): Promise<QcEncounter> {
  const resources: AnyResource[] = [];
  await importPath(`${demoDir()}zh/${file}.json`, {
    write: async (rs) => {
      resources.push(...(rs as AnyResource[]));
      return rs.map(() => 'created' as const);
    },
  });
  const patient = resources.find((r) => r.resourceType === 'Patient');
  const encounter = resources.find((r) => r.resourceType === 'Encounter')!;
  return encounterFromResources({ encounter, ...(patient ? { patient } : {}), resources });
}

/** Defective copies of the dev records, so that absences and spans of many rules are exercised. */
function broken(enc: QcEncounter): QcEncounter {
  const e = structuredClone(enc) as unknown as { documents: { type: string; text: string }[] } & QcEncounter;
  for (const d of e.documents)
    if (d.type === 'admission-note')
      d.text = d.text.replace(/(主诉|家族史|专科检查|专科查体)[:：]?/g, '').replace(/过敏/g, '');
  return e as QcEncounter;
}

function checkAnchor(enc: QcEncounter, i: QcIssueResult): void {
  const where = `${enc.id} ${i.ruleId} ${i.conclusion.statement.zh}`;
  const a = i.anchor;
  expect(a, where).toBeDefined();
  expect(a.source.kind, where).toBe('resource');
  if (a.kind === 'text' || a.kind === 'section') {
    const d = enc.documents.find((x) => x.id === a.documentId);
    expect(d, where).toBeDefined();
    expect(a.start! <= a.end! && a.end! <= d!.text.length, where).toBe(true);
    expect(d!.text.slice(a.start, a.end), where).toBe(a.text);
    // The workspace opens the same place: the finding's first evidence source is that text span.
    expect(i.conclusion.evidence[0]!.sources[0], where).toMatchObject({ kind: 'text', start: a.start, end: a.end });
  }
  if (a.kind === 'section') expect(a.absent && a.section, where).toBeTruthy();
  if (a.kind === 'document')
    expect(
      enc.documents.some((x) => x.id === a.documentId),
      where,
    ).toBe(true);
  // A missing section, sub-item, signature or document says what is missing.
  if (/缺少|缺|未记录|无.*(记录|讨论|小结|核查表|通知书|同意书)/.test(i.conclusion.statement.zh ?? ''))
    expect(a.kind === 'text' || !!a.absent, where).toBe(true);
}

describe('every finding carries a span or an explicit absence anchor', () => {
  const records: [string, () => Promise<QcEncounter>][] = [
    ...['zh-cap-pneumonia', 'zh-hf-af-warfarin', 'zh-t2dm-cyp2c19'].map(
      (f) => [f, () => demo(f)] as [string, () => Promise<QcEncounter>],
    ),
    ...[ORTHO_HIP, ENDO_T2DM, NEURO_STROKE, GYN_MYOMA, SURG_HERNIA, GI_BLEED].flatMap((e) => [
      [e.id, async () => e as QcEncounter] as [string, () => Promise<QcEncounter>],
      [`${e.id} broken`, async () => broken(e as QcEncounter)] as [string, () => Promise<QcEncounter>],
    ]),
  ];
  for (const [name, load] of records)
    it(name, async () => {
      const enc = await load();
      const r = evaluateQc(enc, BOOK, { now: NOW });
      for (const i of r.issues) checkAnchor(enc, i);
    });

  it('a missing section of a broken record points at its document, and a missing item at its section', async () => {
    const r = evaluateQc(broken(SURG_HERNIA), BOOK, { now: NOW });
    const chief = r.issues.find((i) => i.ruleId === 'C01' && i.conclusion.statement.zh === '入院记录缺少“主诉”')!;
    expect(chief.anchor).toMatchObject({ kind: 'document', documentId: 'h-an', absent: '主诉' });
    const allergy = r.issues.find((i) => i.ruleId === 'C02' && /过敏/.test(i.conclusion.statement.zh ?? ''));
    expect(allergy?.anchor).toMatchObject({ kind: 'section', section: '既往史', absent: '食物或药物过敏史' });
  });
});

describe('the list a 质控 officer reads', () => {
  it('comes most severe and costliest first, every finding with a fix', async () => {
    const enc = await demo('zh-cap-pneumonia');
    const r = evaluateQc(enc, BOOK, { now: NOW, deductions: { S3: 3 } });
    const rank = { S1: 0, S2: 1, S3: 2, S4: 3 };
    for (let k = 1; k < r.issues.length; k++) {
      const [a, b] = [r.issues[k - 1]!, r.issues[k]!];
      expect(
        rank[a.qcSeverity] < rank[b.qcSeverity] || (a.qcSeverity === b.qcSeverity && a.deduction >= b.deduction),
      ).toBe(true);
    }
    expect(r.issues.length).toBeGreaterThan(5);
    for (const i of r.issues) expect((i.fix.zh ?? '').length).toBeGreaterThan(0);
  });
});

describe('the printed report', () => {
  it('says where each finding points: the quoted text, or the section or document an item is missing from', () => {
    const r = evaluateQc(broken(SURG_HERNIA), BOOK, { now: NOW });
    const md = toMarkdown(summarise([r], { release: r.release, now: NOW }));
    expect(md).toContain('入院记录缺少“主诉”（位置：整份文书）');
    expect(md).toContain('既往史未记录食物或药物过敏史（位置：“既往史”一节）');
  });
});
