import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type FaithfulnessReport, recordFromTexts, type VerificationRecord, verifyText } from './index.js';

/**
 * Record/summary pairs (issue 12, "Tests and measures"): hand-written records (入院记录, 病程记录,
 * 出院记录; H&P, progress notes, discharge orders) and summaries, each faithful variant unblocked with
 * nothing contradicted, each unsafe variant blocked with the named claim contradicted, and statements
 * the record neither confirms nor denies left unsupported. Expectations come from the clinical truth of
 * the record, not from what the verifier outputs. Format: __fixtures__/pairs/README.md.
 */

interface PairCase {
  readonly id: string;
  readonly lang: 'zh' | 'en';
  readonly record: string;
  readonly kind: 'faithful' | 'unsafe' | 'unsupported';
  readonly summary: string;
  /** unsafe: a substring of the claim that must be contradicted. */
  readonly contradicted?: string;
  /** unsupported: a substring of the claim that must come out unsupported. */
  readonly unsupported?: string;
  /** faithful: substrings of claims that must come out supported. */
  readonly supported?: readonly string[];
  readonly why?: string;
}

interface PairGroup {
  readonly group: string;
  readonly description: string;
  readonly cases: readonly PairCase[];
}

const root = fileURLToPath(new URL('./__fixtures__/pairs/', import.meta.url));

function loadGroups(): PairGroup[] {
  const dir = join(root, 'cases');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const g = JSON.parse(readFileSync(join(dir, f), 'utf8')) as PairGroup;
      for (const c of g.cases) checkCase(c, f);
      return g;
    });
}

/** A malformed fixture fails loudly with its file, case and field. */
function checkCase(c: PairCase, file: string): void {
  const where = `${file} ${c.id ?? '(no id)'}`;
  if (!c.id || !c.summary || !c.record) throw new Error(`${where}: id, record and summary are required`);
  if (c.lang !== 'zh' && c.lang !== 'en') throw new Error(`${where}: lang must be zh or en`);
  if (c.kind === 'unsafe' && !c.contradicted)
    throw new Error(`${where}: an unsafe case names the claim that must be contradicted (field contradicted)`);
  if (c.kind === 'unsupported' && !c.unsupported)
    throw new Error(`${where}: an unsupported case names its claim (field unsupported)`);
  if (!['faithful', 'unsafe', 'unsupported'].includes(c.kind))
    throw new Error(`${where}: kind must be faithful, unsafe or unsupported`);
  for (const s of [c.contradicted, c.unsupported, ...(c.supported ?? [])]) {
    if (s && !c.summary.includes(s)) throw new Error(`${where}: “${s}” is not in the summary`);
  }
}

const records = new Map<string, VerificationRecord>();

/** The record as `medseek verify --source notes.txt` reads it (src/cli/commands/verify.ts). */
function recordOf(name: string): VerificationRecord {
  let r = records.get(name);
  if (!r) {
    r = recordFromTexts([{ id: name, text: readFileSync(join(root, 'records', name), 'utf8') }]);
    records.set(name, r);
  }
  return r;
}

function run(c: PairCase): FaithfulnessReport {
  return verifyText(c.summary, recordOf(c.record), { lang: 'auto' });
}

function explain(report: FaithfulnessReport): string {
  return report.claims
    .map((x) => `  [${x.verdict}${x.errorType ? ` ${x.errorType}` : ''}] “${x.text}” — ${x.reason}`)
    .join('\n');
}

const claimsWith = (report: FaithfulnessReport, needle: string) => report.claims.filter((x) => x.text.includes(needle));

describe.each(loadGroups().map((g) => [g.group, g] as const))('pairs: %s', (_name, group) => {
  for (const c of group.cases) {
    if (c.kind === 'faithful') {
      it(`${c.id}: faithful — not blocked, nothing contradicted`, () => {
        const report = run(c);
        const msg = `${c.summary}\n${explain(report)}`;
        expect(report.counts.contradicted, msg).toBe(0);
        expect(report.blocked, msg).toBe(false);
      });
      if (c.supported?.length) {
        it(`${c.id}: faithful — its key claims supported`, () => {
          const report = run(c);
          for (const needle of c.supported!) {
            const hits = claimsWith(report, needle);
            expect(hits.length, `no claim holds “${needle}”\n${explain(report)}`).toBeGreaterThan(0);
            expect(
              hits.every((x) => x.verdict === 'supported'),
              `“${needle}” not supported\n${explain(report)}`,
            ).toBe(true);
          }
        });
      }
    } else if (c.kind === 'unsafe') {
      it(`${c.id}: unsafe — blocked, “${c.contradicted}” contradicted`, () => {
        const report = run(c);
        const msg = `${c.summary} (${c.why ?? ''})\n${explain(report)}`;
        expect(
          claimsWith(report, c.contradicted!).some((x) => x.verdict === 'contradicted'),
          msg,
        ).toBe(true);
        expect(report.blocked, msg).toBe(true);
      });
    } else {
      it(`${c.id}: unsupported — “${c.unsupported}” unsupported, not contradicted`, () => {
        const report = run(c);
        const msg = `${c.summary}\n${explain(report)}`;
        expect(
          claimsWith(report, c.unsupported!).some((x) => x.verdict === 'unsupported'),
          msg,
        ).toBe(true);
        expect(report.counts.contradicted, msg).toBe(0);
        expect(report.blocked, msg).toBe(false);
      });
    }
  }
});

/** The same pairs through `medseek verify --format json`, as a user runs it on text files. */
describe('pairs through the CLI', { timeout: 120_000 }, () => {
  const bin = fileURLToPath(new URL('../../bin/medseek.js', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'medseek-pairs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const medseek = (args: string[]) =>
    new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile('node', [bin, ...args], { encoding: 'utf8' }, (err, stdout) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
      );
    });
  const byId = new Map(loadGroups().flatMap((g) => g.cases.map((c) => [c.id, c] as const)));

  it.each(['zh-allergy-denied-unsafe-1', 'en-allergy-class-faithful-2'])(
    '%s: the report shape, its verdicts and the exit status',
    async (id) => {
      const c = byId.get(id)!;
      const text = join(dir, `${id}.txt`);
      writeFileSync(text, c.summary);
      const r = await medseek([
        'verify',
        '--source',
        join(root, 'records', c.record),
        '--text',
        text,
        '--format',
        'json',
      ]);
      const out = JSON.parse(r.stdout) as {
        claims: { text: string; verdict: string; reason: string; evidence: unknown[] }[];
        omissions: unknown[];
        counts: Record<string, number>;
        blocked: boolean;
      };
      for (const claim of out.claims) {
        expect(typeof claim.text).toBe('string');
        expect(['supported', 'contradicted', 'unsupported']).toContain(claim.verdict);
        expect(typeof claim.reason).toBe('string');
        expect(Array.isArray(claim.evidence)).toBe(true);
      }
      expect(Array.isArray(out.omissions)).toBe(true);
      expect(out.counts.claims).toBe(out.claims.length);
      // The CLI reads the record as the suite does: the same verdicts.
      expect(out.claims.map((x) => x.verdict)).toEqual(run(c).claims.map((x) => x.verdict));
      expect(out.blocked).toBe(c.kind === 'unsafe');
      expect(r.code).toBe(c.kind === 'unsafe' ? 3 : 0);
    },
  );
});
