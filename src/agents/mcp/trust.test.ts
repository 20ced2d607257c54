import { describe, expect, it } from 'vitest';
import { untrustedPrincipals } from './trust.js';

describe('MEDSEEK_MCP_UNTRUSTED', () => {
  it('marks the listed principals untrusted, and nobody when unset', () => {
    const untrusted = untrustedPrincipals({ MEDSEEK_MCP_UNTRUSTED: ' key:abc , jwt:agent-7 ' });
    expect(['key:abc', 'jwt:agent-7', 'key:other', 'demo'].map(untrusted)).toEqual([true, true, false, false]);
    expect(untrustedPrincipals({})('key:abc')).toBe(false);
  });

  it('marks every caller untrusted with *', () => {
    expect(untrustedPrincipals({ MEDSEEK_MCP_UNTRUSTED: '*' })('user:1')).toBe(true);
  });

  it('refuses what is not a principal id, naming the variable', () => {
    expect(() => untrustedPrincipals({ MEDSEEK_MCP_UNTRUSTED: 'key:abc,abc' })).toThrow(
      /field MEDSEEK_MCP_UNTRUSTED: 'abc' is not a principal id/,
    );
  });
});
