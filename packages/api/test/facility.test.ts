import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { Site as CostSite } from '@wattwise/cost-model';
import type { DbHandle } from '@wattwise/db/client';
import { attemptSamples, jobAttempts, workers } from '@wattwise/db/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';

import { describeZodError } from '../src/trpc';
import {
  callerFor,
  describeEachDatabase,
  insertRows,
  openTestDb,
  siteRatesLoader,
  tokenSecret,
} from './helpers';

const H = 3_600_000;
const DAY = 24 * H;
/** Monday 2025-03-03 00:00 UTC (New York is on EST, UTC−5, until 9 March). */
const D0 = Date.UTC(2025, 2, 3);
const iso = (ms: number) => new Date(ms).toISOString();
/** Carbon of the test grid: 0.20 kg/kWh at 00:00 UTC, 0.01 more each hour of the day. */
const carbonAt = (ms: number) => 0.2 + 0.01 * new Date(ms).getUTCHours();

describeEachDatabase('facility', (adminUrl) => {
  let h: DbHandle;
  const secrets: Record<'admin' | 'memberA', string> = { admin: '', memberA: '' };
  // A flat 0.10 USD/kWh tariff and an hourly carbon series from a week before D0 to 40 days after now.
  const seriesStart = D0 - 7 * DAY;
  const seriesHours = Math.ceil((Date.now() + 40 * DAY - seriesStart) / H);
  const siteRates = siteRatesLoader({
    currency: 'USD',
    tariff: { kind: 'flat', perKWh: 0.1 },
    carbon: {
      kind: 'hourly',
      series: {
        name: 'test',
        unit: 'kgCO2e/kWh',
        startMs: seriesStart,
        values: Float64Array.from({ length: seriesHours }, (_, i) => carbonAt(seriesStart + i * H)),
      },
    },
  });
  const caller = async (who: keyof typeof secrets) => callerFor(h, secrets[who], { siteRates });
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => 'accepted',
      (e: unknown) =>
        e instanceof TRPCError
          ? // The HTTP error formatter words zod issues this way; a direct call keeps the raw error.
            `${getHTTPStatusCodeFromError(e)} ${e.cause instanceof ZodError ? describeZodError(e.cause) : e.message}`
          : String(e),
    );

  beforeAll(async () => {
    h = await openTestDb(adminUrl);
    const db = h.db;
    const node = (
      id: string,
      rack: string | null,
      gpuCount: number,
      powerState: 'on' | 'off' = 'on',
    ) => ({
      id,
      siteId: 'site_s',
      name: id.replace('node_', ''),
      rack,
      gpuModel: gpuCount ? 'H100-SXM' : null,
      gpuCount,
      cpuCores: 64,
      memoryGb: 512,
      powerState,
    });
    const job = (id: string, teamId: string, state: 'succeeded' | 'running' = 'succeeded') => ({
      id,
      teamId,
      origin: 'submitted' as const,
      payload: { argv: ['true'] },
      state,
      gpus: 1,
    });
    const line = (
      jobId: string,
      teamId: string,
      day: number,
      node: string,
      gpuHours: number,
      itKWh: number,
      total: number,
    ) => ({
      jobId,
      day,
      siteId: 'site_s',
      teamId,
      node,
      gpuModel: 'H100-SXM',
      currency: 'USD',
      hardware: total,
      gpuHours,
      itKWh,
      facilityKWh: itKWh * 1.3,
      co2eKg: itKWh * 0.3,
    });
    // Four hours of usage on D0: 100 kWh IT (60 by jobs) at PUE 1.3, then 80 kWh (20 by jobs) at 1.4.
    const usage = (hour: number, it: number, jobsIt: number, pue: number) => ({
      siteId: 'site_s',
      hour: D0 + hour * H,
      currency: 'USD',
      gpus: 20,
      gpuHoursAllocated: 10,
      gpuHoursUsed: 9,
      itKWh: it,
      jobsItKWh: jobsIt,
      facilityKWh: it * pue,
      pue,
      pricePerKWh: 0.1,
      kgPerKWh: carbonAt(D0 + hour * H),
    });
    await insertRows(db, {
      teams: { team_a: 'a', team_b: 'b' },
      sites: [
        // Oldest, with a zone but no nodes; then the zoned site with nodes; then one with no zone.
        {
          id: 'site_empty',
          name: 'empty',
          timezone: 'UTC',
          currency: 'USD',
          pue: 1.2,
          gridZone: 'US-MIDA-PJM',
        },
        {
          id: 'site_s',
          name: 's',
          timezone: 'America/New_York',
          currency: 'USD',
          pue: 1.3,
          gridZone: 'US-MIDA-PJM',
        },
        {
          id: 'site_nozone',
          name: 'nozone',
          timezone: 'UTC',
          currency: 'EUR',
          pue: 1.5,
        },
      ],
      nodes: [
        node('node_n1', 'r1', 8),
        node('node_n2', 'r1', 4),
        node('node_n3', 'r2', 8, 'off'),
        node('node_n4', null, 0),
      ],
      jobs: [
        job('job_a', 'team_a'),
        job('job_a2', 'team_a'),
        job('job_a3', 'team_a'),
        job('job_b', 'team_b'),
        job('job_b2', 'team_b'),
        job('job_run_a', 'team_a', 'running'),
        job('job_run_b', 'team_b', 'running'),
      ],
      costLines: [
        line('job_a', 'team_a', D0, 'n1', 96, 50, 300),
        line('job_a', 'team_a', D0 + DAY, 'n1', 48, 25, 150),
        line('job_b', 'team_b', D0 + DAY, 'n1', 24, 10, 60),
        line('job_b2', 'team_b', D0, 'n2', 48, 20, 100),
        // A worker's host that is not a node of the site.
        line('job_a2', 'team_a', D0, 'host-x', 2, 1, 5),
        // Outside the two days: never counted.
        line('job_a3', 'team_a', D0 + 2 * DAY, 'n3', 100, 40, 200),
        line('job_a3', 'team_a', D0 - DAY, 'n1', 100, 40, 200),
      ],
      usageHours: [
        usage(0, 100, 60, 1.3),
        usage(1, 100, 60, 1.3),
        usage(2, 80, 20, 1.4),
        usage(3, 80, 20, 1.4),
      ],
    });

    // A live worker on node n1 with four GPUs; a second one last heard from an hour ago.
    const gpus = [0, 1, 2, 3].map((index) => ({ index, name: 'NVIDIA H100 80GB HBM3' }));
    await db.insert(workers).values([
      {
        id: 'wkr_live',
        hostname: 'n1',
        cpus: 64,
        memoryMb: 512_000,
        gpus,
        siteId: 'site_s',
        version: 't',
      },
      {
        id: 'wkr_stale',
        hostname: 'n2',
        cpus: 64,
        memoryMb: 512_000,
        gpus,
        siteId: 'site_s',
        version: 't',
        lastHeartbeatAt: new Date(Date.now() - H),
      },
    ]);
    const lease = new Date(Date.now() + 60_000);
    await db.insert(jobAttempts).values([
      {
        id: 'att_a',
        jobId: 'job_run_a',
        number: 1,
        workerId: 'wkr_live',
        leaseExpiresAt: lease,
        gpuIndices: [0, 1],
      },
      {
        id: 'att_b',
        jobId: 'job_run_b',
        number: 1,
        workerId: 'wkr_live',
        leaseExpiresAt: lease,
        gpuIndices: [2],
      },
    ]);
    // att_a: GPU 0 busy ten minutes ago, nearly idle in the last five (3 %, 1 %); GPU 1 busy throughout.
    const t = Date.now();
    const sample = (
      attemptId: string,
      seq: number,
      ago: number,
      readings: [number, number, number][],
    ) => ({
      attemptId,
      seq,
      at: new Date(t - ago),
      gpus: readings.map(([index, util, powerW]) => ({
        index,
        util,
        powerW,
        memoryMiB: 1000 + index,
      })),
      cpuW: 10,
      method: 'nvml-energy' as const,
    });
    await db.insert(attemptSamples).values([
      sample('att_a', 0, 10 * 60_000, [
        [0, 90, 650],
        [1, 90, 650],
      ]),
      sample('att_a', 1, 4 * 60_000, [
        [0, 3, 80],
        [1, 60, 400],
      ]),
      sample('att_a', 2, 60_000, [
        [0, 1, 70],
        [1, 70, 300],
      ]),
      sample('att_b', 0, 30_000, [[2, 2, 75]]),
    ]);

    secrets.admin = await tokenSecret(db, 'admin', 'admin');
    secrets.memberA = await tokenSecret(db, 'm', 'member', 'team_a');
  });
  afterAll(() => h.close());

  const period = { from: iso(D0), to: iso(D0 + 2 * DAY) };

  describe('nodes', () => {
    it("works out each node's utilisation, energy and cost share over whole UTC days", async () => {
      // A window that starts and ends mid-day covers the same two UTC days.
      const r = await (
        await caller('admin')
      ).facility.nodes({
        from: iso(D0 + 6 * H),
        to: iso(D0 + DAY + 3 * H),
      });
      expect(r.site?.id).toBe('site_s'); // the zoned site with the most nodes
      expect(r.scope).toBe('facility');
      expect(r.coverage).toEqual({ from: iso(D0), to: iso(D0 + 2 * DAY), hours: 48 });
      const n = Object.fromEntries(r.nodes.map((x) => [x.name, x]));
      // n1: 96 + 48 + 24 GPU-hours on 8 GPUs over 48 h = 168 / 384.
      expect(n.n1!.gpuHours).toBe(168);
      expect(n.n1!.utilisation).toBeCloseTo(168 / 384, 12);
      expect(n.n2!.utilisation).toBeCloseTo(48 / (4 * 48), 12);
      expect(n.n3!.utilisation).toBe(0);
      expect(n.n4!.utilisation).toBeNull(); // no GPUs
      // Shares of everything the site's cost lines hold in those days: 106 kWh, 615 USD.
      expect(n.n1!.itKWh).toBe(85);
      expect(n.n1!.energyShare).toBeCloseTo(85 / 106, 12);
      expect(n.n1!.costShare).toBeCloseTo(510 / 615, 12);
      expect(n.n1!.avgKW).toBeCloseTo(85 / 48, 12);
      expect(n.n2!.costShare).toBeCloseTo(100 / 615, 12);
      expect(r.otherHosts).toEqual({ hosts: 1, gpuHours: 2, itKWh: 1, cost: 5 });
      expect(r.totals).toMatchObject({
        nodes: 4,
        gpus: 20,
        gpuHours: 218,
        itKWh: 106,
        cost: 615,
      });
      // Utilisation of the listed nodes: (168 + 48) GPU-hours of 20 GPUs × 48 h.
      expect(r.totals!.utilisation).toBeCloseTo(216 / 960, 12);
      expect(r.racks).toEqual([
        { name: 'r1', nodes: 2, gpus: 12 },
        { name: 'r2', nodes: 1, gpus: 8 },
        { name: null, nodes: 1, gpus: 0 },
      ]);
      expect(n.n1!.workerId).toBe('wkr_live');
      expect(n.n3!.powerState).toBe('off');
    });

    it("shows the live workers' GPUs with their holders and telemetry, and finds the held-but-idle ones", async () => {
      const r = await (await caller('admin')).facility.nodes(period);
      expect(r.workers.map((w) => w.id)).toEqual(['wkr_live']); // the stale worker is not live
      const g = r.workers[0]!.gpus;
      expect(
        g.map((x) => (x.holder && x.holder !== 'other-team' ? x.holder.jobId : x.holder)),
      ).toEqual(['job_run_a', 'job_run_a', 'job_run_b', null]);
      // GPU 0: the last five minutes hold 3 % and 1 % (the 90 % ten minutes ago is older): 2 % < 5 %.
      expect(g[0]!.recentUtil).toBe(2);
      expect(g[0]!.idle).toBe(true);
      expect(g[0]!.latest).toMatchObject({ util: 1, powerW: 70, memoryMiB: 1000 });
      expect(g[1]!.recentUtil).toBe(65);
      expect(g[1]!.idle).toBe(false);
      expect(g[3]!.latest).toBeNull();
      expect(r.heldIdle.map((x) => [x.gpuIndex, x.holder.jobId, x.recentUtil])).toEqual([
        [0, 'job_run_a', 2],
        [2, 'job_run_b', 2],
      ]);
    });

    it("gives a member the rack grid and only their team's figures and jobs", async () => {
      const r = await (await caller('memberA')).facility.nodes(period);
      expect(r.scope).toBe('team');
      // Capacity is everyone's: all four nodes.
      expect(r.nodes.map((x) => x.name).sort()).toEqual(['n1', 'n2', 'n3', 'n4']);
      const n = Object.fromEntries(r.nodes.map((x) => [x.name, x]));
      // Team a's jobs only: 96 + 48 on n1, nothing on n2; shares of team a's 76 kWh and 455 USD.
      expect(n.n1!.utilisation).toBeCloseTo(144 / 384, 12);
      expect(n.n2!.gpuHours).toBe(0);
      expect(n.n1!.energyShare).toBeCloseTo(75 / 76, 12);
      expect(n.n1!.costShare).toBeCloseTo(450 / 455, 12);
      expect(r.totals).toMatchObject({ gpuHours: 146, itKWh: 76, cost: 455 });
      // Another team's attempt shows only that its GPU is taken: no job, no telemetry.
      const g = r.workers[0]!.gpus;
      expect(g[2]).toMatchObject({
        holder: 'other-team',
        latest: null,
        recentUtil: null,
        idle: false,
      });
      expect(JSON.stringify(r)).not.toContain('job_run_b');
      expect(JSON.stringify(r)).not.toContain('team_b');
      expect(r.heldIdle.map((x) => x.holder.jobId)).toEqual(['job_run_a']);
    });
  });

  describe('energy', () => {
    it('prices each hour at the site tariff and carbon, with the heat map worked out by hand', async () => {
      const r = await (await caller('admin')).facility.energy(period);
      expect(r.site?.id).toBe('site_s');
      expect(r.currency).toBe('USD');
      expect(r.resolution).toBe('hour');
      expect(r.points).toHaveLength(48);
      r.points.forEach((p, h) => {
        expect(p.t).toBe(iso(D0 + h * H));
        expect(p.price).toBe(0.1);
        expect(p.priceStatus).toBe('tariff');
        expect(p.carbon).toBeCloseTo(0.2 + 0.01 * (h % 24), 12);
        // 2025 is not the recorded year: the series is an estimate for it.
        expect(p.carbonStatus).toBe('estimated');
      });
      // Over the 48 hours: carbon from 0.20 (00:00, first on Monday) to 0.43 (23:00), mean 0.315.
      expect(r.summary?.carbon).toMatchObject({
        hours: 48,
        minAt: iso(D0),
        maxAt: iso(D0 + 23 * H),
      });
      expect(r.summary?.carbon?.mean).toBeCloseTo(0.315, 12);
      expect(r.summary?.price).toMatchObject({ min: 0.1, max: 0.1 });
      expect(r.summary?.price?.mean).toBeCloseTo(0.1, 12);
      expect(r.sources?.price).toMatchObject({ kind: 'flat', label: 'rated' });
      expect(r.sources?.carbon).toMatchObject({ kind: 'hourly', label: 'modelled' });
      // UTC: Monday and Tuesday hold one hour each per cell; other days are empty.
      const utc = r.heatmap!.utc!;
      const cell = (map: typeof utc, weekday: number, hour: number) =>
        map.cells.find((c) => c.weekday === weekday && c.hour === hour)!;
      expect(cell(utc, 1, 5)).toMatchObject({ price: 0.1, priceHours: 1, carbonHours: 1 });
      expect(cell(utc, 2, 23).carbon).toBeCloseTo(0.43, 12);
      expect(cell(utc, 3, 0)).toMatchObject({ price: null, carbon: null, priceHours: 0 });
      // A flat tariff has no cheapest hour. Cleanest: ceil(0.1 × 48 cells) = 5; the fifth lowest is
      // 0.22 (02:00), so 00:00–02:00 on both days, ties included.
      expect(utc.cells.filter((c) => c.cheapest)).toHaveLength(0);
      expect(
        utc.cells
          .filter((c) => c.cleanest)
          .map((c) => `${c.weekday}@${c.hour}`)
          .sort(),
      ).toEqual(['1@0', '1@1', '1@2', '2@0', '2@1', '2@2']);
      // New York (UTC−5): local Monday 00:00 is 05:00 UTC; UTC Monday 00:00 is local Sunday 19:00.
      const local = r.heatmap!.local!;
      expect(r.heatmap!.localTimeZone).toBe('America/New_York');
      expect(cell(local, 1, 0).carbon).toBeCloseTo(0.25, 12);
      expect(cell(local, 7, 19).carbon).toBeCloseTo(0.2, 12);
    });

    it('shows the PUE and active against idle power of the facility to an admin only', async () => {
      const r = await (await caller('admin')).facility.energy(period);
      const u = r.usage!;
      expect(u.points.map((p) => p.t)).toEqual([0, 1, 2, 3].map((k) => iso(D0 + k * H)));
      expect(u.points[0]).toMatchObject({
        itKWh: 100,
        jobsItKWh: 60,
        idleItKWh: 40,
        activeKW: 60,
        idleKW: 40,
      });
      expect(u.points[0]!.pue).toBeCloseTo(1.3, 12);
      expect(u.points[3]!.pue).toBeCloseTo(1.4, 12);
      // 130 + 130 + 112 + 112 kWh at the meter for 360 kWh IT.
      expect(u.totals.pue).toBeCloseTo(484 / 360, 12);
      expect(u.totals).toMatchObject({ hours: 4, meteredHours: 0, itKWh: 360, jobsItKWh: 160 });

      const m = await (await caller('memberA')).facility.energy(period);
      expect(m.usage).toBeNull();
      expect(m.points).toHaveLength(48); // the grid's prices and carbon are no team's secret
    });

    it('sends daily means past 31 days, and forecasts the hours that have not ended', async () => {
      const r = await (
        await caller('admin')
      ).facility.energy({
        from: iso(D0 - 300 * DAY),
        to: iso(D0 + 2 * DAY),
      });
      expect(r.resolution).toBe('day');
      expect(r.points).toHaveLength(302);
      const d0 = r.points.find((p) => p.t === iso(D0))!;
      // The mean of 0.20 … 0.43 over a day is 0.20 + 0.01 × 11.5.
      expect(d0).toMatchObject({ hours: 24, priceMin: 0.1, priceMax: 0.1 });
      expect(d0.carbon).toBeCloseTo(0.315, 12);
      expect(d0.carbonMin).toBeCloseTo(0.2, 12);
      expect(d0.carbonMax).toBeCloseTo(0.43, 12);
      // Before the series starts there is no carbon at all: a gap, not a zero.
      expect(r.points[0]!.carbon).toBeNull();
      const usageDay = r.usage!.points.find((p) => p.t === iso(D0))!;
      expect(usageDay).toMatchObject({ hours: 4, itKWh: 360, activeKW: 40, idleKW: 50 });

      const hour = Math.floor(Date.now() / H) * H;
      const f = await (
        await caller('admin')
      ).facility.energy({
        from: iso(hour - 2 * H),
        to: iso(hour + 3 * H),
      });
      expect(f.points.map((p) => p.carbonStatus).slice(0, 2)).toEqual(['estimated', 'estimated']);
      expect(f.points.map((p) => p.carbonStatus).slice(3)).toEqual(['forecast', 'forecast']);
      // Seasonal naive repeats yesterday's same hour, which this series makes the same value.
      for (const p of f.points) expect(p.carbon).toBeCloseTo(carbonAt(Date.parse(p.t)), 12);
      // The heat map reads only hours that have begun.
      const counted = f.heatmap!.utc!.cells.reduce((s, c) => s + c.carbonHours, 0);
      expect(counted).toBe(3);
    });

    it('names a site by id, and uses published averages where it has no grid zone', async () => {
      const r = await (await caller('admin')).facility.energy({ ...period, siteId: 'site_nozone' });
      expect(r.site?.id).toBe('site_nozone');
      // The loader prices any site it answers for.
      expect(r.points[0]!.price).toBe(0.1);
      const bare = await callerFor(h, secrets.admin);
      const avg = await bare.facility.energy({ ...period, siteId: 'site_nozone' });
      expect(avg.points[0]).toMatchObject({
        price: 0.08,
        carbon: 0.48,
        carbonStatus: 'estimated',
      });
      expect(avg.sources?.price.note).toMatch(/no grid zone/);
    });
  });

  it("labels the recorded year's own hours measured and the same series laid over later years estimated", async () => {
    // A loader whose hourly carbon starts on 2023-01-01, as the bundled files do.
    const y2023 = Date.UTC(2023, 0, 1);
    const recorded = (site: { id: string; name: string; pue: number }): CostSite => ({
      ...siteRates(site),
      carbon: {
        kind: 'hourly',
        series: {
          name: 'test',
          unit: 'kgCO2e/kWh',
          startMs: y2023,
          values: new Float64Array(2 * 366 * 24).fill(0.3),
        },
      },
    });
    const c = await callerFor(h, secrets.admin, { siteRates: recorded });
    const at = async (ms: number) =>
      (await c.facility.energy({ from: iso(ms), to: iso(ms + H) })).points[0]!.carbonStatus;
    expect(await at(Date.UTC(2023, 5, 1))).toBe('measured');
    expect(await at(Date.UTC(2024, 5, 1))).toBe('estimated');
  });

  it('refuses bad periods and unknown sites with a 400 naming the field', async () => {
    const c = await caller('admin');
    expect(await refusal(c.facility.energy({ from: iso(D0), to: iso(D0) }))).toMatch(
      /^400 .*to: must be after from/,
    );
    expect(await refusal(c.facility.nodes({ from: iso(D0), to: iso(D0 + 401 * DAY) }))).toMatch(
      /^400 .*from: the period spans 401 days; at most 400/,
    );
    expect(await refusal(c.facility.energy({ from: 'yesterday', to: iso(D0) }))).toMatch(
      /^400 .*from:/,
    );
    expect(await refusal(c.facility.nodes({ ...period, siteId: 'site_nope' }))).toMatch(
      /^400 siteId: no site "site_nope"/,
    );
    expect(
      await refusal(c.facility.energy({ ...period, team: 'x' } as unknown as typeof period)),
    ).toMatch(/^400 .*team/);
  });
});
