// `npm run fhir:table`: rebuilds the README's FHIR conformance section (between
// <!-- fhir:conformance:start --> and <!-- fhir:conformance:end -->) from the CapabilityStatement the
// server answers. `-- --check`: changes nothing, exits 1 when the README differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../bench/lib/harness.js';
import { capabilityStatement } from '../src/server/fhir/capability.js';
import { conformanceTable, requiredParams, withConformance } from '../src/server/fhir/conformance.js';

const readmePath = join(repoRoot, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const cs = capabilityStatement('http://localhost/fhir', { software: 'MedSeek', version: '-', date: '-' });
const updated = withConformance(readme, conformanceTable(cs, requiredParams()));
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    process.stderr.write('README.md: the FHIR conformance section is stale; run `npm run fhir:table`\n');
    process.exit(1);
  }
  process.stdout.write('README.md FHIR conformance section matches the CapabilityStatement\n');
} else if (updated !== readme) {
  writeFileSync(readmePath, updated);
  process.stdout.write('README.md FHIR conformance section rebuilt\n');
} else process.stdout.write('README.md FHIR conformance section already current\n');
