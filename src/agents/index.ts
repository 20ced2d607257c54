/**
 * Agents: MedSeek's stages as tools a model or an agent host calls (MCP). Agents call the stages
 * (fusion, reasoning, compose, verify, knowledge); the transports that authenticate callers (the
 * HTTP server's `/mcp`, the `medseek mcp` command) import this file and hand in the caller's access.
 */
export type {
  AgentAccess,
  AgentAuditEvent,
  AgentPrincipal,
  AgentRole,
  AgentServices,
} from './mcp/access.js';
export { createMedSeekMcp, MCP_PROMPTS, MCP_TOOLS, type MedSeekMcp } from './mcp/server.js';
export { DOCUMENT_URI, PATIENT_URI } from './mcp/resources.js';
export { STATE_SECTIONS } from './mcp/tools-patient.js';
export { untrustedPrincipals } from './mcp/trust.js';
export * from './ask/index.js';
