import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';

import type { Db } from './client';
import { QueueError } from './errors';
import {
  attemptSamples,
  bills,
  costLines,
  jobAttempts,
  jobs,
  sites,
  workers,
  type AttemptSample,
  type Bill,
  type EnergyMethod,
  type GpuInfo,
  type Job,
  type JobAttempt,
  type Site,
} from './schema';

/** Everything a bill rests on: the job, every attempt that ran, their workers and the site. */
export type BillingInputs = {
  job: Job;
  attempts: (JobAttempt & {
    worker: { hostname: string; gpus: GpuInfo[]; cpus: number; siteId: string | null };
  })[];
  site: Site | null;
};

export async function billingInputs(db: Db, jobId: string): Promise<BillingInputs | null> {
  const [job] = await db.select().from(jobs).where(eq(jobs.id, jobId));
  if (!job) return null;
  const rows = await db
    .select({
      attempt: jobAttempts,
      hostname: workers.hostname,
      gpus: workers.gpus,
      cpus: workers.cpus,
      siteId: workers.siteId,
    })
    .from(jobAttempts)
    .innerJoin(workers, eq(workers.id, jobAttempts.workerId))
    .where(eq(jobAttempts.jobId, jobId))
    .orderBy(asc(jobAttempts.number));
  const siteId = rows.find((r) => r.siteId)?.siteId;
  const [site] = siteId ? await db.select().from(sites).where(eq(sites.id, siteId)) : [];
  return {
    job,
    attempts: rows.map((r) => ({
      ...r.attempt,
      worker: { hostname: r.hostname, gpus: r.gpus, cpus: r.cpus, siteId: r.siteId },
    })),
    site: site ?? null,
  };
}

export type NewBill = typeof bills.$inferInsert;

/** Writes a job's bill once; a second bill for the same job is ignored (the job id is the key). */
export async function saveBill(db: Db, bill: NewBill): Promise<boolean> {
  const rows = await db
    .insert(bills)
    .values(bill)
    .onConflictDoNothing()
    .returning({ id: bills.jobId });
  return rows.length === 1;
}

export type NewCostLine = typeof costLines.$inferInsert;

/** Writes a bill's cost lines (one per UTC day); lines already there for the job and day are kept. */
export async function saveCostLines(db: Db, lines: NewCostLine[]): Promise<void> {
  if (lines.length > 0) await db.insert(costLines).values(lines).onConflictDoNothing();
}

export async function getBill(db: Db, jobId: string): Promise<Bill | null> {
  const [bill] = await db.select().from(bills).where(eq(bills.jobId, jobId));
  return bill ?? null;
}

/** Finished jobs that ran and have no bill (their lease ran out for the last time, or billing failed). */
export async function jobsWithoutBills(db: Db, limit = 100): Promise<string[]> {
  const rows = await db
    .select({ id: jobs.id })
    .from(jobs)
    .leftJoin(bills, eq(bills.jobId, jobs.id))
    .where(
      and(
        inArray(jobs.state, ['succeeded', 'failed', 'cancelled']),
        sql`${jobs.attempts} > 0`,
        // Recent ones only, so the sweep stays cheap on a long history.
        sql`${jobs.finishedAt} > now() - interval '1 day'`,
        isNull(bills.jobId),
      ),
    )
    .limit(limit);
  return rows.map((r) => r.id);
}

export type SampleInput = {
  seq: number;
  at: Date;
  gpus: AttemptSample['gpus'];
  cpuW: number | null;
  method: EnergyMethod;
};

/**
 * Stores telemetry for an attempt of this worker, whatever its state: samples buffered while the
 * server was unreachable arrive after the attempt ended. A resent (attempt, seq) is ignored.
 */
export async function recordSamples(
  db: Db,
  ref: { workerId: string; attemptId: string },
  samples: SampleInput[],
): Promise<{ stored: number }> {
  const [att] = await db
    .select({ workerId: jobAttempts.workerId })
    .from(jobAttempts)
    .where(eq(jobAttempts.id, ref.attemptId));
  if (!att) throw new QueueError('NOT_FOUND', `attempt ${ref.attemptId} not found`);
  if (att.workerId !== ref.workerId)
    throw new QueueError('FORBIDDEN', `attempt ${ref.attemptId} belongs to another worker`);
  if (samples.length === 0) return { stored: 0 };
  const rows = await db
    .insert(attemptSamples)
    .values(samples.map((s) => ({ ...s, attemptId: ref.attemptId })))
    .onConflictDoNothing()
    .returning({ seq: attemptSamples.seq });
  return { stored: rows.length };
}

export async function listSamples(db: Db, attemptId: string): Promise<AttemptSample[]> {
  return db
    .select()
    .from(attemptSamples)
    .where(eq(attemptSamples.attemptId, attemptId))
    .orderBy(asc(attemptSamples.seq));
}
