import type { Encounter } from 'fhir/r4.js';
import type { TimelineEvent } from '../core/index.js';
import type { AnyResource } from './fhir.js';
import { periodTime, sourceOf } from './fhir.js';

/** Encounter → a timeline event (its type, class and period); encounters are not facts. */
export function encounterEvent(r: Encounter & AnyResource): TimelineEvent | undefined {
  if (r.status === 'entered-in-error' || r.status === 'cancelled') return undefined;
  const time = periodTime(r.period);
  if (!time?.start) return undefined;
  const type = r.type?.[0]?.text ?? r.type?.[0]?.coding?.[0]?.display;
  const cls = r.class?.display ?? r.class?.code;
  const reason = r.reasonCode?.[0]?.text ?? r.reasonCode?.[0]?.coding?.[0]?.display;
  const label = [type ?? 'Encounter', cls && `(${cls})`, reason && `— ${reason}`].filter(Boolean).join(' ');
  return {
    time: time.start,
    ...(time.end ? { end: time.end } : {}),
    kind: 'encounter',
    label,
    factIds: [],
    sources: [sourceOf(r, 'Encounter.period')],
  };
}
