import type { Lang, Source } from '../core/index.js';
import { fold, splitSentences } from '../nlp/index.js';
import { resultCue } from './judge.js';
import type { RecordIndex } from './record.js';
import type { ErrorType } from './taxonomy.js';

/**
 * An imaging or test result reversed (taxonomy E02): the claim affirms a finding of a study ("chest
 * X-ray showed a right lower lobe infiltrate", "胸片示右下肺渗出影") that a record sentence about a
 * study negates ("Chest X-ray: no infiltrate", "胸片未见渗出影"), and no record sentence affirms it.
 * Works on the words themselves, so findings the lexicon does not name are read too.
 */

interface NegatedTerm {
  readonly term: string;
  readonly source: Source;
}

const negEn =
  /\b(?:no|without|negative for|free of|absence of|resolved|resolution of)\s+((?:(?:evidence|signs?)\s+of\s+|(?:acute|focal|definite|new|significant|obvious|any)\s+)*)([a-z][a-z-]+(?:\s+[a-z][a-z-]+){0,2})/gi;
const negZh = /(?:未见|未发现|未见明显|无明显|未提示|无|未)(?:明显|异常)?([\u4e00-\u9fff]{2,8})/g;
const stopEn =
  /^(?:and|or|the|a|an|of|in|on|at|to|with|change|changes|abnormality|abnormalities|acute|evidence|other|further|prior)$/i;
const zhCut = /[及和与、或并伴，,]|异常$/;

const cache = new WeakMap<RecordIndex, { negated: NegatedTerm[]; folded: { id: string; folded: string }[] }>();

function recordTerms(index: RecordIndex): { negated: NegatedTerm[]; folded: { id: string; folded: string }[] } {
  let found = cache.get(index);
  if (found) return found;
  const negated: NegatedTerm[] = [];
  for (const d of index.record.documents) {
    for (const s of splitSentences(d.text)) {
      const body = d.text.slice(s.start, s.end);
      if (!resultCue.test(body)) continue;
      for (const m of body.matchAll(negEn)) {
        const words = m[2]!.split(/\s+/);
        // "no infiltrate or effusion": each noun group between conjunctions is negated.
        const head = words.findIndex((w) => /^(?:or|and|nor)$/i.test(w));
        const kept = (head >= 0 ? words.slice(0, head) : words).filter((w) => !stopEn.test(w));
        for (let k = kept.length; k >= 1; k--) {
          const term = kept
            .slice(k - 1)
            .join(' ')
            .toLowerCase();
          if (term.length >= 5) {
            const at = s.start + m.index;
            negated.push({
              term,
              source: {
                kind: 'text',
                document: d.id,
                start: at,
                end: at + m[0].length,
                quote: d.text.slice(at, at + m[0].length),
              },
            });
            break;
          }
        }
      }
      for (const m of body.matchAll(negZh)) {
        const term = m[1]!.split(zhCut)[0]!.replace(/^(?:明显|异常)/, '');
        if (term.length < 2) continue;
        const at = s.start + m.index;
        negated.push({
          term,
          source: {
            kind: 'text',
            document: d.id,
            start: at,
            end: at + m[0].length,
            quote: d.text.slice(at, at + m[0].length),
          },
        });
      }
    }
  }
  found = { negated, folded: index.record.documents.map((d) => ({ id: d.id, folded: fold(d.text) })) };
  cache.set(index, found);
  return found;
}

export const negationBefore =
  /(?:无|未见|未|没有|否认|排除|不伴|阴性|\bno\b|\bnot\b|\bwithout\b|\bnegative\b|\bfree of\b|\bresolved\b|\bdenies\b)[^，,。；;.]*$/i;

/** Whether a record text affirms the term somewhere (an occurrence not under a negation in its clause). */
function affirmedInRecord(folded: readonly { folded: string }[], term: string): boolean {
  const t = fold(term);
  for (const d of folded) {
    let from = 0;
    for (;;) {
      const at = d.folded.indexOf(t, from);
      if (at < 0) break;
      from = at + 1;
      const before = d.folded.slice(Math.max(0, at - 30), at);
      const clause = before.split(/[，,。；;.\n]/).pop() ?? '';
      if (!negationBefore.test(clause)) return true;
    }
  }
  return false;
}

/**
 * A study is its modality and the body site written before it ("头颅CT", "胸部CT+肋骨重建",
 * "L3-S1椎间盘CT平扫", "右膝关节MRI", "chest X-ray", "CT of the abdomen"). Two mentions are the same
 * study when the modality and the site agree; a study without a site is compared only where the
 * modality implies one (胸片, 心电图, 胃镜, echocardiogram).
 */
