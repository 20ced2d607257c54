import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MedSeekError, invalid, sha256 } from '../../core/index.js';

/** Reads a UTF-8 text file with a clear error when it is missing, a folder, or not UTF-8. */
export function readText(path: string): string {
  if (!existsSync(path)) throw new MedSeekError('not-found', `file not found: ${path}`, { where: path });
  if (statSync(path).isDirectory()) throw invalid('expected a file, got a folder', { where: path });
  const buf = readFileSync(path);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buf);
  if (text.includes('\uFFFD'))
    throw new MedSeekError('encoding', 'not valid UTF-8 (convert it first, e.g. iconv -f GB18030 -t UTF-8)', {
      where: path,
    });
  return text.replace(/^\uFEFF/, '');
}

/** `path` itself when a file, else `path/name` (the usual file inside a data folder). */
export function fileIn(path: string, name: string): string {
  return existsSync(path) && statSync(path).isDirectory() ? join(path, name) : path;
}

export function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw invalid(`not valid JSON: ${(e as Error).message}`, { where });
  }
}

export function contentHash(...parts: readonly string[]): string {
  return sha256(parts.join('\u0000'));
}
