export { templateDischargeSummary } from './discharge.js';
export { type ComposedDocument, type ComposedSection, type ComposedSentence, renderWithCitations, type Segment, sentenceFacts, sentenceText } from './document.js';
export { type EncounterWindow, encounterWindow } from './encounter.js';
export { factPhrase, quantityText } from './phrases.js';
export { composeDischargeSummary, type SummarizeOptions, type SummaryResult } from './summarize.js';
