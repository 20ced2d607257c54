import type { Lang } from '../core/index.js';
import { say } from '../core/index.js';
import { recordFromTexts, verifyText } from '../verify/index.js';
import { stepTitle, type TeachingCase } from './cases.js';

/**
 * A case's prose: without a model, the de-identified record text of each step as it is
 * (deterministic). With one, the model may rewrite a step as a teaching narrative; the verifier
 * (src/verify) then checks the rewrite against that step's record text, and the rewrite is kept only
 * when no claim is contradicted or unsupported — otherwise the record text stands, with the reason.
 * The model only ever sees de-identified text.
 */
export type ProseWriter = (prompt: string) => Promise<string>;

export interface StepProse {
  readonly text: string;
  readonly by: 'record' | 'model';
  /** Why a model's rewrite was not used (the verifier's counts, or the model's failure). */
  readonly refused?: string;
}

export async function stepProse(
  c: TeachingCase,
  index: number,
  writer: ProseWriter | undefined,
  lang: Lang = c.lang,
): Promise<StepProse> {
  const step = c.steps[index];
  if (!step) return { text: '', by: 'record' };
  if (!writer) return { text: step.text, by: 'record' };
  const t = say(lang);
  const prompt = [
    t(
      'Rewrite this part of a de-identified teaching case as a short clinical narrative for a medical student. ' +
        'State only what the text states: add no finding, value, drug or diagnosis.',
      '将以下去标识教学病例的一部分改写为供医学生阅读的简短临床叙述。只陈述原文所述内容，不得添加任何表现、数值、药物或诊断。',
    ),
    `${stepTitle(step.key, lang)}:`,
    step.text,
  ].join('\n\n');
  let draft: string;
  try {
    draft = (await writer(prompt)).trim();
  } catch (e) {
    return {
      text: step.text,
      by: 'record',
      refused: t(`the model failed: ${(e as Error).message}`, `模型调用失败：${(e as Error).message}`),
    };
  }
  if (!draft) return { text: step.text, by: 'record', refused: t('the model wrote nothing', '模型未返回内容') };
  const record = recordFromTexts([{ id: `${c.id}#${step.key}`, text: step.text }], { lang: c.lang, patientId: c.id });
  const report = verifyText(draft, record, { lang: c.lang });
  const { contradicted, unsupported, claims } = report.counts;
  if (contradicted > 0 || unsupported > 0)
    return {
      text: step.text,
      by: 'record',
      refused: t(
        `the verifier refused the model's text: ${contradicted} contradicted and ${unsupported} unsupported ` +
          `of ${claims} claims`,
        `核查未通过：${claims}条陈述中${contradicted}条与病历矛盾、${unsupported}条无依据`,
      ),
    };
  return { text: draft, by: 'model' };
}
