import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import bench from '../qc.js';
import { repoRoot } from '../lib/harness.js';
import { loadCcksRecords } from './ccks.js';
import { INJECTED_RULES, INJECTIONS } from './injections.js';
import { loadSplit } from './halves.js';
import { mergeJudgements, parseJudgements } from './judgements.js';
import { loadCleanRecords, parseCleanRecord } from './records.js';
import { newFindings, type ScoredRecord, score, standingFlags, verdictOf } from './score.js';
import { removeField, removeSection, removeSentence, withinSection } from './text-edit.js';
import type { Label } from './variants.js';
import { variantsOf } from './variants.js';

const fixtures = join(repoRoot, 'bench/qc-lib/fixtures/data');
const label = (ruleId: string, also: string[] = []): Label => ({
  injection: `inj-${ruleId}`,
  ruleId,
  also,
  what: 'test defect',
  span: { where: 'document x' },
});
const family = (id: string): string =>
  ({ C: 'completeness', T: 'timeliness', K: 'consistency', H: 'homepage' })[id[0]!] ?? '?';

describe('qc scorer', () => {
  const book = parseJudgements(
    [
      '{"id":"a:*","record":"a","ruleId":"*","verdict":false,"reason":"clean"}',
      '{"id":"a:C02","record":"a","ruleId":"C02","verdict":true,"reason":"既往史 lacks 一般健康状况"}',
    ].join('\n'),
    'test',
  );

  it('counts a false positive, a miss, a collateral finding and an unjudged finding', () => {
    const records: ScoredRecord[] = [
      // injected C01 found; K17 is the same defect read by another rule; K05 is a false positive.
      {
        id: 'a~1',
        base: 'a',
        labels: [label('C01', ['K17'])],
        findings: [{ ruleId: 'C01' }, { ruleId: 'K17' }, { ruleId: 'K05' }],
      },
      // injected T01 missed; C02 judged true on the clean record.
      { id: 'a~2', base: 'a', labels: [label('T01')], findings: [{ ruleId: 'C02' }] },
      // a record with no judgements: its finding is unjudged, left out of precision.
      { id: 'b', base: 'b', labels: [], findings: [{ ruleId: 'H12' }] },
    ];
    const s = score(records, book, family);
    expect(s.total).toMatchObject({
      findings: 5,
      truePositives: 3,
      falsePositives: 1,
      unjudged: 1,
      injected: 2,
      detected: 1,
    });
    expect(s.total.precision).toBeCloseTo(0.75);
    expect(s.total.recall).toBeCloseTo(0.5);
    expect(s.falsePositives).toEqual([{ record: 'a~1', ruleId: 'K05' }]);
    expect(s.misses.map((m) => [m.record, m.ruleId])).toEqual([['a~2', 'T01']]);
    expect(s.unjudged).toEqual([{ record: 'b', ruleId: 'H12' }]);
    const timeliness = s.byFamily.find((r) => r.key === 'timeliness')!;
    expect(timeliness).toMatchObject({ injected: 1, detected: 0, findings: 0 });
    expect(Number.isNaN(timeliness.precision)).toBe(true);
    expect(s.byFamily.find((r) => r.key === 'consistency')).toMatchObject({ truePositives: 1, falsePositives: 1 });
  });

  it('judges by label first, then `also`, then the record line, then the record default', () => {
    const rec: ScoredRecord = { id: 'a~1', base: 'a', labels: [label('C01', ['K04'])], findings: [] };
    expect(verdictOf(rec, { ruleId: 'C01' }, book)).toBe('injected');
    expect(verdictOf(rec, { ruleId: 'K04' }, book)).toBe('collateral');
    expect(verdictOf(rec, { ruleId: 'C02' }, book)).toBe('judged-true');
    expect(verdictOf(rec, { ruleId: 'T19' }, book)).toBe('judged-false');
    expect(verdictOf({ ...rec, base: 'z' }, { ruleId: 'T19' }, book)).toBe('unjudged');
  });

  it('keeps the findings an injection added, with multiplicity', () => {
    const base = [
      { ruleId: 'C01', statement: '缺少“民族”' },
      { ruleId: 'C08', statement: 'x' },
    ];
    const variant = [
      { ruleId: 'C01', statement: '缺少“民族”' },
      { ruleId: 'C01', statement: '缺少“主诉”' },
      { ruleId: 'C08', statement: 'x' },
      { ruleId: 'C08', statement: 'x' },
    ];
    expect(newFindings(variant, base)).toEqual([
      { ruleId: 'C01', statement: '缺少“主诉”' },
      { ruleId: 'C08', statement: 'x' },
    ]);
  });

  it('judges a finding standing from the clean record as on it: not the injected defect, and no detection', () => {
    const standing = [{ ruleId: 'C01', statement: '缺少“民族”' }];
    // 主诉 was removed; the engine missed it and repeats the clean record's own (false) C01 finding.
    const missed: ScoredRecord = {
      id: 'a~drop-主诉',
      base: 'a',
      labels: [label('C01')],
      findings: [{ ruleId: 'C01', statement: '缺少“民族”' }],
      standing,
    };
    // The same, with the removed 主诉 found.
    const found: ScoredRecord = {
      ...missed,
      id: 'a~drop-主诉-found',
      findings: [...missed.findings, { ruleId: 'C01', statement: '缺少“主诉”' }],
    };
    const s = score([missed, found], book, family);
    expect(s.total).toMatchObject({ truePositives: 1, falsePositives: 2, injected: 2, detected: 1 });
    expect(s.misses.map((m) => m.record)).toEqual(['a~drop-主诉']);
    // Matched by rule alone (no `standing`), both would count as detected and every finding as true.
    const byRule = score(
      [missed, found].map(({ standing: _s, ...r }) => r),
      book,
      family,
    );
    expect(byRule.total).toMatchObject({ truePositives: 3, falsePositives: 0, detected: 2 });
    expect(standingFlags(found.findings, standing)).toEqual([true, false]);
  });

  it('names the line and field of a bad judgement', () => {
    expect(() => parseJudgements('{"id":"x","record":"a","ruleId":"C1","verdict":true,"reason":"r"}', 'j')).toThrow(
      /j line 1: field ruleId/,
    );
    expect(() => parseJudgements('{"id":"x","record":"a","ruleId":"C01","verdict":"yes","reason":"r"}', 'j')).toThrow(
      /field verdict/,
    );
  });
});

