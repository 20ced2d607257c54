import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { composeDischargeSummary, toDocumentReference } from '../../compose/index.js';
import type { Sql } from '../../core/index.js';
import { type AnyResource, buildPatientState, bundleResources } from '../../fusion/index.js';
import { demoBundlePaths, importPath } from '../../ingest/index.js';
import { LlmLedger } from '../../llm/index.js';
import { exportAudit } from '../../cli/commands/learning.js';
import { AuditLog } from '../../server/index.js';
import { SummaryDraftStore } from '../../server/signoff/index.js';
import { storeSink } from '../../server/store-sink.js';
import { createResourceRepository } from '../../store/index.js';
import { patientIdentifiers, patientNames } from '../../llm/index.js';
import { exportTrainingData } from './export.js';
import { rewardOfItem } from './reward.js';
import { checkLine, type ExportKind, type RewardLine, type SftLine } from './schemas.js';
import { loadSummaryCases, verifyCaseText } from './summaries.js';

/**
 * Exports built from the shipped demo patients (demo/: three synthetic Chinese inpatients and one
 * Synthea patient), stored the way the server stores them: drafts, a signed edit, a correction sent
 * as feedback, an unedited signature, and a model call with its reasoning. Every line must pass its
 * schema, and no name, identifier, phone, address or exact date of any demo patient may appear.
 */
const SECRET = 'test-secret-of-the-export-0123456789';
const paths = demoBundlePaths();
const zh = (name: string) => paths.find((p) => basename(p).startsWith(name))!;
const chosenFiles = [zh('zh-cap-pneumonia'), zh('zh-hf-af-warfarin'), zh('zh-t2dm-cyp2c19'), zh('Louis_Miller')];

/** What identifies each demo patient, read from the demo bundles themselves (all eight). */
function demoIdentifiers(): string[] {
  const out = new Set<string>();
  for (const path of paths) {
    const resources = bundleResources(JSON.parse(readFileSync(path, 'utf8'))) as AnyResource[];
    for (const r of resources) {
      if (r.resourceType === 'Patient') {
        const p = r as AnyResource & { birthDate?: string };
        for (const n of patientNames(p)) out.add(n);
        for (const i of patientIdentifiers(p)) out.add(i.value);
        if (p.birthDate) {
          const [y, m, d] = p.birthDate.split('-');
          out
            .add(p.birthDate)
            .add(`${y}年${Number(m)}月${Number(d)}日`)
            .add(`${y}/${m}/${d}`);
        }
      }
      // The exact days of the stays the export covers.
      const period = (r as { period?: { start?: string; end?: string } }).period;
      if (r.resourceType === 'Encounter' && (r as { class?: { code?: string } }).class?.code === 'IMP')
        for (const t of [period?.start, period?.end]) if (t) out.add(t.slice(0, 10));
    }
  }
  // Single characters (a Chinese family name) and short given names are words too: scan names of 2+.
  return [...out].filter((s) => s.length >= 2);
}

