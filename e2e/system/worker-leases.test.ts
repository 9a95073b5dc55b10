import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { Started } from '../support/processes';
import { stopAll } from '../support/processes';
import type { SystemServer } from './helpers';
import {
  exitOf,
  getJob,
  logTail,
  makeHome,
  processAlive,
  startBareWorker,
  startServer,
  startWorker,
  submitCommand,
  waitFor,
  waitForState,
} from './helpers';

const LEASE_SECONDS = 2;

describe('workers and leases, with real server and worker processes', () => {
  let server: SystemServer;
  let workers: Started[] = [];

  beforeAll(async () => {
    server = await startServer({ name: 'system-server', leaseSeconds: LEASE_SECONDS });
  });
  afterEach(async () => {
    await stopAll(workers, 2_000);
    workers = [];
  });
  afterAll(async () => {
    await server?.stop();
  });

  function worker(name: string, args: string[] = []): Started {
    const w = startWorker(server, name, args);
    workers.push(w);
    return w;
  }

  const submit = (name: string, argv: string[]) => submitCommand(server, name, argv);

  /** A job script that records its shell's pid in a file, so a test can tell whether it still runs. */
  const pidFile = (tag: string) => path.join(server.home, `${tag}.pids`);
  const pidsIn = (file: string) =>
    existsSync(file)
      ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map(Number)
      : [];

  it('a worker killed with SIGKILL mid-job: the lease expires, the job is claimed again, and finishes once', async () => {
    const id = await submit('survives a dead worker', ['sh', '-c', 'sleep 4; echo finished']);
    const first = worker('system-worker-killed');
    await waitForState(server, id, ['running'], first);

    first.child.kill('SIGKILL');
    await exitOf(first.child);
    const second = worker('system-worker-second');

    const job = await waitForState(server, id, ['succeeded', 'failed', 'cancelled'], second);
    expect(job.state, logTail(second)).toBe('succeeded');
    expect(job.attempts).toBe(2);
    expect(job.attemptList.map((a) => a.state)).toEqual(['expired', 'succeeded']);
    expect(job.attemptList.filter((a) => a.state === 'succeeded')).toHaveLength(1);
    expect(job.attemptList[0]!.error).toBe('lease expired');
    expect(job.attemptList[0]!.workerId).not.toBe(job.attemptList[1]!.workerId);
    expect(job.result).toMatchObject({ exitCode: 0, outputTail: 'finished\n' });
  }, 60_000);

  it('a SIGTERM’d worker lets a short job finish, reports it, and exits 0', async () => {
    const id = await submit('finishes during drain', ['sh', '-c', 'sleep 2; echo finished']);
    const w = worker('system-worker-drain', ['--drain-seconds', '10']);
    await waitForState(server, id, ['running'], w);

    w.child.kill('SIGTERM');
    const exit = await exitOf(w.child);
    expect(exit, logTail(w)).toEqual({ code: 0, signal: null });
    // It exited only after reporting: the job is already finished.
    const job = await getJob(server, id);
    expect(job).toMatchObject({
      state: 'succeeded',
      attempts: 1,
      result: { exitCode: 0, outputTail: 'finished\n' },
    });
    expect(job.attemptList.map((a) => a.state)).toEqual(['succeeded']);
  }, 60_000);

  it('a SIGTERM’d worker stops a job that outlasts the drain time, releases it, and exits 0', async () => {
    const pids = pidFile('released');
    const id = await submit('outlasts the drain', ['sh', '-c', `echo $$ >> ${pids}; sleep 60`]);
    const w = worker('system-worker-release', [
      '--drain-seconds',
      '1',
      '--kill-grace-seconds',
      '1',
    ]);
    await waitForState(server, id, ['running'], w);
    await waitFor('the job to record its pid', async () => (pidsIn(pids).length ? true : null), {
      timeoutMs: 10_000,
      watched: w,
    });

    const signalled = Date.now();
    w.child.kill('SIGTERM');
    const exit = await exitOf(w.child);
    expect(exit, logTail(w)).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(10_000);

    const job = await getJob(server, id);
    expect(job.state).toBe('queued');
    expect(job.failures).toBe(0);
    expect(job.attemptList.map((a) => a.state)).toEqual(['released']);
    expect(processAlive(pidsIn(pids)[0]!)).toBe(false);
    // Take it off the queue so that the next test's workers don't pick it up.
    await server.admin.jobs.cancel.mutate({ id });
  }, 60_000);

  it('a worker paused past its lease stops its copy of the job and reports nothing; the job finishes once', async () => {
    const pids = pidFile('paused');
    const id = await submit('outlives a paused worker', [
      'sh',
      '-c',
      `echo $$ >> ${pids}; sleep 6; echo finished`,
    ]);
    const paused = worker('system-worker-paused');
    await waitForState(server, id, ['running'], paused);
    // Claimed is not started: the worker meters first, then spawns. Pause it once the copy runs.
    await waitFor('the first copy to start', async () => pidsIn(pids).length === 1 || null, {
      timeoutMs: 10_000,
      watched: paused,
    });

    paused.child.kill('SIGSTOP');
    try {
      const other = worker('system-worker-other');
      // The lease runs out, the job is claimed again and started elsewhere.
      await waitFor(
        'a second attempt to start',
        async () =>
          (await getJob(server, id)).attemptList.length === 2 && pidsIn(pids).length === 2
            ? true
            : null,
        { timeoutMs: 30_000, watched: other },
      );
    } finally {
      paused.child.kill('SIGCONT');
    }
    const [firstCopy] = pidsIn(pids);
    // Back from its pause, the first worker learns its lease is gone and stops its copy early.
    await waitFor(
      'the first copy to be stopped',
      async () => (processAlive(firstCopy!) ? null : true),
      {
        timeoutMs: 10_000,
        watched: paused,
      },
    );

    const job = await waitForState(server, id, ['succeeded', 'failed', 'cancelled'], paused);
    expect(job.state).toBe('succeeded');
    expect(job.attempts).toBe(2);
    expect(job.attemptList.map((a) => a.state)).toEqual(['expired', 'succeeded']);
    expect(logTail(paused, 200)).toMatch(/lease lost|lease was lost/);
    expect(paused.child.exitCode).toBeNull(); // it keeps working
  }, 60_000);
});

describe('a worker started beside the server, as `pnpm start` does', () => {
  const started: Started[] = [];
  let home: string;
  let server: SystemServer | undefined;
  beforeAll(() => {
    home = makeHome();
  });
  afterAll(async () => {
    await stopAll(started, 2_000);
    await server?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('with no flags, waits for local-credentials.json and the server, then runs jobs', async () => {
    const w = startBareWorker(home, 'system-worker-bare');
    started.push(w);
    await waitFor(
      'the worker to wait for the credentials',
      async () => (/waiting for .*local-credentials\.json/.test(logTail(w)) ? true : null),
      { timeoutMs: 15_000, watched: w },
    );

    server = await startServer({ name: 'system-server-bare', leaseSeconds: LEASE_SECONDS, home });
    const id = await submitCommand(server, 'first job', ['echo', 'hello']);
    const job = await waitForState(server, id, ['succeeded', 'failed', 'cancelled'], w);
    expect(job).toMatchObject({ state: 'succeeded', result: { outputTail: 'hello\n' } });
    expect(logTail(w)).toContain(`credentials from ${path.join(home, 'local-credentials.json')}`);
  }, 90_000);
});
