import { gunzipSync } from 'node:zlib';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { MedSeekError, invalid } from '../../core/index.js';

/**
 * Reads a UTF-8 text file that may be gzip-compressed (`.gz`, or any file starting with the gzip
 * magic bytes), with a clear error when it is missing, a folder, not gzip after all, or not UTF-8.
 */
export function readTextOrGzip(path: string): string {
  if (!existsSync(path)) throw new MedSeekError('not-found', `file not found: ${path}`, { where: path });
  if (statSync(path).isDirectory()) throw invalid('expected a file, got a folder', { where: path });
  let buf = readFileSync(path);
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
      throw invalid(`not a readable gzip file: ${(e as Error).message}`, { where: path });
    }
  } else if (path.endsWith('.gz')) throw invalid('named .gz but not gzip-compressed', { where: path });
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buf);
  if (text.includes('\uFFFD')) throw new MedSeekError('encoding', 'not valid UTF-8', { where: path });
  return text.replace(/^\uFEFF/, '');
}

/** The first of `names` that exists in `folder` (e.g. `x.tsv.gz`, then `x.tsv`), or `folder` itself when a file. */
export function fileOf(folder: string, names: readonly string[]): string {
  if (existsSync(folder) && !statSync(folder).isDirectory()) return folder;
  for (const n of names) if (existsSync(`${folder}/${n}`)) return `${folder}/${n}`;
  throw new MedSeekError('not-found', `none of ${names.join(', ')} in ${folder}`, { where: folder });
}

/** Tab-separated lines with their 1-based line numbers; blank lines and `#` comments skipped. */
export function tsvRows(text: string): { line: number; cells: string[] }[] {
  const out: { line: number; cells: string[] }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() && !raw.startsWith('#')) out.push({ line: i + 1, cells: raw.split('\t') });
  });
  return out;
}
