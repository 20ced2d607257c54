import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureDemoRelease } from '../../src/knowledge/index.js';
import type { Network } from '../../src/reasoning/index.js';
import { compileNetwork, knowledgeBaseResolver, learnDdxModel, parseDdxKnowledge } from '../../src/reasoning/index.js';
import { migrate, openDatabase } from '../../src/store/index.js';

/**
 * The network a consultation benchmark runs against (`--kb`):
 * - `release` (default): the bundled demo release (DDXPlus with MedSeek's zh/en names) in an
 *   in-memory database, i.e. what `medseek consult` uses out of the box;
 * - `ddxplus` / `dxy`: the shared data sets, as `medseek consult --kb` loads them;
 * - `bundled`: DDXPlus's bundled release files with no training patients (English names only; for tests).
 */
export const KBS = ['release', 'ddxplus', 'dxy', 'bundled'] as const;
export type Kb = (typeof KBS)[number];

export function parseKb(v: string | undefined): Kb {
  const kb = v ?? 'release';
  if (!(KBS as readonly string[]).includes(kb)) throw new Error(`--kb must be one of ${KBS.join(', ')}, not '${kb}'`);
  return kb as Kb;
}

export async function loadNetwork(kb: Kb): Promise<Network> {
  if (kb === 'bundled') {
    const file = (name: string) =>
      readFileSync(fileURLToPath(new URL(`../../src/knowledge/data/ddxplus/${name}`, import.meta.url)), 'utf8');
    return compileNetwork(
      learnDdxModel(parseDdxKnowledge(file('release_conditions.json'), file('release_evidences.json')), [], {
        trainingLabel: 'no training patients (bundled release files)',
      }),
    );
  }
  if (kb !== 'release') return knowledgeBaseResolver({})(kb);
  const db = await openDatabase();
  try {
    await migrate(db);
    await ensureDemoRelease(db);
    return await knowledgeBaseResolver({ sql: db })('release');
  } finally {
    await db.close();
  }
}

/** The network's id for a benchmark question id: itself, or a DDXPlus evidence under its release prefix. */
export function networkQuestionId(net: Network, id: string): string {
  if (net.questionIndex.has(id)) return id;
  if (net.questionIndex.has(`ddxplus:${id}`)) return `ddxplus:${id}`;
  return id;
}