describe('qc text edits', () => {
  it('removes a field from a one-line header, a table and a spaced header', () => {
    expect(removeField('姓名：张三　性别：男　年龄：45岁', '性别')).toEqual({
      text: '姓名：张三　年龄：45岁',
      span: '性别：男　',
    });
    expect(removeField('| 姓名 | 陈 | 性别 | 女 | 年龄 | 62岁 |', '性别')?.text).toBe('| 姓名 | 陈 | 年龄 | 62岁 |');
    expect(removeField('姓    名：马志远　　　性    别：男', '性别')?.text).toBe('姓    名：马志远　　　');
    expect(removeField('姓名：张三', '职业')).toBeUndefined();
    expect(removeField('入院时间：2026-03-02 09:10　记录时间：2026-03-02 11:30', '入院时间')?.text).toBe(
      '记录时间：2026-03-02 11:30',
    );
  });

  it('edits one section only, and removes a clause without its neighbours', () => {
    const text = '现病史：最高体温39.4℃。\n体格检查：T 39.0℃ P 110次/分';
    const e = withinSection(text, '体格检查', (l) => removeSentence(l, /T \d/, true));
    expect(e?.text).toBe('现病史：最高体温39.4℃。\n体格检查：');
    expect(removeSentence('否认高血压，否认结核史，按计划预防接种。否认过敏史。', /预防接种/, true)?.span).toBe(
      '按计划预防接种。',
    );
  });

  it('removes a section written as 主诉： or 【主诉】', () => {
    expect(removeSection('入院记录\n【主诉】发热3天。\n【现病史】…', '主诉')).toEqual({
      text: '入院记录\n【现病史】…',
      span: '【主诉】发热3天。',
    });
    expect(removeSection('主诉：发热3天。\n现病史：…', '现病史')?.text).toBe('主诉：发热3天。');
  });
});

