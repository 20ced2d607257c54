import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import lockfile from 'proper-lockfile';
import { MedSeekError } from '../core/index.js';

/** Who holds a data directory: written beside the lock so a refused process can name it. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly since: string;
}

export interface DataDirLock {
  readonly holder: LockHolder;
  release(): Promise<void>;
}

/** The lock is a folder beside the data directory (inside it, a backup would carry it along). */
export const lockPath = (dataDir: string) => `${dataDir}.lock`;
const holderPath = (dataDir: string) => `${dataDir}.lock-holder.json`;

/** How long a lock whose holder stopped refreshing it (a crash, a frozen machine) stays valid. */
const STALE_MS = 10_000;

function readHolder(dataDir: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(holderPath(dataDir), 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/** The program and its subcommand only: later arguments may hold things not to write down. */
function commandLine(): string {
  return process.argv
    .slice(1, 3)
    .map((a) => a.split('/').pop())
    .join(' ');
}

/** Whether a process with this pid exists on this machine (ours or another user's). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One writer per embedded database: takes the data directory's lock (proper-lockfile: a folder
 * made atomically, its mtime refreshed while held, removed on release and on process exit). A lock
 * whose holder process on this machine is gone, or that nobody refreshed for STALE_MS, is taken over.
 * Otherwise the error names the holder: pid, host, command and since when.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const options = {
    stale: STALE_MS,
    lockfilePath: lockPath(dataDir),
    // Losing the lock (someone removed it) must not crash a server mid-request; say so instead.
    onCompromised: (e: Error) => process.emitWarning(`the lock on ${dataDir} was lost: ${e.message}`),
  };
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, options);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
    const holder = readHolder(dataDir);
    if (holder && holder.host === hostname() && holder.pid !== process.pid && !alive(holder.pid)) {
      // Its holder crashed moments ago (the mtime is still fresh): take it over.
      rmSync(lockPath(dataDir), { recursive: true, force: true });
      return lockDataDir(dataDir);
    }
    const who = holder
      ? `process ${holder.pid} on ${holder.host} (${holder.command}), since ${holder.since}`
      : `another process (lock ${lockPath(dataDir)}, modified ${statSync(lockPath(dataDir), { throwIfNoEntry: false })?.mtime.toISOString() ?? 'just now'})`;
    throw new MedSeekError(
      'conflict',
      `the database at ${dataDir} is in use by ${who}; one process writes an embedded database at a time: stop it, or go through the running server (medseek backup), or use PostgreSQL (DATABASE_URL) for several processes`,
      { field: 'MEDSEEK_DATA_DIR' },
      { cause: e },
    );
  }
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    command: commandLine(),
    since: new Date().toISOString(),
  };
  writeFileSync(holderPath(dataDir), `${JSON.stringify(holder)}\n`);
  return {
    holder,
    async release() {
      rmSync(holderPath(dataDir), { force: true });
      await release().catch(() => {});
    },
  };
}
