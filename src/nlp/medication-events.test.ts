import { describe, expect, it } from 'vitest';
import type { Fact } from '../core/index.js';
import { builtinLexicon } from './builtin-lexicon.js';
import { extractFacts } from './extract.js';
import {
  annotateMedicationEvents,
  type MedicationCue,
  medicationCuesIn,
  medicationEventsOf,
  parseMedicationCueRules,
} from './medication-events.js';
import { scanNote } from './scanner.js';

/** The medication facts of a text with the cues on each, by the drug's quote. */
function cues(text: string, anchorDate = '2024-05-02'): { quote: string; fact: Fact; cues: MedicationCue[] }[] {
  return extractFacts(text, { anchorDate, patientId: 'p' })
    .facts.filter((f) => f.category === 'medication')
    .map((f) => {
      const s = f.sources[0]!;
      return { quote: s.kind === 'text' ? (s.quote ?? '') : '', fact: f, cues: medicationEventsOf(f) };
    });
}

const kinds = (text: string) => Object.fromEntries(cues(text).map((m) => [m.quote, m.cues.map((c) => c.kind)]));

describe('medication-change cues (zh)', () => {
  it('reads a stop before or after the drug, and only for the drug in its scope', () => {
    expect(kinds('停用螺内酯。')).toEqual({ 螺内酯: ['stopped'] });
    expect(kinds('螺内酯已停用。')).toEqual({ 螺内酯: ['stopped'] });
    // "并" ends the stop's scope; the next clause has its own cue.
    expect(kinds('停用螺内酯并予降钾处理，继续呋塞米利尿。')).toEqual({ 螺内酯: ['stopped'], 呋塞米: ['continued'] });
    // A list with 、 shares the cue.
    expect(kinds('停用阿司匹林、氯吡格雷。')).toEqual({ 阿司匹林: ['stopped'], 氯吡格雷: ['stopped'] });
  });

  it('gives the reason written before the stop, or in brackets after it', () => {
    const [m] = cues('2024-03-02出现高钾血症（血钾6.8mmol/L），停用螺内酯并予降钾处理。');
    expect(m?.cues[0]).toMatchObject({ kind: 'stopped', cue: '停用', time: '2024-03-02', reasonKind: 'condition' });
    expect(m?.cues[0]?.reason).toContain('高钾血症');
    const [w] = cues('华法林暂停（INR 4.5），2天后恢复华法林2mg每日一次。');
    expect(w?.cues[0]).toMatchObject({ kind: 'held', reason: 'INR 4.5', reasonKind: 'value' });
    expect(cues('华法林暂停（INR 4.5），2天后恢复华法林2mg每日一次。')[1]?.cues[0]?.kind).toBe('resumed');
    expect(cues('地高辛0.125mg qd，因心率慢暂停。')[0]?.cues[0]).toMatchObject({ kind: 'held', reason: '心率慢' });
  });

  it('reads one-time orders: 一次, st, 临时医嘱, and a later 未再使用 on the same drug', () => {
    expect(kinds('予布洛芬0.2g口服一次，之后未再使用。')).toEqual({ 布洛芬: ['one-off', 'stopped'] });
    expect(kinds('临时医嘱：地塞米松5mg静推st。')).toEqual({ 地塞米松: ['one-off'] });
    expect(kinds('氨氯地平5mg每日一次，继续服用。')).toEqual({ 氨氯地平: ['continued'] });
    // Two cues for one dose are one event; a push with no frequency is one dose, with one it is a regimen.
    expect(kinds('予布洛芬混悬液0.2g口服一次（临时医嘱）。')).toEqual({ 布洛芬: ['one-off'] });
    expect(kinds('予呋塞米20mg静推，尿量增加。')).toEqual({ 呋塞米: ['one-off'] });
    expect(kinds('予呋塞米20mg静脉注射每日两次。')).toEqual({ 呋塞米: [] });
  });

  it('reads a loading dose then a dose change, with each dose', () => {
    const [m] = cues('氯吡格雷负荷量300mg后改为75mg每日一次。');
    expect(m?.cues.map((c) => c.kind)).toEqual(['one-off', 'dose-changed']);
    expect(m?.cues[0]?.dosage?.dose).toMatchObject({ value: 300, unit: 'mg' });
    expect(m?.cues[1]?.dosage).toMatchObject({ dose: { value: 75, unit: 'mg' }, frequency: { code: 'QD' } });
    const [f] = cues('呋塞米减量至20mg每日一次。');
    expect(f?.cues[0]).toMatchObject({ kind: 'dose-changed', dosage: { dose: { value: 20, unit: 'mg' } } });
  });

  it('reads a switch: the new drug starts, the one it replaces stops', () => {
    expect(kinds('阿托伐他汀不耐受，换用瑞舒伐他汀10mg每晚一次。')).toEqual({
      阿托伐他汀: ['stopped'],
      瑞舒伐他汀: ['started'],
    });
    // The drug kept in the clause before is not the one replaced.
    expect(kinds('继续阿司匹林100mg每日一次，改用替格瑞洛90mg每日两次。')).toEqual({
      阿司匹林: ['continued'],
      替格瑞洛: ['started'],
    });
  });

  it('treats drugs given in an urgent-treatment note without a frequency as given once, with the critical value as reason', () => {
    const text =
      '危急值处理记录\n检验科报告危急值：血钾6.8mmol/L。\n处理：予葡萄糖酸钙10ml静推，胰岛素静滴；呋塞米20mg静推每日两次。';
    const got = Object.fromEntries(cues(text).map((m) => [m.quote, m.cues]));
    expect(got.葡萄糖酸钙?.[0]).toMatchObject({ kind: 'one-off', reason: '血钾6.8mmol/L' });
    expect(got.胰岛素?.[0]?.kind).toBe('one-off');
    // A frequency means a regimen, not a single dose.
    expect(got.呋塞米).toEqual([]);
  });

  it('marks the discharge order list; a stop inside it stays a stop', () => {
    const text = '出院医嘱：1. 华法林3mg每日一次；2. 停用螺内酯；3. 心内科门诊随访。';
    const got = cues(text);
    expect(got.every((m) => m.fact.qualifiers?.dischargeList === 'true')).toBe(true);
    expect(Object.fromEntries(got.map((m) => [m.quote, m.cues.map((c) => c.kind)]))).toEqual({
      华法林: [],
      螺内酯: ['stopped'],
    });
  });

  it('does not fire on frequencies, conditionals, denials or plain drug mentions', () => {
    expect(kinds('二甲双胍0.5g每日一次，阿托伐他汀20mg每晚1次。')).toEqual({ 二甲双胍: [], 阿托伐他汀: [] });
    expect(kinds('如出现黑便，停用华法林并及时就诊。')).toEqual({ 华法林: [] });
    expect(kinds('否认服用华法林。')).toEqual({ 华法林: [] });
    expect(kinds('第一次服用阿司匹林后出现皮疹。')).toEqual({ 阿司匹林: [] });
    expect(kinds('含服硝酸甘油后ST段回落。')).toEqual({ 硝酸甘油: [] });
    expect(kinds('继续二甲双胍降糖（造影前后按规定停用）。')).toEqual({ 二甲双胍: ['continued'] });
    // Infused with no frequency outside urgent treatment: a course loosely described, not a single dose.
    expect(kinds('病程记录\n予头孢曲松2g静滴抗感染，体温下降。')).toEqual({ 头孢曲松: [] });
  });
});

