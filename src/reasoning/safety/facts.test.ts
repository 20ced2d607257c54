import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Fact, PatientState } from '../../core/index.js';
import { bundleResources, defaultExtractor, medicationCourses, noteText, stateFromBundle } from '../../fusion/index.js';
import { draft, med, state } from './__fixtures__/build.js';
import { activeMedications } from './facts.js';
import { evaluateRules } from './rule.js';
import { DDI_RULES } from './rules/ddi.js';
import { PGX_RULES } from './rules/pgx.js';

/** A note's fact about a drug, with the medication-change cue the NLP stage writes. */
function noteMed(display: string, kind: string, at: string): Fact {
  const { status: _order, ...base } = med(display, { time: { start: at } });
  return {
    ...base,
    sources: [{ kind: 'text', document: 'DocumentReference/n1', start: 0, end: display.length, quote: display }],
    qualifiers: { medEvents: JSON.stringify([{ kind, cue: kind === 'stopped' ? '停用' : '一次' }]) },
  };
}

function reconciled(facts: Fact[]): PatientState {
  const s = state(facts);
  return { ...s, medications: medicationCourses(facts, { at: s.at }) };
}

describe('alerts run on what is current', () => {
  const warfarin = med('华法林钠片 3mg');
  const ddi16 = DDI_RULES.filter((r) => r.id === 'DDI16');

  it('fires on warfarin + ibuprofen while both are current', () => {
    const ibu = med('布洛芬缓释胶囊');
    expect(evaluateRules(reconciled([warfarin, ibu]), ddi16)).toHaveLength(1);
  });

  it('does not fire on a drug stopped since, or given once, though its order or mention is still in the state', () => {
    const ibuOrder = med('布洛芬缓释胶囊', { time: { start: '2026-02-27T09:00:00Z' } });
    const stopped = noteMed('布洛芬缓释胶囊', 'stopped', '2026-02-28T20:00:00Z');
    const s = reconciled([warfarin, ibuOrder, stopped]);
    expect(s.medications?.find((c) => /布洛芬/.test(c.concept.display ?? ''))?.status).toBe('stopped');
    expect(activeMedications(s).map((f) => f.id)).toEqual([warfarin.id]);
    expect(evaluateRules(s, ddi16)).toEqual([]);
    const once = reconciled([warfarin, noteMed('布洛芬缓释胶囊', 'one-off', '2026-02-28T20:00:00Z')]);
    expect(evaluateRules(once, ddi16)).toEqual([]);
    // Without reconciliation (an older state), the rule reads the facts as before.
    expect(evaluateRules(state([warfarin, ibuOrder, stopped]), ddi16).length).toBeGreaterThan(0);
  });

  it('always checks a draft order, whatever the courses say', () => {
    const stopped = noteMed('布洛芬缓释胶囊', 'stopped', '2026-02-28T20:00:00Z');
    const proposed = draft('布洛芬缓释胶囊');
    expect(evaluateRules(reconciled([warfarin, stopped, proposed]), ddi16)).toHaveLength(1);
  });
});

const demo = join(import.meta.dirname, '..', '..', '..', 'demo', 'zh', 'zh-t2dm-cyp2c19.json');

describe.skipIf(!existsSync(demo))(
  'demo: 王志强, CYP2C19 *2/*2, clopidogrel switched to ticagrelor on 2024-03-14',
  () => {
    it('warns about clopidogrel while it is given, and no longer once it is stopped', async () => {
      const bundle = JSON.parse(readFileSync(demo, 'utf8'));
      const resources = bundleResources(bundle);
      const patientId = resources.find((r) => r.resourceType === 'Patient')!.id!;
      const notes: Fact[] = [];
      for (const r of resources.filter((x) => x.resourceType === 'DocumentReference')) {
        const note = noteText(r);
        if (note) notes.push(...(await defaultExtractor(note, patientId)));
      }
      const pgx = (at: string) =>
        evaluateRules(stateFromBundle(bundle, notes, { at }), PGX_RULES).filter((r) =>
          /clopidogrel/i.test(r.conclusion.statement.en),
        );
      expect(pgx('2024-03-13T18:00:00+08:00')).toHaveLength(1);
      expect(pgx('2024-03-18T11:00:00+08:00')).toEqual([]);
    });
  },
);
