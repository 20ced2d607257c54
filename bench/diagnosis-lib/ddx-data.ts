import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DdxKnowledge, DdxPatient } from '../../src/reasoning/index.js';
import { parseDdxKnowledge, parseDdxPatients, splitDdxPatients } from '../../src/reasoning/index.js';
import { sharedData } from '../lib/harness.js';

export const ddxDir = (): string => process.env.MEDSEEK_DDXPLUS_DIR ?? sharedData('ddxplus');

export function loadDdxKnowledge(dir = ddxDir()): DdxKnowledge {
  return parseDdxKnowledge(
    readFileSync(join(dir, 'release_conditions.json'), 'utf8'),
    readFileSync(join(dir, 'release_evidences.json'), 'utf8'),
  );
}

/** A patient's identity for the halves and for overlap checks: the row's content (DDXPlus rows carry no id). */
export const rowKey = (p: DdxPatient) =>
  createHash('sha256')
    .update(JSON.stringify([p.age, p.sex, p.pathology, p.evidences, p.initialEvidence]))
    .digest('hex');

/**
 * Training and evaluation patients for a benchmark run. Parameters are learned from the training
 * file only (`--train`, or the shared patients), never from the file under evaluation: with no
 * training file and the shared file under evaluation, even rows train and odd rows are evaluated;
 * otherwise every training patient that does not also appear in the evaluation file trains, and the
 * whole evaluation file is evaluated.
 */
export function trainEvalSplit(
  dataPath: string,
  options: { readonly train?: string; readonly dir?: string } = {},
): { train: DdxPatient[]; evaluate: DdxPatient[]; protocol: string; trainPath: string } {
  const trainPath = options.train ?? join(options.dir ?? ddxDir(), 'patients_part1.csv');
  const evalText = readFileSync(dataPath, 'utf8');
  const evaluate = parseDdxPatients(evalText, dataPath);
  if (!existsSync(trainPath))
    throw new Error(`shared DDXPlus patients not found at ${trainPath}: they are the only training data`);
  const trainText = readFileSync(trainPath, 'utf8');
  const trainPatients = parseDdxPatients(trainText, trainPath);
  if (!options.train && trainText === evalText) {
    const { train, test } = splitDdxPatients(trainPatients);
    return {
      train,
      evaluate: test,
      trainPath,
      protocol: `shared file: trained on even rows (${train.length}), evaluated on odd rows (${test.length})`,
    };
  }
  const evalKeys = new Set(evaluate.map(rowKey));
  const train = trainPatients.filter((p) => !evalKeys.has(rowKey(p)));
  return {
    train,
    evaluate,
    trainPath,
    protocol: `trained on ${train.length} patients of ${trainPath} (${trainPatients.length - train.length} also in the evaluated file excluded), evaluated on ${evaluate.length} of ${dataPath}`,
  };
}
