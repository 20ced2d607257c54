import type { Command } from 'commander';
import { type Fact, invalid, loadConfig, type PatientState, conceptLabel, sourceKey } from '../../core/index.js';
import { buildPatientState, extractPatientNotes } from '../../fusion/index.js';
import { AuditLog } from '../../server/index.js';
import { createResourceRepository, migrate, openDatabase } from '../../store/index.js';

interface PatientOpts {
  at?: string;
  encounter?: string;
  format: string;
  extract: boolean;
  reextract?: boolean;
  timeline: string;
}

export function register(program: Command): void {
  program
    .command('patient <id>')
    .description(
      "print a patient's fused state: phenotype, interventions, biology, timeline and conflicts between notes and coded data",
    )
    .option('--at <time>', 'the moment to describe (ISO-8601 date or date-time); default now, or the encounter’s end')
    .option('--encounter <id>', 'focus on one encounter (the state at its end)')
    .option('--format <format>', "'text' or 'json'", 'text')
    .option('--no-extract', 'do not extract notes that have not been read yet')
    .option('--reextract', "read all the patient's notes again before building")
    .option('--timeline <n>', 'timeline events to print in text format (latest first)', '20')
    .action(async (id: string, opts: PatientOpts) => {
      if (opts.format !== 'text' && opts.format !== 'json')
        throw invalid(`--format must be 'text' or 'json', not '${opts.format}'`, { field: '--format' });
      if (opts.at !== undefined && Number.isNaN(Date.parse(opts.at)))
        throw invalid(`--at '${opts.at}' is not an ISO-8601 date or date-time`, { field: '--at' });
      const timelineCount = Number(opts.timeline);
      if (!Number.isInteger(timelineCount) || timelineCount < 0)
        throw invalid('--timeline must be a whole number', { field: '--timeline' });
      const config = loadConfig();
      const db = await openDatabase(
        config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir },
      );
      let state: PatientState;
      try {
        await migrate(db);
        const repo = createResourceRepository(db);
        if (opts.reextract) await extractPatientNotes(db, repo, id, { force: true });
        state = await buildPatientState(db, repo, id, {
          ...(opts.at ? { at: opts.at } : {}),
          ...(opts.encounter ? { encounterId: opts.encounter } : {}),
          extractMissing: opts.extract,
        });
        await new AuditLog(db).recordCli('read', `Patient/${id}/state`, [id]);
      } finally {
        await db.close();
      }
      process.stdout.write(
        opts.format === 'json' ? `${JSON.stringify(state, null, 2)}\n` : textState(state, timelineCount),
      );
    });
}

const round = (v: number) => Number(v.toPrecision(4));

/** Measurements and survey answers: the latest of each only (the state, and `--format json`, keep them all). */
function latestMeasurements(facts: readonly Fact[]): { shown: Fact[]; hidden: number } {
  const seen = new Set<string>();
  const shown: Fact[] = [];
  for (const f of facts) {
    if (f.category === 'measurement' || (f.category === 'risk-factor' && (f.value || f.valueText))) {
      const key = `${f.concept.system}|${f.concept.code}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    shown.push(f);
  }
  return { shown, hidden: facts.length - shown.length };
}

function factLine(f: Fact): string {
  const mark: Record<Fact['assertion'], string> = {
    present: '+',
    absent: '-',
    possible: '?',
    historical: 'h',
    family: 'f',
    hypothetical: '~',
  };
  const parts = [`  ${mark[f.assertion]} ${conceptLabel(f.concept)}`];
  if (f.value)
    parts.push(
      `${f.value.comparator ?? ''}${round(f.value.value)}${f.value.value2 !== undefined ? `/${round(f.value.value2)}` : ''}${f.value.unit === '1' ? '' : ` ${f.value.unit}`}`,
    );
  if (f.interpretation) parts.push(`[${f.interpretation}]`);
  if (f.valueText) parts.push(f.valueText);
  if (f.dosage) {
    const d = f.dosage;
    const amount = d.dose ?? d.strength;
    parts.push(
      [amount && `${amount.value} ${amount.unit}`, d.route, d.frequency?.code, d.asNeeded ? 'PRN' : undefined]
        .filter(Boolean)
        .join(' '),
    );
  }
  if (f.subject.who !== 'patient') parts.push(`(${f.subject.relation ?? f.subject.who})`);
  if (f.status) parts.push(`{${f.status}}`);
  if (f.time?.start) parts.push(`@${f.time.start.slice(0, 10)}${f.time.end ? `..${f.time.end.slice(0, 10)}` : ''}`);
  parts.push(`<- ${f.sources.map(sourceKey).join(', ')}`);
  return parts.filter(Boolean).join('  ');
}

/** The state for a terminal: one line per fact with its assertion mark and sources. */
export function textState(s: PatientState, timelineCount = 20): string {
  const d = s.demographics;
  const pheno = latestMeasurements(s.phenotype);
  const lines = [
    `Patient ${s.patientId} at ${s.at}${s.encounterId ? ` (encounter ${s.encounterId})` : ''}`,
    `  ${[
      d.sex,
      d.age !== undefined ? `${d.age} y` : undefined,
      d.birthDate && `born ${d.birthDate}`,
      d.weightKg && `${d.weightKg} kg`,
      d.heightCm && `${d.heightCm} cm`,
      d.deceased ? 'deceased' : undefined,
    ]
      .filter(Boolean)
      .join(', ')}`,
    '',
    `Phenotype (${s.phenotype.length}${pheno.hidden ? `; ${pheno.hidden} earlier results not shown` : ''})  [+ present, - absent, ? possible, h historical, f family, ~ hypothetical]`,
    ...pheno.shown.map(factLine),
    '',
    `Interventions (${s.intervention.length})`,
    ...s.intervention.map(factLine),
    '',
    `Biology (${s.biology.length})`,
    ...s.biology.map(factLine),
    '',
    `Conflicts (${s.conflicts.length})`,
    ...s.conflicts.map((c) => `  ! ${c.kind}: ${c.description}  [${c.factIds.join(', ')}]`),
  ];
  if (timelineCount > 0) {
    const recent = s.timeline.slice(-timelineCount).reverse();
    lines.push(
      '',
      `Timeline (latest ${recent.length} of ${s.timeline.length})`,
      ...recent.map((e) => `  ${e.time.slice(0, 16)}  ${e.kind.padEnd(11)} ${e.label}`),
    );
  }
  return `${lines.join('\n')}\n`;
}
