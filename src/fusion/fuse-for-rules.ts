import { createHash } from 'node:crypto';
import type { Patient } from 'fhir/r4.js';
import type { Fact, PatientState } from '../core/index.js';
import { invalid } from '../core/index.js';
import type { Crosswalk } from './crosswalk.js';
import { defaultCrosswalk } from './crosswalk.js';
import { demographicsOf } from './demographics.js';
import type { AnyResource } from './fhir.js';
import { instant, referenceId } from './fhir.js';
import { endOfPeriod, patientOf, reconcileMedications, spacesOf, startOf } from './fuse.js';
import { mergeGenotypes } from './genotype.js';
import type { MapContext } from './map-context.js';
import { resourceToFacts } from './map-resource.js';
import { prefetchRecord } from './prefetch.js';
import { reconcile } from './reconcile.js';

/** What a CDS Hooks request brings: its prefetch and draft orders. */
export interface RuleStateInput {
  /** CDS Hooks prefetch: each key a resource, a searchset Bundle, or null. */
  readonly prefetch: Readonly<Record<string, unknown>>;
  /** `context.patientId`; when absent, the prefetched Patient's id. */
  readonly patientId?: string;
  /** `context.draftOrders`: fused as `hypothetical` (status `draft`), never cached. */
  readonly draftOrders?: unknown;
}

export interface RuleStateOptions {
  /** The moment the state describes (ISO-8601); default now. */
  readonly at?: string;
  /** Default: the built-in lexicon's crosswalk, as `stateFromPrefetch`. */
  readonly crosswalk?: Crosswalk;
  readonly cache?: RuleStateCache;
}

/** One resource's facts as mapped, and whether they hold at any moment and whatever the drafts are. */
interface MappedResource {
  readonly facts: readonly Fact[];
  readonly reusable: boolean;
}

interface CacheEntry {
  /** SHA-256 of the prefetch as JSON: the entry serves only an identical prefetch. */
  readonly prefetch: string;
  /** Aligned with the patient's own prefetched resources, in prefetch order. */
  readonly mapped: readonly MappedResource[];
}

/**
 * Per-patient facts of the prefetched record, least recently used first out. Crosswalk enrichment is
 * memoised per fact object, so reused facts are enriched once.
 */
export class RuleStateCache {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly enriched = new WeakMap<Crosswalk, WeakMap<Fact, Fact>>();
  /** Calls that reused an entry / that mapped every resource (for tests and the bench). */
  hits = 0;
  misses = 0;

  constructor(readonly maxPatients = 256) {
    if (!Number.isInteger(maxPatients) || maxPatients < 1)
      throw invalid(`maxPatients must be a positive integer, not ${maxPatients}`, { field: 'maxPatients' });
  }

  get(patientId: string, prefetch: string): CacheEntry | undefined {
    const e = this.entries.get(patientId);
    if (!e || e.prefetch !== prefetch) return undefined;
    this.entries.delete(patientId);
    this.entries.set(patientId, e);
    return e;
  }

  set(patientId: string, entry: CacheEntry): void {
    this.entries.delete(patientId);
    this.entries.set(patientId, entry);
    if (this.entries.size > this.maxPatients) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }

  enrich(crosswalk: Crosswalk, f: Fact): Fact {
    let memo = this.enriched.get(crosswalk);
    if (!memo) {
      memo = new WeakMap();
      this.enriched.set(crosswalk, memo);
    }
    let e = memo.get(f);
    if (!e) {
      e = crosswalk.enrichFact(f);
      memo.set(f, e);
    }
    return e;
  }
}

/** Maps one resource, noting whether the mapping read the moment or resolved a reference. */
function mapResource(
  r: AnyResource,
  patientId: string,
  atMs: number,
  resolve: (reference: string) => AnyResource | undefined,
): MappedResource {
  let reusable = true;
  const ctx: MapContext = {
    patientId,
    get at() {
      reusable = false;
      return atMs;
    },
    resolve: (reference: string) => {
      reusable = false;
      return resolve(reference);
    },
  };
  const facts = resourceToFacts(r, ctx);
  return { facts, reusable };
}

