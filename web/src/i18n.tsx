import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';

export type Lang = 'zh' | 'en';

const strings = {
  appTitle: { zh: 'MedSeek 临床工作台', en: 'MedSeek clinician workspace' },
  patients: { zh: '患者', en: 'Patients' },
  search: { zh: '搜索姓名或编号', en: 'Search name or id' },
  loading: { zh: '加载中…', en: 'Loading…' },
  retry: { zh: '重试', en: 'Retry' },
  noPatients: { zh: '没有找到患者', en: 'No patients found' },
  overview: { zh: '概览', en: 'Overview' },
  notes: { zh: '病历文书', en: 'Notes' },
  differential: { zh: '鉴别诊断', en: 'Differential' },
  alerts: { zh: '警示与质控', en: 'Alerts & QC' },
  recordQc: { zh: '病历质控', en: 'Record QC' },
  summary: { zh: '出院记录', en: 'Discharge summary' },
  models: { zh: '模型使用', en: 'Model use' },
  consult: { zh: '预问诊', en: 'Pre-consultation' },
  queue: { zh: '预问诊队列', en: 'Queue' },
  teaching: { zh: '教学', en: 'Teaching' },
  settings: { zh: '系统设置', en: 'Settings' },
  logout: { zh: '退出登录', en: 'Log out' },
  timeline: { zh: '时间线', en: 'Timeline' },
  labs: { zh: '检验趋势', en: 'Lab trends' },
  problems: { zh: '问题列表', en: 'Problems' },
  medications: { zh: '用药', en: 'Medications' },
  allergies: { zh: '过敏', en: 'Allergies' },
  genotypes: { zh: '基因型', en: 'Genotypes' },
  conflicts: { zh: '记录冲突', en: 'Conflicts in the record' },
  facts: { zh: '提取的事实', en: 'Extracted facts' },
  source: { zh: '来源', en: 'Source' },
  generate: { zh: '生成', en: 'Generate' },
  reverify: { zh: '重新核查', en: 'Re-verify' },
  signOff: { zh: '签名确认', en: 'Sign off' },
  signBlocked: {
    zh: '存在矛盾陈述或遗漏关键信息，不能签名',
    en: 'Sign-off is blocked: a claim is contradicted or a critical fact is omitted',
  },
  signed: { zh: '已签名并保存', en: 'Signed and saved' },
  signNeedsDraft: { zh: '请先为本患者生成出院记录', en: "Generate this patient's summary first" },
  signNeedsReverify: { zh: '文本已修改，请先重新核查', en: 'The text was edited: re-verify it first' },
  signReady: { zh: '可以签名', en: 'Ready to sign' },
  signRefused: { zh: '签名被拒绝', en: 'Sign-off refused' },
  draftPatientMismatch: {
    zh: '此出院记录草稿属于另一位患者，不能在当前患者名下签名。请为本患者重新生成。',
    en: "This draft belongs to another patient and cannot be signed here. Generate this patient's summary again.",
  },
  draftEncounterMismatch: {
    zh: '此草稿属于另一次住院，不能签名。请为该次住院重新生成。',
    en: 'This draft is for another encounter and cannot be signed. Generate it again for this encounter.',
  },
  draftLangMismatch: {
    zh: '草稿语言与请求语言不一致，请重新生成。',
    en: 'The draft is in another language: generate it again.',
  },
  draftSigned: {
    zh: '此草稿已签名，如需修改请重新生成。',
    en: 'This draft is already signed; generate a new one to amend it.',
  },
  safetyOnDischarge: { zh: '出院用药安全规则', en: 'Safety rules on discharge drugs' },
  signBlocks: { zh: '签名前须处理', en: 'To resolve before signing' },
  acceptClaim: { zh: '确认采纳', en: 'Accept statement' },
  acceptReason: { zh: '确认理由', en: 'Reason for accepting' },
  acceptNeeded: {
    zh: '病历无据的临床陈述：签名前须由医师确认并说明理由',
    en: 'Clinical statement the record does not support: accept it with a reason before signing',
  },
  acceptedBy: { zh: '已确认', en: 'Accepted' },
  citation: { zh: '引用', en: 'Citation' },
  editText: { zh: '编辑原文', en: 'Edit source text' },
  supported: { zh: '有据', en: 'supported' },
  contradicted: { zh: '矛盾', en: 'contradicted' },
  unsupported: { zh: '无据', en: 'unsupported' },
  omissions: { zh: '遗漏', en: 'Omissions' },
  accept: { zh: '采纳', en: 'Accept' },
  reject: { zh: '驳回', en: 'Reject' },
  correct: { zh: '更正', en: 'Correct' },
  reason: { zh: '理由', en: 'Reason' },
  send: { zh: '提交', en: 'Send' },
  thanks: { zh: '已记录反馈', en: 'Feedback recorded' },
  modelUsed: { zh: '使用模型', en: 'Model used' },
  noModel: { zh: '未使用模型（模板）', en: 'No model (template)' },
  deidentified: { zh: '已去标识化', en: 'de-identified' },
  noData: { zh: '暂无数据', en: 'Nothing here yet' },
  probability: { zh: '概率', en: 'Probability' },
  calibrated: { zh: '已按本院确诊结果校准', en: 'Calibrated on this hospital’s confirmed outcomes' },
  rawPosterior: { zh: '原始后验概率（未校准）', en: 'Raw posterior (not calibrated)' },
  showRawPosterior: { zh: '显示原始后验', en: 'Show raw posterior' },
  showCalibrated: { zh: '显示校准概率', en: 'Show calibrated' },
  evidenceFor: { zh: '支持', en: 'For' },
  evidenceAgainst: { zh: '反对', en: 'Against' },
  missingExpected: { zh: '应有而未见', en: 'Expected but absent' },
  causalPaths: { zh: '因果路径', en: 'Causal paths' },
  diagnosed: { zh: '已诊断', en: 'already diagnosed' },
  diagnosedHint: { zh: '病历中已有此诊断', en: 'a diagnosis in the record' },
  uniformPrior: { zh: '患病率未知：按统一先验计', en: 'prevalence unknown: uniform prior' },
  logLikelihood: { zh: '对数似然比', en: 'log-likelihood ratio' },
  frequencyUnknown: { zh: '频率未知', en: 'frequency unknown' },
  notYetKnown: { zh: '尚不清楚', en: 'Not yet known' },
  findingAbsent: { zh: '无', en: 'no' },
  pathSource: { zh: '依据', en: 'source' },
  nameInChinese: { zh: '（中文名）', en: '(Chinese name)' },
  nameInEnglish: { zh: '（英文名）', en: '(English name)' },
  apiKey: { zh: 'API 密钥', en: 'API key' },
  alertSuggested: { zh: '建议处理', en: 'Suggested actions' },
  alertRecommended: { zh: '推荐', en: 'recommended' },
  alertStop: { zh: '停用', en: 'Stop' },
  alertStart: { zh: '改用', en: 'Start' },
  alertOrder: { zh: '开具', en: 'Order' },
  alertOverride: { zh: '不采纳此警示', en: 'Override this alert' },
  alertOverrideReason: { zh: '不采纳理由', en: 'Override reason' },
  alertChooseReason: { zh: '请选择理由', en: 'Choose a reason' },
  alertComment: { zh: '备注（可选）', en: 'Comment (optional)' },
  alertAccepted: { zh: '已采纳建议', en: 'Suggestion accepted' },
  alertOverridden: { zh: '已不采纳', en: 'Overridden' },
  alertCancel: { zh: '取消', en: 'Cancel' },
  voiceInput: { zh: '语音输入', en: 'Voice input' },
  voiceStop: { zh: '停止录音', en: 'Stop recording' },
  voiceRecording: { zh: '正在录音，再点一次结束', en: 'Recording: tap again to finish' },
  voiceTranscribing: { zh: '正在识别语音…', en: 'Recognising your speech…' },
  voiceCheck: { zh: '请核对识别的文字，确认无误后再发送', en: 'Check the recognised text before you send it' },
  voiceNothing: { zh: '没有听清，请再说一次或直接输入', en: 'Nothing was recognised: try again or type it' },
  voiceNoMic: { zh: '无法使用麦克风，请直接输入', en: 'The microphone is not available: please type' },
  voiceFailed: { zh: '语音识别失败，请直接输入', en: 'Speech recognition failed: please type' },
  readAloud: { zh: '朗读问题', en: 'Read aloud' },
  dictate: { zh: '口述记录', en: 'Dictate a note' },
  dictation: { zh: '口述内容（请核对后使用）', en: 'Dictated text (check it before use)' },
  copyText: { zh: '复制文字', en: 'Copy text' },
  copied: { zh: '已复制', en: 'Copied' },
  optional: { zh: '可选', en: 'optional' },
  factCorrect: { zh: '纠正', en: 'Correct' },
  factAssertionShouldBe: { zh: '断言应为', en: 'The assertion should be' },
  factUnchanged: { zh: '不变', en: 'unchanged' },
  factCue: { zh: '提示词（可选）', en: 'Cue word (optional)' },
  factCueFromSelection: { zh: '取病历中选中的文字', en: 'Use the text selected in the note' },
  factCueDirection: { zh: '提示词位置', en: 'The cue' },
  factCueDirectionUnknown: { zh: '不确定', en: 'not sure where' },
  factCueBefore: { zh: '在该事实之前', en: 'comes before the fact' },
  factCueAfter: { zh: '在该事实之后', en: 'comes after the fact' },
  factConceptShouldBe: { zh: '概念应为', en: 'The concept should be' },
  factConceptSearch: { zh: '在知识库中搜索', en: 'Search the knowledge base' },
  factConceptFind: { zh: '搜索', en: 'Search' },
  factConceptClear: { zh: '重选', en: 'Choose again' },
  factCorrectionSent: { zh: '已提交知识审核', en: 'Sent for curation' },
  factCorrectionRecorded: {
    zh: '已记录反馈；此条未生成审核候选',
    en: 'Feedback recorded; no curation candidate was made from it',
  },
} as const;

