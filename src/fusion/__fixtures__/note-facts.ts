import type { Assertion, Concept, Dosage, Fact, FactCategory, Quantity, Subject } from '../../core/index.js';

/**
 * Builds a note fact the way the NLP stage reports one: a TextSource span into the note
 * (`quote` is the text at that span), the section, and the patient as subject unless told.
 */
export function noteFact(
  text: string,
  quote: string,
  fields: {
    id: string;
    category: FactCategory;
    concept: Concept;
    assertion?: Assertion;
    subject?: Subject;
    value?: Quantity;
    dosage?: Dosage;
    section?: string;
    document?: string;
    patientId?: string;
    time?: Fact['time'];
  },
): Fact {
  const start = text.indexOf(quote);
  if (start < 0) throw new Error(`'${quote}' is not in the note`);
  return {
    id: fields.id,
    patientId: fields.patientId ?? 'p1',
    category: fields.category,
    concept: fields.concept,
    assertion: fields.assertion ?? 'present',
    subject: fields.subject ?? { who: 'patient' },
    ...(fields.value ? { value: fields.value } : {}),
    ...(fields.dosage ? { dosage: fields.dosage } : {}),
    ...(fields.section ? { section: fields.section } : {}),
    ...(fields.time ? { time: fields.time } : {}),
    sources: [
      { kind: 'text', document: fields.document ?? 'DocumentReference/doc-1', start, end: start + quote.length, quote },
    ],
  };
}
