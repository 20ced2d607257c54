// Discharge-summary sign-off: drafts bound to patient/encounter/language, the clinician's acceptance
// of unsupported statements, and the policy the server enforces before anything is signed.
export { type ClaimAcceptance, claimKey, type SummaryDraft, SummaryDraftStore } from './drafts.js';
export { type DraftRefusal, messageLang, refusalMessage } from './messages.js';
export {
  type DischargeAlert,
  type DischargeDrug,
  dischargeDrugAlerts,
  dischargeDrugsOf,
  needsAcceptance,
  type SignoffBlock,
  type SignoffPolicy,
  signoffPolicy,
} from './policy.js';
