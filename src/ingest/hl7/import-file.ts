import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MedSeekError } from '../../core/index.js';
import { type Hl7Options, type Hl7Outcome, type Hl7Store, processMessage } from './process.js';
import { splitMessages } from './split.js';

export interface Hl7ImportSummary {
  readonly messages: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  /** Per message, in file order, with its position (`message 3`) and the ACK it earned. */
  readonly outcomes: readonly (Hl7Outcome & { readonly where: string })[];
}

/** Largest HL7 file read at once (messages are processed one transaction each). */
const MAX_FILE_BYTES = 256 * 1024 * 1024;

/**
 * Imports a file of v2 messages (`.hl7`, `.txt`, a batch file): each message is processed exactly
 * as if it had arrived over MLLP, one transaction each, and earns its own ACK.
 */
export async function importHl7File(
  path: string,
  store: Hl7Store,
  options: Hl7Options = {},
): Promise<Hl7ImportSummary> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new MedSeekError('not-found', `no such file: ${path}`, { field: 'path' });
  if (info.size > MAX_FILE_BYTES)
    throw new MedSeekError('too-large', `the file is ${info.size} bytes, over the limit of ${MAX_FILE_BYTES}`, {
      field: 'path',
    });
  const outcomes: (Hl7Outcome & { where: string })[] = [];
  for (const [i, bytes] of splitMessages(await readFile(path)).entries())
    outcomes.push({ ...(await processMessage(bytes, store, options)), where: `message ${i + 1}` });
  return {
    messages: outcomes.length,
    accepted: outcomes.filter((o) => o.code === 'AA' && !o.duplicate).length,
    duplicates: outcomes.filter((o) => o.duplicate).length,
    rejected: outcomes.filter((o) => o.code !== 'AA').length,
    outcomes,
  };
}

/** A file is HL7 v2 when its first non-blank bytes (after any MLLP or batch framing) are MSH, FHS or BHS. */
export function looksLikeHl7(head: Buffer): boolean {
  const text = head
    .subarray(0, 16)
    .toString('latin1')
    .replace(/^[\s\u000b\u001c]+/, '');
  return /^(MSH|FHS|BHS)./.test(text);
}

/** A file to read as HL7 v2: named `.hl7`, or starting like a v2 message whatever its name. */
export async function isHl7File(path: string): Promise<boolean> {
  if (/\.hl7$/i.test(path)) return true;
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    return looksLikeHl7(head.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}

/** The `.hl7` files under a directory, in name order, skipping dot-names as the FHIR import does. */
export async function hl7FilesIn(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (d.name.startsWith('.')) continue;
    const p = join(dir, d.name);
    if (d.isDirectory()) out.push(...(await hl7FilesIn(p)));
    else if (d.isFile() && /\.hl7$/i.test(d.name)) out.push(p);
  }
  return out;
}
