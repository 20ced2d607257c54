import type { Conclusion, Severity } from '../../core/index.js';
import { invalid, stableId } from '../../core/index.js';
import type { RuleConfiguration, RuleSetting } from '../safety/rule.js';
import type { QcEncounter } from './model.js';
import type { QcCategory, QcContext, QcRule, QcSeverity } from './rule.js';
import { COMPLETENESS_RULES } from './rules/completeness.js';
import { CONSISTENCY_RULES } from './rules/consistency.js';
import { HOMEPAGE_RULES } from './rules/homepage.js';
import { TIMELINESS_RULES } from './rules/timeliness.js';

/** All 76 rules of qc-rules.md: T01–T23, C01–C23, K01–K18, H01–H12. */
export const QC_RULES: readonly QcRule[] = [...TIMELINESS_RULES, ...COMPLETENESS_RULES, ...CONSISTENCY_RULES, ...HOMEPAGE_RULES];

export function qcRule(id: string): QcRule | undefined {
  return QC_RULES.find((r) => r.id === id);
}

/** S1 → high … S4 → info: the core Severity a QC issue carries. */
export const QC_SEVERITY: Record<QcSeverity, Severity> = { S1: 'high', S2: 'moderate', S3: 'low', S4: 'info' };

/**
 * Score deductions per issue (author default; each hospital's QC office sets its own): the score
 * starts at 100. Grade 甲 ≥ 90, 乙 ≥ 75, else 丙; any S1 issue caps the grade at 乙 (a safety or
 * legal-validity defect is never 甲).
 */
export const DEFAULT_DEDUCTIONS: Record<QcSeverity, number> = { S1: 10, S2: 5, S3: 2, S4: 0.5 };

export interface QcIssueResult {
  readonly ruleId: string;
  readonly category: QcCategory;
  readonly qcSeverity: QcSeverity;
  readonly conclusion: Conclusion;
}

export interface QcReport {
  readonly encounterId: string;
  readonly patientId: string;
  readonly evaluatedAt: string;
  readonly score: number;
  readonly grade: '甲' | '乙' | '丙';
  readonly rulesEvaluated: number;
  readonly counts: Record<QcSeverity, number>;
  readonly issues: readonly QcIssueResult[];
}

export interface QcOptions {
  readonly now?: string;
  readonly config?: RuleConfiguration;
  readonly deductions?: Partial<Record<QcSeverity, number>>;
  readonly peerDiscussions?: QcContext['peerDiscussions'];
  readonly icdCatalog?: QcContext['icdCatalog'];
}

function enabled(rule: QcRule, s: RuleSetting | undefined): boolean {
  return s?.enabled ?? rule.defaultEnabled ?? true;
}

/** Runs every enabled QC rule over one encounter and scores it. */
export function evaluateQc(enc: QcEncounter, options: QcOptions = {}): QcReport {
  const now = options.now ?? new Date().toISOString();
  const deductions = { ...DEFAULT_DEDUCTIONS, ...(options.deductions ?? {}) };
  const issues: QcIssueResult[] = [];
  let evaluated = 0;
  for (const rule of QC_RULES) {
    const setting = options.config?.[rule.id];
    if (!enabled(rule, setting)) continue;
    evaluated++;
    const ctx: QcContext = { now, params: { ...(rule.defaults ?? {}), ...(setting?.params ?? {}) }, ...(options.peerDiscussions ? { peerDiscussions: options.peerDiscussions } : {}), ...(options.icdCatalog ? { icdCatalog: options.icdCatalog } : {}) };
    for (const found of rule.check(enc, ctx)) {
      const qcSeverity = found.severity ?? rule.severity;
      issues.push({
        ruleId: rule.id,
        category: rule.category,
        qcSeverity,
        conclusion: {
          id: stableId('qc', enc.id, rule.id, found.key ?? ''),
          kind: 'quality',
          producer: `quality/${rule.id}`,
          patientId: enc.patientId,
          statement: found.message,
          detail: { en: `${rule.id} ${rule.title.en} (${qcSeverity}). Source: ${rule.source}`, zh: `${rule.id} ${rule.title.zh}（${qcSeverity}）。依据：${rule.source}` },
          severity: setting?.severity ?? QC_SEVERITY[qcSeverity],
          evidence: [
            { role: 'supports', statement: found.message, sources: found.refs },
            { role: 'context', statement: { en: `Rule ${rule.id}: ${rule.source}`, zh: `规则${rule.id}：${rule.source}` }, sources: [], knowledge: [{ kind: 'knowledge', edgeId: `qc:${rule.id}`, authority: { name: rule.source, document: '../shared/domain/qc-rules.md' } }] },
          ],
          model: { used: false, reason: 'rule' },
          createdAt: now,
        },
      });
    }
  }
  const counts: Record<QcSeverity, number> = { S1: 0, S2: 0, S3: 0, S4: 0 };
  for (const i of issues) counts[i.qcSeverity]++;
  const score = Math.max(0, Math.round((100 - issues.reduce((s, i) => s + deductions[i.qcSeverity], 0)) * 10) / 10);
  const grade = score >= 90 && counts.S1 === 0 ? '甲' : score >= 75 ? '乙' : '丙';
  return { encounterId: enc.id, patientId: enc.patientId, evaluatedAt: now, score, grade, rulesEvaluated: evaluated, counts, issues };
}

/** Validates a hospital's setting for a QC rule (known rule; parameters the rule has). */
export function validateQcSetting(ruleId: string, setting: RuleSetting): void {
  const rule = qcRule(ruleId);
  if (!rule) throw invalid(`unknown rule '${ruleId}'`, { field: 'ruleId' });
  for (const [k, v] of Object.entries(setting.params ?? {})) {
    if (!(k in (rule.defaults ?? {}))) throw invalid(`rule ${ruleId} has no parameter '${k}'; known: ${Object.keys(rule.defaults ?? {}).join(', ') || 'none'}`, { where: ruleId, field: `params.${k}` });
    const d = rule.defaults![k];
    if ((typeof d === 'number' || d === null) && v !== null && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) throw invalid(`${k} must be a non-negative number`, { where: ruleId, field: `params.${k}` });
    if (Array.isArray(d) && !Array.isArray(v)) throw invalid(`${k} must be a list`, { where: ruleId, field: `params.${k}` });
  }
}
