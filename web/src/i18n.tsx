import { createContext, type ReactNode, useContext, useMemo, useState } from 'react';

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
  summary: { zh: '出院记录', en: 'Discharge summary' },
  models: { zh: '模型使用', en: 'Model use' },
  consult: { zh: '预问诊', en: 'Pre-consultation' },
  queue: { zh: '预问诊队列', en: 'Queue' },
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
  evidenceFor: { zh: '支持', en: 'For' },
  evidenceAgainst: { zh: '反对', en: 'Against' },
  missingExpected: { zh: '应有而未见', en: 'Expected but absent' },
  causalPaths: { zh: '因果路径', en: 'Causal paths' },
  apiKey: { zh: 'API 密钥', en: 'API key' },
} as const;

export type StringKey = keyof typeof strings;

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
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang: (l) => {
        localStorage.setItem('medseek.lang', l);
        document.documentElement.lang = l === 'zh' ? 'zh' : 'en';
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
