/**
 * Generated sections of a document (the README's figure and FHIR conformance tables): the text
 * between a start and an end marker comment is replaced, everything else is kept as it is.
 */
export function replaceBetweenMarkers(text: string, start: string, end: string, body: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`markers ${start} … ${end} not found`);
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}
