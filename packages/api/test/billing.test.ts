import { eq } from '@wattwise/db';
import type { DbHandle } from '@wattwise/db/client';
import { bills } from '@wattwise/db/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  callerFor,
  errorCode,
  flatSiteRates,
  nvmlEnergy,
  openTestDb,
  registerT4Worker,
  seedDemoWithTokens,
} from './helpers';

/** Bills made in the transaction that ends a job, through the worker procedures, in-process. */
describe('bills', () => {
  let h: DbHandle;
  let teamId: string;
  let admin: string;
  let worker: string;
  // Flat 0.10 USD/kWh and 0.5 kg/kWh at the site's own PUE (the demo site: 1.3).
  const siteRates = flatSiteRates({ currency: 'USD', perKWh: 0.1, kgPerKWh: 0.5 });
  const caller = async (secret: string) => callerFor(h, secret, { siteRates });

  let workerId: string;
  beforeAll(async () => {
    h = await openTestDb();
    ({ teamId, admin, worker } = await seedDemoWithTokens(h.db));
    workerId = await registerT4Worker(await caller(worker), 'h', 1, { cpus: 8, memoryMb: 32_000 });
  });
  afterAll(() => h.close());

  const run = async (maxAttempts = 1) => {
    const a = await caller(admin);
    const job = await a.jobs.submit({
      name: 'billed',
      kind: 'command',
      payload: { argv: ['true'] },
      teamId,
      maxAttempts,
      resources: { gpus: 1 },
    });
    return job;
  };
  const claim = async () => (await (await caller(worker)).workers.claim({ workerId }))!;

  it('bills a completed job once: measured energy × PUE × price, and parts that add up', async () => {
    const job = await run();
    const { attempt } = await claim();
    const w = await caller(worker);
    const done = {
      workerId,
      attemptId: attempt.id,
      exitCode: 0,
      outputTail: '',
      energy: nvmlEnergy(0.5),
    };
    await w.workers.complete(done);
    await w.workers.complete(done); // the same report again: answered, not billed again
    const bill = (await (await caller(admin)).jobs.bill({ id: job.id }))!;
    // 0.5 kWh IT × 1.3 = 0.65 kWh at the meter; × 0.10 USD = 0.065 USD; × 0.5 kg = 0.325 kg.
    expect(bill.itKWh).toBeCloseTo(0.5, 12);
    expect(bill.facilityKWh).toBeCloseTo(0.65, 12);
    expect(bill.energy).toBeCloseTo(0.065, 12);
    expect(bill.co2eKg).toBeCloseTo(0.325, 12);
    expect(bill.energyMethod).toBe('nvml-energy');
    // Operations: the demo site's 0.25 USD per GPU-hour × 1 GPU × the hours the attempt held it.
    const [att] = (await (await caller(admin)).jobs.get({ id: job.id })).attemptList;
    const hours = (att!.finishedAt!.getTime() - att!.startedAt.getTime()) / 3_600_000;
    expect(bill.operations).toBeCloseTo(0.25 * hours, 9);
    expect(bill.hardware).toBeGreaterThan(0);
    expect(bill.total).toBeCloseTo(
      bill.hardware + bill.energy + bill.operations + bill.storage + bill.bandwidth,
      12,
    );
    expect(await h.db.select().from(bills).where(eq(bills.jobId, job.id))).toHaveLength(1);
    // The list carries the bill's headline with the job, in one query.
    const listed = (await (await caller(admin)).jobs.list({ limit: 500 })).items.find(
      (j) => j.id === job.id,
    );
    expect(listed?.bill).toEqual({ total: bill.total, currency: 'USD', co2eKg: bill.co2eKg });
  });

  it('does not bill a retryable failure; the last attempt bills every attempt that ran', async () => {
    const job = await run(2);
    const first = await claim();
    const w = await caller(worker);
    await w.workers.fail({
      workerId,
      attemptId: first.attempt.id,
      error: 'flaky',
      retryable: true,
      energy: nvmlEnergy(0.2),
    });
    expect(await (await caller(admin)).jobs.bill({ id: job.id })).toBeNull();
    // The retry waits out its backoff (at most 1 s for a first failure): let it pass.
    await h.db.execute(`UPDATE jobs SET run_after = now() WHERE id = '${job.id}'`);
    const second = await claim();
    expect(second.job.id).toBe(job.id);
    // The first attempt's stale report changes nothing and bills nothing.
    expect(
      await errorCode(
        w.workers.complete({ workerId, attemptId: first.attempt.id, exitCode: 0, outputTail: '' }),
      ),
    ).toBe('CONFLICT');
    expect(await (await caller(admin)).jobs.bill({ id: job.id })).toBeNull();
    await w.workers.fail({
      workerId,
      attemptId: second.attempt.id,
      error: 'flaky again',
      retryable: true,
      energy: nvmlEnergy(0.3),
    });
    const bill = (await (await caller(admin)).jobs.bill({ id: job.id }))!;
    expect(bill.itKWh).toBeCloseTo(0.5, 12); // 0.2 + 0.3
    expect(bill.energy).toBeCloseTo(0.5 * 1.3 * 0.1, 12);
  });

  it('keeps samples once each, however often a batch is resent', async () => {
    await run();
    const { attempt } = await claim();
    const w = await caller(worker);
    const batch = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => ({
        seq: from + i,
        at: new Date(Date.UTC(2026, 0, 1, 0, 0, from + i)).toISOString(),
        gpus: [{ index: 0, powerW: 100 + from + i, util: 50, memoryMiB: 1000 }],
        cpuW: null,
        method: 'nvml-energy' as const,
      }));
    expect(
      await w.workers.samples({ workerId, attemptId: attempt.id, samples: batch(0, 5) }),
    ).toEqual({ stored: 5 });
    expect(
      await w.workers.samples({ workerId, attemptId: attempt.id, samples: batch(3, 7) }),
    ).toEqual({ stored: 2 });
    const [t] = await (await caller(admin)).jobs.telemetry({ id: attempt.jobId });
    expect(t!.samples.map((s) => s.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(t!.samples.map((s) => s.gpus[0]!.powerW)).toEqual([100, 101, 102, 103, 104, 105, 106]);
  });
  it('lists jobs in the order asked, unbilled ones without a bill', async () => {
    const a = await caller(admin);
    for (const name of ['b-job', 'a-job', 'c-job'])
      await a.jobs.submit({ name, kind: 'command', payload: { argv: ['true'] }, teamId });
    const names = (l: { items: { name: string }[] }) =>
      l.items.map((j) => j.name).filter((n) => n.endsWith('-job'));
    expect(names(await a.jobs.list({ sort: 'name', dir: 'asc', limit: 500 }))).toEqual([
      'a-job',
      'b-job',
      'c-job',
    ]);
    expect(names(await a.jobs.list({ sort: 'name', dir: 'desc', limit: 500 }))).toEqual([
      'c-job',
      'b-job',
      'a-job',
    ]);
    const queued = await a.jobs.list({ state: 'queued', limit: 500 });
    expect(queued.items.every((j) => j.bill === null)).toBe(true);
  });
});
