import { zValidator } from '@hono/zod-validator';
import type { MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { jsonBody, zodIssuesError } from './request-body.js';

/**
 * Route validation through `@hono/zod-validator`: every route checks its body, query and path
 * parameters with a zod schema, and a failure is the same 400 everywhere — a MedSeekError whose first
 * issue names its field (`source`, `units[1]`) with every issue listed, and `where` saying which part
 * of the request (body, query, param). The handler reads the parsed value with `c.req.valid(target)`.
 * The schemas are exported next to their routes so the OpenAPI document describes the same objects.
 */

export type Where = 'body' | 'query' | 'param';

/**
 * The error a failed validation throws: by default the MedSeekError every route answers with; an
 * API with its own error document (FHIR's OperationOutcome issue types) passes its own.
 */
export type Refusal = (issues: readonly z.core.$ZodIssue[], where: Where) => Error;

function failure(where: Where, refusal: Refusal) {
  return (result: { success: boolean; error?: { issues: readonly z.core.$ZodIssue[] } }) => {
    if (!result.success) throw refusal(result.error?.issues ?? [], where);
  };
}

/** Query parameters (a repeated one arrives as an array of strings). */
export const query = <T extends z.ZodType>(schema: T, refusal: Refusal = zodIssuesError) =>
  zValidator('query', schema, failure('query', refusal));

/** Path parameters. */
export const params = <T extends z.ZodType>(schema: T, refusal: Refusal = zodIssuesError) =>
  zValidator('param', schema, failure('param', refusal));

/**
 * A JSON body. Read as the routes always have (`jsonBody`: not JSON → a 400 naming `body`; with
 * `jsonOnly`, not sent as application/json → a 415), so a body whose Content-Type is missing or
 * generic is still read; then validated by zod-validator with the schema.
 */
export function body<T extends z.ZodType>(schema: T, options: { jsonOnly?: boolean; refusal?: Refusal } = {}) {
  const refused = failure('body', options.refusal ?? zodIssuesError);
  const typed = zValidator('json', schema, refused);
  const read: typeof typed = async (c, next) => {
    const value = await jsonBody(c.req.raw.clone(), options);
    // zod-validator reads the body itself only when it was sent as JSON: hand it the value read here.
    const validator = zValidator('json', schema, refused, {
      validationFunction: (s) => s.safeParseAsync(value) as never,
    });
    return (validator as unknown as MiddlewareHandler)(c, next) as ReturnType<typeof typed>;
  };
  return read;
}
