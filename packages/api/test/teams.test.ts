import { TRPCError } from '@trpc/server';
import type { DbHandle } from '@wattwise/db/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ZodError } from 'zod';

import { estimateJobCost } from '../src/job-estimate';
import { createScheduler } from '../src/scheduling';
import {
  callerFor,
  describeEachDatabase,
  flatSiteRates,
  insertRows,
  openTestDb,
  t4Gpus,
  testDeps,
  tokenSecret,
} from './helpers';

/**
 * Hand-made cost lines in March 2025 (site S, EUR); each line's GPU-hours are twice its total.
 *
 * | team  | days           | per day | billed                         |
 * |-------|----------------|---------|--------------------------------|
 * | alpha | 28 Feb         | 7       | yes                            |
 * | alpha | 1–3 Mar        | 1       | yes                            |
 * | alpha | 4–10 Mar       | 3       | 2 billed (a1) + 1 running (a2) |
 * | alpha | 12 Mar         | 5       | yes (after the forecast time)  |
 * | beta  | 1 Mar, 2 Mar   | 2, 4    | yes                            |
 *
 * Forecast made at 11 Mar 00:00Z. Alpha spent 3×1 + 7×3 = 24 (17 billed, 7 running); its run rate
 * is the 7 days 4–10 Mar: 21 / 7 = 3 a day; 21 days are left, so it ends the month at 24 + 3×21 =
 * 87. With a budget of 60 it runs out (60 − 24) / 3 = 12 days on: 23 Mar 00:00Z. Beta spent 6 of a
 * budget of 5: it ran out on 2 Mar (cumulative 2, then 6), and with no spend in the last week its
 * rate is 0 and it ends at 6. The facility allocated 48 + 72 = 120 GPU-hours before 11 Mar, so
 * alpha's 48 GPU-hours are 40 % of them and beta's 12 are 10 %.
 */
