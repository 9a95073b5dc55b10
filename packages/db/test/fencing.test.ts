/**
 * Fencing and lease requirements of the job queue, on every database target:
 * a stale attempt changes nothing; the rescuer racing a completion never reopens a finished job;
 * a job that heartbeats outlives its lease many times over and runs once; a job out of retries
 * is dead-lettered and blocks nothing behind it.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Db, DbHandle } from '../src/client';
import { saveBill } from '../src/bills';
import { QueueError } from '../src/errors';
import { newId } from '../src/ids';
import {
  claimJob,
  completeAttempt,
  failAttempt,
  heartbeat,
  reapExpiredLeases,
  registerWorker,
  releaseAttempt,
  submitJob,
} from '../src/queue';
import type { OnTerminal } from '../src/queue';
import { bills, jobAttempts, jobs, teams } from '../src/schema';
import type { Job } from '../src/schema';
import { databaseTargets } from '../src/testing';
import { openTestDb } from '../src/testing';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const command = { argv: ['true'] };

/** What a refused call was told: the QueueError code, or the whole error if it was anything else. */
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof QueueError ? e.code : String(e)),
  );

/**
 * Stands in for billing: writes a bill in the transaction that ends the job (so it exists only if
 * that transaction commits) and counts the calls per job.
 */
function billingSpy() {
  const calls = new Map<string, number>();
  const onTerminal: OnTerminal = async (tx, job) => {
    calls.set(job.id, (calls.get(job.id) ?? 0) + 1);
    await saveBill(tx, {
      jobId: job.id,
      teamId: job.teamId,
      currency: 'USD',
      total: 1,
      hardware: 1,
      energy: 0,
      operations: 0,
      storage: 0,
      bandwidth: 0,
      itKWh: 0,
      facilityKWh: 0,
      co2eKg: 0,
      energyMethod: 'modelled',
      detail: { state: job.state },
    });
  };
  return { onTerminal, calls, total: () => [...calls.values()].reduce((a, b) => a + b, 0) };
}

/**
 * Every row of the tables a report could touch, as the database stores it: the full row as JSON
 * (timestamps to the microsecond) and its `xmin`, which changes whenever a row is rewritten, even
 * with the same values. Two equal snapshots mean no row was updated, inserted or deleted.
 */
async function snapshot(db: Db): Promise<{ t: string; xmin: string; row: string }[]> {
  const res = (await db.execute(sql`
    SELECT 'jobs' AS t, j.xmin::text AS xmin, to_jsonb(j)::text AS row FROM jobs j
    UNION ALL SELECT 'job_attempts', a.xmin::text, to_jsonb(a)::text FROM job_attempts a
    UNION ALL SELECT 'bills', b.xmin::text, to_jsonb(b)::text FROM bills b
    ORDER BY 1, 3`)) as unknown as { rows: { t: string; xmin: string; row: string }[] };
  return res.rows;
}

