import { parseRoute } from '../route.js';

/**
 * A link to one rule's settings, optionally with a suggested parameter value (from the alert-burden view):
 * `#/settings/rules?rule=R&param=below&value=23.5`. The rule editor opens with the value filled in and
 * nothing saved: the administrator saves it or not.
 */
export function ruleSettingsLink(ruleId: string, param?: string, value?: number): string {
  const q = new URLSearchParams({ rule: ruleId });
  if (param !== undefined && value !== undefined) {
    q.set('param', param);
    q.set('value', String(value));
  }
  return `#/settings/rules?${q}`;
}

export interface RulePrefill {
  readonly rule?: string;
  readonly param?: string;
  readonly value?: string;
}

/** The rule and suggested value the current address asks the rule settings to open with. */
export function rulePrefill(hash: string = location.hash): RulePrefill {
  const p = parseRoute(hash).params;
  const rule = p.get('rule') ?? undefined;
  const param = p.get('param') ?? undefined;
  const value = p.get('value') ?? undefined;
  return { ...(rule ? { rule } : {}), ...(param && value ? { param, value } : {}) };
}
