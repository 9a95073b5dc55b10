import { eq } from '@wattwise/db';
import type { DbHandle } from '@wattwise/db/client';
import { bills, costLines, jobAttempts, jobs } from '@wattwise/db/schema';
import { afterAll, beforeAll, expect, it } from 'vitest';

import {
  callerFor,
  describeEachDatabase,
  flatSiteRates,
  nvmlEnergy,
  openTestDb,
  registerT4Worker,
  seedDemoWithTokens,
} from './helpers';

/** A job the platform runs and bills writes its cost lines in the same transaction as its bill. */
describeEachDatabase('cost lines of live bills', (adminUrl) => {
  let h: DbHandle;
  let admin: string;
  let worker: string;
  let teamId: string;
  let workerId: string;
  // Flat 0.10 USD/kWh and 0.5 kg/kWh at the demo site's PUE (1.3).
  const siteRates = flatSiteRates({ currency: 'USD', perKWh: 0.1, kgPerKWh: 0.5 });
  const caller = async (secret: string) => callerFor(h, secret, { siteRates });

  beforeAll(async () => {
    h = await openTestDb(adminUrl);
    ({ teamId, admin, worker } = await seedDemoWithTokens(h.db));
    workerId = await registerT4Worker(await caller(worker), 'gpu-host-7', 1, {
      cpus: 8,
      memoryMb: 32_000,
    });
  });
  afterAll(() => h?.close());

  it('splits the bill by UTC day: energy as metered per hour, the rest by time held', async () => {
    const a = await caller(admin);
    const job = await a.jobs.submit({
      name: 'overnight',
      kind: 'command',
      payload: { argv: ['true'] },
      teamId,
      resources: { gpus: 1, cpuMilli: 2000 },
    });
    const claimed = (await (await caller(worker)).workers.claim({ workerId }))!;
    // Started 90 minutes before last midnight (UTC): it has run across a day boundary.
    const midnight = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    await h.db
      .update(jobAttempts)
      .set({ startedAt: new Date(midnight - 90 * 60_000) })
      .where(eq(jobAttempts.id, claimed.attempt.id));
    await (
      await caller(worker)
    ).workers.complete({
      workerId,
      attemptId: claimed.attempt.id,
      exitCode: 0,
      outputTail: '',
      energy: nvmlEnergy(2),
    });
    const [att] = await h.db
      .select()
      .from(jobAttempts)
      .where(eq(jobAttempts.id, claimed.attempt.id));
    const startMs = att!.startedAt.getTime();
    const endMs = att!.finishedAt!.getTime();
    const [bill] = await h.db.select().from(bills).where(eq(bills.jobId, job.id));
    const lines = await h.db
      .select()
      .from(costLines)
      .where(eq(costLines.jobId, job.id))
      .orderBy(costLines.day);
    expect(lines.map((l) => l.day.getTime())).toEqual([midnight - 86_400_000, midnight]);
    // The meter gives one total: drawn evenly, so each day takes its share of the time held.
    const before = (midnight - startMs) / (endMs - startMs);
    const shares = [before, 1 - before];
    lines.forEach((line, i) => {
      const s = shares[i]!;
      expect(line.itKWh).toBeCloseTo(2 * s, 9);
      expect(line.facilityKWh).toBeCloseTo(2 * s * 1.3, 9);
      expect(line.energy).toBeCloseTo(2 * s * 1.3 * 0.1, 9);
      expect(line.co2eKg).toBeCloseTo(2 * s * 1.3 * 0.5, 9);
      expect(line.hardware).toBeCloseTo(bill!.hardware * s, 9);
      expect(line.operations).toBeCloseTo(bill!.operations * s, 9);
      expect(line.gpuHours).toBeCloseTo(((endMs - startMs) / 3_600_000) * s, 9);
      expect(line.total).toBeCloseTo(
        line.hardware + line.energy + line.operations + line.storage + line.bandwidth,
        12,
      );
      expect(line).toMatchObject({
        siteId: bill!.siteId,
        teamId,
        node: 'gpu-host-7',
        gpuModel: 't4-16gb',
        currency: 'USD',
        billed: true,
      });
    });
    expect(lines[0]!.total + lines[1]!.total).toBeCloseTo(bill!.total, 9);
    const [row] = await h.db.select().from(jobs).where(eq(jobs.id, job.id));
    expect(row!.state).toBe('succeeded');
  });
});
