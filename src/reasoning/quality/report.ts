import { sourceKey } from '../../core/index.js';
import type { QcIssueResult, QcReport } from './engine.js';
import type { QcSeverity } from './rule.js';

/** The summary of a QC run over many encounters, and its readable renderings (Markdown, HTML). */
export interface QcRunSummary {
  readonly generatedAt: string;
  readonly since?: string;
  /** The rule book's release every report of the run used. */
  readonly release: string;
  readonly encounters: number;
  readonly meanScore: number;
  readonly grades: Record<'甲' | '乙' | '丙', number>;
  readonly issuesBySeverity: Record<QcSeverity, number>;
  readonly issuesByRule: readonly { readonly ruleId: string; readonly count: number; readonly encounters: number }[];
  readonly reports: readonly QcReport[];
}

export function summarise(
  reports: readonly QcReport[],
  opts: { release: string; since?: string; now?: string },
): QcRunSummary {
  const grades = { 甲: 0, 乙: 0, 丙: 0 };
  const sev: Record<QcSeverity, number> = { S1: 0, S2: 0, S3: 0, S4: 0 };
  const byRule = new Map<string, { count: number; encs: Set<string> }>();
  for (const r of reports) {
    grades[r.grade]++;
    for (const i of r.issues) {
      sev[i.qcSeverity]++;
      const e = byRule.get(i.ruleId) ?? { count: 0, encs: new Set<string>() };
      e.count++;
      e.encs.add(r.encounterId);
      byRule.set(i.ruleId, e);
    }
  }
  return {
    generatedAt: opts.now ?? new Date().toISOString(),
    ...(opts.since ? { since: opts.since } : {}),
    release: opts.release,
    encounters: reports.length,
    meanScore: reports.length ? Math.round((reports.reduce((s, r) => s + r.score, 0) / reports.length) * 10) / 10 : 0,
    grades,
    issuesBySeverity: sev,
    issuesByRule: [...byRule.entries()]
      .map(([ruleId, v]) => ({ ruleId, count: v.count, encounters: v.encs.size }))
      .sort((a, b) => b.count - a.count || a.ruleId.localeCompare(b.ruleId)),
    reports,
  };
}

/** Where the finding points, as the report prints it: the text that triggered it, or where the missing item belongs. */
const where = (i: QcIssueResult): string => {
  const a = i.anchor;
  if (a.kind === 'text') return `（原文：“${a.text ?? ''}”）`;
  if (a.kind === 'section') return `（位置：“${a.section}”一节）`;
  if (a.kind === 'document' && a.absent) return '（位置：整份文书）';
  return '';
};
/** The issue with where it points. */
const issueText = (i: QcIssueResult) => `${i.conclusion.statement.zh ?? i.conclusion.statement.en}${where(i)}`;
/** The norm the finding rests on, with its article. */
const basis = (i: QcIssueResult) => i.conclusion.evidence[1]?.knowledge?.[0]?.authority.document ?? '';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function toMarkdown(s: QcRunSummary): string {
  const lines = [
    '# 病历质控报告 / Medical-record QC report',
    '',
    `Generated ${s.generatedAt}${s.since ? `, encounters since ${s.since}` : ''}. Rules: ${s.release} (knowledge release).`,
    '',
    `- Encounters: ${s.encounters}; mean score ${s.meanScore}; grades 甲 ${s.grades.甲}, 乙 ${s.grades.乙}, 丙 ${s.grades.丙}`,
    `- Issues: S1 ${s.issuesBySeverity.S1}, S2 ${s.issuesBySeverity.S2}, S3 ${s.issuesBySeverity.S3}, S4 ${s.issuesBySeverity.S4}`,
    '',
    '## Issues by rule',
    '',
    '| Rule | Issues | Encounters |',
    '| --- | ---: | ---: |',
    ...s.issuesByRule.map((r) => `| ${r.ruleId} | ${r.count} | ${r.encounters} |`),
    '',
    '## Encounters',
    '',
  ];
  for (const r of s.reports) {
    lines.push(`### ${r.encounterId} (patient ${r.patientId}): ${r.score} ${r.grade}`, '');
    if (r.issues.length === 0) lines.push('No issues.', '');
    else {
      lines.push(
        '| Rule | Sev | −Points | Issue | Fix 修改建议 | Basis 依据 | Sources |',
        '| --- | --- | ---: | --- | --- | --- | --- |',
      );
      for (const i of r.issues)
        lines.push(
          `| ${i.ruleId} | ${i.qcSeverity} | ${i.deduction} | ${mdCell(issueText(i))} | ${mdCell(i.fix.zh ?? i.fix.en)} | ${mdCell(basis(i))} | ${mdCell(i.conclusion.evidence[0]!.sources.map(sourceKey).join(', '))} |`,
        );
      lines.push('');
    }
  }
  return lines.join('\n');
}

export function toHtml(s: QcRunSummary): string {
  const rows = s.reports
    .map(
      (r) =>
        `<section><h3>${esc(r.encounterId)} <small>patient ${esc(r.patientId)}</small> — ${r.score} ${r.grade}</h3>${
          r.issues.length === 0
            ? '<p>No issues.</p>'
            : `<table><thead><tr><th>Rule</th><th>Sev</th><th>−Points</th><th>Issue</th><th>Fix 修改建议</th><th>Basis 依据</th><th>Sources</th></tr></thead><tbody>${r.issues
                .map(
                  (i) =>
                    `<tr class="${i.qcSeverity}"><td>${i.ruleId}</td><td>${i.qcSeverity}</td><td>${i.deduction}</td><td>${esc(issueText(i))}<br><small>${esc(i.conclusion.statement.en)}</small></td><td>${esc(i.fix.zh ?? i.fix.en)}</td><td>${esc(basis(i))}</td><td>${i.conclusion.evidence[0]!.sources.map((x) => `<code>${esc(sourceKey(x))}</code>`).join(' ')}</td></tr>`,
                )
                .join('')}</tbody></table>`
        }</section>`,
    )
    .join('\n');
  return `<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>病历质控报告</title><style>body{font-family:system-ui,"WenQuanYi Micro Hei",sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem;text-align:left;vertical-align:top}.S1{background:#fdd}.S2{background:#ffe9c7}</style></head><body>
<h1>病历质控报告 / Medical-record QC report</h1>
<p>Generated ${esc(s.generatedAt)}${s.since ? `, encounters since ${esc(s.since)}` : ''}; rules from ${esc(s.release)}. Encounters ${s.encounters}; mean score ${s.meanScore}; 甲 ${s.grades.甲}, 乙 ${s.grades.乙}, 丙 ${s.grades.丙}. Issues S1 ${s.issuesBySeverity.S1}, S2 ${s.issuesBySeverity.S2}, S3 ${s.issuesBySeverity.S3}, S4 ${s.issuesBySeverity.S4}.</p>
<h2>Issues by rule</h2><table><thead><tr><th>Rule</th><th>Issues</th><th>Encounters</th></tr></thead><tbody>${s.issuesByRule.map((r) => `<tr><td>${r.ruleId}</td><td>${r.count}</td><td>${r.encounters}</td></tr>`).join('')}</tbody></table>
<h2>Encounters</h2>
${rows}
</body></html>
`;
}
