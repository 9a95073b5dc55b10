import { sql } from '@wattwise/db';
import type { DbHandle } from '@wattwise/db/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createScheduler } from '../src/scheduling';
import {
  callerFor,
  emptyCluster,
  flatSiteRates,
  openTestDb,
  registerT4Worker,
  seedDemoWithTokens,
} from './helpers';

/** `jobs.preview`: the submit form's estimate and the scheduler's answer, with nothing stored. */
describe('jobs.preview', () => {
  let h: DbHandle;
  let teamId: string;
  let admin: string;
  let worker: string;
  // Flat 0.10 USD/kWh and 0.5 kg/kWh at the site's own PUE (the demo site: 1.3).
  const siteRates = flatSiteRates({ currency: 'USD', perKWh: 0.1, kgPerKWh: 0.5 });
  const caller = async (secret: string) =>
    callerFor(h, secret, {
      siteRates,
      scheduler: createScheduler({ policy: 'backfill', placement: 'best-fit' }),
    });
  const register = async (name: string, gpus: number) =>
    registerT4Worker(await caller(worker), name, gpus);
  const job = (extra: Record<string, unknown> = {}) => ({
    name: 'preview',
    kind: 'command' as const,
    payload: { argv: ['true'] },
    teamId,
    ...extra,
  });
  const jobCount = async () =>
    Number(
      (
        (await h.db.execute(sql`SELECT count(*)::int AS n FROM jobs`)) as unknown as {
          rows: { n: number }[];
        }
      ).rows[0]!.n,
    );

  beforeAll(async () => {
    h = await openTestDb();
    ({ teamId, admin, worker } = await seedDemoWithTokens(h.db));
  });
  afterAll(() => h.close());
  beforeEach(() => emptyCluster(h.db));

  it('estimates the bill of an hour on one T4 and two cores, and says where it would start', async () => {
    await register('four', 4);
    const small = await register('one', 1);
    const before = await jobCount();
    const p = await (
      await caller(admin)
    ).jobs.preview(job({ resources: { gpus: 1, cpuMilli: 2000 }, expectedSeconds: 3600 }));
    // Draw: T4 at its 70 W TDP + 2 cores × 10 W = 90 W for 1 h = 0.09 kWh IT; × PUE 1.3 = 0.117 kWh
    // at the meter; × 0.10 USD = 0.0117 USD; × 0.5 kg = 0.0585 kg.
    expect(p.estimate!.itKWh).toBeCloseTo(0.09, 12);
    expect(p.estimate!.facilityKWh).toBeCloseTo(0.117, 12);
    expect(p.estimate!.parts.energy).toBeCloseTo(0.0117, 12);
    expect(p.estimate!.co2eKg).toBeCloseTo(0.0585, 12);
    // Operations at the demo site's rates: 0.25 per GPU-hour + 2 core-hours × 0.002 = 0.254.
    expect(p.estimate!.parts.operations).toBeCloseTo(0.254, 12);
    expect(p.estimate!.assumptions.gpu).toBe('t4-16gb');
    // The energy is modelled at ±50 %: the range moves the energy cost by ±0.00585.
    expect(p.estimate!.range!.high - p.estimate!.total).toBeCloseTo(0.00585, 12);
    const parts = Object.values(p.estimate!.parts).reduce((a, b) => a + b, 0);
    expect(p.estimate!.total).toBeCloseTo(parts, 12);
    // Best fit: the 1-GPU worker is left with no room to spare, the 4-GPU one with 3.
    expect(p.schedule).toMatchObject({ startsNow: true, workerId: small, gpuIndices: [0] });
    expect(await jobCount()).toBe(before);
  });

  it('a job the cluster has no room for now is told so', async () => {
    const w = await register('only', 1);
    const c = await caller(admin);
    await c.jobs.submit(job({ name: 'holder', resources: { gpus: 1 } }));
    expect((await (await caller(worker)).workers.claim({ workerId: w }))?.job.name).toBe('holder');
    const p = await c.jobs.preview(job({ resources: { gpus: 1 } }));
    expect(p.schedule?.startsNow).toBe(false);
    expect(p.schedule?.reason).toMatch(/no node has room/);
    // Without an expected run time there is nothing to multiply.
    expect(p.estimate).toBeNull();
  });

  it("says when its team's budget would hold it, and then asks no scheduler", async () => {
    await register('free', 1);
    const c = await caller(admin);
    const month = new Date().toISOString().slice(0, 7);
    // A 0.01 USD budget: the hour on a T4 above costs at least its 0.25 USD of operations.
    await c.teams.setBudget({ teamId, month, amount: 0.01, holdOverBudget: true });
    const p = await c.jobs.preview(job({ resources: { gpus: 1 }, expectedSeconds: 3600 }));
    expect(p.heldReason).toMatch(/budget/);
    expect(p.schedule).toBeNull();
    await c.teams.setBudget({ teamId, month, amount: 0.01, holdOverBudget: false });
    expect(
      (await c.jobs.preview(job({ resources: { gpus: 1 }, expectedSeconds: 3600 }))).heldReason,
    ).toBeNull();
  });

  it('counts the queued jobs that would start before it', async () => {
    await register('two', 2);
    const c = await caller(admin);
    await c.jobs.submit(job({ name: 'first', resources: { gpus: 1 } }));
    const p = await c.jobs.preview(job({ resources: { gpus: 1 } }));
    expect(p.schedule).toMatchObject({ startsNow: true, ahead: 1, gpuIndices: [1] });
  });
});
