import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

const patientArg = z.string().min(1).max(64).describe('The Patient id');
const langArg = z.enum(['zh', 'en']).optional().describe('zh (default) or en');

const ask = (text: string): GetPromptResult => ({ messages: [{ role: 'user', content: { type: 'text', text } }] });

/**
 * Common tasks as prompts: each tells the model which MedSeek tools to call and in what order, and
 * that nothing it writes reaches a clinician without citations the verifier accepts. Prompts read
 * no patient data themselves (the tools they name do, with their own checks and audit).
 */
export function registerPrompts(server: McpServer): void {
  server.registerPrompt(
    'discharge_summary_draft',
    {
      title: '出院小结 draft',
      description: 'Draft a discharge summary (出院小结) of a stay, cited and verified against the record',
      argsSchema: { patientId: patientArg, encounterId: z.string().optional().describe('The stay'), lang: langArg },
    },
    ({ patientId, encounterId, lang }) => {
      const zh = (lang ?? 'zh') === 'zh';
      const stay = encounterId ? `, encounterId "${encounterId}"` : '';
      return ask(
        [
          zh
            ? `请为患者 ${patientId} 起草出院小结（中文）。`
            : `Draft the discharge summary of patient ${patientId} in English.`,
          `1. Call compose_summary with patientId "${patientId}"${stay}, lang "${zh ? 'zh' : 'en'}".`,
          '2. Start from its `text`; keep every [F#] citation with the sentence it supports. ' +
            'Sentences the report marks ' +
            'contradicted were removed: do not put them back. List the unsupported ones for the clinician to confirm.',
          `3. If you change the wording, call verify_text with patientId "${patientId}" on your final text and fix ` +
            'or remove every contradicted claim it reports.',
          '4. Present it as a draft: a clinician reviews and signs it in the MedSeek workspace.',
        ].join('\n'),
      );
    },
  );

  server.registerPrompt(
    'medication_review',
    {
      title: 'Medication review',
      description: 'Review the current medications: interactions, allergies, renal dosing, critical values',
      argsSchema: { patientId: patientArg, lang: langArg },
    },
    ({ patientId, lang }) =>
      ask(
        [
          `Review the medications of patient ${patientId}${(lang ?? 'zh') === 'zh' ? ', answering in Chinese' : ''}.`,
          `1. Call get_patient_state with patientId "${patientId}" and sections ["medications", "intervention", ` +
            '"biology", "demographics"].',
          `2. Call get_critical_values with patientId "${patientId}" (potassium, INR, creatinine matter for dosing).`,
          '3. For any drug you would add or change, call check_order_safety with the drug; report its findings ' +
            'most severe first with their suggestions.',
          '4. Every statement names its source (the order, the result, the note span) from the tool results; say ' +
            'plainly what the record does not show.',
        ].join('\n'),
      ),
  );

  server.registerPrompt(
    'explain_differential',
    {
      title: 'Explain the differential',
      description: 'The differential diagnosis with the findings for and against each disease',
      argsSchema: { patientId: patientArg, lang: langArg },
    },
    ({ patientId, lang }) =>
      ask(
        [
          `Explain the differential diagnosis of patient ${patientId}${(lang ?? 'zh') === 'zh' ? ' in Chinese' : ''}.`,
          `1. Call get_differential with patientId "${patientId}".`,
          '2. For the top diseases, give the findings for and against each with the note span or resource it came ' +
            'from; use knowledge_paths to show how a finding connects to a disease when asked why.',
          '3. Do not add diagnoses the tool did not rank; say which findings are missing that would separate them.',
        ].join('\n'),
      ),
  );
}
