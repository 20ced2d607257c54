import type { Command } from 'commander';
import { invalid, loadConfig, notFound } from '../../core/index.js';
import {
  checkPacsPatientId,
  dicomWebClient,
  type ImagingPullSummary,
  imagingTextSummary,
  pacsPatientId,
  pacsSettings,
  pullImaging,
} from '../../ingest/index.js';
import {
  createResourceRepository,
  migrate,
  openDatabase,
  refreshSearchIndex,
  resourceSink,
} from '../../store/index.js';

interface PullOpts {
  pacs?: string;
  patient: string;
  mrn?: string;
  date?: string;
  modality?: string;
  limit: string;
  format: string;
}

/** `medseek imaging pull`: a patient's studies and SR reports from a PACS over DICOMweb (docs/imaging.md). */
export function register(program: Command): void {
  const imaging = program.command('imaging').description('imaging from a PACS over DICOMweb: studies and SR reports');
  imaging
    .command('pull')
    .description('pull a patient’s studies (ImagingStudy) and SR reports (DiagnosticReport) from a DICOMweb PACS')
    .option('--pacs <url>', 'the DICOMweb root, e.g. http://orthanc:8042/dicom-web (default MEDSEEK_PACS_URL)')
    .requiredOption('--patient <id>', 'the MedSeek Patient id to store the studies under')
    .option('--mrn <PatientID>', 'the PACS Patient ID (default: the Patient’s MR identifier, else its id)')
    .option('--date <range>', 'study date or range: YYYYMMDD, YYYYMMDD-YYYYMMDD, YYYYMMDD-')
    .option('--modality <code>', 'only studies with this modality (CT, MR, US, CR, MG…)')
    .option('--limit <n>', 'at most this many studies', '50')
    .option('--format <format>', "summary format: 'text' or 'json'", 'text')
    .action(async (opts: PullOpts) => {
      if (opts.format !== 'text' && opts.format !== 'json')
        throw invalid(`--format must be 'text' or 'json', not '${opts.format}'`, { field: '--format' });
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw invalid(`--limit must be a whole number from 1 to 1000, not '${opts.limit}'`, { field: '--limit' });
      const settings = pacsSettings(process.env, opts.pacs);
      if (!settings) throw invalid('name the PACS with --pacs <url> or MEDSEEK_PACS_URL', { field: '--pacs' });
      if (opts.mrn !== undefined) checkPacsPatientId(opts.mrn);
      const config = loadConfig();
      const db = await openDatabase(
        config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir },
      );
      let summary: ImagingPullSummary;
      try {
        await migrate(db);
        const stored = await createResourceRepository(db).read('Patient', opts.patient);
        const mrn = opts.mrn ?? (stored && !stored.deleted ? pacsPatientId(stored.resource) : undefined);
        if (!mrn)
          throw notFound(`no Patient/${opts.patient} in the store: give its PACS Patient ID with --mrn`, {
            field: '--mrn',
          });
        summary = await pullImaging(dicomWebClient(settings), resourceSink(db), {
          patient: opts.patient,
          patientId: mrn,
          ...(opts.date ? { studyDate: opts.date } : {}),
          ...(opts.modality ? { modality: opts.modality } : {}),
          limit,
        });
        await refreshSearchIndex(db);
      } finally {
        await db.close();
      }
      process.stdout.write(
        opts.format === 'json' ? `${JSON.stringify(summary, null, 2)}\n` : imagingTextSummary(summary),
      );
      if (summary.skipped.length) process.exitCode = 1;
    });
}
