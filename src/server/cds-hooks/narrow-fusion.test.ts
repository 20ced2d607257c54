import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PatientState } from '../../core/index.js';
import {
  type AnyResource,
  bundleResources,
  RuleStateCache,
  type RuleStateInput,
  stateForRules,
  stateFromPrefetch,
} from '../../fusion/index.js';
import { demoBundlePaths } from '../../ingest/index.js';
import { evaluateRules, safetyRules, safetyRulesFromData } from '../../reasoning/index.js';
import { cardOf } from './cards.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));
const NOW = '2026-03-01T10:00:00Z';
const BOOK = safetyRulesFromData();
const RULES = safetyRules(BOOK);

/** A card's fields with its random uuids (card and suggestions) taken out. */
function withoutUuids(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUuids);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== 'uuid')
      .map(([k, v]) => [k, withoutUuids(v)]),
  );
}

/** Every safety rule's card over the state (no focus: every finding, not only the drafts'). */
const cardsOf = (state: PatientState) =>
  evaluateRules(state, RULES, { now: state.at }).map((r) => withoutUuids(cardOf(r, state, BOOK)));

interface Case {
  readonly name: string;
  readonly input: RuleStateInput;
  readonly at: string;
}

const bundle = (rs: readonly AnyResource[]) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  entry: rs.map((resource) => ({ resource })),
});

function fixtureCases(): Case[] {
  return [
    'order-sign-warfarin-ibuprofen.json',
    'order-select-amoxicillin-penicillin-allergy.json',
    'patient-view-critical-potassium.json',
  ].map((name) => {
    const f = fixture(name) as { context: Record<string, unknown>; prefetch: Record<string, unknown> };
    return {
      name,
      at: NOW,
      input: {
        prefetch: f.prefetch,
        patientId: String(f.context.patientId),
        ...(f.context.draftOrders ? { draftOrders: f.context.draftOrders } : {}),
      },
    };
  });
}

const orderedAt = (r: AnyResource) => String((r as { authoredOn?: string }).authoredOn ?? '');

/**
 * Each demo patient's whole record as one prefetch key (every resource type the demo holds, notes
 * and encounters included) viewed now, and the record before each of three of its medication
 * orders (first, middle, last) with that order as the draft, at the moment it was written.
 */
function demoCases(): Case[] {
  return demoBundlePaths().flatMap((path): Case[] => {
    const resources = bundleResources(JSON.parse(readFileSync(path, 'utf8')));
    const patient = resources.find((r) => r.resourceType === 'Patient')!;
    const name = path.split('/').slice(-2).join('/');
    const rest = resources.filter((r) => r !== patient);
    const orders = rest.filter((r) => r.resourceType === 'MedicationRequest' && orderedAt(r));
    const picked = [...new Set([orders[0], orders[Math.floor(orders.length / 2)], orders.at(-1)])].filter(
      (o): o is AnyResource => o !== undefined,
    );
    return [
      { name: `${name} patient-view`, at: NOW, input: { prefetch: { patient, record: bundle(rest) } } },
      ...picked.map((order) => ({
        name: `${name} order-sign ${order.id}`,
        at: orderedAt(order),
        input: {
          prefetch: { patient, record: bundle(rest.filter((r) => r !== order)) },
          patientId: patient.id!,
          draftOrders: bundle([{ ...order, status: 'draft' }]),
        },
      })),
    ];
  });
}

describe('the narrow fusion for rules', () => {
  const cases = [...fixtureCases(), ...demoCases()];

  it('has demo patients and fixtures to compare', () => {
    expect(demoBundlePaths().length).toBeGreaterThanOrEqual(8);
    expect(cases.length).toBeGreaterThan(20);
  });

  it('gives the full fusion’s state, less the timeline, and the same cards, for every fixture and demo patient', () => {
    let cards = 0;
    for (const c of cases) {
      const full = stateFromPrefetch(c.input, { at: c.at });
      const narrow = stateForRules(c.input, { at: c.at });
      expect(narrow, c.name).toEqual({ ...full, timeline: [] });
      const fullCards = cardsOf(full);
      expect(cardsOf(narrow), c.name).toEqual(fullCards);
      cards += fullCards.length;
    }
    // Not a comparison of empty lists: the fixtures and demo patients raise cards.
    expect(cards).toBeGreaterThan(5);
  });

  it('gives the same from its cache, at the same moment and a year later', () => {
    const cache = new RuleStateCache();
    for (const c of cases) {
      const later = new Date(Date.parse(c.at) + 365 * 86_400_000).toISOString();
      for (const at of [c.at, c.at, later]) {
        const full = stateFromPrefetch(c.input, { at });
        expect(stateForRules(c.input, { at, cache }), `${c.name} at ${at}`).toEqual({ ...full, timeline: [] });
      }
    }
    expect(cache.hits).toBeGreaterThan(0);
  });
});
