import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Task } from '@divviup/dap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../core/index.js';
import {
  compileNetwork,
  ddxPatientCase,
  learnDdxModel,
  parseDdxKnowledge,
  parseDdxPatients,
} from '../reasoning/index.js';
import { exportDap } from './dap-client.js';
import { collectDap } from './dap-collector.js';
import type { DapAggregatorServer } from './dap-http.js';
import { startDapAggregator } from './dap-http.js';
import type { DapSecret, DapTask } from './dap-task.js';
import { createDapTask } from './dap-task.js';
import { decodeSum, encodeMeasurement } from './dap-vdaf.js';
import { PrivacyAccountant } from './privacy.js';
import type { ConfirmedCase, SufficientStats } from './sufficient-stats.js';
import { addStats, statsFromJson } from './sufficient-stats.js';

const fixture = fileURLToPath(new URL('../reasoning/diagnosis/__fixtures__/ddxplus/', import.meta.url));
const kb = parseDdxKnowledge(
  readFileSync(`${fixture}release_conditions.json`, 'utf8'),
  readFileSync(`${fixture}release_evidences.json`, 'utf8'),
);
const net = compileNetwork(learnDdxModel(kb, [], { trainingLabel: 'release structure only' }));
const patients = parseDdxPatients(readFileSync(`${fixture}patients.csv`, 'utf8'));
const asCase = (p: (typeof patients)[number]): ConfirmedCase => ({
  input: ddxPatientCase(kb, p, true),
  diagnosis: p.pathology,
});
const hospitals = [patients.slice(0, 4), patients.slice(4, 8), patients.slice(8)].map((ps) => ps.map(asCase));

/** A DAP round over local HTTP: a leader, a helper, three hospitals on the DDXPlus fixture, and a collector. */
describe('federated round over DAP-09 with Prio3SumVec', { timeout: 120_000 }, () => {
  let task: DapTask;
  let collector: DapSecret;
  let leader: DapAggregatorServer;
  let helper: DapAggregatorServer;
  const accountants = hospitals.map(() => new PrivacyAccountant({ epsilon: 8, delta: 1e-5 }));
  let owns: SufficientStats[] = [];

  beforeAll(async () => {
    const made = await createDapTask(net, {
      ...{ leader: 'http://127.0.0.1:1/', helper: 'http://127.0.0.1:1/', hospitals: 3, colluders: 1 },
      ...{ epsilon: 8, delta: 1e-5, clip: 12, closedWorld: true, bits: 16, fractionBits: 4 },
    });
    helper = await startDapAggregator('helper', made.task, made.helper);
    leader = await startDapAggregator('leader', { ...made.task, helper: helper.url }, made.leader);
    task = { ...made.task, leader: leader.url, helper: helper.url };
    collector = made.collector;
  });
  afterAll(async () => {
    await leader?.close();
    await helper?.close();
  });

  it('sums three hospitals exactly, rejects tampered and out-of-range reports, shows no one a report', async () => {
    const release = (i: number) =>
      exportDap(net, hospitals[i]!, task, {
        site: `hospital-${i}`,
        accountant: accountants[i]!,
        uniform: seededRandom(40 + i),
      });
    const released = [await release(0), await release(1)];

    // A report whose leader share was altered in transit: its HPKE authentication fails.
    const client = () =>
      new Task({
        ...{ type: 'sumVec' as const, length: task.vdaf.length, bits: task.vdaf.bits },
        ...{ chunkLength: task.vdaf.chunkLength, id: task.id, leader: task.leader, helper: task.helper },
        timePrecisionSeconds: task.timePrecisionSeconds,
      });
    const zeros = encodeMeasurement(new Array(task.vdaf.length).fill(0), task.vdaf);
    const altered = client();
    const report = await altered.generateReport(zeros);
    report.leaderCiphertext.payload[5]! ^= 1;
    await altered.sendReport(report);
    // A report that cheats the range: one bit of its encoding is 2 (a cell past 2^bits), with a proof made anyway.
    const cheat = client();
    const flp = (cheat.vdaf as unknown as { flp: { encode: (m: number[]) => bigint[] } }).flp;
    const honest = flp.encode.bind(flp);
    flp.encode = (m) => honest(m).map((b, j) => (j === 3 ? 2n : b));
    await cheat.sendMeasurement(zeros);

    // The collection waits for the third hospital: two reports would carry too little noise for the round's ε.
    let done = false;
    const collecting = collectDap(task, collector, { pollMs: 50 }).finally(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(done).toBe(false);
    released.push(await release(2));
    owns = released.map((r) => r.own.stats);
    const { aggregate, shares } = await collecting;
    expect(aggregate.dap.reportCount).toBe(3);
    const sum = statsFromJson(aggregate.stats);
    const plain = addStats(owns);
    for (const f of task.fields) expect(Array.from(sum[f])).toEqual(Array.from(plain[f]));
    expect(sum.noise!.cells).toBeCloseTo(task.privacy.siteSigma * Math.sqrt(3), 9);
    expect(leader.counters()).toMatchObject({ uploaded: 5, aggregated: 3 });
    expect(leader.counters().rejected).toEqual({ hpkeDecryptError: 1, vdafPrepError: 1 });
    expect(helper.counters().rejected).toEqual({ vdafPrepError: 1 });

    // Either aggregator's share alone decodes to field noise, nowhere near any count.
    for (const alone of [shares.leader, shares.helper]) {
      const decoded = decodeSum(
        alone.map((x) => Number(x)),
        3,
        task.vdaf,
      );
      expect(decoded.every((x) => Math.abs(x) > 2 ** task.vdaf.bits * 3)).toBe(true);
    }
  });

  it('refuses a second release in the task and an export past the budget, before anything is sent', async () => {
    let requests = 0;
    const counting = (async () => {
      requests++;
      throw new Error('nothing should be sent');
    }) as unknown as typeof fetch;
    await expect(
      exportDap(net, hospitals[0]!, task, {
        site: 'hospital-0',
        accountant: accountants[0]!,
        uniform: seededRandom(1),
        fetch: counting,
      }),
    ).rejects.toThrow(/already released/);
    const next = await createDapTask(net, {
      ...{ leader: task.leader, helper: task.helper, hospitals: 3, colluders: 1 },
      ...{ epsilon: 8, delta: 1e-5, clip: 12, closedWorld: true, bits: 16, fractionBits: 4 },
    });
    const spent = accountants[0]!.ledger.length;
    await expect(
      exportDap(net, hospitals[0]!, next.task, {
        site: 'hospital-0',
        accountant: accountants[0]!,
        uniform: seededRandom(2),
        fetch: counting,
      }),
    ).rejects.toThrow(/refused: releasing/);
    expect(accountants[0]!.ledger.length).toBe(spent);
    expect(requests).toBe(0);
  });

  it('refuses a collection of a batch already collected', async () => {
    await expect(collectDap(task, collector, { pollMs: 50 })).rejects.toThrow(/batchQueriedTooManyTimes/);
  });
});
