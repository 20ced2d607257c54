import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

describe('logger', () => {
  it('redacts credentials wherever a log line carries request headers or secrets', () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (s: string) => void lines.push(s) });
    log.info(
      {
        req: {
          headers: { authorization: 'Bearer msk_secret1', 'x-api-key': 'msk_secret2', accept: 'application/fhir+json' },
        },
      },
      'request',
    );
    log.info({ headers: { authorization: 'Bearer eyJ.secret3.x' }, token: 'secret4', apiKeys: ['secret5'] }, 'other');
    const text = lines.join('');
    for (const secret of ['secret1', 'secret2', 'secret3', 'secret4', 'secret5']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
    expect(text).toContain('application/fhir+json');
  });
});
