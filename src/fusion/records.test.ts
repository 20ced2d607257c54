import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allFacts, type Fact, type PatientState, type TextSource } from '../core/index.js';
import { instant } from './fhir.js';
import { defaultExtractor } from './note-store.js';
import { noteText } from './note-text.js';
import { bundleResources, stateFromBundle } from './prefetch.js';

/**
 * Whole records through fusion: the demo's Chinese inpatient bundles (in the repository) with
 * their notes extracted by the NLP stage, and Synthea bundles from ../shared/data when present.
 */
const root = join(import.meta.dirname, '..', '..');
const zhDir = join(root, 'demo', 'zh');
const syntheaDir = join(root, '..', 'shared', 'data', 'synthea');

function invariants(state: PatientState, texts: Map<string, string>): void {
  const at = instant(state.at)!;
  for (const f of allFacts(state)) {
    expect(f.sources.length, f.id).toBeGreaterThan(0);
    expect(f.patientId).toBe(state.patientId);
    for (const s of f.sources) {
      if (s.kind === 'resource')
        expect(s.path, `${s.resourceType}/${s.id}`).toMatch(new RegExp(`^${s.resourceType}\\.`));
      if (s.kind === 'text') expect(texts.get(s.document)?.slice(s.start, s.end)).toBe(s.quote);
    }
    const start = instant(f.time?.start);
    if (start !== undefined) expect(start).toBeLessThanOrEqual(at + 86_400_000);
  }
  expect(state.biology.every((f) => f.category === 'genotype')).toBe(true);
  expect(state.intervention.every((f) => f.category === 'medication' || f.category === 'procedure')).toBe(true);
  const times = state.timeline.map((e) => instant(e.time)!);
  expect([...times].sort((a, b) => a - b)).toEqual(times);
  const ids = new Set(allFacts(state).map((f) => f.id));
  expect(ids.size).toBe(allFacts(state).length);
  for (const c of state.conflicts) for (const id of c.factIds) expect(ids.has(id), `${c.kind} ${id}`).toBe(true);
}

async function withNotes(bundle: unknown): Promise<{ facts: Fact[]; texts: Map<string, string> }> {
  const texts = new Map<string, string>();
  const facts: Fact[] = [];
  const resources = bundleResources(bundle);
  const patientId = resources.find((r) => r.resourceType === 'Patient')?.id ?? '';
  for (const r of resources.filter((x) => x.resourceType === 'DocumentReference')) {
    const note = noteText(r);
    if (!note) continue;
    texts.set(note.document, note.text);
    facts.push(...(await defaultExtractor(note, patientId)));
  }
  return { facts, texts };
}

describe.skipIf(!existsSync(zhDir))('demo Chinese inpatient records', () => {
  const files = existsSync(zhDir) ? readdirSync(zhDir).filter((f) => f.endsWith('.json')) : [];

  it.each(files)('%s fuses with its notes, every fact sourced', async (file) => {
    const bundle = JSON.parse(readFileSync(join(zhDir, file), 'utf8'));
    const { facts, texts } = await withNotes(bundle);
    expect(facts.length).toBeGreaterThan(0);
    const state = stateFromBundle(bundle, facts, { at: '2024-12-31' });
    invariants(state, texts);
    // Notes and coded data meet: some fact carries both a resource and a text source.
    expect(
      allFacts(state).some(
        (f) => f.sources.some((s) => s.kind === 'resource') && f.sources.some((s) => s.kind === 'text'),
      ),
    ).toBe(true);
  });

  const cyp = files.find((f) => f.includes('cyp2c19'));
  const pneumonia = files.find((f) => f.includes('pneumonia'));

  it.skipIf(!cyp)('puts the CYP2C19 *2/*2 poor metabolizer result in the biology space as one fact', async () => {
    const file = cyp!;
    const bundle = JSON.parse(readFileSync(join(zhDir, file), 'utf8'));
    const state = stateFromBundle(bundle, [], { at: '2024-12-31' });
    expect(state.biology).toHaveLength(1);
    expect(state.biology[0]?.qualifiers).toMatchObject({
      gene: 'CYP2C19',
      diplotype: '*2/*2',
      phenotype: 'poor metabolizer',
    });
  });

  it.skipIf(!pneumonia)('links the note’s mention of the penicillin allergy to the AllergyIntolerance', async () => {
    const file = pneumonia!;
    const bundle = JSON.parse(readFileSync(join(zhDir, file), 'utf8'));
    const { facts, texts } = await withNotes(bundle);
    const state = stateFromBundle(bundle, facts, { at: '2024-12-31' });
    const allergy = state.phenotype.find(
      (f) => f.category === 'allergy' && /penicillin/i.test(f.concept.display ?? ''),
    );
    const quotes = allergy?.sources
      .filter((s): s is TextSource => s.kind === 'text')
      .map((s) => texts.get(s.document)?.slice(s.start, s.end));
    expect(quotes).toContain('青霉素');
  });
});

describe.skipIf(!existsSync(syntheaDir))('Synthea records (../shared/data)', () => {
  const files = existsSync(syntheaDir)
    ? readdirSync(syntheaDir)
        .filter((f) => f.endsWith('.json'))
        .slice(0, 8)
    : [];
  it.each(files)('%s fuses, every fact sourced', (file) => {
    const state = stateFromBundle(JSON.parse(readFileSync(join(syntheaDir, file), 'utf8')), [], { at: '2020-01-01' });
    invariants(state, new Map());
    expect(state.demographics.sex).not.toBe('unknown');
    expect(state.timeline.some((e) => e.kind === 'encounter')).toBe(true);
  });
});
