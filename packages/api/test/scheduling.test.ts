import { MS_PER_HOUR, type Site as CostSite } from '@wattwise/cost-model';
import type { DbHandle } from '@wattwise/db/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createScheduler, type SchedulerSettings } from '../src/scheduling';
import {
  callerFor,
  emptyCluster,
  openTestDb,
  registerT4Worker,
  seedDemoWithTokens,
} from './helpers';

/**
 * The online scheduler as a worker meets it: `workers.claim` in-process on a real (embedded)
 * database, with the scheduler deciding. Every expectation below is worked out by hand.
 */
describe('workers.claim asks the scheduler', () => {
  let h: DbHandle;
  let teamId: string;
  let adminSecret: string;
  let workerSecret: string;
  let settings: SchedulerSettings = { policy: 'backfill', placement: 'best-fit' };

  const caller = async (secret: string) =>
    callerFor(h, secret, { scheduler: createScheduler(settings) });
  const register = async (name: string, gpus: number) =>
    registerT4Worker(await caller(workerSecret), name, gpus);
  type Submit = Parameters<Awaited<ReturnType<typeof caller>>['jobs']['submit']>[0];
  const submit = async (name: string, extra: Partial<Submit> = {}) =>
    (await caller(adminSecret)).jobs.submit({
      name,
      kind: 'command',
      payload: { argv: ['true'] },
      teamId,
      ...extra,
    } as Submit);
  const claim = async (workerId: string) =>
    (await caller(workerSecret)).workers.claim({ workerId });
  const get = async (id: string) => (await caller(adminSecret)).jobs.get({ id });

  beforeAll(async () => {
    h = await openTestDb();
    ({ teamId, admin: adminSecret, worker: workerSecret } = await seedDemoWithTokens(h.db));
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    settings = { policy: 'backfill', placement: 'best-fit' };
    // Each case starts with an empty cluster: earlier workers fall silent, earlier jobs end.
    await emptyCluster(h.db);
  });

  it('best-fit hands a one-GPU job to the worker it fills, not to the one that asks first', async () => {
    const big = await register('big', 4);
    const small = await register('small', 1);
    const job = await submit('one-gpu', { resources: { gpus: 1 } });
    // Best fit leaves the least room: 1 − 1 = 0 GPUs free on `small` against 4 − 1 = 3 on `big`.
    expect(await claim(big)).toBeNull();
    expect((await get(job.id)).waitReason).toMatch(new RegExp(`placed on worker ${small}`));
    const got = await claim(small);
    expect(got?.job.id).toBe(job.id);
    expect(got?.attempt.gpuIndices).toEqual([0]);
    expect((await get(job.id)).waitReason).toBeNull();
  });

  it('packs two half-GPU jobs onto one GPU and a whole-GPU job onto the other', async () => {
    const w = await register('two-gpus', 2);
    const a = await submit('half-a', { resources: { gpus: 0.5 } });
    const b = await submit('half-b', { resources: { gpus: 0.5 } });
    const c = await submit('whole', { resources: { gpus: 1 } });
    const d = await submit('one-too-many', { resources: { gpus: 1 } });
    const first = await claim(w);
    const second = await claim(w);
    const third = await claim(w);
    expect([first?.job.id, second?.job.id, third?.job.id]).toEqual([a.id, b.id, c.id]);
    // Best fit puts the second half into the half-used GPU 0 rather than opening GPU 1.
    expect(first?.attempt).toMatchObject({ gpuIndices: [0], milliPerGpu: 500 });
    expect(second?.attempt).toMatchObject({ gpuIndices: [0], milliPerGpu: 500 });
    expect(third?.attempt).toMatchObject({ gpuIndices: [1], milliPerGpu: 1000 });
    expect(await claim(w)).toBeNull();
    expect((await get(d.id)).waitReason).toMatch(/no node has room/);
  });

  it('a job that asks for a GPU model no worker has waits, and says so', async () => {
    const w = await register('t4-only', 2);
    const job = await submit('wants-h100', { resources: { gpus: 1, gpuModel: 'H100' } });
    expect(await claim(w)).toBeNull();
    expect((await get(job.id)).waitReason).toMatch(/no node has room/);
  });

  it('cost-aware defers a deferrable job to the cheap hour before its deadline', async () => {
    // Prices: 0.30 USD/kWh every hour except one, 0.05, three hours after this hour yesterday. The
    // scheduler forecasts an hour as the same hour the day before (seasonal naive), so it expects
    // the cheap hour three hours from now.
    const hour0 = Math.floor(Date.now() / MS_PER_HOUR) * MS_PER_HOUR;
    const values = new Float64Array(72).fill(0.3);
    values[3] = 0.05;
    const site: CostSite = {
      id: 's',
      name: 'test',
      currency: 'USD',
      pue: 1,
      tariff: {
        kind: 'hourly',
        series: { name: 'p', unit: 'USD/kWh', startMs: hour0 - 24 * MS_PER_HOUR, values },
      },
      carbon: { kind: 'constant', kgPerKWh: 0.4 },
    };
    settings = { policy: 'cost-aware', placement: 'best-fit', site };
    const w = await register('deferring', 1);
    const deferrable = await submit('deferrable', {
      resources: { gpus: 1 },
      expectedSeconds: 3600,
      deadline: new Date(hour0 + 10 * MS_PER_HOUR).toISOString(),
    });
    const urgent = await submit('no-deadline', { resources: { gpus: 1 } });
    // An hour at 300 W (the scheduler's power for one GPU) is 0.3 kWh: 0.09 USD now against 0.015
    // in the cheap hour, a saving of 0.075 USD (83 %), past both thresholds (5 %, 0.05 USD).
    const got = await claim(w);
    expect(got?.job.id).toBe(urgent.id);
    const waiting = await get(deferrable.id);
    expect(waiting.plannedStartAt?.getTime()).toBe(hour0 + 3 * MS_PER_HOUR);
    expect(waiting.waitReason).toMatch(/^starts .*saves/);
  });
});
