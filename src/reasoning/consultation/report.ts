import type { Bilingual, DiagnosisConclusion, Lang, PatientReportedSource } from '../../core/index.js';
import { pick } from '../../core/index.js';
import type { HpiSlot, Network } from '../diagnosis/index.js';
import { diagnose } from '../diagnosis/index.js';
import { bundledDdxplusNames } from '../../knowledge/index.js';
import type { RedFlagConfig } from './redflags.js';
import { answerCues, answerLexicon } from './reading.js';
import { defaultRedFlags } from './redflags.js';
import type { ConsultState, TriageResult } from './session.js';
import { hpiSlots, sessionObservations } from './session.js';

/**
 * The 预问诊报告 / pre-consultation report (consultation.md §4): for the doctor, every field
 * patient-reported and traced to its dialogue turn, never a diagnosis to the patient (PC-05); the
 * differential with its explanation appears only in the physician-only section, labelled as an AI
 * suggestion. Importing it into the 门诊病历 makes a draft the physician signs (PC-06).
 */
export interface ReportField {
  readonly label: Bilingual;
  readonly value: Bilingual;
  /** Dialogue turns the field came from (provenance). */
  readonly turns: readonly number[];
}

export interface PreConsultReport {
  readonly title: Bilingual;
  readonly label: Bilingual;
  readonly header: {
    readonly sessionId: string;
    readonly sex?: string;
    readonly age?: number;
    readonly generatedAt: string;
    readonly informant: string;
    readonly channel: string;
    readonly knowledge: string;
  };
  readonly redFlags: {
    readonly screened: readonly {
      readonly id: string;
      readonly label: Bilingual;
      readonly result: string;
      readonly turn: number;
    }[];
    readonly positive: readonly string[];
    readonly alertAt?: string;
  };
  readonly triage?: TriageResult;
  readonly chiefComplaint: ReportField;
  /** 现病史: OPQRST slots, associated symptoms, pertinent negatives. */
  readonly hpi: readonly ReportField[];
  readonly pastHistory: readonly ReportField[];
  readonly allergies: ReportField;
  readonly medications: ReportField;
  readonly personal: readonly ReportField[];
  readonly toVerify: readonly ReportField[];
  /** Physician-only: "AI suggestion, not a diagnosis". Empty after an emergency exit. */
  readonly differential: readonly DiagnosisConclusion[];
  readonly footer: { readonly provenance: Bilingual; readonly retention: Bilingual };
}

const SLOT_LABELS: Record<HpiSlot, Bilingual> = {
  onset: { zh: '起病（O）', en: 'Onset (O)' },
  site: { zh: '部位（R）', en: 'Site / region (R)' },
  character: { zh: '性质（Q）', en: 'Character / quality (Q)' },
  radiation: { zh: '放射（R）', en: 'Radiation (R)' },
  severity: { zh: '程度（S）', en: 'Severity (S)' },
  timing: { zh: '时间经过（T）', en: 'Timing (T)' },
  modifiers: { zh: '加重/缓解因素（P）', en: 'Provocation / palliation (P)' },
};

const join = (xs: readonly string[], lang: Lang) => xs.join(lang === 'zh' ? '、' : ', ');