describe.each(databaseTargets(process.env.TEST_DATABASE_URL))(
  'queue fencing on $name',
  ({ name, adminUrl }) => {
    let h: DbHandle;
    let teamId: string;
    const worker = () =>
      registerWorker(h.db, {
        hostname: 'fencing',
        cpus: 2,
        memoryMb: 1024,
        gpus: [],
        version: 'test',
      });
    const submit = (extra: Partial<Parameters<typeof submitJob>[1]> = {}) =>
      submitJob(h.db, { teamId, name: 'job', kind: 'command', payload: command, ...extra });
    /** Claims until something comes up (a job in backoff becomes claimable within its delay). */
    const claimUntil = async (workerId: string, leaseSeconds: number, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const got = await claimJob(h.db, { workerId, leaseSeconds });
        if (got || Date.now() > deadline) return got;
        await sleep(50);
      }
    };

    // Each test gets its own empty database, so whole-table snapshots and counts see only its rows.
    beforeEach(async () => {
      h = await openTestDb(adminUrl);
      teamId = newId('team');
      await h.db.insert(teams).values({ id: teamId, name: 'fencing' });
    });
    afterEach(() => h.close());

    it.each([
      { claimant: 'another worker', sameWorker: false },
      { claimant: 'the same worker', sameWorker: true },
    ])(
      'refuses every report of a stale attempt once $claimant holds attempt 2, and changes no row',
      async ({ sameWorker }) => {
        const a = await worker();
        const b = sameWorker ? a : await worker();
        const bill = billingSpy();
        const job = await submit({ maxAttempts: 3 });

        const first = (await claimJob(h.db, { workerId: a.id, leaseSeconds: 0.2 }))!;
        expect(first.job.id).toBe(job.id);
        await sleep(400);
        // Claiming reaps the expired lease first; the job comes back once its backoff (≤ 1 s) is over.
        const second = (await claimUntil(b.id, 30))!;
        expect(second.job.id).toBe(job.id);
        expect(second.attempt.number).toBe(2);

        const before = await snapshot(h.db);
        expect(before.filter((r) => r.t === 'job_attempts')).toHaveLength(2);
        const stale = { attemptId: first.attempt.id, workerId: a.id };
        const refusals = {
          completeOk: await outcome(
            completeAttempt(h.db, { ...stale, exitCode: 0, outputTail: 'late' }, bill.onTerminal),
          ),
          completeExit1: await outcome(
            completeAttempt(h.db, { ...stale, exitCode: 1, outputTail: 'late' }, bill.onTerminal),
          ),
          failRetryable: await outcome(
            failAttempt(h.db, { ...stale, error: 'late', retryable: true }, bill.onTerminal),
          ),
          failFinal: await outcome(
            failAttempt(h.db, { ...stale, error: 'late', retryable: false }, bill.onTerminal),
          ),
          heartbeat: await outcome(
            heartbeat(h.db, { ...stale, leaseSeconds: 30, progress: { step: 99 } }),
          ),
          release: await outcome(releaseAttempt(h.db, stale, bill.onTerminal)),
        };
        expect(refusals).toEqual({
          completeOk: 'CONFLICT',
          completeExit1: 'CONFLICT',
          failRetryable: 'CONFLICT',
          failFinal: 'CONFLICT',
          heartbeat: 'CONFLICT',
          release: 'CONFLICT',
        });
        expect(await snapshot(h.db)).toEqual(before);
        expect(bill.total()).toBe(0);

        // Attempt 2 was not disturbed: it still heartbeats and completes, and is billed once.
        const live = { attemptId: second.attempt.id, workerId: b.id };
        await heartbeat(h.db, { ...live, leaseSeconds: 30 });
        const done = await completeAttempt(
          h.db,
          { ...live, exitCode: 0, outputTail: 'ok' },
          bill.onTerminal,
        );
        expect(done).toMatchObject({ state: 'succeeded', attempts: 2, failures: 1 });
        expect(bill.calls).toEqual(new Map([[job.id, 1]]));
        const attempts = await h.db.select().from(jobAttempts).where(eq(jobAttempts.jobId, job.id));
        expect(attempts.map((x) => [x.number, x.state, x.outputTail]).sort()).toEqual([
          [1, 'expired', null],
          [2, 'succeeded', 'ok'],
        ]);
      },
    );

    it(
      'never lets the rescuer reopen a job whose completion raced it, in 10,000 races',
      { timeout: 300_000 },
      async () => {
        // 100 rounds of 10 lanes × 10 races. In each race a worker's completion and a rescuer pass are
        // issued together, just as the attempt's lease runs out; the lanes run side by side (on
        // PostgreSQL over the pool's connections, on PGlite interleaved statement by statement).
        const ROUNDS = 100;
        const LANES = 10;
        const PER_LANE = 10;
        const PER_ROUND = LANES * PER_LANE;
        const workerIds = (await Promise.all(Array.from({ length: LANES }, worker))).map(
          (w) => w.id,
        );
        const bill = billingSpy();
        const tally = { completed: 0, reapedFirst: 0, leaseLapsed: 0 };
        const violations: string[] = [];
        const reapedTimes = new Map<string, number>();
        let slotMs = 5; // how long one race takes in a lane; measured on each round for the next
        let lastLeaseMs = 0;
        const started = Date.now();
        const cpu = process.cpuUsage();

        for (let round = 0; round < ROUNDS && violations.length === 0; round++) {
          // Running jobs with live attempts, written as claimJob writes them (claiming is tested in
          // queue.test.ts; claiming 10,000 jobs one by one would take most of the run). Even jobs may
          // run once, so the rescuer fails them; odd ones twice, so it queues them again.
          const batch = await h.db
            .insert(jobs)
            .values(
              Array.from({ length: PER_ROUND }, (_, i) => ({
                id: newId('job'),
                teamId,
                name: `race ${round}.${i}`,
                kind: 'command',
                payload: command,
                maxAttempts: i % 2 === 0 ? 1 : 2,
                state: 'running' as const,
                attempts: 1,
                startedAt: sql`now()`,
              })),
            )
            .returning();
          // Race k of a lane is due about k slots after the start: its lease ends within a slot of
          // that (i·37 mod 100 spreads the offsets so each lane sees early and late ones).
          const leaseMs = (i: number) =>
            Math.max(0, (i % PER_LANE) + (((i * 37) % 100) / 100) * 2 - 0.5) * slotMs;
          const attempts = await h.db
            .insert(jobAttempts)
            .values(
              batch.map((job, i) => ({
                id: newId('att'),
                jobId: job.id,
                number: 1,
                workerId: workerIds[Math.floor(i / PER_LANE)]!,
                leaseExpiresAt: sql`clock_timestamp() + make_interval(secs => ${leaseMs(i) / 1000})`,
              })),
            )
            .returning();
          lastLeaseMs = Math.max(lastLeaseMs, ...batch.map((_, i) => leaseMs(i)));
          const byJob = new Map(attempts.map((a) => [a.jobId, a]));

          const raceStart = Date.now();
          const results: (Job | QueueError)[] = [];
          const reaped: { jobId: string }[] = [];
          await Promise.all(
            Array.from({ length: LANES }, async (_, lane) => {
              for (let k = 0; k < PER_LANE; k++) {
                const i = lane * PER_LANE + k;
                const att = byJob.get(batch[i]!.id)!;
                const [result, swept] = await Promise.all([
                  completeAttempt(
                    h.db,
                    {
                      attemptId: att.id,
                      workerId: att.workerId,
                      exitCode: 0,
                      outputTail: `${round}.${i}`,
                    },
                    bill.onTerminal,
                  ).catch((e: unknown) => {
                    if (e instanceof QueueError) return e;
                    throw e;
                  }),
                  reapExpiredLeases(h.db),
                ]);
                results[i] = result;
                reaped.push(...swept);
              }
            }),
          );
          slotMs = Math.max(1, (Date.now() - raceStart) / PER_LANE);
          // A lease that ran out before its completion, after the last rescuer pass, is reaped now.
          reaped.push(...(await reapExpiredLeases(h.db)));
          for (const r of reaped) reapedTimes.set(r.jobId, (reapedTimes.get(r.jobId) ?? 0) + 1);

          const ids = batch.map((j) => j.id);
          const jobRows = new Map(
            (await h.db.select().from(jobs).where(inArray(jobs.id, ids))).map((j) => [j.id, j]),
          );
          const attRows = await h.db
            .select()
            .from(jobAttempts)
            .where(inArray(jobAttempts.jobId, ids));
          const billed = new Set(
            (
              await h.db.select({ id: bills.jobId }).from(bills).where(inArray(bills.jobId, ids))
            ).map((b) => b.id),
          );
          batch.forEach((submitted, i) => {
            const id = submitted.id;
            const job = jobRows.get(id)!;
            const atts = attRows.filter((x) => x.jobId === id);
            const result = results[i]!;
            const calls = bill.calls.get(id) ?? 0;
            const reapedN = reapedTimes.get(id) ?? 0;
            const seen = `${id}: job ${job.state}/${job.failures}, attempts [${atts.map((x) => x.state)}], complete ${result instanceof QueueError ? result.code : result.state}, onTerminal ${calls}, reaped ${reapedN}, billed ${billed.has(id)}`;
            if (atts.length !== 1) violations.push(`${seen}: expected exactly one attempt`);
            if (!(result instanceof QueueError)) {
              tally.completed++;
              const alone =
                result.state === 'succeeded' &&
                job.state === 'succeeded' &&
                job.failures === 0 &&
                atts[0]?.state === 'succeeded' &&
                calls === 1 &&
                billed.has(id) &&
                reapedN === 0;
              if (!alone) violations.push(`${seen}: the completion won, but not alone`);
            } else {
              if (result.message.includes('is expired')) tally.reapedFirst++;
              else tally.leaseLapsed++;
              const alone =
                result.code === 'CONFLICT' &&
                job.state === (submitted.maxAttempts === 1 ? 'failed' : 'queued') &&
                job.failures === 1 &&
                atts[0]?.state === 'expired' &&
                calls === 0 &&
                !billed.has(id) &&
                reapedN === 1;
              if (!alone) violations.push(`${seen}: the rescuer won, but not alone`);
            }
          });
        }
        const wallS = (Date.now() - started) / 1000;
        const used = process.cpuUsage(cpu);

        // Once every lease has passed, the rescuer finds nothing: no completed attempt is reopened later.
        await sleep(lastLeaseMs + 50);
        expect(await reapExpiredLeases(h.db)).toEqual([]);
        const totals = (await h.db.execute(sql`
      SELECT
        (SELECT count(*) FROM jobs WHERE state = 'succeeded')::int AS succeeded,
        (SELECT count(*) FROM jobs WHERE state = 'running')::int AS running,
        (SELECT count(*) FROM job_attempts WHERE state = 'succeeded')::int AS attempts_succeeded,
        (SELECT count(*) FROM job_attempts WHERE state = 'expired')::int AS attempts_expired,
        (SELECT count(*) FROM bills)::int AS bills,
        (SELECT count(*) FROM jobs j JOIN job_attempts a ON a.job_id = j.id
          WHERE j.state = 'succeeded' AND a.state <> 'succeeded')::int AS succeeded_with_other_attempt`)) as unknown as {
          rows: Record<string, number>[];
        };
        const rescuerWon = tally.reapedFirst + tally.leaseLapsed;
        console.log(
          `[${name}] ${ROUNDS} rounds x ${LANES} lanes x ${PER_LANE} races in ${wallS.toFixed(1)} s ` +
            `(${((used.user + used.system) / 1e6).toFixed(1)} s CPU in this process): completion won ${tally.completed}, ` +
            `rescuer won ${rescuerWon} (completion found the attempt already expired: ${tally.reapedFirst}; ` +
            `completion refused on a lapsed lease, reaped after: ${tally.leaseLapsed})`,
        );

        expect(violations.slice(0, 10)).toEqual([]);
        expect(tally.completed + rescuerWon).toBe(ROUNDS * PER_ROUND);
        expect(totals.rows[0]).toEqual({
          succeeded: tally.completed,
          running: 0,
          attempts_succeeded: tally.completed,
          attempts_expired: rescuerWon,
          bills: tally.completed,
          succeeded_with_other_attempt: 0,
        });
        expect(bill.total()).toBe(tally.completed);
        // The race was real: each side won some of it.
        expect(tally.completed).toBeGreaterThan(0);
        expect(tally.reapedFirst).toBeGreaterThan(0);
        expect(tally.leaseLapsed).toBeGreaterThan(0);
      },
    );

    it(
      'runs a job that heartbeats for 10 leases exactly once, while the rescuer and another worker poll',
      { timeout: 30_000 },
      async () => {
        const LEASE_S = 0.5;
        const RUN_MS = 5_000;
        const [runner, rival] = [await worker(), await worker()];
        const bill = billingSpy();
        const job = await submit({ maxAttempts: 3 });
        const { attempt } = (await claimJob(h.db, { workerId: runner.id, leaseSeconds: LEASE_S }))!;
        const ref = { attemptId: attempt.id, workerId: runner.id };

        const end = Date.now() + RUN_MS;
        let beats = 0;
        const heartbeats = (async () => {
          while (Date.now() < end) {
            await sleep((LEASE_S * 1000) / 3);
            await heartbeat(h.db, { ...ref, leaseSeconds: LEASE_S, progress: { beat: ++beats } });
          }
        })();
        const reaped: unknown[] = [];
        const stolen: unknown[] = [];
        const rescuer = (async () => {
          while (Date.now() < end) {
            reaped.push(...(await reapExpiredLeases(h.db)));
            const got = await claimJob(h.db, { workerId: rival.id, leaseSeconds: LEASE_S });
            if (got) stolen.push(got.job.id);
            await sleep(25);
          }
        })();
        await Promise.all([heartbeats, rescuer]);

        const done = await completeAttempt(
          h.db,
          { ...ref, exitCode: 0, outputTail: 'done' },
          bill.onTerminal,
        );
        expect(reaped).toEqual([]);
        expect(stolen).toEqual([]);
        expect(done).toMatchObject({ id: job.id, state: 'succeeded', attempts: 1, failures: 0 });
        const atts = await h.db.select().from(jobAttempts).where(eq(jobAttempts.jobId, job.id));
        expect(atts).toHaveLength(1);
        expect(atts[0]).toMatchObject({ state: 'succeeded', progress: { beat: beats } });
        // By the database's clock the attempt ran at least 10 leases.
        expect(
          atts[0]!.finishedAt!.getTime() - atts[0]!.startedAt.getTime(),
        ).toBeGreaterThanOrEqual(10 * LEASE_S * 1000);
        expect(beats).toBeGreaterThanOrEqual(RUN_MS / ((LEASE_S * 1000) / 3) / 2);
        expect(bill.calls).toEqual(new Map([[job.id, 1]]));
      },
    );

    it(
      'dead-letters a job after maxAttempts retryable failures, with backoff, and claims the job behind it',
      { timeout: 30_000 },
      async () => {
        const MAX = 3;
        const w = await worker();
        const bill = billingSpy();
        const dead = await submit({ name: 'dead', priority: 100, maxAttempts: MAX });

        let runAfter = dead.runAfter;
        for (let k = 1; k <= MAX; k++) {
          const got = (await claimUntil(w.id, 30))!;
          expect(got).toMatchObject({ job: { id: dead.id }, attempt: { number: k } });
          // Each retry starts only once its backoff is over, by the database's clock.
          expect(got.attempt.startedAt.getTime()).toBeGreaterThanOrEqual(runAfter.getTime());
          const after = await failAttempt(
            h.db,
            { attemptId: got.attempt.id, workerId: w.id, error: `boom ${k}`, retryable: true },
            bill.onTerminal,
          );
          expect(after).toMatchObject({
            failures: k,
            attempts: k,
            state: k < MAX ? 'queued' : 'failed',
          });
          runAfter = after.runAfter;
          if (k < MAX) {
            // Equal jitter on 2^(k-1) s: the retry waits between half of it and all of it, and not less.
            const res = (await h.db.execute(sql`
          SELECT extract(epoch FROM j.run_after - a.finished_at)::float8 AS delay
          FROM jobs j JOIN job_attempts a ON a.job_id = j.id AND a.id = ${got.attempt.id}
          WHERE j.id = ${dead.id}`)) as unknown as { rows: { delay: number }[] };
            const delay = res.rows[0]!.delay;
            expect(delay).toBeGreaterThanOrEqual(0.5 * 2 ** (k - 1));
            expect(delay).toBeLessThanOrEqual(2 ** (k - 1));
            expect(await claimJob(h.db, { workerId: w.id, leaseSeconds: 30 })).toBeNull();
            expect(bill.total()).toBe(0);
          }
        }

        const attempts = await h.db
          .select()
          .from(jobAttempts)
          .where(eq(jobAttempts.jobId, dead.id));
        expect(attempts.map((a) => [a.number, a.state, a.error]).sort()).toEqual(
          Array.from({ length: MAX }, (_, i) => [i + 1, 'failed', `boom ${i + 1}`]),
        );
        const [final] = await h.db.select().from(jobs).where(eq(jobs.id, dead.id));
        expect(final).toMatchObject({
          state: 'failed',
          failures: MAX,
          attempts: MAX,
          error: `boom ${MAX}`,
        });
        expect(final!.finishedAt).not.toBeNull();
        expect(bill.calls).toEqual(new Map([[dead.id, 1]]));

        // Dead, though higher in priority and past its run_after: the job behind it is claimed, and then nothing.
        const behind = await submit({ name: 'behind', priority: 0 });
        const [{ due }] = (
          (await h.db.execute(
            sql`SELECT (run_after <= now()) AS due FROM jobs WHERE id = ${dead.id}`,
          )) as unknown as { rows: [{ due: boolean }] }
        ).rows;
        expect(due).toBe(true);
        const next = await claimJob(h.db, { workerId: w.id, leaseSeconds: 30 });
        expect(next?.job.id).toBe(behind.id);
        expect(await claimJob(h.db, { workerId: w.id, leaseSeconds: 30 })).toBeNull();
        const [still] = await h.db
          .select()
          .from(jobs)
          .where(and(eq(jobs.id, dead.id), eq(jobs.state, 'failed')));
        expect(still).toMatchObject({ failures: MAX, attempts: MAX });
      },
    );
  },
);