const modalityRe =
  /心脏彩超|超声心动图|echocardiogra(?:m|phy)|\becho\b|胸片|胸部?正侧?位片|心电图|\bECG\b|\bEKG\b|胃镜|结肠镜|肠镜|支气管镜|内镜|colonoscopy|bronchoscopy|endoscopy|磁共振|(?<![A-Za-z])(?:MRI|CT)(?![A-Za-z])|(?<![A-Za-z])MR(?=[\u4e00-\u9fff])|X线片?|X光片?|平片|正位片|侧位片|B超|彩超|超声|造影|x-?ray|radiograph|ultrasound|sonogra(?:m|phy)|angiogra(?:m|phy)/gi;

interface Site {
  readonly region: string;
  readonly part?: string;
  readonly side?: 'left' | 'right' | 'both';
}

/** Body sites, most specific first; each gives its region and, where narrower, the part. */
const sitePatterns: readonly { re: RegExp; region: string; part?: string }[] = [
  { re: /颈椎|(?<![A-Za-z])C[1-7](?!\d)|cervical spine|c-spine/i, region: 'spine', part: 'cervical' },
  { re: /胸椎|(?<![A-Za-z])T(?:1[0-2]|[1-9])(?!\d)|thoracic spine|t-spine/i, region: 'spine', part: 'thoracic' },
  { re: /腰骶|腰椎|(?<![A-Za-z])[LS][1-5](?!\d)|lumbar|l-spine|sacr/i, region: 'spine', part: 'lumbar' },
  { re: /椎间盘|脊柱|椎体|spine|spinal/i, region: 'spine' },
  { re: /头颅|颅脑|头部|颅|脑|头|brain|head|cranial|skull/i, region: 'head' },
  { re: /颈部|甲状腺|颈动脉|颈|neck|thyroid|carotid/i, region: 'neck' },
  { re: /心脏|冠状动脉|冠脉|心|cardiac|heart|coronary|echo/i, region: 'heart' },
  { re: /胸部|胸|肺|肋骨|肋|纵隔|chest|thora|lung|pulmonary|rib/i, region: 'chest' },
  { re: /肾|输尿管|膀胱|泌尿|前列腺|kidney|renal|bladder|urinary|prostat/i, region: 'urinary' },
  { re: /盆腔|子宫|附件|卵巢|pelvi|uter|ovar/i, region: 'pelvis' },
  { re: /腹|肝|胆|胰|脾|胃|abdom|liver|hepat|gallbladder|biliary|pancrea|spleen/i, region: 'abdomen' },
  { re: /结肠|直肠|肠|colon|rect|bowel/i, region: 'bowel' },
  { re: /膝|knee/i, region: 'limb', part: 'knee' },
  { re: /踝|ankle/i, region: 'limb', part: 'ankle' },
  { re: /髋|hip/i, region: 'limb', part: 'hip' },
  { re: /肩|shoulder/i, region: 'limb', part: 'shoulder' },
  { re: /肘|elbow/i, region: 'limb', part: 'elbow' },
  { re: /腕|wrist/i, region: 'limb', part: 'wrist' },
  { re: /手|指|hand|finger/i, region: 'limb', part: 'hand' },
  { re: /足|趾|foot|toe/i, region: 'limb', part: 'foot' },
  { re: /股骨|大腿|femur|thigh/i, region: 'limb', part: 'femur' },
  { re: /胫|腓|小腿|tibia|fibula|leg/i, region: 'limb', part: 'leg' },
  { re: /尺|桡|前臂|forearm|radius|ulna/i, region: 'limb', part: 'forearm' },
  { re: /肱骨|上臂|humerus|upper arm/i, region: 'limb', part: 'arm' },
  { re: /骨盆/i, region: 'pelvis' },
  { re: /上肢|下肢|四肢|limb|extremit/i, region: 'limb' },
];

/** Sites a modality implies by its own name. */
function impliedSite(modality: string): Site | undefined {
  if (/胸片|正侧?位片/.test(modality) && /胸/.test(modality)) return { region: 'chest' };
  if (/胸片/.test(modality)) return { region: 'chest' };
  if (/心电图|ECG|EKG|心脏彩超|超声心动图|echo/i.test(modality)) return { region: 'heart' };
  if (/胃镜/.test(modality)) return { region: 'abdomen', part: 'stomach' };
  if (/肠镜|colonoscopy/i.test(modality)) return { region: 'bowel' };
  if (/支气管镜|bronchoscopy/i.test(modality)) return { region: 'chest', part: 'bronchus' };
  return undefined;
}

