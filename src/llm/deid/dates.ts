/**
 * Exact dates in zh and en notes: find them, and shift them by a number of days keeping the way
 * they were written (separators, padding, language, whether the year was given). HIPAA Safe
 * Harbor (45 CFR 164.514(b)(2)(i)(C)) counts every date element finer than the year as an
 * identifier; a consistent per-patient shift keeps the intervals a model needs to reason.
 */

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const MON =
  '(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)';

export interface DateMatch {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Re-renders the date moved by `days` (month-only dates move by whole months). */
  shift(days: number): string;
}

interface Pattern {
  readonly re: RegExp;
  readonly build: (m: RegExpExecArray) => ((days: number) => string) | undefined;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function valid(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

function addDays(y: number, m: number, d: number, days: number): { y: number; m: number; d: number } {
  const dt = new Date(Date.UTC(y, m - 1, d) + days * 86_400_000);
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

function addMonths(y: number, m: number, months: number): { y: number; m: number } {
  const total = y * 12 + (m - 1) + months;
  return { y: Math.floor(total / 12), m: (total % 12) + 1 };
}

/** Whole months a shift of `days` moves a month-precision date (never 0 for a non-zero shift). */
export function monthsFor(days: number): number {
  if (days === 0) return 0;
  // Symmetric rounding, so that shifting by -days undoes shifting by days.
  const m = Math.max(1, Math.round(Math.abs(days) / 30.44));
  return Math.sign(days) * m;
}

// A year for dates written without one; only used to compute the shifted day and month.
const REF_YEAR = 2023;

function monthIndex(name: string): number {
  const n = name.toLowerCase().replace('.', '');
  return MONTHS.findIndex((full) => full.startsWith(n.slice(0, 3))) + 1;
}

function monthName(m: number, like: string): string {
  const full = MONTHS[m - 1]!;
  const cap = full[0]!.toUpperCase() + full.slice(1);
  // Written abbreviated ("Dec", "Sept.") unless it was the whole name of its own month ("May", "June").
  const own = MONTHS[monthIndex(like) - 1];
  const abbreviated = like.replace('.', '').toLowerCase() !== own;
  return abbreviated ? cap.slice(0, 3) + (like.endsWith('.') ? '.' : '') : cap;
}

const digitsLike = (n: number, like: string) => (like.length >= 2 ? pad(n, like.length) : String(n));

const patterns: Pattern[] = [
  // 2024-03-15, 2024/3/15, 2023.09.14
  {
    re: /(?<!\d)((?:19|20)\d{2})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)/g,
    build: (m) => {
      const [y, mo, d] = [Number(m[1]), Number(m[3]), Number(m[4])];
      if (!valid(y, mo, d)) return undefined;
      return (days) => {
        const s = addDays(y, mo, d, days);
        return `${s.y}${m[2]}${digitsLike(s.m, m[3]!)}${m[2]}${digitsLike(s.d, m[4]!)}`;
      };
    },
  },
  // 2024年3月15日, 2021年5月
  {
    re: /((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?/g,
    build: (m) => {
      const [y, mo] = [Number(m[1]), Number(m[2])];
      if (m[3] === undefined) {
        if (mo < 1 || mo > 12) return undefined;
        return (days) => {
          const s = addMonths(y, mo, monthsFor(days));
          return `${s.y}年${s.m}月`;
        };
      }
      const d = Number(m[3]);
      if (!valid(y, mo, d)) return undefined;
      return (days) => {
        const s = addDays(y, mo, d, days);
        return `${s.y}年${s.m}月${s.d}日`;
      };
    },
  },
  // 12月4日 (no year)
  {
    re: /(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]/g,
    build: (m) => {
      const [mo, d] = [Number(m[1]), Number(m[2])];
      if (!valid(REF_YEAR, mo, d)) return undefined;
      return (days) => {
        const s = addDays(REF_YEAR, mo, d, days);
        return `${s.m}月${s.d}日`;
      };
    },
  },
  // 03/12/1958, 3/13/2024 (US month/day/year); 24/03/2024 is read day-first (it cannot be US).
  {
    re: /(?<![\d/])(\d{1,2})\/(\d{1,2})\/((?:19|20)\d{2})(?![\d/])/g,
    build: (m) => {
      const dayFirst = Number(m[1]) > 12 && Number(m[2]) <= 12;
      const [mo, d, y] = dayFirst
        ? [Number(m[2]), Number(m[1]), Number(m[3])]
        : [Number(m[1]), Number(m[2]), Number(m[3])];
      if (!valid(y, mo, d)) return undefined;
      return (days) => {
        const s = addDays(y, mo, d, days);
        // A shifted day-first date stays unambiguous only when its day is over 12; otherwise it
        // is written as the US form would be, which is how it will be read back.
        return dayFirst && s.d > 12
          ? `${digitsLike(s.d, m[1]!)}/${digitsLike(s.m, m[2]!)}/${s.y}`
          : `${digitsLike(s.m, m[1]!)}/${digitsLike(s.d, m[2]!)}/${s.y}`;
      };
    },
  },
  // March 15, 2024 / Dec 4 / March 15th
  {
    re: new RegExp(`\\b${MON}\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s+((?:19|20)\\d{2})\\b)?`, 'g'),
    build: (m) => {
      const mo = monthIndex(m[1]!);
      const d = Number(m[2]);
      const y = m[3] ? Number(m[3]) : REF_YEAR;
      if (!valid(y, mo, d)) return undefined;
      const dot = m[0].slice(m[1]!.length).startsWith('.') ? '.' : '';
      const comma = m[3] && m[0].includes(',') ? ',' : '';
      return (days) => {
        const s = addDays(y, mo, d, days);
        return `${monthName(s.m, m[1]! + dot)} ${s.d}${m[3] ? `${comma} ${s.y}` : ''}`;
      };
    },
  },
  // 15 March 2024
  {
    re: new RegExp(`\\b(\\d{1,2})\\s+${MON}\\.?,?\\s+((?:19|20)\\d{2})\\b`, 'g'),
    build: (m) => {
      const d = Number(m[1]);
      const mo = monthIndex(m[2]!);
      const y = Number(m[3]);
      if (!valid(y, mo, d)) return undefined;
      return (days) => {
        const s = addDays(y, mo, d, days);
        return `${s.d} ${monthName(s.m, m[2]!)} ${s.y}`;
      };
    },
  },
  // August 2022 (month precision)
  {
    re: new RegExp(`\\b${MON}\\.?,?\\s+((?:19|20)\\d{2})\\b`, 'g'),
    build: (m) => {
      const mo = monthIndex(m[1]!);
      const y = Number(m[2]);
      return (days) => {
        const s = addMonths(y, mo, monthsFor(days));
        return `${monthName(s.m, m[1]!)} ${s.y}`;
      };
    },
  },
];

/** Every exact date in `text`, longest first where two patterns overlap. */
export function findDates(text: string): DateMatch[] {
  const found: DateMatch[] = [];
  for (const p of patterns) {
    p.re.lastIndex = 0;
    for (let m = p.re.exec(text); m; m = p.re.exec(text)) {
      const shift = p.build(m);
      if (!shift) continue;
      const start = m.index;
      const end = start + m[0].length;
      if (found.some((f) => f.start < end && start < f.end)) continue;
      found.push({ start, end, text: m[0], shift });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** Moves every date in `text` by `days`, keeping everything else as it was. */
export function shiftDatesIn(text: string, days: number): string {
  let out = '';
  let at = 0;
  for (const d of findDates(text)) {
    out += text.slice(at, d.start) + d.shift(days);
    at = d.end;
  }
  return out + text.slice(at);
}
