import type { Command } from 'commander';

/**
 * Every `medseek` command, with the line `medseek --help` shows for it and how to load it. A command's
 * module (and the stages it imports) is loaded only when that command runs, so `--help` and light
 * commands start at once (issue 20: `medseek --help` under 300 ms; eagerly every stage loaded, 2–3 s).
 * `catalog.test.ts` loads each module and fails when a line here differs from the command's own
 * description, or when a command file is missing from the list.
 */
export interface CommandEntry {
  /** `commands/<module>.ts` exports `register(program)`; one module may register several top-level commands. */
  readonly module: string;
  readonly load: () => Promise<{ readonly register: (program: Command) => void }>;
  readonly commands: readonly { readonly name: string; readonly summary: string }[];
}

export const catalog: readonly CommandEntry[] = [
  {
    module: 'bench',
    load: () => import('./commands/bench.js'),
    commands: [
      { name: 'bench', summary: 'run a benchmark on external data and write its figures (bench/results/<name>.json)' },
    ],
  },
  {
    module: 'extract',
    load: () => import('./commands/extract.js'),
    commands: [
      { name: 'extract', summary: 'extract facts from a clinical note (file or stdin): one JSON line per fact' },
    ],
  },
  {
    module: 'serve',
    load: () => import('./commands/serve.js'),
    commands: [
      {
        name: 'serve',
        summary: 'start the HTTP server: FHIR API under /fhir, the web workspace at / (auth required unless --demo)',
      },
    ],
  },
  {
    module: 'keys',
    load: () => import('./commands/keys.js'),
    commands: [{ name: 'keys', summary: 'API keys for the server (only a hash is stored; a key is shown once)' }],
  },
  {
    module: 'pull',
    load: () => import('./commands/pull.js'),
    commands: [
      {
        name: 'pull',
        summary:
          'pull patients from another FHIR R4 server into the store (Patient/$everything where offered, else per-type searches)',
      },
    ],
  },
  {
    module: 'import',
    load: () => import('./commands/import.js'),
    commands: [
      {
        name: 'import',
        summary:
          'import FHIR R4 JSON bundles (transaction, batch, collection…), Bulk Data NDJSON and HL7 v2 message files from a file or directory',
      },
    ],
  },
  {
    module: 'worker',
    load: () => import('./commands/worker.js'),
    commands: [
      {
        name: 'worker',
        summary:
          'take background jobs (imports, notes, QC, federated exports, summaries) from the shared PostgreSQL; run any number',
      },
    ],
  },
  {
    module: 'patient',
    load: () => import('./commands/patient.js'),
    commands: [
      {
        name: 'patient',
        summary:
          "print a patient's fused state: phenotype, interventions, biology, timeline and conflicts between notes and coded data",
      },
    ],
  },
  {
    module: 'llm',
    load: () => import('./commands/llm.js'),
    commands: [
      { name: 'llm', summary: 'language models: configuration, status and a test question (see docs/models.md)' },
      {
        name: 'deid',
        summary:
          'de-identify a clinical note (file or stdin): names, ID/insurance/record numbers, phones, emails, addresses, dates shifted, ages over 89',
      },
    ],
  },
  {
    module: 'kg',
    load: () => import('./commands/kg.js'),
    commands: [
      {
        name: 'kg',
        summary: 'the knowledge graph: import sources, list and activate releases, look up concepts and paths',
      },
    ],
  },
  {
    module: 'summarize',
    load: () => import('./commands/summarize.js'),
    commands: [
      {
        name: 'summarize',
        summary: 'compose a discharge summary for an encounter, each statement cited and verified against the record',
      },
    ],
  },
  {
    module: 'verify',
    load: () => import('./commands/verify.js'),
    commands: [
      {
        name: 'verify',
        summary: 'check any text (a summary written by a model or a person) claim by claim against a record',
      },
    ],
  },
  {
    module: 'diagnose',
    load: () => import('./commands/diagnose.js'),
    commands: [
      {
        name: 'diagnose',
        summary:
          'rank a differential for a case read from stdin (JSON: age, sex, findings with values), with explanations',
      },
    ],
  },
  {
    module: 'consult',
    load: () => import('./commands/consult.js'),
    commands: [
      {
        name: 'consult',
        summary:
          'pre-consultation (预问诊) in the terminal, stored and resumable; or --simulate a case file as the patient',
      },
    ],
  },
  {
    module: 'qc',
    load: () => import('./commands/qc.js'),
    commands: [
      {
        name: 'qc',
        summary:
          'record quality control (病历质控, 76 rules) over every inpatient encounter; writes JSON, Markdown and HTML reports',
      },
    ],
  },
  {
    module: 'backup',
    load: () => import('./commands/backup.js'),
    commands: [
      {
        name: 'backup',
        summary: 'write a consistent copy of the embedded database to a file (while the server runs: --server URL)',
      },
      { name: 'restore', summary: 'load a backup into a new, empty data directory (default MEDSEEK_DATA_DIR)' },
    ],
  },
  {
    module: 'users',
    load: () => import('./commands/users.js'),
    commands: [{ name: 'users', summary: 'workspace users: create, list, disable, unlock, set a password' }],
  },
  {
    module: 'smart',
    load: () => import('./commands/smart.js'),
    commands: [{ name: 'smart', summary: 'SMART App Launch: apps registered with MedSeek’s authorization server' }],
  },
  {
    module: 'hl7',
    load: () => import('./commands/hl7.js'),
    commands: [{ name: 'hl7', summary: 'HL7 v2 messages (ADT, ORU, ORM, OML) into the FHIR store' }],
  },
  {
    module: 'imaging',
    load: () => import('./commands/imaging.js'),
    commands: [{ name: 'imaging', summary: 'imaging from a PACS over DICOMweb: studies and SR reports' }],
  },
  {
    module: 'mcp',
    load: () => import('./commands/mcp.js'),
    commands: [
      {
        name: 'mcp',
        summary:
          'serve MedSeek’s tools, patients and notes to an MCP host over stdio, as the API key’s principal (role, patient scope, audit)',
      },
    ],
  },
  {
    module: 'learning',
    load: () => import('./commands/learning.js'),
    commands: [{ name: 'learning', summary: 'learning from clinicians: training data for the model' }],
  },
  {
    module: 'federate',
    load: () => import('./commands/federate.js'),
    commands: [{ name: 'federate', summary: 'federated learning of the diagnostic network by counts' }],
  },
  {
    module: 'calibrate',
    load: () => import('./commands/calibrate.js'),
    commands: [{ name: 'calibrate', summary: 'calibration of the differential learned from confirmed outcomes' }],
  },
];
