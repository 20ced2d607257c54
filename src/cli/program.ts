import { Command } from 'commander';
import { catalog } from './catalog.js';

/**
 * The `medseek` command for these arguments. Only the module of the command named in `argv` is
 * loaded; without one (`medseek --help`, an unknown word) the program lists every command from the
 * catalog without loading any. `medseek help <command>` loads that command for its full help.
 */
export async function programFor(argv: readonly string[]): Promise<Command> {
  const program = new Command('medseek')
    .description('MedSeek: the trustworthy clinical AI layer between DeepSeek-class models and the hospital record')
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  const wanted = words[0] === 'help' ? words[1] : words[0];
  const entry = catalog.find((e) => e.commands.some((c) => c.name === wanted));
  if (entry) {
    (await entry.load()).register(program);
    return program;
  }
  for (const e of catalog) for (const c of e.commands) program.command(c.name).description(c.summary);
  return program;
}
