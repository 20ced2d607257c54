import { describe, expect, it } from 'vitest';
import { FOLLOW_UP_LINK_PATHS, followUpLinkExpiry } from './followup-link.js';

describe('a follow-up link’s lifetime', () => {
  const now = new Date('2026-01-10T08:00:00Z');

  it('lasts until the last dated item plus 14 days', () => {
    expect(followUpLinkExpiry(['2026-01-17', '2026-02-20', '2026-01-12'], now).toISOString()).toBe(
      '2026-03-06T23:59:59.000Z',
    );
  });

  it('is never shorter than 14 days from now (a plan that is over, or has no dated item)', () => {
    expect(followUpLinkExpiry(['2024-03-07'], now).toISOString()).toBe('2026-01-24T08:00:00.000Z');
    expect(followUpLinkExpiry([], now).toISOString()).toBe('2026-01-24T08:00:00.000Z');
  });

  it('is never longer than 180 days from now', () => {
    expect(followUpLinkExpiry(['2027-01-01'], now).toISOString()).toBe('2026-07-09T08:00:00.000Z');
  });

  it('opens the patient’s follow-up page and readings only', () => {
    expect(['/api/followup/me', '/api/followup/me/readings'].every((p) => FOLLOW_UP_LINK_PATHS.test(p))).toBe(true);
    for (const p of ['/api/followup/mex', '/api/followup/alerts', '/api/patient-links/me', '/api/consult'])
      expect(FOLLOW_UP_LINK_PATHS.test(p)).toBe(false);
  });
});
