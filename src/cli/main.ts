import { isMedSeekError } from '../core/index.js';
import { programFor } from './program.js';

try {
  await (await programFor(process.argv)).parseAsync(process.argv);
} catch (e) {
  // A clear one-line error for the user; the stack only when asked for.
  const message = isMedSeekError(e)
    ? `medseek: ${e.code}: ${e.message}`
    : `medseek: ${(e as Error).message ?? String(e)}`;
  process.stderr.write(`${message}\n`);
  if (isMedSeekError(e)) for (const issue of e.issues) process.stderr.write(`  - ${issue.message}\n`);
  if (process.env.MEDSEEK_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
  process.exitCode = isMedSeekError(e) && e.code === 'invalid' ? 2 : 1;
}
