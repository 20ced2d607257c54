import { createHmac, randomBytes } from 'node:crypto';
import { findDates } from './dates.js';
import { type DetectOptions, detectPhi, type PhiKind, type PhiSpan } from './detect.js';

export interface DeidentifierOptions extends DetectOptions {
  /** The patient the text is about: dates of one patient move by the same number of days. */
  readonly patientKey?: string;
  /**
   * Secret for the per-patient shift (MEDSEEK_DEID_SECRET). Without one, a random per-process
   * secret is used: consistent within a run, unlinkable across runs.
   */
  readonly secret?: string;
  /** Fixed shift in days (tests); otherwise derived from secret + patientKey. */
  readonly shiftDays?: number;
}

const processSecret = randomBytes(32).toString('hex');

/** ±32…365 days, never 0 and at least a month so a month-only date moves too. */
export function shiftDaysFor(patientKey: string, secret: string): number {
  const h = createHmac('sha256', secret).update(patientKey).digest();
  const magnitude = 32 + (h.readUInt32BE(0) % 334);
  return h[4]! % 2 === 0 ? magnitude : -magnitude;
}

/** What the de-identifier replaced, for the audit row (never the original values). */
export interface DeidReport {
  readonly found: number;
  readonly byKind: Readonly<Partial<Record<PhiKind, number>>>;
}

/**
 * De-identifies text before it leaves for an external model and re-identifies the answer.
 * Names, ID, insurance and record numbers, phones, emails and addresses become placeholders
 * (`[NAME_1]`), the same value always the same placeholder for this patient; exact dates move by
 * the patient's shift; ages over 89 become `90+` (HIPAA Safe Harbor). `reidentify` puts the
 * values back, moves dates back, and restores an age where only one was replaced.
 */
export class Deidentifier {
  readonly shiftDays: number;
  private readonly byValue = new Map<string, string>();
  private readonly byPlaceholder = new Map<string, string>();
  private readonly counters = new Map<PhiKind, number>();
  private readonly ages = new Set<string>();
  private detect: DetectOptions;

  constructor(options: DeidentifierOptions = {}) {
    this.shiftDays = options.shiftDays ?? shiftDaysFor(options.patientKey ?? '', options.secret ?? processSecret);
    this.detect = { knownNames: options.knownNames, knownIdentifiers: options.knownIdentifiers };
  }

  /** Adds names and identifiers learnt later (a relative named in a new note). */
  addKnown(names: readonly string[] = [], identifiers: readonly { kind: PhiKind; value: string }[] = []): void {
    const n = new Set([...(this.detect.knownNames ?? []), ...names]);
    const ids = [
      ...(this.detect.knownIdentifiers ?? []),
      ...identifiers.filter((i) => !this.detect.knownIdentifiers?.some((k) => k.value === i.value)),
    ];
    this.detect = { knownNames: [...n], knownIdentifiers: ids };
  }

  deidentify(text: string): { text: string; spans: PhiSpan[]; report: DeidReport } {
    const spans = detectPhi(text, this.detect);
    const byKind: Partial<Record<PhiKind, number>> = {};
    let out = '';
    let at = 0;
    for (const s of spans) {
      byKind[s.kind] = (byKind[s.kind] ?? 0) + 1;
      out += text.slice(at, s.start) + this.replacement(s);
      at = s.end;
    }
    out += text.slice(at);
    return { text: out, spans, report: { found: spans.length, byKind } };
  }

  private replacement(s: PhiSpan): string {
    if (s.kind === 'DATE') {
      const d = findDates(s.text);
      // A date span that is exactly one date moves; anything else (merged oddities) is masked.
      if (d.length === 1 && d[0]!.start === 0 && d[0]!.end === s.text.length) return d[0]!.shift(this.shiftDays);
    }
    if (s.kind === 'AGE') {
      this.ages.add(s.text);
      return '90+';
    }
    const key = `${s.kind}\u0000${normalise(s.text)}`;
    const existing = this.byValue.get(key);
    if (existing) return existing;
    const n = (this.counters.get(s.kind) ?? 0) + 1;
    this.counters.set(s.kind, n);
    const placeholder = `[${s.kind}_${n}]`;
    this.byValue.set(key, placeholder);
    this.byPlaceholder.set(placeholder, s.text);
    return placeholder;
  }

  /** Puts the patient back into a model's answer. */
  reidentify(text: string): string {
    // The answer's dates are in the shifted frame: move them all back first, then restore the
    // placeholders (whose values must not be taken for dates).
    let out = '';
    let at = 0;
    for (const d of findDates(text)) {
      out += text.slice(at, d.start) + d.shift(-this.shiftDays);
      at = d.end;
    }
    out += text.slice(at);
    out = out.replace(/\[([A-Z]+)_(\d+)\]/g, (m) => this.byPlaceholder.get(m) ?? m);
    if (this.ages.size === 1) {
      const [age] = [...this.ages];
      out = out.replace(/90\+/g, age!);
    }
    return out;
  }

  /** The values replaced so far, by placeholder (for tests and the operator's own audit). */
  get mapping(): ReadonlyMap<string, string> {
    return this.byPlaceholder;
  }
}

function normalise(s: string): string {
  return s.replace(/[\s\-().]/g, '').toLowerCase();
}
