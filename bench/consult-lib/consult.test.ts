import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import answersBench from '../consult-answers.js';
import redflagsBench from '../consult-redflags.js';
import type { AnswerItem, QuestionSpec, Reader, Reading } from './answers.js';
import {
  durationDays,
  failureList,
  otherFindings,
  parseAnswerItems,
  parseQuestions,
  readAll,
  scoreItem,
  severityClass,
  summariseAnswers,
  withItemQuestions,
} from './answers.js';
import type { ConsultEngine, EngineStep, RedFlagCase } from './redflags.js';
import { parseRedFlagCases, playCase, summariseRedFlags } from './redflags.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const questions = parseQuestions(readFileSync(fixture('questions.json'), 'utf8'));
const reading = (r: Partial<Reading> & Pick<Reading, 'value'>): Reading => ({
  present: [],
  absent: [],
  extra: [],
  ...r,
});
const item = (o: Partial<AnswerItem>): AnswerItem => ({
  id: 'x',
  category: 'plain',
  lang: 'zh',
  question: 'E_201',
  text: '是',
  value: 'yes',
  ...o,
});
const spec = (id: string): QuestionSpec => questions.get(id)!;

describe('consult-answers scoring', () => {
  it('rejects a malformed item, naming the line and the field', () => {
    expect(() =>
      parseAnswerItems(
        '{"id":"a","category":"plain","lang":"zh","question":"E_201","text":"是","value":"maybe"}',
        questions,
      ),
    ).toThrow(/line 1: value must be one of/);
    expect(() =>
      parseAnswerItems(
        '{"id":"a","category":"plain","lang":"zh","question":"E_999","text":"是","value":"yes"}',
        questions,
      ),
    ).toThrow(/question 'E_999' is not in the question list/);
    expect(() =>
      parseAnswerItems(
        '{"id":"a","category":"plain","lang":"fr","question":"E_201","text":"oui","value":"yes"}',
        questions,
      ),
    ).toThrow(/lang must be/);
  });

  it('compares only the other findings: the own question, release prefixes and tolerated ids drop out', () => {
    expect(otherFindings(['ddxplus:E_201', 'ddxplus:E_97', 'E_55@V_1'], 'ddxplus:E_201', ['E_55@*'])).toEqual(['E_97']);
    // A red-flag check asked under the session's id: its echo is the question's own finding.
    expect(
      scoreItem(
        item({ question: 'E_201', text: '有' }),
        spec('E_201'),
        reading({ value: 'yes', present: ['rf:chest-pain'] }),
        undefined,
        'rf:chest-pain',
      ).findingsOk,
    ).toBe(true);
    const ok = scoreItem(
      item({ text: '不咳嗽但是嗓子疼', value: 'no', present: ['E_97'] }),
      spec('E_201'),
      reading({ value: 'no', present: ['ddxplus:E_97', 'ddxplus:E_53'], absent: ['ddxplus:E_201'] }),
    );
    // E_53 (generic pain) is implied by the sore throat the item names.
    expect(ok.valueOk && ok.findingsOk).toBe(true);
    const missing = scoreItem(
      item({ text: '不咳嗽但是嗓子疼', value: 'no', present: ['E_97'] }),
      spec('E_201'),
      reading({ value: 'no' }),
    );
    expect(missing.findingsOk).toBe(false);
    const extra = scoreItem(item({ text: '是' }), spec('E_201'), reading({ value: 'yes', present: ['E_201', 'E_91'] }));
    expect(extra.valueOk).toBe(true);
    expect(extra.findingsOk).toBe(false);
  });

  it('takes a binary question an item asks itself, and refuses one that contradicts the list', () => {
    const ask = { kind: 'binary', zh: '体重有没有下降？', en: 'Have you lost weight?' };
    const line = (o: object) =>
      JSON.stringify({ id: 'w1', category: 'plain', lang: 'zh', text: '瘦了', value: 'yes', ...o });
    const qs = withItemQuestions(line({ question: 'E_162', ask }), questions, 'a.jsonl');
    expect(qs.get('E_162')).toEqual({ kind: 'binary', zh: ask.zh, en: ask.en });
    expect(parseAnswerItems(line({ question: 'E_162', ask }), qs, 'a.jsonl')).toHaveLength(1);
    expect(() => parseAnswerItems(line({ question: 'E_162' }), questions, 'a.jsonl')).toThrow(/question/);
    expect(() => withItemQuestions(line({ question: 'E_201', ask }), questions, 'a.jsonl')).toThrow(/a\.jsonl.*ask/);
    expect(() =>
      withItemQuestions(line({ question: 'E_162', ask: { ...ask, kind: 'slot' } }), questions, 'a.jsonl'),
    ).toThrow(/ask\.kind/);
  });

  it('normalises durations and severities whatever their shape', () => {
    expect(durationDays({ value: 0.5, unit: 'hour' })).toBeCloseTo(30 / 1440);
    expect(durationDays({ value: 3, unit: '天' })).toBe(3);
    expect(durationDays('P2W')).toBe(14);
    expect(durationDays({ value: 3, unit: 'fortnights' })).toBeUndefined();
    expect(severityClass(8)).toBe('severe');
    expect(severityClass(5)).toBe('moderate');
    expect(severityClass('mild')).toBe('mild');
    const r = scoreItem(
      item({ question: 'duration', text: '半个小时', duration: { value: 30, unit: 'min' } }),
      spec('duration'),
      reading({ value: 'yes', duration: { value: 0.5, unit: 'hour' } }),
    );
    expect(r.durationOk).toBe(true);
    const wrong = scoreItem(
      item({ question: 'duration', text: '三天了', duration: { value: 3, unit: 'd' } }),
      spec('duration'),
      reading({ value: 'yes', duration: { value: 3, unit: 'week' } }),
    );
    expect(wrong.durationOk).toBe(false);
  });

  it('scores a reader per category and keeps every failure, a throw included', async () => {
    const items = parseAnswerItems(readFileSync(fixture('answers.jsonl'), 'utf8'), questions);
    const reader: Reader = (q, text) => {
      if (text === '不知道') throw new Error('reader broke');
      if (q.kind === 'slot') return reading({ value: 'yes', duration: { value: 3, unit: 'day' } });
      return reading({ value: /没|不|no/.test(text) ? 'no' : 'yes' });
    };
    const results = await readAll(items, questions, reader);
    const s = summariseAnswers(results, questions);
    expect(s.total.n).toBe(6);
    // t-3 throws; t-5 misses the sore throat it names.
    expect(s.total.value).toBeCloseTo(5 / 6);
    expect(s.total.findingsExact).toBeCloseTo(4 / 6);
    expect(s.byCategory.find((r) => r.group === 'plain')?.value).toBe(1);
    expect(s.duration).toEqual({ n: 1, accuracy: 1 });
    const failures = failureList(results);
    expect(failures.map((f) => f.id)).toEqual(['t-3', 't-5']);
    expect(failures[0]!.got).toEqual({ error: 'reader broke' });
    expect(failures[1]!.wrong).toEqual(['findings']);
  });

  it('the shipped set is valid and large enough', () => {
    const dataDir = fileURLToPath(new URL('../data/consult/', import.meta.url));
    const qs = parseQuestions(readFileSync(`${dataDir}questions.json`, 'utf8'));
    const all = parseAnswerItems(readFileSync(`${dataDir}answers.jsonl`, 'utf8'), qs);
    expect(all.length).toBeGreaterThanOrEqual(400);
    expect(new Set(all.map((i) => i.lang))).toEqual(new Set(['zh', 'en']));
    const cases = parseRedFlagCases(readFileSync(`${dataDir}redflags.jsonl`, 'utf8'));
    expect(cases.filter((c) => c.expect === 'emergency').length).toBeGreaterThanOrEqual(60);
    expect(cases.filter((c) => c.expect === 'benign').length).toBeGreaterThanOrEqual(60);
  });

  it('runs the benchmark on a tiny fixture through the engine reader', async () => {
    const lines: string[] = [];
    const r = (await answersBench.run({
      data: fixture('answers.jsonl'),
      args: { kb: 'bundled' },
      log: (l) => lines.push(l),
    })) as Record<string, unknown>;
    expect(r.items).toBe(6);
    const table = r.table as { group: string; n: number }[];
    expect(table.map((t) => t.group).sort()).toEqual(['all', 'duration-severity', 'multi-finding', 'plain', 'unsure']);
    expect(table.find((t) => t.group === 'plain')?.n).toBe(3);
    // Plain yes / no and "don't know" are the least any reader must get right.
    const failed = new Set((r.failures as { id: string }[]).map((f) => f.id));
    for (const id of ['t-1', 't-2', 't-3', 't-4']) expect(failed.has(id)).toBe(false);
    expect(lines[0]).toMatch(/^6 answers \(kb bundled\)/);
  });
});

