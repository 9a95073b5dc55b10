import type { ApiClient, ServerProcess } from '@wattwise/server/testing';
import { apiClient, startServerProcess, waitFor } from '@wattwise/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { classifyFailure, createApi } from '../src/client';
import { Worker, WorkerRefusedError } from '../src/worker';

const machine = { hostname: 'test-host', cpus: 2, memoryMb: 1024, gpus: [] };

describe('worker against a real server', () => {
  let server: ServerProcess;
  let admin: ApiClient;
  let teamId: string;
  const logs: string[] = [];

  beforeAll(async () => {
    server = await startServerProcess({ leaseSeconds: 3 });
    admin = apiClient(server.url, server.cliToken);
    const teams = await admin.admin.teams.query();
    teamId = teams.find((t) => t.name === 'research')!.id;
  });
  afterAll(async () => {
    await server?.stop();
  });

  function startWorker(opts: { drainMs?: number } = {}) {
    const worker = new Worker({
      api: createApi(server.url, server.workerToken),
      machine,
      version: 'test',
      pollMs: 100,
      drainMs: opts.drainMs ?? 10_000,
      killGraceMs: 500,
      jobEnv: { PATH: process.env.PATH },
      log: (line) => logs.push(line),
    });
    const done = worker.run();
    return { worker, done };
  }

  async function submit(
    argv: string[],
    extra: { timeoutSeconds?: number; env?: Record<string, string> } = {},
  ) {
    const job = await admin.jobs.submit.mutate({
      name: argv.join(' ').slice(0, 100),
      kind: 'command',
      payload: { argv, ...extra },
      teamId,
    });
    return job.id;
  }

  const finished = (id: string) =>
    waitFor(`job ${id} to finish`, async () => {
      const job = await admin.jobs.get.query({ id });
      return ['succeeded', 'failed', 'cancelled'].includes(job.state) ? job : null;
    });

  /** Runs one worker until the given jobs have finished, then shuts it down. */
  async function runUntilFinished(ids: string[]) {
    const { worker, done } = startWorker();
    try {
      return await Promise.all(ids.map(finished));
    } finally {
      worker.shutdown();
      await done;
    }
  }

  it('runs commands and reports exit codes, output, spawn failures and timeouts', async () => {
    const ok = await submit(['sh', '-c', 'echo "hello $GREETING"'], { env: { GREETING: 'world' } });
    const exit3 = await submit(['sh', '-c', 'echo failing >&2; exit 3']);
    const missing = await submit(['wattwise-no-such-program']);
    const slow = await submit(['sleep', '30'], { timeoutSeconds: 0.5 });
    const [a, b, c, d] = await runUntilFinished([ok, exit3, missing, slow]);

    expect(a).toMatchObject({
      state: 'succeeded',
      attempts: 1,
      result: { exitCode: 0, outputTail: 'hello world\n' },
    });
    expect(b).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: 'exited with code 3',
      result: { exitCode: 3 },
    });
    expect(b!.result!.outputTail).toBe('failing\n');
    // A missing program fails for good on the first attempt, though the job allows three.
    expect(c).toMatchObject({ state: 'failed', attempts: 1, maxAttempts: 3 });
    expect(c!.error).toBe('cannot start "wattwise-no-such-program": program not found (ENOENT)');
    expect(d).toMatchObject({ state: 'failed', attempts: 1 });
    expect(d!.error).toMatch(/^timed out after 0\.5 s/);
  });

  it('stops a job whose cancellation was requested', async () => {
    const id = await submit(['sleep', '30']);
    const { worker, done } = startWorker();
    try {
      await waitFor(
        'the job to run',
        async () => (await admin.jobs.get.query({ id })).state === 'running',
      );
      await admin.jobs.cancel.mutate({ id });
      const job = await finished(id);
      expect(job.state).toBe('cancelled');
      expect(job.attemptList.map((a) => a.state)).toEqual(['cancelled']);
    } finally {
      worker.shutdown();
      await done;
    }
  });

  it('on shutdown, lets a short job finish within the drain time', async () => {
    const id = await submit(['sh', '-c', 'sleep 1; echo done']);
    const { worker, done } = startWorker({ drainMs: 10_000 });
    await waitFor(
      'the job to run',
      async () => (await admin.jobs.get.query({ id })).state === 'running',
    );
    worker.shutdown();
    await done;
    const job = await admin.jobs.get.query({ id });
    expect(job).toMatchObject({
      state: 'succeeded',
      attempts: 1,
      result: { outputTail: 'done\n' },
    });
  });

  it('on shutdown, stops a long job after the drain time and hands it back', async () => {
    const id = await submit(['sleep', '30']);
    const { worker, done } = startWorker({ drainMs: 300 });
    await waitFor(
      'the job to run',
      async () => (await admin.jobs.get.query({ id })).state === 'running',
    );
    const started = Date.now();
    worker.shutdown();
    await done;
    expect(Date.now() - started).toBeLessThan(5_000);
    const job = await admin.jobs.get.query({ id });
    expect(job.state).toBe('queued');
    expect(job.attemptList.map((a) => a.state)).toEqual(['released']);
    expect(job.failures).toBe(0);
    await admin.jobs.cancel.mutate({ id });
  });

  it('is refused for good with a token that is not a worker token', async () => {
    const worker = new Worker({
      api: createApi(server.url, server.cliToken),
      machine,
      version: 'test',
      pollMs: 100,
      drainMs: 1_000,
      killGraceMs: 500,
      jobEnv: {},
      log: (line) => logs.push(line),
    });
    const err = await worker.run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerRefusedError);
    expect((err as WorkerRefusedError).failure).toMatchObject({
      kind: 'refused',
      code: 'FORBIDDEN',
    });
  });

  it("classifies the server's answers: a finished attempt is a lost lease, an unknown one a refusal", async () => {
    const api = createApi(server.url, server.workerToken);
    const { workerId } = await api.workers.register.mutate({ ...machine, version: 'test' });
    const id = await submit(['true']);
    const claimed = await waitFor('a claim', () => api.workers.claim.mutate({ workerId }));
    expect(claimed.job.id).toBe(id);
    const ref = { workerId, attemptId: claimed.attempt.id };
    await api.workers.complete.mutate({ ...ref, exitCode: 0, outputTail: '' });
    // Reports are idempotent: the same report again is answered with the job as it stands.
    expect((await api.workers.complete.mutate({ ...ref, exitCode: 0, outputTail: '' })).state).toBe(
      'succeeded',
    );

    const late = await api.workers.heartbeat.mutate(ref).catch((e: unknown) => e);
    expect(classifyFailure(late)).toMatchObject({ kind: 'lease-lost', code: 'CONFLICT' });
    const unknown = await api.workers.heartbeat
      .mutate({ workerId, attemptId: 'att_nope' })
      .catch((e: unknown) => e);
    expect(classifyFailure(unknown)).toMatchObject({ kind: 'refused', code: 'NOT_FOUND' });
  });
});
