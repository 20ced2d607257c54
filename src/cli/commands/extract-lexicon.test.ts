import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/index.js';
import { defaultExtractorName, releaseExtractor } from '../../fusion/index.js';
import { importKnowledge, lexiconSnapshot } from '../../knowledge/index.js';
import { builtinLexicon, extractFacts } from '../../nlp/index.js';
import { openMigratedDatabase } from '../../server/index.js';
import { storeLexicon } from './extract.js';

const fixture = join(import.meta.dirname, '..', '..', 'nlp', '__fixtures__', 'release-lexicon.json');

/** The lexicon a CLI command reads with: the store's active release (a small local fixture) under the built-in list. */
describe('storeLexicon: the active knowledge release for extraction', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'medseek-lexicon-'));
  const config = loadConfig({ MEDSEEK_DATA_DIR: join(dir, 'store') });
  let releaseId = 0;

  beforeAll(async () => {
    const db = await openMigratedDatabase(config);
    try {
      releaseId = (await importKnowledge(db, 'local', fixture, { activate: true })).releaseId;
      // the snapshot is read once per store and release
      const a = await lexiconSnapshot(db);
      expect(a?.releaseId).toBe(releaseId);
      expect((await lexiconSnapshot(db)) === a).toBe(true);
      expect(a?.entries.map((e) => e.term)).toContain('不能平卧');
      // fusion's note extractor for the store is named after the release and reads its names
      const { extract, extractor } = await releaseExtractor(db);
      expect(extractor).toBe(`${defaultExtractorName}+lexicon-${a?.digest}`);
      expect(a?.digest).toMatch(/^[0-9a-f]{16}$/);
      const note = {
        document: 'DocumentReference/1',
        documentId: '1',
        versionId: '1',
        text: '夜间不能平卧，无胸闷。',
        path: 'DocumentReference.content[0].attachment',
      };
      const facts = await extract(note, 'p1');
      expect(facts.map((f) => [f.concept.code, f.assertion])).toEqual([
        ['local:finding:orthopnea', 'present'],
        ['23924001', 'absent'],
      ]);
    } finally {
      await db.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads with the active release's names, and reuses the built automaton when the store is opened again", async () => {
    const a = await storeLexicon('auto', { config });
    expect(a.source).toBe(`kg-release-${releaseId}`);
    const read = (text: string, lang: 'zh' | 'en') =>
      extractFacts(text, { lexicon: a.lexicon, lang }).facts.map((f) => [
        f.sources[0]?.kind === 'text' ? f.sources[0].quote : '',
        f.assertion,
      ]);
    expect(read('Denies orthopnoea.', 'en')).toEqual([['orthopnoea', 'absent']]);
    expect(read('否认过敏性咳嗽。', 'zh')).toEqual([['过敏性咳嗽', 'absent']]);
    const b = await storeLexicon('release', { config });
    expect(b.lexicon === a.lexicon).toBe(true);
    // the snapshot is kept under the data folder, keyed by release and digest, and read back from there
    const cache = join(dir, 'store', 'cache');
    const [file] = readdirSync(cache).filter((f) => f.startsWith(`lexicon-release-${releaseId}-`));
    expect(file).toMatch(/^lexicon-release-\d+-[0-9a-f]{16}\.json$/);
    const saved = JSON.parse(readFileSync(join(cache, file!), 'utf8'));
    saved.entries.push(['夜间阵发性呼吸困难', 'zh', saved.entries[0][2], 'finding']);
    writeFileSync(join(cache, file!), JSON.stringify(saved));
    const db = await openMigratedDatabase(config);
    try {
      const again = await lexiconSnapshot(db, { cacheDir: cache });
      expect(again?.entries.map((e) => e.term)).toContain('夜间阵发性呼吸困难');
    } finally {
      await db.close();
    }
    expect((await storeLexicon('builtin', { config })).lexicon === builtinLexicon()).toBe(true);
  });

  it('falls back to the built-in lexicon with no store, and --lexicon release then says why', async () => {
    const none = loadConfig({ MEDSEEK_DATA_DIR: join(dir, 'absent') });
    const r = await storeLexicon('auto', { config: none });
    expect(r.source).toBe('builtin');
    expect(r.lexicon === builtinLexicon()).toBe(true);
    await expect(storeLexicon('release', { config: none })).rejects.toMatchObject({
      message: expect.stringMatching(/no store at .*absent/),
      location: { field: '--lexicon' },
    });
  });
});
