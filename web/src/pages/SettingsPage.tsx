import { useI18n } from '../i18n.js';
import { AlertBurdenSection } from '../settings/AlertBurdenSection.js';
import { AuditSection } from '../settings/AuditSection.js';
import { CalibrationSection } from '../settings/CalibrationSection.js';
import { FhirSourceSection } from '../settings/FhirSourceSection.js';
import { KeysSection } from '../settings/KeysSection.js';
import { KnowledgeSection } from '../settings/KnowledgeSection.js';
import { LearningSection } from '../settings/LearningSection.js';
import { ModelsSection } from '../settings/ModelsSection.js';
import { RulesSection } from '../settings/RulesSection.js';
import { UsersSection } from '../settings/UsersSection.js';

const SECTIONS = [
  { id: 'fhir', zh: 'FHIR 数据源', en: 'FHIR source', view: FhirSourceSection },
  { id: 'models', zh: '模型', en: 'Models', view: ModelsSection },
  { id: 'rules', zh: '规则', en: 'Rules', view: RulesSection },
  { id: 'alert-burden', zh: '警报负担', en: 'Alert burden', view: AlertBurdenSection },
  { id: 'knowledge', zh: '知识库版本', en: 'Knowledge releases', view: KnowledgeSection },
  { id: 'calibration', zh: '概率校准', en: 'Calibration', view: CalibrationSection },
  { id: 'learning', zh: '学习', en: 'Learning', view: LearningSection },
  { id: 'users', zh: '用户', en: 'Users', view: UsersSection },
  { id: 'keys', zh: 'API 密钥', en: 'API keys', view: KeysSection },
  { id: 'audit', zh: '审计日志', en: 'Audit log', view: AuditSection },
] as const;

/** Settings an administrator can change (FHIR source, models, rules, knowledge, users and keys, audit); `#/settings/<section>`. */
export function SettingsPage({ section }: { section?: string }) {
  const { lang } = useI18n();
  const zh = lang === 'zh';
  const current = SECTIONS.find((s) => s.id === section) ?? SECTIONS[0];
  const View = current.view;
  return (
    <section className="page settings">
      <h1>{zh ? '设置' : 'Settings'}</h1>
      <div className="tabs" role="tablist" aria-label={zh ? '设置' : 'Settings'}>
        {SECTIONS.map((s) => (
          <a key={s.id} role="tab" href={`#/settings/${s.id}`} aria-selected={s.id === current.id}>
            {zh ? s.zh : s.en}
          </a>
        ))}
      </div>
      <View key={current.id} />
    </section>
  );
}
