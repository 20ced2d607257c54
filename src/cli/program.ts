import { Command } from 'commander';
import { register as bench } from './commands/bench.js';

/**
 * The `medseek` command. Each subcommand lives in `commands/<name>.ts` and exports
 * `register(program)`; add one import and one line below to add a command.
 */
export function buildProgram(): Command {
  const program = new Command('medseek')
    .description('MedSeek: the trustworthy clinical AI layer between DeepSeek-class models and the hospital record')
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const register of commands) register(program);
  return program;
}

type Register = (program: Command) => void;

const commands: Register[] = [bench];
