import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { forEachBackendWithDemoRelease } from '../../../test/support/backends.js';
import {
  ensureDemoRelease,
  FOLLOWUP_RULE,
  FOLLOWUP_SOURCE_PREFIX,
  KnowledgeGraph,
  READING_RULE,
  readFollowUpData,
  readQcData,
} from '../../knowledge/index.js';
import { loadQualityRules, QC_PREDICATES, qualityRulesFromData } from './rulebook.js';

/**
 * The QC part of the knowledge release and the code that executes it agree: every rule the code
 * knows is in the data and the other way round, every section, pattern and list a predicate reads
 * is in its rule's data (and nothing unread is), every entry names an authority that exists, and a
 * Chinese rule never rests on a US source.
 */

const data = readQcData();
const dataDir = new URL('../../knowledge/data/qc/', import.meta.url);
const file = (name: string) =>
  JSON.parse(readFileSync(new URL(name, dataDir), 'utf8')) as Record<
    string,
    { rule?: string; key?: string; id?: string }[]
  >;
const RULE_FILES = ['completeness.ts', 'consistency.ts', 'homepage.ts', 'timeliness.ts'];

/** What each predicate reads, from its source text: the keys of regex/namedPatterns/sectionList/listOf/listed calls. */
function readsInCode(): Map<string, { sections: Set<string>; patterns: Set<string>; lists: Set<string> }> {
  const out = new Map<string, { sections: Set<string>; patterns: Set<string>; lists: Set<string> }>();
  for (const f of RULE_FILES) {
    const src = readFileSync(new URL(`./rules/${f}`, import.meta.url), 'utf8');
    const blocks = src.split(/\nconst (?=[TCKH]\d\d = predicate\()/).slice(1);
    for (const block of blocks) {
      const id = block.slice(0, 3);
      const body = block.split(/\n(?:const |export const |function )/)[0]!;
      const reads = { sections: new Set<string>(), patterns: new Set<string>(), lists: new Set<string>() };
      for (const m of body.matchAll(
        /\b(regex|namedPatterns|sectionList|listOf(?:<[^(]*>)?|listed)\((?:enc, )?ctx, '([^']+)'/g,
      )) {
        const kind =
          m[1] === 'sectionList' || m[1] === 'listed' ? 'sections' : m[1]!.startsWith('listOf') ? 'lists' : 'patterns';
        reads[kind].add(m[2]!);
      }
      out.set(id, reads);
    }
  }
  return out;
}

describe('QC rules: code and data agree', () => {
  it('every predicate has a rule in the data and every rule a predicate', () => {
    expect(Object.keys(QC_PREDICATES).sort()).toEqual(data.rules.map((r) => r.id).sort());
  });

  it('no rule, source or keyed entry is duplicated', () => {
    const dupes = (xs: string[]) => xs.filter((x, i) => xs.indexOf(x) !== i);
    expect(dupes(file('rules.json').rules!.map((r) => r.id!))).toEqual([]);
    expect(dupes(file('sources.json').sources!.map((s) => s.id!))).toEqual([]);
    for (const [name, key] of [
      ['sections.json', 'sections'],
      ['patterns.json', 'patterns'],
      ['lists.json', 'lists'],
    ] as const) {
      expect(dupes(file(name)[key]!.map((e) => `${e.rule}.${e.key}`)), name).toEqual([]);
    }
  });

  it('every rule rests on an authority that exists; a Chinese rule never on a US source', () => {
    const sources = new Map(data.sources.map((s) => [s.id, s]));
    for (const r of data.rules) {
      const authorities = r.sources.filter((s) => s.role === 'authority');
      expect(authorities.length, r.id).toBeGreaterThan(0);
      for (const s of r.sources) expect(sources.has(s.id), `${r.id} → ${s.id}`).toBe(true);
      if (r.region !== 'intl')
        for (const a of authorities) expect(sources.get(a.id)!.jurisdiction, `${r.id} → ${a.id}`).not.toBe('US');
    }
    for (const s of data.sources)
      expect(
        [s.name, s.document].every((x) => typeof x === 'string' && x.length > 0),
        s.id,
      ).toBe(true);
  });

  it('every source is used by a rule or an entry (no dead authorities)', () => {
    const used = new Set(data.rules.flatMap((r) => r.sources.map((s) => s.id)));
    for (const s of data.headings.sources) used.add(s.id);
    for (const [name, key] of [
      ['sections.json', 'sections'],
      ['patterns.json', 'patterns'],
      ['lists.json', 'lists'],
    ] as const) {
      for (const e of file(name)[key] as unknown as { sources: { id: string }[] }[])
        for (const s of e.sources) used.add(s.id);
    }
    expect(data.sources.map((s) => s.id).filter((id) => !used.has(id))).toEqual([]);
  });

  it('each predicate reads exactly the data its rule holds, and declares it', () => {
    const code = readsInCode();
    expect([...code.keys()].sort()).toEqual(Object.keys(QC_PREDICATES).sort());
    for (const r of data.rules) {
      const needs = QC_PREDICATES[r.id]!.needs ?? {};
      for (const kind of ['sections', 'patterns', 'lists'] as const) {
        const inData = Object.keys(r[kind]).sort();
        expect([...code.get(r.id)![kind]].sort(), `${r.id} ${kind} read in code`).toEqual(inData);
        expect([...(needs[kind] ?? [])].sort(), `${r.id} ${kind} declared`).toEqual(inData);
      }
    }
  });

  it('every required section (and synonym) is a heading the section parser knows', () => {
    const known = new Set(data.headings.items.flatMap((h) => [h.name, ...(h.synonyms ?? [])]));
    for (const r of data.rules) {
      for (const list of Object.values(r.sections)) {
        for (const s of list.sections)
          for (const n of [s.name, ...(s.synonyms ?? [])]) expect(known.has(n), `${r.id}: ${n}`).toBe(true);
      }
    }
  });
});

// A copy of the demo release built once per test process: each test reads it, none writes.
forEachBackendWithDemoRelease('QC and follow-up rules in the demo release', (db) => {
  it('the demo release holds the whole rule book, the same as the files', async () => {
    await ensureDemoRelease(db());
    const book = await loadQualityRules(db());
    const fromData = qualityRulesFromData();
    expect(book.rules.map((r) => r.id)).toEqual(fromData.rules.map((r) => r.id));
    for (const r of book.rules)
      expect(
        r.sources.some((s) => s.role === 'authority' && book.sources.has(s.id)),
        r.id,
      ).toBe(true);
    expect(book.rule('C01')!.sections).toEqual(fromData.rule('C01')!.sections);
    // The norms' bilingual titles and cites travel with the rules: a finding cites them in either language.
    for (const r of book.rules) expect(r.sources, r.id).toEqual(fromData.rule(r.id)!.sources);
  }, 120_000);

  it('the demo release holds every follow-up rule as the files state it, each relation sourced by its authority', async () => {
    await ensureDemoRelease(db());
    const kg = new KnowledgeGraph(db());
    const fu = readFollowUpData();
    for (const [type, rules] of [
      [FOLLOWUP_RULE, fu.monitoring],
      [READING_RULE, fu.readings],
    ] as const) {
      const held = await kg.relationsOfType(type);
      expect(held.map((r) => r.attrs.id).sort(), type).toEqual(rules.map((r) => r.id).sort());
      for (const r of held) {
        const { position: _p, ...rule } = r.attrs;
        expect(rule, String(r.attrs.id)).toEqual(rules.find((x) => x.id === r.attrs.id));
        expect(r.source.id).toBe(`${FOLLOWUP_SOURCE_PREFIX}${r.attrs.source}`);
        expect(r.source.name.trim() && r.source.document?.trim(), String(r.attrs.id)).toBeTruthy();
      }
    }
  }, 120_000);
});

describe('follow-up rules: the data files', () => {
  const fu = readFollowUpData();
  it('no rule id twice across both files; every rule rests on an authority with a document and cites it', () => {
    const ids = [...fu.monitoring, ...fu.readings].map((r) => r.id as string);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    const sources = new Map(fu.sources.map((s) => [s.id, s]));
    for (const r of [...fu.monitoring, ...fu.readings]) {
      const s = sources.get(r.source as string);
      expect(s?.name.trim(), String(r.id)).toBeTruthy();
      expect(s?.document?.trim(), String(r.id)).toBeTruthy();
      for (const a of (r.also as string[] | undefined) ?? []) expect(sources.has(a), `${r.id} also ${a}`).toBe(true);
      expect(String(r.citation).length, String(r.id)).toBeGreaterThan(20);
    }
  });

  it('every source is used by a rule (no dead authorities)', () => {
    const used = new Set([...fu.monitoring, ...fu.readings].flatMap((r) => [r.source, ...((r.also as []) ?? [])]));
    expect(fu.sources.map((s) => s.id).filter((id) => !used.has(id))).toEqual([]);
  });
});

describe('QC vocabulary lives in the release data', () => {
  it('no predicate or the section reader writes a Chinese pattern literal (patterns and headings are data)', () => {
    for (const f of [...RULE_FILES.map((x) => `./rules/${x}`), './text.ts']) {
      const src = readFileSync(new URL(f, import.meta.url), 'utf8');
      const literals = [...src.matchAll(/(?<![\w)\]'"`\p{L}])\/(?![/*])((?:\\.|[^/\n])+)\/[a-z]*/gu)]
        .map((m) => m[1]!)
        .filter((re) => /\p{Script=Han}/u.test(re));
      expect(literals, f).toEqual([]);
    }
  });

  it('every section, pattern, list and heading entry names where it comes from', () => {
    for (const [name, key] of [
      ['sections.json', 'sections'],
      ['patterns.json', 'patterns'],
      ['lists.json', 'lists'],
    ] as const)
      for (const e of file(name)[key] as unknown as { rule: string; key: string; sources?: { id: string }[] }[])
        expect(e.sources?.length ?? 0, `${name} ${e.rule}.${e.key}`).toBeGreaterThan(0);
    expect(data.headings.sources.length).toBeGreaterThan(0);
    const ids = new Set(data.sources.map((s) => s.id));
    for (const s of data.headings.sources) expect(ids.has(s.id), s.id).toBe(true);
  });
});
