import { TRPCError } from '@trpc/server';
import type { DbHandle } from '@wattwise/db/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ZodError } from 'zod';

import { describeZodError } from '../src/trpc';
import {
  callerFor,
  costParts,
  describeEachDatabase,
  insertRows,
  openTestDb,
  tokenSecret,
} from './helpers';

const H = 3_600_000;
const DAY1 = Date.UTC(2025, 2, 3); // a Monday
const DAY2 = DAY1 + 24 * H;
const DAY3 = DAY2 + 24 * H;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * 48 facility hours of 10 GPUs. Day 1 (metered): 6 GPUs held, 4 asked for, 5 kWh IT at PUE 1.2;
 * day 2 (simulated): 8 held, 5 asked for, 5 kWh at PUE 1.5. Per hour: hardware 10, energy
 * facility kWh × 0.10, operations 2, storage 0.5, bandwidth 0.25; total 13.35 (day 1), 13.5 (day 2),
 * split into jobs 8 + idle 4.35 + shared 1 (day 1) and jobs 9 + idle 3.5 + shared 1 (day 2).
 */
function usageHour(h: number) {
  const day2 = h >= 24;
  const facilityKWh = day2 ? 7.5 : 6;
  const energy = facilityKWh * 0.1;
  const total = 10 + energy + 2 + 0.5 + 0.25;
  const jobsCost = day2 ? 9 : 8;
  return {
    siteId: 'site_t',
    hour: DAY1 + h * H,
    currency: 'EUR',
    gpus: 10,
    gpuHoursAllocated: day2 ? 8 : 6,
    gpuHoursUsed: day2 ? 5 : 4,
    itKWh: 5,
    jobsItKWh: 4,
    facilityKWh,
    pue: day2 ? 1.5 : 1.2,
    pricePerKWh: 0.1,
    kgPerKWh: 0.4,
    hardware: 10,
    energy,
    operations: 2,
    storage: 0.5,
    bandwidth: 0.25,
    total,
    jobsCost,
    idleCost: total - jobsCost - 1,
    sharedCost: 1,
    co2eKg: facilityKWh * 0.4,
    source: day2 ? 'simulated' : 'metered',
  };
}

/** A cost line of site T: its five parts, then GPU-hours, IT kWh, facility kWh and kg CO2e. */
const line = (
  jobId: string,
  day: number,
  teamId: string,
  parts: [number, number, number, number, number],
  [gpuHours, itKWh, facilityKWh, co2eKg]: [number, number, number, number],
  billed = true,
) => ({
  jobId,
  day,
  siteId: 'site_t',
  teamId,
  currency: 'EUR',
  ...costParts(parts),
  gpuHours,
  itKWh,
  facilityKWh,
  co2eKg,
  billed,
});

/**
 * Cost lines whose totals per day equal the hours' jobs cost: day 1, 24 × 8 = 192 = 100 (A) + 92 (B);
 * day 2, 24 × 9 = 216 = 120 (A) + 96 (B, still running: not billed).
 */
const LINES = [
  line('job_a1', DAY1, 'team_a', [60, 20, 15, 3, 2], [40, 50, 60, 24]),
  line('job_b2', DAY1, 'team_b', [50, 25, 10, 5, 2], [30, 40, 48, 19.2]),
  line('job_a1', DAY2, 'team_a', [70, 30, 15, 4, 1], [48, 60, 90, 36]),
  line('job_b3', DAY2, 'team_b', [55, 20, 15, 4, 2], [50, 55, 82.5, 33], false),
];

