import type { Bilingual, Conclusion, Severity, Source } from '../../core/index.js';
import { invalid, stableId } from '../../core/index.js';
import type { RuleConfiguration, RuleSetting } from '../safety/rule.js';
import type { KnowledgeSource } from '../../core/index.js';
import { bundledIcdCodes, type IcdCodeTable } from './icd-codes.js';
import { withFoldedDocuments } from './form-characters.js';
import type { QcEncounter } from './model.js';
import type { QcAnchor, QcCategory, QcContext, QcIssue, QcRule, QcSeverity, QcSpan } from './rule.js';
import { encSource } from './rule.js';
import type { QcRuleBook } from './rulebook.js';
import { withHeadings } from './text.js';

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
  /** Points this finding takes off the score. */
  readonly deduction: number;
  /** What to do about it. */
  readonly fix: Bilingual;
  /** The text that triggered it, where a text did. */
  readonly span?: QcSpan;
  /** Where it points: that span, or for an absence the section, document or record it is missing from. */
  readonly anchor: QcAnchor;
  readonly conclusion: Conclusion;
}

export interface QcReport {
  /** The rule book's release (`kg-release/<id>` or the bundled book); each finding names it too. */
  readonly release: string;
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
  /** The code table H04/H05 read without a catalogue: the bundled 国家临床版 2.0 unless given (false: none). */
  readonly icdCodes?: IcdCodeTable | false;
}

function enabled(rule: QcRule, s: RuleSetting | undefined): boolean {
  return s?.enabled ?? rule.defaultEnabled ?? true;
}

/** The rule's first authority, with the article, as the finding's knowledge evidence. */
function ruleKnowledge(book: QcRuleBook, rule: QcRule): KnowledgeSource {
  const ref = rule.sources.find((s) => s.role === 'authority') ?? rule.sources[0]!;
  const { id: _id, note: _note, ...authority } = book.sources.get(ref.id) ?? { id: ref.id, name: ref.id };
  // The article goes with the document: `《病历书写基本规范》卫医政发〔2010〕11号 第十八条(四)`.
  const document = ref.cite ? `${authority.document ?? authority.name} ${ref.cite}` : authority.document;
  return {
    kind: 'knowledge',
    edgeId: rule.relationId ?? `qc:${rule.id}`,
    authority: { ...authority, ...(document ? { document } : {}) },
    ...(book.releaseId !== undefined ? { releaseId: String(book.releaseId) } : {}),
  };
}

/**
 * The norms a rule rests on (its authorities, article included) in each language: `《病历书写基本规范》
 * 第十八条(四)` and `Basic Standards for Writing Medical Records (Ministry of Health, 2010), art. 18(4)`.
 * A release made before sources carried titles falls back on the rule's citation line.
 */
export function ruleBasis(rule: QcRule): { readonly en: string; readonly zh: string } {
  const refs = rule.sources.filter((s) => s.role === 'authority');
  if (refs.length === 0 || refs.some((s) => !s.title)) return { en: rule.source, zh: rule.source };
  const en = refs.map((s) => {
    const cite = s.citeEn ?? s.cite;
    return cite ? `${s.title!.en}, ${cite}` : s.title!.en;
  });
  const zh = refs.map((s) => `${s.title!.zh}${s.citeZh ?? s.cite ?? ''}`);
  return { en: en.join('; '), zh: zh.join('；') };
}

/** A finding without its own hint: correct the record as the norm it rests on asks. */
function defaultFix(rule: QcRule, basis: Bilingual): Bilingual {
  return {
    en: `Correct the record (${rule.title.en}) as required by ${basis.en}`,
    zh: `按${basis.zh}补正：${rule.title.zh}`,
  };
}

const RANK: Record<QcSeverity, number> = { S1: 0, S2: 1, S3: 2, S4: 3 };

const sameResource = (a: Source, b: Source) =>
  a.kind === 'resource' && b.kind === 'resource' && a.resourceType === b.resourceType && a.id === b.id;

/**
 * The finding's anchor: its span, the rule's own anchor, else the first document or record it refers
 * to as a whole (a finding with no reference points at the encounter).
 */
function anchorOf(enc: QcEncounter, found: QcIssue): QcAnchor {
  if (found.span) {
    const { documentId, start, end, text } = found.span;
    const d = enc.documents.find((x) => x.id === documentId);
    const source: Source = d?.ref?.includes('/')
      ? { kind: 'resource', resourceType: d.ref.split('/')[0]!, id: d.ref.split('/')[1]! }
      : { kind: 'resource', resourceType: 'DocumentReference', id: documentId };
    return { kind: 'text', source, documentId, start, end, text };
  }
  if (found.anchor) return found.anchor;
  const source = found.refs.find((r) => r.kind === 'resource') ?? encSource(enc);
  const d = enc.documents.find((x) => {
    const ref = x.ref?.includes('/') ? x.ref.split('/') : ['DocumentReference', x.id];
    return sameResource(source, { kind: 'resource', resourceType: ref[0]!, id: ref[1]! });
  });
  return d ? { kind: 'document', source, documentId: d.id } : { kind: 'record', source };
}

