import type { Fact, Lang, Source } from '../core/index.js';
import { conceptLabel } from '../core/index.js';
import type { FactJudgement } from './judge.js';
import type { RecordIndex } from './record.js';

/**
 * The body site of a finding is part of what a claim states: "双上肢疼痛" is not vouched for by pain
 * recorded in the head, "右肺未闻及湿啰音" not by "左肺未闻及干湿性啰音". The site is the last body-part
 * word before the finding in its clause, with its side (左/右/双, left/right/bilateral); a record mention
 * vouches for the claim only when the last site before it in its own sentence is the same part with a
 * compatible side (双 covers 左 and 右).
 */

// General anatomy as notes write it (longest first within a group), not taken from any data set.
const zhSites =
  /(?:([左右双两])侧?)?(头颅|头部|颜面部?|面部|眼睑|眼眶|眉弓|耳[前后]?|鼻|口唇|咽部|扁桃体|颈部|颈|胸壁|胸部|前胸部?|背部|腰背部|腰部|肺部?|肺底|肺尖|心前区|乳房|上腹部?|下腹部?|全腹部?|腹部|脐周|麦氏点|肝区|肾区|膀胱区|腹股沟区?|会阴部?|肛周|阴囊|睾丸|臀部|髋部?|肩部?|上臂|前臂|肘部?|腕部?|手指?|上肢|下肢|大腿|小腿|膝关节|膝部?|踝关节|踝部?|足背?|足趾|四肢|肋部?|胸廓|腹(?=软|平|膨|部|壁))$/;
const enSites =
  /(?:\b(left|right|bilateral|both)\s+)?((?:upper|lower|mid(?:dle)?)\s+(?:lobe|extremit(?:y|ies)|quadrant|arm|leg)|chest|abdomen|abdominal|flank|back|head|neck|face|arm|arms|forearm|hand|leg|legs|thigh|calf|knee|ankle|foot|feet|hip|shoulder|elbow|wrist|lung|lungs|lung bases?|groin|breast|eye|ear)\s*$/i;

/** A site word that begins a disease's name ("肺炎", "肾功能不全", "心衰") names no site of a finding. */
const notSite = /^(?:炎|癌|结核|功能|病|衰|瘤|梗|硬化|积液|气肿|不全|挫伤)/;

interface Site {
  readonly side?: 'left' | 'right' | 'both';
  readonly part: string;
  /** As written ("耻骨上膀胱区", "right lower quadrant"), for the reason. */
  readonly word?: string;
}

function sideOf(w: string | undefined): Site['side'] {
  if (!w) return undefined;
  if (/[双两]|bilateral|both/i.test(w)) return 'both';
  return /左|left/i.test(w) ? 'left' : 'right';
}

function normPart(p: string): string {
  return p
    .toLowerCase()
    .replace(/部$|关节$|区$/, '')
    .replace(/^(?:前胸|胸壁|胸廓)$/, '胸')
    .replace(/^(?:lungs|lung bases?)$/, 'lung')
    .replace(/^(?:arms)$/, 'arm')
    .replace(/^(?:legs)$/, 'leg')
    .replace(/^feet$/, 'foot')
    .replace(/^abdominal$/, 'abdomen');
}

/** The site named right before a position: the words back to the clause start, minus degree and verb words. */
const enSiteAfter =
  /^\s*(?:of|over|in|on|at|involving)\s+(?:the\s+)?(?:(left|right|bilateral|both)\s+)?((?:upper|lower|mid(?:dle)?)\s+(?:lobe|extremit(?:y|ies)|quadrant|arm|leg)|chest|abdomen|flank|back|head|neck|face|arm|arms|forearm|hand|leg|legs|thigh|calf|knee|ankle|foot|feet|hip|shoulder|elbow|wrist|lung|lungs|lung bases?|groin|breast|eye|ear)\b/i;

