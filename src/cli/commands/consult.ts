import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { Lang, Sex } from '../../core/index.js';
import { invalid, loadConfig, say } from '../../core/index.js';
import {
  ConsultationService,
  knowledgeBaseResolver,
  parseSimulatedCase,
  reportText,
  simulateConsultation,
} from '../../reasoning/index.js';
import { openMigratedDatabase } from '../../server/index.js';
import type { Database } from '../../store/index.js';

/**
 * `medseek consult`: a pre-consultation (预问诊) in the terminal. The patient gives the chief
 * complaint, MedSeek screens red flags, asks, and prints the 预问诊报告 for the doctor. Sessions
 * are stored (`--resume <id>` continues one). `--simulate <case.json>` plays a case file as the
 * patient and prints the questions asked and the final differential.
 */
export function register(program: Command): void {
  program
    .command('consult')
    .description(
      'pre-consultation (预问诊) in the terminal, stored and resumable; or --simulate a case file as the patient',
    )
    .option('--lang <lang>', 'zh or en', 'zh')
    .option('--kb <name>', 'knowledge base: release, release:<id>, ddxplus, dxy', 'release')
    .option('--age <years>', 'patient age')
    .option('--sex <sex>', 'male or female')
    .option('--resume <session>', 'continue a stored session')
    .option('--simulate <case>', 'play this case file (JSON) as the patient')
    .option('--max-questions <n>', 'question limit', '20')
    .option('--json', 'print the result as JSON (with --simulate)')
    .action(
      async (opts: {
        lang: string;
        kb: string;
        age?: string;
        sex?: string;
        resume?: string;
        simulate?: string;
        maxQuestions: string;
        json?: boolean;
      }) => {
        if (opts.lang !== 'zh' && opts.lang !== 'en')
          throw invalid(`--lang must be zh or en, not '${opts.lang}'`, { field: '--lang' });
        const lang: Lang = opts.lang;
        const age = opts.age === undefined ? undefined : Number(opts.age);
        if (age !== undefined && (!Number.isFinite(age) || age < 0 || age > 130))
          throw invalid(`--age '${opts.age}' is not an age in years`, { field: '--age' });
        if (opts.sex !== undefined && opts.sex !== 'male' && opts.sex !== 'female')
          throw invalid(`--sex must be male or female, not '${opts.sex}'`, { field: '--sex' });
        const maxQuestions = Number(opts.maxQuestions);
        if (!Number.isInteger(maxQuestions) || maxQuestions < 0)
          throw invalid(`--max-questions must be a whole number, not '${opts.maxQuestions}'`, {
            field: '--max-questions',
          });
        if (opts.simulate) return simulate(opts.simulate, opts.kb, lang, maxQuestions, opts.json === true);
        let db: Database | undefined;
        try {
          db = await openMigratedDatabase(loadConfig());
          const service = new ConsultationService(db, knowledgeBaseResolver({ sql: db }), { policy: { maxQuestions } });
          await interactive(service, {
            lang,
            kb: opts.kb,
            ...(age !== undefined ? { age } : {}),
            ...(opts.sex ? { sex: opts.sex as Sex } : {}),
            ...(opts.resume ? { resume: opts.resume } : {}),
          });
        } finally {
          await db?.close();
        }
      },
    );
}

async function simulate(
  path: string,
  kbOption: string,
  lang: Lang,
  maxQuestions: number,
  json: boolean,
): Promise<void> {
  const c = parseSimulatedCase(readFileSync(path, 'utf8'), path);
  const kb = c.kb ?? kbOption;
  let db: Database | undefined;
  try {
    if (kb.startsWith('release')) db = await openMigratedDatabase(loadConfig());
    const net = await knowledgeBaseResolver(db ? { sql: db } : {})(kb);
    const r = simulateConsultation({ net, policy: { maxQuestions } }, { ...c, lang: c.lang ?? lang });
    const l = c.lang ?? lang;
    if (json) {
      process.stdout.write(
        `${JSON.stringify({ status: r.state.status, questions: r.questions, questionCount: r.questions.length, triage: r.state.triage, differential: r.report.differential.map((d) => ({ disease: d.concept?.code ?? d.id, statement: d.statement, confidence: d.confidence })), dialogue: r.dialogue, report: r.report }, null, 2)}\n`,
      );
      return;
    }
    for (const d of r.dialogue)
      process.stdout.write(
        `${d.role === 'patient' ? (l === 'zh' ? '患者' : 'Patient') : 'MedSeek'} [${d.turn}]: ${d.text}\n`,
      );
    process.stdout.write(
      `\n${l === 'zh' ? `共询问 ${r.questions.length} 个问题` : `${r.questions.length} questions asked`}${c.diagnosis ? ` · ${l === 'zh' ? '病例诊断' : 'case diagnosis'}: ${c.diagnosis}` : ''}\n\n`,
    );
    process.stdout.write(`${reportText(r.report, l)}\n`);
  } finally {
    await db?.close();
  }
}

async function interactive(
  service: ConsultationService,
  o: { lang: Lang; kb: string; age?: number; sex?: Sex; resume?: string },
): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY === true });
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (prompt: string): Promise<string | undefined> => {
    process.stdout.write(prompt);
    const next = await lines.next();
    return next.done ? undefined : next.value;
  };
  const t = say(o.lang);
  try {
    let id: string;
    let reply: { kind: string; text: string };
    let status: string;
    if (o.resume) {
      const r = await service.resume(o.resume);
      id = r.session.id;
      status = r.session.status;
      reply = { kind: 'question', text: r.lastPrompt ?? '' };
      process.stdout.write(t(`Resuming session ${id}\n`, `继续会话 ${id}\n`));
    } else {
      const complaint = await ask(
        t(
          'Hello, I will take your history before you see the doctor. What is the main problem, and for how long?\n> ',
          '您好，我是预问诊助手。请问您这次主要哪里不舒服？持续多久了？\n> ',
        ),
      );
      if (!complaint?.trim()) throw invalid('no chief complaint given', { field: 'complaint' });
      const r = await service.create({
        kb: o.kb,
        lang: o.lang,
        complaint,
        channel: 'terminal',
        ...(o.age !== undefined ? { age: o.age } : {}),
        ...(o.sex ? { sex: o.sex } : {}),
      });
      id = r.session.id;
      status = r.session.status;
      reply = r.reply;
    }
    while (status === 'active') {
      const answer = await ask(`${reply.text}\n> `);
      if (answer === undefined) {
        process.stdout.write(
          t(
            `\nSession saved; continue with: medseek consult --resume ${id}\n`,
            `\n会话已保存，可用 medseek consult --resume ${id} 继续。\n`,
          ),
        );
        return;
      }
      const r = await service.answer(id, answer);
      reply = r.reply;
      status = r.session.status;
    }
    process.stdout.write(`${reply.text}\n\n`);
    process.stdout.write(`${reportText(await service.report(id), o.lang)}\n`);
    process.stdout.write(t(`Session ${id}\n`, `会话 ${id}\n`));
  } finally {
    rl.close();
  }
}
