import { z } from 'zod';

/**
 * Structured output: one zod 4 schema gives the JSON Schema sent to the server
 * (`response_format: json_schema`, or a llama.cpp grammar) and the validator of the answer.
 * Servers that ignore `response_format` get the schema in the prompt instead; either way the
 * answer is validated, repaired once, and otherwise reported as invalid output.
 */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const js = z.toJSONSchema(schema) as Record<string, unknown>;
  delete js.$schema;
  return js;
}

/** The first JSON value in a model's answer (tolerates ```json fences and text around it). */
export function extractJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const candidates = [text.trim(), fenced?.[1]?.trim()];
  const start = text.search(/[{[]/);
  if (start >= 0) {
    const close = text[start] === '{' ? '}' : ']';
    const end = text.lastIndexOf(close);
    if (end > start) candidates.push(text.slice(start, end + 1));
  }
  for (const c of candidates) {
    if (!c) continue;
    try {
      return { ok: true, value: JSON.parse(c) };
    } catch {
      // try the next candidate
    }
  }
  return { ok: false, error: 'the answer is not JSON' };
}

/** Parses and validates; the error lists zod's issues with their paths. */
export function parseStructured<T>(
  schema: z.ZodType<T>,
  value: unknown,
): { ok: true; value: T } | { ok: false; error: string } {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  const issues = r.error.issues.slice(0, 8).map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  return { ok: false, error: issues.join('; ') };
}

export function schemaInstruction(jsonSchema: Record<string, unknown>): string {
  return `Answer with one JSON value only, no prose and no code fence, that matches this JSON Schema:\n${JSON.stringify(jsonSchema)}`;
}

export function repairInstruction(error: string, jsonSchema: Record<string, unknown>): string {
  return `Your previous answer was not valid (${error}). Reply again with one JSON value only that matches this JSON Schema:\n${JSON.stringify(jsonSchema)}`;
}

/** Applies `fn` to every string inside a JSON value (re-identifying a structured answer). */
export function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  return value;
}
