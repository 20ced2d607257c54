export { activeAllergyClasses, withAllergyClasses } from './allergy.js';
export { findCitations, maskCitations, stripCitations } from './citations.js';
export { type ClaimSpan, splitClaims } from './claims.js';
export { applyPolicy, markText } from './markers.js';
export { compareQuantity, type QuantityMatch } from './quantity.js';
export { RecordIndex, recordFromState, recordFromTexts, type VerificationRecord } from './record.js';
export {
  type Conflict,
  judgeSecondRead,
  type SecondReadInput,
  type SecondReadOptions,
  type SecondReadResult,
  type SecondReadSuggestion,
  type SecondReadVerdict,
  secondRead,
  secondReadSchema,
  type VisionFinding,
  visionFindingSchema,
} from './second-read.js';
export { findUnsafeAdvice, type UnsafeMatch, type UnsafeRule, unsafeRules } from './unsafe.js';
export { criticalErrorTypes, type ErrorType, errorTypes } from './taxonomy.js';
export {
  type FaithfulnessReport,
  type Omission,
  type VerifiedClaim,
  type VerifyOptions,
  verifyText,
} from './verify.js';
