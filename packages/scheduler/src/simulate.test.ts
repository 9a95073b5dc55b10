import { describe, expect, it } from 'vitest';

import { flatSite, nodes } from '../test/helpers';
import { buildCluster, workloadFromJobs, type JobSpec } from './model';
import { policyPreset, type PolicyName } from './policy';
import { simulate } from './simulate';

const run = (
  jobs: JobSpec[],
  policy: PolicyName,
  cluster = nodes(1, 4),
  extra: Parameters<typeof policyPreset>[1] = {},
) => {
  const workload = workloadFromJobs(jobs);
  const r = simulate({ workload, cluster, policy: policyPreset(policy, extra), site: flatSite() });
  const start = (id: string) => r.perJob!.start[workload.names.indexOf(id)]!;
  const finish = (id: string) => r.perJob!.finish[workload.names.indexOf(id)]!;
  return { r, start, finish, workload };
};

describe('queue orders, worked by hand', () => {
  // One node with 4 GPUs. j1 holds 2 GPUs until 100; j2 wants all 4; j3 (2 GPUs, 50 s) fits now
  // and ends before j2 could start; j4 (2 GPUs, 200 s) would delay j2.
  const jobs: JobSpec[] = [
    { id: 'j1', submit: 0, duration: 100, gpus: 2 },
    { id: 'j2', submit: 1, duration: 50, gpus: 4 },
    { id: 'j3', submit: 2, duration: 50, gpus: 2 },
    { id: 'j4', submit: 60, duration: 200, gpus: 2 },
  ];

  it('FIFO: everything behind the 4-GPU job waits for it', () => {
    const { start } = run(jobs, 'fifo');
    expect(['j1', 'j2', 'j3', 'j4'].map(start)).toEqual([0, 100, 150, 150]);
  });

  it('EASY backfill: j3 jumps ahead because it ends before j2 can start; j4 does not', () => {
    const { start, r } = run(jobs, 'backfill');
    expect(['j1', 'j2', 'j3', 'j4'].map(start)).toEqual([0, 100, 2, 150]);
    expect(r.jobs.completed).toBe(4);
  });

  it('a gang waits until all its nodes are free at once, however many GPUs are free', () => {
    const { start, r } = run(
      [
        { id: 'small', submit: 0, duration: 100, gpus: 1 },
        { id: 'gang', submit: 1, duration: 10, gpus: 4, replicas: 2 },
      ],
      'fifo',
      nodes(2, 4),
    );
    expect(start('gang')).toBe(100);
    // While it waited, 7 of 8 GPUs stood free: it never held part of its nodes.
    expect(r.unallocatedGpus).toBeCloseTo(7, 9);
    expect(r.waitingSeconds).toBe(99);
  });

  it('LAS: a new job preempts a preemptible job that has had its hour of service', () => {
    const jobs2: JobSpec[] = [
      { id: 'long', submit: 0, duration: 10_000, gpus: 1, preemptible: true },
      { id: 'short', submit: 5000, duration: 100, gpus: 1 },
    ];
    const las = run(jobs2, 'las', nodes(1, 1));
    expect(las.start('short')).toBe(5000);
    expect(las.finish('short')).toBe(5100);
    expect(las.finish('long')).toBe(10_100);
    expect(las.r.jobs.preemptions).toBe(1);
    const fifo = run(jobs2, 'fifo', nodes(1, 1));
    expect(fifo.start('short')).toBe(10_000);
  });

  it('LAS never preempts a job that is not preemptible', () => {
    const las = run(
      [
        { id: 'long', submit: 0, duration: 10_000, gpus: 1 },
        { id: 'short', submit: 5000, duration: 100, gpus: 1 },
      ],
      'las',
      nodes(1, 1),
    );
    expect(las.start('short')).toBe(10_000);
    expect(las.r.jobs.preemptions).toBe(0);
  });

  it('money-weighted fair share converges to the weights, counted in GPU-hour prices', () => {
    // 8 H100s and 24 T4s: an H100-hour costs about 13 T4-hours. Team a weighs 3, team b 1; both
    // keep 400 one-GPU jobs of 600 s waiting.
    const cluster = buildCluster([
      ...Array.from({ length: 8 }, (_, i) => ({
        id: `h${i}`,
        cpuMilli: 64_000,
        memoryMiB: 1 << 18,
        gpus: 1,
        model: 'H100 SXM',
      })),
      ...Array.from({ length: 24 }, (_, i) => ({
        id: `t${i}`,
        cpuMilli: 64_000,
        memoryMiB: 1 << 18,
        gpus: 1,
        model: 'T4',
      })),
    ]);
    const jobs3: JobSpec[] = [];
    for (let i = 0; i < 400; i++)
      for (const team of ['a', 'b'])
        jobs3.push({ id: `${team}${i}`, submit: 0, duration: 600, gpus: 1, team });
    const { r, workload } = run(jobs3, 'fair', cluster, { weights: { a: 3, b: 1 } });
    const price = cluster.models.map((m) => m.costPerGpuHour);
    expect(price[1]! / price[2]!).toBeGreaterThan(10);
    // Money each team received while both still had jobs waiting (team a, with 24 of 32 GPUs, runs
    // out after about 17 rounds of 600 s; count the first 2 hours).
    const spent = { a: 0, b: 0 };
    for (let j = 0; j < workload.count; j++) {
      const s = r.perJob!.start[j]!;
      if (s >= 2 * 3600) continue;
      const node = r.perJob!.node[j]!;
      const team = workload.teams[workload.team[j]!] as 'a' | 'b';
      spent[team] += price[cluster.model[node]!]! * (600 / 3600);
    }
    expect(spent.a / spent.b).toBeGreaterThan(2.7);
    expect(spent.a / spent.b).toBeLessThan(3.3);
  });
});