function modalityOf(m: string): string {
  if (/心脏彩超|超声心动图|echo/i.test(m)) return 'echo';
  if (/心电图|ECG|EKG/i.test(m)) return 'ecg';
  if (/镜|scopy/i.test(m)) return `endoscopy:${m.replace(/\s/g, '').toLowerCase()}`;
  if (/MRI|MR|磁共振/i.test(m)) return 'mri';
  if (/CT/i.test(m)) return 'ct';
  if (/超声|彩超|B超|ultrasound|sonogra/i.test(m)) return 'us';
  if (/造影|angiogra/i.test(m)) return 'angio';
  return 'xray';
}

/** The site named in the words before a modality (same clause), e.g. "急诊行头颅" → head. */
function siteOf(before: string, after: string): Site | undefined {
  const clause = (before.split(/[，,。；;：:、\n]|\band\b|\bshowed\b/i).pop() ?? '').slice(-14);
  // "CT of the chest", "MRI brain": an English site may follow the modality.
  const tail = /^\s*(?:scan\s+)?(?:of\s+the\s+|of\s+)?([a-z]+(?:\s+[a-z]+)?)/i.exec(after)?.[1] ?? '';
  for (const text of [clause, tail]) {
    for (const p of sitePatterns) {
      if (!p.re.test(text)) continue;
      const side = /双|bilateral|both/i.test(text)
        ? 'both'
        : /左|\bleft\b/i.test(text)
          ? 'left'
          : /右|\bright\b/i.test(text)
            ? 'right'
            : undefined;
      return { region: p.region, ...(p.part ? { part: p.part } : {}), ...(side ? { side } : {}) };
    }
  }
  return undefined;
}

function sameSite(a: Site | undefined, b: Site | undefined): boolean {
  if (!a || !b || a.region !== b.region) return false;
  if (a.part && b.part && a.part !== b.part) return false;
  if (a.side && b.side && a.side !== b.side) return false;
  return true;
}

const normalWords =
  /窦性心律(?!不齐)|sinus rhythm|\bNSR\b|未见异常|未见明显异常|无明显异常|无异常|大致正常|正常心电图|未见明显病变|未见明显占位|\bunremarkable\b|\bnormal\b|no acute (?:cardiopulmonary )?(?:abnormalit(?:y|ies)|process|findings?)|lungs (?:are )?clear/i;
const negLead = /^(?:未见|未发现|无|未|no|without|negative)/i;
const later = /复查|再次|复诊|随访|治疗后|术后|出院前|repeat|follow-?up|recheck|post-?op/i;
/** Words that end a study's findings: the narrative goes on ("，门诊以…收入", "，今为求诊治", "and was admitted"). */
const narrative =
  /门诊|急诊|入院|收入|收住|就诊|住院|给予|予以|未予|予|为求|为进一步|遂|来我|来院|转入|转诊|介绍|建议|治疗|片已阅|报告|自诉|患者|admitted|treated|started|given|discharged|patient/i;
/** What may stand between a modality and its reading: "+肋骨重建", "平扫", "检查", "(2018-03-02)". */
const qualifiers =
  /^(?:\s*(?:[+＋][\u4e00-\u9fffA-Za-z]{1,8}|平扫|增强|三维重建|重建|检查|结果|报告|扫描|片|scan|study|of\s+the\s+[a-z]+|of\s+[a-z]+|[（(]?\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?[)）]?))*/i;

type Reading = 'normal' | 'negative' | 'abnormal';

interface StudyMention {
  readonly modality: string;
  readonly site: Site | undefined;
  readonly name: string;
  readonly reading: Reading;
  readonly findings: string;
  /** The words before the study in its sentence ("复查", "入院后"). */
  readonly before: string;
}

