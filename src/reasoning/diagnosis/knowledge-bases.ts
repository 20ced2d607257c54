import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Sql } from '../../core/index.js';
import { invalid, MedSeekError } from '../../core/index.js';
import { bundledDdxplusNames, KnowledgeGraph } from '../../knowledge/index.js';
import { learnDdxModel, parseDdxKnowledge, parseDdxPatients, splitDdxPatients } from './ddxplus.js';
import { learnDxyModel, parseDxyJsonl, parseDxySynonyms } from './dxy.js';
import { modelFromKnowledge } from './knowledge-adapter.js';
import type { CausalModel } from './model.js';
import type { Network } from './network.js';
import { compileNetwork } from './network.js';

/**
 * The knowledge bases a diagnosis or consultation can name:
 * - `release` (or `release:<id>`): the knowledge graph's active (or numbered) release, via
 *   `KnowledgeGraph.causalNetwork()`;
 * - `ddxplus`: DDXPlus release files, parameters learned from the even rows of the shared patients
 *   file (`MEDSEEK_DDXPLUS_DIR`, default ../shared/data/ddxplus);
 * - `dxy`: the DXY training split (`MEDSEEK_DXY_DIR`, default ../shared/data/dialog-dxy-krds).
 * Networks are compiled once and cached per resolver.
 */
export interface KnowledgeBaseOptions {
  readonly sql?: Sql;
  readonly ddxplusDir?: string;
  readonly dxyDir?: string;
}

export const KNOWLEDGE_BASES = ['release', 'ddxplus', 'dxy'] as const;

export function knowledgeBaseResolver(options: KnowledgeBaseOptions = {}): (kb: string) => Promise<Network> {
  const cache = new Map<string, Promise<Network>>();
  return (kb: string) => {
    let p = cache.get(kb);
    if (!p) {
      p = load(kb, options);
      cache.set(kb, p);
      p.catch(() => cache.delete(kb));
    }
    return p;
  };
}

const shared = (name: string) => resolve(process.cwd(), '..', 'shared', 'data', name);

async function load(kb: string, options: KnowledgeBaseOptions): Promise<Network> {
  if (kb === 'ddxplus') {
    const dir = options.ddxplusDir ?? process.env.MEDSEEK_DDXPLUS_DIR ?? shared('ddxplus');
    const need = ['release_conditions.json', 'release_evidences.json', 'patients_part1.csv'].map((f) => join(dir, f));
    const missing = need.filter((f) => !existsSync(f));
    if (missing.length)
      throw new MedSeekError(
        'unavailable',
        `DDXPlus files not found: ${missing.join(', ')} (set MEDSEEK_DDXPLUS_DIR)`,
        { field: '--kb' },
      );
    const kbData = parseDdxKnowledge(readFileSync(need[0]!, 'utf8'), readFileSync(need[1]!, 'utf8'));
    const { train } = splitDdxPatients(parseDdxPatients(readFileSync(need[2]!, 'utf8'), need[2]));
    return compileNetwork(
      withDdxplusNames(
        learnDdxModel(kbData, train, { trainingLabel: `patients_part1.csv even rows (${train.length})` }),
      ),
    );
  }
  if (kb === 'dxy') {
    const dir = options.dxyDir ?? process.env.MEDSEEK_DXY_DIR ?? shared('dialog-dxy-krds');
    const train = join(dir, 'dxy_train.jsonl');
    if (!existsSync(train))
      throw new MedSeekError('unavailable', `DXY training split not found: ${train} (set MEDSEEK_DXY_DIR)`, {
        field: '--kb',
      });
    const syn = join(dir, 'original', 'norm_symptom_list.txt');
    return compileNetwork(
      learnDxyModel(
        parseDxyJsonl(readFileSync(train, 'utf8'), train),
        existsSync(syn) ? parseDxySynonyms(readFileSync(syn, 'utf8')) : {},
      ),
    );
  }
  const m = /^release(?::(\d+))?$/.exec(kb);
  if (m) {
    if (!options.sql)
      throw new MedSeekError('unavailable', 'the knowledge-graph release needs the database', { field: '--kb' });
    const cn = await new KnowledgeGraph(options.sql).causalNetwork(m[1] ? { release: Number(m[1]) } : {});
    if (cn.diseases.length === 0)
      throw new MedSeekError(
        'unavailable',
        `knowledge release ${cn.releaseId} has no disease → finding relations; import DDXPlus or a KG first (medseek kg import)`,
        { field: '--kb' },
      );
    return compileNetwork(modelFromKnowledge(cn));
  }
  throw invalid(`unknown knowledge base '${kb}'; known: ${KNOWLEDGE_BASES.join(', ')}, release:<id>`, {
    field: '--kb',
  });
}

/**
 * MedSeek's short zh/en names for the DDXPlus evidences, values and pathologies
 * (knowledge/data/ddxplus-names.json), so a Chinese consultation, report and explanation on the
 * `ddxplus` knowledge base name findings and diseases in Chinese; the English question-derived
 * names stay. Parameters are untouched.
 */
export function withDdxplusNames(model: CausalModel): CausalModel {
  const names = bundledDdxplusNames();
  const findingZh = (id: string): string | undefined => {
    const [code, value] = id.split('@');
    const e = names.evidences[code!];
    if (!e) return undefined;
    if (value === undefined) return /≥/.test(code!) ? undefined : e.zh;
    const v = names.values[value]?.zh;
    const tpl = names.valueNames[code!]?.zh;
    return v && tpl ? tpl.replace('{v}', v) : v ? `${e.zh}：${v}` : undefined;
  };
  return {
    ...model,
    diseases: model.diseases.map((d) =>
      d.name.zh || !names.pathologies[d.id] ? d : { ...d, name: { ...d.name, zh: names.pathologies[d.id]!.zh } },
    ),
    findings: model.findings.map((f) => {
      if (f.name.zh) return f;
      const scale = /^(E_\d+)≥(\d+)$/.exec(f.id);
      const zh = scale
        ? names.evidences[scale[1]!]
          ? `${names.evidences[scale[1]!]!.zh} ≥ ${scale[2]}/10`
          : undefined
        : findingZh(f.id);
      return zh ? { ...f, name: { ...f.name, zh } } : f;
    }),
    ...(model.questions
      ? {
          questions: model.questions.map((q) => ({
            ...q,
            options: q.options.map((o) => {
              const zh = o.value !== undefined ? names.values[String(o.value)]?.zh : undefined;
              return o.label && !o.label.zh && zh ? { ...o, label: { ...o.label, zh } } : o;
            }),
          })),
        }
      : {}),
  };
}
