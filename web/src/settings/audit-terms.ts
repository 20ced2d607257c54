import type { Lang } from '../i18n.js';

/**
 * The audit log's action codes (what the server records: `read`, `settings.update`, `kg.activate`…) and HL7 v3
 * PurposeOfUse codes in words. An action or purpose not listed is shown as its code (`<code>`), never guessed.
 */
const ACTIONS: Readonly<Record<string, Record<Lang, string>>> = {
  read: { zh: '读取', en: 'read' },
  search: { zh: '检索', en: 'search' },
  diagnose: { zh: '鉴别诊断', en: 'differential' },
  compose: { zh: '生成出院记录', en: 'summary composed' },
  verify: { zh: '核查', en: 'verified' },
  sign: { zh: '签名', en: 'signed' },
  accept: { zh: '采纳', en: 'accepted' },
  'accept-claim': { zh: '确认陈述', en: 'statement accepted' },
  feedback: { zh: '反馈', en: 'feedback' },
  'alert-decision': { zh: '警示处理', en: 'alert decision' },
  create: { zh: '创建', en: 'create' },
  update: { zh: '更新', en: 'update' },
  patch: { zh: '局部修改', en: 'patch' },
  delete: { zh: '删除', en: 'delete' },
  transaction: { zh: '事务', en: 'transaction' },
  export: { zh: '导出', en: 'export' },
  revoke: { zh: '撤销', en: 'revoked' },
  consent: { zh: '知情同意', en: 'consent' },
  subscribe: { zh: '订阅', en: 'subscribe' },
  denied: { zh: '拒绝访问', en: 'access denied' },
  login: { zh: '登录', en: 'log in' },
  'login-oidc': { zh: '单点登录', en: 'single sign-on' },
  logout: { zh: '退出登录', en: 'log out' },
  password: { zh: '修改密码', en: 'password changed' },
  backup: { zh: '备份', en: 'backup' },
  'models.test': { zh: '测试模型', en: 'model tested' },
  'settings.update': { zh: '修改设置', en: 'settings changed' },
  'settings.revert': { zh: '恢复设置', en: 'settings reverted' },
  'user.create': { zh: '新建用户', en: 'user created' },
  'user.update': { zh: '修改用户', en: 'user changed' },
  'user.password': { zh: '重置用户密码', en: 'user password reset' },
  'user.unlock': { zh: '解锁用户', en: 'user unlocked' },
  'key.create': { zh: '新建 API 密钥', en: 'API key created' },
  'key.revoke': { zh: '吊销 API 密钥', en: 'API key revoked' },
  'kg.import': { zh: '导入知识库', en: 'knowledge imported' },
  'kg.build': { zh: '构建知识库', en: 'knowledge built' },
  'kg.activate': { zh: '启用知识库版本', en: 'knowledge release activated' },
  'kg.curate': { zh: '审校知识', en: 'knowledge curated' },
  'kg.retract': { zh: '撤回知识', en: 'knowledge retracted' },
  'smart-launch': { zh: 'SMART 启动', en: 'SMART launch' },
  'smart-authorize': { zh: 'SMART 授权', en: 'SMART authorisation' },
  'smart-pull': { zh: 'SMART 拉取', en: 'SMART pull' },
};

const PURPOSES: Readonly<Record<string, Record<Lang, string>>> = {
  TREAT: { zh: '诊疗', en: 'treatment' },
  ETREAT: { zh: '急诊诊疗', en: 'emergency treatment' },
  HOPERAT: { zh: '医疗运营', en: 'healthcare operations' },
  HPAYMT: { zh: '医疗费用', en: 'payment' },
  PATRQT: { zh: '患者申请', en: 'patient request' },
  HRESCH: { zh: '医疗研究', en: 'research' },
  PUBHLTH: { zh: '公共卫生', en: 'public health' },
};

/** The actions one can filter on, in the table's order; `x.*` is every action of that family. */
export const ACTION_FILTERS: readonly string[] = [...Object.keys(ACTIONS), 'settings.*', 'user.*', 'key.*', 'kg.*'];

const FAMILIES: Readonly<Record<string, Record<Lang, string>>> = {
  'settings.*': { zh: '设置的全部操作', en: 'any settings change' },
  'user.*': { zh: '用户管理的全部操作', en: 'any user management' },
  'key.*': { zh: 'API 密钥的全部操作', en: 'any API key change' },
  'kg.*': { zh: '知识库的全部操作', en: 'any knowledge change' },
};

/** The kinds of principal one can filter on (the prefix of the principal id). */
export const PRINCIPAL_KINDS: readonly string[] = ['user', 'key', 'jwt', 'link', 'smart', 'cli', 'demo'];

/** An action code in words, or undefined when it is not one the workspace knows (shown as its code). */
export function auditAction(code: string, lang: Lang): string | undefined {
  return (ACTIONS[code] ?? FAMILIES[code])?.[lang];
}

/** A PurposeOfUse code in words, or undefined when unknown. */
export function auditPurpose(code: string, lang: Lang): string | undefined {
  return PURPOSES[code]?.[lang];
}

/** Who an audit principal id names (`user:…`, `key:…`, `demo`…): its kind in words and the id proper. */
export function auditPrincipal(principal: string, lang: Lang): { kind?: string; id: string } {
  const [prefix = '', ...rest] = principal.split(':');
  const id = rest.join(':');
  if (principal === 'demo') return { kind: principalKind('demo', lang), id: '' };
  const kind = rest.length ? KINDS[prefix]?.[lang] : undefined;
  return kind ? { kind, id } : { id: principal };
}

/** A principal kind (`user`, `key`…) in words. */
export function principalKind(kind: string, lang: Lang): string {
  return KINDS[kind]?.[lang] ?? kind;
}

const KINDS: Readonly<Record<string, Record<Lang, string>>> = {
  user: { zh: '用户', en: 'user' },
  key: { zh: 'API 密钥', en: 'API key' },
  'key-hash': { zh: 'API 密钥', en: 'API key' },
  env: { zh: '配置文件中的 API 密钥', en: 'configured API key' },
  jwt: { zh: '令牌', en: 'token' },
  link: { zh: '患者链接', en: 'patient link' },
  smart: { zh: 'SMART 应用', en: 'SMART app' },
  cli: { zh: '命令行', en: 'command line' },
  demo: { zh: '演示模式（无需登录）', en: 'demo mode (no login)' },
};
