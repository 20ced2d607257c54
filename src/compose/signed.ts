import type { Composition, DocumentReference } from 'fhir/r4.js';
import type { Lang } from '../core/index.js';
import { invalid } from '../core/index.js';
import type { FaithfulnessReport } from '../verify/index.js';
import { SECTION_TITLES, UNSIGNED } from './discharge.js';
import type { ComposedDocument } from './document.js';

/**
 * The signed discharge summary: the working text (Markdown headings, `[Fn]` citation markers, kept
 * for the editor and the verifier) becomes a plain document as a paper record prints it, and a FHIR
 * R4 Composition whose sections carry their narrative and, as `entry`, the resources their
 * statements cite. Citations live on as structured metadata, never as text in what is signed.
 */

const LOINC = 'http://loinc.org';

/**
 * LOINC document-section codes (FHIR R4 ValueSet doc-section-codes, the C-CDA section codes). A
 * section with no code there (admission and discharge dates, condition at discharge, signature)
 * has none rather than a near miss; the dates are also the Composition's `event.period`.
 */
export const SECTION_CODES: Readonly<Record<string, { code: string; display: string }>> = {
  conditionOnAdmission: { code: '29299-5', display: 'Reason for visit Narrative' },
  reasonForAdmission: { code: '29299-5', display: 'Reason for visit Narrative' },
  admissionDiagnoses: { code: '46241-6', display: 'Hospital admission diagnosis Narrative - Reported' },
  significantFindings: { code: '30954-2', display: 'Relevant diagnostic tests/laboratory data Narrative' },
  hospitalCourse: { code: '8648-8', display: 'Hospital course Narrative' },
  dischargeDiagnoses: { code: '11535-2', display: 'Hospital discharge Dx Narrative' },
  dischargeOrders: { code: '8653-8', display: 'Hospital Discharge instructions' },
  dischargeMedications: { code: '10183-2', display: 'Hospital discharge medications Narrative' },
  followUp: { code: '18776-5', display: 'Plan of care note' },
};

export interface SignOff {
  /** The signing physician: a name, or a reference (`Practitioner/12`) with `authorName` for display. */
  readonly author: string;
  readonly authorName?: string;
  /** When it was signed (ISO-8601). */
  readonly signedAt: string;
  readonly patientId: string;
  readonly encounterId?: string;
}

/** One section of the working text: its title, its key (from the document's sections) and its body with markers. */
interface TextSection {
  readonly key?: string;
  readonly title: string;
  readonly body: string;
}

const marker = /\[F\d+(?:\s*[,，]\s*F\d+)*\]/g;

