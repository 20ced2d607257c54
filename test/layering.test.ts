import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Imports point one way, down the pipeline (ARCHITECTURE.md): a stage may import only the stages
 * listed for it here, and only through their `index.ts`. Tests are exempt (they may build fixtures
 * from any stage).
 */
const allowed: Record<string, readonly string[]> = {
  core: [],
  ingest: ['core'],
  store: ['core'],
  knowledge: ['core'],
  nlp: ['core'],
  llm: ['core'],
  fusion: ['core', 'ingest', 'store', 'knowledge', 'nlp'],
  reasoning: ['core', 'ingest', 'store', 'knowledge', 'nlp', 'fusion', 'llm'],
  // verify checks text against the record; compose runs it in its regenerate-and-recheck loop.
  verify: ['core', 'ingest', 'store', 'knowledge', 'nlp', 'fusion', 'llm'],
  compose: ['core', 'ingest', 'store', 'knowledge', 'nlp', 'fusion', 'llm', 'verify'],
  learning: ['core', 'ingest', 'store', 'knowledge', 'nlp', 'fusion', 'llm', 'reasoning', 'compose', 'verify'],
  // after discharge (follow-up plans, home readings) and for learners (teaching cases, practice questions)
  followup: ['core', 'ingest', 'store', 'knowledge', 'nlp', 'fusion', 'llm', 'reasoning', 'compose', 'verify'],
  teaching: ['core', 'ingest', 'store', 'knowledge', 'nlp', 'fusion', 'llm', 'reasoning', 'compose', 'verify'],
  // agents serve the stages as MCP tools; the transport (server route or CLI) hands in the caller's access.
  agents: [
    'core',
    'ingest',
    'store',
    'knowledge',
    'nlp',
    'fusion',
    'llm',
    'reasoning',
    'compose',
    'verify',
    'learning',
    'followup',
    'teaching',
  ],
  server: [
    'core',
    'ingest',
    'store',
    'knowledge',
    'nlp',
    'fusion',
    'llm',
    'reasoning',
    'compose',
    'verify',
    'learning',
    'agents',
    'followup',
    'teaching',
  ],
  cli: [
    'core',
    'ingest',
    'store',
    'knowledge',
    'nlp',
    'fusion',
    'llm',
    'reasoning',
    'compose',
    'verify',
    'learning',
    'agents',
    'server',
    'followup',
    'teaching',
  ],
};

const srcDir = join(import.meta.dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [p] : [];
  });
}

describe('import direction', () => {
  const files = sourceFiles(srcDir);

  it('knows every stage folder', () => {
    const stages = readdirSync(srcDir).filter((n) => statSync(join(srcDir, n)).isDirectory());
    expect(stages.filter((s) => !(s in allowed))).toEqual([]);
  });

  it('imports only earlier stages, through their index', () => {
    const violations: string[] = [];
    for (const file of files) {
      const rel = relative(srcDir, file);
      const stage = rel.split('/')[0]!;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(
        /(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g,
      )) {
        const spec = (m[1] ?? m[2])!;
        const target = relative(srcDir, join(file, '..', spec));
        // The CLI is the one place that runs the benchmarks beside src/.
        if (stage === 'cli' && target.startsWith('../bench/')) continue;
        if (target.startsWith('..')) {
          violations.push(`${rel} imports ${spec}, outside src/`);
          continue;
        }
        const [targetStage, ...rest] = target.split('/');
        if (targetStage === stage) continue;
        if (!allowed[stage]?.includes(targetStage!)) violations.push(`${rel} imports ${targetStage} (${spec})`);
        else if (!(rest.length === 1 && /^index\.(js|ts)$/.test(rest[0]!)))
          violations.push(`${rel} reaches inside ${targetStage}: ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });
});
