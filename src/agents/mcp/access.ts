import type { LlmClient } from '../../llm/index.js';
import type { Database, ResourceRepository } from '../../store/index.js';

/**
 * Who is calling an MCP tool and what they may see. The agents stage cannot import the server
 * (ARCHITECTURE.md: nothing imports `server`), so the transport that authenticated the caller (the
 * HTTP route, the `medseek mcp` command) hands in the principal, its patient scope and its audit
 * log through this interface: the same roles, scopes and audit rows as every other route.
 */
export type AgentRole = 'admin' | 'clinician' | 'patient';

export interface AgentPrincipal {
  /** The audit log's id: `key:<id>`, `jwt:<sub>`, `user:<id>`, `demo`. */
  readonly id: string;
  readonly name: string;
  readonly role: AgentRole;
}

/** One audited access: the transport adds who, why, from where and the request id. */
export interface AgentAuditEvent {
  /** read, search, diagnose, compose, verify, denied… */
  readonly action: string;
  /** What was asked for: `Patient/7/state`, `DocumentReference/9`. */
  readonly resource: string;
  readonly patients: readonly string[];
  /** The HTTP status the same request would have had (200, 403, 404…). */
  readonly outcome: number;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface AgentAccess {
  readonly principal: AgentPrincipal;
  /** True when the principal may see this patient's record (units, own record). */
  allows(patientId: string): Promise<boolean>;
  /** The patients the principal may see; undefined: every patient. */
  visible(): Promise<ReadonlySet<string> | undefined>;
  audit(event: AgentAuditEvent): Promise<void>;
  /**
   * The client is not trusted with identifying data: tool and resource results are de-identified
   * (names, identifiers, phones, addresses masked; dates shifted per patient) before they leave.
   */
  readonly deidentify: boolean;
}

/** The stores and services the tools read: what the server's AppContext and the CLI both have. */
export interface AgentServices {
  readonly db: Database;
  readonly resources: ResourceRepository;
  /** The configured model; absent or unconfigured: every tool works deterministically. */
  readonly llm?: LlmClient;
  /** MEDSEEK_DEID_SECRET: the per-patient date shift is stable across calls and processes with it. */
  readonly deidSecret?: string;
}

/** Staff tools (the workspace's: clinicians and admins); patients reach their own record only. */
export const STAFF: readonly AgentRole[] = ['admin', 'clinician'];
export const ANY_ROLE: readonly AgentRole[] = ['admin', 'clinician', 'patient'];

/** A refusal an MCP client is told about (an `isError` result), already audited by the caller. */
export class AgentRefusal extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AgentRefusal';
  }
}
