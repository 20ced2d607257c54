/**
 * Ask the record: a clinician's question answered from one patient's record through MedSeek's own
 * tools, every sentence cited and verified before it is shown (docs/ask.md).
 */
export { AGENT_TOOLS, modelAnswer, parseModelAnswer, systemPrompt } from './agent.js';
export { type AskRecordOptions, askRecord, checkQuestion, MAX_QUESTION_LENGTH } from './ask.js';
export { checkSentences, citationsState, type VerifyFn } from './check.js';
export { type DraftSentence, formatNumber, type ReaderAnswer, readQuestion } from './reader.js';
export { type AskTool, mcpToolCaller, ToolCallError, type ToolCaller } from './tools.js';
export type * from './types.js';
