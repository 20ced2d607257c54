import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/store/index.js';

let empty: Promise<string> | undefined;

/** An empty on-disk PGlite cluster, made (initdb) once per test process and never opened again: copied only. */
function emptyClusterDir(): Promise<string> {
  empty ??= (async () => {
    const parent = mkdtempSync(join(tmpdir(), 'medseek-empty-cluster-'));
    process.once('exit', () => rmSync(parent, { recursive: true, force: true }));
    const dir = join(parent, 'data');
    await (await openDatabase({ dataDir: dir })).close();
    return dir;
  })();
  return empty;
}

/**
 * Makes `dataDir` an empty, closed PGlite cluster, as a first start's initdb leaves it, by copying one made once
 * per test process (initdb took seconds for each new folder on a busy machine): what opens it afterwards migrates
 * it as on any first start.
 */
export async function createEmptyStore(dataDir: string): Promise<void> {
  cpSync(await emptyClusterDir(), dataDir, { recursive: true });
}
