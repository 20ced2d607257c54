import { fileURLToPath } from 'node:url';
import { loadCleanRecords } from '../../../../bench/qc-lib/records.js';
import { evaluateQc } from '../engine.js';
import type { QcEncounter } from '../model.js';
import { qualityRulesFromData } from '../rulebook.js';

/** The bench's dev records (bench/data/qc/dev) by id, and one rule's findings on an encounter (forms tests). */
const BOOK = qualityRulesFromData();
const NOW = '2026-12-01T00:00:00+08:00';
const DATA = fileURLToPath(new URL('../../../../bench/data/qc', import.meta.url));

export const DEV_RECORDS: ReadonlyMap<string, QcEncounter> = new Map(
  loadCleanRecords(`${DATA}/dev`, 'fresh', 'dev').map((r) => [r.id, r.encounter]),
);

/** The zh statements of rule `rule`'s findings on `enc`, as the bench's "now" sees them. */
export const found = (enc: QcEncounter, rule: string): string[] =>
  evaluateQc(enc, BOOK, { now: NOW })
    .issues.filter((i) => i.ruleId === rule)
    .map((i) => i.conclusion.statement.zh ?? '');
