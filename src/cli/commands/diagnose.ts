import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { Lang } from '../../core/index.js';
import { invalid, loadConfig } from '../../core/index.js';
import { KnowledgeGraph, lexiconSnapshot } from '../../knowledge/index.js';
import { decodeText, releaseLexicon } from '../../nlp/index.js';
import type { CaseInput, Diagnosis, Network } from '../../reasoning/index.js';
import {
  codingsFromKnowledge,
  diagnose,
  diagnoseText,
  differentialView,
  explanationText,
  knowledgeBaseResolver,
} from '../../reasoning/index.js';
import { openMigratedDatabase } from '../../server/index.js';
import type { Database } from '../../store/index.js';

/**
 * `medseek diagnose --kb <release|ddxplus|dxy> [--format json|text] [--lang zh|en]`: reads a case
 * ({"age", "sex", "findings": [{"id", "value"?, "present"?}], "riskFactors"?}) from stdin and prints
 * the ranked differential, each disease with its explanation and the counterfactual ranking beside.
 *
 * `medseek diagnose --text <file> [--lang zh|en] [--top N] [--format json|text]`: a clinical note
 * instead (read with the active release's lexicon; findings, measured results, imaging and ECG
 * statements, diagnoses the note names) → `{release, differential: [{rank, name: {zh, en}, codes,
 * probability, status, text, explanation, evidence}], observations, matches}` over the release's
 * diseases (`--kb release` or `release:<id>` only: the note is read against a knowledge release).
 */
export function register(program: Command): void {
  program
    .command('diagnose')
    .description(
      'rank a differential for a case read from stdin (JSON: age, sex, findings with values), with explanations',
    )
    .option('--kb <name>', 'knowledge base: release (the active KG release), release:<id>, ddxplus, dxy', 'release')
    .option('--format <format>', 'json or text', 'json')
    .option('--lang <lang>', 'zh or en: the note language with --text (default: detected), the text output language')
    .option('--top <n>', 'how many diseases', '10')
    .option('--text <file>', 'a clinical note (UTF-8 text) instead of a JSON case on stdin')
    .action(async (opts: { kb: string; format: string; lang?: string; top: string; text?: string }) => {
      if (opts.format !== 'json' && opts.format !== 'text')
        throw invalid(`--format must be json or text, not '${opts.format}'`, { field: '--format' });
      if (opts.lang !== undefined && opts.lang !== 'zh' && opts.lang !== 'en')
        throw invalid(`--lang must be zh or en, not '${opts.lang}'`, { field: '--lang' });
      const top = Number(opts.top);
      if (!Number.isInteger(top) || top < 1)
        throw invalid(`--top must be a positive integer, not '${opts.top}'`, { field: '--top' });
      if (opts.text !== undefined) {
        await diagnoseNote(opts.text, { kb: opts.kb, lang: opts.lang as Lang | undefined, top, format: opts.format });
        return;
      }
      const input = parseCase(await readStdin());
      let db: Database | undefined;
      try {
        if (opts.kb.startsWith('release')) db = await openMigratedDatabase(loadConfig());
        const net = await knowledgeBaseResolver(db ? { sql: db } : {})(opts.kb);
        const dx = diagnose(net, input, { top });
        process.stdout.write(
          opts.format === 'json'
            ? `${JSON.stringify(dx, null, 2)}\n`
            : `${renderText(dx, (opts.lang as Lang | undefined) ?? 'en')}\n`,
        );
      } finally {
        await db?.close();
      }
    });
}

/** `--text`: the differential of a note over a knowledge release's diseases. */
export async function diagnoseNote(
  file: string,
  opts: { kb: string; lang: Lang | undefined; top: number; format: 'json' | 'text' },
): Promise<void> {
  if (!opts.kb.startsWith('release'))
    throw invalid(`--text reads a note against a knowledge release: --kb release or release:<id>, not '${opts.kb}'`, {
      field: '--kb',
    });
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw invalid(`cannot read the note: ${(e as Error).message}`, { where: file, field: '--text' });
  }
  const text = decodeText(bytes, file);
  const db = await openMigratedDatabase(loadConfig());
  try {
    const release = /^release:(\d+)$/.exec(opts.kb)?.[1];
    const net: Network = await knowledgeBaseResolver({ sql: db })(opts.kb);
    const kg = new KnowledgeGraph(db);
    const codings = codingsFromKnowledge(await kg.causalNetwork(release ? { release: Number(release) } : {}));
    const snapshot = await lexiconSnapshot(db, release ? { release: Number(release) } : {});
    const r = diagnoseText(net, text, {
      lang: opts.lang ?? 'auto',
      lexicon: releaseLexicon(snapshot),
      document: basename(file),
      codings,
      top: opts.top,
    });
    if (opts.format === 'text') {
      process.stdout.write(`${renderText(r.diagnosis, opts.lang ?? (/[\u4e00-\u9fff]/u.test(text) ? 'zh' : 'en'))}\n`);
      return;
    }
    const out = {
      release: net.model.release,
      ...differentialView(net, r, codings),
      observations: r.diagnosis.observations,
      matches: r.case.matches,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    await db.close();
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw invalid(
      'give the case as JSON on stdin, e.g. echo \'{"age":30,"sex":"male","findings":[{"id":"E_91"}]}\' | medseek diagnose --kb ddxplus',
      { field: 'stdin' },
    );
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function parseCase(text: string): CaseInput {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw invalid(`the case is not JSON: ${(e as Error).message}`, { where: 'stdin' });
  }
  const c = v as Partial<CaseInput>;
  if (typeof c !== 'object' || c === null || !Array.isArray(c.findings))
    throw invalid('the case needs a findings array', { where: 'stdin', field: 'findings' });
  c.findings.forEach((f, i) => {
    if (typeof f?.id !== 'string') throw invalid('each finding needs an id', { where: `findings[${i}]`, field: 'id' });
  });
  if (c.age !== undefined && (typeof c.age !== 'number' || c.age < 0))
    throw invalid('age must be a non-negative number', { where: 'stdin', field: 'age' });
  if (c.sex !== undefined && !['male', 'female', 'other', 'unknown'].includes(c.sex))
    throw invalid(`sex '${c.sex}' is not male, female, other or unknown`, { where: 'stdin', field: 'sex' });
  return c as CaseInput;
}

function renderText(dx: Diagnosis, lang: Lang): string {
  const lines = [
    lang === 'zh' ? `鉴别诊断（${dx.model}，${dx.method}）：` : `Differential (${dx.model}, ${dx.method}):`,
  ];
  for (const r of dx.differential) {
    lines.push(`${r.rank}. ${explanationText(r.explanation, lang)}`);
    if (r.counterfactualRank !== undefined)
      lines.push(
        lang === 'zh'
          ? `   反事实排序：第 ${r.counterfactualRank}（预期消除 ${r.expectedDisablement!.toFixed(2)} 项阳性表现）`
          : `   counterfactual rank ${r.counterfactualRank} (expected disablement ${r.expectedDisablement!.toFixed(2)} findings)`,
      );
  }
  if (dx.rankingDifferences.length)
    lines.push(
      lang === 'zh'
        ? `后验与反事实排序不同：${dx.rankingDifferences.map((d) => `${d.disease} ${d.posteriorRank}→${d.counterfactualRank}`).join('，')}`
        : `Rankings differ: ${dx.rankingDifferences.map((d) => `${d.disease} ${d.posteriorRank}→${d.counterfactualRank}`).join(', ')}`,
    );
  return lines.join('\n');
}
