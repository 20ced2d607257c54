import type { Source } from '../types.js';

/** A clickable source: a note span opens the note with the span highlighted; a resource opens its FHIR JSON; knowledge shows its authority. */
export function SourceLink({ source, patientId }: { source: Source; patientId: string }) {
  const pid = encodeURIComponent(patientId);
  switch (source.kind) {
    case 'text': {
      const href = `#/patients/${pid}/notes?doc=${encodeURIComponent(source.document)}&start=${source.start}&end=${source.end}`;
      return (
        <a className="src src-text" href={href} title={source.document}>
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
          {source.resourceType}/{source.id.slice(0, 8)}
        </a>
      );
    case 'knowledge':
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
          {source.authority.name}
        </a>
      ) : (
        <span
          className="src src-kg"
          title={[source.authority.document, source.authority.version, source.authority.licence]
            .filter(Boolean)
            .join(' · ')}
        >
          {source.authority.name}
        </span>
      );
    case 'patient-reported':
      return <span className="src src-patient">“{source.quote ?? `#${source.turn}`}”</span>;
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