export function buildReport(
  net: Network,
  state: ConsultState,
  options: { now?: string; redFlags?: RedFlagConfig; top?: number } = {},
): PreConsultReport {
  const flags = options.redFlags ?? defaultRedFlags();
  const nameOf = (id: string): Bilingual => {
    const i = net.findingIndex.get(id);
    return i === undefined ? { en: id } : net.findings[i]!.name;
  };
  const turnOf = (finding: string): number[] => {
    const a = state.answers.find((x) => x.present?.includes(finding) || x.absent?.includes(finding));
    return a
      ? [a.turn]
      : state.complaint.present.includes(finding) || state.complaint.absent.includes(finding)
        ? [state.complaint.turn]
        : [];
  };
  const listField = (label: Bilingual, ids: readonly string[], negative = false): ReportField => ({
    label,
    value: {
      zh: ids.length
        ? join(
            ids.map((id) => `${negative ? '无' : ''}${nameOf(id).zh ?? nameOf(id).en}`),
            'zh',
          )
        : '—',
      en: ids.length
        ? join(
            ids.map((id) => `${negative ? 'no ' : ''}${nameOf(id).en}`),
            'en',
          )
        : '—',
    },
    turns: [...new Set(ids.flatMap(turnOf))].sort((a, b) => a - b),
  });
  const kindOf = (id: string) => net.findings[net.findingIndex.get(id) ?? -1]?.kind;
  // Findings of option questions (site, character, rash colour…) are reported per question with the
  // options chosen; slot questions fill their OPQRST slot, the rest are associated symptoms.
  const hpi: ReportField[] = [];
  if (state.history.duration)
    hpi.push({
      label: { zh: '病程（T）', en: 'Duration (T)' },
      value: { zh: state.history.duration.text, en: state.history.duration.text },
      turns: [state.history.duration.turn],
    });
  const present = new Set(state.present);
  const grouped = new Set<string>();
  const associatedGroups: ReportField[] = [];
  for (const q of net.questions) {
    if (q.kind === 'binary') continue;
    const chosen = q.options.filter((o) => present.has(o.finding));
    for (const o of q.options) grouped.add(o.finding);
    if (chosen.length === 0) continue;
    const shown = q.kind === 'scale' ? chosen.slice(-1) : chosen;
    const labelOf = (o: (typeof chosen)[number], lang: Lang) =>
      q.kind === 'scale'
        ? `≥ ${o.value}/10`
        : o.label
          ? lang === 'zh'
            ? (o.label.zh ?? o.label.en)
            : o.label.en
          : String(o.value ?? o.finding);
    const field: ReportField = {
      label: q.slot ? SLOT_LABELS[q.slot] : { zh: q.text.zh ?? q.text.en, en: q.text.en },
      value: {
        zh: join(
          shown.map((o) => labelOf(o, 'zh')),
          'zh',
        ),
        en: join(
          shown.map((o) => labelOf(o, 'en')),
          'en',
        ),
      },
      turns: [...new Set(chosen.flatMap((o) => turnOf(o.finding)))].sort((a, b) => a - b),
    };
    (q.slot ? hpi : associatedGroups).push(field);
  }
  // The main complaint's slots as the patient told them (部位、性质、程度、起病、时间经过、加重/缓解).
  for (const [slot, v] of Object.entries(state.hpi ?? {})) {
    if (!v) continue;
    const label = hpiSlots().slots[slot as keyof ReturnType<typeof hpiSlots>['slots']]?.label ?? { en: slot };
    const shown = v.unknown
      ? { zh: '不确定', en: 'unsure' }
      : {
          zh: `“${v.text}”${typeof v.severity === 'number' && slot === 'severity' ? `（约 ${v.severity}/10）` : ''}`,
          en: `"${v.text}"${typeof v.severity === 'number' && slot === 'severity' ? ` (about ${v.severity}/10)` : ''}`,
        };
    hpi.push({ label: { zh: `${label.zh ?? label.en}`, en: label.en }, value: shown, turns: [v.turn] });
  }
  const associated = state.present.filter((id) => !grouped.has(id) && kindOf(id) !== 'antecedent');
  hpi.push(
    listField({ zh: '症状及伴随症状', en: 'Symptoms and associated symptoms' }, associated),
    ...associatedGroups,
  );
  const negatives = state.absent.filter((id) => !grouped.has(id) && kindOf(id) !== 'antecedent');
  hpi.push(listField({ zh: '鉴别相关阴性', en: 'Pertinent negatives' }, negatives, true));
  // What the patient volunteered that no question asked for, in their own words (patient-reported).
  const told = state.reported ?? [];
  if (told.length > 0)
    hpi.push({
      label: { zh: '患者另述', en: 'Also reported by the patient' },
      value: {
        zh: told.map((r) => `${r.present ? '' : '无'}“${r.text}”`).join('、'),
        en: told.map((r) => `${r.present ? '' : 'no '}"${r.text}"`).join(', '),
      },
      turns: [...new Set(told.map((r) => r.turn))].sort((a, b) => a - b),
    });
  const antecedentsYes = state.present.filter((id) => kindOf(id) === 'antecedent');
  const antecedentsNo = state.absent.filter((id) => kindOf(id) === 'antecedent');
  const historyField = (slot: 'allergies' | 'medications', label: Bilingual): ReportField => {
    const h = state.history[slot];
    if (!h) return { label, value: { zh: '未询问', en: 'not asked' }, turns: [] };
    if (h.unknown) return { label, value: { zh: '不确定', en: 'unsure' }, turns: [h.turn] };
    const none = /^(没有|无|否|否认|none|no|nothing|nil)$/i.test(h.text.trim().replace(/[。.!！]+$/, ''));
    // Patient-reported drug names and diagnoses go in quotation marks (BW2010 第十八条(三)4).
    return {
      label,
      value: none ? { zh: '否认', en: 'denies' } : { zh: `“${h.text}”`, en: `"${h.text}"` },
      turns: [h.turn],
    };
  };
  const personal: ReportField[] = [
    ...(state.history.lmp
      ? [
          {
            label: { zh: '月经史（末次月经）', en: 'Menstrual history (LMP)' },
            value: { zh: state.history.lmp.text, en: state.history.lmp.text },
            turns: [state.history.lmp.turn],
          },
        ]
      : []),
    ...(state.history.pregnancy
      ? [
          {
            label: { zh: '妊娠可能', en: 'Pregnancy possible?' },
            value: state.history.pregnancy.unknown
              ? { zh: '不确定', en: 'unsure' }
              : { zh: state.history.pregnancy.text, en: state.history.pregnancy.text },
            turns: [state.history.pregnancy.turn],
          },
        ]
      : []),
  ];
  const generatedAt = options.now ?? new Date().toISOString();
  const sourcesOf = (id: string): PatientReportedSource[] =>
    turnOf(id).map((turn) => ({ kind: 'patient-reported', sessionId: state.id, turn }));
  const differential =
    state.status === 'emergency'
      ? []
      : diagnose(net, sessionObservations(net, state), {
          top: options.top ?? 5,
          patientId: `consult:${state.id}`,
          sourcesOf,
          createdAt: generatedAt,
          counterfactual: true,
        }).differential.map((r) => r.conclusion);
  // 主诉 = main symptom(s) + duration (BW2010 第十八条(二)): the complaint's own findings, else its words.
  const duration = state.history.duration && !state.history.duration.unknown ? state.history.duration.text : undefined;
  const main = state.complaint.present.slice(0, 3).map(nameOf);
  const words = state.complaint.text.length > 40 ? `${state.complaint.text.slice(0, 40)}…` : state.complaint.text;
  const chiefComplaint: ReportField = {
    label: { zh: '主诉', en: 'Chief complaint' },
    value: main.length
      ? {
          zh: `${main.map((n) => n.zh ?? n.en).join('、')}${duration ? ` ${duration}` : ''}`,
          en: `${main.map((n) => n.en).join(', ')}${duration ? `, ${duration}` : ''}`,
        }
      : {
          zh: `${words}${duration && !words.includes(duration) ? `，${duration}` : ''}`,
          en: `${words}${duration && !words.includes(duration) ? `, ${duration}` : ''}`,
        },
    turns: [state.complaint.turn, ...(state.history.duration ? [state.history.duration.turn] : [])].filter(
      (v, i, a) => a.indexOf(v) === i,
    ),
  };
  hpi.unshift({
    label: { zh: '患者自述', en: "Patient's own words" },
    value: { zh: `“${state.complaint.text}”`, en: `"${state.complaint.text}"` },
    turns: [state.complaint.turn],
  });
  return {
    title: { zh: '预问诊报告', en: 'Pre-consultation report' },
    label: { zh: '患者自述 · 须经医生核实 · 非诊断', en: 'Patient-reported · physician must verify · not a diagnosis' },
    header: {
      sessionId: state.id,
      ...(state.patient.sex ? { sex: state.patient.sex } : {}),
      ...(state.patient.age !== undefined ? { age: state.patient.age } : {}),
      generatedAt,
      informant: state.patient.informant ?? (state.lang === 'zh' ? '本人' : 'self'),
      channel: state.patient.channel ?? 'app',
      knowledge: net.model.release ?? net.model.id,
    },
    redFlags: {
      screened: state.redFlags.screened.map((s) => {
        const f = flags.flags.find((x) => x.id === s.id) ?? flags.rules.find((x) => x.id === s.id);
        return { id: s.id, label: f?.label ?? { en: s.id }, result: s.result, turn: s.turn };
      }),
      positive: state.redFlags.positive,
      ...(state.redFlags.alertAt ? { alertAt: state.redFlags.alertAt } : {}),
    },
    ...(state.triage ? { triage: state.triage } : {}),
    chiefComplaint,
    hpi,
    pastHistory: [
      listField({ zh: '既往史及危险因素', en: 'Past history and risk factors' }, antecedentsYes),
      listField({ zh: '否认', en: 'Denies' }, antecedentsNo, true),
    ],
    allergies: historyField('allergies', { zh: '过敏史', en: 'Allergies' }),
    medications: historyField('medications', { zh: '目前用药', en: 'Current medications' }),
    personal,
    toVerify: state.toVerify.map((v) => ({ label: { zh: '待核实', en: 'To verify' }, value: v.item, turns: [v.turn] })),
    differential,
    footer: {
      provenance: {
        zh: '每一项均标注来源对话轮次；内容为患者自述，导入门诊病历前须经接诊医生审核签名。',
        en: 'Each field names the dialogue turns it came from; all content is patient-reported and becomes a draft the treating physician must review and sign before it enters the outpatient record.',
      },
      retention: {
        zh: '对话记录保存不少于 3 年；形成的病历保存不少于 15 年。',
        en: 'Dialogue kept at least 3 years; the resulting record at least 15 years.',
      },
    },
  };
}

