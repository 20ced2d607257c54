import type { z } from 'zod';
import type { acceptBody, answerBody, createBody, draftBody } from '../../src/server/routes/schemas/consult.js';
import type {
  acceptClaimBody,
  feedbackBody,
  signBody,
  summaryBody,
  verifyBody,
} from '../../src/server/routes/schemas/patients.js';
import type {
  alertDecisionBody,
  alertDecisionView,
  alertWorkspace,
  alertsResponse,
} from '../../src/server/routes/schemas/alerts.js';
import type { Conclusion } from './types.js';

/**
 * Request bodies as the server's routes validate them: the input side of their zod schemas
 * (routes/schemas, imported for their types only), so a field the server renames, retypes or starts
 * requiring fails the web's typecheck where the body is written (`{…} satisfies SummaryRequest`).
 */
export type SummaryRequest = z.input<typeof summaryBody>;
export type VerifyRequest = z.input<typeof verifyBody>;
export type AcceptClaimRequest = z.input<typeof acceptClaimBody>;
export type SignRequest = z.input<typeof signBody>;
export type FeedbackRequest = z.input<typeof feedbackBody>;
export type ConsultCreateRequest = z.input<typeof createBody>;
export type ConsultAnswerRequest = z.input<typeof answerBody>;
export type OutpatientDraftRequest = z.input<typeof draftBody>;
export type OutpatientAcceptRequest = z.input<typeof acceptBody>;

/**
 * A drug-safety or critical-value alert as GET /api/patients/{id}/alerts sends it: the conclusion
 * with its rule, suggestions (stop / start / order), offered override reasons and the decision
 * recorded on it; the decision the workspace sends (POST …/alerts/{alertId}/decision) and gets back.
 */
export type WorkspaceAlert = Conclusion & z.output<typeof alertWorkspace>;
export type AlertsResponse = Omit<z.output<typeof alertsResponse>, 'alerts' | 'quality'> & {
  alerts: WorkspaceAlert[];
  /** Record-QC findings, each with what its texts quote (the record's headings, a norm's citation line). */
  quality: (Conclusion & { quotes?: readonly string[] })[];
};
export type AlertDecisionRequest = z.input<typeof alertDecisionBody>;
export type AlertDecision = z.output<typeof alertDecisionView>;

/** Calls MedSeek's API; errors (OperationOutcome bodies) become Errors with the server's message. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

/** The cookie the server sets beside the HttpOnly session cookie; echoed as `X-CSRF-Token` on every call (double submit). */
export const CSRF_COOKIE = 'medseek_csrf';
/** Where a patient's link token is kept for the tab (sessionStorage): it is their only credential. */
export const PATIENT_TOKEN = 'medseek.patientToken';

function cookie(name: string): string | undefined {
  const hit = document.cookie.split('; ').find((c) => c.startsWith(`${name}=`));
  return hit ? decodeURIComponent(hit.slice(name.length + 1)) : undefined;
}

/**
 * Credentials: the workspace's session travels as an HttpOnly cookie (sent by the browser), with
 * its CSRF token echoed in a header; a patient's link token, or an API key an integrator stored, as
 * a bearer token.
 */
function headers(extra: Record<string, string> = {}): Record<string, string> {
  const bearer = sessionStorage.getItem(PATIENT_TOKEN) ?? localStorage.getItem('medseek.apiKey');
  const csrf = cookie(CSRF_COOKIE);
  return {
    Accept: 'application/json',
    ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
    ...(csrf ? { 'X-CSRF-Token': csrf } : {}),
    ...extra,
  };
}

async function handle<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (!res.ok) {
    const issue = (body as { issue?: { diagnostics?: string }[] })?.issue?.[0]?.diagnostics;
    throw new ApiError(issue ?? (typeof body === 'string' && body ? body : `HTTP ${res.status}`), res.status, body);
  }
  return body as T;
}

/** Per-call options: a signal to abort a request made stale (the patient changed), extra headers (Accept-Language). */
export interface CallOptions {
  readonly signal?: AbortSignal;
  readonly headers?: Record<string, string>;
}

export async function get<T>(path: string, init: CallOptions = {}): Promise<T> {
  return handle<T>(
    await fetch(path, { headers: headers(init.headers), ...(init.signal ? { signal: init.signal } : {}) }),
  );
}

export async function post<T>(path: string, body: unknown, init: CallOptions = {}): Promise<T> {
  return send<T>('POST', path, body, init);
}

/** A JSON body with any writing method (the settings pages PUT and PATCH). */
export async function send<T>(
  method: 'POST' | 'PUT' | 'PATCH',
  path: string,
  body: unknown,
  init: CallOptions = {},
): Promise<T> {
  return handle<T>(
    await fetch(path, {
      method,
      headers: headers({ 'Content-Type': 'application/json', ...init.headers }),
      body: JSON.stringify(body),
      ...(init.signal ? { signal: init.signal } : {}),
    }),
  );
}

/** A multipart form (a voice recording); the browser sets the Content-Type with its boundary. */
export async function upload<T>(path: string, form: FormData, init: CallOptions = {}): Promise<T> {
  return handle<T>(
    await fetch(path, {
      method: 'POST',
      headers: headers(init.headers),
      body: form,
      ...(init.signal ? { signal: init.signal } : {}),
    }),
  );
}

/** A JSON request whose answer is binary (audio read aloud). */
export async function postForBlob(path: string, body: unknown, init: CallOptions = {}): Promise<Blob> {
  const res = await fetch(path, {
    method: 'POST',
    headers: headers({ 'Content-Type': 'application/json', ...init.headers }),
    body: JSON.stringify(body),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  if (!res.ok) return handle<never>(res);
  return res.blob();
}

export async function del<T>(path: string, init: CallOptions = {}): Promise<T> {
  return handle<T>(
    await fetch(path, {
      method: 'DELETE',
      headers: headers(init.headers),
      ...(init.signal ? { signal: init.signal } : {}),
    }),
  );
}

/**
 * Server-sent events from `path`, read with fetch (EventSource cannot send the Authorization
 * header); reconnects 2 s after a break and calls `onDrop` so the caller can show it. Returns stop.
 */
export function subscribe(path: string, on: (event: string, data: string) => void, onDrop?: () => void): () => void {
  const abort = new AbortController();
  let stopped = false;
  const run = async () => {
    while (!stopped) {
      try {
        const res = await fetch(path, { headers: headers({ Accept: 'text/event-stream' }), signal: abort.signal });
        if (!res.ok || !res.body) throw new ApiError(`HTTP ${res.status}`, res.status);
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const lines = buffer.slice(0, end).split('\n');
            buffer = buffer.slice(end + 2);
            const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, ''));
            if (!data.length) continue; // a keep-alive comment
            on(
              lines
                .find((l) => l.startsWith('event:'))
                ?.slice(6)
                .trim() || 'message',
              data.join('\n'),
            );
          }
        }
      } catch {
        if (stopped) return;
      }
      if (stopped) return;
      onDrop?.();
      await new Promise((r) => setTimeout(r, 2000));
    }
  };
  void run();
  return () => {
    stopped = true;
    abort.abort();
  };
}
