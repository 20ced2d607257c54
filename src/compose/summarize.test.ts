import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PatientState } from '../core/index.js';
import { allFacts } from '../core/index.js';
import { stateFromBundle } from '../fusion/index.js';
import type { LlmClient } from '../llm/index.js';
import { composeDischargeSummary } from './summarize.js';

const demo = (name: string): PatientState => stateFromBundle(JSON.parse(readFileSync(new URL(`../../demo/zh/${name}.json`, import.meta.url), 'utf8')));

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
      if (a === null) return { ok: false, error: { kind: 'unavailable', message: 'down' }, use: { used: false, reason: 'model unavailable' } } as never;
      return { ok: true, value: a, text: a, toolCalls: [], cached: false, use } as never;
    },
  };
}

describe('discharge summary composition', () => {
  it.each(['zh', 'en'] as const)('writes every demo encounter in %s with citations and no contradicted claim', async (lang) => {
    for (const name of ['zh-cap-pneumonia', 'zh-hf-af-warfarin', 'zh-t2dm-cyp2c19']) {
      const state = demo(name);
      const r = await composeDischargeSummary(state, { lang });
      expect(r.report.counts.contradicted).toBe(0);
      expect(r.report.omissions).toEqual([]);
      expect(r.document.model.used).toBe(false);
      const ids = new Set([...allFacts(state).map((f) => f.id), ...Object.values(r.document.citations).filter((id) => !allFacts(state).some((f) => f.id === id))]);
      for (const id of Object.values(r.document.citations)) expect(ids.has(id)).toBe(true);
      expect(r.document.text).toMatch(lang === 'zh' ? /## 出院诊断/ : /## Discharge diagnoses/);
    }
  });

  it('writes every encounter of every demo patient, zh and en, with nothing contradicted or omitted', async () => {
    const dir = (d: string) => new URL(`../../demo/${d}/`, import.meta.url);
    let summaries = 0;
    for (const d of ['synthea', 'zh']) {
      for (const file of readdirSync(dir(d)).filter((f) => f.endsWith('.json'))) {
        const bundle = JSON.parse(readFileSync(new URL(file, dir(d)), 'utf8')) as { entry: { fullUrl?: string; resource: { resourceType: string; id?: string } }[] };
        const encounters = bundle.entry.filter((e) => e.resource.resourceType === 'Encounter').map((e) => e.resource.id ?? e.fullUrl!.replace('urn:uuid:', ''));
        for (const encounterId of encounters) {
          const state = stateFromBundle(bundle, [], { encounterId });
          for (const lang of ['zh', 'en'] as const) {
            const r = await composeDischargeSummary(state, { lang, encounterId });
            expect({ file, encounterId, lang, contradicted: r.report.counts.contradicted, omissions: r.report.omissions.length }).toEqual({ file, encounterId, lang, contradicted: 0, omissions: 0 });
            summaries++;
          }
        }
      }
    }
    expect(summaries).toBeGreaterThan(50);
  });

  it('states the allergy and the discharge drugs with their doses', async () => {
    const r = await composeDischargeSummary(demo('zh-cap-pneumonia'), { lang: 'zh' });
    expect(r.document.text).toMatch(/青霉素过敏\[F\d+\]/);
    expect(r.document.text).toMatch(/出院带药：[^\n]*氨溴索[^\n]*30 mg 口服 每日3次/);
  });

  it('feeds contradicted sentences back to the model and keeps a corrected draft', async () => {
    const state = demo('zh-cap-pneumonia');
    const template = await composeDischargeSummary(state, { lang: 'zh' });
    const key = Object.keys(template.document.citations).find((k) => template.document.text.includes(`氨溴索片 30 mg 口服 每日3次[${k}]`))!;
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
    const key = Object.keys(template.document.citations).find((k) => template.document.text.includes(`氨溴索片 30 mg 口服 每日3次[${k}]`))!;
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
    expect(r.document.text).toMatch(/## Allergies/);
  });
});