describe('medication-change cues (en)', () => {
  it('reads stops, holds and resumes with their reasons', () => {
    const [l] = cues('Lisinopril was discontinued due to hyperkalemia.');
    expect(l?.cues[0]).toMatchObject({
      kind: 'stopped',
      cue: 'discontinued',
      reason: 'hyperkalemia',
      reasonKind: 'condition',
    });
    const [held, resumed] = cues('Held warfarin for bleeding; resumed warfarin 2 mg daily on day 5.');
    expect(held?.cues[0]).toMatchObject({ kind: 'held', reason: 'bleeding' });
    expect(resumed?.cues[0]?.kind).toBe('resumed');
    // A sentence that opens with a cue continues the drug of the one before it.
    expect(cues('Aspirin held prior to procedure; resumed post-op day 1.')[0]?.cues).toMatchObject([
      { kind: 'held', reason: 'procedure' },
      { kind: 'resumed' },
    ]);
  });

  it('reads single doses, dose changes and switches', () => {
    expect(cues('Given ibuprofen 400 mg PO x1 for pain.')[0]?.cues[0]).toMatchObject({
      kind: 'one-off',
      cue: 'x1',
      reason: 'pain',
    });
    expect(cues('Metoprolol increased to 50 mg BID.')[0]?.cues[0]).toMatchObject({
      kind: 'dose-changed',
      dosage: { dose: { value: 50, unit: 'mg' }, frequency: { code: 'BID' } },
    });
    expect(kinds('Switched from atorvastatin to rosuvastatin 10 mg daily because of myalgia.')).toEqual({
      atorvastatin: ['stopped'],
      rosuvastatin: ['started'],
    });
    expect(kinds('Started on heparin drip, then transitioned to apixaban 5 mg BID.')).toEqual({
      heparin: ['started', 'stopped'],
      apixaban: ['started'],
    });
    expect(cues('Received one dose of ceftriaxone 1 g IV in the ED.')[0]?.cues[0]).toMatchObject({
      kind: 'one-off',
      dosage: { dose: { value: 1, unit: 'g' } },
    });
  });

  it('marks a discharge medication list and a stop written in it', () => {
    const got = cues(
      'Discharge Medications:\n1. Warfarin 5 mg PO daily\n2. Metoprolol 25 mg PO BID\nStop spironolactone.',
    );
    expect(got.map((m) => m.fact.qualifiers?.dischargeList)).toEqual(['true', 'true', 'true']);
    expect(got.map((m) => m.cues.map((c) => c.kind))).toEqual([[], [], ['stopped']]);
    // A bracket that is only a cue is the listed drug's; "(new; replaces lisinopril)" stops the other.
    expect(
      kinds(
        'Discharge orders:\n1. Metformin 1000 mg PO BID (resume).\n2. Amlodipine 5 mg PO daily (new; replaces lisinopril).',
      ),
    ).toEqual({ Metformin: ['resumed'], Amlodipine: ['started'], lisinopril: ['stopped'] });
  });

  it('does not take patient advice under "Discharge instructions" for a medication list', () => {
    const got = extractFacts(
      'MEDICATIONS:\naspirin 81 mg daily\n\nDISCHARGE INSTRUCTIONS: Return if fever or vomiting.',
      { patientId: 'p' },
    ).facts;
    expect(got.some((f) => f.qualifiers?.dischargeList)).toBe(false);
  });

  it('does not fire on once daily, symptoms that stopped, conditionals or durations', () => {
    expect(kinds('Metformin 500 mg once daily.')).toEqual({ Metformin: [] });
    expect(kinds('Chest pain stopped after nitroglycerin.')).toEqual({ nitroglycerin: [] });
    expect(kinds('If INR > 4, hold warfarin.')).toEqual({ warfarin: [] });
    expect(cues('Amoxicillin 500 mg TID for 7 days.')[0]?.cues).toEqual([]);
  });
});

