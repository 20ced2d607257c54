/** Settings an administrator changes in the workspace (issue 14): versioned documents, rule settings, what the rest of MedSeek reads. */
export {
  clientCredentialsToken,
  effectiveFhirSource,
  effectiveModelSettings,
  fhirSourceFromEnv,
  llmConfigFromSettings,
  providerFromServer,
  pullOptionsFrom,
  settingsStoreFor,
} from './effective.js';
export { type ModelTestResult, TEST_PROMPT, testModelServer } from './model-test.js';
export {
  checkHospital,
  type RuleEntry,
  type RuleVersion,
  revertRule,
  ruleCatalogue,
  ruleHistory,
  saveRule,
} from './rules.js';
export {
  type FhirSourceSettings,
  fhirSourceSchema,
  GROUP_NAMES,
  type GroupValue,
  type ModelServerSettings,
  type ModelsSettings,
  modelServerSchema,
  modelsSchema,
  SERVER_KINDS,
  SETTINGS_GROUPS,
  type SettingsGroup,
} from './schemas.js';
export { maskSecret, type SecretBox, type SettingsPlace, secretBox, settingsKey } from './secrets.js';
export { SettingsStore, type SettingsVersion } from './store.js';