describeEachDatabase('overview.summary', (adminUrl) => {
  let h: DbHandle;
  const secrets: Record<'admin' | 'memberA' | 'worker', string> = {
    admin: '',
    memberA: '',
    worker: '',
  };
  const caller = async (who: keyof typeof secrets | null) =>
    callerFor(h, who ? secrets[who] : undefined);
  const window = (from: number, to: number, granularity: 'hour' | 'day' = 'day') => ({
    from: iso(from),
    to: iso(to),
    granularity,
  });
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => 'OK',
      // The message as the HTTP error formatter words it: each bad field by its path.
      (e: unknown) =>
        e instanceof TRPCError
          ? `${e.code} ${e.cause instanceof ZodError ? describeZodError(e.cause) : e.message}`
          : String(e),
    );

  beforeAll(async () => {
    h = await openTestDb(adminUrl);
    await insertRows(h.db, {
      teams: { team_a: 'alpha', team_b: 'beta' },
      sites: [{ id: 'site_t', name: 'test-site', currency: 'EUR', pue: 1.3 }],
      jobs: [
        { id: 'job_a1', teamId: 'team_a' },
        { id: 'job_b2', teamId: 'team_b' },
        { id: 'job_b3', teamId: 'team_b', state: 'running' },
      ],
      costLines: LINES,
      usageHours: Array.from({ length: 48 }, (_, i) => usageHour(i)),
    });
    secrets.admin = await tokenSecret(h.db, 'a', 'admin');
    secrets.memberA = await tokenSecret(h.db, 'm', 'member', 'team_a');
    secrets.worker = await tokenSecret(h.db, 'w', 'worker');
  });
  afterAll(() => h?.close());

  it("gives an admin the facility's five parts and their split per day", async () => {
    const s = await (await caller('admin')).overview.summary(window(DAY1, DAY3));
    expect(s.scope).toBe('facility');
    expect(s.currency).toBe('EUR');
    expect(s.bucket).toBe('day');
    expect(s.series.map((p) => p.start)).toEqual([iso(DAY1), iso(DAY2)]);
    const [d1, d2] = s.series as [(typeof s.series)[number], (typeof s.series)[number]];
    // Day 1: 24 × (10, 0.6, 2, 0.5, 0.25); jobs 24 × 8, idle 24 × 4.35, shared 24 × 1.
    const expectDay = (p: typeof d1, want: Record<string, number>) => {
      for (const [k, v] of Object.entries(want))
        expect(p[k as keyof typeof p], k).toBeCloseTo(v, 9);
    };
    expectDay(d1, {
      hardware: 240,
      energy: 14.4,
      operations: 48,
      storage: 12,
      bandwidth: 6,
      total: 320.4,
      jobsCost: 192,
      idleCost: 104.4,
      sharedCost: 24,
      itKWh: 120,
      facilityKWh: 144,
      gpus: 10,
      gpusAllocated: 6,
      gpusUsed: 4,
    });
    // Day 2: energy 24 × 0.75 = 18; total 324 = 216 jobs + 84 idle + 24 shared.
    expectDay(d2, {
      hardware: 240,
      energy: 18,
      total: 324,
      jobsCost: 216,
      idleCost: 84,
      sharedCost: 24,
      facilityKWh: 180,
      gpusAllocated: 8,
      gpusUsed: 5,
    });
  });

  it('gives hourly buckets when asked', async () => {
    const s = await (await caller('admin')).overview.summary(window(DAY1, DAY3, 'hour'));
    expect(s.bucket).toBe('hour');
    expect(s.series).toHaveLength(48);
    expect(s.series[30]!.start).toBe(iso(DAY1 + 30 * H));
    expect(s.series[30]!.total).toBeCloseTo(13.5, 12);
    expect(s.series[30]!.idleCost).toBeCloseTo(3.5, 12);
    expect(s.series[30]!.hours).toBe(1);
  });

  it('works out the headline figures and PUE over the window', async () => {
    const { figures: f } = await (await caller('admin')).overview.summary(window(DAY1, DAY3));
    expect(f.totalCost.value).toBeCloseTo(320.4 + 324, 9);
    expect(f.costPerHour.value).toBeCloseTo(644.4 / 48, 9);
    expect(f.itKWh.value).toBeCloseTo(240, 9);
    expect(f.facilityKWh.value).toBeCloseTo(144 + 180, 9);
    expect(f.pue.value).toBeCloseTo(324 / 240, 12);
    // 324 kWh × 0.4 kg/kWh = 129.6 kg.
    expect(f.co2e.value).toBeCloseTo(0.1296, 12);
    expect(f.gpuHoursAllocated!.value).toBeCloseTo(24 * 6 + 24 * 8, 9);
    expect(f.gpuHoursAllocated!.share).toEqual({ of: 'capacity', value: 336 / 480 });
    expect(f.gpuHoursUsed.value).toBeCloseTo(24 * 4 + 24 * 5, 9);
    expect(f.gpuHoursUsed.share).toEqual({ of: 'capacity', value: 216 / 480 });
    expect(f.idleCost!.value).toBeCloseTo(104.4 + 84, 9);
    expect(f.idleCost!.share!.of).toBe('total cost');
    expect(f.idleCost!.share!.value).toBeCloseTo(188.4 / 644.4, 12);
    // The five parts are the total's inputs, and half the hours were simulated.
    expect(f.totalCost.inputs.map((i) => i.name)).toEqual([
      'Hardware',
      'Energy',
      'Operations',
      'Storage',
      'Bandwidth',
    ]);
    expect(f.totalCost.inputs.reduce((a, i) => a + i.value!, 0)).toBeCloseTo(644.4, 9);
    expect(f.totalCost.provenance).toBe('simulated');
    expect(f.totalCost.formula).toMatch(/hardware \+ energy/);
  });

  it('reconciles job bills, running jobs, idle and shared with the facility total', async () => {
    const { reconciliation: r } = await (
      await caller('admin')
    ).overview.summary(window(DAY1, DAY3));
    expect(r).not.toBeNull();
    // Billed lines 100 + 92 + 120; running 96; idle 104.4 + 84; shared 48; facility 320.4 + 324.
    expect(r!.parts.billedJobs).toBeCloseTo(312, 9);
    expect(r!.parts.runningJobs).toBeCloseTo(96, 9);
    expect(r!.parts.idle).toBeCloseTo(188.4, 9);
    expect(r!.parts.shared).toBeCloseTo(48, 9);
    expect(r!.sum).toBeCloseTo(644.4, 9);
    expect(r!.facilityTotal).toBeCloseTo(644.4, 9);
    expect(Math.abs(r!.difference)).toBeLessThan(1e-9);
    expect(r!.jobsCostRecorded).toBeCloseTo(408, 9);
    expect(r!.lines).toBe(4);
    expect(r!.hours).toBe(48);
  });

  it('reconciles whole UTC days when the window starts and ends within a day', async () => {
    const s = await (await caller('admin')).overview.summary(window(DAY1 + 12 * H, DAY2 + 12 * H));
    // The headline covers the window's 24 hours: 12 of day 1 and 12 of day 2.
    expect(s.figures.totalCost.value).toBeCloseTo(12 * 13.35 + 12 * 13.5, 9);
    expect(s.linesPeriod).toEqual({ from: iso(DAY1), to: iso(DAY3) });
    expect(s.reconciliation!.from).toBe(iso(DAY1));
    expect(s.reconciliation!.to).toBe(iso(DAY3));
    expect(s.reconciliation!.facilityTotal).toBeCloseTo(644.4, 9);
  });

  it('forecasts the following days from the daily totals, banded by its own past error', async () => {
    const { forecast } = await (await caller('admin')).overview.summary(window(DAY1, DAY3));
    // Two complete days (320.4, 324): too few for a weekly pattern, so each day repeats the last
    // one (324). The next day's band comes from the one past one-day-ahead error, |324 − 320.4| =
    // 3.6; two or more days ahead, two days of history hold no error to learn from: no band.
    expect(forecast!.seasonDays).toBe(1);
    expect(forecast!.historyDays).toBe(2);
    expect(forecast!.errorCount).toBe(1);
    expect(forecast!.days.map((d) => d.start)).toEqual(
      Array.from({ length: 7 }, (_, k) => iso(DAY3 + k * 24 * H)),
    );
    expect(forecast!.days.map((d) => d.expected)).toEqual(Array(7).fill(324));
    expect(forecast!.days[0]!.low).toBeCloseTo(320.4, 9);
    expect(forecast!.days[0]!.high).toBeCloseTo(327.6, 9);
    for (const d of forecast!.days.slice(1)) expect([d.low, d.high]).toEqual([null, null]);
    expect(forecast!.method).toMatch(/Seasonal naive/);
    expect(forecast!.method).toMatch(/80th percentile/);

    const hourly = await (await caller('admin')).overview.summary(window(DAY1, DAY3, 'hour'));
    expect(hourly.forecast!.points).toHaveLength(7 * 24);
    expect(hourly.forecast!.points[0]!.expected).toBeCloseTo(324 / 24, 9);
  });

  it("shows a member only their team's lines, and no facility figures", async () => {
    const s = await (await caller('memberA')).overview.summary(window(DAY1, DAY3, 'hour'));
    expect(s.scope).toBe('team');
    expect(s.teamId).toBe('team_a');
    // Team lines are daily, whatever was asked.
    expect(s.bucket).toBe('day');
    expect(s.series.map((p) => [p.start, p.total])).toEqual([
      [iso(DAY1), 100],
      [iso(DAY2), 120],
    ]);
    expect(s.series[0]).toMatchObject({
      hardware: 60,
      energy: 20,
      operations: 15,
      storage: 3,
      bandwidth: 2,
    });
    for (const p of s.series) {
      expect(p.jobsCost).toBeNull();
      expect(p.idleCost).toBeNull();
      expect(p.sharedCost).toBeNull();
      expect(p.gpus).toBeNull();
      expect(p.gpusAllocated).toBeNull();
    }
    const f = s.figures;
    expect(f.totalCost.value).toBeCloseTo(220, 9);
    expect(f.costPerHour.value).toBeCloseTo(220 / 48, 9);
    expect(f.itKWh.value).toBeCloseTo(110, 9);
    expect(f.facilityKWh.value).toBeCloseTo(150, 9);
    expect(f.pue.value).toBeCloseTo(150 / 110, 12);
    expect(f.co2e.value).toBeCloseTo(0.06, 12);
    expect(f.gpuHoursUsed.value).toBeCloseTo(88, 9);
    expect(f.gpuHoursUsed.share).toBeNull();
    expect(f.gpuHoursAllocated).toBeNull();
    expect(f.idleCost).toBeNull();
    expect(s.reconciliation).toBeNull();
    // Team B's 92 and 96 appear nowhere: not in the total, not in the inputs.
    expect(JSON.stringify(s)).not.toMatch(/\b(92|96|312|644\.4)\b/);
    // Their forecast: each day repeats the last (120); past error |120 − 100| = 20.
    expect(s.forecast!.days[0]).toMatchObject({ expected: 120, low: 100, high: 140 });
    expect(s.notes.join(' ')).toMatch(/for admins/);
  });

  it('says when a window is empty and where the data is', async () => {
    const s = await (
      await caller('admin')
    ).overview.summary(window(Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 8)));
    expect(s.hasData).toBe(false);
    expect(s.series).toEqual([]);
    expect(s.figures.totalCost.value).toBe(0);
    expect(s.figures.pue.value).toBeNull();
    expect(s.dataExtent).toEqual({ first: iso(DAY1), last: iso(DAY1 + 47 * H) });
    expect(s.forecast).toBeNull();
    expect(s.forecastUnavailable).toMatch(/no complete day/);
    const full = await (await caller('admin')).overview.summary(window(DAY1, DAY3));
    expect(full.hasData).toBe(true);
  });

  it('refuses bad input with a 400 that names the field', async () => {
    const a = await caller('admin');
    const bad = async (input: Record<string, unknown>, field: RegExp) => {
      const got = await refusal(
        a.overview.summary(input as Parameters<typeof a.overview.summary>[0]),
      );
      expect(got).toMatch(/^BAD_REQUEST /);
      expect(got).toMatch(field);
    };
    await bad(window(DAY2, DAY1), /to: .*must be after from/);
    await bad(window(DAY1, DAY1), /to: /);
    await bad(window(DAY1 - 401 * 24 * H, DAY1), /from: the period spans 401 days; at most 400/);
    await bad(window(DAY1 - 100 * 24 * H, DAY1, 'hour'), /granularity: /);
    await bad({ ...window(DAY1, DAY3), granularity: 'week' }, /granularity: /);
    await bad({ ...window(DAY1, DAY3), from: 'yesterday' }, /from: /);
    await bad({ to: iso(DAY3) }, /from: /);
    await bad({ ...window(DAY1, DAY3), siteId: 'site_nowhere' }, /siteId: .*site_nowhere/);
    await bad({ ...window(DAY1, DAY3), extra: 1 }, /extra/);
  });

  it('is for people: no token is refused, and so is a worker', async () => {
    expect(await refusal((await caller(null)).overview.summary(window(DAY1, DAY3)))).toMatch(
      /^UNAUTHORIZED/,
    );
    expect(await refusal((await caller('worker')).overview.summary(window(DAY1, DAY3)))).toMatch(
      /^FORBIDDEN/,
    );
  });
});
