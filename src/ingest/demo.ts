import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The demo patients shipped in `demo/` (Synthea bundles and MedSeek's synthetic Chinese inpatient
 * records; see demo/README.md), for the server to load on first run. Works from the sources
 * (src/ingest → ../../demo) and from a build (dist/src/ingest → ../../../demo).
 */
export function demoDir(): string | undefined {
  for (const up of ['../../demo/', '../../../demo/']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(dir, 'README.md'))) return dir;
  }
  return undefined;
}

/** Absolute paths of the demo bundles, sorted (Synthea first, then the Chinese records). */
export function demoBundlePaths(): string[] {
  const dir = demoDir();
  if (!dir) return [];
  const out: string[] = [];
  for (const sub of ['synthea', 'zh']) {
    const d = join(dir, sub);
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).sort()) if (f.endsWith('.json')) out.push(join(d, f));
  }
  return out;
}