describeEachDatabase('teams', (adminUrl) => {
  let h: DbHandle;
  let admin: string;
  let memberA: string;
  let worker: string;
  const AS_OF = '2025-03-11T00:00:00Z';
  // Flat prices, so that an estimate is proportional to the run time.
  const siteRates = flatSiteRates({ currency: 'EUR', perKWh: 0.2, kgPerKWh: 0.4 });
  const deps = () => testDeps(h, { siteRates });
  const caller = (secret: string) => callerFor(h, secret, { siteRates });
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => ({ code: 'OK', message: '' }),
      (e: unknown) => {
        if (!(e instanceof TRPCError)) throw e;
        const message =
          e.cause instanceof ZodError
            ? e.cause.issues.map((i) => i.path.join('.')).join(',')
            : e.message;
        return { code: e.code, message };
      },
    );

  const line = (jobId: string, teamId: string, day: string, total: number, billed = true) => ({
    jobId,
    day,
    siteId: 'site_S',
    teamId,
    currency: 'EUR',
    hardware: total,
    gpuHours: 2 * total,
    billed,
  });
  const hour = (iso: string, allocated: number) => ({
    siteId: 'site_S',
    hour: iso,
    currency: 'EUR',
    gpus: 100,
    gpuHoursAllocated: allocated,
    gpuHoursUsed: allocated,
    pue: 1.25,
    pricePerKWh: 0.2,
    kgPerKWh: 0.4,
  });

  beforeAll(async () => {
    h = await openTestDb(adminUrl);
    await insertRows(h.db, {
      teams: { team_A: 'alpha', team_B: 'beta', team_C: 'gamma' },
      sites: [
        {
          id: 'site_S',
          name: 'S',
          currency: 'EUR',
          pue: 1.25,
          rates: { operationsPerGpuHour: 0.5, hardwareLifeYears: 4, fxPerUsd: 0.9 },
        },
      ],
      jobs: [
        { id: 'job_a1', teamId: 'team_A' },
        { id: 'job_a2', teamId: 'team_A', state: 'running' },
        { id: 'job_b1', teamId: 'team_B' },
        { id: 'job_c0', teamId: 'team_C' },
      ],
      costLines: [
        line('job_a1', 'team_A', '2025-02-28', 7),
        ...['01', '02', '03'].map((d) => line('job_a1', 'team_A', `2025-03-${d}`, 1)),
        ...['04', '05', '06', '07', '08', '09', '10'].flatMap((d) => [
          line('job_a1', 'team_A', `2025-03-${d}`, 2),
          line('job_a2', 'team_A', `2025-03-${d}`, 1, false),
        ]),
        line('job_a1', 'team_A', '2025-03-12', 5),
        line('job_b1', 'team_B', '2025-03-01', 2),
        line('job_b1', 'team_B', '2025-03-02', 4),
      ],
      usageHours: [
        hour('2025-03-02T10:00:00Z', 48),
        hour('2025-03-09T10:00:00Z', 72),
        hour('2025-03-20T10:00:00Z', 1000),
      ],
    });
    admin = await tokenSecret(h.db, 'admin', 'admin');
    memberA = await tokenSecret(h.db, 'a', 'member', 'team_A');
    worker = await tokenSecret(h.db, 'w', 'worker');
  });
  afterAll(() => h?.close());

  it('sets budgets: admin only, upserted, in the site currency; bad fields are named', async () => {
    const a = await caller(admin);
    const first = await a.teams.setBudget({ teamId: 'team_A', month: '2025-03', amount: 50 });
    expect(first).toMatchObject({ amount: 50, currency: 'EUR', holdOverBudget: false });
    const again = await a.teams.setBudget({ teamId: 'team_A', month: '2025-03', amount: 60 });
    expect(again.id).toBe(first.id);
    expect(again.amount).toBe(60);
    await a.teams.setBudget({ teamId: 'team_B', month: '2025-03', amount: 5 });

    expect(
      await refusal(a.teams.setBudget({ teamId: 'team_A', month: '2025-13', amount: 1 })),
    ).toEqual({ code: 'BAD_REQUEST', message: 'month' });
    expect(
      await refusal(a.teams.setBudget({ teamId: 'team_A', month: '2025-03', amount: -5 })),
    ).toEqual({ code: 'BAD_REQUEST', message: 'amount' });
    const noTeam = await refusal(
      a.teams.setBudget({ teamId: 'team_Z', month: '2025-03', amount: 1 }),
    );
    expect(noTeam.code).toBe('BAD_REQUEST');
    expect(noTeam.message).toMatch(/^teamId: .*team_Z/);
    const member = await caller(memberA);
    expect(
      (await refusal(member.teams.setBudget({ teamId: 'team_A', month: '2025-03', amount: 1e6 })))
        .code,
    ).toBe('FORBIDDEN');
  });

  it('works out spend to date, the run-rate forecast and the run-out day', async () => {
    const s = await (await caller(admin)).teams.summary({ month: '2025-03', asOf: AS_OF });
    expect(s.currency).toBe('EUR');
    expect(s.teams.map((t) => t.team)).toEqual(['alpha', 'beta', 'gamma']);
    expect(s.facility).toEqual({ gpuHoursAllocated: 120, gpuCapacityHours: 200 });

    const alpha = s.teams.find((t) => t.team === 'alpha')!;
    expect(alpha.billed).toBeCloseTo(17, 12);
    expect(alpha.running).toBeCloseTo(7, 12);
    expect(alpha.gpuHours).toBeCloseTo(48, 12);
    expect(alpha.facilityShare).toBeCloseTo(0.4, 12);
    expect(alpha.budget).toEqual({ amount: 60, currency: 'EUR', holdOverBudget: false });
    const b = alpha.burnDown;
    expect(b.spent).toBeCloseTo(24, 12);
    expect(b.dailyRate).toBeCloseTo(3, 12);
    expect(b.rateWindow).toMatchObject({
      from: '2025-03-04T00:00:00.000Z',
      to: '2025-03-11T00:00:00.000Z',
      total: 21,
    });
    expect(b.daysLeft).toBe(21);
    expect(b.projected).toBeCloseTo(87, 12);
    expect(b.used).toBeCloseTo(0.4, 12);
    expect(b.runsOut).toEqual({ at: '2025-03-23T00:00:00.000Z', kind: 'projected' });
    expect(b.days).toHaveLength(31);
    // 10 Mar is past: its spend and the month so far; 11 Mar is ahead: 24 + 3 by its end.
    expect(b.days[9]).toEqual({
      day: '2025-03-10T00:00:00.000Z',
      spent: 3,
      cumulative: 24,
      projected: null,
      remaining: 36,
    });
    expect(b.days[10]).toMatchObject({ spent: null, cumulative: null, remaining: 33 });
    expect(b.days[10]!.projected).toBeCloseTo(27, 12);
    expect(b.days[30]!.projected).toBeCloseTo(87, 12);

    const beta = s.teams.find((t) => t.team === 'beta')!;
    expect(beta.burnDown.spent).toBe(6);
    expect(beta.burnDown.dailyRate).toBe(0);
    expect(beta.burnDown.projected).toBe(6);
    expect(beta.burnDown.used).toBeCloseTo(1.2, 12);
    expect(beta.burnDown.runsOut).toEqual({ at: '2025-03-02T00:00:00.000Z', kind: 'already' });
    expect(beta.facilityShare).toBeCloseTo(0.1, 12);

    const gamma = s.teams.find((t) => t.team === 'gamma')!;
    expect(gamma.budget).toBeNull();
    expect(gamma.burnDown).toMatchObject({ spent: 0, projected: 0, runsOut: null, used: null });
  });

  it('reaches back before the month for the run rate, and a past month needs no forecast', async () => {
    const a = await caller(admin);
    // 3 Mar: spent 1 + 1; the rate is 28 Feb (7) + 1 + 1 over 7 days; 29 days are left.
    const early = (await a.teams.summary({ month: '2025-03', asOf: '2025-03-03T00:00:00Z' }))
      .teams[0]!;
    expect(early.burnDown.spent).toBe(2);
    expect(early.burnDown.dailyRate).toBeCloseTo(9 / 7, 12);
    expect(early.burnDown.projected).toBeCloseTo(2 + (9 / 7) * 29, 12);
    // February, seen from 11 March: its whole spend, nothing left to forecast.
    const feb = (await a.teams.summary({ month: '2025-02', asOf: AS_OF })).teams[0]!;
    expect(feb.burnDown).toMatchObject({ spent: 7, daysLeft: 0, projected: 7, budget: null });
  });

  it('shows a member only their own team, without facility figures', async () => {
    const s = await (await caller(memberA)).teams.summary({ month: '2025-03', asOf: AS_OF });
    expect(s.teams.map((t) => t.teamId)).toEqual(['team_A']);
    expect(s.facility).toBeNull();
    expect(s.teams[0]!.facilityShare).toBeNull();
    expect(s.teams[0]!.burnDown.spent).toBeCloseTo(24, 12);
  });

  it('holds a job that would take the month over budget until an admin releases it', async () => {
    const a = await caller(admin);
    const w = await caller(worker);
    const { workerId } = await w.workers.register({
      hostname: 'h',
      cpus: 16,
      memoryMb: 64_000,
      gpus: t4Gpus(4),
      version: 't',
      site: 'S',
    });
    const now = new Date();
    const month = now.toISOString().slice(0, 7);
    const today = now.toISOString().slice(0, 10);
    await insertRows(h.db, { costLines: [line('job_c0', 'team_C', today, 8)] });
    await a.teams.setBudget({ teamId: 'team_C', month, amount: 10, holdOverBudget: true });

    // Run times that cost about 3 and 1 at the site's flat prices (cost is proportional to time).
    const perHour = (await estimateJobCost(deps(), {
      gpus: 1,
      cpuMilli: 0,
      expectedSeconds: 3600,
    }))!;
    const seconds = (cost: number) => (3600 * cost) / perHour.total;
    const three = await estimateJobCost(deps(), {
      gpus: 1,
      cpuMilli: 0,
      expectedSeconds: seconds(3),
    });
    expect(three!.total).toBeCloseTo(3, 6);
    const submit = (name: string, expectedSeconds?: number) =>
      a.jobs.submit({
        name,
        kind: 'command',
        payload: { argv: ['true'] },
        teamId: 'team_C',
        resources: { gpus: 1 },
        expectedSeconds,
      });
    const claim = async (scheduled = false) => {
      const c = scheduled
        ? await callerFor(h, worker, {
            siteRates,
            scheduler: createScheduler({ policy: 'fifo', placement: 'best-fit' }),
          })
        : w;
      return (await c.workers.claim({ workerId }))?.job.id ?? null;
    };

    // 8 spent + 3 > 10: held, and the reason says so with the figures.
    const x = await submit('x', seconds(3));
    expect(x.heldReason).toBe(
      `held: budget ${month} would be exceeded: spent 8.00 EUR, queued and running ≈ 0.00 EUR, this job ≈ 3.00 EUR, budget 10.00 EUR`,
    );
    expect(x.waitReason).toBe(x.heldReason);
    expect(await claim()).toBeNull();
    expect(await claim(true)).toBeNull();
    const listed = await a.teams.summary({ month });
    expect(listed.teams.find((t) => t.teamId === 'team_C')!.held.map((j) => j.id)).toEqual([x.id]);

    // 8 + 1 ≤ 10 (a held job commits nothing): admitted and claimable.
    const y = await submit('y', seconds(1));
    expect(y.heldReason).toBeNull();
    expect(await claim()).toBe(y.id);
    // Without an expected run time there is nothing to estimate: never held.
    const z = await submit('z');
    expect(z.heldReason).toBeNull();
    expect(await claim(true)).toBe(z.id);

    expect((await refusal((await caller(memberA)).teams.release({ jobId: x.id }))).code).toBe(
      'FORBIDDEN',
    );
    const released = await a.teams.release({ jobId: x.id });
    expect(released).toMatchObject({ heldReason: null, waitReason: null, state: 'queued' });
    expect(await refusal(a.teams.release({ jobId: x.id }))).toMatchObject({ code: 'CONFLICT' });
    expect(await refusal(a.teams.release({ jobId: 'job_nope' }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await claim()).toBe(x.id);

    // Now y (≈1 left) and x (≈3 left) run: 8 + 4 + 1 > 10, so another small job is held.
    const v = await submit('v', seconds(1));
    expect(v.heldReason).toMatch(/queued and running ≈ 4\.00 EUR, this job ≈ 1\.00 EUR/);
  });
});
