import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's Orthanc (package `orthanc`) and its DICOMweb plugin (package `orthanc-dicomweb`). */
export const ORTHANC_BINARY = '/usr/sbin/Orthanc';
const PLUGIN_PATHS = ['/usr/share/orthanc/plugins/libOrthancDicomWeb.so', '/usr/lib/orthanc/libOrthancDicomWeb.so.1.7'];

export interface OrthancServer {
  /** `http://127.0.0.1:<port>`: Orthanc's own REST API. */
  readonly url: string;
  /** `<url>/dicom-web`: the DICOMweb root MedSeek pulls from. */
  readonly dicomWeb: string;
  readonly user: string;
  readonly password: string;
  /** Stores one DICOM Part 10 file through Orthanc's REST API (`POST /instances`); returns Orthanc's id. */
  upload(part10: Uint8Array): Promise<string>;
  stop(): Promise<void>;
}

/** The plugin's path, or undefined when the DICOMweb plugin is not installed. */
export function dicomWebPlugin(): string | undefined {
  return PLUGIN_PATHS.find((p) => existsSync(p));
}

/**
 * Why Orthanc cannot run here, or undefined when it can. A test skips with this message, unless CI is
 * set: there the binary is required (`.ci/run` installs `orthanc` and `orthanc-dicomweb`) and the test fails.
 */
export function orthancMissing(): string | undefined {
  if (!existsSync(ORTHANC_BINARY)) return `Orthanc not installed (${ORTHANC_BINARY}; apt-get install orthanc)`;
  if (!dicomWebPlugin()) return 'the Orthanc DICOMweb plugin is not installed (apt-get install orthanc-dicomweb)';
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a throw-away Orthanc: storage in a temporary folder, HTTP on a free 127.0.0.1 port, the
 * DICOM (C-STORE) server off, no remote access, one test user (basic auth), the DICOMweb plugin
 * loaded. Resolves once `/system` answers; `stop()` ends the process and removes the folder.
 */
export async function startOrthanc(): Promise<OrthancServer> {
  const missing = orthancMissing();
  if (missing) throw new Error(missing);
  const dir = await mkdtemp(join(tmpdir(), 'medseek-orthanc-'));
  const port = await freePort();
  const user = 'medseek';
  const password = 'orthanc-test-pass';
  const config = {
    Name: 'MedSeekTest',
    StorageDirectory: join(dir, 'db'),
    IndexDirectory: join(dir, 'db'),
    HttpPort: port,
    HttpBindAddress: '127.0.0.1',
    DicomServerEnabled: false,
    DicomPort: 0,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: true,
    RegisteredUsers: { [user]: password },
    Plugins: [dicomWebPlugin()],
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: false, StudiesMetadata: 'Full', SeriesMetadata: 'Full' },
    StorageCompression: false,
    HttpCompressionEnabled: false,
    LuaScripts: [],
  };
  const configPath = join(dir, 'orthanc.json');
  await writeFile(configPath, JSON.stringify(config));
  const child: ChildProcess = spawn(ORTHANC_BINARY, [configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`Orthanc exited with ${child.exitCode}: ${log}`);
    }
    const ok = await fetch(`${url}/system`, { headers: { Authorization: auth } }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Orthanc did not answer /system within 30 s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    dicomWeb: `${url}/dicom-web`,
    user,
    password,
    async upload(part10) {
      const res = await fetch(`${url}/instances`, {
        method: 'POST',
        headers: { Authorization: auth, 'Content-Type': 'application/dicom' },
        body: new Blob([part10 as Uint8Array<ArrayBuffer>]),
      });
      if (!res.ok) throw new Error(`Orthanc refused the instance: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { ID: string }).ID;
    },
    stop,
  };
}
