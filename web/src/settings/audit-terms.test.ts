import { describe, expect, it } from 'vitest';
import { auditAction, auditPrincipal, auditPurpose } from './audit-terms.js';

describe('the audit log in words', () => {
  it('names the actions the server records, and leaves an unknown one to be shown as its code', () => {
    expect(auditAction('settings.update', 'zh')).toBe('修改设置');
    expect(auditAction('diagnose', 'en')).toBe('differential');
    expect(auditAction('frobnicate', 'zh')).toBeUndefined();
    expect(auditPurpose('TREAT', 'zh')).toBe('诊疗');
    expect(auditPurpose('XYZ', 'en')).toBeUndefined();
  });

  it('splits a principal into its kind in words and its id', () => {
    expect(auditPrincipal('user:li.na', 'zh')).toEqual({ kind: '用户', id: 'li.na' });
    expect(auditPrincipal('key:k1:x', 'en')).toEqual({ kind: 'API key', id: 'k1:x' });
    expect(auditPrincipal('demo', 'zh')).toEqual({ kind: '演示模式（无需登录）', id: '' });
    expect(auditPrincipal('someone', 'zh')).toEqual({ id: 'someone' });
    expect(auditPrincipal('mystery:1', 'zh')).toEqual({ id: 'mystery:1' });
  });
});
