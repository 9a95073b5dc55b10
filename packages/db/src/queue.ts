import { and, asc, count, desc, eq, gt, lte, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';

import type { Db } from './client';
import { QueueError } from './errors';
import { newId } from './ids';
import type { AttemptEnergy, GpuInfo, Job, JobAttempt, JobPayload, JobState } from './schema';
import { bills, jobAttempts, jobs, workers } from './schema';

/** Retry delay: exponential from 1 s, capped at 5 min, with "equal jitter" (half fixed, half random). */
const backoffSeconds = (failures: SQL | number) =>
  sql`least(300, power(2, greatest(${failures}, 1) - 1)) * (0.5 + random() / 2)`;
/**
 * The wall clock, not now(): now() is the transaction's start, and a claim may wait for the claim
 * lock inside its transaction, which would hand the worker a lease already partly spent.
 */
const leaseEnd = (leaseSeconds: number) =>
  sql`clock_timestamp() + make_interval(secs => ${leaseSeconds})`;

export type SubmitJobInput = {
  teamId: string;
  submittedBy?: string | null;
  name: string;
  kind: string;
  payload: JobPayload;
  priority?: number;
  maxAttempts?: number;
  gpus?: number;
  cpuMilli?: number;
  memoryMiB?: number;
  gpuModel?: string | null;
  expectedSeconds?: number | null;
  earliestStartAt?: Date | null;
  deadlineAt?: Date | null;
  /** Why a budget holds it before admission (null: it enters the queue as claimable). */
  heldReason?: string | null;
};

export async function submitJob(db: Db, input: SubmitJobInput): Promise<Job> {
  const [job] = await db
    .insert(jobs)
    .values({
      id: newId('job'),
      ...input,
      submittedBy: input.submittedBy ?? null,
      // A held job's hold is why it waits: the lists that show waitReason show the hold too.
      waitReason: input.heldReason ?? null,
    })
    .returning();
  return job!;
}

export async function getJob(
  db: Db,
  id: string,
): Promise<(Job & { attemptList: JobAttempt[] }) | null> {
  const [job] = await db.select().from(jobs).where(eq(jobs.id, id));
  if (!job) return null;
  const attemptList = await db
    .select()
    .from(jobAttempts)
    .where(eq(jobAttempts.jobId, id))
    .orderBy(asc(jobAttempts.number));
  return { ...job, attemptList };
}

export const JOB_SORTS = ['createdAt', 'startedAt', 'finishedAt', 'name', 'state', 'gpus'] as const;
export type JobSort = (typeof JOB_SORTS)[number];

/** A job in a list, with its bill's headline when it has one (one join, not a query per row). */
export type ListedJob = Job & { bill: { total: number; currency: string; co2eKg: number } | null };

export async function listJobs(
  db: Db,
  opts: {
    teamId?: string;
    state?: JobState;
    limit: number;
    offset: number;
    sort?: JobSort;
    dir?: 'asc' | 'desc';
  },
): Promise<{ items: ListedJob[]; total: number }> {
  const where = and(
    opts.teamId ? eq(jobs.teamId, opts.teamId) : undefined,
    opts.state ? eq(jobs.state, opts.state) : undefined,
  );
  const column = jobs[opts.sort ?? 'createdAt'];
  const order = opts.dir === 'asc' ? asc : desc;
  const [rows, [totalRow]] = await Promise.all([
    db
      .select({
        job: jobs,
        bill: { total: bills.total, currency: bills.currency, co2eKg: bills.co2eKg },
      })
      .from(jobs)
      .leftJoin(bills, eq(bills.jobId, jobs.id))
      .where(where)
      // Nulls (not started, not finished) last either way; the id keeps pages stable.
      .orderBy(sql`${order(column)} NULLS LAST`, order(jobs.id))
      .limit(opts.limit)
      .offset(opts.offset),
    db.select({ n: count() }).from(jobs).where(where),
  ]);
  const items = rows.map((r) => ({ ...r.job, bill: r.bill?.currency ? r.bill : null }));
  return { items, total: totalRow?.n ?? 0 };
}

export async function countJobsByState(db: Db): Promise<Record<JobState, number>> {
  const rows = await db.select({ state: jobs.state, n: count() }).from(jobs).groupBy(jobs.state);
  const out = { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
  for (const r of rows) out[r.state] = r.n;
  return out;
}

/** A queued job is cancelled at once; a running one is flagged and its worker told at its next report. */
export async function cancelJob(db: Db, id: string): Promise<Job> {
  const [queued] = await db
    .update(jobs)
    .set({ state: 'cancelled', finishedAt: sql`now()` })
    .where(and(eq(jobs.id, id), eq(jobs.state, 'queued')))
    .returning();
  if (queued) return queued;
  const [running] = await db
    .update(jobs)
    .set({ cancelRequested: true })
    .where(
      and(
        eq(jobs.id, id),
        eq(jobs.state, 'running'),
        sql`EXISTS (SELECT 1 FROM job_attempts a WHERE a.job_id = ${jobs.id} AND a.state = 'running')`,
      ),
    )
    .returning();
  if (running) return running;
  const [job] = await db.select().from(jobs).where(eq(jobs.id, id));
  if (!job) throw new QueueError('NOT_FOUND', `job ${id} not found`);
  // Running with no attempt: a record loaded as history, still running when it was loaded.
  if (job.state === 'running')
    throw new QueueError(
      'CONFLICT',
      `job ${id} is a record of past use (origin ${job.origin}), not a job a worker runs: it cannot be cancelled`,
    );
  return job; // already finished: cancelling again changes nothing
}

export type WorkerRegistration = {
  hostname: string;
  cpus: number;
  memoryMb: number;
  gpus: GpuInfo[];
  version: string;
  siteId?: string | null;
};

export async function registerWorker(db: Db, input: WorkerRegistration) {
  const [worker] = await db
    .insert(workers)
    .values({ id: newId('wkr'), ...input })
    .returning();
  return worker!;
}

async function touchWorker(db: Db, workerId: string): Promise<void> {
  const [w] = await db
    .update(workers)
    .set({ lastHeartbeatAt: sql`now()` })
    .where(eq(workers.id, workerId))
    .returning({ id: workers.id });
  if (!w) throw new QueueError('NOT_FOUND', `worker ${workerId} is not registered`);
}

/**
 * Expired leases put their jobs back in the queue (with backoff), counting the attempt as a
 * failure; a job out of attempts fails. Uses the database clock so that workers' clocks don't matter.
 */
export async function reapExpiredLeases(db: Db): Promise<{ jobId: string; state: JobState }[]> {
  // Both drivers (PGlite and node-postgres) answer with `{ rows }`.
  const res = (await db.execute(sql`
    WITH expired AS (
      UPDATE job_attempts SET state = 'expired', finished_at = now(), error = 'lease expired'
      WHERE state = 'running' AND lease_expires_at <= now()
      RETURNING job_id
    )
    UPDATE jobs SET
      failures = jobs.failures + 1,
      state = CASE
        WHEN jobs.cancel_requested THEN 'cancelled'::job_state
        WHEN jobs.failures + 1 >= jobs.max_attempts THEN 'failed'::job_state
        ELSE 'queued'::job_state END,
      finished_at = CASE
        WHEN jobs.cancel_requested OR jobs.failures + 1 >= jobs.max_attempts THEN now() END,
      error = CASE WHEN jobs.failures + 1 >= jobs.max_attempts
        THEN 'lease expired on attempt ' || jobs.attempts || ' of at most ' || jobs.max_attempts
        ELSE jobs.error END,
      run_after = now() + make_interval(secs => ${backoffSeconds(sql`jobs.failures + 1`)})
    FROM expired WHERE jobs.id = expired.job_id
    RETURNING jobs.id, jobs.state`)) as unknown as { rows: { id: string; state: JobState }[] };
  return res.rows.map((r) => ({ jobId: r.id, state: r.state }));
}

/** What the scheduler sees when a worker asks for work: the queue, the live workers, what runs where. */
export type ClaimSnapshot = {
  /** The database's clock, ms. */
  nowMs: number;
  workerId: string;
  /** Claimable jobs (queued, backoff over), highest priority and oldest first, at most `queueLimit`. */
  queued: QueuedForScheduler[];
  /** Workers heard from within two leases, the claimant included. */
  workers: { id: string; cpus: number; memoryMb: number; gpus: GpuInfo[]; siteId: string | null }[];
  running: {
    jobId: string;
    teamId: string;
    workerId: string;
    gpus: number;
    cpuMilli: number;
    memoryMiB: number;
    gpuIndices: number[];
    milliPerGpu: number;
    startedAtMs: number;
    expectedSeconds: number | null;
  }[];
};

/** What the scheduler reads of a queued job (not its payload, which may be megabytes). */
const schedulingColumns = {
  id: jobs.id,
  teamId: jobs.teamId,
  priority: jobs.priority,
  createdAt: jobs.createdAt,
  gpus: jobs.gpus,
  cpuMilli: jobs.cpuMilli,
  memoryMiB: jobs.memoryMiB,
  gpuModel: jobs.gpuModel,
  expectedSeconds: jobs.expectedSeconds,
  earliestStartAt: jobs.earliestStartAt,
  deadlineAt: jobs.deadlineAt,
};
export type QueuedForScheduler = Pick<Job, keyof typeof schedulingColumns>;

/** The scheduler's answer: the job this worker starts now (and on which of its GPUs), and why others wait. */
export type ClaimChoice = {
  jobId: string | null;
  gpuIndices: number[];
  milliPerGpu: number;
  /** Why each job waits; null: it waits its turn (nothing to say beyond its place in the queue). */
  waiting: { jobId: string; reason: string | null; plannedStartAt?: Date | null }[];
};

export type ClaimOptions = {
  workerId: string;
  leaseSeconds: number;
  /** Picks the job; without it the queue is served by priority, then age. */
  choose?: (snapshot: ClaimSnapshot) => ClaimChoice;
  queueLimit?: number;
};

/**
 * Hands a queued job to one worker under a lease. With a chooser, claims are serialised by a
 * transaction-scoped advisory lock, because the scheduler's decision rests on a snapshot of every
 * worker's free capacity; without one, concurrent claimers skip each other's locked rows.
 */
export async function claimJob(
  db: Db,
  input: ClaimOptions,
): Promise<{ job: Job; attempt: JobAttempt } | null> {
  await touchWorker(db, input.workerId);
  await reapExpiredLeases(db);
  return db.transaction(async (tx) => {
    let jobId: string;
    let placement = { gpuIndices: [] as number[], milliPerGpu: 0 };
    if (input.choose) {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${CLAIM_LOCK})`);
      const snapshot = await claimSnapshot(tx as unknown as Db, input);
      const choice = input.choose(snapshot);
      await recordWaits(tx as unknown as Db, choice.waiting);
      if (!choice.jobId) return null;
      if (!snapshot.queued.some((j) => j.id === choice.jobId))
        throw new Error(
          `the scheduler chose ${choice.jobId}, which is not in the queue it was shown`,
        );
      jobId = choice.jobId;
      placement = { gpuIndices: choice.gpuIndices, milliPerGpu: choice.milliPerGpu };
    } else {
      const [next] = await tx
        .select({ id: jobs.id })
        .from(jobs)
        .where(and(eq(jobs.state, 'queued'), lte(jobs.runAfter, sql`now()`), notHeld))
        .orderBy(desc(jobs.priority), asc(jobs.createdAt), asc(jobs.id))
        .limit(1)
        .for('update', { skipLocked: true });
      if (!next) return null;
      jobId = next.id;
    }
    const [job] = await tx
      .update(jobs)
      .set({
        state: 'running',
        attempts: sql`${jobs.attempts} + 1`,
        startedAt: sql`coalesce(${jobs.startedAt}, now())`,
        waitReason: null,
        plannedStartAt: null,
      })
      .where(and(eq(jobs.id, jobId), eq(jobs.state, 'queued')))
      .returning();
    if (!job) return null; // cancelled between the snapshot and now
    const [attempt] = await tx
      .insert(jobAttempts)
      .values({
        id: newId('att'),
        jobId,
        number: job.attempts,
        workerId: input.workerId,
        leaseExpiresAt: leaseEnd(input.leaseSeconds),
        ...placement,
      })
      .returning();
    return { job, attempt: attempt! };
  });
}

/** A job a budget holds is never claimed, nor shown to the scheduler, until an admin releases it. */
const notHeld = sql`${jobs.heldReason} IS NULL`;

/** Key of the advisory lock that serialises scheduled claims ("wattwise" in ASCII, truncated). */
const CLAIM_LOCK = 0x77617474;

async function claimSnapshot(db: Db, input: ClaimOptions): Promise<ClaimSnapshot> {
  const res = (await db.execute(
    sql`SELECT (extract(epoch FROM now()) * 1000)::float8 AS now_ms`,
  )) as unknown as { rows: { now_ms: number }[] };
  const nowMs = Number(res.rows[0]!.now_ms);
  const queued = await db
    .select(schedulingColumns)
    .from(jobs)
    .where(and(eq(jobs.state, 'queued'), lte(jobs.runAfter, sql`now()`), notHeld))
    .orderBy(desc(jobs.priority), asc(jobs.createdAt), asc(jobs.id))
    .limit(input.queueLimit ?? 500);
  const live = await db
    .select({
      id: workers.id,
      cpus: workers.cpus,
      memoryMb: workers.memoryMb,
      gpus: workers.gpus,
      siteId: workers.siteId,
    })
    .from(workers)
    .where(
      sql`${workers.lastHeartbeatAt} > now() - make_interval(secs => ${2 * input.leaseSeconds}) OR ${workers.id} = ${input.workerId}`,
    );
  const running = await db
    .select({
      jobId: jobs.id,
      teamId: jobs.teamId,
      workerId: jobAttempts.workerId,
      gpus: jobs.gpus,
      cpuMilli: jobs.cpuMilli,
      memoryMiB: jobs.memoryMiB,
      gpuIndices: jobAttempts.gpuIndices,
      milliPerGpu: jobAttempts.milliPerGpu,
      startedAt: jobAttempts.startedAt,
      expectedSeconds: jobs.expectedSeconds,
    })
    .from(jobAttempts)
    .innerJoin(jobs, eq(jobs.id, jobAttempts.jobId))
    .where(eq(jobAttempts.state, 'running'));
  return {
    nowMs,
    workerId: input.workerId,
    queued,
    workers: live,
    running: running.map(({ startedAt, ...r }) => ({ ...r, startedAtMs: startedAt.getTime() })),
  };
}

/** The scheduler's view of the queue and the cluster without claiming: what a preview decides on. */
export async function schedulerSnapshot(
  db: Db,
  input: { leaseSeconds: number; queueLimit?: number },
): Promise<ClaimSnapshot> {
  return claimSnapshot(db, { ...input, workerId: '' });
}

/** Stores why each job waits, writing only the rows whose reason changed. */
async function recordWaits(db: Db, waiting: ClaimChoice['waiting']): Promise<void> {
  if (waiting.length === 0) return;
  const rows = sql.join(
    waiting.map(
      (w) =>
        sql`(${w.jobId}, ${w.reason?.slice(0, 500) ?? null}::text, ${w.plannedStartAt?.toISOString() ?? null}::timestamptz)`,
    ),
    sql`, `,
  );
  await db.execute(sql`
    UPDATE jobs SET wait_reason = v.reason, planned_start_at = v.planned
    FROM (VALUES ${rows}) AS v(id, reason, planned)
    WHERE jobs.id = v.id AND jobs.state = 'queued'
      AND (jobs.wait_reason IS DISTINCT FROM v.reason OR jobs.planned_start_at IS DISTINCT FROM v.planned)`);
}

type AttemptRef = { attemptId: string; workerId: string };

/** The attempt's live row, or why it is not live; every transition below is fenced by it. */
async function liveAttempt(db: Db, ref: AttemptRef): Promise<JobAttempt> {
  const [att] = await db.select().from(jobAttempts).where(eq(jobAttempts.id, ref.attemptId));
  if (!att) throw new QueueError('NOT_FOUND', `attempt ${ref.attemptId} not found`);
  if (att.workerId !== ref.workerId) {
    throw new QueueError('FORBIDDEN', `attempt ${ref.attemptId} belongs to another worker`);
  }
  if (att.state !== 'running') {
    throw new QueueError('CONFLICT', `attempt ${ref.attemptId} is ${att.state}, no longer running`);
  }
  return att;
}

/** Extends a live lease; a lease already past its end is lost, whether or not the reaper has run. */
export async function heartbeat(
  db: Db,
  input: AttemptRef & { leaseSeconds: number; progress?: Record<string, unknown> },
): Promise<{ leaseExpiresAt: Date; cancelRequested: boolean }> {
  await touchWorker(db, input.workerId);
  const [att] = await db
    .update(jobAttempts)
    .set({
      leaseExpiresAt: leaseEnd(input.leaseSeconds),
      ...(input.progress ? { progress: input.progress } : {}),
    })
    .where(
      and(
        eq(jobAttempts.id, input.attemptId),
        eq(jobAttempts.workerId, input.workerId),
        eq(jobAttempts.state, 'running'),
        gt(jobAttempts.leaseExpiresAt, sql`now()`),
      ),
    )
    .returning();
  if (!att) {
    await liveAttempt(db, input);
    throw new QueueError('CONFLICT', `attempt ${input.attemptId} lost its lease`);
  }
  const [job] = await db
    .select({ cancelRequested: jobs.cancelRequested })
    .from(jobs)
    .where(eq(jobs.id, att.jobId));
  return { leaseExpiresAt: att.leaseExpiresAt, cancelRequested: job?.cancelRequested ?? false };
}

/**
 * Ends an attempt: fenced by its id and live lease, in one transaction with the job's new state.
 * Repeating the same report is answered with the job as it stands (idempotent).
 */
async function finishAttempt(
  db: Db,
  ref: AttemptRef,
  outcome: {
    attemptState: 'succeeded' | 'failed' | 'released';
    exitCode?: number | null;
    outputTail?: string;
    error?: string;
    signal?: string | null;
    output?: Record<string, unknown>;
    retryable?: boolean;
    energy?: AttemptEnergy;
  },
  onTerminal?: OnTerminal,
): Promise<Job> {
  return db.transaction(async (tx) => {
    const [att] = await tx
      .update(jobAttempts)
      .set({
        state: outcome.attemptState,
        finishedAt: sql`now()`,
        exitCode: outcome.exitCode ?? null,
        outputTail: outcome.outputTail ?? null,
        error: outcome.error ?? null,
        energy: outcome.energy ?? null,
      })
      .where(
        and(
          eq(jobAttempts.id, ref.attemptId),
          eq(jobAttempts.workerId, ref.workerId),
          eq(jobAttempts.state, 'running'),
          gt(jobAttempts.leaseExpiresAt, sql`now()`),
        ),
      )
      .returning();
    if (!att) {
      const [prev] = await tx.select().from(jobAttempts).where(eq(jobAttempts.id, ref.attemptId));
      const sameReport =
        prev &&
        prev.workerId === ref.workerId &&
        (prev.state === outcome.attemptState ||
          (prev.state === 'cancelled' && outcome.attemptState !== 'released')) &&
        (prev.exitCode ?? null) === (outcome.exitCode ?? null);
      if (sameReport) {
        const [job] = await tx.select().from(jobs).where(eq(jobs.id, prev.jobId));
        return job!;
      }
      await liveAttempt(tx as unknown as Db, ref);
      throw new QueueError('CONFLICT', `attempt ${ref.attemptId} lost its lease`);
    }
    const [current] = await tx.select().from(jobs).where(eq(jobs.id, att.jobId)).for('update');
    const job = current!;
    const result = {
      exitCode: outcome.exitCode ?? null,
      signal: outcome.signal ?? null,
      outputTail: outcome.outputTail ?? '',
      ...(outcome.output ? { output: outcome.output } : {}),
    };
    let update: PgUpdateSetSource<typeof jobs>;
    if (job.cancelRequested) {
      update = { state: 'cancelled', finishedAt: sql`now()`, result };
      await tx.update(jobAttempts).set({ state: 'cancelled' }).where(eq(jobAttempts.id, att.id));
    } else if (outcome.attemptState === 'released') {
      update = { state: 'queued', runAfter: sql`now()` };
    } else if (outcome.attemptState === 'succeeded' || !outcome.retryable) {
      const ok = outcome.attemptState === 'succeeded' && outcome.exitCode === 0;
      update = {
        state: ok ? 'succeeded' : 'failed',
        finishedAt: sql`now()`,
        result,
        error: ok ? null : (outcome.error ?? `exited with code ${outcome.exitCode}`),
        failures: ok ? job.failures : job.failures + 1,
      };
    } else {
      const failures = job.failures + 1;
      const exhausted = failures >= job.maxAttempts;
      update = {
        failures,
        error: outcome.error ?? null,
        result,
        ...(exhausted
          ? { state: 'failed', finishedAt: sql`now()` }
          : {
              state: 'queued',
              runAfter: sql`now() + make_interval(secs => ${backoffSeconds(failures)})`,
            }),
      };
    }
    const [updated] = await tx.update(jobs).set(update).where(eq(jobs.id, job.id)).returning();
    if (onTerminal && TERMINAL.has(updated!.state)) await onTerminal(tx as unknown as Db, updated!);
    return updated!;
  });
}

const TERMINAL = new Set<JobState>(['succeeded', 'failed', 'cancelled']);

/** Runs inside the transaction that ends a job (the bill is written here, so it cannot be lost or doubled). */
export type OnTerminal = (tx: Db, job: Job) => Promise<void>;

export function completeAttempt(
  db: Db,
  input: AttemptRef & {
    exitCode: number | null;
    signal?: string | null;
    outputTail: string;
    output?: Record<string, unknown>;
    energy?: AttemptEnergy;
  },
  onTerminal?: OnTerminal,
): Promise<Job> {
  return finishAttempt(
    db,
    input,
    {
      attemptState: input.exitCode === 0 ? 'succeeded' : 'failed',
      exitCode: input.exitCode,
      signal: input.signal ?? null,
      outputTail: input.outputTail,
      output: input.output,
      retryable: false,
      energy: input.energy,
    },
    onTerminal,
  );
}

export function failAttempt(
  db: Db,
  input: AttemptRef & {
    error: string;
    retryable: boolean;
    outputTail?: string;
    energy?: AttemptEnergy;
  },
  onTerminal?: OnTerminal,
): Promise<Job> {
  return finishAttempt(
    db,
    input,
    {
      attemptState: 'failed',
      error: input.error,
      retryable: input.retryable,
      outputTail: input.outputTail,
      energy: input.energy,
    },
    onTerminal,
  );
}

/** A worker shutting down hands its job back; a release is not a failure. */
export function releaseAttempt(
  db: Db,
  input: AttemptRef & { energy?: AttemptEnergy },
  onTerminal?: OnTerminal,
): Promise<Job> {
  return finishAttempt(db, input, { attemptState: 'released', energy: input.energy }, onTerminal);
}
