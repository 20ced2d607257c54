import { beforeAll, expect, it } from 'vitest';
import { forEachBackend } from '../../../test/support/backends.js';
import { curate, importKnowledge } from '../../knowledge/index.js';
import { ruleCatalogue, saveRule } from './rules.js';

const LOCAL = 'LOCAL-CLOPIDOGREL-PPI';

/**
 * The per-hospital rule settings list and accept the active release's safety rules: a rule a
 * curator adds can be switched off for a hospital; an id that is no rule is a 400 naming it.
 */
forEachBackend('rule settings follow the active knowledge release', (db) => {
  beforeAll(async () => {
    await importKnowledge(db(), 'cds', undefined, { activate: true });
  });

  it("lists and accepts a curator's rule only once the release holding it is active", async () => {
    const before = await ruleCatalogue(db(), 'default');
    expect(before.rules.some((r) => r.id === 'DDI16' && r.kind === 'safety')).toBe(true);
    expect(before.rules.some((r) => r.id === LOCAL)).toBe(false);
    await expect(saveRule(db(), 'default', LOCAL, { enabled: false }, 'user:admin')).rejects.toMatchObject({
      code: 'invalid',
      location: { field: 'ruleId' },
      message: expect.stringContaining(`'${LOCAL}'`),
    });
    await curate(db(), {
      author: 'dr.li',
      reason: 'FDA clopidogrel label: avoid omeprazole',
      source: { id: 'pharmacy-2026-07', name: 'Hospital pharmacy committee decision 2026-07' },
      add: [
        {
          type: 'interacts-with',
          from: 'drug:clopidogrel',
          to: 'drug:omeprazole',
          attrs: {
            rule: LOCAL,
            severity: 'S2',
            risk: 'reduced activation of clopidogrel',
            action: 'Use pantoprazole.',
          },
        },
      ],
    });
    const after = await ruleCatalogue(db(), 'default');
    expect(after.rules.find((r) => r.id === LOCAL)).toMatchObject({ kind: 'safety', group: 'ddi' });
    const saved = await saveRule(db(), 'default', LOCAL, { enabled: false }, 'user:admin');
    expect(saved).toMatchObject({ ruleId: LOCAL, after: { enabled: false } });
    expect((await ruleCatalogue(db(), 'default')).rules.find((r) => r.id === LOCAL)!.setting).toEqual({
      enabled: false,
    });
  });
});
