import { z } from 'zod';
import type { Fact, ModelUse, TextSource } from '../core/index.js';
import type { ImagePart, PatientContext, VisionReader } from '../llm/index.js';
import { extractImagingFindings } from '../nlp/index.js';

/** What the vision model is asked for: each finding it sees, as constrained JSON (nulls where it cannot tell). */
export const visionFindingSchema = z.object({
  finding: z.string().min(1).max(120).describe('the lesion, as a noun: nodule, mass, cyst, opacity, 结节…'),
  laterality: z.enum(['left', 'right', 'bilateral']).nullable(),
  sizeMm: z.number().positive().max(1000).nullable().describe('largest diameter in millimetres'),
  site: z.string().max(120).nullable().describe('e.g. right upper lobe, left breast'),
  category: z
    .object({ scale: z.enum(['BI-RADS', 'Lung-RADS', 'TI-RADS']), value: z.string().min(1).max(8) })
    .nullable(),
});
export const secondReadSchema = z.object({ findings: z.array(visionFindingSchema).max(20) });
export type VisionFinding = z.infer<typeof visionFindingSchema>;

/**
 * How one suggestion stands against the radiologist's report: the report states it (`agrees`), states
 * the same lesion otherwise (`contradicts`: other side, size beyond the tolerance, other site or
 * category), or does not state it (`not-in-report`).
 */
export type SecondReadVerdict = 'agrees' | 'contradicts' | 'not-in-report';

export interface Conflict {
  readonly field: 'laterality' | 'size' | 'site' | 'category';
  readonly report: string;
  readonly model: string;
}

/** One suggestion of the second reader: a claim, never a fact of the patient, with its verdict. */
export interface SecondReadSuggestion {
  readonly finding: VisionFinding;
  /** The lesion as the report vocabulary names it (`nodule`), when the finding names one. */
  readonly lesion?: string;
  readonly verdict: SecondReadVerdict;
  readonly conflicts: readonly Conflict[];
  /** The report's words the verdict rests on (spans into the report). */
  readonly evidence: readonly TextSource[];
}

export interface SecondReadOptions {
  /**
   * Sizes within max(`toleranceMm`, `toleranceFraction` × the report's size) agree. 1.5 mm is the
   * smallest change ACR Lung-RADS (v1.1, v2022) counts as nodule growth; the 10 % is an operating
   * choice for larger lesions (no source), adjustable here.
   */
  readonly toleranceMm?: number;
  readonly toleranceFraction?: number;
}

/**
 * Checks each of the model's findings against the report text, read with the NLP stage's own
 * imaging vocabulary (`extractImagingFindings`): same lesion noun, then side, size, site and category.
 */
export function judgeSecondRead(
  findings: readonly VisionFinding[],
  reportText: string,
  options: SecondReadOptions & { readonly document?: string } = {},
): SecondReadSuggestion[] {
  const facts = extractImagingFindings(reportText, { document: options.document ?? 'report' });
  const lesions = facts.filter((f) => f.category === 'finding');
  const categories = facts.filter((f) => f.category === 'imaging');
  return findings.map((finding) => {
    const lesion = lesionKey(finding.finding);
    const conflicts: Conflict[] = [];
    const evidence: TextSource[] = [];
    let stated = false;
    const candidates = lesion ? lesions.filter((f) => f.concept.code === lesion) : [];
    if (candidates.length) {
      // The report's lesion closest to the model's: fewest disagreements (a left and a right nodule: the right one).
      const best = candidates
        .map((f) => ({ f, conflicts: lesionConflicts(finding, f, options) }))
        .sort((a, b) => a.conflicts.length - b.conflicts.length)[0]!;
      conflicts.push(...best.conflicts);
      evidence.push(...textSources(best.f));
      stated = true;
    }
    if (finding.category) {
      const scale = finding.category.scale.toLowerCase();
      const value = normalCategory(finding.category.value);
      const same = categories.filter((f) => f.concept.code === scale);
      const match = same.find((f) => f.valueText === value);
      if (match) {
        evidence.push(...textSources(match));
        stated = true;
      } else if (same[0]) {
        conflicts.push({
          field: 'category',
          report: `${finding.category.scale} ${same[0].valueText}`,
          model: `${finding.category.scale} ${value}`,
        });
        evidence.push(...textSources(same[0]));
        stated = true;
      }
    }
    const verdict: SecondReadVerdict = conflicts.length ? 'contradicts' : stated ? 'agrees' : 'not-in-report';
    return { finding, ...(lesion ? { lesion } : {}), verdict, conflicts, evidence };
  });
}

