import { TRPCError } from '@trpc/server';
import { findAccelerator } from '@wattwise/cost-model';
import type { DbHandle } from '@wattwise/db/client';
import { attemptSamples, jobAttempts, workers } from '@wattwise/db/schema';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ZodError } from 'zod';

import {
  callerFor,
  describeEachDatabase,
  insertRows,
  openTestDb,
  siteRatesLoader,
  tokenSecret,
} from './helpers';

const HOUR = 3_600_000;
const FROM = '2024-06-01T00:00:00Z';
const TO = '2024-06-03T00:00:00Z';
/** 48 hours of evidence: a month (730 h) is 730 / 48 of it. */
const PER_MONTH = 730 / 48;
const PUE = 1.5;

/** Site time is UTC. Price 0.30 EUR/kWh from 08:00 to 20:00, 0.10 otherwise (mean 0.2). */
const price = (h: number) => (h >= 8 && h < 20 ? 0.3 : 0.1);
/** Carbon 0.5 kg/kWh from 12:00 to 22:00, 0.2 otherwise (mean (10×0.5 + 14×0.2) / 24 = 0.325). */
const carbon = (h: number) => (h >= 12 && h < 22 ? 0.5 : 0.2);
const series = (f: (h: number) => number) => Float64Array.from({ length: 48 }, (_, i) => f(i % 24));

/**
 * A hand-made two days (1–2 June 2024) with one change of each kind whose saving can be worked out:
 *
 * - The H100 SXM nodes (n1, 8 GPUs) held 4 of 8 × 48 = 384 GPU-hours: 380 idle, 380 × 730/48 a month,
 *   at the catalogue's idle draw W: kWh = that × W / 1000; money = kWh × 1.5 × 0.2, carbon kWh × 1.5 ×
 *   0.325. (Recommendations are per GPU model: one change for a fleet.)
 * - The L40S nodes (n2, 2 GPUs) held 90 of 96: 6 idle, the same way at their idle draw.
 * - Node n9 has one GPU of a model the catalogue lacks (G9), idle throughout: 48 GPU-hours, drawing
 *   what the scheduler assumes for such a board (a V100's idle draw).
 * - Team alpha ran four 1-hour jobs starting 18:00, 2 kWh each. Within 8 h of slack the cheapest
 *   start is 20:00 (0.10 instead of 0.30) and the cleanest 22:00 (0.2 instead of 0.5 kg). Four runs
 *   in 48 h are 4 × 730/48 a month: money 2 × 1.5 × 0.2 × that = 36.5 EUR, carbon 2 × 1.5 × 0.3 ×
 *   that = 54.75 kg.
 * - Job r1 (team beta) held 4 GPUs for 20 h (80 GPU-hours) but kept one busy (two GPUs at 50 %):
 *   (4 − 1) / 4 × 80 × 730/48 = 912.5 GPU-hours a month freed at the facility's hardware cost per
 *   GPU-hour, 60 / 40 = 1.5 EUR (usage hours), = 1368.75 EUR; no energy, so no carbon.
 */
