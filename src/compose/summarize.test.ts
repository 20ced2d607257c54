import { describe, expect, it } from 'vitest';
import type { PatientState } from '../core/index.js';
import { allFacts } from '../core/index.js';
import type { LlmClient } from '../llm/index.js';
import { demoFiles, demoStays } from './__fixtures__/demo.js';
import { composeDischargeSummary } from './summarize.js';
const demo = (name: string): PatientState => demoStays('zh', `${name}.json`)[0]!.state;

type Chat = Pick<LlmClient, 'chat' | 'configured'>;

/** A model that answers from a script, one answer per call, recording what it was sent. */
function scripted(answers: readonly (string | null)[]): Chat & { prompts: string[] } {
  const prompts: string[] = [];
  let i = 0;
  return {
    prompts,
    configured: true,
    async chat(options) {
      prompts.push(options.prompt ?? '');
      const a = answers[Math.min(i++, answers.length - 1)];
      const use = { used: true, provider: 'scripted', model: 'test', deidentified: false };
      if (a === null)
        return {
          ok: false,
          error: { kind: 'unavailable', message: 'down' },
          use: { used: false, reason: 'model unavailable' },
        } as never;
      return { ok: true, value: a, text: a, toolCalls: [], cached: false, use } as never;
    },
  };
}

/** The drugs each zh demo record's discharge orders (出院医嘱) list, and drugs of its stay that they do not. */
const DISCHARGE_ORDERS: Record<string, { on: RegExp[]; off: RegExp[] }> = {
  'zh-cap-pneumonia.json': { on: [/氨溴索/, /氨氯地平/], off: [/莫西沙星/] },
  'zh-hf-af-warfarin.json': { on: [/华法林/, /呋塞米/, /美托洛尔/], off: [/布洛芬/, /螺内酯/, /胰岛素/, /葡萄糖酸钙/] },
  'zh-t2dm-cyp2c19.json': { on: [/阿司匹林/, /替格瑞洛/, /阿托伐他汀/, /二甲双胍/, /奥美拉唑/], off: [/氯吡格雷/] },
};

const ENGLISH: Record<string, string> = {
  氨溴索: 'ambroxol',
  氨氯地平: 'amlodipine',
  华法林: 'warfarin',
  呋塞米: 'furosemide',
  美托洛尔: 'metoprolol',
  阿司匹林: 'aspirin',
  替格瑞洛: 'ticagrelor',
  阿托伐他汀: 'atorvastatin',
  二甲双胍: 'metformin',
  奥美拉唑: 'omeprazole',
};

