import { CodeSystems } from '../../core/index.js';
import { type BatchData, BatchBuilder } from '../batch.js';
import { type AllergyClasses, allergyClasses } from '../allergy-classes.js';
import {
  allergyCrossReactivity,
  type CdsRules,
  cdsRules,
  type DrugSet,
  interactionPairs,
  type Synonyms,
} from '../cds-rules.js';
import { contentHash } from './read-input.js';

/**
 * The CDS starter rules (data/cds, from cds-rules.md) as graph content: drugs and classes with
 * ATC/RxNorm codes, `member-of`, `interacts-with` (one edge per named side pair, the rule's
 * attributes on it), `contraindicated-in` (drug or class → `condition:*`, the condition's matcher in
 * its concept's `attrs.match`), `duplicate-therapy` (class, or class → class),
 * `dose-range` (drug: maxDailyMg), `renal-adjustment` (drug or class: bands and the card), `critical-range`, `pgx-rule` (drug or class: the PGx card), `pgx-recommendation`, `phenotype-of`
 * and `contraindicated-in` (from contraindicating PGx recommendations). Every edge names the
 * rule's first source; all its sources are in `attrs.sources`.
 */
export function cdsBatch(rules: CdsRules = cdsRules(), allergy: AllergyClasses = allergyClasses()): BatchData {
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
      ...(s.note || s.secondary
        ? { note: [s.secondary ? 'secondary source' : '', s.note ?? ''].filter(Boolean).join('; ') }
        : {}),
      shippable: true,
    });
  }
  for (const d of rules.drugs.values()) {
    b.concept(`drug:${d.id}`, 'drug', d.name, {
      synonyms: synonymTerms(d.synonyms),
      codes: [
        ...d.atc.map((code) => ({ system: CodeSystems.atc, code })),
        ...(d.rxnorm ? [{ system: CodeSystems.rxnorm, code: d.rxnorm }] : []),
      ],
      attrs: {
        codeSource: `cds:${d.sources[0]}`,
        sources: d.sources.map((s) => `cds:${s}`),
        ...(d.formerIds?.length ? { formerIds: d.formerIds } : {}),
      },
    });
  }
  for (const c of rules.classes.values()) {
    b.concept(`drug-class:${c.id}`, 'drug-class', c.name, {
      synonyms: synonymTerms(c.synonyms),
      codes: c.atc.map((code) => ({ system: CodeSystems.atc, code })),
      attrs: {
        sources: c.sources.map((s) => `cds:${s}`),
        ...(c.formerIds?.length ? { formerIds: c.formerIds } : {}),
        ...(c.note ? { note: c.note } : {}),
        ...(c.allergyFamily ? { allergyFamily: true } : {}),
      },
    });
    for (const m of c.members)
      b.relation('member-of', `drug:${m}`, `drug-class:${c.id}`, `cds:${c.sources[0]}`, {
        membership: 'common practice (unsourced) unless cds-rules.md names it',
      });
  }
  for (const x of allergyCrossReactivity(rules, allergy)) {
    b.relation(
      'cross-reactive-with',
      x.from,
      x.to,
      'cds:qc-K14-allergy',
      { level: x.level, note: x.note },
      { discriminator: `${x.from}|${x.to}` },
    );
  }
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
      display: r.display,
      ...(r.predicate ? { predicate: r.predicate } : {}),
    };
    for (const [x, y] of interactionPairs(r))
      b.relation('interacts-with', x, y, `cds:${r.sources[0]}`, attrs, { discriminator: r.id });
  }
  for (const c of rules.conditions.values()) {
    b.concept(`condition:${c.id}`, 'disease', c.name, {
      codes: c.snomed.map((code) => ({ system: CodeSystems.snomed, code })),
      attrs: { match: { icd10: c.icd10, snomed: c.snomed, names: c.names } },
    });
  }
  for (const r of rules.contraindications) {
    const attrs = {
      rule: r.id,
      severity: r.severity,
      title: r.title,
      action: r.action,
      sources: r.sources.map((s) => `cds:${s}`),
    };
    for (const side of drugSetIds(r.drugs))
      b.relation('contraindicated-in', side, `condition:${r.condition}`, `cds:${r.sources[0]}`, attrs, {
        discriminator: r.id,
      });
  }
  for (const r of rules.duplicates) {
    const attrs = {
      rule: r.id,
      severity: r.severity,
      title: r.title,
      ...(r.label ? { label: r.label } : {}),
      sources: r.sources.map((s) => `cds:${s}`),
    };
    for (const c of r.classes ?? [])
      b.relation('duplicate-therapy', `drug-class:${c}`, undefined, `cds:${r.sources[0]}`, attrs, {
        discriminator: r.id,
      });
    for (const [x, y] of r.pairs ?? [])
      b.relation('duplicate-therapy', `drug-class:${x}`, `drug-class:${y}`, `cds:${r.sources[0]}`, attrs, {
        discriminator: r.id,
      });
  }
  for (const r of rules.doseLimits) {
    const attrs = {
      rule: r.id,
      maxDailyMg: r.maxDailyMg,
      unit: 'mg',
      per: 'day',
      severity: r.severity,
      title: r.title,
      sources: r.sources.map((s) => `cds:${s}`),
    };
    b.relation('dose-range', `drug:${r.drug}`, undefined, `cds:${r.sources[0]}`, attrs, { discriminator: r.id });
  }
  for (const r of rules.renal) {
    const attrs = {
      rule: r.id,
      function: r.function,
      population: r.population,
      bands: r.bands,
      card: r.card,
      sources: r.sources.map((s) => `cds:${s}`),
      ...(r.note ? { note: r.note } : {}),
    };
    for (const side of drugSetIds({ classes: r.classes ?? [], drugs: r.drugs }))
      b.relation('renal-adjustment', side, undefined, `cds:${r.sources[0]}`, attrs, { discriminator: r.id });
  }
  for (const a of rules.criticalValues.analytes) {
    const lab = b.concept(`lab:${a.id.toLowerCase()}`, 'lab', a.analyte, {
      codes: a.loinc.map((code) => ({ system: CodeSystems.loinc, code })),
      attrs: { unit: a.ucum, specimen: a.specimen },
    });
    // Every edge of an analyte carries what the engine matches and titles by (read into the rule book).
    const { thresholds: engineThresholds = [], ...engine } = a.engine;
    const card = { ...engine, loinc: a.loinc, enabledByDefault: a.enabledByDefault };
    const thresholds = [...a.thresholds, ...engineThresholds];
    if (thresholds.length === 0) {
      b.relation(
        'critical-range',
        lab,
        undefined,
        'cds:author-default',
        {
          rule: a.id,
          card,
          enabledByDefault: a.enabledByDefault,
          unit: a.ucum,
          specimen: a.specimen,
          evidence: a.evidence,
          ...(a.note ? { note: a.note } : {}),
          ...(a.exclusions ? { exclusions: a.exclusions } : {}),
          configurable: true,
        },
        { discriminator: a.id },
      );
    }
    for (const t of thresholds) {
      b.relation(
        'critical-range',
        lab,
        undefined,
        `cds:${t.source}`,
        {
          rule: t.id,
          ...t,
          card,
          unit: a.ucum,
          specimen: a.specimen,
          evidence: a.evidence,
          ...(a.exclusions ? { exclusions: a.exclusions } : {}),
        },
        { discriminator: t.id },
      );
    }
  }
  for (const q of rules.criticalValues.qualitative) {
    const f = b.concept(`finding:${q.id.toLowerCase()}`, 'finding', q.finding);
    b.relation(
      'critical-range',
      f,
      undefined,
      `cds:${q.source}`,
      {
        rule: q.id,
        qualitative: true,
        enabledByDefault: q.enabledByDefault,
        evidence: q.evidence,
        // Each edge carries what recognises its result, so a curator edits one entry's words.
        ...(q.match ? { finding: q.finding, match: q.match, results: rules.criticalValues.qualitativeResults } : {}),
      },
      { discriminator: q.id },
    );
  }
  for (const p of rules.pharmacogenomics) {
    const card = { rule: p.id, card: p.card, sources: p.sources.map((s) => `cds:${s}`) };
    for (const side of drugSetIds(p.card.drugs))
      b.relation('pgx-rule', side, undefined, `cds:${p.sources[0]}`, card, { discriminator: p.id });
    for (const g of p.genes) b.concept(`gene:${g}`, 'gene', { en: g });
    for (const rec of p.recommendations) {
      for (const ph of rec.phenotypes) {
        const phen = b.concept(`phenotype:${ph}`, 'phenotype', { en: ph });
        for (const g of p.genes)
          if (ph.includes(g.split('*')[0]!)) b.relation('phenotype-of', phen, `gene:${g}`, `cds:${p.sources[0]}`);
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
          b.relation('pgx-recommendation', phen, `drug:${d}`, `cds:${p.sources[0]}`, attrs, {
            discriminator: `${p.id}|${rec.text}`,
          });
          if (rec.action === 'contraindicated')
            b.relation(
              'contraindicated-in',
              `drug:${d}`,
              phen,
              `cds:${p.sources[0]}`,
              { rule: p.id, text: rec.text },
              { discriminator: p.id },
            );
        }
      }
    }
  }
  const hash = contentHash(
    JSON.stringify({
      ax: allergy.crossReactivity,
      v: rules.document.version,
      i: rules.interactions,
      r: rules.renal,
      c: rules.criticalValues,
      p: rules.pharmacogenomics,
      ci: rules.contraindications,
      dup: rules.duplicates,
      dose: rules.doseLimits,
      cc: [...rules.conditions.values()],
      d: [...rules.drugs.values()],
      k: [...rules.classes.values()],
      s: [...rules.sources.values()],
    }),
  );
  return b.build({ kind: 'cds', contentHash: hash, path: rules.document.path });
}

/** The graph ids of a drug set's classes and drugs (`drug-class:nsaid`, `drug:warfarin`). */
function drugSetIds(s: DrugSet): string[] {
  return [...(s.classes ?? []).map((c) => `drug-class:${c}`), ...(s.drugs ?? []).map((d) => `drug:${d}`)];
}

function synonymTerms(s: Synonyms | undefined): { term: string; lang: 'en' | 'zh' }[] {
  return [
    ...(s?.en ?? []).map((term) => ({ term, lang: 'en' as const })),
    ...(s?.zh ?? []).map((term) => ({ term, lang: 'zh' as const })),
  ];
}
