import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { importKnowledge } from '../../knowledge/index.js';
import { diagnose } from './diagnose.js';
import { knowledgeBaseResolver } from './knowledge-bases.js';

const sharedDdx = resolve(process.cwd(), '..', 'shared', 'data', 'ddxplus');

describe('knowledge bases by name', () => {
  it('names an unknown knowledge base and a release asked for without a database', async () => {
    await expect(knowledgeBaseResolver()('umls')).rejects.toThrow(/unknown knowledge base 'umls'/);
    await expect(knowledgeBaseResolver()('release')).rejects.toThrow(/needs the database/);
    await expect(knowledgeBaseResolver({ ddxplusDir: '/nonexistent' })('ddxplus')).rejects.toThrow(
      /DDXPlus files not found/,
    );
  });

  // Reads ../shared/data when present; skipped on a machine without it.
  it.skipIf(!existsSync(sharedDdx))('loads DDXPlus from the shared data, learning from the training rows', async () => {
    const net = await knowledgeBaseResolver()('ddxplus');
    expect(net.diseases).toHaveLength(49);
    expect(net.model.release).toMatch(/even rows/);
    const c = JSON.parse(
      readFileSync(new URL('../consultation/__fixtures__/ddxplus-case.json', import.meta.url), 'utf8'),
    );
    expect(
      diagnose(net, { age: c.age, sex: c.sex, findings: c.findings }, { top: 3, counterfactual: false })
        .differential[0]!.id,
    ).toBe('HIV (initial infection)');
  });
});

forEachBackend('knowledge-graph release as a network', (db) => {
  it('builds the network of the active release through the knowledge stage', async () => {
    const fixture = new URL('../../knowledge/__fixtures__/ddxplus', import.meta.url).pathname;
    await importKnowledge(db(), 'ddxplus', fixture, { activate: true });
    const net = await knowledgeBaseResolver({ sql: db() })('release');
    expect(net.diseases.length).toBeGreaterThan(0);
    expect(net.model.edges.every((e) => e.source.kind === 'knowledge' && e.source.authority.name.length > 0)).toBe(
      true,
    );
  });
});