describe('discharge summary composition', () => {
  it('writes every encounter of every demo patient, zh and en, with nothing contradicted or omitted', async () => {
    let summaries = 0;
    for (const dir of ['zh', 'synthea'] as const) {
      for (const file of demoFiles(dir)) {
        for (const stay of demoStays(dir, file)) {
          for (const lang of ['zh', 'en'] as const) {
            const r = await composeDischargeSummary(stay.state, {
              lang,
              encounterId: stay.encounterId,
              documents: stay.documents,
            });
            const verdict = (v: string) =>
              r.report.claims.filter((c) => c.verdict === v).map((c) => `${c.text} — ${c.reason}`);
            // The template states only what the record holds: nothing contradicted, nothing the record cannot confirm.
            const got = {
              file,
              encounter: stay.encounterId,
              lang,
              contradicted: verdict('contradicted'),
              unsupported: verdict('unsupported'),
              omissions: r.report.omissions.map((o) => o.statement),
            };
            expect(got).toEqual({
              file,
              encounter: stay.encounterId,
              lang,
              contradicted: [],
              unsupported: [],
              omissions: [],
            });
            expect(r.document.model.used).toBe(false);
            // Every citation names a fact of the record (or the encounter / a quoted note passage) and its resources.
            const ids = new Set(allFacts(stay.state).map((f) => f.id));
            for (const [key, id] of Object.entries(r.document.citations)) {
              expect(
                ids.has(id) ||
                  r.document.references?.[key]?.some((ref) => /^(Encounter|DocumentReference)\//.test(ref)),
              ).toBe(true);
            }
            summaries++;
          }
        }
      }
    }
    expect(summaries).toBeGreaterThan(100);
  });

  it.each(Object.keys(DISCHARGE_ORDERS))(
    'sends the patient of %s home on the discharge orders’ drugs, and on nothing else',
    async (file) => {
      const [stay] = demoStays('zh', file);
      const { on, off } = DISCHARGE_ORDERS[file]!;
      for (const lang of ['zh', 'en'] as const) {
        const r = await composeDischargeSummary(stay!.state, { lang, documents: stay!.documents });
        const line =
          /(?:出院带药|Discharge medications): ([^\n]*?)[。.](?: |\n|$)/.exec(
            r.document.text.replace(/出院带药：/, '出院带药: '),
          )?.[1] ?? '';
        const listed = line
          .split(/[；;]/)
          .map((x) => x.trim())
          .filter(Boolean);
        const names = lang === 'zh' ? on : on.map((re) => new RegExp(ENGLISH[re.source]!, 'i'));
        expect(listed).toHaveLength(on.length);
        for (const re of names)
          expect(
            listed.some((x) => re.test(x)),
            `${re} in ${line}`,
          ).toBe(true);
        if (lang === 'zh') for (const re of off) expect(line).not.toMatch(re);
      }
    },
  );

  it('says what changed at discharge for 李秀英: spironolactone stopped for the hyperkalaemia', async () => {
    const [stay] = demoStays('zh', 'zh-hf-af-warfarin.json');
    const r = await composeDischargeSummary(stay!.state, { lang: 'zh', documents: stay!.documents });
    expect(r.document.text).toMatch(/停用螺内酯片（高钾血症[^）]*）/);
    expect(r.document.text).toMatch(/高钾血症（已纠正）/);
    expect(r.document.text).toMatch(/血钾6\.5 mmol\/L（危急值/);
    expect(r.unreconciled).toEqual(['布洛芬缓释胶囊']);
  });

  it('states the allergy and the discharge drugs with their doses', async () => {
    const [stay] = demoStays('zh', 'zh-cap-pneumonia.json');
    const r = await composeDischargeSummary(stay!.state, { lang: 'zh', documents: stay!.documents });
    expect(r.document.text).toMatch(/青霉素过敏\[F\d+/);
    expect(r.document.text).toMatch(/出院带药：[^\n]*氨溴索片30 mg 口服 每日3次/);
    // 张建国's pneumonia is this stay's diagnosis, first, not his history.
    expect(r.document.text).toMatch(/## 出院诊断\n（1）社区获得性肺炎/);
    expect(r.document.text).not.toMatch(/既往[^。]*肺炎/);
  });

  it('feeds contradicted sentences back to the model and keeps a corrected draft', async () => {
    const state = demo('zh-cap-pneumonia');
    const template = await composeDischargeSummary(state, { lang: 'zh' });
    const key = Object.keys(template.document.citations).find((k) =>
      template.document.text.includes(`氨溴索片30 mg 口服 每日3次[${k}]`),
    )!;
    const wrong = `出院带药：盐酸氨溴索片 90 mg 口服 每日3次[${key}]。`;
    const right = `出院带药：盐酸氨溴索片 30 mg 口服 每日3次[${key}]。`;
    const llm = scripted([wrong, right]);
    const r = await composeDischargeSummary(state, { lang: 'zh', llm });
    expect(r.attempts).toBe(2);
    expect(llm.prompts[1]).toContain('90 mg');
    expect(r.document.model.used).toBe(true);
    expect(r.document.text).toBe(right);
    expect(r.report.counts.contradicted).toBe(0);
  });

  it('removes what the model still gets wrong after its last attempt', async () => {
    const state = demo('zh-cap-pneumonia');
    const template = await composeDischargeSummary(state, { lang: 'zh' });
    const key = Object.keys(template.document.citations).find((k) =>
      template.document.text.includes(`氨溴索片30 mg 口服 每日3次[${k}]`),
    )!;
    const llm = scripted([`患者好转出院。出院带药：盐酸氨溴索片 90 mg 口服 每日3次[${key}]。`]);
    const r = await composeDischargeSummary(state, { lang: 'zh', llm, maxAttempts: 2 });
    expect(r.report.counts.contradicted).toBeGreaterThan(0);
    expect(r.report.blocked).toBe(true);
    expect(r.removed.join('')).toContain('90 mg');
    expect(r.text).not.toContain('90 mg');
  });

  it('falls back to the template, saying why, when the model fails', async () => {
    const r = await composeDischargeSummary(demo('zh-cap-pneumonia'), { lang: 'en', llm: scripted([null]) });
    expect(r.document.model).toMatchObject({ used: false, reason: 'model unavailable' });
    expect(r.report.counts.contradicted).toBe(0);
    expect(r.document.text).toMatch(/## Discharge medications\n/);
  });
});
