export { createApp, isApiPath } from './app.js';
export { type AuditEvent, AuditLog, type AuditQuery, type AuditRow } from './audit/audit-log.js';
export { auditEvents, DEFAULT_PURPOSE, purposeOf } from './audit/request.js';
export { ApiKeyStore, type ApiKeyInfo, type KeyGrant, keyPrincipal } from './auth/api-keys.js';
export { loadLoginSettings, type LoginSettings, type UserInfo, UserStore } from './auth/users.js';
export { SmartClientStore } from './smart/clients.js';
export { createJwtVerifier, type JwtSettings, loadJwtSettings } from './auth/jwt.js';
export { type AppContext, type ContextOptions, openContext, type StartStep, openMigratedDatabase } from './context.js';
export { DEMO_SETTING, type DemoLoader, loadDemoOnce } from './demo.js';
export type {
  AppEnv,
  Authenticator,
  AuthResult,
  Principal,
  PrincipalKind,
  Role,
  RouteAccess,
  RouteModule,
  RoutePolicies,
} from './env.js';
export { ROLES } from './env.js';
export { createPatientScope, type PatientScope, seesAllPatients } from './auth/patient-scope.js';
export { FHIR_JSON, operationOutcome, outcomeForError } from './fhir/operation-outcome.js';
export { pullFromFhir, type PullOptions, type PullSummary } from './fhir-pull.js';
export { isLoopback, listen, type RunningServer } from './listen.js';
export { createLogger, type Logger } from './logger.js';
export { VERSION } from './version.js';
export { effectiveFhirSource, pullOptionsFrom } from './settings/index.js';
export { medSeekMcp } from './routes/mcp.js';
export { stopJobQueue } from './routes/jobs-queue.js';
export * from './jobs/index.js';
