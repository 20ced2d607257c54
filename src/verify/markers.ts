import type { FaithfulnessReport } from './verify.js';

/**
 * The checked text with inline markers: contradicted claims struck through with the reason,
 * unsupported ones flagged, omissions listed at the end. Markdown, for the CLI and reports.
 */
export function markText(text: string, report: FaithfulnessReport): string {
  let out = '';
  let at = 0;
  for (const c of [...report.claims].sort((a, b) => a.start - b.start)) {
    out += text.slice(at, c.start);
    const body = text.slice(c.start, c.end);
    if (c.verdict === 'contradicted') out += `~~${body}~~ ⟦✗ ${c.errorType ?? ''} ${c.reason}⟧`;
    else if (c.verdict === 'unsupported') out += `${body} ⟦? ${c.errorType ?? ''} ${c.reason}⟧`;
    else out += body;
    at = c.end;
  }
  out += text.slice(at);
  if (report.omissions.length > 0) out += `\n\n${report.omissions.map((o) => `⟦✗ E12 ${o.statement}⟧`).join('\n')}`;
  return out;
}

/**
 * The policy: contradicted claims are removed, unsupported ones stay flagged for the clinician.
 * Returns the text to show and what was removed.
 */
export function applyPolicy(text: string, report: FaithfulnessReport): { text: string; removed: string[] } {
  const removed: string[] = [];
  let out = '';
  let at = 0;
  for (const c of [...report.claims].sort((a, b) => a.start - b.start)) {
    out += text.slice(at, c.start);
    if (c.verdict === 'contradicted') {
      removed.push(c.text);
      // A dropped sentence end keeps its full stop: "A，B。" without B is "A。".
      const stop = /[。.!?！？]$/.exec(c.text)?.[0];
      if (stop && /[，,、]\s*$/.test(out)) out = out.replace(/[，,、]\s*$/, stop);
      // drop the clause and the punctuation right after it
      at = c.end;
      while (at < text.length && /[，,、；;]/.test(text[at]!)) at++;
      continue;
    }
    out += text.slice(c.start, c.end);
    at = c.end;
  }
  out += text.slice(at);
  return { text: out.replace(/[ \t]{2,}/g, ' '), removed };
}
