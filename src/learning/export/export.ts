import { invalid, type Sql } from '../../core/index.js';
import type { AnyResource } from '../../fusion/index.js';
import { createResourceRepository } from '../../store/index.js';
import type { ExportAudit } from './audit.js';
import type { PatientLike } from '../../llm/index.js';
import { type ExportDeidentifier, exportDeidentifier } from './deidentify.js';
import { sameText, summaryPrompt } from './prompt.js';
import { loadReasonedAnswers } from './reasoning.js';
import { REWARD_DESCRIPTION } from './reward.js';
import {
  type DpoLine,
  type ExportKind,
  exportKinds,
  type LineMeta,
  lineSchemas,
  type ReasoningLine,
  type RewardLine,
  type SftLine,
} from './schemas.js';
import { caseRecord, loadSummaryCases, type SummaryCase, verifyCaseText } from './summaries.js';

export interface ExportOptions {
  /** Keys the date shift and the patient pseudonyms (MEDSEEK_DEID_SECRET); required so exports can be joined. */
  readonly secret: string;
  /** Writes the export's audit rows (one per patient whose data left). */
  readonly audit: ExportAudit;
  /** Only this patient's data. */
  readonly patientId?: string;
}

export interface ExportResult {
  readonly kind: ExportKind;
  /** JSON lines, de-identified and schema-checked. */
  readonly lines: readonly string[];
  /** Candidates left out, by reason (not verified, nothing edited…). */
  readonly skipped: Readonly<Record<string, number>>;
  readonly patients: number;
}

type Line = SftLine | DpoLine | RewardLine | ReasoningLine;

/**
 * Builds a training-data export of one kind from what the hospital's MedSeek stored: every text
 * de-identified per patient (exportDeidentifier), every line checked against its schema, and an
 * audit row per patient written before the lines are handed back. Summaries teach only when the
 * verifier passes them (nothing contradicted, no critical fact omitted), as sign-off requires.
 */
export async function exportTrainingData(sql: Sql, kind: ExportKind, options: ExportOptions): Promise<ExportResult> {
  if (!exportKinds.includes(kind)) throw invalid(`must be one of ${exportKinds.join(', ')}`, { field: 'kind' });
  if (!options.secret || options.secret.length < 16)
    throw invalid('a de-identification secret of at least 16 characters is required (MEDSEEK_DEID_SECRET)', {
      field: 'secret',
    });
  const repo = createResourceRepository(sql);
  const skipped: Record<string, number> = {};
  const skip = (reason: string) => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
  };
  const deids = new Map<string, ExportDeidentifier>();
  const deidFor = (patientId: string | undefined, patient: AnyResource | undefined) => {
    const key = patientId ?? '';
    let d = deids.get(key);
    if (!d) {
      d = exportDeidentifier(patientId, patient as PatientLike | undefined, options.secret);
      deids.set(key, d);
    }
    return d;
  };
  const perPatient = new Map<string | undefined, number>();
  const lines: string[] = [];
  const emit = (patientId: string | undefined, line: Line) => {
    const parsed = lineSchemas[kind].safeParse(line);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      skip(`invalid line (${issue.path.join('.')}: ${issue.message})`);
      return;
    }
    lines.push(JSON.stringify(line));
    perPatient.set(patientId, (perPatient.get(patientId) ?? 0) + 1);
  };

  if (kind === 'reasoning') {
    for (const a of await loadReasonedAnswers(sql, options.patientId ? { patientId: options.patientId } : {})) {
      const stored = a.patientId ? await repo.read('Patient', a.patientId) : undefined;
      const d = deidFor(a.patientId, stored && !stored.deleted ? (stored.resource as AnyResource) : undefined);
      emit(a.patientId, {
        messages: [...a.messages, { role: 'assistant' as const, content: a.answer }].map((m) => ({
          role: m.role,
          content: d.text(m.content),
        })),
        reasoning: d.text(a.reasoning),
        meta: { source: 'llm-call', patient: d.pseudonym, purpose: a.purpose },
      });
    }
  } else {
    const cases = await loadSummaryCases(sql, repo, options.patientId ? { patientId: options.patientId } : {});
    const done = new Set<string>();
    for (const c of cases) {
      const d = deidFor(c.patientId, c.patient);
      for (const l of summaryLines(kind, c, d, skip)) {
        // The same item twice (two drafts of one stay, one text) teaches nothing new.
        const key = JSON.stringify(l);
        if (done.has(key)) {
          skip('duplicate');
          continue;
        }
        done.add(key);
        emit(c.patientId, l);
      }
    }
  }
  await options.audit(kind, perPatient);
  return { kind, lines, skipped, patients: [...perPatient.keys()].filter(Boolean).length };
}

/** The lines of one summary case for this export kind (de-identified), or none with the reason. */
function summaryLines(kind: ExportKind, c: SummaryCase, d: ExportDeidentifier, skip: (r: string) => void): Line[] {
  const r = caseRecord(c);
  const meta = (source: string, counts?: LineMeta['verified']): LineMeta => ({
    source,
    patient: d.pseudonym,
    lang: c.lang,
    ...(counts ? { verified: counts } : {}),
  });
  const prompt = (cite: boolean) =>
    summaryPrompt(c.lang, r.citations, r.facts, r.templateText, cite).map((m) => ({
      ...m,
      content: d.text(m.content),
    }));
  /** The verifier's counts when the text passes (nothing contradicted, nothing critical left out). */
  const passes = (text: string) => {
    const report = verifyCaseText(c, text);
    if (report.blocked || report.counts.contradicted > 0) return undefined;
    return { ...report.counts, contradicted: 0 as const };
  };
  const approved = [
    ...(c.signedText ? [{ source: 'signed-summary', text: c.signedText }] : []),
    ...c.corrections.map((text) => ({ source: 'summary-correction', text })),
  ];
  if (kind === 'reward') {
    if (!c.encounterId) {
      skip('no encounter');
      return [];
    }
    const record = d.value({
      facts: r.record.facts,
      documents: r.record.documents,
      ...(r.record.medications ? { medications: r.record.medications } : {}),
    });
    return [
      {
        prompt: prompt(true),
        record: record as unknown as RewardLine['record'],
        citations: Object.fromEntries(Object.entries(r.citations).map(([k, v]) => [k, d.handle(v)])),
        critical: d.value(r.critical) as unknown as RewardLine['critical'],
        lang: c.lang,
        reward: { name: 'medseek-verifier', description: REWARD_DESCRIPTION },
        meta: meta('summary-draft'),
      },
    ];
  }
  if (approved.length === 0) {
    skip('not signed or corrected');
    return [];
  }
  const out: Line[] = [];
  for (const a of approved) {
    const counts = passes(a.text);
    if (!counts) {
      skip(`${a.source} fails verification`);
      continue;
    }
    const chosen = d.text(a.text);
    if (kind === 'sft') {
      out.push({ messages: [...prompt(false), { role: 'assistant', content: chosen }], meta: meta(a.source, counts) });
      continue;
    }
    if (sameText(a.text, c.draftText)) {
      skip(`${a.source} not edited`);
      continue;
    }
    out.push({
      prompt: prompt(false),
      chosen: [{ role: 'assistant', content: chosen }],
      rejected: [{ role: 'assistant', content: d.text(c.draftText) }],
      meta: meta(a.source, counts),
    });
  }
  return out;
}
