import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { register } from './llm.js';

describe('medseek deid / llm', () => {
  let dir: string;
  let out: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'medseek-deid-'));
    out = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      out.push(String(s));
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (...args: string[]) => {
    const program = new Command('medseek').exitOverride();
    register(program);
    await program.parseAsync(['node', 'medseek', ...args]);
    return out.join('');
  };

  it('de-identifies a note file with a fixed date shift', async () => {
    const file = join(dir, 'note.txt');
    writeFileSync(file, '患者张建国，93岁，电话13812345678，2024-03-15入院。');
    expect(await run('deid', file, '--shift', '40')).toBe('患者[NAME_1]，90+岁，电话[PHONE_1]，2024-04-24入院。\n');
  });

  it('rejects a shift that is not a whole number of days', async () => {
    const file = join(dir, 'note.txt');
    writeFileSync(file, 'x');
    await expect(run('deid', file, '--shift', 'soon')).rejects.toThrow(/--shift/);
  });

  it('reports no model configured, with keys never printed', async () => {
    const saved = { ...process.env };
    try {
      for (const k of Object.keys(process.env))
        if (k.startsWith('MEDSEEK_LLM') || k === 'DEEPSEEK_API_KEY') delete process.env[k];
      expect(await run('llm', 'status', '--no-db')).toMatch(/no model configured/);
      out = [];
      process.env.DEEPSEEK_API_KEY = 'sk-should-not-print';
      const text = await run('llm', 'status', '--no-db');
      expect(text).toContain('"deepseek"');
      expect(text).not.toContain('sk-should-not-print');
    } finally {
      // Restored key by key: the test files of a worker share one process.env.
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
});
