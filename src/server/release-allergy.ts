import type { MiddlewareHandler } from 'hono';
import type { Sql } from '../core/index.js';
import { activeSafetyRules, allergyClassesOf } from '../reasoning/index.js';
import { withAllergyClasses } from '../verify/index.js';
import type { AppEnv } from './env.js';

/**
 * Routes that verify a text (a discharge summary, an outpatient draft) read allergies with the
 * active knowledge release's allergy classes, as the safety engine does: the request runs inside
 * `withAllergyClasses`, so a curator's change to an allergy class changes the next verdict too.
 */
export function releaseAllergyClasses(db: Sql): MiddlewareHandler<AppEnv> {
  return async (_c, next) => {
    const data = allergyClassesOf(await activeSafetyRules(db));
    await withAllergyClasses(data, () => next());
  };
}
