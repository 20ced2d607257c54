import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheControlFor, staticFiles } from './static-files.js';

const dir = mkdtempSync(join(tmpdir(), 'medseek-static-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bundle = `console.log(${JSON.stringify('x'.repeat(5000))});\n`;
mkdirSync(join(dir, 'assets'));
writeFileSync(join(dir, 'assets', 'main-DWynR47y.js'), bundle);
writeFileSync(join(dir, 'assets', 'main-DWynR47y.js.br'), brotliCompressSync(bundle));
writeFileSync(join(dir, 'assets', 'logo.svg'), `<svg>${' '.repeat(2000)}</svg>`);
writeFileSync(join(dir, 'index.html'), `<!doctype html><title>MedSeek</title>${'<p>x</p>'.repeat(300)}`);
const app = new Hono();
app.use('*', ...staticFiles(dir));

describe('the workspace static files', () => {
  it('sends a hashed bundle precompressed (Brotli) and cacheable for a year, immutable', async () => {
    const res = await app.request('/assets/main-DWynR47y.js', { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Encoding')).toBe('br');
    expect(res.headers.get('Content-Type')).toMatch(/javascript/);
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
    expect(Number(res.headers.get('Content-Length'))).toBeLessThan(bundle.length / 10);
  });

  it('gzips on the fly what has no precompressed twin; index.html is revalidated on every load', async () => {
    const res = await app.request('/', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.headers.get('Content-Encoding')).toBe('gzip');
    expect(res.headers.get('Cache-Control')).toBe('no-cache');
    expect(gunzipSync(Buffer.from(await res.arrayBuffer())).toString()).toContain('<title>MedSeek</title>');
  });

  it('sends plain bytes to a client that accepts no encoding; an unhashed asset is not immutable', async () => {
    const res = await app.request('/assets/main-DWynR47y.js');
    expect(res.headers.get('Content-Encoding')).toBeNull();
    expect(await res.text()).toBe(bundle);
    expect(cacheControlFor('/srv/web/assets/logo.svg')).toBe('no-cache');
    expect(cacheControlFor('/srv/web/index.html')).toBe('no-cache');
    expect(cacheControlFor('/srv/web/assets/smart-B1i12bvg.js')).toBe('public, max-age=31536000, immutable');
  });
});
