import { CodeSystems } from '../../core/index.js';
import { type BatchData, BatchBuilder } from '../batch.js';
import { type CdsRules, type DrugSet, cdsRules } from '../cds-rules.js';
import { contentHash } from './read-input.js';

/**
 * The CDS starter rules (data/cds, from cds-rules.md) as graph content: drugs and classes with
 * ATC/RxNorm codes, `member-of`, `interacts-with` (one edge per named side pair, the rule's
 * attributes on it), `renal-adjustment`, `critical-range`, `pgx-recommendation`, `phenotype-of`
 * and `contraindicated-in` (from contraindicating PGx recommendations). Every edge names the
 * rule's first source; all its sources are in `attrs.sources`.
 */
export function cdsBatch(rules: CdsRules = cdsRules()): BatchData {
  const b = new BatchBuilder();
  for (const s of rules.sources.values()) {
    b.source({
      id: `cds:${s.id}`,
      name: s.name,
      ...(s.document ? { document: s.document } : {}),
      ...(s.version ? { version: s.version } : {}),
      ...(s.url ? { url: s.url } : {}),
      ...(s.licence ? { licence: s.licence } : {}),
      ...(s.date ? { date: s.date } : {}),
      ...(s.note || s.secondary ? { note: [s.secondary ? 'secondary source' : '', s.note ?? ''].filter(Boolean).join('; ') } : {}),
      shippable: true,
    });
  }
  const codeSrc = 'cds:medseek-drug-codes';
  for (const d of rules.drugs.values()) {
    b.concept(`drug:${d.id}`, 'drug', d.name, {
      synonyms: synonymsOf(d.name.en),
      codes: [...d.atc.map((code) => ({ system: CodeSystems.atc, code })), ...(d.rxnorm ? [{ system: CodeSystems.rxnorm, code: d.rxnorm }] : [])],
      attrs: { codeSource: codeSrc },
    });
  }
  for (const c of rules.classes.values()) {
    b.concept(`drug-class:${c.id}`, 'drug-class', c.name, { codes: c.atc.map((code) => ({ system: CodeSystems.atc, code })), attrs: c.note ? { note: c.note } : {} });
    for (const m of c.members) b.relation('member-of', `drug:${m}`, `drug-class:${c.id}`, codeSrc, { membership: 'common practice (unsourced) unless cds-rules.md names it' });
  }
  const sideIds = (s: DrugSet | undefined) => [...(s?.classes ?? []).map((c) => `drug-class:${c}`), ...(s?.drugs ?? []).map((d) => `drug:${d}`)];
  for (const r of rules.interactions) {
    const attrs = {
      rule: r.id,
      severity: r.severity,
      interruptive: r.interruptive,
      contraindicated: r.contraindicated,
      highPriority: r.highPriority,
      ...(r.onc !== undefined ? { onc: r.onc } : {}),
      risk: r.risk,
      ...(r.mechanism ? { mechanism: r.mechanism } : {}),
      action: r.action,
      management: r.management,
      sources: r.sources.map((s) => `cds:${s}`),
      ...(r.anyTwoOf ? { anyTwoOf: true } : {}),
      ...(r.note ? { note: r.note } : {}),
    };
    const a = sideIds(r.a);
    const bSide = r.anyTwoOf ? a : sideIds(r.b);
    for (const x of a) for (const y of bSide) if (!r.anyTwoOf || x <= y) b.relation('interacts-with', x, y, `cds:${r.sources[0]}`, attrs, { discriminator: r.id });
  }
  for (const r of rules.renal) {
    for (const d of r.drugs) {
      b.relation('renal-adjustment', `drug:${d}`, undefined, `cds:${r.sources[0]}`, { rule: r.id, function: r.function, population: r.population, bands: r.bands, sources: r.sources.map((s) => `cds:${s}`), ...(r.note ? { note: r.note } : {}) }, { discriminator: r.id });
    }
  }
  for (const a of rules.criticalValues.analytes) {
    const lab = b.concept(`lab:${a.id.toLowerCase()}`, 'lab', a.analyte, { codes: a.loinc.map((code) => ({ system: CodeSystems.loinc, code })), attrs: { unit: a.ucum, specimen: a.specimen } });
    if (a.thresholds.length === 0) {
      b.relation('critical-range', lab, undefined, 'cds:author-default', { rule: a.id, enabledByDefault: a.enabledByDefault, unit: a.ucum, specimen: a.specimen, evidence: a.evidence, ...(a.note ? { note: a.note } : {}), ...(a.exclusions ? { exclusions: a.exclusions } : {}), configurable: true }, { discriminator: a.id });
    }
    for (const t of a.thresholds) {
      b.relation('critical-range', lab, undefined, `cds:${t.source}`, { rule: t.id, ...t, unit: a.ucum, specimen: a.specimen, evidence: a.evidence, ...(a.exclusions ? { exclusions: a.exclusions } : {}) }, { discriminator: t.id });
    }
  }
  for (const q of rules.criticalValues.qualitative) {
    const f = b.concept(`finding:${q.id.toLowerCase()}`, 'finding', q.finding);
    b.relation('critical-range', f, undefined, `cds:${q.source}`, { rule: q.id, qualitative: true, enabledByDefault: q.enabledByDefault, evidence: q.evidence }, { discriminator: q.id });
  }
  for (const p of rules.pharmacogenomics) {
    for (const g of p.genes) b.concept(`gene:${g}`, 'gene', { en: g });
    for (const rec of p.recommendations) {
      for (const ph of rec.phenotypes) {
        const phen = b.concept(`phenotype:${ph}`, 'phenotype', { en: ph });
        for (const g of p.genes) if (ph.includes(g.split('*')[0]!)) b.relation('phenotype-of', phen, `gene:${g}`, `cds:${p.sources[0]}`);
        for (const d of rec.drugs ?? p.drugs) {
          const attrs = {
            rule: p.id,
            action: rec.action,
            text: rec.text,
            pretest: p.pretest,
            ...(rec.context ? { context: rec.context } : {}),
            ...(rec.doseFactor ? { doseFactor: rec.doseFactor } : {}),
            ...(rec.strength ? { strength: rec.strength } : {}),
            sources: p.sources.map((s) => `cds:${s}`),
          };
          b.relation('pgx-recommendation', phen, `drug:${d}`, `cds:${p.sources[0]}`, attrs, { discriminator: `${p.id}|${rec.text}` });
          if (rec.action === 'contraindicated') b.relation('contraindicated-in', `drug:${d}`, phen, `cds:${p.sources[0]}`, { rule: p.id, text: rec.text }, { discriminator: p.id });
        }
      }
    }
  }
  const hash = contentHash(JSON.stringify({ v: rules.document.version, i: rules.interactions, r: rules.renal, c: rules.criticalValues, p: rules.pharmacogenomics, d: [...rules.drugs.values()], k: [...rules.classes.values()], s: [...rules.sources.values()] }));
  return b.build({ kind: 'cds', contentHash: hash, path: rules.document.path });
}

/** `meperidine (pethidine)` → a synonym `pethidine` and the bare `meperidine`. */
function synonymsOf(en: string): { term: string; lang: 'en' }[] {
  const m = /^(.*?)\s*\((.+)\)$/.exec(en);
  if (!m) return [];
  return [m[1]!, ...m[2]!.split(/,| and /)].map((t) => ({ term: t.trim(), lang: 'en' as const })).filter((t) => t.term);
}