async function seed(db: Sql): Promise<{ signedEdit: string; patients: string[] }> {
  const repo = createResourceRepository(db);
  for (const p of chosenFiles) await importPath(p, storeSink(db, repo));
  const drafts = new SummaryDraftStore(db);
  const patients = (await repo.search('Patient', {})).entries.map((e) => e.resource as AnyResource);
  let signedEdit = '';
  const ids: string[] = [];
  for (const patient of patients) {
    const encounters = (await repo.search('Encounter', { patient: patient.id!, sort: '-date' })).entries;
    const encounterId = encounters[0]!.id;
    const state = await buildPatientState(db, repo, patient.id!, { encounterId });
    const composed = await composeDischargeSummary(state, { lang: 'zh', encounterId });
    const draft = await drafts.create({
      patientId: patient.id!,
      encounterId,
      lang: 'zh',
      document: composed.document,
      createdBy: 'user:1',
    });
    const names = patientNames(patient);
    const name = names.includes('Louis') ? 'Louis' : names[0]!;
    ids.push(patient.id!);
    const plain = composed.document.text;
    if (name === '张建国' || name === 'Louis') {
      // A signed summary: the pneumonia patient's edited (the clinician adds a line naming the patient),
      // the Synthea patient's unedited.
      const text =
        name === '张建国' ? plain.replace('## 出院情况\n', `## 出院情况\n${name}神志清楚，一般情况可。`) : plain;
      if (name === '张建国') signedEdit = text;
      const [cases] = [await loadSummaryCases(db, repo, { patientId: patient.id! })];
      const report = verifyCaseText(cases![0]!, text);
      const signed = { ...composed.document, text };
      const ref = toDocumentReference(signed, report, {
        author: '王医生',
        authorName: '王医生',
        signedAt: '2026-12-01T08:00:00Z',
        patientId: patient.id!,
        encounterId,
        compositionId: 'c1',
      });
      const [stored] = await repo.putMany([{ ...ref, id: `dr-${draft.id}` }]);
      await drafts.markSigned(db, draft.id, 'user:1', `DocumentReference/${stored!.stored.id}`);
    } else if (name === '李秀英') {
      // A correction sent as feedback: the clinician drops the hospital-course narrative.
      const correction = plain.replace(/## 诊疗经过\n[^#]*/, '');
      await db.query(
        `insert into learning_feedback (target_kind, target_id, patient_id, verdict, reason, correction, principal)
         values ('summary', $1, $2, 'correct', 'too long', $3, 'user:1')`,
        [draft.id, patient.id, correction.replace(/\[F\d+(?:\s*[,，]\s*F\d+)*\]/g, '')],
      );
    }
  }
  const zhang = patients.find((p) => patientNames(p).includes('张建国'))!;
  await new LlmLedger(db).record({
    purpose: 'reasoning/consultation-answer',
    provider: 'local',
    model: 'deepseek-r1',
    trust: 'local',
    deidentified: false,
    status: 'ok',
    attempts: 1,
    latencyMs: 10,
    request: {
      messages: [
        { role: 'system', content: '你是呼吸科医师。' },
        { role: 'user', content: '患者张建国，住院号ZY20240108001，1956-05-14出生，2024-01-08入院，发热咳嗽，诊断？' },
      ],
    },
    response: '张建国考虑社区获得性肺炎。',
    reasoning: '张建国发热39.2℃、咳嗽，C反应蛋白升高，胸部CT右下肺斑片影，故考虑肺炎。',
    costUsd: 0,
    patientRef: zhang.id!,
    phiFound: 0,
  });
  return { signedEdit, patients: ids };
}

forEachBackend('training-data export', (db) => {
  // As the command line writes it: through the server's audit log.
  const audit = (kind: ExportKind, lines: ReadonlyMap<string | undefined, number>) =>
    exportAudit(new AuditLog(db()), '/tmp/out.jsonl')(kind, lines);
  const exported = new Map<ExportKind, string[]>();
  const skipped = new Map<ExportKind, Readonly<Record<string, number>>>();
  let patients: string[] = [];
  const identifiers = demoIdentifiers();

  beforeAll(async () => {
    ({ patients } = await seed(db()));
    for (const kind of ['sft', 'dpo', 'reward', 'reasoning'] as const) {
      const r = await exportTrainingData(db(), kind, { secret: SECRET, audit });
      exported.set(kind, [...r.lines]);
      skipped.set(kind, r.skipped);
    }
  });

  it('finds what it scans for in the demo data (the scan below cannot pass by reading nothing)', () => {
    for (const s of ['张建国', '李秀英', 'ZY20240108001', '1956-05-14', '999-68-5476', '555-425-9594', 'Miller'])
      expect(identifiers).toContain(s);
  });

  it('writes lines of every kind that pass their schema', () => {
    const n = Object.fromEntries([...exported].map(([k, v]) => [k, v.length]));
    // sft: the signed edit, the correction, the unedited signature; dpo: the edit and the correction
    // (an unedited signature is no preference); reward: one item per stay; reasoning: the one call.
    expect(n, JSON.stringify([...skipped])).toEqual({ sft: 3, dpo: 2, reward: 4, reasoning: 1 });
    expect(skipped.get('dpo')).toEqual({ 'signed-summary not edited': 1, 'not signed or corrected': 1 });
    for (const [kind, lines] of exported)
      lines.forEach((l, i) => {
        checkLine(kind, l, i + 1);
      });
  });

  it('lets no name, identifier, phone, address or exact date of a demo patient out', () => {
    const leaks: string[] = [];
    for (const [kind, lines] of exported)
      lines.forEach((line, i) => {
        for (const s of [...identifiers, ...patients, '王医生'])
          if (line.includes(s)) leaks.push(`${kind} line ${i + 1}: ${s}`);
      });
    expect(leaks).toEqual([]);
    // The pseudonym and the shifted date are there instead.
    expect(exported.get('reasoning')![0]).toMatch(/pt_[0-9a-f]{16}/);
    expect(exported.get('reasoning')![0]).toMatch(/\[NAME_1\]/);
  });

  it('keeps the reasoning trace apart from the answer', () => {
    const line = JSON.parse(exported.get('reasoning')![0]!) as {
      messages: { role: string; content: string }[];
      reasoning: string;
    };
    expect(line.messages.at(-1)).toMatchObject({ role: 'assistant', content: '[NAME_1]考虑社区获得性肺炎。' });
    expect(line.reasoning).toContain('胸部CT右下肺斑片影');
    expect(line.messages.some((m) => m.content.includes('斑片影'))).toBe(false);
  });

  it('pairs the clinician’s edit (chosen) with the draft (rejected)', () => {
    const pairs = exported
      .get('dpo')!
      .map(
        (l) =>
          JSON.parse(l) as { chosen: { content: string }[]; rejected: { content: string }[]; meta: { source: string } },
      );
    const signed = pairs.find((p) => p.meta.source === 'signed-summary')!;
    expect(signed.chosen[0]!.content).toContain('[NAME_1]神志清楚，一般情况可。');
    expect(signed.rejected[0]!.content).not.toContain('神志清楚，一般情况可');
    const corrected = pairs.find((p) => p.meta.source === 'summary-correction')!;
    expect(corrected.chosen[0]!.content).not.toContain('诊疗经过');
    expect(corrected.rejected[0]!.content).toContain('诊疗经过');
  });

  it('scores the de-identified items with the verifier: the signed text high, a changed value nothing', () => {
    const sft = exported.get('sft')!.map((l) => JSON.parse(l) as SftLine);
    const items = exported.get('reward')!.map((l) => JSON.parse(l) as RewardLine);
    const signed = sft.find(
      (l) => l.meta.source === 'signed-summary' && l.messages.at(-1)!.content.includes('C反应蛋白'),
    )!;
    const item = items.find((i) => i.meta.patient === signed.meta.patient)!;
    const text = signed.messages.at(-1)!.content;
    const good = rewardOfItem(item, text);
    expect(good.reward, JSON.stringify(good.breakdown)).toBeGreaterThanOrEqual(0.8);
    const changed = rewardOfItem(item, text.replace('C反应蛋白96 mg/L', 'C反应蛋白9.6 mg/L'));
    expect(text).toContain('C反应蛋白96 mg/L');
    expect(changed.reward).toBe(0);
  });

  it('writes an audit row per patient and kind', async () => {
    const { rows } = await db().query<{ resource: string; patient_id: string | null; principal: string }>(
      `select resource, patient_id, principal from medseek_audit where action = 'export' order by id`,
    );
    const by = (kind: string) => rows.filter((r) => r.resource === `learning/export/${kind}`).map((r) => r.patient_id);
    expect(by('reward').sort()).toEqual([...patients].sort());
    expect(by('dpo')).toHaveLength(2);
    expect(by('reasoning')).toHaveLength(1);
    expect(rows.every((r) => r.principal.startsWith('cli:'))).toBe(true);
  });

  it('refuses to export without a secret and names the field', async () => {
    await expect(exportTrainingData(db(), 'sft', { secret: '', audit })).rejects.toThrow(/secret/);
  });
});
