import { MedSeekError } from '../../core/index.js';

/**
 * Prefetch (https://cds-hooks.hl7.org/2.0/#prefetch-template): fills the service's templates with
 * the hook context, and fetches every key the client did not send from
 * `fhirServer` with the `fhirAuthorization` bearer token. When a key is missing and there is no
 * FHIR server to ask (or it fails), the service cannot run: 412 Precondition Failed.
 */
export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

export function fillTemplate(template: string, context: Readonly<Record<string, unknown>>): string {
  return template.replace(/\{\{\s*(context\.[A-Za-z0-9_]+|user[A-Za-z]+Id)\s*\}\}/g, (_, token: string) => {
    const key = token.startsWith('context.') ? token.slice(8) : token;
    const v = context[key];
    if (typeof v !== 'string' && typeof v !== 'number')
      throw new MedSeekError('invalid', `prefetch token {{${token}}} has no primitive value in the context`, {
        field: `context.${key}`,
      });
    return encodeURIComponent(String(v));
  });
}

export class PrefetchUnavailable extends MedSeekError {
  constructor(message: string) {
    super('unavailable', message, { field: 'prefetch' });
  }
}

export interface PrefetchRequest {
  readonly templates: Readonly<Record<string, string>>;
  readonly context: Readonly<Record<string, unknown>>;
  readonly prefetch?: Readonly<Record<string, unknown>> | undefined;
  readonly fhirServer?: string | undefined;
  readonly fhirAuthorization?: { readonly access_token: string; readonly token_type: string } | undefined;
  readonly fetch?: Fetch;
  /** Keys the service cannot run without (the Patient). */
  readonly required?: readonly string[];
}

export async function completePrefetch(
  req: PrefetchRequest,
): Promise<{ data: Record<string, unknown>; fetched: string[] }> {
  const data: Record<string, unknown> = { ...(req.prefetch ?? {}) };
  const fetched: string[] = [];
  // An absent key was not (or could not be) prefetched; `null` means the client found no data.
  const missing = Object.keys(req.templates).filter((k) => data[k] === undefined);
  const doFetch = req.fetch ?? fetch;
  const answers = new Map<string, unknown>();
  await Promise.all(
    missing.map(async (key) => {
      if (!req.fhirServer) {
        if (req.required?.includes(key))
          throw new PrefetchUnavailable(`prefetch '${key}' was not provided and no fhirServer was given to fetch it`);
        return;
      }
      const url = `${req.fhirServer.replace(/\/$/, '')}/${fillTemplate(req.templates[key]!, req.context)}`;
      let res: Response;
      try {
        res = await doFetch(url, {
          headers: {
            Accept: 'application/fhir+json',
            ...(req.fhirAuthorization ? { Authorization: `Bearer ${req.fhirAuthorization.access_token}` } : {}),
          },
        });
      } catch (e) {
        throw new PrefetchUnavailable(
          `could not fetch prefetch '${key}' from the FHIR server: ${(e as Error).message}`,
        );
      }
      if (!res.ok) {
        if (res.status === 404 && !req.required?.includes(key)) return;
        throw new PrefetchUnavailable(`the FHIR server answered ${res.status} for prefetch '${key}'`);
      }
      answers.set(key, await res.json());
    }),
  );
  // In the templates' order, not the order the answers came in: the same record gives the same prefetch.
  for (const key of missing) {
    if (!answers.has(key)) continue;
    data[key] = answers.get(key);
    fetched.push(key);
  }
  for (const k of req.required ?? [])
    if (data[k] === undefined) throw new PrefetchUnavailable(`prefetch '${k}' is required`);
  return { data, fetched: fetched.sort() };
}
