import { readFileSync } from 'node:fs';

import { TRPCError } from '@trpc/server';
import { eq, newId, reapExpiredLeases, sql } from '@wattwise/db';
import type { DbHandle } from '@wattwise/db/client';
import { bills, costLines, jobs, nodes, sites, teams, usageHours } from '@wattwise/db/schema';
import { bundledPath } from '@wattwise/scheduler/node';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { HISTORY_TEAMS, loadHistory } from '../src/history';
import { callerFor, describeEachDatabase, flatSiteRates, openTestDb, tokenSecret } from './helpers';

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => ({ code: 'OK', message: '' }),
    (e: unknown) => {
      if (!(e instanceof TRPCError)) throw e;
      return { code: e.code, message: e.message };
    },
  );

/**
 * Two days (1–2 March 2024) of a hand-made trace on two small nodes, at a flat site: 0.10 USD/kWh,
 * 0.4 kg/kWh, PUE 1.5; a T4 (USD 2,300 over 4 years, straight-line) costs 2300 / 35,040 per hour,
 * a core 0.01 per hour, operations 0.5 per GPU-hour; shared costs 730 + 365 a month, 1.5 an hour.
 *
 * Nodes: node-a (8 cores, 2 T4), node-b (4 cores, 1 T4): 3 GPUs, 12 cores, idle 2 × 150 W of hosts
 * + 3 × 10 W of T4s = 330 W. A pod draws its GPU share × 70 W (T4 TDP) + 3 W per core.
 *
 * The newest arrival (pod-z) lands on the window's end, and the trace's span is exactly two days,
 * so arrivals keep their own pace: pod-a arrives at 00:00 on 1 March, the rest at their distance.
 *
 * | pod   | QoS       | GPU  | cores | held (h from 1 March 00:00) | W    | note                       |
 * |-------|-----------|------|-------|-----------------------------|------|----------------------------|
 * | pod-a | LS        | 1    | 2     | 0 – 10                      | 76   |                            |
 * | pod-b | BE        | 0.5  | 1     | 2 – 6                       | 38   | shares one T4 with pod-c   |
 * | pod-c | BE        | 0.25 | 1     | 3 – 5.5                     | 20.5 | (best-fit: tightest GPU)   |
 * | pod-d | Burstable | 0    | 2     | 20 – 26                     | 6    | two days: two cost lines   |
 * | pod-e | LS        | 1    | 1     | 40 – 48, runs on to 140     | 73   | running at the end         |
 * | pod-p | LS        | 1    | 1     | never (Pending)             |      | left out                   |
 * | pod-z | BE        | 0    | 1     | arrives at 48               |      | left out                   |
 */
const L = 200_000; // pod-z's creation time: trace second 200,000 is the window's end
const at = (hours: number) => L - 172_800 + hours * 3600;
const POD_ROWS = [
  ['pod-a', 2000, 4096, 1, 1000, 'LS', 'Succeeded', at(0), at(10), at(0)],
  ['pod-p', 1000, 1024, 1, 1000, 'LS', 'Pending', at(1), at(1), ''],
  ['pod-b', 1000, 2048, 1, 500, 'BE', 'Succeeded', at(2), at(6), at(2)],
  ['pod-c', 1000, 2048, 1, 250, 'BE', 'Failed', at(3), at(5.5), at(3)],
  ['pod-d', 2000, 2048, 0, 0, 'Burstable', 'Succeeded', at(20), at(26), at(20)],
  ['pod-e', 1000, 4096, 1, 1000, 'LS', 'Running', at(40), at(140), at(40)],
  ['pod-z', 1000, 1024, 0, 0, 'BE', 'Running', at(48), at(49), at(48)],
];
const PODS = [
  'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time',
  ...POD_ROWS.map(([name, cpu, mem, gpu, milli, qos, phase, c, d, s]) =>
    [name, cpu, mem, gpu, milli, '', qos, phase, c, d, s].join(','),
  ),
].join('\n');
const NODES = [
  'sn,cpu_milli,memory_mib,gpu,model',
  'node-a,8000,65536,2,T4',
  'node-b,4000,32768,1,T4',
].join('\n');

