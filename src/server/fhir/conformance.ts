import { readFileSync } from 'node:fs';
import type { CapabilityStatement } from 'fhir/r4.js';
import { replaceBetweenMarkers } from '../../core/index.js';

/**
 * The README's FHIR conformance section, generated from the CapabilityStatement the server answers
 * (so it cannot drift from what the router does) and from the US Core 6.1 / IPS parameter list in
 * search/required-params.json. `npm run fhir:table` rewrites it; a test fails when it is stale.
 */
export const START = '<!-- fhir:conformance:start -->';
export const END = '<!-- fhir:conformance:end -->';

interface RequiredParams {
  readonly params: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  readonly usCoreTypes: readonly string[];
}

export function requiredParams(): RequiredParams {
  return JSON.parse(readFileSync(new URL('./search/required-params.json', import.meta.url), 'utf8')) as RequiredParams;
}

const COLUMNS = [
  ['read', 'read'],
  ['vread', 'vread'],
  ['history-instance', 'history'],
  ['search-type', 'search'],
  ['create', 'create'],
  ['update', 'update'],
  ['patch', 'patch'],
  ['delete', 'delete'],
] as const;

export function conformanceTable(cs: CapabilityStatement, required: RequiredParams): string {
  const rest = cs.rest?.[0];
  const resources = rest?.resource ?? [];
  const lines: string[] = [];
  lines.push(
    `| type | ${COLUMNS.map(([, h]) => h).join(' | ')} | conditional create / update | search parameters | operations |`,
  );
  lines.push(`| --- | ${COLUMNS.map(() => '---').join(' | ')} | --- | --- | --- |`);
  for (const r of resources) {
    const has = new Set((r.interaction ?? []).map((i) => i.code));
    const conditional = [r.conditionalCreate ? 'create' : '', r.conditionalUpdate ? 'update' : '']
      .filter(Boolean)
      .join(', ');
    const ops = (r.operation ?? []).map((o) => `$${o.name}`).join(', ');
    lines.push(
      `| ${r.type} | ${COLUMNS.map(([code]) => (has.has(code) ? '✓' : '')).join(' | ')} | ${conditional || '—'} | ${
        r.searchParam?.length ?? 0
      } | ${ops || '—'} |`,
    );
  }
  const system = (rest?.interaction ?? []).map((i) => i.code).join(', ');
  const exportLevels = [
    rest?.operation?.some((o) => o.name === 'export') ? 'system (`/$export`)' : '',
    resources.find((r) => r.type === 'Patient')?.operation?.some((o) => o.name === 'export')
      ? 'Patient (`/Patient/$export`)'
      : '',
    resources.find((r) => r.type === 'Group')?.operation?.some((o) => o.name === 'export')
      ? 'Group (`/Group/{id}/$export`)'
      : '',
  ].filter(Boolean);

  const out = [
    'Generated from the CapabilityStatement (`GET /fhir/metadata`) by `npm run fhir:table`.',
    '',
    ...lines,
    '',
    `System interactions: ${system || 'none'}. Patch format: ${(cs.patchFormat ?? []).join(', ') || 'none'}. Bulk Data export levels: ${exportLevels.join(', ') || 'none'}.`,
    '',
  ];
  for (const guide of ['us-core-6.1', 'ips-1.1']) {
    out.push(
      `Search parameters of ${guide === 'us-core-6.1' ? 'US Core 6.1' : 'IPS 1.1'} on the types MedSeek serves:`,
      '',
    );
    out.push('| type | required | supported | missing |', '| --- | --- | --- | --- |');
    let all = 0;
    let ok = 0;
    for (const [type, byGuide] of Object.entries(required.params)) {
      const wanted = byGuide[guide] ?? [];
      if (!wanted.length) continue;
      const advertised = new Set((resources.find((r) => r.type === type)?.searchParam ?? []).map((p) => p.name));
      const missing = wanted.filter((p) => !advertised.has(p));
      all += wanted.length;
      ok += wanted.length - missing.length;
      out.push(`| ${type} | ${wanted.length} | ${wanted.length - missing.length} | ${missing.join(', ') || '—'} |`);
    }
    out.push(`| **all** | **${all}** | **${ok}** | |`, '');
  }
  const served = new Set(resources.map((r) => r.type as string));
  const searched = new Set(resources.filter((r) => r.searchParam?.length).map((r) => r.type as string));
  const notServed = required.usCoreTypes.filter((t) => !served.has(t));
  const notSearched = required.usCoreTypes.filter((t) => served.has(t) && !searched.has(t));
  out.push(
    `US Core 6.1 types not served: ${notServed.join(', ') || 'none'}. Served but not searchable: ${notSearched.join(', ') || 'none'}.`,
  );
  return out.join('\n');
}

export function withConformance(readme: string, table: string): string {
  return replaceBetweenMarkers(readme, START, END, table);
}
