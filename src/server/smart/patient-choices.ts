import type { AppContext } from '../context.js';
import type { Principal } from '../env.js';
import type { PatientChoice } from './approval-page.js';

/** How many patients the standalone-launch picker lists (a hospital-wide list belongs in a search, not a select). */
export const PICKER_LIMIT = 500;

interface PatientResource {
  id?: string;
  name?: { text?: string; family?: string; given?: string[] }[];
  birthDate?: string;
}

export function patientLabel(id: string, p: PatientResource | undefined): string {
  const n = p?.name?.[0];
  const name = n?.text ?? [n?.family, ...(n?.given ?? [])].filter(Boolean).join(' ');
  return [name || id, p?.birthDate ? `(${p.birthDate})` : '', name ? `· ${id}` : ''].filter(Boolean).join(' ');
}

/** The patients the user may pick for a standalone `launch/patient` (their patient scope), by id. */
export async function patientChoices(ctx: AppContext, principal: Principal): Promise<PatientChoice[]> {
  const visible = await ctx.patientScope.visible(principal);
  const ids = visible === undefined ? null : [...visible];
  if (ids && ids.length === 0) return [];
  const r = await ctx.db.query<{ id: string; resource: PatientResource | string }>(
    `select id, resource from fhir_resources where resource_type = 'Patient' and not deleted ${ids ? 'and id = any($2::text[])' : ''} order by id limit $1`,
    ids ? [PICKER_LIMIT, ids] : [PICKER_LIMIT],
  );
  return r.rows.map((row) => ({
    id: row.id,
    label: patientLabel(
      row.id,
      typeof row.resource === 'string' ? (JSON.parse(row.resource) as PatientResource) : row.resource,
    ),
  }));
}

/** The patient's label, or undefined when the store has no such (live) patient. */
export async function patientChoice(ctx: AppContext, id: string): Promise<PatientChoice | undefined> {
  const stored = await ctx.resources.read('Patient', id);
  if (!stored || stored.deleted) return undefined;
  return { id, label: patientLabel(id, stored.resource as PatientResource) };
}