describe('energy, cost and carbon', () => {
  it('adds up IT energy by power state, with the jobs inside the busy share (worked by hand)', () => {
    // One T4 node: idle draw 150 W host + 10 W GPU = 160 W. A 1-GPU, 2-core job for one hour adds
    // (70 − 10) W + 2 × 3 W = 66 W, and is charged 10 + 60 + 6 = 76 W. Then an hour idle (a second
    // job arrives at 7200 and runs one second).
    const cluster = nodes(1, 1, 'T4', 8000, 1024);
    const workload = workloadFromJobs([
      { id: 'a', submit: 0, duration: 3600, gpus: 1, cpuMilli: 2000 },
      { id: 'b', submit: 7200, duration: 1, gpus: 0, cpuMilli: 0 },
    ]);
    const r = simulate({
      workload,
      cluster,
      policy: policyPreset('fifo'),
      site: flatSite(0.1, 0.5, 1.5),
    });
    expect(r.energy.byState.busy.itKWh).toBeCloseTo(0.226 + 0.16 / 3600, 9);
    expect(r.energy.byState.idle.itKWh).toBeCloseTo(0.16, 9);
    expect(r.energy.itKWh).toBeCloseTo(0.226 + 0.16 + 0.16 / 3600, 9);
    expect(r.energy.facilityKWh).toBeCloseTo(1.5 * r.energy.itKWh, 9);
    expect(r.energyCost).toBeCloseTo(0.1 * r.energy.facilityKWh, 9);
    expect(r.co2eKg).toBeCloseTo(0.5 * r.energy.facilityKWh, 9);
    expect(r.perJob!.energyKWh[0]).toBeCloseTo(0.076, 9);
    expect(r.perJob!.cost[0]).toBeCloseTo(0.076 * 1.5 * 0.1, 9);
    expect(r.energy.jobsItKWh).toBeLessThanOrEqual(r.energy.byState.busy.itKWh);
    expect(r.makespanSeconds).toBe(7201);
    expect(r.utilization).toBeCloseTo(3600 / 7201, 9);
  });

  it('counts jobs no node could ever hold as unschedulable, and runs the rest', () => {
    const { r } = run(
      [
        { id: 'too-big', submit: 0, duration: 10, gpus: 8 },
        { id: 'wrong-model', submit: 0, duration: 10, gpus: 1, gpuSpec: 'A100' },
        { id: 'ok', submit: 0, duration: 10, gpus: 1 },
        { id: 'never-ran', submit: 0, duration: NaN, skipped: true },
      ],
      'fifo',
    );
    expect(r.jobs).toMatchObject({
      total: 4,
      completed: 1,
      unschedulable: 2,
      skipped: 1,
      unfinished: 0,
    });
  });
});

