import { writeFileSync } from 'node:fs';

/**
 * Writes an NDJSON file of `patients` Patients, each with `observations` Observations and one
 * DocumentReference whose text (English) the NLP reads into facts. Returns the resource count.
 */
export function writeNdjson(path: string, patients: number, observations: number): number {
  const lines: string[] = [];
  for (let p = 0; p < patients; p++) {
    const pid = `job-p${p}`;
    lines.push(JSON.stringify({ resourceType: 'Patient', id: pid, gender: p % 2 ? 'female' : 'male' }));
    for (let o = 0; o < observations; o++) {
      lines.push(
        JSON.stringify({
          resourceType: 'Observation',
          id: `job-o${p}-${o}`,
          status: 'final',
          code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
          subject: { reference: `Patient/${pid}` },
          effectiveDateTime: `2024-01-${String((o % 28) + 1).padStart(2, '0')}T08:00:00Z`,
          valueQuantity: { value: 60 + o, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
        }),
      );
    }
    const text = 'Chief complaint: fever and cough for three days. No chest pain. Denies shortness of breath.';
    lines.push(
      JSON.stringify({
        resourceType: 'DocumentReference',
        id: `job-d${p}`,
        status: 'current',
        subject: { reference: `Patient/${pid}` },
        date: '2024-01-02T09:00:00Z',
        content: [{ attachment: { contentType: 'text/plain', data: Buffer.from(text).toString('base64') } }],
      }),
    );
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return lines.length;
}