/** English names the site after the finding as often as before it ("swelling over the right wrist"). */
function siteAfter(text: string, at: number): Site | undefined {
  const m = enSiteAfter.exec(text.slice(at, at + 60));
  return m ? { ...(sideOf(m[1]) ? { side: sideOf(m[1]) } : {}), part: normPart(m[2]!), word: m[0].trim() } : undefined;
}

/**
 * The site of a finding in a claim: named in its clause, else carried over from the clauses before it in
 * its sentence, as exam notes write them ("耻骨上膀胱区无肿胀，压痛" — the tenderness is suprapubic).
 */
export function siteOf(text: string, from: number, sentenceStart: number, at: number, lang: Lang): Site | undefined {
  const own = siteBefore(text, from, at, lang);
  if (own || lang !== 'zh') return own;
  const all = [...text.slice(sentenceStart, at).matchAll(new RegExp(zhSites.source.replace(/\$$/, ''), 'g'))].filter(
    (m) => !notSite.test(text.slice(sentenceStart + m.index + m[0].length)),
  );
  const m = all[all.length - 1];
  return m ? { ...(sideOf(m[1]) ? { side: sideOf(m[1]) } : {}), part: normPart(m[2]!), word: m[0].trim() } : undefined;
}

export function siteBefore(text: string, from: number, at: number, lang: Lang): Site | undefined {
  const clause =
    text
      .slice(Math.max(from, at - 16), at)
      .split(lang === 'zh' ? /[，,。；;、：:\n]/ : /[,.;:\n]|\band\b|\bwith\b/i)
      .pop() ?? '';
  if (lang === 'zh') {
    // "右肺可闻及干、", "双下肢轻度", "腹部未触及": strip what stands between the site and the finding.
    const trimmed = clause.replace(
      /(?:未闻及|可闻及|闻及|未触及|可触及|触及|未见|可见|见|有|无|未|稍|轻度|中度|重度|轻|略|偶|明显|较|及|伴|干|湿性?|局部|散在|多发|少许|少量)+$/,
      '',
    );
    const m = zhSites.exec(trimmed);
    return m
      ? { ...(sideOf(m[1]) ? { side: sideOf(m[1]) } : {}), part: normPart(m[2]!), word: m[0].trim() }
      : undefined;
  }
  const trimmed = clause.replace(/\b(?:no|mild|moderate|severe|some|slight|new|persistent|diffuse|focal)\s*$/i, '');
  const m = enSites.exec(trimmed);
  return m ? { ...(sideOf(m[1]) ? { side: sideOf(m[1]) } : {}), part: normPart(m[2]!), word: m[0].trim() } : undefined;
}

/**
 * The sites a record mention speaks of: the last site word before it in its sentence, and the sites
 * listed with that one ("头部，胸部，双上肢，伤后伤处疼痛" → head, chest, both upper limbs). Null where the
 * fact has no text to read (FHIR).
 */
function recordSites(index: RecordIndex, f: Fact, lang: Lang): Site[] | null {
  const s = f.sources[0];
  if (s?.kind !== 'text') return null;
  const d = index.record.documents.find((x) => x.id === s.document);
  if (!d) return null;
  const a = Math.max(0, ...['。', '；', ';', '\n'].map((c) => d.text.lastIndexOf(c, s.start - 1) + 1));
  const body = d.text.slice(a, s.start);
  const re =
    lang === 'zh'
      ? new RegExp(zhSites.source.replace(/\$$/, ''), 'g')
      : new RegExp(enSites.source.replace(/\\s\*\$$/, '\\b'), 'gi');
  const all = [...body.matchAll(re)].filter((m) => lang !== 'zh' || !notSite.test(body.slice(m.index + m[0].length)));
  const out: Site[] = [];
  for (let i = all.length - 1; i >= 0; i--) {
    const m = all[i]!;
    if (i < all.length - 1) {
      const next = all[i + 1]!;
      const gap = body.slice(m.index + m[0].length, next.index);
      if (!/^[，,、及和与\s]*(?:and|or)?[\s,]*$/i.test(gap)) break;
    }
    out.push({ ...(sideOf(m[1]) ? { side: sideOf(m[1]) } : {}), part: normPart(m[2]!) });
  }
  const after = lang === 'en' ? siteAfter(d.text, s.end) : undefined;
  return after ? [after, ...out] : out;
}