describe('timing and power', () => {
  it('defers a job with a deadline to the cheapest hour and says why', async () => {
    const { hourlyPriceSite } = await import('../test/sites');
    // Prices repeat every day (so the seasonal-naive forecast is right): 03:00 UTC is the cheapest.
    // Eight H100s for an hour draw 5.6 kWh: 0.2 → 0.02 per kWh saves about USD 1.01.
    const site = hourlyPriceSite((h) => (h === 3 ? 0.02 : 0.2));
    const cluster = nodes(1, 8, 'H100 SXM');
    const workload = workloadFromJobs([
      { id: 'batch', submit: 0, duration: 3600, gpus: 8, deadline: 10 * 3600 },
      { id: 'tiny', submit: 0, duration: 60, gpus: 0, cpuMilli: 1000, deadline: 10 * 3600 },
    ]);
    const r = simulate({ workload, cluster, policy: policyPreset('cost-aware'), site });
    const batch = workload.names.indexOf('batch');
    expect(r.perJob!.start[batch]).toBe(3 * 3600);
    expect(r.reasons.get(batch)).toBe(
      'starts 2023-01-01T03:00Z, saves USD 1.01 and 0.00 kgCO2e by forecast against starting at 2023-01-01T00:00Z',
    );
    // A job that would save less than USD 0.05 is not kept waiting.
    expect(r.perJob!.start[workload.names.indexOf('tiny')]).toBe(0);
    expect(r.jobs.deferred).toBe(1);
    expect(r.deadlineMisses).toBe(0);
    // Without cost-aware timing it starts at once, and pays more.
    const now = simulate({ workload, cluster, policy: policyPreset('backfill'), site });
    expect(now.perJob!.start[batch]).toBe(0);
    expect(r.perJob!.cost[batch]).toBeCloseTo(now.perJob!.cost[batch]! / 10, 9);
  });

  it('powers a node down when idling would cost more than booting again, and not when the gap is short', () => {
    // Break-even with no delay cost: boot energy / idle draw = the boot time, 300 s.
    const powerDown = {
      warmPoolShare: 0,
      bootSeconds: 300,
      bootPowerFactor: 1,
      delayCostFactor: 0,
    };
    const short = run(
      [
        { id: 'a', submit: 0, duration: 100, gpus: 1 },
        { id: 'b', submit: 200, duration: 100, gpus: 1 },
      ],
      'fifo',
      nodes(1, 1),
      { powerDown },
    );
    expect(short.r.powerTransitions).toBe(0);
    expect(short.start('b')).toBe(200);
    const long = run(
      [
        { id: 'a', submit: 0, duration: 100, gpus: 1 },
        { id: 'b', submit: 10_000, duration: 100, gpus: 1 },
      ],
      'fifo',
      nodes(1, 1),
      { powerDown },
    );
    expect(long.r.transitions).toEqual({ off: 1, boot: 1, on: 1 });
    expect(long.start('b')).toBe(10_300);
    // Off from 400 s to 10,000 s; booting for 300 s at the idle draw (160 W).
    expect(long.r.energy.byState.booting.itKWh).toBeCloseTo((160 * 300) / 3.6e6, 9);
    expect(long.r.energy.byState.idle.itKWh).toBeCloseTo((160 * 300) / 3.6e6, 9);
    expect(long.r.energy.byState.off.itKWh).toBe(0);
  });

  it('keeps a warm pool on', () => {
    const powerDown = {
      warmPoolShare: 0.5,
      bootSeconds: 300,
      bootPowerFactor: 1,
      delayCostFactor: 0,
    };
    const { r } = run(
      [
        { id: 'a', submit: 0, duration: 100, gpus: 1 },
        { id: 'b', submit: 10_000, duration: 100, gpus: 1 },
      ],
      'fifo',
      nodes(4, 1),
      { powerDown },
    );
    // 4 nodes, half kept warm: two power down, none has to boot for b.
    expect(r.transitions).toEqual({ off: 2, boot: 0, on: 0 });
    expect(r.wait.mean).toBe(0);
  });
});

describe('determinism', () => {
  it('gives the same result for the same input', () => {
    const jobs: JobSpec[] = Array.from({ length: 300 }, (_, i) => ({
      id: `j${i}`,
      submit: (i * 37) % 500,
      duration: 50 + ((i * 91) % 400),
      gpus: [0.25, 0.5, 1, 2, 4][i % 5]!,
      team: ['x', 'y', 'z'][i % 3]!,
      preemptible: i % 4 === 0,
    }));
    for (const policy of ['fifo', 'backfill', 'las', 'fair', 'cost-aware'] as const) {
      const a = run(jobs, policy, nodes(4, 4));
      const b = run(jobs, policy, nodes(4, 4));
      const strip = (x: typeof a.r) => ({ ...x, wallSeconds: 0, reasons: [...x.reasons] });
      expect(strip(a.r)).toEqual(strip(b.r));
      expect(a.r.jobs.completed).toBe(300);
    }
  });
});