describe('qc injections', () => {
  const rules = JSON.parse(readFileSync(join(repoRoot, 'src/knowledge/data/qc/rules.json'), 'utf8')) as {
    rules: { id: string }[];
  };
  const ids = new Set(rules.rules.map((r) => r.id));

  it('label only rules of the rule book, and every injection has a unique id', () => {
    for (const r of INJECTED_RULES) expect(ids.has(r), r).toBe(true);
    for (const i of INJECTIONS) for (const a of i.also ?? []) expect(ids.has(a), `${i.id} also ${a}`).toBe(true);
    expect(new Set(INJECTIONS.map((i) => i.id)).size).toBe(INJECTIONS.length);
  });

  it('change the record where the label says, and leave the clean record as it was', () => {
    const [base] = loadCleanRecords(join(fixtures, 'heldout'), 'fresh', 'report');
    const before = JSON.stringify(base!.encounter);
    const variants = variantsOf(base!, 2);
    expect(JSON.stringify(base!.encounter)).toBe(before);
    expect(variants[0]!.labels).toEqual([]);
    expect(variants.length).toBeGreaterThan(30);
    for (const v of variants.slice(1)) {
      expect(JSON.stringify(v.encounter), v.id).not.toBe(before);
      for (const l of v.labels) expect(l.span.where, v.id).toBeTruthy();
    }
    const dropped = variants.find((v) => v.id === 'f01~adm-drop-主诉')!;
    expect(dropped.labels[0]).toMatchObject({ ruleId: 'C01', span: { before: '主诉：右侧肢体无力伴言语不清1天。' } });
    expect(dropped.encounter.documents[0]!.text).not.toContain('主诉');
    const late = variants.find((v) => v.id === 'f01~admission-note-30h')!;
    expect(late.encounter.documents[0]!.completedAt).toBe('2026-07-21T14:30:00+08:00');
    expect(variants.filter((v) => v.labels.length === 3)).toHaveLength(2);
  });

  it('refuse a clean record without a field it needs, naming it', () => {
    const bare = { id: 'x', patientId: 'p', admitAt: '2026-01-01T00:00:00+08:00' };
    expect(() => parseCleanRecord(bare, 'f.json', 'fresh', 'dev')).toThrow(/f\.json: field patient\.sex/);
  });

  it('load the developer-written records into the dev half, each judged in judgements.jsonl', () => {
    const data = join(repoRoot, 'bench/data/qc');
    const dev = loadCleanRecords(join(data, 'dev'), 'fresh', 'dev');
    expect(dev.length).toBeGreaterThanOrEqual(6);
    expect(new Set(dev.map((r) => r.half))).toEqual(new Set(['dev']));
    expect(loadCleanRecords(join(fixtures, 'heldout'), 'fresh', 'report').map((r) => r.half)).toEqual(['report']);
    const book = parseJudgements(readFileSync(join(data, 'judgements.jsonl'), 'utf8'), 'judgements.jsonl');
    expect(dev.filter((r) => !book.get(r.id)?.has('*')).map((r) => r.id)).toEqual([]);
  });
});

