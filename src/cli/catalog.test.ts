import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { catalog } from './catalog.js';
import { programFor } from './program.js';

describe('the command catalog', () => {
  it('says what each command module registers, in the command’s own words', async () => {
    for (const entry of catalog) {
      const program = new Command('medseek');
      const { register } = await entry.load();
      const file = `./commands/${entry.module}`;
      expect(register).toBe(((await import(`${file}.js`)) as { register: unknown }).register);
      register(program);
      expect(program.commands.map((c) => ({ name: c.name(), summary: c.description() }))).toEqual(entry.commands);
    }
  }, 240_000);

  it('lists every command module', async () => {
    const dir = join(import.meta.dirname, 'commands');
    const modules = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const registering: string[] = [];
    for (const file of modules) {
      const m = (await import(`./commands/${file.replace(/\.ts$/, '.js')}`)) as { register?: unknown };
      if (typeof m.register === 'function') registering.push(file.replace(/\.ts$/, ''));
    }
    expect(catalog.map((e) => e.module).sort()).toEqual(registering.sort());
  }, 240_000);

  it('lists every command for --help without loading one, and loads only the one asked for', async () => {
    const help = await programFor(['node', 'medseek', '--help']);
    expect(help.commands.map((c) => c.name())).toEqual(catalog.flatMap((e) => e.commands.map((c) => c.name)));
    expect(help.commands.every((c) => c.commands.length === 0 && c.options.length === 0)).toBe(true);
    const kg = await programFor(['node', 'medseek', 'kg', 'releases']);
    expect(kg.commands.map((c) => c.name())).toEqual(['kg']);
    expect(kg.commands[0]?.commands.map((c) => c.name())).toContain('releases');
    const restore = await programFor(['node', 'medseek', 'help', 'restore']);
    expect(restore.commands.map((c) => c.name())).toEqual(['backup', 'restore']);
  }, 240_000);
});
