import type { Fact, FactCategory, Source, TimelineEvent } from '../core/index.js';
import { conceptLabel, sourceKey } from '../core/index.js';
import { instant } from './fhir.js';
import { formatQuantity } from './quantity.js';

function kindOf(c: FactCategory): TimelineEvent['kind'] | undefined {
  switch (c) {
    case 'medication':
      return 'medication';
    case 'procedure':
      return 'procedure';
    case 'measurement':
      return 'measurement';
    case 'imaging':
      return 'imaging';
    case 'genotype':
      return 'genotype';
    case 'encounter':
      return 'encounter';
    default:
      return 'condition';
  }
}

function labelOf(f: Fact): string {
  const name = conceptLabel(f.concept);
  const neg = f.assertion === 'absent' ? 'no ' : f.assertion === 'possible' ? 'possible ' : '';
  if (f.value) return `${name} ${formatQuantity(f.value)}`;
  if (f.valueText && f.category !== 'imaging') return `${name}: ${f.valueText}`;
  return `${neg}${name}`;
}

/**
 * One timeline: every fact about the patient with a start time becomes an event (measurements taken at the same
 * moment share one event, like a set of vitals), plus the encounters and notes given, in time order.
 */
export function buildTimeline(facts: readonly Fact[], extra: readonly TimelineEvent[]): TimelineEvent[] {
  const events: TimelineEvent[] = [...extra];
  const grouped = new Map<string, Fact[]>();
  for (const f of facts) {
    const time = f.time?.start;
    const kind = kindOf(f.category);
    // A relative's condition is family history, not an event of the patient's course ("诊断 肺癌" for a father's).
    if (f.subject.who !== 'patient') continue;
    if (!time || !kind || instant(time) === undefined) continue;
    if (kind === 'measurement') {
      const key = `${instant(time)}`;
      grouped.set(key, [...(grouped.get(key) ?? []), f]);
      continue;
    }
    events.push({
      time,
      ...(f.time?.end ? { end: f.time.end } : {}),
      kind,
      label: labelOf(f),
      factIds: [f.id],
      sources: f.sources,
    });
  }
  for (const group of grouped.values()) {
    const first = group[0]!;
    const names = group.map(labelOf);
    const label = names.length > 4 ? `${names.slice(0, 4).join('; ')}; +${names.length - 4} more` : names.join('; ');
    const seen = new Set<string>();
    const sources: Source[] = [];
    for (const s of group.flatMap((f) => f.sources)) {
      const k = sourceKey(s);
      if (!seen.has(k)) {
        seen.add(k);
        sources.push(s);
      }
    }
    events.push({ time: first.time!.start!, kind: 'measurement', label, factIds: group.map((f) => f.id), sources });
  }
  return events.sort(
    (a, b) =>
      (instant(a.time) ?? 0) - (instant(b.time) ?? 0) || a.kind.localeCompare(b.kind) || a.label.localeCompare(b.label),
  );
}
