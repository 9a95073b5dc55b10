import type { ApiClient, ServerProcess } from '@wattwise/server/testing';
import { apiClient, startServerProcess, waitFor } from '@wattwise/server/testing';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { classifyFailure, createApi } from '../src/client';
import { SampleSpool } from '../src/metering/spool';
import { Worker, WorkerRefusedError } from '../src/worker';

const machine = { hostname: 'test-host', cpus: 2, memoryMb: 1024, gpus: [] };
const spoolRoot = mkdtempSync(join(tmpdir(), 'wattwise-spool-'));
/** The worker's own settings for these tests: no nvidia-smi, so CPU metering only. */
const local = (maxJobs = 1) => ({
  maxJobs,
  spoolDir: mkdtempSync(join(spoolRoot, 'w-')),
  meter: {
    intervalMs: 200,
    idleWPerCore: 1.5,
    maxWPerCore: 6,
    nvidiaSmi: '/nonexistent/nvidia-smi',
  },
});

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
    rmSync(spoolRoot, { recursive: true, force: true });
  });

  function startWorker(opts: { drainMs?: number; maxJobs?: number; spoolDir?: string } = {}) {
    const worker = new Worker({
      ...local(opts.maxJobs),
      ...(opts.spoolDir ? { spoolDir: opts.spoolDir } : {}),
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
  async function runUntilFinished(ids: string[], maxJobs = 1) {
    const { worker, done } = startWorker({ maxJobs });
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

  it('meters a job, sends its samples and leaves a bill whose parts add up', async () => {
    const id = await submit(['sleep', '1.2']);
    const [job] = await runUntilFinished([id]);
    expect(job!.state).toBe('succeeded');
    // Sampled at the start, every 200 ms and at the end: at least six samples over 1.2 s.
    const [telemetry] = await admin.jobs.telemetry.query({ id });
    const seqs = telemetry!.samples.map((s) => s.seq);
    expect(seqs.length).toBeGreaterThanOrEqual(6);
    expect(seqs).toEqual(seqs.map((_, i) => i));
    const bill = await waitFor('the bill', () => admin.jobs.bill.query({ id }));
    // No GPU and (in most VMs) no readable RAPL: CPU energy is modelled, or read from RAPL.
    expect(['modelled', 'rapl']).toContain(bill.energyMethod);
    // One core of two, between 1.5 and 6 W per core of the machine: 3–12 W shared by 1 of 2 cores,
    // so 1.5–6 W for about 1.2 s: between 1.5 × 1.1 and 6 × 2 J, in kWh.
    expect(bill.itKWh).toBeGreaterThanOrEqual((1.5 * 1.1) / 3.6e6);
    expect(bill.itKWh).toBeLessThanOrEqual((6 * 2) / 3.6e6);
    expect(bill.total).toBeCloseTo(
      bill.hardware + bill.energy + bill.operations + bill.storage + bill.bandwidth,
      12,
    );
  });

  it('sends the samples a dead worker process left in its spool', async () => {
    const id = await submit(['true']);
    const [job] = await runUntilFinished([id]);
    const attempt = job!.attemptList[0]!;
    // What a killed worker process (pid 2^22, above any real pid) left behind, unsent.
    const dir = local().spoolDir;
    const orphan = new SampleSpool(join(dir, String(2 ** 22)));
    await orphan.append(`${attempt.workerId}~${attempt.id}`, [
      { seq: 9000, at: new Date().toISOString(), gpus: [], cpuW: 7, method: 'modelled' },
    ]);
    const { worker, done } = startWorker({ spoolDir: dir });
    try {
      await waitFor('the orphaned sample', async () => {
        const [t] = await admin.jobs.telemetry.query({ id });
        return t!.samples.some((s) => s.seq === 9000 && s.cpuW === 7);
      });
      await waitFor(
        'the orphan spool to be removed',
        async () => !existsSync(join(dir, String(2 ** 22))),
      );
    } finally {
      worker.shutdown();
      await done;
    }
  });

  it('runs jobs side by side up to its limit and shows a CPU-only job no GPU', async () => {
    const a = await submit(['sh', '-c', 'echo "[$CUDA_VISIBLE_DEVICES]"; sleep 1']);
    const b = await submit(['sleep', '1']);
    const [ja, jb] = await runUntilFinished([a, b], 2);
    expect(ja!.result!.outputTail).toBe('[]\n');
    // Both ran at once: each started before the other ended.
    const ms = (t: string | Date | null) => new Date(t!).getTime();
    expect(ms(ja!.startedAt)).toBeLessThan(ms(jb!.finishedAt));
    expect(ms(jb!.startedAt)).toBeLessThan(ms(ja!.finishedAt));
  });

  it('trains a network as an nn-train job: progress while it runs, metrics and the model at the end', async () => {
    const job = await admin.jobs.submit.mutate({
      name: 'seed demo',
      kind: 'nn-train',
      teamId,
      payload: {
        spec: {
          kind: 'dense',
          inputs: 2,
          layers: [
            { type: 'dense', units: 8, activation: 'tanh' },
            { type: 'dense', units: 1, activation: 'sigmoid' },
          ],
          loss: 'binaryCrossentropy',
          optimizer: { type: 'adam', learningRate: 0.05 },
        },
        dataset: { type: 'builtin', name: 'seed-demo', samples: 400, seed: 1 },
        epochs: 30,
      },
    });
    const { worker, done } = startWorker();
    try {
      // Progress reaches the server while the job runs.
      const progress = await waitFor('progress', async () => {
        const j = await admin.jobs.get.query({ id: job.id });
        const p = j.attemptList[0]?.progress as { epoch?: number } | null | undefined;
        return p?.epoch ? p : null;
      });
      expect(progress.epoch).toBeGreaterThanOrEqual(1);
      const [ended] = await Promise.all([finished(job.id)]);
      expect(ended!.state).toBe('succeeded');
      const output = ended!.result!.output as {
        history: unknown[];
        metrics: Record<string, number>;
        model?: unknown;
      };
      expect(output.history).toHaveLength(30);
      expect(output.model).toBeDefined();
      expect(Object.keys(output.metrics).length).toBeGreaterThan(0);
    } finally {
      worker.shutdown();
      await done;
    }
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
      ...local(),
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
