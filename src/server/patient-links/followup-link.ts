/**
 * How long a follow-up link lives (issue 21): weeks of follow-up outlast the 72 h of a pre-consultation
 * link, so a follow-up link covers its plan: until the last dated item plus a grace (late labs, the last
 * readings), never less than the grace from now and never more than `MAX_FOLLOW_UP_DAYS` from now.
 */
export const FOLLOW_UP_GRACE_DAYS = 14;
export const MAX_FOLLOW_UP_DAYS = 180;
const DAY = 86_400_000;

/** `dueDates`: the plan items' due dates (YYYY-MM-DD); undated items ("at the next visit") add none. */
export function followUpLinkExpiry(dueDates: readonly string[], now: Date): Date {
  const last = Math.max(...dueDates.map((d) => Date.parse(`${d}T23:59:59Z`)).filter(Number.isFinite), 0);
  const wanted = Math.max(last + FOLLOW_UP_GRACE_DAYS * DAY, now.getTime() + FOLLOW_UP_GRACE_DAYS * DAY);
  return new Date(Math.min(wanted, now.getTime() + MAX_FOLLOW_UP_DAYS * DAY));
}

/** The only paths a follow-up link opens: the patient's own follow-up page and its readings. */
export const FOLLOW_UP_LINK_PATHS = /^\/api\/followup\/me(\/|$)/;
