import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { ApiClient, ServerProcess } from '@wattwise/server/testing';
import { apiClient, startServerProcess, stopProcessGroup, waitFor } from '@wattwise/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ReplayReport } from '../src/commands/replay';
import { runCli } from './run-cli';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const workerMain = here('../../worker/dist/main.js');
const pods = here('./fixtures/replay-pods.csv');
const nodes = here('./fixtures/replay-nodes.csv');

type Worker = { child: ChildProcess; output: () => string; home: string };

/** The built worker with the GPUs, cores and memory of one row of replay-nodes.csv (2 × T4, 32 cores, 128 GiB). */
function startVirtualWorker(server: ServerProcess): Worker {
  const home = mkdtempSync(join(tmpdir(), 'wattwise-replay-worker-'));
  const child = spawn(
    process.execPath,
    [
      workerMain,
      '--server',
      server.url,
      '--token',
      server.workerToken,
      '--virtual-gpus',
      '2xT4',
      '--virtual-cpus',
      '32',
      '--virtual-memory-mib',
      '131072',
      '--max-jobs',
      '16',
      // Claims once a second: what a job is billed for runs from its claim to its report, so a
      // slower poll changes no bill, and it keeps the server free to answer the reports quickly.
      '--poll-seconds',
      '1',
      '--sample-seconds',
      '5',
    ],
    {
      cwd: home,
      env: { PATH: process.env.PATH, WATTWISE_HOME: home },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output, home };
}

describe('wattwise replay against a real server and two virtual-GPU workers', () => {
  let server: ServerProcess;
  let admin: ApiClient;
  const workers: Worker[] = [];
  let dir: string;

  beforeAll(async () => {
    if (!existsSync(workerMain))
      throw new Error(
        `${workerMain} is missing: run \`pnpm --filter @wattwise/worker build\` first`,
      );
    dir = mkdtempSync(join(tmpdir(), 'wattwise-replay-'));
    server = await startServerProcess();
    admin = apiClient(server.url, server.cliToken);
    for (let i = 0; i < 2; i++) workers.push(startVirtualWorker(server));
    for (const w of workers)
      await waitFor('the worker to register', async () => /registered as/.test(w.output()), {
        timeoutMs: 30_000,
        watched: { name: 'the worker', child: w.child, output: w.output },
      });
  }, 90_000);

  afterAll(async () => {
    for (const w of workers) {
      await stopProcessGroup(w.child);
      rmSync(w.home, { recursive: true, force: true });
    }
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('bills every job once, and the totals agree with the simulation within 5 %', async () => {
    const out = join(dir, 'report.json');
    const run = await runCli([
      'replay',
      '--trace',
      `alibaba2023:${pods}`,
      '--nodes',
      nodes,
      // Run times of 4.5 to 17 s: each bill also holds its GPUs from the claim to the completion
      // report (0.1 to 0.4 s here, more on a busy machine), which the simulation does not have.
      '--speedup',
      '60',
      '--team',
      'research',
      '--out',
      out,
      '--server',
      server.url,
      '--token',
      server.cliToken,
    ]);
    const log = () =>
      `${run.stdout}\n${run.stderr}\n${workers.map((w) => w.output().split('\n').slice(-20).join('\n')).join('\n')}`;
    expect(run.code, log()).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as ReplayReport;

    // 18 pods: one never ran, one needs 3 GPUs on 2-GPU nodes; the other 16 are replayed.
    expect(report.jobs.leftOut).toEqual({
      'never ran in the trace': 1,
      'no node of --nodes can hold it': 1,
    });
    expect(report.perJob).toHaveLength(16);
    expect(report.jobs).toMatchObject({ submitted: 16, billed: 16, succeeded: 16, timedOut: [] });
    expect(report.jobs.workers).toBe(2);

    // Every job ran once and has one bill, priced from the same T4 the simulation placed it on.
    for (const row of report.perJob) {
      expect(row.state).toBe('succeeded');
      expect(row.attempts).toBe(1);
      const job = await admin.jobs.get.query({ id: row.jobId });
      expect(job.attemptList).toHaveLength(1);
      const bill = await admin.jobs.bill.query({ id: row.jobId });
      expect(bill?.jobId).toBe(row.jobId);
      expect(bill?.energyMethod).toBe('modelled');
      if (row.gpus > 0) expect(row.bill!.model).toBe(row.predicted!.model);
    }

    // The totals, each part within the tolerance.
    expect(report.within).toBe(true);
    expect(report.failures).toEqual([]);
    for (const part of ['itKWh', 'energy', 'hardware', 'operations', 'total'] as const) {
      const t = report.totals[part];
      expect(t.predicted).toBeGreaterThan(0);
      expect(Math.abs(t.bill - t.predicted) / t.predicted).toBeLessThanOrEqual(0.05);
    }
    expect(run.stdout).toMatch(/total \(these parts\)/);
  }, 150_000);

  it('exits 1, naming the part and by how much, when a total is outside the tolerance', async () => {
    const out = join(dir, 'strict.json');
    // Two jobs, and a tolerance no real run can meet: the bills hold the GPUs from the claim to the
    // completion report, a little longer than the simulated run time.
    const run = await runCli([
      'replay',
      '--trace',
      `alibaba2023:${pods}`,
      '--nodes',
      nodes,
      '--speedup',
      '200',
      '--limit',
      '2',
      '--tolerance',
      '0.0001',
      '--out',
      out,
      '--server',
      server.url,
      '--token',
      server.cliToken,
    ]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(
      /^error: bills and simulation disagree: .*hardware differs by [+-]\d/m,
    );
    const report = JSON.parse(readFileSync(out, 'utf8')) as ReplayReport;
    expect(report.within).toBe(false);
    expect(report.totals.hardware.ok).toBe(false);
    expect(report.jobs).toMatchObject({ submitted: 2, billed: 2 });
    expect(run.stdout).toMatch(/hardware .* OUT/);
  }, 90_000);

  it('refuses bad usage with exit 2 before it submits anything', async () => {
    const before = await admin.jobs.list.query({ limit: 1, offset: 0 });
    const noSpeedup = await runCli(['replay', '--trace', `alibaba2023:${pods}`, '--nodes', nodes]);
    expect(noSpeedup.code).toBe(2);
    expect(noSpeedup.stderr).toMatch(/--speedup is required/);
    const missing = await runCli([
      'replay',
      '--trace',
      `alibaba2023:${pods}`,
      '--nodes',
      join(dir, 'missing.csv'),
      '--speedup',
      '10',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--nodes file .* does not exist/);
    // The trace's undisclosed G2: the simulator would take it for a V100, but no worker can register it.
    const g2 = join(dir, 'g2.csv');
    writeFileSync(g2, 'sn,cpu_milli,memory_mib,gpu,model\nn0,96000,393216,8,G2\n');
    const undisclosed = await runCli([
      'replay',
      '--trace',
      `alibaba2023:${pods}`,
      '--nodes',
      g2,
      '--speedup',
      '10',
    ]);
    expect(undisclosed.code).toBe(2);
    expect(undisclosed.stderr).toMatch(/--nodes model "G2" is not in the catalogue/);
    const after = await admin.jobs.list.query({ limit: 1, offset: 0 });
    expect(after.total).toBe(before.total);
  });
});
