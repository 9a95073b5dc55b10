import { and, asc, eq, gte, inArray, isNotNull, lt, sql } from 'drizzle-orm';

import type { Db } from './client';
import { newId } from './ids';
import { QueueError } from './errors';
import { budgets, costLines, jobs, teams, usageHours, type Budget, type Job } from './schema';

/** A team's cost lines for one UTC day, summed: what its spend and burn-down rest on. */
export type TeamDaySpend = {
  teamId: string;
  day: Date;
  total: number;
  /** The part already billed; the rest is cost to date of jobs still running. */
  billed: number;
  gpuHours: number;
};

/** Cost lines per team and UTC day with `day` in [from, to), optionally for one team and one site. */
export async function teamDailySpend(
  db: Db,
  opts: { from: Date; to: Date; teamId?: string; siteId?: string },
): Promise<TeamDaySpend[]> {
  const rows = await db
    .select({
      teamId: costLines.teamId,
      day: costLines.day,
      total: sql<number>`sum(${costLines.total})::float8`,
      billed: sql<number>`coalesce(sum(${costLines.total}) FILTER (WHERE ${costLines.billed}), 0)::float8`,
      gpuHours: sql<number>`sum(${costLines.gpuHours})::float8`,
    })
    .from(costLines)
    .where(
      and(
        gte(costLines.day, opts.from),
        lt(costLines.day, opts.to),
        opts.teamId ? eq(costLines.teamId, opts.teamId) : undefined,
        opts.siteId ? eq(costLines.siteId, opts.siteId) : undefined,
      ),
    )
    .groupBy(costLines.teamId, costLines.day)
    .orderBy(asc(costLines.day), asc(costLines.teamId));
  return rows.map((r) => ({ ...r, total: Number(r.total), billed: Number(r.billed) }));
}

/** The team's spend on cost lines dated in [from, to), every site together: what a budget holds against. */
export async function teamSpend(db: Db, teamId: string, from: Date, to: Date): Promise<number> {
  const [row] = await db
    .select({ total: sql<number>`coalesce(sum(${costLines.total}), 0)::float8` })
    .from(costLines)
    .where(and(eq(costLines.teamId, teamId), gte(costLines.day, from), lt(costLines.day, to)));
  return Number(row?.total ?? 0);
}

/** GPU-hours the facility had and jobs held, hours in [from, to); null when no hour is recorded. */
export async function facilityGpuHours(
  db: Db,
  opts: { from: Date; to: Date; siteId?: string },
): Promise<{ capacity: number; allocated: number; hours: number } | null> {
  const [row] = await db
    .select({
      capacity: sql<number>`coalesce(sum(${usageHours.gpus}), 0)::float8`,
      allocated: sql<number>`coalesce(sum(${usageHours.gpuHoursAllocated}), 0)::float8`,
      hours: sql<number>`count(*)::int`,
    })
    .from(usageHours)
    .where(
      and(
        gte(usageHours.hour, opts.from),
        lt(usageHours.hour, opts.to),
        opts.siteId ? eq(usageHours.siteId, opts.siteId) : undefined,
      ),
    );
  if (!row || Number(row.hours) === 0) return null;
  return {
    capacity: Number(row.capacity),
    allocated: Number(row.allocated),
    hours: Number(row.hours),
  };
}

export async function listBudgets(
  db: Db,
  opts: { month: Date; teamId?: string },
): Promise<Budget[]> {
  return db
    .select()
    .from(budgets)
    .where(
      and(eq(budgets.month, opts.month), opts.teamId ? eq(budgets.teamId, opts.teamId) : undefined),
    );
}

export async function getBudget(db: Db, teamId: string, month: Date): Promise<Budget | null> {
  const [row] = await listBudgets(db, { month, teamId });
  return row ?? null;
}

export async function teamExists(db: Db, teamId: string): Promise<boolean> {
  const [row] = await db.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId));
  return !!row;
}

/** Sets a team's budget for a month, replacing the one it had. */
export async function upsertBudget(
  db: Db,
  input: { teamId: string; month: Date; amount: number; currency: string; holdOverBudget: boolean },
): Promise<Budget> {
  const [row] = await db
    .insert(budgets)
    .values({ id: newId('bgt'), ...input })
    .onConflictDoUpdate({
      target: [budgets.teamId, budgets.month],
      set: {
        amount: input.amount,
        currency: input.currency,
        holdOverBudget: input.holdOverBudget,
      },
    })
    .returning();
  return row!;
}

export type HeldJob = Pick<
  Job,
  'id' | 'teamId' | 'name' | 'heldReason' | 'createdAt' | 'gpus' | 'expectedSeconds'
>;

/** Queued jobs a budget holds, oldest first. */
export async function listHeldJobs(db: Db, opts: { teamId?: string } = {}): Promise<HeldJob[]> {
  return db
    .select({
      id: jobs.id,
      teamId: jobs.teamId,
      name: jobs.name,
      heldReason: jobs.heldReason,
      createdAt: jobs.createdAt,
      gpus: jobs.gpus,
      expectedSeconds: jobs.expectedSeconds,
    })
    .from(jobs)
    .where(
      and(
        eq(jobs.state, 'queued'),
        isNotNull(jobs.heldReason),
        opts.teamId ? eq(jobs.teamId, opts.teamId) : undefined,
      ),
    )
    .orderBy(asc(jobs.createdAt), asc(jobs.id));
}

/** Lets a held job into the queue: the scheduler may claim it from now on. */
export async function releaseHeldJob(db: Db, jobId: string): Promise<Job> {
  const [released] = await db
    .update(jobs)
    .set({ heldReason: null, waitReason: null })
    .where(and(eq(jobs.id, jobId), eq(jobs.state, 'queued'), isNotNull(jobs.heldReason)))
    .returning();
  if (released) return released;
  const [job] = await db
    .select({ state: jobs.state, heldReason: jobs.heldReason })
    .from(jobs)
    .where(eq(jobs.id, jobId));
  if (!job) throw new QueueError('NOT_FOUND', `job ${jobId} not found`);
  throw new QueueError('CONFLICT', `job ${jobId} is ${job.state} and not held by a budget`);
}

export type CommittedJob = Pick<
  Job,
  'id' | 'state' | 'gpus' | 'cpuMilli' | 'gpuModel' | 'expectedSeconds' | 'startedAt'
>;

/** The team's jobs that will still spend: queued and admitted (not held), or running. */
export async function committedJobs(db: Db, teamId: string): Promise<CommittedJob[]> {
  return db
    .select({
      id: jobs.id,
      state: jobs.state,
      gpus: jobs.gpus,
      cpuMilli: jobs.cpuMilli,
      gpuModel: jobs.gpuModel,
      expectedSeconds: jobs.expectedSeconds,
      startedAt: jobs.startedAt,
    })
    .from(jobs)
    .where(
      and(
        eq(jobs.teamId, teamId),
        inArray(jobs.state, ['queued', 'running']),
        sql`${jobs.heldReason} IS NULL`,
      ),
    );
}
