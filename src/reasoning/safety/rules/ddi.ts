import type { Fact, Severity } from '../../../core/index.js';
import { type DrugIndex, drugIndex, type DrugRef } from '../drugs.js';
import { activeMedications, isDraft, label } from '../facts.js';
import { type Finding, factEvidence, type SafetyRule, type Suggestion } from '../rule.js';
import {
  type BookInteraction,
  type InteractionEdge,
  type SafetyRuleBook,
  type SideRef,
  safetyRulesFromData,
} from '../rulebook.js';

/**
 * Drug–drug interactions as the rule book holds them (knowledge `interactions.json`, cds-rules.md §2,
 * or a release a curator edited): one rule per interaction id, one `interacts-with` edge per pair of
 * sides, each edge with its own severity (S1 → high, interrupting; S2 → moderate), card text and
 * source. Evaluated against every active, home and draft medication. Only what data cannot state
 * stays here: the named predicates below.
 */
export const DDI_PREDICATES: Readonly<Record<string, (f: Fact) => boolean>> = {
  // cds-rules.md DDI10 names *IV* haloperidol; other routes of haloperidol do not count.
  'iv-haloperidol-only': (f) =>
    !/haloperidol|氟哌啶醇/i.test(`${f.concept.display} ${f.concept.displayZh}`) ||
    /\b(iv|intravenous)\b|静脉/i.test(
      `${f.dosage?.route ?? ''} ${f.concept.display ?? ''} ${f.concept.displayZh ?? ''}`,
    ),
};

function severityOf(sev: 'S1' | 'S2'): Severity {
  return sev === 'S1' ? 'high' : 'moderate';
}

const refOf = (s: SideRef): DrugRef => (s.kind === 'class' ? { class: s.id } : { ingredient: s.id });

function pairFinding(spec: InteractionEdge, x: Fact, y: Fact): Finding {
  const d = spec.display;
  const lx = label(x);
  const ly = label(y);
  const suggestions: Suggestion[] = [];
  const target = isDraft(y) || !isDraft(x) ? y : x;
  const tl = label(target);
  if (d.replaceWith)
    suggestions.push({
      kind: 'replace',
      factId: target.id,
      with: d.replaceWith,
      label: {
        en: `Replace ${tl.en} with ${d.replaceWith.en}`,
        zh: `将${tl.zh}换为${d.replaceWith.zh ?? d.replaceWith.en}`,
      },
    });
  suggestions.push({ kind: 'remove', factId: target.id, label: { en: `Remove ${tl.en}`, zh: `撤销${tl.zh}` } });
  if (d.order)
    suggestions.push({
      kind: 'order',
      what: d.order,
      label: { en: `Order ${d.order.en}`, zh: `开具${d.order.zh ?? d.order.en}` },
    });
  return {
    key: [x.id, y.id].sort().join('+'),
    severity: severityOf(spec.severity),
    statement: {
      en: `${d.title.en}: ${lx.en} with ${ly.en} — risk of ${d.risk.en}`,
      zh: `${d.title.zh}：${lx.zh} 与 ${ly.zh} 联用，风险：${d.risk.zh ?? d.risk.en}`,
    },
    detail: { en: d.action.en, zh: d.action.zh ?? d.action.en },
    evidence: [
      factEvidence(x, { en: `On ${lx.en}`, zh: `正在使用 ${lx.zh}` }),
      factEvidence(y, { en: `On ${ly.en}`, zh: `正在使用 ${ly.zh}` }),
      // The edge itself, first, so a card names its source (a curator's, once edited) and relation.
      {
        role: 'context',
        statement: { en: d.title.en, zh: d.title.zh },
        sources: [],
        knowledge: [{ kind: 'knowledge', edgeId: spec.edgeId, authority: spec.source }],
      },
    ],
    involves: [x.id, y.id],
    suggestions,
  };
}

function ddiRule(rule: BookInteraction, ix: DrugIndex): SafetyRule {
  const first = rule.edges[0]!;
  return {
    id: rule.id,
    group: 'ddi',
    title: first.display.title,
    severity: severityOf(first.severity),
    source: first.source,
    evaluate({ state }) {
      const meds = activeMedications(state);
      const out: Finding[] = [];
      const seen = new Set<string>();
      for (const edge of rule.edges) {
        const accept = edge.predicate ? DDI_PREDICATES[edge.predicate] : undefined;
        const usable = accept ? meds.filter(accept) : meds;
        const from = refOf(edge.from);
        const to = refOf(edge.to);
        for (const x of usable) {
          for (const y of usable) {
            if (x === y) continue;
            // Every ordered pair is tried, so the edge holds either way round; x is on its `from` side.
            if (!ix.matches(x, from) || !ix.matches(y, to)) continue;
            // One product counted once; the same drug twice is duplicate therapy, not an interaction.
            if (edge.anyTwoOf && (x.concept.code === y.concept.code || sameIngredients(ix, x, y))) continue;
            const key = [x.id, y.id].sort().join('+');
            if (seen.has(key)) continue;
            seen.add(key);
            out.push(pairFinding(edge, x, y));
          }
        }
      }
      return out;
    },
  };
}

function sameIngredients(ix: DrugIndex, x: Fact, y: Fact): boolean {
  const a = [...ix.ingredientsOf(x)].sort().join();
  return a !== '' && a === [...ix.ingredientsOf(y)].sort().join();
}

/** The interaction rules of a rule book (one per interaction id, in the book's order). */
export function ddiRules(book: SafetyRuleBook): SafetyRule[] {
  const ix = drugIndex(book);
  return book.interactions.filter((r) => r.edges.length > 0).map((r) => ddiRule(r, ix));
}

/** The interaction rules of the bundled data files (tests, callers without a release). */
export const DDI_RULES: readonly SafetyRule[] = ddiRules(safetyRulesFromData());
