import { createServer } from 'node:net';
import { MedSeekError } from '../../core/index.js';
import type { StartStep } from '../../server/index.js';

/**
 * A busy port said at once, before the database and knowledge are opened (seconds on a first start), in words
 * a user can act on: which address and port, and how to choose another. Resolves when the port can be bound.
 */
export function checkPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => reject(portError(host, port, e)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** The error for a port that cannot be bound: busy, privileged, or an address this machine does not have. */
export function portError(host: string, port: number, e: NodeJS.ErrnoException): MedSeekError {
  const how = 'choose another with --port <n> or PORT=<n> (--port 0 picks a free one)';
  const message =
    e.code === 'EADDRINUSE'
      ? `port ${port} on ${host} is already in use (another MedSeek or another program listens there); ${how}`
      : e.code === 'EACCES'
        ? `port ${port} on ${host} needs administrator rights (ports below 1024); ${how}`
        : e.code === 'EADDRNOTAVAIL'
          ? `${host} is not an address of this machine; choose another with --host or MEDSEEK_HOST`
          : `cannot listen on ${host}:${port}: ${e.code ?? e.message}; ${how}`;
  return new MedSeekError(
    'unavailable',
    message,
    { field: e.code === 'EADDRNOTAVAIL' ? '--host' : '--port' },
    {
      cause: e,
    },
  );
}

const LABELS: Record<StartStep['name'], string> = {
  database: 'opening the database',
  migrations: 'applying database migrations',
  definitions: 'loading the FHIR R4 definitions',
  knowledge: 'preparing the knowledge release',
  'demo patients': 'loading the demo patients',
};

/**
 * Progress for each start-up step, its name as it starts and its outcome when it ends:
 * `[2/5] applying database migrations… 3 applied (1.2 s)`. A long step that reports progress (the broad knowledge
 * release on a first start) shows it in tenths as it goes, in a log as on a terminal:
 * `[4/5] preparing the knowledge release… 10% 20% … 100% broad release 9 built and active: … (24.0 s)`.
 */
export function stepPrinter(write: (text: string) => void, total: number): (step: StartStep) => void {
  let n = 0;
  let started = 0;
  let shown = 0;
  return (step) => {
    if (step.progress !== undefined && step.done === undefined) {
      const tenth = Math.floor(Math.min(Math.max(step.progress, 0), 1) * 10);
      if (tenth > shown) {
        shown = tenth;
        write(` ${tenth * 10}%`);
      }
      return;
    }
    if (step.done === undefined) {
      n += 1;
      started = performance.now();
      shown = 0;
      write(`[${n}/${total}] ${LABELS[step.name]}…`);
      return;
    }
    write(` ${step.done} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  };
}
