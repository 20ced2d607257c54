import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/**
 * Writes a Brotli (`.br`) and a gzip (`.gz`) twin beside every text file of the build over 1 KB, which the
 * server sends to browsers that accept them (src/server/static-files.ts): the 776 KB bundle goes out as about
 * a quarter of that, and nothing is compressed per request. Brotli at quality 9, not 11: nearly as small, and
 * the first `npm start` does not wait seconds for it.
 */
export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'medseek-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir.startsWith('/') ? config.build.outDir : join(config.root, config.build.outDir);
    },
    writeBundle(_options, bundle) {
      for (const name of Object.keys(bundle)) {
        if (!/\.(js|css|html|svg|json|txt|map)$/.test(name)) continue;
        const path = join(outDir, name);
        const data = readFileSync(path);
        if (data.length < 1024) continue;
        writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(data, {
            params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
          }),
        );
      }
    },
  };
}

/**
 * One line as the web build starts and one when it is done (`npm start` builds first and Vite runs at log level
 * warn): a first start says what it is doing instead of pausing silently for seconds.
 */
export function buildProgress(): Plugin {
  let started = 0;
  let files = 0;
  return {
    name: 'medseek-build-progress',
    apply: 'build',
    buildStart() {
      started = performance.now();
      process.stdout.write('web: building the clinician workspace…\n');
    },
    writeBundle(_options, bundle) {
      files = Object.keys(bundle).length;
    },
    closeBundle() {
      const s = ((performance.now() - started) / 1000).toFixed(1);
      process.stdout.write(`web: built ${files} files, compressed (Brotli, gzip), in ${s} s\n`);
    },
  };
}
