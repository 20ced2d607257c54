import { term, useI18n } from '../i18n.js';
import type { Source } from '../types.js';

/** A clickable source: a note span opens the note with the span highlighted; a resource opens its FHIR JSON; knowledge shows its authority. */
export function SourceLink({ source, patientId }: { source: Source; patientId: string }) {
  const { lang } = useI18n();
  const pid = encodeURIComponent(patientId);
  switch (source.kind) {
    case 'text': {
      const href = `#/patients/${pid}/notes?doc=${encodeURIComponent(source.document)}&start=${source.start}&end=${source.end}`;
      return (
        <a className="src src-text" href={href} title={source.document} data-verbatim>
          “{source.quote ?? `${source.document} [${source.start}, ${source.end})`}”
        </a>
      );
    }
    case 'resource':
      return (
        <a
          className="src src-resource"
          href={`#/patients/${pid}/resource?ref=${encodeURIComponent(`${source.resourceType}/${source.id}`)}`}
          title={source.path}
        >
          {term('kind', source.resourceType, lang)} <code>{source.id.slice(0, 8)}</code>
        </a>
      );
    case 'knowledge':
      // The authority's own name (a guideline body, a ministry, a data set) is a citation, not UI text: it is
      // shown as the source names itself, in its language (`data-verbatim`), with its document in the tooltip.
      return source.authority.url ? (
        <a
          className="src src-kg"
          href={source.authority.url}
          target="_blank"
          rel="noreferrer"
          title={[source.authority.document, source.authority.version, source.authority.licence]
            .filter(Boolean)
            .join(' · ')}
        >
          <span data-verbatim>{source.authority.name}</span>
        </a>
      ) : (
        <span
          className="src src-kg"
          title={[source.authority.document, source.authority.version, source.authority.licence]
            .filter(Boolean)
            .join(' · ')}
        >
          <span data-verbatim>{source.authority.name}</span>
        </span>
      );
    case 'patient-reported':
      return (
        <span className="src src-patient" data-verbatim>
          “{source.quote ?? `#${source.turn}`}”
        </span>
      );
  }
}

export function Sources({ sources, patientId }: { sources: readonly Source[]; patientId: string }) {
  if (sources.length === 0) return null;
  return (
    <span className="sources">
      {sources.slice(0, 4).map((s, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: sources have no id of their own and never reorder
        <SourceLink key={i} source={s} patientId={patientId} />
      ))}
      {sources.length > 4 && <span className="more">+{sources.length - 4}</span>}
    </span>
  );
}