/** Splits the working text at its `## ` headings; text before the first heading is a section with no title. */
function textSections(doc: Pick<ComposedDocument, 'text' | 'sections'>): TextSection[] {
  const out: TextSection[] = [];
  const parts = doc.text.split(/^#{1,6}[ \t]+/m);
  const lead = parts.shift()?.trim();
  if (lead) out.push({ title: '', body: lead });
  for (const p of parts) {
    const nl = p.indexOf('\n');
    const title = (nl < 0 ? p : p.slice(0, nl)).trim();
    const body = nl < 0 ? '' : p.slice(nl + 1).trim();
    const key =
      doc.sections.find((s) => s.title === title)?.key ??
      Object.entries(SECTION_TITLES).find(([, t]) => t.zh === title || t.en === title)?.[0];
    out.push({ ...(key ? { key } : {}), title, body });
  }
  return out;
}

/** A body without citation markers or Markdown emphasis, spaces tidied the way each language writes. */
function plain(body: string, lang: Lang): string {
  let s = body.replace(marker, '').replace(/\*\*|__|`/g, '');
  s =
    lang === 'zh'
      ? s.replace(/([。；，：）])[ \t]+/g, '$1').replace(/[ \t]+([。；，）])/g, '$1')
      : s.replace(/[ \t]+([.;,)])/g, '$1');
  return s.replace(/[ \t]{2,}/g, ' ').trim();
}

/**
 * The document a physician signs, as a paper record prints it: `出院记录` then each item as
 * `入院情况：…` (Chinese) or a heading line and its paragraph (English); no `##`, no `[F3]`.
 * `signer` / `signedAt` fill the signature line at sign-off; without them it reads 待签名.
 */
export function signedText(
  doc: Pick<ComposedDocument, 'text' | 'sections' | 'lang'>,
  signOff?: { signer?: string; signedAt?: string },
): string {
  const lang = doc.lang;
  const lines: string[] = [lang === 'zh' ? '出院记录' : 'DISCHARGE SUMMARY', ''];
  for (const s of textSections(doc)) {
    let body = plain(s.body, lang);
    if (s.key === 'signature') {
      const name = signOff?.signer?.trim();
      if (name) body = body === UNSIGNED[lang] || !body ? name : body;
      if (signOff?.signedAt)
        body +=
          lang === 'zh'
            ? `　签名日期：${signOff.signedAt.slice(0, 16).replace('T', ' ')}`
            : ` (signed ${signOff.signedAt.slice(0, 16).replace('T', ' ')})`;
    }
    if (!s.title) lines.push(body);
    else if (lang === 'zh') lines.push(`${s.title}：${body}`);
    else lines.push(`${s.title}:`, body, '');
  }
  return `${lines.join('\n').trim()}\n`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function references(
  doc: Pick<ComposedDocument, 'references' | 'citations'>,
  body: string,
  report?: FaithfulnessReport,
  range?: { start: number; end: number },
): string[] {
  const refs = new Set<string>();
  for (const m of body.matchAll(marker)) {
    for (const key of m[0].slice(1, -1).split(/\s*[,，]\s*/)) for (const r of doc.references?.[key] ?? []) refs.add(r);
  }
  // Evidence the verifier found for the section's claims (a clinician's own sentence cites nothing, yet is grounded).
  if (report && range) {
    for (const c of report.claims) {
      if (c.start < range.start || c.start >= range.end || c.verdict !== 'supported') continue;
      for (const e of c.evidence) {
        if (e.kind === 'resource') refs.add(`${e.resourceType}/${e.id}`);
        else if (e.kind === 'text' && /^[A-Za-z]+\/[^/\s]+$/.test(e.document)) refs.add(e.document);
      }
    }
  }
  return [...refs];
}

/**
 * A FHIR R4 Composition of the signed summary (type LOINC 18842-5 Discharge summary, status
 * final): one section per item with its LOINC section code where one exists, its narrative as
 * XHTML, and `entry` references to the resources its statements cite. Refuses (field `report`)
 * while the verification blocks sign-off: a final document cannot carry a contradicted claim.
 */
export function toComposition(doc: ComposedDocument, report: FaithfulnessReport, signOff: SignOff): Composition {
  checkSignOff(doc, report, signOff);
  const lang = doc.lang;
  const sections: NonNullable<Composition['section']> = [];
  let offset = 0;
  for (const s of textSections(doc)) {
    const at = doc.text.indexOf(s.body, offset);
    const range = at >= 0 ? { start: at, end: at + s.body.length } : undefined;
    if (at >= 0) offset = at + s.body.length;
    if (s.key === 'signature' || !s.title) continue;
    const text = plain(s.body, lang);
    const code = s.key ? SECTION_CODES[s.key] : undefined;
    const entry = references(doc, s.body, report, range).map((reference) => ({ reference }));
    sections.push({
      title: s.title,
      ...(code ? { code: { coding: [{ system: LOINC, code: code.code, display: code.display }], text: s.title } } : {}),
      text: {
        status: 'generated',
        div: `<div xmlns="http://www.w3.org/1999/xhtml"><p>${escapeXml(text).replace(/\n/g, '<br/>')}</p></div>`,
      },
      ...(entry.length > 0
        ? { entry }
        : {
            emptyReason: {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/list-empty-reason',
                  code: 'unavailable',
                  display: 'Unavailable',
                },
              ],
            },
          }),
    });
  }
  const author = authorOf(signOff);
  return {
    resourceType: 'Composition',
    status: 'final',
    language: lang === 'zh' ? 'zh-CN' : 'en',
    type: {
      coding: [{ system: LOINC, code: '18842-5', display: 'Discharge summary' }],
      text: lang === 'zh' ? '出院记录' : 'Discharge summary',
    },
    subject: { reference: `Patient/${signOff.patientId}` },
    ...(signOff.encounterId ? { encounter: { reference: `Encounter/${signOff.encounterId}` } } : {}),
    date: signOff.signedAt,
    author: [author],
    title: lang === 'zh' ? '出院记录' : 'Discharge summary',
    attester: [{ mode: 'legal', time: signOff.signedAt, party: author }],
    section: sections,
  };
}

/**
 * A DocumentReference holding the signed text (text/plain; charset=utf-8, base64), type LOINC
 * 18842-5, status current, docStatus final, with the Composition (when stored) as a related document.
 */
export function toDocumentReference(
  doc: ComposedDocument,
  report: FaithfulnessReport,
  signOff: SignOff & { compositionId?: string },
): DocumentReference {
  checkSignOff(doc, report, signOff);
  const lang = doc.lang;
  const text = signedText(doc, { signer: signOff.authorName ?? signOff.author, signedAt: signOff.signedAt });
  const bytes = Buffer.from(text, 'utf8');
  const author = authorOf(signOff);
  return {
    resourceType: 'DocumentReference',
    status: 'current',
    docStatus: 'final',
    type: {
      coding: [{ system: LOINC, code: '18842-5', display: 'Discharge summary' }],
      text: lang === 'zh' ? '出院记录' : 'Discharge summary',
    },
    category: [
      {
        coding: [
          {
            system: 'http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category',
            code: 'clinical-note',
            display: 'Clinical Note',
          },
        ],
      },
    ],
    subject: { reference: `Patient/${signOff.patientId}` },
    date: signOff.signedAt,
    author: [author],
    authenticator: author,
    description: lang === 'zh' ? '出院记录' : 'Discharge summary',
    content: [
      {
        attachment: {
          contentType: 'text/plain; charset=utf-8',
          language: lang === 'zh' ? 'zh-CN' : 'en',
          title: lang === 'zh' ? '出院记录' : 'Discharge summary',
          data: bytes.toString('base64'),
          size: bytes.length,
          creation: signOff.signedAt,
        },
      },
    ],
    ...(signOff.encounterId ? { context: { encounter: [{ reference: `Encounter/${signOff.encounterId}` }] } } : {}),
    ...(signOff.compositionId
      ? { relatesTo: [{ code: 'transforms', target: { reference: `Composition/${signOff.compositionId}` } }] }
      : {}),
  };
}

function authorOf(s: SignOff): { reference?: string; display: string } {
  const isRef = /^(Practitioner|PractitionerRole)\/[^/\s]+$/.test(s.author);
  return isRef ? { reference: s.author, display: s.authorName ?? s.author } : { display: s.author };
}

function checkSignOff(doc: ComposedDocument, report: FaithfulnessReport, s: SignOff): void {
  if (!s.author?.trim()) throw invalid('a signed document needs its author', { field: 'author' });
  if (!s.signedAt || Number.isNaN(Date.parse(s.signedAt)))
    throw invalid(`'${s.signedAt}' is not a date-time`, { field: 'signedAt' });
  if (!s.patientId?.trim()) throw invalid('a signed document needs its patient', { field: 'patientId' });
  if (s.patientId !== doc.patientId)
    throw invalid(`the summary is about Patient/${doc.patientId}, not Patient/${s.patientId}`, { field: 'patientId' });
  if (s.encounterId && doc.encounterId && s.encounterId !== doc.encounterId)
    throw invalid(`the summary is about Encounter/${doc.encounterId}, not Encounter/${s.encounterId}`, {
      field: 'encounterId',
    });
  if (report.blocked)
    throw invalid(
      `sign-off is blocked: ${report.counts.contradicted} contradicted claim(s), ${report.counts.omissions} omission(s)`,
      { field: 'report' },
    );
}
