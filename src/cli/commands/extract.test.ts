import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'medseek.js');

// No store in the data folder (an empty temporary one): `--lexicon auto` reads with the built-in lexicon.
const dataDir = mkdtempSync(join(tmpdir(), 'medseek-extract-data-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function medseek(args: string[], input?: string | Buffer): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, MEDSEEK_DATA_DIR: dataDir };
    const child = execFile('node', [bin, ...args], { encoding: 'utf8', env }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

/** `medseek extract` as a user runs it: a process that reads stdin or a file and prints JSON lines. */
describe('medseek extract (CLI)', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'medseek-extract-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints one JSON line per fact from stdin, with span, codes and assertion', async () => {
    const text = '主诉：发热3天。\n现病史：无胸痛，血钾 3.1 mmol/L。';
    const r = await medseek(['extract', '--anchor-date', '2024-03-10'], text);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.span.text)).toEqual(['发热', '胸痛', '血钾']);
    for (const l of lines) expect(text.slice(l.span.start, l.span.end)).toBe(l.span.text);
    expect(lines[0]).toMatchObject({
      assertion: 'present',
      section: 'chief_complaint',
      time: { start: '2024-03-07' },
      codes: ['http://snomed.info/sct|386661006'],
    });
    expect(lines[1]).toMatchObject({ assertion: 'absent' });
    expect(lines[2]).toMatchObject({ value: { value: 3.1, unit: 'mmol/L', original: '3.1 mmol/L' } });
  });

  it('reads a file, and --format json gives one document with the sections', async () => {
    const file = join(dir, 'note.txt');
    writeFileSync(file, 'HPI: denies chest pain.\nMedications: metoprolol 25 mg PO BID');
    const r = await medseek(['extract', '--lang', 'en', '--format', 'json', file]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.lang).toBe('en');
    expect(doc.lexicon).toBe('builtin');
    expect(doc.sections.map((s: { key: string }) => s.key)).toEqual(['hpi', 'medications']);
    expect(doc.facts.find((f: { category: string }) => f.category === 'medication').dosage).toMatchObject({
      route: 'PO',
      frequency: { code: 'BID' },
    });
  });

  it('empty and mis-encoded input fail with a clear message and a non-zero exit', async () => {
    const empty = await medseek(['extract'], '');
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toMatch(/empty/);
    const gbk = await medseek(['extract'], Buffer.from([0xb7, 0xa2, 0xc8, 0xc8, 0x33, 0xcc, 0xec]));
    expect(gbk.code).not.toBe(0);
    expect(gbk.stderr).toMatch(/not valid UTF-8/);
  });

  it('refuses an unknown --lang', async () => {
    const r = await medseek(['extract', '--lang', 'fr'], 'text');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--lang/);
  });

  it('reads 胸闷 as chest tightness; --lexicon release without a store, or a bad --lexicon, says why', async () => {
    const ok = await medseek(['extract', '--lang', 'zh'], '胸闷2天，无胸痛。');
    expect(ok.code).toBe(0);
    const lines = ok.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.concept.display, l.assertion])).toEqual([
      ['Chest tightness', 'present'],
      ['Chest pain', 'absent'],
    ]);
    const release = await medseek(['extract', '--lexicon', 'release'], '胸闷');
    expect(release.code).toBe(2);
    expect(release.stderr).toMatch(/--lexicon release: no store at/);
    const bad = await medseek(['extract', '--lexicon', 'kg'], '胸闷');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--lexicon must be auto, builtin or release/);
  });
});