export type StringKey = keyof typeof strings;

/**
 * The record's coded values in words, per language: sex, severity, assertion, appointment and session status, the
 * kind of a timeline event or a resource. A value not listed is shown as it is (and the one-language browser walk,
 * test/e2e/one-language.test.ts, fails on it in Chinese).
 */
const terms = {
  sex: {
    male: { zh: '男', en: 'Male' },
    female: { zh: '女', en: 'Female' },
    other: { zh: '其他', en: 'Other' },
    unknown: { zh: '性别不详', en: 'Sex unknown' },
  },
  severity: {
    info: { zh: '提示', en: 'info' },
    low: { zh: '低', en: 'low' },
    moderate: { zh: '中', en: 'moderate' },
    high: { zh: '高', en: 'high' },
    critical: { zh: '危急', en: 'critical' },
  },
  assertion: {
    present: { zh: '存在', en: 'present' },
    absent: { zh: '否定', en: 'absent' },
    possible: { zh: '可能', en: 'possible' },
    historical: { zh: '既往', en: 'historical' },
    family: { zh: '家族', en: 'family' },
    hypothetical: { zh: '假设', en: 'hypothetical' },
  },
  kind: {
    encounter: { zh: '就诊', en: 'encounter' },
    condition: { zh: '诊断', en: 'condition' },
    medication: { zh: '用药', en: 'medication' },
    procedure: { zh: '操作', en: 'procedure' },
    measurement: { zh: '检查检验', en: 'measurement' },
    imaging: { zh: '影像', en: 'imaging' },
    note: { zh: '文书', en: 'note' },
    genotype: { zh: '基因型', en: 'genotype' },
    allergy: { zh: '过敏', en: 'allergy' },
    symptom: { zh: '症状', en: 'symptom' },
    Patient: { zh: '患者', en: 'Patient' },
    Encounter: { zh: '就诊', en: 'Encounter' },
    Condition: { zh: '诊断', en: 'Condition' },
    Observation: { zh: '观察', en: 'Observation' },
    MedicationRequest: { zh: '医嘱', en: 'MedicationRequest' },
    MedicationStatement: { zh: '用药记录', en: 'MedicationStatement' },
    AllergyIntolerance: { zh: '过敏', en: 'AllergyIntolerance' },
    Procedure: { zh: '操作', en: 'Procedure' },
    Immunization: { zh: '预防接种', en: 'Immunization' },
    CarePlan: { zh: '诊疗计划', en: 'CarePlan' },
    Composition: { zh: '文书', en: 'Composition' },
    ImagingStudy: { zh: '影像', en: 'ImagingStudy' },
    DocumentReference: { zh: '文书', en: 'DocumentReference' },
    DiagnosticReport: { zh: '报告', en: 'DiagnosticReport' },
  },
  ruleGroup: {
    ddi: { zh: '药物相互作用', en: 'interaction' },
    allergy: { zh: '过敏', en: 'allergy' },
    contraindication: { zh: '禁忌', en: 'contraindication' },
    dose: { zh: '剂量', en: 'dose' },
    renal: { zh: '肾功能', en: 'renal' },
    duplicate: { zh: '重复用药', en: 'duplicate' },
    pgx: { zh: '药物基因组', en: 'pharmacogenomic' },
    'critical-value': { zh: '危急值', en: 'critical value' },
  },
  route: {
    oral: { zh: '口服', en: 'oral' },
    intravenous: { zh: '静脉', en: 'intravenous' },
    subcutaneous: { zh: '皮下', en: 'subcutaneous' },
    intramuscular: { zh: '肌内', en: 'intramuscular' },
    inhalation: { zh: '吸入', en: 'inhaled' },
    topical: { zh: '外用', en: 'topical' },
    sublingual: { zh: '舌下', en: 'sublingual' },
    rectal: { zh: '直肠', en: 'rectal' },
  },
  status: {
    proposed: { zh: '待定', en: 'proposed' },
    pending: { zh: '待定', en: 'pending' },
    booked: { zh: '已预约', en: 'booked' },
    arrived: { zh: '已到诊', en: 'arrived' },
    fulfilled: { zh: '已完成', en: 'fulfilled' },
    cancelled: { zh: '已取消', en: 'cancelled' },
    noshow: { zh: '未到诊', en: 'no-show' },
    active: { zh: '进行中', en: 'active' },
    completed: { zh: '已完成', en: 'completed' },
    abandoned: { zh: '已放弃', en: 'abandoned' },
    emergency: { zh: '急诊分流', en: 'emergency' },
  },
} as const satisfies Record<string, Record<string, Record<Lang, string>>>;

export type TermGroup = keyof typeof terms;

/** A coded value of the record in `lang` (`term('severity', 'high', 'zh')` → 高); unknown values as they are. */
export function term(group: TermGroup, value: string | undefined, lang: Lang): string {
  if (value === undefined) return '';
  const t = (terms[group] as Record<string, Record<Lang, string>>)[value];
  return t ? t[lang] : value;
}

interface I18n {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: (k: StringKey) => string;
}

const Ctx = createContext<I18n | null>(null);

/** Chinese when the browser asks for it (or the user chose it), English otherwise. */
export function initialLang(): Lang {
  const saved = localStorage.getItem('medseek.lang');
  if (saved === 'zh' || saved === 'en') return saved;
  return (navigator.languages ?? [navigator.language]).some((l) => l.toLowerCase().startsWith('zh')) ? 'zh' : 'en';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  // The page's language follows the chosen one from the start (index.html says zh): fonts, screen readers, charts.
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang: (l) => {
        localStorage.setItem('medseek.lang', l);
        setLangState(l);
      },
      t: (k) => strings[k][lang],
    }),
    [lang],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