describe('medicationCuesIn (an order’s own note)', () => {
  it('reads a loading dose and the dose after it', () => {
    const got = medicationCuesIn('PCI术前负荷量300mg后改为75mg每日一次');
    expect(got.map((c) => [c.kind, c.dosage?.dose?.value])).toEqual([
      ['one-off', 300],
      ['dose-changed', 75],
    ]);
    expect(got[1]?.reason).toBeUndefined();
  });

  it('reads a dated stop with its reason', () => {
    expect(medicationCuesIn('2024-02-22 血钾6.5mmol/L，停用')).toEqual([
      { kind: 'stopped', cue: '停用', reason: '血钾6.5mmol/L', reasonKind: 'value', time: '2024-02-22' },
    ]);
    expect(medicationCuesIn('Held 3/4 for INR 5.1')[0]).toMatchObject({ kind: 'held', reason: 'INR 5.1' });
    expect(medicationCuesIn('')).toEqual([]);
  });
});

describe('cue list', () => {
  it('names the line of a bad row', () => {
    expect(() => parseMedicationCueRules('停用\tstopped\tforward\n暂停\tpaused\tforward')).toThrow(
      /line 2: unknown kind 'paused'/,
    );
    expect(() => parseMedicationCueRules('停用\tstopped')).toThrow(/line 1: expected trigger, kind, direction/);
  });

  it('reads nothing from a fact without cues or with unreadable ones', () => {
    expect(medicationEventsOf({})).toEqual([]);
    expect(medicationEventsOf({ qualifiers: { medEvents: '{not json' } })).toEqual([]);
  });
});

describe('annotateMedicationEvents given the note scan cue hits', () => {
  it('reads the same cues as from its own scan of each sentence, words running across a sentence end included', () => {
    const notes = [
      '2024-02-22出现高钾血症（血钾6.5mmol/L），停用螺内酯。改用呋塞米20mg qd。',
      'Aspirin held prior to procedure; resumed post-op day 1. Warfarin 5 mg x1 given.',
      '继续阿司匹林，改用替格瑞洛90mg bid；停用氯吡格雷。如出现出血，停用华法林。',
      'Metoprolol 25mg bid.Continue lisinopril 10mg daily;stop HCTZ.x1 dose of furosemide IV push',
    ];
    for (const text of notes) {
      const { facts, sections, sentences } = extractFacts(text, { anchorDate: '2024-05-02' });
      const lang = /[\u4e00-\u9fff]/.test(text) ? 'zh' : 'en';
      const cueHits = scanNote(text, builtinLexicon(), lang).medicationCues;
      expect(cueHits.length).toBeGreaterThan(0);
      const own = annotateMedicationEvents(text, facts, { sections, sentences, anchorDate: '2024-05-02' });
      const shared = annotateMedicationEvents(text, facts, { sections, sentences, anchorDate: '2024-05-02', cueHits });
      expect(shared, text).toEqual(own);
      expect(own.some((f) => f.qualifiers?.medEvents)).toBe(true);
    }
  });
});