describeEachDatabase('recommendations', (adminUrl) => {
  let h: DbHandle;
  let admin: string;
  let memberA: string;
  const siteRates = siteRatesLoader({
    currency: 'EUR',
    tariff: {
      kind: 'hourly',
      series: {
        name: 'test',
        unit: 'EUR/kWh',
        currency: 'EUR',
        startMs: Date.parse(FROM),
        values: series(price),
      },
    },
    carbon: {
      kind: 'hourly',
      series: {
        name: 'test',
        unit: 'kgCO2e/kWh',
        startMs: Date.parse(FROM),
        values: series(carbon),
      },
    },
  });
  const caller = async (secret: string) => callerFor(h, secret, { siteRates });
  const list = async (sort: 'money' | 'co2e', secret = admin) =>
    (await caller(secret)).recommendations.list({ from: FROM, to: TO, sort });

  beforeAll(async () => {
    h = await openTestDb(adminUrl);
    const node = (name: string, gpuModel: string, gpuCount: number) => ({
      id: `node_${name}`,
      siteId: 'site_S',
      name,
      gpuModel,
      gpuCount,
      cpuCores: 32,
      memoryGb: 256,
    });
    const job = (id: string, teamId: string, gpus: number, start: string, hours: number) => ({
      id,
      teamId,
      gpus,
      startedAt: new Date(start),
      finishedAt: new Date(Date.parse(start) + hours * HOUR),
    });
    const line = (
      jobId: string,
      teamId: string,
      day: string,
      node: string,
      gpuHours: number,
      itKWh: number,
    ) => ({
      jobId,
      day,
      siteId: 'site_S',
      teamId,
      node,
      currency: 'EUR',
      hardware: gpuHours,
      gpuHours,
      itKWh,
      facilityKWh: itKWh * PUE,
    });
    const hour = (iso: string) => ({
      siteId: 'site_S',
      hour: iso,
      currency: 'EUR',
      gpus: 20,
      pue: PUE,
      pricePerKWh: 0.2,
      kgPerKWh: 0.3,
      hardware: 30,
      idleCost: 30,
    });
    await insertRows(h.db, {
      teams: { team_A: 'alpha', team_B: 'beta' },
      sites: [{ id: 'site_S', name: 'S', currency: 'EUR', pue: PUE, gridZone: 'DE-LU' }],
      nodes: [node('n1', 'H100-SXM', 8), node('n2', 'L40S', 2), node('n9', 'G9', 1)],
      jobs: [
        job('job_a1', 'team_A', 1, '2024-06-01T18:00:00Z', 1),
        job('job_a2', 'team_A', 1, '2024-06-01T18:00:00Z', 1),
        job('job_a3', 'team_A', 1, '2024-06-02T18:00:00Z', 1),
        job('job_a4', 'team_A', 1, '2024-06-02T18:00:00Z', 1),
        job('job_r1', 'team_B', 4, '2024-06-01T02:00:00Z', 20),
        job('job_h2', 'team_B', 2, '2024-05-31T00:00:00Z', 72),
      ],
      costLines: [
        line('job_a1', 'team_A', '2024-06-01', 'n1', 1, 2),
        line('job_a2', 'team_A', '2024-06-01', 'n1', 1, 2),
        line('job_a3', 'team_A', '2024-06-02', 'n1', 1, 2),
        line('job_a4', 'team_A', '2024-06-02', 'n1', 1, 2),
        line('job_r1', 'team_B', '2024-06-01', 'n3', 80, 10),
        line('job_h2', 'team_B', '2024-05-31', 'n2', 48, 5),
        line('job_h2', 'team_B', '2024-06-01', 'n2', 45, 5),
        line('job_h2', 'team_B', '2024-06-02', 'n2', 45, 5),
      ],
      usageHours: [hour('2024-06-01T05:00:00Z'), hour('2024-06-02T05:00:00Z')],
    });
    // r1's telemetry: 12 samples, GPUs 0 and 1 at 50 %, 2 and 3 idle: one GPU busy in all.
    await h.db.insert(workers).values({
      id: 'wkr_1',
      hostname: 'h',
      cpus: 8,
      memoryMb: 1000,
      gpus: [],
      version: 't',
    });
    await h.db.insert(jobAttempts).values({
      id: 'att_r1',
      jobId: 'job_r1',
      number: 1,
      workerId: 'wkr_1',
      state: 'succeeded',
      leaseExpiresAt: new Date(TO),
    });
    await h.db.insert(attemptSamples).values(
      Array.from({ length: 12 }, (_, seq) => ({
        attemptId: 'att_r1',
        seq,
        at: new Date(Date.parse('2024-06-01T02:00:00Z') + seq * HOUR),
        gpus: [50, 50, 0, 0].map((util, index) => ({
          index,
          powerW: null,
          util,
          memoryMiB: null,
        })),
        method: 'modelled' as const,
      })),
    );
    admin = await tokenSecret(h.db, 'admin', 'admin');
    memberA = await tokenSecret(h.db, 'a', 'member', 'team_A');
  });
  afterAll(() => h?.close());

  const idle = (watts: number, idleGpuHours: number) => {
    const kWh = (idleGpuHours * PER_MONTH * watts) / 1000;
    return { money: kWh * PUE * 0.2, co2e: kWh * PUE * 0.325 };
  };
  const n1 = idle(findAccelerator('H100-SXM').idle.watts, 380);
  const n2 = idle(findAccelerator('L40S').idle.watts, 6);
  const n9 = idle(findAccelerator('V100').idle.watts, 48);

  it('works out each saving by hand and ranks them by money', async () => {
    const r = await list('money');
    expect(r.currency).toBe('EUR');
    expect(r.hours).toBe(48);
    expect(r.profile.priceByHour).toEqual(Array.from({ length: 24 }, (_, h) => price(h)));
    expect(r.profile.carbonByHour).toEqual(Array.from({ length: 24 }, (_, h) => carbon(h)));
    expect(r.hardwarePerGpuHour).toEqual({ value: 1.5, basis: 'usage-hours' });
    expect(r.items.map((i) => i.id)).toEqual([
      'right-size-request:job job_r1 (job_r1)',
      'power-down-idle:H100-SXM nodes',
      'shift-to-cheaper-hours:team alpha',
      'power-down-idle:G9 nodes',
      'power-down-idle:L40S nodes',
      'shift-to-cleaner-hours:team alpha',
    ]);
    const [rightSize, idle1, cheaper, idle9, idle2, cleaner] = r.items;
    expect(rightSize!.monthlySaving).toBeCloseTo(1368.75, 9);
    expect(rightSize!.co2eKgPerMonth).toBe(0);
    expect(rightSize!.lab).toBeNull();
    expect(idle1!.monthlySaving).toBeCloseTo(n1.money, 9);
    expect(idle1!.co2eKgPerMonth).toBeCloseTo(n1.co2e, 9);
    expect(idle1!.confidence).toBe('medium');
    expect(idle1!.lab).toEqual({
      policies: ['backfill', 'cost-aware'],
      site: 'DE-LU',
      powerDown: true,
    });
    expect(idle2!.monthlySaving).toBeCloseTo(n2.money, 9);
    expect(idle9!.monthlySaving).toBeCloseTo(n9.money, 9);
    expect(idle9!.co2eKgPerMonth).toBeCloseTo(n9.co2e, 9);
    expect(cheaper!.monthlySaving).toBeCloseTo(36.5, 9);
    expect(cheaper!.co2eKgPerMonth).toBeNull();
    expect(cheaper!.why).toMatch(/starting at 20:00 instead of 18:00/);
    expect(cheaper!.lab).toEqual({
      policies: ['backfill', 'cost-aware'],
      site: 'DE-LU',
      deferHours: 8,
      team: 'team_A',
    });
    expect(cleaner!.co2eKgPerMonth).toBeCloseTo(54.75, 9);
    expect(cleaner!.monthlySaving).toBeNull();
    // The evidence names the figures the saving rests on.
    expect(cheaper!.evidence.map((e) => [e.name, e.value])).toEqual(
      expect.arrayContaining([
        ['Jobs up to 12 h in the period', '4'],
        ['Most common start (site time)', '18:00 (4 of 4 jobs)'],
        ['IT energy per job (cost lines)', '2.000 kWh'],
      ]),
    );
    expect(r.notes.join(' ')).toMatch(/assumed for GPU models the catalogue does not list: G9/);
  });

  it('ranks by tCO2e the other way', async () => {
    const r = await list('co2e');
    expect(r.items.map((i) => i.id)).toEqual([
      'power-down-idle:H100-SXM nodes',
      'shift-to-cleaner-hours:team alpha',
      'power-down-idle:G9 nodes',
      'power-down-idle:L40S nodes',
      'right-size-request:job job_r1 (job_r1)',
      'shift-to-cheaper-hours:team alpha',
    ]);
    expect(n1.co2e).toBeGreaterThan(54.75);
    expect(n9.co2e).toBeLessThan(54.75);
    expect(n2.co2e).toBeLessThan(n9.co2e);
  });

  it("gives a member their team's jobs only", async () => {
    const r = await list('money', memberA);
    expect(r.scope).toBe('team');
    expect(r.items.map((i) => i.id)).toEqual([
      'shift-to-cheaper-hours:team alpha',
      'shift-to-cleaner-hours:team alpha',
    ]);
    expect(r.notes.join(' ')).toMatch(/shown to admins/);
  });

  it('refuses a bad period, naming the field', async () => {
    const a = await caller(admin);
    const field = (p: Promise<unknown>) =>
      p.then(
        () => 'OK',
        (e: unknown) =>
          e instanceof TRPCError && e.cause instanceof ZodError
            ? `${e.code} ${e.cause.issues.map((i) => i.path.join('.')).join(',')}`
            : String(e),
      );
    expect(await field(a.recommendations.list({ from: TO, to: FROM }))).toBe('BAD_REQUEST to');
    expect(await field(a.recommendations.list({ from: '2023-01-01T00:00:00Z', to: TO }))).toBe(
      'BAD_REQUEST from',
    );
    // A period the site's prices do not cover at all.
    const uncovered = await a.recommendations
      .list({ from: '2024-07-01T00:00:00Z', to: '2024-07-02T00:00:00Z' })
      .catch((e: unknown) => e);
    expect(uncovered).toBeInstanceOf(TRPCError);
    expect((uncovered as TRPCError).code).toBe('BAD_REQUEST');
    expect((uncovered as TRPCError).message).toMatch(/^from: /);
  });
});