const H = 3_600_000;
const START = Date.UTC(2024, 2, 1);
const RATE = 2300 / (4 * 8760);
const PRICE = 0.1;
const PUE = 1.5;
const KG = 0.4;
/** Held spans (hours from the start, inside the window), GPU share, cores. */
const SPANS = {
  'pod-a': { from: 0, to: 10, share: 1, cores: 2 },
  'pod-b': { from: 2, to: 6, share: 0.5, cores: 1 },
  'pod-c': { from: 3, to: 5.5, share: 0.25, cores: 1 },
  'pod-d': { from: 20, to: 26, share: 0, cores: 2 },
  'pod-e': { from: 40, to: 48, share: 1, cores: 1 },
};
type Pod = keyof typeof SPANS;
const watts = (p: Pod) => SPANS[p].share * 70 + SPANS[p].cores * 3;
/** Hours pod p held in [a, b) (hours from the start). */
const overlap = (p: Pod, a: number, b: number) =>
  Math.max(0, Math.min(b, SPANS[p].to) - Math.max(a, SPANS[p].from));
/** A pod's cost parts for `hours` held. */
const cost = (p: Pod, hours: number) => {
  const { share, cores } = SPANS[p];
  const hardware = share * RATE * hours + cores * 0.01 * hours;
  const energy = ((watts(p) * hours) / 1000) * PUE * PRICE;
  const operations = share * 0.5 * hours;
  return { hardware, energy, operations, total: hardware + energy + operations };
};
const pods = Object.keys(SPANS) as Pod[];