/** Every study a sentence names, each with what the sentence reads for it. */
function studiesIn(sentence: string): StudyMention[] {
  const ms = [...sentence.matchAll(modalityRe)];
  return ms.map((m, i) => {
    const at = m.index;
    const end = at + m[0].length;
    const next = ms[i + 1]?.index ?? sentence.length;
    const before = sentence.slice(0, at);
    // The words before the next study name it ("…未见异常，颧弓CT：…"): they are not this one's findings.
    const after = ms[i + 1] ? sentence.slice(end, next).replace(/[^，,；;。.]*$/, '') : sentence.slice(end);
    const site = siteOf(before, after) ?? impliedSite(m[0]);
    const clause = (before.split(/[，,。；;：:、\n]/).pop() ?? '').slice(-14);
    const q = qualifiers.exec(after)?.[0] ?? '';
    const rest = after.slice(q.length);
    const name = `${clause}${m[0]}${q}`.trim();
    // A reading follows the study's name ("胸片示…", "CT：…", "X-ray showed…"); a study only referred
    // to ("结合胸部正位片，故可诊断", "CT ordered") reads nothing.
    // A reading written straight after the name, without a marker ("颈动脉彩超未见明显异常", "ECG normal").
    const marker =
      /^\s*(?:[:：]|示|提示|显示|见|showed|shows|revealed|reveals|demonstrated|was|is)+\s*/i.exec(rest) ??
      /^\s*(?=未见|无异常|正常|normal\b|unremarkable\b)/i.exec(rest);
    if (!marker)
      return { modality: modalityOf(m[0]), site, name, reading: 'negative' as Reading, findings: '', before };
    const all = rest
      .slice(marker[0].length)
      .split(/[，,；;。.]|\band\b/)
      .map((x) => x.trim());
    const clauses: string[] = [];
    for (const c of all) {
      if (!c) continue;
      if (narrative.test(c)) break;
      clauses.push(c);
    }
    const findings = clauses.join('，');
    if (clauses.length === 0)
      return { modality: modalityOf(m[0]), site, name, reading: 'negative' as Reading, findings, before };
    // Each clause is normal ("余未见异常", "窦性心律"), a negation ("未见渗出"), or a finding.
    const kinds = clauses.map((c) => (normalWords.test(c) ? 'normal' : negLead.test(c) ? 'negative' : 'finding'));
    const reading: Reading = kinds.includes('finding') ? 'abnormal' : kinds.includes('normal') ? 'normal' : 'negative';
    return { modality: modalityOf(m[0]), site, name, reading, findings, before };
  });
}

/** Whether the words before a study make it a later one ("复查", "术后", "repeat"). */
function isLater(before: string): boolean {
  return later.test(before.split(/[。；;\n]/).pop() ?? '');
}

function sameStudy(a: StudyMention, b: StudyMention): boolean {
  return a.modality === b.modality && sameSite(a.site, b.site);
}

interface StudyReading extends StudyMention {
  readonly source: Source;
}

const studyCache = new WeakMap<RecordIndex, StudyReading[]>();

function recordStudies(index: RecordIndex): StudyReading[] {
  let found = studyCache.get(index);
  if (found) return found;
  found = [];
  for (const d of index.record.documents) {
    for (const s of splitSentences(d.text)) {
      const body = d.text.slice(s.start, s.end);
      for (const st of studiesIn(body)) {
        found.push({ ...st, source: { kind: 'text', document: d.id, start: s.start, end: s.end, quote: body.trim() } });
      }
    }
  }
  studyCache.set(index, found);
  return found;
}

/**
 * A study the claim reads otherwise than the record: "normal" where every record reading of the same
 * study (modality and site) affirms a finding, or a finding where every record reading is normal.
 * Later studies ("复查", "repeat") are not the record's and are left alone, in the claim and the record.
 */
function studyReversed(
  sentence: string,
  index: RecordIndex,
  lang: Lang,
): { reason: string; evidence: Source[] } | undefined {
  for (const said of studiesIn(sentence)) {
    if (isLater(said.before) || !said.findings || said.reading === 'negative') continue;
    const rec = recordStudies(index).filter((r) => sameStudy(r, said) && r.findings.length > 0 && !isLater(r.before));
    if (rec.length === 0) continue;
    const every = (x: Reading) => rec.every((r) => r.reading === x);
    if ((said.reading === 'normal' && every('abnormal')) || (said.reading === 'abnormal' && every('normal'))) {
      const q = [...new Set(rec.map((r) => `${r.name}：${r.findings}`))].join(' / ');
      return {
        reason:
          lang === 'zh'
            ? `“${said.name}：${said.findings}”，病历为“${q}”`
            : `“${said.name}: ${said.findings}”: the record says “${q}”`,
        evidence: rec.map((r) => r.source),
      };
    }
  }
  return undefined;
}

/** Terms the claim negates in a study sentence that a record study sentence affirms (and the record never negates). */
/** The side written in a clause just before a position ("右下肢深静脉未见" → right). */
function sideBefore(text: string): 'left' | 'right' | 'both' | undefined {
  const clause = text.split(/[，,。；;：:]/).pop() ?? '';
  const m = /.*(双侧?|两侧|左|右|\bbilateral\b|\bleft\b|\bright\b)/i.exec(clause);
  if (!m) return undefined;
  return /双|两|bilateral/i.test(m[1]!) ? 'both' : /左|left/i.test(m[1]!) ? 'left' : 'right';
}

