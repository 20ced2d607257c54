export { AhoCorasick, type Hit, selectLongest } from './aho-corasick.js';
export { builtinLexicon, parseLexiconTsv } from './builtin-lexicon.js';
export {
  type AssertionResult,
  assertionOf,
  type ContextCategory,
  type ContextDirection,
  ContextMatcher,
  type ContextModifier,
  type ContextRule,
  contextMatcher,
  contextRules,
  detectAssertions,
  parseContextRules,
  parseNegexTriggers,
  type Speech,
} from './context.js';
export { fold } from './fold.js';
export { detectLanguage, type NlpLang } from './language.js';
export { Lexicon, type LexiconMatch, type LexiconOptions } from './lexicon.js';
export { joinReleaseEntries, overlayLexicon, releaseLexicon } from './release-lexicon.js';
export { type Section, sectionAt, splitSections } from './sections.js';
export { type Span, splitSentences } from './sentences.js';
export { checkText, decodeText, MAX_TEXT_LENGTH } from './text-guard.js';
export { type ExtractOptions, type Extraction, extractFacts } from './extract.js';
export { type ParsedSig, parseMedication } from './medication.js';
export {
  annotateMedicationEvents,
  type MedicationCue,
  type MedicationCueKind,
  medicationCuesIn,
  medicationEventsOf,
  parseMedicationCueRules,
} from './medication-events.js';
export { parseQuantities, type QuantityMention, quantityAt } from './quantities.js';
export { monthNumber, parseTimes, parseZhNumber, shiftDate, type TimeMention, type TimeOptions } from './time.js';
export { type Token, tokenize } from './tokens.js';
export { normaliseUnit, toHalfWidth } from './units.js';
export { type EntitySpan, EntityTagger, type TaggedText, type TaggerOptions } from './tagger.js';
export { extractDocumentReference, type NoteText, noteFromDocumentReference } from './document.js';
export { extractImagingFindings, IMAGING_TERMS_SYSTEM, type ImagingExtractOptions } from './radiology.js';