function lesionConflicts(m: VisionFinding, f: Fact, o: SecondReadOptions): Conflict[] {
  const out: Conflict[] = [];
  if (m.laterality && f.laterality && m.laterality !== f.laterality)
    out.push({ field: 'laterality', report: f.laterality, model: m.laterality });
  const reportMm = f.value?.unit === 'mm' ? f.value.value : undefined;
  if (m.sizeMm !== null && reportMm !== undefined) {
    const tolerance = Math.max(o.toleranceMm ?? 1.5, (o.toleranceFraction ?? 0.1) * reportMm);
    if (Math.abs(m.sizeMm - reportMm) > tolerance)
      out.push({ field: 'size', report: `${reportMm} mm`, model: `${m.sizeMm} mm` });
  }
  const reportSite = typeof f.qualifiers?.site === 'string' ? f.qualifiers.site : undefined;
  if (m.site && reportSite && sitesDiffer(m.site, reportSite))
    out.push({ field: 'site', report: reportSite, model: m.site });
  return out;
}

/** The lesion noun of the model's words, read by the same vocabulary as the report ("10 mm <finding>"). */
function lesionKey(words: string): string | undefined {
  const read = extractImagingFindings(`10 mm ${words}`).find((f) => f.category === 'finding');
  return read?.concept.code;
}

/** `4a` → `4A`, `TR3` → `3`, `category 2` → `2`: as `extractImagingFindings` writes categories. */
function normalCategory(v: string): string {
  return v
    .replace(/^\s*(?:category|cat\.?|TR)\s*/i, '')
    .trim()
    .toUpperCase();
}

/** Organ and part of a site (en, zh), compared only where both are known. */
function siteParts(s: string): { organ?: string; part?: string } {
  const t = s.toLowerCase();
  const organ = /breast|乳腺/.test(t)
    ? 'breast'
    : /thyroid|甲状腺/.test(t)
      ? 'thyroid'
      : /kidney|renal|肾/.test(t)
        ? 'kidney'
        : /lung|lobe|lingula|肺/.test(t)
          ? 'lung'
          : undefined;
  const part = /upper|上叶/.test(t)
    ? 'upper'
    : /middle|中叶/.test(t)
      ? 'middle'
      : /lower|下叶/.test(t)
        ? 'lower'
        : /lingula|舌段/.test(t)
          ? 'lingula'
          : undefined;
  return { ...(organ ? { organ } : {}), ...(part ? { part } : {}) };
}

function sitesDiffer(a: string, b: string): boolean {
  const x = siteParts(a);
  const y = siteParts(b);
  return (!!x.organ && !!y.organ && x.organ !== y.organ) || (!!x.part && !!y.part && x.part !== y.part);
}

function textSources(f: Fact): TextSource[] {
  return f.sources.filter((s): s is TextSource => s.kind === 'text');
}

export interface SecondReadInput {
  readonly image: ImagePart;
  /** The radiologist's report: the suggestions are checked against it, and it is never sent to the model. */
  readonly reportText: string;
  /** The report as a FHIR reference, for the evidence spans (`DiagnosticReport/7`). */
  readonly reportDocument?: string;
  /** What the image is (modality, body part, description): no identifier of the patient. */
  readonly context?: string;
  readonly patient?: PatientContext;
}

export type SecondReadResult =
  | {
      readonly ok: true;
      readonly suggestions: readonly SecondReadSuggestion[];
      readonly model: ModelUse;
    }
  | {
      readonly ok: false;
      readonly reason: 'refused' | 'failed';
      readonly message: string;
      readonly model: ModelUse;
    };

const SYSTEM =
  'You are a second reader of one medical image. List each abnormal finding you see, as JSON only: ' +
  'the lesion noun, its side, its largest diameter in millimetres, its site, and an assessment category ' +
  '(BI-RADS, Lung-RADS or TI-RADS) only where the image type has one. Use null where you cannot tell; ' +
  'list nothing you do not see.';

/**
 * A second reader's suggestions for one image: the vision model's findings, each checked against the
 * radiologist's report. The model never sees the report (an independent read), and what it says is a
 * claim with a verdict, never the report and never a fact of the patient.
 */
export async function secondRead(
  reader: VisionReader,
  input: SecondReadInput,
  options: SecondReadOptions = {},
): Promise<SecondReadResult> {
  const r = await reader.structured(secondReadSchema, {
    images: [input.image],
    system: SYSTEM,
    prompt: input.context ? `The image: ${input.context}.` : 'The image is attached.',
    purpose: 'verify/second-read',
    ...(input.patient ? { patient: input.patient } : {}),
  });
  if (!r.ok)
    return {
      ok: false,
      reason: r.error.kind === 'no-trusted-provider' ? 'refused' : 'failed',
      message: r.error.message,
      model: r.use,
    };
  return {
    ok: true,
    suggestions: judgeSecondRead(r.value.findings, input.reportText, {
      ...options,
      ...(input.reportDocument ? { document: input.reportDocument } : {}),
    }),
    model: r.use,
  };
}
