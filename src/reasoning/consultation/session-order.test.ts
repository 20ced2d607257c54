import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../diagnosis/index.js';
import { respiratoryModel } from './__fixtures__/respiratory.js';
import { defaultRedFlags, followUpsInOrder, redFlagChecksFor } from './redflags.js';
import type { ConsultContext, StepResult } from './session.js';
import { answerSession, startSession } from './session.js';

/**
 * Issue 13, the order of the red-flag checks: the check the complaint's words point to most directly comes first
 * (fever with spots: the non-blanching rash before confusion or breathlessness), and within a flag the danger
 * sign the complaint names comes before the others, so a non-blanching rash told in the first answer falls
 * within the two-answer window.
 */
const net = compileNetwork(respiratoryModel);
const ctx: ConsultContext = { net, now: () => '2026-12-07T08:30:00.000Z', policy: { maxQuestions: 6 } };
const checks = (text: string) => redFlagChecksFor(text).map((f) => f.id);

function start(complaint: string, lang: 'zh' | 'en', age = 4): StepResult {
  return startSession(ctx, { id: 's', kb: net.model.id, lang, complaint, age, sex: 'male' });
}

describe('checks ordered by how directly the complaint points to them', () => {
  it.each([
    ['孩子发烧两天，身上起了些红点'],
    ['发烧，出疹子了'],
    ['高烧，腿上有皮疹'],
    ['my son has a fever and a rash'],
    ['fever and spots on her legs'],
  ])('"%s" checks the rash first', (complaint) => {
    expect(checks(complaint)[0]).toBe('fever-rash');
  });

  it('fever alone keeps the most urgent order (confusion first)', () => {
    expect(checks('发烧两天')).toEqual(['altered-consciousness', 'severe-breathlessness', 'fever-rash']);
  });

  it('cough with fever asks breathlessness before confusion', () => {
    expect(checks('咳嗽发烧三天')[0]).toBe('severe-breathlessness');
  });
});

describe('the danger sign the complaint names is asked first', () => {
  const feverRash = defaultRedFlags().flags.find((f) => f.id === 'fever-rash')!;
  const order = (words: string) => followUpsInOrder(feverRash, words).map((u) => u.id);

  it('spots put the rash sign before the stiff neck; otherwise the data order holds', () => {
    expect(order('发烧，身上起了红点')).toEqual(['non-blanching-rash', 'stiff-neck']);
    expect(order('fever with a rash')).toEqual(['non-blanching-rash', 'stiff-neck']);
    expect(order('发烧头痛')).toEqual(['stiff-neck', 'non-blanching-rash']);
  });

  it('fever with spots asks the non-blanching rash first, and a rash that stays red exits on the first answer', () => {
    const s = start('孩子发烧两天，身上起了些红点', 'zh');
    expect(s.state.pending).toBe('rf:fever-rash/non-blanching-rash');
    const next = answerSession(ctx, s.state, '按下去还是红的，不褪色');
    expect(next.reply.kind).toBe('emergency');
    expect(next.state.redFlags.positive).toContain('fever-rash');
  });

  it('a rash that fades when pressed is not the flag: the stiff neck is asked next', () => {
    const s = start('fever and a blotchy rash on his tummy', 'en');
    expect(s.state.pending).toBe('rf:fever-rash/non-blanching-rash');
    const next = answerSession(ctx, s.state, 'no, it fades when I press it');
    expect(next.state.status).toBe('active');
    expect(next.state.pending).toBe('rf:fever-rash/stiff-neck');
  });
});
