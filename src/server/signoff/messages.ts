import type { Lang } from '../../core/index.js';

/** Why a draft cannot be used with this request (HTTP 409): each with a message in zh and en. */
export type DraftRefusal =
  | 'draft-patient-mismatch'
  | 'draft-encounter-mismatch'
  | 'draft-lang-mismatch'
  | 'draft-signed';

/**
 * The language to answer a person in: the first of zh/en in `Accept-Language` by its q-value (the
 * workspace sends its interface language there), else the request's `lang`, else Chinese.
 */
export function messageLang(acceptLanguage: string | undefined, bodyLang?: unknown): Lang {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q.slice(2)) : 1, i };
    })
    .filter((x) => x.tag && Number.isFinite(x.q) && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return bodyLang === 'en' ? 'en' : 'zh';
}

const langName = (l: Lang, in_: Lang) =>
  in_ === 'zh' ? (l === 'zh' ? '中文' : '英文') : l === 'zh' ? 'Chinese' : 'English';

export function refusalMessage(
  code: DraftRefusal,
  lang: Lang,
  d: {
    patientId: string;
    draftEncounter?: string;
    requestEncounter?: string;
    draftLang?: Lang;
    requestLang?: Lang;
    signedAt?: string;
    documentReference?: string;
  },
): string {
  const none = lang === 'zh' ? '未指定' : 'none';
  switch (code) {
    case 'draft-patient-mismatch':
      return lang === 'zh'
        ? `此出院记录草稿是为另一位患者生成的，不能在当前患者（${d.patientId}）名下核查或签名。请在本患者页面重新生成出院记录。`
        : `This discharge-summary draft was written for another patient; it cannot be verified or signed under patient ${d.patientId}. Generate the summary again on this patient's page.`;
    case 'draft-encounter-mismatch':
      return lang === 'zh'
        ? `此草稿属于住院 ${d.draftEncounter ?? none}，而本次请求的住院为 ${d.requestEncounter ?? none}，不能签名。请为该次住院重新生成出院记录。`
        : `This draft is for encounter ${d.draftEncounter ?? none}, but the request names encounter ${d.requestEncounter ?? none}; it cannot be signed. Generate the summary again for that encounter.`;
    case 'draft-lang-mismatch':
      return lang === 'zh'
        ? `此草稿为${langName(d.draftLang ?? 'zh', 'zh')}出院记录，请求语言为${langName(d.requestLang ?? 'zh', 'zh')}。请按草稿语言签名，或重新生成。`
        : `This draft is a ${langName(d.draftLang ?? 'zh', 'en')} summary but the request says ${langName(d.requestLang ?? 'zh', 'en')}. Sign it in its own language or generate it again.`;
    case 'draft-signed':
      return lang === 'zh'
        ? `此草稿已于 ${d.signedAt ?? ''} 签名（${d.documentReference ?? ''}），不能再次签名。如需修改，请重新生成。`
        : `This draft was signed at ${d.signedAt ?? ''} (${d.documentReference ?? ''}); it cannot be signed again. Generate a new one to amend it.`;
  }
}