function sameSite(claim: Site, rec: Site): boolean {
  const a = claim.part;
  const b = rec.part;
  if (a !== b && !a.endsWith(b) && !b.endsWith(a)) return false;
  if (claim.side && rec.side && claim.side !== rec.side && rec.side !== 'both') return false;
  if (claim.side && !rec.side && claim.side !== 'both') return true;
  return !(claim.side === 'both' && rec.side && rec.side !== 'both');
}

const positive = (f: Fact) => f.assertion === 'present' || f.assertion === 'historical';

/**
 * A finding the judge supported from record mentions at other sites becomes unverified, or
 * contradicted when the record states the opposite at the claim's own site and the claim speaks of
 * the record's moment (contradicted E02); in a text about a later moment it is only unverified.
 */
export function siteVouched(
  text: string,
  claimStart: number,
  sentenceStart: number,
  f: Fact,
  index: RecordIndex,
  lang: Lang,
  later: boolean | undefined,
  j: FactJudgement,
): FactJudgement {
  // Findings (symptoms and signs) only: a diagnosis's site is compared as its laterality (E06).
  if (j.verdict !== 'supported' || f.category !== 'finding' || (f.assertion !== 'present' && f.assertion !== 'absent'))
    return j;
  const s = f.sources[0];
  if (s?.kind !== 'text') return j;
  const site =
    siteOf(text, claimStart, sentenceStart, s.start, lang) ?? (lang === 'en' ? siteAfter(text, s.end) : undefined);
  if (!site) return j;
  const cands = index.candidates(f).filter((c) => c.subject.who === f.subject.who);
  // The mentions the judge's verdict rests on: the same polarity, or the earlier finding a resolution ("现述已消失") rests on.
  const key = (x: Source) => (x.kind === 'text' ? `${x.document}:${x.start}` : JSON.stringify(x));
  const used = new Set(j.evidence.map(key));
  // Every mention of the claim's polarity counts (the judge names only the first that agrees).
  const same = cands.filter(
    (c) =>
      c.sources.some((x) => used.has(key(x))) || (f.assertion === 'absent' ? c.assertion === 'absent' : positive(c)),
  );
  const sites = same.map((c) => recordSites(index, c, lang));
  // Facts without a text source (FHIR) carry no site to compare: keep the judge's verdict.
  if (sites.some((x) => x === null) || sites.some((x) => x?.some((r) => sameSite(site, r)))) return j;
  const name = conceptLabel(f.concept, lang);
  const where =
    site.word ??
    `${site.side ? (lang === 'zh' ? { left: '左', right: '右', both: '双' }[site.side] : `${site.side} `) : ''}${site.part}`;
  const opposite = cands
    .filter((c) => (f.assertion === 'absent' ? positive(c) : c.assertion === 'absent'))
    .filter((c) => {
      const r = recordSites(index, c, lang);
      return !!r && r.length > 0 && sameSite(site, r[0]!);
    });
  if (opposite.length > 0) {
    const said = f.assertion === 'absent';
    return {
      fact: f,
      verdict: later ? 'unsupported' : 'contradicted',
      errorType: 'E02',
      reason:
        lang === 'zh'
          ? `病历记载${where}${said ? '有' : '无'}${name}`
          : `the record documents ${said ? '' : 'no '}${name} at the ${where}`,
      evidence: opposite.flatMap((c) => c.sources),
    };
  }
  return {
    fact: f,
    verdict: 'unsupported',
    errorType: 'E15',
    reason:
      lang === 'zh'
        ? `病历记载的${f.assertion === 'absent' ? '“无' : '“'}${name}”不在${where}`
        : `the record’s ${f.assertion === 'absent' ? 'denial of ' : ''}${name} is not at the ${where}`,
    evidence: [],
  };
}
