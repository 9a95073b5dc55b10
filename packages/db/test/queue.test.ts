import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DbHandle } from '../src/client';
import { QueueError } from '../src/errors';
import {
  cancelJob,
  claimJob,
  completeAttempt,
  failAttempt,
  getJob,
  heartbeat,
  reapExpiredLeases,
  registerWorker,
  releaseAttempt,
  submitJob,
} from '../src/queue';
import { listTeams } from '../src/teams';
import { seedDemo } from '../src/seed';
import { databaseTargets } from '../src/testing';
import { openTestDb } from '../src/testing';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const command = { argv: ['true'] };

describe.each(databaseTargets(process.env.TEST_DATABASE_URL))(
  'job queue on $name',
  ({ adminUrl }) => {
    let h: DbHandle;
    let teamId: string;
    const worker = () =>
      registerWorker(h.db, {
        hostname: 'test',
        cpus: 2,
        memoryMb: 1024,
        gpus: [],
        version: 'test',
      });
    const submit = (extra: Partial<Parameters<typeof submitJob>[1]> = {}) =>
      submitJob(h.db, { teamId, name: 'job', kind: 'command', payload: command, ...extra });
    /** Claims until the given job comes up; other tests' leftovers are not in this database. */
    const claimUntil = async (workerId: string, leaseSeconds = 30, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const got = await claimJob(h.db, { workerId, leaseSeconds });
        if (got || Date.now() > deadline) return got;
        await sleep(100);
      }
    };
    const queueCode = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e: unknown) => (e instanceof QueueError ? e.code : String(e)),
      );

    beforeAll(async () => {
      h = await openTestDb(adminUrl);
      await seedDemo(h.db);
      teamId = (await listTeams(h.db))[0]!.id;
    });
    afterAll(() => h.close());

    it('submits, claims, completes; an empty queue claims nothing', async () => {
      const w = await worker();
      const job = await submit();
      const claimed = await claimJob(h.db, { workerId: w.id, leaseSeconds: 30 });
      expect(claimed?.job.id).toBe(job.id);
      expect(claimed?.job.state).toBe('running');
      expect(claimed?.attempt.number).toBe(1);
      expect(await claimJob(h.db, { workerId: w.id, leaseSeconds: 30 })).toBeNull();

      const done = await completeAttempt(h.db, {
        attemptId: claimed!.attempt.id,
        workerId: w.id,
        exitCode: 0,
        outputTail: 'ok\n',
      });
      expect(done.state).toBe('succeeded');
      expect(done.result).toEqual({ exitCode: 0, signal: null, outputTail: 'ok\n' });
    });

    it('answers a repeated completion with the same job and changes nothing', async () => {
      const w = await worker();
      const job = await submit();
      const { attempt } = (await claimUntil(w.id))!;
      const report = { attemptId: attempt.id, workerId: w.id, exitCode: 3, outputTail: 'boom' };
      const first = await completeAttempt(h.db, report);
      const second = await completeAttempt(h.db, report);
      expect(first.state).toBe('failed');
      expect(second).toEqual(first);
      const stored = await getJob(h.db, job.id);
      expect(stored!.attemptList).toHaveLength(1);
      expect(stored!.error).toBe('exited with code 3');
      // A different report for the finished attempt is refused, not applied.
      expect(await queueCode(completeAttempt(h.db, { ...report, exitCode: 0 }))).toBe('CONFLICT');
    });

    it('refuses reports from a worker that does not hold the attempt', async () => {
      const [a, b] = [await worker(), await worker()];
      await submit();
      const { attempt } = (await claimUntil(a.id))!;
      const forged = { attemptId: attempt.id, workerId: b.id, exitCode: 0, outputTail: '' };
      expect(await queueCode(completeAttempt(h.db, forged))).toBe('FORBIDDEN');
      expect(await queueCode(heartbeat(h.db, { ...forged, leaseSeconds: 30 }))).toBe('FORBIDDEN');
      await completeAttempt(h.db, { ...forged, workerId: a.id });
    });

    it('returns a job whose lease expired to the queue, counts the attempt, and fences the old one', async () => {
      const [a, b] = [await worker(), await worker()];
      const job = await submit({ maxAttempts: 3 });
      const first = (await claimUntil(a.id, 0.2))!;
      await sleep(400);
      // Past its end the lease is lost, even before the reaper has run.
      expect(
        await queueCode(
          heartbeat(h.db, { attemptId: first.attempt.id, workerId: a.id, leaseSeconds: 30 }),
        ),
      ).toBe('CONFLICT');
      const reaped = await reapExpiredLeases(h.db);
      expect(reaped).toEqual([{ jobId: job.id, state: 'queued' }]);

      const second = (await claimUntil(b.id))!;
      expect(second.job.id).toBe(job.id);
      expect(second.attempt.number).toBe(2);
      const late = { attemptId: first.attempt.id, workerId: a.id, exitCode: 0, outputTail: 'late' };
      expect(await queueCode(completeAttempt(h.db, late))).toBe('CONFLICT');

      await completeAttempt(h.db, {
        attemptId: second.attempt.id,
        workerId: b.id,
        exitCode: 0,
        outputTail: '',
      });
      const stored = (await getJob(h.db, job.id))!;
      expect(stored.state).toBe('succeeded');
      expect(stored.failures).toBe(1);
      expect(stored.attemptList.map((x) => x.state)).toEqual(['expired', 'succeeded']);
    });

    it('fails a job whose last allowed attempt expires', async () => {
      const w = await worker();
      const job = await submit({ maxAttempts: 1 });
      await claimUntil(w.id, 0.1);
      await sleep(300);
      expect(await reapExpiredLeases(h.db)).toEqual([{ jobId: job.id, state: 'failed' }]);
      const stored = (await getJob(h.db, job.id))!;
      expect(stored.error).toBe('lease expired on attempt 1 of at most 1');
      expect(stored.finishedAt).not.toBeNull();
    });

    it('retries a retryable failure after a backoff and stops at maxAttempts', async () => {
      const w = await worker();
      const job = await submit({ maxAttempts: 2 });
      const first = (await claimUntil(w.id))!;
      const requeued = await failAttempt(h.db, {
        attemptId: first.attempt.id,
        workerId: w.id,
        error: 'node lost',
        retryable: true,
      });
      expect(requeued.state).toBe('queued');
      // Equal jitter on a 1 s base: the retry waits between 0.5 s and 1 s.
      const delay = requeued.runAfter.getTime() - first.attempt.startedAt.getTime();
      expect(delay).toBeGreaterThanOrEqual(450);
      expect(delay).toBeLessThan(1500);

      const second = (await claimUntil(w.id))!;
      expect(second.job.id).toBe(job.id);
      const final = await failAttempt(h.db, {
        attemptId: second.attempt.id,
        workerId: w.id,
        error: 'node lost',
        retryable: true,
      });
      expect(final.state).toBe('failed');
      expect(final.failures).toBe(2);
    });

    it('fails a non-retryable error at once', async () => {
      const w = await worker();
      await submit({ maxAttempts: 5 });
      const { attempt } = (await claimUntil(w.id))!;
      const job = await failAttempt(h.db, {
        attemptId: attempt.id,
        workerId: w.id,
        error: 'spawn ENOENT',
        retryable: false,
      });
      expect(job.state).toBe('failed');
      expect(job.error).toBe('spawn ENOENT');
    });

    it('cancels a queued job at once and a running one at its next report', async () => {
      const w = await worker();
      const queued = await submit({ priority: -50 });
      expect((await cancelJob(h.db, queued.id)).state).toBe('cancelled');

      const running = await submit();
      const { attempt } = (await claimUntil(w.id))!;
      expect((await cancelJob(h.db, running.id)).cancelRequested).toBe(true);
      const beat = await heartbeat(h.db, {
        attemptId: attempt.id,
        workerId: w.id,
        leaseSeconds: 30,
      });
      expect(beat.cancelRequested).toBe(true);
      const ended = await completeAttempt(h.db, {
        attemptId: attempt.id,
        workerId: w.id,
        exitCode: null,
        signal: 'SIGTERM',
        outputTail: '',
      });
      expect(ended.state).toBe('cancelled');
      expect(await queueCode(cancelJob(h.db, 'job_missing'))).toBe('NOT_FOUND');
    });

    it('puts a released job back without counting a failure', async () => {
      const w = await worker();
      const job = await submit();
      const { attempt } = (await claimUntil(w.id))!;
      const released = await releaseAttempt(h.db, { attemptId: attempt.id, workerId: w.id });
      expect(released).toMatchObject({ id: job.id, state: 'queued', failures: 0 });
      const again = (await claimUntil(w.id))!;
      expect(again.attempt.number).toBe(2);
      await completeAttempt(h.db, {
        attemptId: again.attempt.id,
        workerId: w.id,
        exitCode: 0,
        outputTail: '',
      });
    });

    it('gives each of 10 jobs to exactly one of 20 concurrent claimers', async () => {
      const workers = await Promise.all(Array.from({ length: 20 }, worker));
      const jobs = await Promise.all(
        Array.from({ length: 10 }, (_, i) => submit({ name: `c${i}` })),
      );
      const claims = await Promise.all(
        workers.map((w) => claimJob(h.db, { workerId: w.id, leaseSeconds: 30 })),
      );
      const got = claims.filter((c) => c !== null);
      expect(got).toHaveLength(10);
      expect(new Set(got.map((c) => c.job.id))).toEqual(new Set(jobs.map((j) => j.id)));
      expect(new Set(got.map((c) => c.attempt.workerId)).size).toBe(10);
      await Promise.all(
        got.map((c) =>
          completeAttempt(h.db, {
            attemptId: c.attempt.id,
            workerId: c.attempt.workerId,
            exitCode: 0,
            outputTail: '',
          }),
        ),
      );
    });
  },
);