describeEachDatabase('history.load', (adminUrl) => {
  let h: DbHandle;
  let admin: string;
  let member: string;
  let siteId: string;
  const siteRates = flatSiteRates({ currency: 'USD', perKWh: PRICE, kgPerKWh: KG });
  const caller = async (secret: string) => callerFor(h, secret, { siteRates });
  const input = {
    trace: PODS,
    traceFile: 'pods.csv',
    nodes: NODES,
    nodesFile: 'nodes.csv',
    zone: 'US-CAL-CISO',
    days: 2,
    end: '2024-03-03T00:00:00Z',
  };
  const historyJobs = () => h.db.select().from(jobs).where(eq(jobs.origin, 'history'));

  beforeAll(async () => {
    h = await openTestDb(adminUrl);
    const [team] = await h.db
      .insert(teams)
      .values({ id: newId('team'), name: 'research' })
      .returning();
    admin = await tokenSecret(h.db, 'a', 'admin');
    member = await tokenSecret(h.db, 'm', 'member', team!.id);
    // The zone's history site made beforehand with the rates above: the loader reuses it.
    siteId = newId('site');
    await h.db.insert(sites).values({
      id: siteId,
      name: 'alibaba-2023 US-CAL-CISO',
      region: 'CAISO',
      timezone: 'America/Los_Angeles',
      currency: 'USD',
      pue: PUE,
      gridZone: 'US-CAL-CISO',
      rates: {
        hardwareLifeYears: 4,
        costOfCapital: 0,
        cpuCorePerHour: 0.01,
        operationsPerGpuHour: 0.5,
        operationsPerCoreHour: 0,
        sharedPerMonth: { operations: 730, storage: 365 },
      },
    });
  });
  afterAll(() => h?.close());

  it('refuses a bad line with a 400 naming file, line and field, and writes nothing', async () => {
    const bad = PODS.replace('pod-b,1000,', 'pod-b,lots,');
    const r = await refusal((await caller(admin)).history.load({ ...input, trace: bad }));
    expect(r.code).toBe('BAD_REQUEST');
    // pod-b is on line 4 (the header is line 1).
    expect(r.message).toMatch(/^pods\.csv line 4: cpu_milli "lots" must be a whole number/);
    const badNodes = NODES.replace('node-b,4000,32768,1,T4', 'node-b,4000,32768,1,');
    const n = await refusal((await caller(admin)).history.load({ ...input, nodes: badNodes }));
    expect(n).toMatchObject({ code: 'BAD_REQUEST' });
    expect(n.message).toMatch(/^nodes\.csv line 3: model "" is required/);
    expect(await historyJobs()).toHaveLength(0);
    expect(await h.db.select().from(usageHours)).toHaveLength(0);
    expect(await h.db.select().from(nodes)).toHaveLength(0);
    expect(
      await refusal((await caller(admin)).history.load({ ...input, zone: 'MARS' })),
    ).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^zone "MARS"/) });
  });

  it('is for admins only', async () => {
    expect((await refusal((await caller(member)).history.load(input))).code).toBe('FORBIDDEN');
  });

  it('stores every pod that started in the window as a job, with its bill when it finished', async () => {
    const out = await (await caller(admin)).history.load(input);
    expect(out.site).toMatchObject({ id: siteId, created: false, currency: 'USD' });
    expect(out.window).toEqual({
      from: '2024-03-01T00:00:00.000Z',
      to: '2024-03-03T00:00:00.000Z',
      days: 2,
      compression: 1,
    });
    expect(out.counts).toEqual({
      jobs: 5,
      running: 1,
      bills: 4,
      costLines: 6, // pod-d spans two days
      hours: 48,
      nodes: 2,
    });
    const rows = await historyJobs();
    const byName = new Map(rows.map((j) => [j.name, j]));
    expect([...byName.keys()].sort()).toEqual(pods);
    for (const p of pods) {
      const job = byName.get(p)!;
      expect(job.createdAt.getTime()).toBe(START + SPANS[p].from * H);
      expect(job.startedAt!.getTime()).toBe(START + SPANS[p].from * H);
      expect(job.gpus).toBe(SPANS[p].share);
      expect(job).toMatchObject({ kind: 'command', payload: { argv: ['trace', p] } });
    }
    expect(byName.get('pod-c')!.cpuMilli).toBe(1000);
    expect(byName.get('pod-e')).toMatchObject({ state: 'running', finishedAt: null });
    expect(byName.get('pod-d')).toMatchObject({
      state: 'succeeded',
      finishedAt: new Date(START + 26 * H),
    });
    // Teams by QoS class: serving (LS), training (BE), the platform's own (the rest).
    const teamName = new Map((await h.db.select().from(teams)).map((t) => [t.id, t.name] as const));
    expect(['inference', 'recsys', 'speech']).toContain(teamName.get(byName.get('pod-a')!.teamId));
    expect(['research', 'vision', 'speech']).toContain(teamName.get(byName.get('pod-b')!.teamId));
    expect(teamName.get(byName.get('pod-d')!.teamId)).toBe('platform');

    const billRows = await h.db.select().from(bills);
    expect(billRows).toHaveLength(4);
    for (const b of billRows) {
      const p = [...byName.values()].find((j) => j.id === b.jobId)!.name as Pod;
      const want = cost(p, SPANS[p].to - SPANS[p].from);
      expect(b.hardware).toBeCloseTo(want.hardware, 10);
      expect(b.energy).toBeCloseTo(want.energy, 10);
      expect(b.operations).toBeCloseTo(want.operations, 10);
      expect(b.total).toBeCloseTo(want.total, 10);
      expect(b.siteId).toBe(siteId);
      // Formulas and inputs, no hourly rows.
      expect(Object.keys(b.detail).sort()).toEqual(['hours', 'lines', 'range', 'source']);
    }
  });

  it('writes cost lines per job and UTC day; a running job has unbilled lines to date', async () => {
    const rows = await h.db
      .select({ name: jobs.name, line: costLines })
      .from(costLines)
      .innerJoin(jobs, eq(jobs.id, costLines.jobId));
    const days = [
      ['pod-a', 0],
      ['pod-b', 0],
      ['pod-c', 0],
      ['pod-d', 0],
      ['pod-d', 1],
      ['pod-e', 1],
    ] as const;
    expect(rows.map((r) => [r.name, (r.line.day.getTime() - START) / (24 * H)]).sort()).toEqual(
      [...days].sort(),
    );
    for (const [p, d] of days) {
      const { line } = rows.find(
        (r) => r.name === p && r.line.day.getTime() === START + d * 24 * H,
      )!;
      const hours = overlap(p, d * 24, d * 24 + 24);
      const want = cost(p, hours);
      expect(line.hardware).toBeCloseTo(want.hardware, 10);
      expect(line.energy).toBeCloseTo(want.energy, 10);
      expect(line.operations).toBeCloseTo(want.operations, 10);
      expect(line.total).toBeCloseTo(want.total, 10);
      expect(line.gpuHours).toBeCloseTo(SPANS[p].share * hours, 12);
      expect(line.itKWh).toBeCloseTo((watts(p) * hours) / 1000, 12);
      expect(line.co2eKg).toBeCloseTo(((watts(p) * hours) / 1000) * PUE * KG, 12);
      expect(line).toMatchObject({ siteId, currency: 'USD', billed: p !== 'pod-e' });
      expect(['node-a', 'node-b']).toContain(line.node);
      expect(line.gpuModel).toBe(SPANS[p].share > 0 ? 't4-16gb' : null);
    }
  });

  it('accounts each hour: capacity, GPUs held and used, energy, and jobs + idle + shared = total', async () => {
    const hours = await h.db
      .select()
      .from(usageHours)
      .where(eq(usageHours.siteId, siteId))
      .orderBy(usageHours.hour);
    expect(hours).toHaveLength(48);
    // GPUs with any share on them: pod-a's; pod-b's, which pod-c shares; pod-e's.
    const held = (k: number) =>
      overlap('pod-a', k, k + 1) +
      Math.max(overlap('pod-b', k, k + 1), overlap('pod-c', k, k + 1)) +
      overlap('pod-e', k, k + 1);
    let lines = 0;
    for (const line of await h.db.select().from(costLines)) lines += line.total;
    let sumTotal = 0;
    let sumIdle = 0;
    let sumShared = 0;
    hours.forEach((row, k) => {
      expect(row.hour.getTime()).toBe(START + k * H);
      const used = pods.reduce((s, p) => s + SPANS[p].share * overlap(p, k, k + 1), 0);
      const jobsKWh = pods.reduce((s, p) => s + (watts(p) * overlap(p, k, k + 1)) / 1000, 0);
      // The hosts and every GPU idle, and what running pods draw above their GPUs' idle.
      const itKWh =
        0.33 +
        pods.reduce(
          (s, p) => s + ((watts(p) - SPANS[p].share * 10) * overlap(p, k, k + 1)) / 1000,
          0,
        );
      const jobs = pods.reduce((s, p) => s + cost(p, overlap(p, k, k + 1)).total, 0);
      const total = 3 * RATE + 12 * 0.01 + itKWh * PUE * PRICE + 3 * 0.5 + 1 + 0.5;
      expect(row.gpus).toBe(3);
      expect(row.gpuHoursAllocated).toBeCloseTo(held(k), 12);
      expect(row.gpuHoursUsed).toBeCloseTo(used, 12);
      expect(row.itKWh).toBeCloseTo(itKWh, 12);
      expect(row.jobsItKWh).toBeCloseTo(jobsKWh, 12);
      expect(row.facilityKWh).toBeCloseTo(itKWh * PUE, 12);
      expect(row.co2eKg).toBeCloseTo(itKWh * PUE * KG, 12);
      expect(row).toMatchObject({
        pue: PUE,
        pricePerKWh: PRICE,
        kgPerKWh: KG,
        source: 'simulated',
      });
      expect(row.total).toBeCloseTo(total, 10);
      expect(row.jobsCost).toBeCloseTo(jobs, 10);
      expect(row.sharedCost).toBeCloseTo(1.5, 12);
      expect(row.storage).toBeCloseTo(0.5, 12);
      expect(Math.abs(row.jobsCost + row.idleCost + row.sharedCost - row.total)).toBeLessThan(
        1e-9 * row.total,
      );
      sumTotal += row.total;
      sumIdle += row.idleCost;
      sumShared += row.sharedCost;
    });
    expect(hours.reduce((s, r) => s + r.gpuHoursAllocated, 0)).toBeCloseTo(22, 12);
    expect(hours.reduce((s, r) => s + r.gpuHoursUsed, 0)).toBeCloseTo(20.625, 12);
    // 03:00, pods a, b and c running: idle is the capacity they left (1.25 GPUs, 8 cores) and the
    // idle draw (hosts and 3 idle T4s, less the idle of the 1.75 GPUs the pods hold).
    expect(hours[3]!.idleCost).toBeCloseTo(
      1.25 * RATE + 8 * 0.01 + 1.25 * 0.5 + (0.33 - 1.75 * 0.01) * PUE * PRICE,
      10,
    );
    // The overview's reconciliation: Σ cost lines + idle + shared = Σ facility total.
    expect(Math.abs(lines + sumIdle + sumShared - sumTotal)).toBeLessThan(1e-9 * sumTotal);
  });

  it('leaves running history jobs alone: not reaped, not cancellable', async () => {
    const e = (await historyJobs()).find((j) => j.name === 'pod-e')!;
    expect(await reapExpiredLeases(h.db)).toEqual([]);
    const r = await refusal((await caller(admin)).jobs.cancel({ id: e.id }));
    expect(r.code).toBe('CONFLICT');
    expect(r.message).toMatch(/record of past use .* cannot be cancelled/);
    const [after] = await h.db.select().from(jobs).where(eq(jobs.id, e.id));
    expect(after).toMatchObject({ state: 'running', cancelRequested: false });
  });

  it('refuses a second load for the site; replace swaps the old history for the new', async () => {
    const before = new Set((await historyJobs()).map((j) => j.id));
    const again = await refusal((await caller(admin)).history.load(input));
    expect(again.code).toBe('CONFLICT');
    expect(again.message).toMatch(
      /^site "alibaba-2023 US-CAL-CISO" already holds loaded history \(5 jobs, 48 hours from 2024-03-01T00:00:00.000Z to 2024-03-03T00:00:00.000Z\): replace it/,
    );
    const out = await (await caller(admin)).history.load({ ...input, replace: true });
    expect(out.counts.jobs).toBe(5);
    const after = await historyJobs();
    expect(after).toHaveLength(5);
    expect(after.filter((j) => before.has(j.id))).toEqual([]);
    expect(await h.db.select().from(bills)).toHaveLength(4);
    expect(await h.db.select().from(costLines)).toHaveLength(6);
    expect(await h.db.select().from(usageHours)).toHaveLength(48);
    expect(await h.db.select().from(nodes)).toHaveLength(2);
  });
});

