/**
 * Time arithmetic exactly as qc-rules.md §1 defines it: times are Asia/Shanghai (UTC+8, no DST) at
 * minute precision; "within N h" means `completedAt <= anchor + N h`, and equality passes.
 */
const SHANGHAI_MS = 8 * 3_600_000;

/** Epoch minutes (seconds dropped). A time without an offset is read as Asia/Shanghai. */
export function minutes(iso: string): number {
  const hasZone = /([zZ]|[+-]\d{2}:?\d{2})$/.test(iso);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  const ms = Date.parse(dateOnly ? `${iso}T00:00:00+08:00` : hasZone ? iso : `${iso}+08:00`);
  if (!Number.isFinite(ms)) return Number.NaN;
  return Math.floor(ms / 60_000);
}

export function valid(iso: string | undefined): iso is string {
  return iso !== undefined && Number.isFinite(minutes(iso));
}

/** `t <= anchor + hours` at minute precision (equality passes). */
export function within(t: string | undefined, anchor: string, hours: number): boolean {
  if (!valid(t)) return false;
  return minutes(t) <= minutes(anchor) + Math.round(hours * 60);
}

export function notBefore(t: string | undefined, anchor: string): boolean {
  return valid(t) && minutes(t) >= minutes(anchor);
}

export function hoursBetween(a: string, b: string): number {
  return (minutes(b) - minutes(a)) / 60;
}

/** The Asia/Shanghai calendar date (YYYY-MM-DD) of a time. */
export function shanghaiDate(iso: string): string {
  return new Date(minutes(iso) * 60_000 + SHANGHAI_MS).toISOString().slice(0, 10);
}

/** The Asia/Shanghai time of day (HH:MM) of a time. */
export function shanghaiClock(iso: string): string {
  return new Date(minutes(iso) * 60_000 + SHANGHAI_MS).toISOString().slice(11, 16);
}

/** Calendar days from a's date to b's date (Asia/Shanghai). */
export function calendarDays(a: string, b: string): number {
  return Math.round((Date.parse(shanghaiDate(b)) - Date.parse(shanghaiDate(a))) / 86_400_000);
}

/** Whether a written time gives the minute (`HH:MM`), as BW2010 and HX2018 require for rescue and death times. */
export function hasMinutes(written: string | undefined): boolean {
  // Full-width digits and colon ("１５：２０") as typed with a Chinese input method read as their ASCII forms.
  return !!written && /T?\d{1,2}[:：时]\d{2}/.test(written.normalize('NFKC'));
}

/**
 * Adds working days after a time's date, Chinese calendar: Monday–Friday are working days except
 * the statutory holidays given; `makeupWorkdays` are weekend days worked in exchange (调休). The
 * State Council publishes both each year; the hospital supplies them (no calendar is guessed here).
 * Returns the end of the last working day (23:59 Asia/Shanghai).
 */
export function addWorkingDays(
  iso: string,
  n: number,
  holidays: readonly string[] = [],
  makeupWorkdays: readonly string[] = [],
): string {
  let day = Date.parse(shanghaiDate(iso));
  let left = n;
  while (left > 0) {
    day += 86_400_000;
    const d = new Date(day);
    const key = d.toISOString().slice(0, 10);
    const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
    const working = makeupWorkdays.includes(key) || (!weekend && !holidays.includes(key));
    if (working) left--;
  }
  return `${new Date(day).toISOString().slice(0, 10)}T23:59:00+08:00`;
}