/** The report as text (the doctor's workstation or the terminal). */
export function reportText(r: PreConsultReport, lang: Lang): string {
  const out: string[] = [];
  const field = (f: ReportField) =>
    `${pick(f.label, lang)}：${pick(f.value, lang)}${f.turns.length ? `  [${lang === 'zh' ? '轮次' : 'turn'} ${f.turns.join(',')}]` : ''}`.replace(
      '：',
      lang === 'zh' ? '：' : ': ',
    );
  out.push(`${pick(r.title, lang)}    [${pick(r.label, lang)}]`);
  const h = r.header;
  out.push(
    lang === 'zh'
      ? `会话 ${h.sessionId} · 性别 ${h.sex === 'male' ? '男' : h.sex === 'female' ? '女' : '未知'} · 年龄 ${h.age ?? '未知'} · 生成时间 ${h.generatedAt.slice(0, 16).replace('T', ' ')} · 陈述者 ${h.informant} · 渠道 ${h.channel} · 知识 ${h.knowledge}`
      : `Session ${h.sessionId} · sex ${h.sex ?? 'unknown'} · age ${h.age ?? 'unknown'} · generated ${h.generatedAt.slice(0, 16).replace('T', ' ')} · informant ${h.informant} · channel ${h.channel} · knowledge ${h.knowledge}`,
  );
  const positive = r.redFlags.screened.filter((s) => s.result === 'positive');
  if (positive.length)
    out.push(
      lang === 'zh'
        ? `⚠ 危险信号阳性：${positive.map((s) => pick(s.label, lang)).join('；')} —— 已提示急诊就诊（${r.redFlags.alertAt?.slice(0, 16).replace('T', ' ')}）`
        : `⚠ Red flag positive: ${positive.map((s) => pick(s.label, lang)).join('; ')} — emergency care advised (${r.redFlags.alertAt?.slice(0, 16).replace('T', ' ')})`,
    );
  else
    out.push(
      lang === 'zh'
        ? `危险信号筛查：${r.redFlags.screened.length} 项，均${r.redFlags.screened.some((s) => s.result === 'unsure') ? '阴性或不确定' : '阴性'}`
        : `Red-flag screen: ${r.redFlags.screened.length} items, ${r.redFlags.screened.some((s) => s.result === 'unsure') ? 'negative or unsure' : 'all negative'}`,
    );
  if (r.triage)
    out.push(
      `${lang === 'zh' ? '分诊' : 'Triage'}: ${pick(r.triage.name, lang)} · ${pick(r.triage.zone, lang)} · ${r.triage.responseLimitMin} min · ${pick(r.triage.reason, lang)}`,
    );
  out.push(`1 ${field(r.chiefComplaint)}`);
  out.push(`2 ${lang === 'zh' ? '现病史' : 'History of present illness'}`);
  for (const f of r.hpi) out.push(`  ${field(f)}`);
  out.push(`3 ${lang === 'zh' ? '既往史' : 'Past history'}`);
  for (const f of r.pastHistory) out.push(`  ${field(f)}`);
  out.push(`4 ${field(r.allergies)}`);
  out.push(`5 ${field(r.medications)}`);
  if (r.personal.length) {
    out.push(`6 ${lang === 'zh' ? '个人史 / 婚育史 / 月经史' : 'Personal, reproductive, menstrual history'}`);
    for (const f of r.personal) out.push(`  ${field(f)}`);
  }
  if (r.toVerify.length) {
    out.push(`9 ${lang === 'zh' ? '待医生核实' : 'For the physician to verify'}`);
    for (const f of r.toVerify) out.push(`  ${field(f)}`);
  }
  if (r.differential.length) {
    out.push(
      `10 ${lang === 'zh' ? '（仅医生可见）AI 建议，非诊断：鉴别诊断' : '(physician only) AI suggestion, not a diagnosis: differential'}`,
    );
    for (const c of r.differential) out.push(pick(c.detail ?? c.statement, lang).replace(/^/gm, '  '));
  }
  out.push(`— ${pick(r.footer.provenance, lang)} ${pick(r.footer.retention, lang)}`);
  return out.join('\n');
}