function negatedAgainstRecord(claimText: string, index: RecordIndex): { term: string; source: Source } | undefined {
  const { negated } = recordTerms(index);
  // Only the same study's findings, where the claim names its study ("下肢血管彩超示…").
  const own = studiesIn(claimText).filter((x) => x.site);
  const affirmed = recordStudies(index).filter(
    (r) => r.reading === 'abnormal' && !isLater(r.before) && (own.length === 0 || own.some((x) => sameStudy(x, r))),
  );
  if (affirmed.length === 0) return undefined;
  const terms: string[] = [];
  for (const m of claimText.matchAll(negEn)) {
    const words = m[2]!.split(/\s+/);
    const head = words.findIndex((w) => /^(?:or|and|nor)$/i.test(w));
    const kept = (head >= 0 ? words.slice(0, head) : words).filter((w) => !stopEn.test(w));
    if (kept.length > 0) terms.push(kept[kept.length - 1]!.toLowerCase());
  }
  for (const m of claimText.matchAll(negZh)) {
    const term = m[1]!.split(zhCut)[0]!.replace(/^(?:明显|异常)/, '');
    if (term.length >= 2) terms.push(term);
  }
  for (const term of terms) {
    if (term.length < 2 || negated.some((n) => fold(n.term).includes(fold(term)))) continue;
    // A side on the claim's negation must be the side of the record's finding ("右下肢深静脉未见血栓" against "左侧股静脉…血栓形成").
    const side = sideBefore(claimText.slice(0, fold(claimText).indexOf(fold(term))));
    const hit = affirmed.find((r) => {
      const at = fold(r.findings).indexOf(fold(term));
      if (at < 0) return false;
      const before = r.findings.slice(0, at);
      if (
        negationBefore.test(
          fold(before)
            .split(/[，,。；;.]/)
            .pop() ?? '',
        )
      )
        return false;
      const recSide = sideBefore(before) ?? sideBefore(r.name);
      return !(side && recSide && side !== recSide && recSide !== 'both');
    });
    if (hit) return { term, source: hit.source };
  }
  return undefined;
}

export function reversedResult(
  text: string,
  span: { start: number; end: number; sentence: { start: number; end: number } },
  index: RecordIndex,
  lang: Lang,
  laterThanRecord?: boolean,
): { verdict: 'contradicted'; errorType: ErrorType; reason: string; evidence: readonly Source[] } | undefined {
  const sentence = text.slice(span.sentence.start, span.sentence.end);
  if (!resultCue.test(sentence) && !new RegExp(modalityRe.source, 'i').test(sentence)) return undefined;
  const claimText = text.slice(span.start, span.end);
  // A study the record read one way, stated the other way. Not in a text about a later moment: a study
  // at discharge may be a new one.
  if (laterThanRecord) return undefined;
  const flipped = studyReversed(text.slice(span.sentence.start, span.end), index, lang);
  if (flipped) return { verdict: 'contradicted', errorType: 'E02', reason: flipped.reason, evidence: flipped.evidence };
  if (!later.test(sentence)) {
    const neg = negatedAgainstRecord(claimText, index);
    if (neg) {
      const quote = neg.source.kind === 'text' ? neg.source.quote : neg.term;
      return {
        verdict: 'contradicted',
        errorType: 'E02',
        reason: lang === 'zh' ? `称无“${neg.term}”：病历为“${quote}”` : `no “${neg.term}”: the record says “${quote}”`,
        evidence: [neg.source],
      };
    }
  }
  const { negated, folded } = recordTerms(index);
  if (negated.length === 0) return undefined;
  const claim = fold(text.slice(span.start, span.end));
  for (const n of negated) {
    const t = fold(n.term);
    const at = claim.indexOf(t);
    if (at < 0) continue;
    if (/^[a-z]/.test(t) && (/[a-z]/.test(claim[at - 1] ?? '') || /[a-z]/.test(claim[at + t.length] ?? ''))) continue;
    const clause =
      claim
        .slice(0, at)
        .split(/[，,。；;.\n]/)
        .pop() ?? '';
    if (negationBefore.test(clause)) continue;
    if (affirmedInRecord(folded, n.term)) continue;
    const quote = n.source.kind === 'text' ? n.source.quote : n.term;
    return {
      verdict: 'contradicted',
      errorType: 'E02',
      reason: lang === 'zh' ? `“${n.term}”：病历为“${quote}”` : `“${n.term}”: the record says “${quote}”`,
      evidence: [n.source],
    };
  }
  return undefined;
}
