import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import {
  type AnnotatedNote,
  Deidentifier,
  detectPhi,
  LlmClient,
  loadAnnotatedNotes,
  OpenAiCompatibleProvider,
  scoreDeid,
  startOpenAiTestServer,
} from '../src/llm/index.js';
import { migrate, openDatabase } from '../src/store/index.js';
import { type Benchmark, percentile, sharedData } from './lib/harness.js';

/**
 * The model layer's own cost and the de-identifier's quality:
 * - added latency of `LlmClient` (routing, semaphore, retry wrapper, breaker, result shaping)
 *   against a raw `fetch` of the same local OpenAI-compatible test server (goal < 5 %);
 * - the same with de-identification on (external provider) and with cache + audit in PGlite;
 * - cache-hit latency (PGlite in memory);
 * - de-identification recall/precision on the synthetic PHI suite (held-out test files; the dev
 *   files are scored too but were used to build the rules) and throughput;
 * - what the detector finds in real Chinese EMR text (CCKS 2017 records, published as
 *   de-identified): it still holds patient and doctor names, home addresses and exact dates, so the
 *   figure is PHI left in public data, with examples to inspect (no gold labels there).
 *
 * Options: --n <requests per arm> (default 600), --seconds <deid throughput run> (default 3).
 */
export default {
  name: 'llm',
  description:
    'provider-layer overhead vs raw HTTP, cache-hit latency, de-identification recall/precision and throughput',
  defaultData: 'src/llm/__fixtures__',
  async run({ data, args, log }) {
    const n = Number(args.n ?? 600);
    const seconds = Number(args.seconds ?? 3);
    const table: Record<string, unknown>[] = [];

    // ── provider layer vs raw HTTP ──────────────────────────────────────────────────────────────
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const body = (i: number) =>
      JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content: `question ${i % 50}` }] });
    const provider = (url: string, trust: 'local' | 'external') =>
      new OpenAiCompatibleProvider({
        name: trust,
        kind: 'openai-compatible',
        baseURL: url,
        apiKey: 'x',
        model: 'test-model',
        trust,
        jsonMode: 'json_schema',
      });
    const note = '患者张建国，男，93岁，电话13812345678，于2024-03-15入院，主诉胸闷。';

    /** Interleaves the arms request by request (drift hits all alike), after a warm-up. */
    async function compare(label: string, latencyMs: number, requests: number) {
      const server = await startOpenAiTestServer({ latencyMs });
      const raw = async (i: number) => {
        const r = await fetch(`${server.url}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
          body: body(i),
        });
        const j = (await r.json()) as { choices: { message: { content: string } }[] };
        return j.choices[0]!.message.content;
      };
      const sdk = new OpenAI({ baseURL: server.url, apiKey: 'x', maxRetries: 0 });
      const local = new LlmClient({ providers: [{ provider: provider(server.url, 'local'), concurrency: 8 }] });
      const external = new LlmClient({
        providers: [{ provider: provider(server.url, 'external'), concurrency: 8 }],
        deidSecret: 'bench',
      });
      const arms: Record<string, (i: number) => Promise<unknown>> = {
        raw_fetch: raw,
        openai_sdk: async (i) =>
          (
            await sdk.chat.completions.create({
              model: 'test-model',
              messages: [{ role: 'user', content: `question ${i % 50}` }],
            })
          ).choices[0]!.message.content,
        client: async (i) => {
          const r = await local.chat({ prompt: `question ${i % 50}`, identifiable: false });
          if (!r.ok) throw new Error(r.error.message);
        },
        client_deid: async (i) => {
          const r = await external.chat({ prompt: `${note} question ${i % 50}`, patient: { key: 'P1' } });
          if (!r.ok) throw new Error(r.error.message);
        },
      };
      const times: Record<string, number[]> = Object.fromEntries(Object.keys(arms).map((k) => [k, []]));
      for (const fn of Object.values(arms)) for (let i = 0; i < 50; i++) await fn(i);
      for (let i = 0; i < requests; i++) {
        for (const [k, fn] of Object.entries(arms)) {
          const t = performance.now();
          await fn(i);
          times[k]!.push(performance.now() - t);
        }
      }
      await server.close();
      const rawMean = mean(times.raw_fetch!);
      const rawP50 = percentile(times.raw_fetch!, 50);
      const rows: Record<string, Record<string, unknown>> = {};
      for (const [k, xs] of Object.entries(times)) {
        const row = {
          arm: `${label} ${k}`,
          requests: xs.length,
          mean_ms: mean(xs),
          p50_ms: percentile(xs, 50),
          p95_ms: percentile(xs, 95),
          added_p50_ms: percentile(xs, 50) - rawP50,
          overhead_mean_pct: ((mean(xs) - rawMean) / rawMean) * 100,
          overhead_p50_pct: ((percentile(xs, 50) - rawP50) / rawP50) * 100,
        };
        rows[k] = row;
        table.push(row);
        log(
          `${row.arm}: mean ${row.mean_ms.toFixed(3)} ms, p50 ${row.p50_ms.toFixed(3)} ms, overhead p50 ${row.overhead_p50_pct.toFixed(1)} % (+${row.added_p50_ms.toFixed(3)} ms)`,
        );
      }
      return rows;
    }
    const instant = await compare('instant server', 0, n);
    const realistic = await compare('20 ms server', 20, Math.max(50, Math.round(n / 2)));

    // ── cache and audit in PGlite ─────────────────────────────────────────────────────────────────
    const server = await startOpenAiTestServer();
    const db = await openDatabase();
    await migrate(db);
    const audited = new LlmClient({
      providers: [{ provider: provider(server.url, 'local'), concurrency: 8 }],
      sql: db,
    });
    const auditTimes: number[] = [];
    for (let i = 0; i < 20; i++) await audited.chat({ prompt: `warm ${i}`, identifiable: false, cache: false });
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await audited.chat({ prompt: `question ${i % 50}`, identifiable: false, cache: false });
      auditTimes.push(performance.now() - t);
    }
    table.push({
      arm: 'client + audit row (PGlite)',
      requests: n,
      mean_ms: mean(auditTimes),
      p50_ms: percentile(auditTimes, 50),
      p95_ms: percentile(auditTimes, 95),
    });
    const miss = performance.now();
    await audited.chat({ prompt: 'cached question', identifiable: false });
    const missMs = performance.now() - miss;
    const hits: number[] = [];
    let allHits = true;
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const r = await audited.chat({ prompt: 'cached question', identifiable: false });
      hits.push(performance.now() - t);
      allHits &&= r.ok && r.cached;
    }
    const cache = {
      first_call_ms: missMs,
      hit_mean_ms: mean(hits),
      hit_p50_ms: percentile(hits, 50),
      hit_p95_ms: percentile(hits, 95),
      all_hits: allHits,
      audited_call_p50_ms: percentile(auditTimes, 50),
      store: 'PGlite in memory (hit = cache lookup + hit counter update + audit row)',
    };
    table.push({
      arm: 'cache hit (PGlite)',
      requests: hits.length,
      mean_ms: cache.hit_mean_ms,
      p50_ms: cache.hit_p50_ms,
      p95_ms: cache.hit_p95_ms,
    });
    log(
      `cache hit: p50 ${cache.hit_p50_ms.toFixed(3)} ms (first call ${missMs.toFixed(1)} ms); audited call p50 ${cache.audited_call_p50_ms.toFixed(3)} ms`,
    );
    await server.close();
    await db.close();

    // ── de-identification quality ────────────────────────────────────────────────────────────────
    const files = statSync(data).isDirectory()
      ? readdirSync(data)
          .filter((f) => /^phi-notes\..*\.txt$/.test(f))
          .map((f) => join(data, f))
      : [data];
    const deid: Record<string, unknown> = {};
    const allNotes: AnnotatedNote[] = [];
    for (const f of files.sort()) {
      const notes = loadAnnotatedNotes(f);
      allNotes.push(...notes);
      const s = scoreDeid(notes);
      const name = f
        .split('/')
        .pop()!
        .replace(/^phi-notes\.|\.txt$/g, '');
      deid[name] = {
        notes: s.notes,
        gold: s.gold,
        detected: s.detected,
        recall: s.recall,
        precision: s.precision,
        charRecall: s.charRecall,
        byKind: s.byKind,
        missed: s.missed,
        spurious: s.spurious,
      };
      table.push({
        arm: `deid ${name}`,
        requests: s.notes,
        recall: s.recall,
        precision: s.precision,
        char_recall: s.charRecall,
      });
      log(`deid ${name}: recall ${s.recall.toFixed(4)}, precision ${s.precision.toFixed(4)} (${s.gold} gold spans)`);
    }
    const heldOut = allNotes.length
      ? scoreDeid(files.filter((f) => f.includes('.test.')).flatMap((f) => loadAnnotatedNotes(f)))
      : undefined;

    // Throughput: de-identify the notes over and over for `seconds`.
    const texts = allNotes.map((x) => x.text);
    let chars = 0;
    let count = 0;
    const started = performance.now();
    while (performance.now() - started < seconds * 1000) {
      for (const t of texts) {
        new Deidentifier({ shiftDays: 40 }).deidentify(t);
        chars += t.length;
        count++;
      }
    }
    const elapsed = (performance.now() - started) / 1000;
    const throughput = { notes_per_s: count / elapsed, chars_per_s: chars / elapsed, mean_note_chars: chars / count };
    table.push({
      arm: 'deid throughput',
      requests: count,
      notes_per_s: throughput.notes_per_s,
      chars_per_s: throughput.chars_per_s,
    });
    log(
      `deid throughput: ${throughput.notes_per_s.toFixed(0)} notes/s, ${(throughput.chars_per_s / 1000).toFixed(0)} k chars/s`,
    );

    // ── PHI the detector finds in real Chinese EMR text (CCKS 2017) ─────────────────────────────────
    let emr: Record<string, unknown> = { skipped: 'shared data emr-ccks2017-ner not present' };
    const emrPath = sharedData('emr-ccks2017-ner', 'ccks2017_emr_records.jsonl');
    if (existsSync(emrPath)) {
      let emrChars = 0;
      const byKind: Record<string, number> = {};
      const examples: string[] = [];
      for (const line of readFileSync(emrPath, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const rec = JSON.parse(line) as { sections: Record<string, { text: string }> };
        for (const sec of Object.values(rec.sections)) {
          emrChars += sec.text.length;
          for (const s of detectPhi(sec.text)) {
            byKind[s.kind] = (byKind[s.kind] ?? 0) + 1;
            if (s.kind !== 'DATE' && examples.length < 40) examples.push(`${s.kind}:${s.text}`);
          }
        }
      }
      const total = Object.values(byKind).reduce((a, b) => a + b, 0);
      emr = {
        data: emrPath,
        chars: emrChars,
        detections: total,
        per_10k_chars: (total / emrChars) * 10_000,
        byKind,
        examples,
      };
      table.push({ arm: 'PHI found in CCKS2017 EMR', requests: total, per_10k_chars: (total / emrChars) * 10_000 });
      log(`CCKS 2017 EMR: ${total} detections in ${emrChars} chars`);
    }

    return {
      split:
        'de-identification: test.* notes held out (reported), dev.* used to build the rules, hard.* looked at while fixing (see note)',
      ...(existsSync(emrPath) ? { inputs: [emrPath] } : {}),
      goal: { provider_overhead_pct: '< 5', deid_recall: '>= 0.99' },
      overhead_pct: {
        instant_server_p50: instant.client!.overhead_p50_pct,
        server_20ms_p50: realistic.client!.overhead_p50_pct,
        server_20ms_mean: realistic.client!.overhead_mean_pct,
      },
      latency: { instant, server_20ms: realistic },
      cache,
      deid: {
        heldOut: heldOut && {
          recall: heldOut.recall,
          precision: heldOut.precision,
          charRecall: heldOut.charRecall,
          gold: heldOut.gold,
        },
        files: deid,
        throughput,
        emr,
      },
      note: [
        'test.* (held out): written before the rules and never tuned on; dev.*: used to build them. Both were written by the author of the rules, so they share its idea of what a note looks like.',
        'hard.*: written after the rules to probe their limits. Scored before any change: zh recall 0.600 (12/20), en 0.429 (9/21), precision 1.0; the generic fixes that followed (ages and dates in words, spaced ID numbers, international phones, day-first dates, more cues) were made looking at them, so their current figures are tuned.',
        'No published baseline applies: i2b2 2014 / CEGS N-GRID de-identification sets need a data use agreement and are not here. Expect real-world recall below these figures, above all for names without a cue.',
      ],
      table,
    };
  },
} satisfies Benchmark;