/** The anchor as a source the workspace can open: the text span, or the section's place, in its document. */
function anchorSource(enc: QcEncounter, a: QcAnchor): Source | undefined {
  if ((a.kind !== 'text' && a.kind !== 'section') || a.start === undefined || a.end === undefined) return undefined;
  const d = enc.documents.find((x) => x.id === a.documentId);
  return {
    kind: 'text',
    document: d?.ref ?? `DocumentReference/${a.documentId}`,
    start: a.start,
    end: a.end,
    // A section may be long: its opening words stand for it.
    ...(a.text ? { quote: a.kind === 'section' && a.text.length > 60 ? `${a.text.slice(0, 60)}…` : a.text } : {}),
  };
}

/**
 * Runs every enabled rule of the book over one encounter (reading sections with the book's
 * headings) and scores it; findings come most severe and costliest first.
 */
export function evaluateQc(enc: QcEncounter, book: QcRuleBook, options: QcOptions = {}): QcReport {
  return withHeadings(book.headings, () => evaluate(withFoldedDocuments(enc), book, options));
}

function evaluate(enc: QcEncounter, book: QcRuleBook, options: QcOptions): QcReport {
  const now = options.now ?? new Date().toISOString();
  const deductions = { ...DEFAULT_DEDUCTIONS, ...(options.deductions ?? {}) };
  const issues: QcIssueResult[] = [];
  let evaluated = 0;
  const icdCodes = options.icdCodes === false ? undefined : (options.icdCodes ?? bundledIcdCodes());
  for (const rule of book.rules) {
    const setting = options.config?.[rule.id];
    if (!enabled(rule, setting)) continue;
    evaluated++;
    const ctx: QcContext = {
      rule,
      now,
      params: { ...(rule.defaults ?? {}), ...(setting?.params ?? {}) },
      ...(options.peerDiscussions ? { peerDiscussions: options.peerDiscussions } : {}),
      ...(options.icdCatalog ? { icdCatalog: options.icdCatalog } : {}),
      ...(icdCodes ? { icdCodes } : {}),
    };
    const knowledge = ruleKnowledge(book, rule);
    const basis = ruleBasis(rule);
    for (const found of rule.check(enc, ctx)) {
      const qcSeverity = found.severity ?? rule.severity;
      const anchor = anchorOf(enc, found);
      const at = anchorSource(enc, anchor);
      issues.push({
        ruleId: rule.id,
        category: rule.category,
        qcSeverity,
        deduction: deductions[qcSeverity],
        fix: found.fix ?? defaultFix(rule, basis),
        ...(found.span ? { span: found.span } : {}),
        anchor,
        conclusion: {
          id: stableId('qc', enc.id, rule.id, found.key ?? ''),
          kind: 'quality',
          producer: `quality/${rule.id}`,
          patientId: enc.patientId,
          statement: found.message,
          detail: {
            en: `${rule.id} ${rule.title.en} (${qcSeverity}). Source: ${basis.en}`,
            zh: `${rule.id} ${rule.title.zh}（${qcSeverity}）。依据：${basis.zh}`,
          },
          severity: setting?.severity ?? QC_SEVERITY[qcSeverity],
          evidence: [
            { role: 'supports', statement: found.message, sources: at ? [at, ...found.refs] : found.refs },
            {
              role: 'context',
              statement: { en: `Rule ${rule.id}: ${basis.en}`, zh: `规则${rule.id}：${basis.zh}` },
              sources: [],
              knowledge: [knowledge],
            },
          ],
          knowledgeRelease: book.release,
          model: { used: false, reason: 'rule' },
          createdAt: now,
        },
      });
    }
  }
  // Stable: within a severity and deduction, the book's order (category, then rule id).
  issues.sort((a, b) => RANK[a.qcSeverity] - RANK[b.qcSeverity] || b.deduction - a.deduction);
  const counts: Record<QcSeverity, number> = { S1: 0, S2: 0, S3: 0, S4: 0 };
  for (const i of issues) counts[i.qcSeverity]++;
  const score = Math.max(0, Math.round((100 - issues.reduce((s, i) => s + deductions[i.qcSeverity], 0)) * 10) / 10);
  const grade = score >= 90 && counts.S1 === 0 ? '甲' : score >= 75 ? '乙' : '丙';
  return {
    release: book.release,
    encounterId: enc.id,
    patientId: enc.patientId,
    evaluatedAt: now,
    score,
    grade,
    rulesEvaluated: evaluated,
    counts,
    issues,
  };
}

/** Validates a hospital's setting for a QC rule of the book (known rule; parameters the rule has). */
export function validateQcSetting(book: QcRuleBook, ruleId: string, setting: RuleSetting): void {
  const rule = book.rule(ruleId);
  if (!rule) throw invalid(`unknown rule '${ruleId}'`, { field: 'ruleId' });
  for (const [k, v] of Object.entries(setting.params ?? {})) {
    if (!(k in (rule.defaults ?? {})))
      throw invalid(
        `rule ${ruleId} has no parameter '${k}'; known: ${Object.keys(rule.defaults ?? {}).join(', ') || 'none'}`,
        { where: ruleId, field: `params.${k}` },
      );
    const d = rule.defaults![k];
    if ((typeof d === 'number' || d === null) && v !== null && (typeof v !== 'number' || !Number.isFinite(v) || v < 0))
      throw invalid(`${k} must be a non-negative number`, { where: ruleId, field: `params.${k}` });
    if (Array.isArray(d) && !Array.isArray(v))
      throw invalid(`${k} must be a list`, { where: ruleId, field: `params.${k}` });
  }
}
