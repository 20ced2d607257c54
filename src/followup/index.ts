/**
 * Follow-up after discharge (issue 21): the plan, home readings, reminders. Other stages import only this file.
 * - `activeFollowUpRules(sql)` — the rules of the active knowledge release (cached per release id; a
 *   malformed curated rule is left out and named in `problems`); `loadFollowUpRules()` — the bundled files
 *   in src/knowledge/data/followup, for callers without a database.
 * - `buildFollowUpPlan({ state, notes, rules })` — pure: items (labs, visits, reviews, rehabilitation,
 *   home monitoring), each with its record evidence and its rule or discharge order; `toFhirBundle(plan)`.
 * - `evaluateReadings({ rules, readings, newIds, applicable })` — pure: alerts from home readings
 *   (critical values through reasoning's rule book, trends and thresholds from readings.json).
 * - `FollowUpStore(sql)` — plans, readings, alerts (the clinicians' queue), reminders.
 * - `sendDueReminders(store, notifier)` (claims each due reminder, so concurrent senders send it once),
 *   `startReminderScheduler(...)`, `MemoryNotifier`; `reminderNotifierFromEnv(env, …)`: the page (default),
 *   log or webhook notifier (notifiers.ts).
 */
export { type DischargeOrder, dischargeOrders, type NoteInput } from './discharge-orders.js';
export { EXT_REASON, toFhirBundle, toTask } from './fhir.js';
export {
  buildFollowUpPlan,
  dischargeTime,
  type FollowUpItem,
  type FollowUpPlan,
  type FollowUpReason,
  isCited,
  type PlanInput,
  type PlanItemKind,
} from './plan.js';
export {
  checkReading,
  describeReading,
  evaluateReadings,
  type EvaluateReadingsInput,
  type HomeReading,
  type ReadingAlert,
  readingFact,
  readingSource,
  type ReadingValue,
} from './readings.js';
export {
  LogNotifier,
  NOTIFIER_KINDS,
  type NotifierKind,
  PageNotifier,
  patientContacts,
  type ReminderLog,
  reminderIntervalMs,
  reminderNotifierFromEnv,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  WebhookNotifier,
  webhookSignature,
} from './notifiers.js';
export {
  MemoryNotifier,
  type ReminderNotifier,
  type ReminderScheduler,
  type SendReport,
  sendDueReminders,
  startReminderScheduler,
} from './reminders.js';
export {
  activeFollowUpRules,
  FOLLOW_UP_KINDS,
  type FollowUpKind,
  type FollowUpRules,
  followUpRulesFrom,
  followUpRulesFromRelease,
  type HeldRule,
  loadFollowUpRules,
  loadReleaseFollowUpRules,
  type MonitoringRule,
  READING_KINDS,
  type ReadingKind,
  type ReadingRule,
  type SymptomOption,
} from './rules.js';
export {
  FollowUpStore,
  REMINDER_CLAIM_LEASE_MS,
  REMINDER_MAX_ATTEMPTS,
  type Reminder,
  reminderTime,
  type StoredAlert,
} from './store.js';
