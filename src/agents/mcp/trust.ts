import { invalid } from '../../core/index.js';

/**
 * Which callers are untrusted with identifying data (their tool results are de-identified):
 * `MEDSEEK_MCP_UNTRUSTED`, a comma-separated list of principal ids as the audit log names them
 * (`key:<id>`, `jwt:<sub>`, `user:<id>`), or `*` for every caller. `medseek mcp --deidentify`
 * marks its own stdio client untrusted whatever the list says.
 */
export function untrustedPrincipals(
  env: Readonly<Record<string, string | undefined>>,
): (principalId: string) => boolean {
  const raw = env.MEDSEEK_MCP_UNTRUSTED?.trim();
  if (!raw) return () => false;
  const ids = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.includes('*')) return () => true;
  const bad = ids.find((id) => !/^[a-z-]+:[^\s,]+$/.test(id) && id !== 'demo');
  if (bad)
    throw invalid(`'${bad}' is not a principal id (key:<id>, jwt:<sub>, user:<id>) or *`, {
      field: 'MEDSEEK_MCP_UNTRUSTED',
    });
  const set = new Set(ids);
  return (id) => set.has(id);
}
