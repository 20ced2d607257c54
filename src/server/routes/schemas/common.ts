import { z } from 'zod';

/**
 * Pieces the route schemas share. Query values arrive as strings: a whole number is checked as
 * digits and handed to the route as a number; a list is comma-separated and checked item by item.
 */
export const wholeNumber = (what: string) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .describe(what);

/** A comma-separated list of known values (`type=drug,disease`); an unknown one names the known ones. */
export const commaList = <T extends string>(known: readonly T[], what: string) =>
  z
    .string()
    .transform((v, ctx) => {
      const items = v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const it of items)
        if (!(known as readonly string[]).includes(it))
          ctx.addIssue({ code: 'custom', message: `unknown value '${it}'; known: ${known.join(', ')}` });
      return items as T[];
    })
    .describe(what);

/** A required, non-blank string. */
export const nonBlank = (what: string) => z.string().trim().min(1, 'is required').describe(what);

export const lang = z.enum(['zh', 'en']);

/** `true`/`false` as a query flag. */
export const flag = (what: string) =>
  z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .describe(what);