/**
 * The PatientState the safety rules and CDS cards read, fused from a CDS Hooks prefetch and its
 * draft orders. It holds the same facts, spaces, demographics, conflicts and medication courses as
 * `stateFromPrefetch` (a test holds the two equal over every fixture), and leaves out what no rule
 * reads: the timeline (encounters, note events). A prefetch carries no notes, so nothing is merged
 * from them either.
 *
 * With a `RuleStateCache`, the facts of the prefetched record (not the draft orders) are kept per
 * patient and reused while the next prefetch for that patient is the same, byte for byte; a write
 * that changes the record changes the prefetch and so the facts. A resource whose facts depend on
 * the moment (something that ended: `endedBy` reads `ctx.at`) or on another resource (a reference
 * resolved in the prefetch or the drafts) is mapped again on every call.
 */
export function stateForRules(input: RuleStateInput, options: RuleStateOptions = {}): PatientState {
  const { resources, drafts, patient, patientId } = prefetchRecord(input);

  // As stateFromPrefetch → fuse(): a Patient not in the prefetch may still come with the drafts.
  const patientResource = patient ?? drafts.find((r) => r.resourceType === 'Patient' && r.id === patientId);

  const at = options.at ?? new Date().toISOString();
  const atStart = instant(at);
  if (atStart === undefined) throw invalid(`'${at}' is not a date or date-time`, { field: 'at' });
  const atMs = /^\d{4}(-\d{2}){0,2}$/.test(at) ? endOfPeriod(at) : atStart;

  // As fuse(): the patient's own resources (and those naming no patient), the drafts after the record.
  const isOwn = (r: AnyResource) => {
    const p = patientOf(r);
    return p === undefined || p === patientId;
  };
  const ownRecord = resources.filter(isOwn);
  const own = [...ownRecord, ...drafts.filter(isOwn)];
  const byRef = new Map<string, AnyResource>();
  for (const r of own) if (r.id) byRef.set(`${r.resourceType}/${r.id}`, r);
  const resolve = (reference: string): AnyResource | undefined => {
    const direct = byRef.get(reference.split('/_history/')[0]!.split('/').slice(-2).join('/'));
    if (direct) return direct;
    const id = referenceId(reference);
    return own.find((r) => r.id === id);
  };

  const cache = options.cache;
  const key = cache ? createHash('sha256').update(JSON.stringify(input.prefetch)).digest('base64') : '';
  const hit = cache?.get(patientId, key);
  const mapped = ownRecord.map((r, i) => {
    const before = hit?.mapped[i];
    return before?.reusable ? before : mapResource(r, patientId, atMs, resolve);
  });
  if (cache) {
    if (hit) cache.hits++;
    else {
      cache.misses++;
      cache.set(patientId, { prefetch: key, mapped });
    }
  }
  const draftFacts = own.slice(ownRecord.length).flatMap((r) => mapResource(r, patientId, atMs, resolve).facts);

  const happened = (f: Fact) => {
    const t = startOf(f);
    return t === undefined || t <= atMs;
  };
  const crosswalk = options.crosswalk ?? defaultCrosswalk();
  const enrich = (f: Fact) => (cache ? cache.enrich(crosswalk, f) : crosswalk.enrichFact(f));
  const coded = mergeGenotypes([...mapped.flatMap((m) => m.facts), ...draftFacts].filter(happened)).map(enrich);

  const { facts, conflicts } = reconcile(coded, []);
  const medications = reconcileMedications(coded, [], facts, at, undefined);
  return {
    patientId,
    at,
    demographics: demographicsOf(patientResource as Patient | undefined, at, facts),
    ...spacesOf(facts),
    timeline: [],
    conflicts,
    medications,
  };
}
