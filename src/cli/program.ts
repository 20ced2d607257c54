import { Command } from 'commander';
import { register as bench } from './commands/bench.js';
import { register as summarize } from './commands/summarize.js';
import { register as verify } from './commands/verify.js';
import { register as kg } from './commands/kg.js';
import { register as llm } from './commands/llm.js';
import { register as extract } from './commands/extract.js';
import { register as keys } from './commands/keys.js';
import { register as pull } from './commands/pull.js';
import { register as serve } from './commands/serve.js';
import { register as importCommand } from './commands/import.js';
import { register as patient } from './commands/patient.js';
import { register as diagnose } from './commands/diagnose.js';
import { register as consult } from './commands/consult.js';
import { register as qc } from './commands/qc.js';
import { register as smart } from './commands/smart.js';
import { register as backup } from './commands/backup.js';
import { register as users } from './commands/users.js';

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

const commands: Register[] = [
  bench,
  extract,
  serve,
  keys,
  pull,
  importCommand,
  patient,
  llm,
  kg,
  summarize,
  verify,
  diagnose,
  consult,
  qc,
  backup,
  users,
  smart,
];
