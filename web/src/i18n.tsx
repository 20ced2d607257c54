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
  signBlocked: { zh: '存在矛盾陈述或遗漏关键信息，不能签名', en: 'Sign-off is blocked: a claim is contradicted or a critical fact is omitted' },
  signed: { zh: '已签名并保存', en: 'Signed and saved' },
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
