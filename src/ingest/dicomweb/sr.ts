import { codeOf, type DicomCode, type DicomJson, items, str, strs, TAG } from './json.js';

/** SR storage SOP classes whose content is read as a report (PS3.4 §B.5; text-bearing SR IODs). */
export const TEXT_SR_CLASSES: Readonly<Record<string, string>> = {
  '1.2.840.10008.5.1.4.1.1.88.11': 'Basic Text SR',
  '1.2.840.10008.5.1.4.1.1.88.22': 'Enhanced SR',
  '1.2.840.10008.5.1.4.1.1.88.33': 'Comprehensive SR',
  '1.2.840.10008.5.1.4.1.1.88.34': 'Comprehensive 3D SR',
  '1.2.840.10008.5.1.4.1.1.88.35': 'Extensible SR',
};

/**
 * Section containers of TID 2000 (Basic Diagnostic Imaging Report, PS3.16, CID 7001) by DCM code, and the
 * heading written for each: the NLP stage reads `IMPRESSION:` as its assessment section.
 */
const SECTION_HEADINGS: Readonly<Record<string, string>> = {
  '121060': 'HISTORY',
  '121062': 'REQUEST',
  '121064': 'PROCEDURE',
  '121065': 'PROCEDURE',
  '121066': 'PRIOR PROCEDURES',
  '121068': 'PREVIOUS FINDINGS',
  '121070': 'FINDINGS',
  '121072': 'IMPRESSION',
  '121076': 'CONCLUSIONS',
  '121078': 'ADDENDUM',
  '121109': 'INDICATIONS',
  '121110': 'PATIENT PRESENTATION',
  '121111': 'SUMMARY',
};

export interface SrMeasurement {
  readonly name: string;
  readonly value: number;
  /** UCUM code when the SR gives one (`mm`), else the unit's meaning. */
  readonly unit: string;
  readonly section?: string;
}

/** An SR document read into text: what the report says, section by section. */
export interface SrReport {
  readonly sopInstanceUid: string;
  readonly sopClass: string;
  readonly title?: DicomCode;
  /** The report as text, one `HEADING:` block per section; measurements written as `Name: 12 mm`. */
  readonly text: string;
  readonly findings?: string;
  readonly impression?: string;
  readonly measurements: readonly SrMeasurement[];
  /** SOP Instance UIDs the report refers to (IMAGE items): the key images. */
  readonly keyImages: readonly string[];
  /** VERIFIED or UNVERIFIED (Verification Flag); COMPLETE or PARTIAL (Completion Flag). */
  readonly verified: boolean;
  readonly complete: boolean;
  /** Content Date/Time as DA + TM. */
  readonly contentDate?: string;
  readonly contentTime?: string;
}

interface Walk {
  readonly lines: Map<string, string[]>;
  readonly order: string[];
  readonly measurements: SrMeasurement[];
  readonly keyImages: string[];
}

/** Whether this instance is an SR whose content can be read as report text. */
export function isTextSr(ds: DicomJson): boolean {
  return (str(ds, TAG.SOPClassUID) ?? '') in TEXT_SR_CLASSES;
}

/**
 * Walks an SR's content tree (ContentSequence, depth first, in document order) into report text:
 * CONTAINERs become sections (Findings, Impressions…), TEXT items their sentences, CODE items
 * `Name: Meaning`, NUM items `Name: value unit`, IMAGE items key images. Content outside a known
 * section lands under the nearest container's name.
 */
export function readSr(ds: DicomJson): SrReport {
  const walk: Walk = { lines: new Map(), order: [], measurements: [], keyImages: [] };
  visit(items(ds, TAG.ContentSequence), 'REPORT', walk, 0);
  const blocks = walk.order
    .map((h) => ({ h, text: (walk.lines.get(h) ?? []).join('\n').trim() }))
    .filter((b) => b.text !== '');
  const text = blocks.map((b) => `${b.h}:\n${b.text}`).join('\n\n');
  const block = (h: string) => blocks.find((b) => b.h === h)?.text;
  const title = codeOf(items(ds, TAG.ConceptNameCodeSequence)[0]);
  const findings = block('FINDINGS');
  const impression = block('IMPRESSION') ?? block('CONCLUSIONS');
  const contentDate = str(ds, TAG.ContentDate);
  const contentTime = str(ds, TAG.ContentTime);
  return {
    sopInstanceUid: str(ds, TAG.SOPInstanceUID) ?? '',
    sopClass: str(ds, TAG.SOPClassUID) ?? '',
    ...(title ? { title } : {}),
    text,
    ...(findings ? { findings } : {}),
    ...(impression ? { impression } : {}),
    measurements: walk.measurements,
    keyImages: [...new Set(walk.keyImages)],
    verified: str(ds, TAG.VerificationFlag) === 'VERIFIED',
    complete: str(ds, TAG.CompletionFlag) !== 'PARTIAL',
    ...(contentDate ? { contentDate } : {}),
    ...(contentTime ? { contentTime } : {}),
  };
}

/** Nesting this deep is refused quietly (a malformed or hostile SR cannot overflow the stack). */
const MAX_DEPTH = 32;

function visit(content: readonly DicomJson[], section: string, walk: Walk, depth: number): void {
  if (depth > MAX_DEPTH) return;
  for (const item of content) {
    const type = str(item, TAG.ValueType);
    const name = codeOf(items(item, TAG.ConceptNameCodeSequence)[0]);
    const add = (line: string) => {
      if (!walk.lines.has(section)) {
        walk.lines.set(section, []);
        walk.order.push(section);
      }
      walk.lines.get(section)!.push(line);
    };
    switch (type) {
      case 'CONTAINER': {
        const heading =
          (name?.scheme === 'DCM' ? SECTION_HEADINGS[name.value] : undefined) ??
          (name ? name.meaning.toUpperCase() : section);
        visit(items(item, TAG.ContentSequence), heading, walk, depth + 1);
        continue;
      }
      case 'TEXT': {
        const text = str(item, TAG.TextValue);
        if (text) add(text);
        break;
      }
      case 'CODE': {
        const value = codeOf(items(item, TAG.ConceptCodeSequence)[0]);
        if (value) add(`${name?.meaning ?? 'Code'}: ${value.meaning}`);
        break;
      }
      case 'NUM': {
        const mv = items(item, TAG.MeasuredValueSequence)[0];
        const value = Number(str(mv, TAG.NumericValue));
        const unitCode = codeOf(items(mv, TAG.MeasurementUnitsCodeSequence)[0]);
        if (mv && Number.isFinite(value)) {
          const unit = unitCode ? (unitCode.scheme === 'UCUM' ? unitCode.value : unitCode.meaning) : '';
          const label = name?.meaning ?? 'Measurement';
          walk.measurements.push({ name: label, value, unit, section });
          add(`${label}: ${value}${unit && unit !== '1' ? ` ${unit}` : ''}`);
        }
        break;
      }
      case 'DATE':
      case 'DATETIME':
      case 'PNAME': {
        const v = str(item, type === 'DATE' ? TAG.Date : type === 'DATETIME' ? TAG.DateTime : TAG.PersonName);
        if (v && name) add(`${name.meaning}: ${v}`);
        break;
      }
      case 'IMAGE':
        for (const ref of items(item, TAG.ReferencedSOPSequence))
          walk.keyImages.push(...strs(ref, TAG.ReferencedSOPInstanceUID));
        break;
      default:
        break;
    }
    // Content items may have children (HAS PROPERTIES, INFERRED FROM…): read them in the same section.
    if (type !== 'CONTAINER') visit(items(item, TAG.ContentSequence), section, walk, depth + 1);
  }
}
