import type { ErrorType } from '../core/index.js';

/**
 * Error types of generated clinical text, from docs/domain/discharge-summary.md §4.2 (built on
 * Asgari et al. 2025, Hegselmann et al. 2024, MEDEC). `major` = could change diagnosis or management.
 */
export const errorTypes = {
  E01: { en: 'fabrication: not in the record', zh: '虚构：病历中无此内容', major: true },
  E02: { en: 'negation flip', zh: '否定/肯定颠倒', major: true },
  E03: { en: 'dose differs from the record', zh: '剂量与病历不符', major: true },
  E04: { en: 'unit error', zh: '单位错误', major: true },
  E05: { en: 'frequency, route or duration differs', zh: '频次、途径或疗程不符', major: true },
  E06: { en: 'laterality or site differs', zh: '左右侧别或部位不符', major: true },
  E07: { en: 'date or duration differs', zh: '时间或病程不符', major: true },
  E08: { en: 'certainty differs (suspected vs confirmed)', zh: '确定程度不符（疑似与确诊）', major: true },
  E09: { en: 'attributed to the wrong person', zh: '主体错误（家族史误作本人）', major: true },
  E10: { en: 'unsupported causal link', zh: '因果关系无依据', major: false },
  E11: {
    en: 'contextual mixing: content in the wrong section',
    zh: '内容错置（如住院用药或已停药物列为出院带药）',
    major: false,
  },
  E12: { en: 'critical fact omitted', zh: '遗漏关键信息', major: true },
  E13: { en: 'unsafe advice (contradicts medical knowledge)', zh: '不安全的医嘱建议（违背医学常识）', major: true },
  E14: { en: 'value differs from the structured record', zh: '数值与结构化记录不符', major: true },
  E15: { en: 'new information not in the record', zh: '病历中没有的新信息', major: false },
} as const satisfies Record<ErrorType, { en: string; zh: string; major: boolean }>;

/** Defined in core (Claim.errorType), where the table above is checked against it. */
export type { ErrorType };

/** The types the zero-tolerance gate machine-checks before sign-off (discharge-summary.md §4.3). */
export const criticalErrorTypes: readonly ErrorType[] = ['E02', 'E03', 'E04', 'E05', 'E06', 'E08', 'E09', 'E12'];