/** The bundled month: the whole default trace on the whole cluster, checked against the CSV itself. */
describeEachDatabase('the bundled Alibaba 2023 month', (adminUrl) => {
  let h: DbHandle;
  const END = Date.UTC(2026, 5, 1);
  const podsText = readFileSync(bundledPath('alibaba2023'), 'utf8');
  let result: Awaited<ReturnType<typeof loadHistory>>;

  beforeAll(async () => {
    h = await openTestDb(adminUrl);
    result = await loadHistory(
      h.db,
      {},
      {
        trace: { text: podsText, file: 'openb_pod_list_default.csv' },
        nodes: { text: readFileSync(bundledPath('alibaba2023Nodes'), 'utf8') },
        zone: 'US-CAL-CISO',
        days: 30,
        end: new Date(END),
      },
    );
  }, 240_000);
  afterAll(() => h?.close());

  it('holds the pods that arrive in the window, laid over it as documented', () => {
    // Read the CSV here, without the scheduler's reader: arrivals sorted, the newest on the
    // window's end, the busy span (after the first 1 % of arrivals) compressed into the window.
    const lines = podsText.trim().split('\n');
    const head = lines[0]!.split(',');
    const col = (name: string) => head.indexOf(name);
    const pods = lines.slice(1).map((l) => {
      const f = l.split(',');
      return {
        created: Number(f[col('creation_time')]),
        run: Number(f[col('deletion_time')]) - Number(f[col('scheduled_time')]),
        pending: f[col('pod_phase')] === 'Pending',
      };
    });
    expect(pods).toHaveLength(8152);
    const arrivals = pods.map((p) => p.created).sort((a, b) => a - b);
    const last = arrivals.at(-1)!;
    const W = 30 * 86_400;
    const compression = Math.max(1, (last - arrivals[Math.floor(0.01 * 8152)]!) / W);
    expect(result.window.compression).toBeCloseTo(compression, 12);
    const inWindow = pods.filter((p) => {
      const t = W - (last - p.created) / compression;
      return !p.pending && t >= 0 && t < W;
    });
    // An empty cluster this size (6,212 GPUs) starts each pod as it arrives.
    const running = inWindow.filter((p) => W - (last - p.created) / compression + p.run >= W);
    expect(result.counts).toMatchObject({
      jobs: inWindow.length,
      running: running.length,
      bills: inWindow.length - running.length,
      hours: 720,
      nodes: 1213,
    });
    expect(inWindow.length).toBeGreaterThan(7000);
    expect(result.totals.gpuHoursCapacity).toBe(6212 * 720);
  });

  it('reconciles: Σ cost lines + idle + shared = Σ facility total, hour by hour too', async () => {
    const [sums] = await h.db
      .select({
        lines: sql<number>`(SELECT sum(total) FROM cost_lines)`,
        total: sql<number>`sum(${usageHours.total})`,
        jobs: sql<number>`sum(${usageHours.jobsCost})`,
        idle: sql<number>`sum(${usageHours.idleCost})`,
        shared: sql<number>`sum(${usageHours.sharedCost})`,
        worst: sql<number>`max(abs(${usageHours.jobsCost} + ${usageHours.idleCost} + ${usageHours.sharedCost} - ${usageHours.total}) / ${usageHours.total})`,
      })
      .from(usageHours);
    const n = (x: unknown) => Number(x);
    expect(n(sums!.worst)).toBeLessThan(1e-9);
    expect(Math.abs(n(sums!.lines) - n(sums!.jobs))).toBeLessThan(1e-9 * n(sums!.total));
    expect(
      Math.abs(n(sums!.lines) + n(sums!.idle) + n(sums!.shared) - n(sums!.total)),
    ).toBeLessThan(1e-9 * n(sums!.total));
    const [billSum] = await h.db.select({ s: sql<number>`sum(total)` }).from(bills);
    const [billedLines] = await h.db
      .select({ s: sql<number>`sum(total)` })
      .from(costLines)
      .where(eq(costLines.billed, true));
    expect(Math.abs(n(billSum!.s) - n(billedLines!.s))).toBeLessThan(1e-9 * n(billSum!.s));
    const teamNames = (await h.db.select().from(teams)).map((t) => t.name).sort();
    expect(teamNames).toEqual([...HISTORY_TEAMS].sort());
  });
});
