import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { forEachBackendWithDemoRelease } from '../../../test/support/backends.js';
import type { AnyResource } from '../../fusion/index.js';
import { bundleResources, noteText, stateFromBundle } from '../../fusion/index.js';
import { ensureDemoRelease, KnowledgeGraph } from '../../knowledge/index.js';
import { extractFacts } from '../../nlp/index.js';
import { knowledgeBaseResolver } from './knowledge-bases.js';
import type { Network } from './network.js';
import type { PatientDiagnosis } from './patient-case.js';
import { codingsFromKnowledge, diagnosePatient } from './patient-case.js';
import { diagnoseText, differentialView } from './text-case.js';

/**
 * The three synthetic Chinese inpatients of `demo/zh` on the demo knowledge release (DDXPlus +
 * ICD-10 国家临床版 + the results-evidence links): their recorded discharge diagnoses that the release
 * knows as diseases rank in their top 5 from the whole record (notes, labs, imaging and ECG
 * statements), are marked as already diagnosed, and no explanation shows a placeholder frequency.
 * (李秀英's 双膝骨关节炎 and 张建国's 高血压病 are not diseases of the demo release: DDXPlus
 * has hypertension only as a risk factor, and neither has findings in the results-evidence file.)
 */
const demo = (file: string) => JSON.parse(readFileSync(new URL(`../../../demo/zh/${file}`, import.meta.url), 'utf8'));

function notesOf(resources: readonly AnyResource[]) {
  return resources.flatMap((r) => {
    const n = r.resourceType === 'DocumentReference' ? noteText(r) : undefined;
    return n ? [n] : [];
  });
}

/** Any percentage given as how often a finding occurs ("该病 50% 出现", "in 50% of cases"). */
const FREQUENCY_FIGURE = /该病\s*[\d.]+\s*%|in [\d.]+\s*% of cases|expected in [\d.]+\s*%/;

forEachBackendWithDemoRelease('the demo inpatients’ differentials on the demo release', (db) => {
  let net: Network;
  let codings: ReturnType<typeof codingsFromKnowledge>;
  beforeAll(async () => {
    await ensureDemoRelease(db());
    net = await knowledgeBaseResolver({ sql: db() })('release');
    codings = codingsFromKnowledge(await new KnowledgeGraph(db()).causalNetwork());
  }, 240_000);

  const run = (file: string): PatientDiagnosis => {
    const bundle = demo(file);
    const resources = bundleResources(bundle);
    const patientId = (resources.find((x) => x.resourceType === 'Patient') as { id: string }).id;
    const notes = notesOf(resources);
    const facts = notes.flatMap(
      (n) =>
        extractFacts(n.text, { lang: 'zh', document: n.document, patientId, ...(n.date ? { anchorDate: n.date } : {}) })
          .facts,
    );
    return diagnosePatient(net, stateFromBundle(bundle, facts), { codings, notes, top: 5, counterfactual: false });
  };

  for (const [file, who, expected] of [
    ['zh-cap-pneumonia.json', '张建国', ['肺炎']],
    // 慢性肾脏病3b期 (N18.3) is the release's 慢性肾衰竭 (N18.900, the category's unspecified code).
    ['zh-hf-af-warfarin.json', '李秀英', ['心力衰竭', '心房颤动', '高钾血症', '慢性肾衰竭']],
    ['zh-t2dm-cyp2c19.json', '王志强', ['2型糖尿病', '不稳定型心绞痛', '高脂血症']],
  ] as const) {
    it(`${who}: the discharge diagnoses are in the top 5, marked 已诊断, with no placeholder frequency`, () => {
      const r = run(file);
      const top = r.diagnosis.differential.map((d) => `${d.name.zh}:${d.status}`);
      for (const name of expected) expect(top, top.join(', ')).toContain(`${name}:diagnosed`);
      const text = JSON.stringify(
        r.conclusions.map((c) => [c.statement, c.detail, c.evidence.map((e) => e.statement)]),
      );
      expect(text).not.toMatch(FREQUENCY_FIGURE);
      expect(text).toContain('频率未知');
      const view = differentialView(net, r, codings);
      expect(view.differential[0]).toMatchObject({ rank: 1, name: { zh: expect.any(String), en: expect.any(String) } });
      expect(view.differential.some((d) => d.status === 'diagnosed' && d.diagnosedBy?.length)).toBe(true);
    });
  }

  it('李秀英: results, imaging and ECG statements are evidence, each citing the record', () => {
    const r = run('zh-hf-af-warfarin.json');
    const by = (target: string) => r.case.matches.filter((m) => m.target === target);
    expect(by('result:nt-probnp-high').some((m) => m.present && m.by === 'result')).toBe(true);
    expect(by('result:ecg-af').some((m) => m.present && m.by === 'statement')).toBe(true);
    // 血钾 5.1 then 4.8 are normal, 6.5 is high: present wins.
    expect(r.case.input.findings).toContainEqual({ id: 'result:potassium-high', present: true });
    const ecg = r.case.sourcesOf('result:ecg-af');
    expect(ecg[0]).toMatchObject({ kind: 'text', quote: '心房颤动' });
  });

  it('张建国: no causal path through a risk factor of unknown strength (高血压 → 会厌炎)', () => {
    const r = run('zh-cap-pneumonia.json');
    for (const d of r.diagnosis.differential) expect(d.explanation.paths.every((p) => !p.riskFactor)).toBe(true);
    expect(r.diagnosis.differential[0]!.name.zh).toBe('肺炎');
  });

  it('a differential from the admission note alone (medseek diagnose --text)', () => {
    const text = readFileSync(
      new URL('../../../demo/zh/notes/zh-hf-af-warfarin.admission.txt', import.meta.url),
      'utf8',
    );
    const r = diagnoseText(net, text, { lang: 'zh', codings, top: 5, counterfactual: false });
    const names = r.diagnosis.differential.map((d) => d.name.zh);
    expect(names).toEqual(expect.arrayContaining(['心力衰竭', '心房颤动']));
  });
});
