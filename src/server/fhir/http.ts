import type { Context } from 'hono';
import { MedSeekError } from '../../core/index.js';
import { auditEvents } from '../audit/request.js';
import type { AppContext } from '../context.js';
import type { AppEnv } from '../env.js';

/** What every `/fhir` route module shares: the base URL as addressed, the Accept check, the audit entry. */

/** The server's FHIR base as the caller addressed it: `http://host:port/fhir`. */
export function baseOf(c: Context): string {
  return `${new URL(c.req.url).origin}/fhir`;
}

/** The server speaks JSON only; a client that accepts only XML gets 406 rather than JSON it cannot read. */
export function requireJsonAccept(c: Context): void {
  const accept = c.req.header('accept');
  if (!accept) return;
  if (/json|\*\/\*|application\/\*/i.test(accept)) return;
  throw new MedSeekError('unsupported', `cannot answer in '${accept}'; this server speaks application/fhir+json`, {
    field: 'Accept',
  });
}

/** One audit entry per patient the interaction touched (one without a patient when it touched none). */
export async function auditFhir(
  ctx: AppContext,
  c: Context<AppEnv>,
  action: string,
  resource: string,
  outcome: number,
  patients: readonly (string | undefined)[],
): Promise<void> {
  await ctx.audit.record(auditEvents(c, { action, resource: resource.slice(0, 2000), outcome, patients }));
}