describe('qc CCKS-based records', () => {
  const frames = join(repoRoot, 'bench/data/qc/ccks');

  it('fill the frames with the CCKS sections and nothing else', () => {
    const recs = loadCcksRecords(frames, join(repoRoot, 'bench/qc-lib/fixtures/ccks-sample.jsonl'));
    expect(recs.map((r) => [r.id, r.source, r.half])).toEqual([
      ['c002', 'ccks', 'dev'],
      ['c013', 'ccks', 'dev'],
      ['c035', 'ccks', 'dev'],
    ]);
    const first = recs[0]!.encounter.documents.find((d) => d.type === 'first-progress-note')!;
    expect(first.text).toContain('病例特点：（合成测试文本2-病史特点）');
    for (const r of recs) expect(JSON.stringify(r.encounter)).not.toMatch(/\{\{ccks:|ccksId/);
  });

  it('name the placeholder a CCKS record cannot fill, and skip when the data is absent', () => {
    expect(() => loadCcksRecords(frames, join(repoRoot, 'bench/qc-lib/fixtures/ccks-missing.jsonl'))).toThrow(
      /ccks-002\.json: placeholder \{\{ccks:诊疗经过\}\}/,
    );
    expect(loadCcksRecords(frames, join(repoRoot, 'bench/qc-lib/fixtures/absent.jsonl'))).toEqual([]);
  });
});

describe('qc halves', () => {
  const data = join(repoRoot, 'bench/data/qc');
  const ccks = join(repoRoot, 'bench/qc-lib/fixtures/ccks-sample.jsonl');

  it('put the old report records (clean/, ccks/) in the dev half, with dev/ and the demo patients', () => {
    const { bases } = loadSplit(data, 'dev', ccks, () => {});
    const ids = bases.map((b) => b.id);
    for (const id of ['r01', 'r06', 'c002', 'c035', 'd01', 'demo-cap-pneumonia']) expect(ids, id).toContain(id);
    expect(new Set(bases.map((b) => b.half))).toEqual(new Set(['dev']));
    expect(bases.find((b) => b.id === 'r01')!.source).toBe('fresh');
    expect(bases.find((b) => b.id === 'c002')!.source).toBe('ccks');
  });

  it('take the report half from heldout/ alone, judged in its own file merged with the main one', () => {
    const { bases, book, judgementFiles } = loadSplit(fixtures, 'report', ccks, () => {});
    expect(bases.map((b) => [b.id, b.half])).toEqual([['f01', 'report']]);
    expect(judgementFiles.map((f) => f.slice(fixtures.length + 1))).toEqual([
      'judgements.jsonl',
      'heldout/judgements.jsonl',
    ]);
    expect([...book.keys()].sort()).toEqual(['f01', 'x01']);
    expect(loadSplit(fixtures, 'dev', ccks, () => {}).judgementFiles).toHaveLength(1);
  });

  it('refuse a record judged in two files', () => {
    const one = parseJudgements('{"id":"a","record":"f01","ruleId":"*","verdict":false,"reason":"x"}', 'one');
    expect(() =>
      mergeJudgements([
        { book: one, where: 'main' },
        { book: one, where: 'heldout' },
      ]),
    ).toThrow(/heldout: record f01 is judged in main too/);
  });

  it('say "no report records" and score nothing when heldout/ is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qc-no-heldout-'));
    try {
      writeFileSync(join(dir, 'judgements.jsonl'), '');
      const lines: string[] = [];
      const r = (await bench.run({ data: dir, args: { split: 'report' }, log: (l) => lines.push(l) })) as {
        split: { records: number };
      };
      expect(r.split.records).toBe(0);
      expect(lines.join('\n')).toMatch(/no report records/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('bench qc', () => {
  it('runs the engine on the fixture and judges every finding', async () => {
    const lines: string[] = [];
    const r = (await bench.run({
      data: fixtures,
      args: { split: 'report', combos: '1' },
      log: (l) => lines.push(l),
    })) as {
      total: { findings: number; truePositives: number; falsePositives: number; unjudged: number; injected: number };
      judgedFindings: number;
      byFamily: { key: string }[];
    };
    expect(r.total.unjudged).toBe(0);
    expect(r.judgedFindings).toBe(r.total.truePositives + r.total.falsePositives);
    expect(r.total.findings).toBe(r.judgedFindings);
    expect(r.total.injected).toBeGreaterThan(30);
    expect(r.byFamily.map((f) => f.key)).toContain('completeness');
    expect(lines.join('\n')).toMatch(/precision/);
  });
});
