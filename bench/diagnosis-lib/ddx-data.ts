import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DdxKnowledge, DdxPatient } from '../../src/reasoning/index.js';
import { parseDdxKnowledge, parseDdxPatients, splitDdxPatients } from '../../src/reasoning/index.js';
import { sharedData } from '../lib/harness.js';

export const ddxDir = (): string => process.env.MEDSEEK_DDXPLUS_DIR ?? sharedData('ddxplus');

export function loadDdxKnowledge(dir = ddxDir()): DdxKnowledge {
  return parseDdxKnowledge(readFileSync(join(dir, 'release_conditions.json'), 'utf8'), readFileSync(join(dir, 'release_evidences.json'), 'utf8'));
}

const rowKey = (p: DdxPatient) => createHash('sha256').update(JSON.stringify([p.age, p.sex, p.pathology, p.evidences, p.initialEvidence])).digest('hex');

/**
 * Training and evaluation patients for a benchmark run. Parameters are learned from the shared
 * patients only, never from the file under evaluation: when the evaluation file is the shared one,
 * even rows train and odd rows are evaluated; otherwise every shared patient that does not also
 * appear in the evaluation file trains, and the whole file is evaluated.
 */
export function trainEvalSplit(dataPath: string, dir = ddxDir()): { train: DdxPatient[]; evaluate: DdxPatient[]; protocol: string } {
  const shared = join(dir, 'patients_part1.csv');
  const evalText = readFileSync(dataPath, 'utf8');
  const evaluate = parseDdxPatients(evalText, dataPath);
  if (!existsSync(shared)) throw new Error(`shared DDXPlus patients not found at ${shared}: they are the only training data`);
  const sharedText = readFileSync(shared, 'utf8');
  const sharedPatients = parseDdxPatients(sharedText, shared);
  if (sharedText === evalText) {
    const { train, test } = splitDdxPatients(sharedPatients);
    return { train, evaluate: test, protocol: `shared file: trained on even rows (${train.length}), evaluated on odd rows (${test.length})` };
  }
  const evalKeys = new Set(evaluate.map(rowKey));
  const train = sharedPatients.filter((p) => !evalKeys.has(rowKey(p)));
  return {
    train,
    evaluate,
    protocol: `trained on ${train.length} shared patients (${sharedPatients.length - train.length} also in the evaluated file excluded), evaluated on all ${evaluate.length} of ${dataPath}`,
  };
}