/**
 * The session as the plain input of compose's `composeOutpatientRecord` (structurally the same type;
 * reasoning does not import compose): complaint symptoms and duration, the HPI slots as told,
 * associated findings and pertinent negatives with their turns, volunteered statements, past
 * history, allergies, medications and LMP. `turns` is the stored transcript. Each finding carries the
 * words patients use for it (`terms`), and `vocabulary` the words for common symptoms the model may
 * not have, so the record's check reads the patient's colloquial answers as what they name.
 */
export function outpatientRecordInput(
  net: Network,
  state: ConsultState,
  turns: readonly { turn: number; role: 'patient' | 'medseek'; text: string }[],
) {
  const nameOf = (id: string): Bilingual => net.findings[net.findingIndex.get(id) ?? -1]?.name ?? { en: id };
  const kindOf = (id: string) => net.findings[net.findingIndex.get(id) ?? -1]?.kind;
  const turnOf = (finding: string): number | undefined => {
    if (state.complaint.present.includes(finding) || state.complaint.absent.includes(finding))
      return state.complaint.turn;
    return state.answers.find((x) => x.present?.includes(finding) || x.absent?.includes(finding))?.turn;
  };
  // The words a patient says for each finding (the model's synonyms and colloquial names), so the
  // record's check reads "嗓子有点疼" as the 咽痛 it was asked about.
  const terms = new Map<string, string[]>();
  for (const e of answerLexicon(net).entries)
    if (e.concept.code) terms.set(e.concept.code, [...(terms.get(e.concept.code) ?? []), e.term]);
  const listed = (ids: readonly string[], present: boolean, antecedent: boolean) =>
    ids
      .filter(
        (id) =>
          (kindOf(id) === 'antecedent') === antecedent && !/[@≥]/.test(id) && !state.complaint.present.includes(id),
      )
      .map((id) => ({
        name: nameOf(id),
        present,
        turn: turnOf(id),
        code: id,
        terms: [...new Set(terms.get(id) ?? [])],
      }))
      .filter(
        (f): f is { name: Bilingual; present: boolean; turn: number; code: string; terms: string[] } =>
          f.turn !== undefined,
      );
  const slot = (h: ConsultState['history']['allergies']) =>
    h
      ? {
          text: h.text,
          none: /^(没有|无|否|否认|none|no|nothing|nil)$/i.test(h.text.trim()),
          unknown: h.unknown,
          turn: h.turn,
        }
      : undefined;
  const labels = hpiSlots().slots;
  const allergies = slot(state.history.allergies);
  const medications = slot(state.history.medications);
  return {
    sessionId: state.id,
    lang: state.lang,
    patient: {
      ...(state.patient.age !== undefined ? { age: state.patient.age } : {}),
      ...(state.patient.sex ? { sex: state.patient.sex } : {}),
    },
    turns,
    complaint: {
      text: state.complaint.text,
      turn: state.complaint.turn,
      symptoms: state.complaint.present
        .filter((id) => kindOf(id) !== 'antecedent')
        .slice(0, 3)
        .map(nameOf),
    },
    ...(state.history.duration && !state.history.duration.unknown
      ? { duration: { text: state.history.duration.text, turn: state.history.duration.turn } }
      : {}),
    hpi: Object.entries(state.hpi ?? {})
      .filter(([, v]) => v && !v.unknown)
      .map(([k, v]) => ({ label: labels[k as keyof typeof labels].label, text: v!.text, turn: v!.turn })),
    findings: [...listed(state.present, true, false), ...listed(state.absent, false, false)],
    reported: (state.reported ?? [])
      .filter((r) => !r.concept)
      .map((r) => ({ text: r.text, present: r.present, turn: r.turn })),
    pastHistory: [...listed(state.present, true, true), ...listed(state.absent, false, true)],
    ...(allergies ? { allergies } : {}),
    ...(medications ? { medications } : {}),
    ...(state.history.lmp ? { lmp: { text: state.history.lmp.text, turn: state.history.lmp.turn } } : {}),
    ...(state.history.pregnancy
      ? { pregnancy: { text: state.history.pregnancy.text, turn: state.history.pregnancy.turn } }
      : {}),
    vocabulary: patientVocabulary(),
  };
}

let vocabulary: { name: Bilingual; concept: { system: string; code: string }; terms: string[] }[] | undefined;
/**
 * The words patients use for common symptoms (data/answer-cues.json and the bundled DDXPlus names'
 * synonyms), each with the symptom's SNOMED CT code, so a record check reads "嗓子有点疼" as 咽痛 and
 * "有点黄痰" as 咳痰 even where the session's model has no such finding. Symptoms that one DDXPlus
 * question joins under several codes (鼻塞/流涕) are left out: their words name different concepts.
 */
export function patientVocabulary() {
  if (!vocabulary) {
    const names = bundledDdxplusNames().evidences;
    vocabulary = Object.entries(answerCues().findings).flatMap(([code, cue]) => {
      const n = names[code];
      const snomed = n?.snomed ?? [];
      if (!n || snomed.length !== 1) return [];
      const terms = [...new Set([...cue.zh, ...cue.en, ...n.synonyms.zh, ...n.synonyms.en])].filter(
        (x) => x.trim().length >= 2,
      );
      return [{ name: { en: n.en, zh: n.zh }, concept: { system: 'http://snomed.info/sct', code: snomed[0]! }, terms }];
    });
  }
  return vocabulary;
}
