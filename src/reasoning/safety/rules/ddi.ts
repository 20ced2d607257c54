import type { Authority, Fact, PatientState, Severity } from '../../../core/index.js';
import { cdsAuthority, cdsRules } from '../../../knowledge/index.js';
import { type DrugIndex, drugIndex, type DrugRef } from '../drugs.js';
import { activeMedications, isDraft, label, latestMeasurement } from '../facts.js';
import { type Formulary, formularyOf, formularyReplacement } from '../formulary.js';
import { type Finding, factEvidence, type RuleParams, type SafetyRule, type Suggestion } from '../rule.js';
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
 * source. Evaluated against every active, home and draft medication (a stopped or completed order
 * is not active: no interaction). Only what data cannot state stays here: the named predicates below.
 * An edge may name a result that makes the pair riskier (`display.labContext`: warfarin with an INR
 * above its target range): the latest such result within `lookbackDays` above the limit is put on
 * the card as evidence. A "replace with" suggestion names only drugs of the hospital's formulary
 * (rule parameter `formulary`, formulary.ts).
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

/** A result that makes an interaction riskier (`display.labContext` of interactions.json). */
interface LabContext {
  readonly loinc: readonly string[];
  readonly names: readonly string[];
  readonly above: number;
  readonly lookbackDays: number;
  readonly statement: { readonly en: string; readonly zh: string };
  /** The authority for the limit (a sources.json id of the bundled data), when it names a known one. */
  readonly source?: Authority;
}

function sourceOf(id: unknown): Authority | undefined {
  if (typeof id !== 'string') return undefined;
  try {
    return cdsAuthority(cdsRules(), id);
  } catch {
    return undefined;
  }
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The edge's lab context, when it has a usable one (a curator's malformed one is ignored: nothing to compare). */
function labContextOf(d: InteractionEdge['display']): LabContext | undefined {
  const c = (d as { labContext?: Record<string, unknown> }).labContext;
  if (!c || typeof c !== 'object' || typeof c.above !== 'number') return undefined;
  const st = c.statement as { en?: unknown; zh?: unknown } | undefined;
  if (typeof st?.en !== 'string' || typeof st.zh !== 'string') return undefined;
  return {
    loinc: strings(c.loinc),
    names: strings(c.names),
    above: c.above,
    lookbackDays: typeof c.lookbackDays === 'number' ? c.lookbackDays : 7,
    statement: { en: st.en, zh: st.zh },
    ...(sourceOf(c.source) ? { source: sourceOf(c.source)! } : {}),
  };
}

/** The latest matching result within the look-back, when it is above the context's limit. */
function raisedResult(ctx: LabContext, state: PatientState, now: string): Fact | undefined {
  const f = latestMeasurement(state, { loinc: ctx.loinc, names: ctx.names });
  const t = Date.parse(f?.time?.start ?? '');
  if (!f?.value || f.value.comparator || !Number.isFinite(t)) return undefined;
  if (t > Date.parse(now) || t < Date.parse(now) - ctx.lookbackDays * 86_400_000) return undefined;
  return f.value.value > ctx.above ? f : undefined;
}

interface PairContext {
  readonly state: PatientState;
  readonly now: string;
  readonly formulary: Formulary;
  readonly book: SafetyRuleBook;
}

function pairFinding(spec: InteractionEdge, x: Fact, y: Fact, ctx: PairContext): Finding {
  const d = spec.display;
  const lx = label(x);
  const ly = label(y);
  const suggestions: Suggestion[] = [];
  const target = isDraft(y) || !isDraft(x) ? y : x;
  const tl = label(target);
  const replaceWith = formularyReplacement(d.replaceWith, ctx.formulary, ctx.book);
  if (replaceWith)
    suggestions.push({
      kind: 'replace',
      factId: target.id,
      with: replaceWith,
      label: {
        en: `Replace ${tl.en} with ${replaceWith.en}`,
        zh: `将${tl.zh}换为${replaceWith.zh ?? replaceWith.en}`,
      },
    });
  suggestions.push({ kind: 'remove', factId: target.id, label: { en: `Remove ${tl.en}`, zh: `撤销${tl.zh}` } });
  if (d.order)
    suggestions.push({
      kind: 'order',
      what: d.order,
      label: { en: `Order ${d.order.en}`, zh: `开具${d.order.zh ?? d.order.en}` },
    });
  const lab = labContextOf(d);
  const raised = lab && raisedResult(lab, ctx.state, ctx.now);
  const rl = raised && label(raised);
  const unit = raised?.value?.unit && !raised.value.unit.startsWith('{') ? ` ${raised.value.unit}` : '';
  const rv = raised ? `${raised.value!.value}${unit}` : '';
  const when = raised?.time?.start?.slice(0, 10) ?? '';
  const more = raised
    ? {
        en: `; ${rl!.en} ${rv} (${when}): ${lab!.statement.en}`,
        zh: `；${rl!.zh} ${rv}（${when}）：${lab!.statement.zh}`,
      }
    : { en: '', zh: '' };
  return {
    key: [x.id, y.id].sort().join('+'),
    severity: severityOf(spec.severity),
    statement: {
      en: `${d.title.en}: ${lx.en} with ${ly.en} — risk of ${d.risk.en}${more.en}`,
      zh: `${d.title.zh}：${lx.zh} 与 ${ly.zh} 联用，风险：${d.risk.zh ?? d.risk.en}${more.zh}`,
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
      // The result that makes the pair riskier, after the edge (the card's source stays the edge's).
      ...(raised
        ? [
            {
              ...factEvidence(raised, {
                en: `${rl!.en} ${rv} at ${raised.time?.start}: ${lab!.statement.en}`,
                zh: `${rl!.zh} ${rv}（${raised.time?.start}）：${lab!.statement.zh}`,
              }),
              ...(lab!.source
                ? {
                    knowledge: [
                      { kind: 'knowledge' as const, edgeId: `${spec.edgeId}#labContext`, authority: lab!.source },
                    ],
                  }
                : {}),
            },
          ]
        : []),
    ],
    involves: [x.id, y.id],
    suggestions,
  };
}

function ddiRule(rule: BookInteraction, ix: DrugIndex, book: SafetyRuleBook): SafetyRule {
  const first = rule.edges[0]!;
  const replaces = rule.edges.some((e) => e.display.replaceWith);
  return {
    id: rule.id,
    group: 'ddi',
    title: first.display.title,
    severity: severityOf(first.severity),
    source: first.source,
    ...(replaces ? { defaults: { formulary: 'default' } satisfies RuleParams } : {}),
    evaluate({ state, params, now }) {
      const ctx: PairContext = { state, now, formulary: formularyOf(params.formulary, book), book };
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
            out.push(pairFinding(edge, x, y, ctx));
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
  return book.interactions.filter((r) => r.edges.length > 0).map((r) => ddiRule(r, ix, book));
}

/** The interaction rules of the bundled data files (tests, callers without a release). */
export const DDI_RULES: readonly SafetyRule[] = ddiRules(safetyRulesFromData());