describe('consult-redflags', () => {
  const c = (o: Partial<RedFlagCase>): RedFlagCase => ({
    id: 'c',
    expect: 'emergency',
    group: 'g',
    lang: 'zh',
    complaint: '头痛',
    script: [],
    ...o,
  });
  /** A fake engine: escalates when an answer contains "急", and records what it was told. */
  const fake = (told: string[], questionsBeforeEnd = 5): ConsultEngine => ({
    start: (k) => ({ status: /急/.test(k.complaint) ? 'emergency' : 'active', prompt: 'q1', state: 0 }),
    answer: (prev: EngineStep, text: string) => {
      told.push(text);
      const n = (prev.state as number) + 1;
      return {
        status: /急/.test(text) ? 'emergency' : n >= questionsBeforeEnd ? 'complete' : 'active',
        prompt: `q${n + 1}`,
        state: n,
      };
    },
  });

  it('rejects a case with a bad field', () => {
    expect(() =>
      parseRedFlagCases('{"id":"a","expect":"urgent","group":"g","lang":"zh","complaint":"x","script":[]}'),
    ).toThrow(/line 1: expect must be/);
    expect(() =>
      parseRedFlagCases('{"id":"a","expect":"benign","group":"g","lang":"zh","complaint":"x","script":["1","2","3"]}'),
    ).toThrow(/script must be up to 2/);
  });

  it('answers with the script, then "don\'t know", and counts an exit only within two answers', () => {
    const told: string[] = [];
    const onComplaint = playCase(fake(told), c({ complaint: '急' }));
    expect(onComplaint.exitAfterAnswers).toBe(0);
    expect(told).toEqual([]);
    const second = playCase(fake(told), c({ script: ['是', '急诊'] }));
    expect(second.emergencyInWindow).toBe(true);
    expect(second.exitAfterAnswers).toBe(2);
    told.length = 0;
    const never = playCase(fake(told), c({ script: ['是'] }));
    expect(never.emergencyInWindow).toBe(false);
    expect(told).toEqual(['是', '不知道']);
  });

  it('plays a benign case to the end, denying after the script, and reports both rates', () => {
    const told: string[] = [];
    const benign = playCase(fake(told, 4), c({ expect: 'benign', lang: 'en', script: ['no'] }));
    expect(told).toEqual(['no', "don't know", 'no', 'no']);
    expect(benign.emergencyInSession).toBe(false);
    const late = playCase(fake([], 9), c({ expect: 'benign', script: ['没有', '三天'], complaint: '咳嗽' }));
    expect(late.emergencyInWindow).toBe(false);
    const s = summariseRedFlags([
      benign,
      late,
      playCase(fake([]), c({ script: ['急'] })),
      playCase(fake([]), c({ script: ['是', '是'] })),
    ]);
    expect(s.emergencyReachRate).toBe(0.5);
    expect(s.benignFalseExitRate).toBe(0);
    expect(s.missedEmergencies).toHaveLength(1);
  });

  it('runs the benchmark on a tiny fixture through the session engine', async () => {
    const r = (await redflagsBench.run({
      data: fixture('redflags.jsonl'),
      args: { kb: 'bundled' },
      log: () => {},
    })) as Record<string, unknown>;
    expect(r.emergencies).toBe(1);
    expect(r.benign).toBe(1);
    // Chest pain with sweating stated in the complaint is the plainest emergency there is.
    expect(r.emergencyReachRate).toBe(1);
    expect(r.benignFalseExitRate).toBe(0);
  });
});
