import { createServer } from 'node:net';

import type { ApiClient, ServerProcess } from '@wattwise/server/testing';
import { apiClient, startServerProcess } from '@wattwise/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DoctorReport } from '../src/commands/doctor';
import { runCli } from './run-cli';

/** A port on which nothing listens. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('against a real server', () => {
  let server: ServerProcess;
  let admin: ApiClient;
  /** The CLI as `pnpm wattwise` runs it beside a local server: everything from local-credentials.json. */
  let local: { WATTWISE_HOME: string };

  beforeAll(async () => {
    server = await startServerProcess();
    admin = apiClient(server.url, server.cliToken);
    local = { WATTWISE_HOME: server.home };
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe('doctor', () => {
    it('--json prints one object with every check, and exits 0 when the essentials pass', async () => {
      const run = await runCli(['doctor', '--json'], { env: local });
      expect(run.stderr).toBe('');
      const report = JSON.parse(run.stdout) as DoctorReport;
      expect(run.code).toBe(0);
      expect(report.ok).toBe(true);
      expect(report.node).toEqual({
        version: process.versions.node,
        required: '>=20.19',
        ok: true,
      });
      expect(report.server).toMatchObject({
        url: server.url,
        reachable: true,
        version: expect.any(String),
      });
      expect(report.database).toMatchObject({ reachable: true, kind: 'pglite' });
      expect(typeof report.gpus.available).toBe('boolean');
      expect(Array.isArray(report.gpus.gpus)).toBe(true);
      if (!report.gpus.available) expect(report.gpus.reason).toMatch(/\S/);
      expect(report.tensorflow.chosen).not.toBeNull();
      const backends = report.tensorflow.backends.map((b) => b.name);
      expect(backends).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
      expect(report.tensorflow.backends.find((b) => b.name === 'cpu')?.loaded).toBe(true);
      for (const b of report.tensorflow.backends) if (!b.loaded) expect(b.reason).toMatch(/\S/);
    });

    it('fails (exit 1) and says why when the server does not answer', async () => {
      const url = `http://127.0.0.1:${await closedPort()}`;
      const json = await runCli(['doctor', '--json', '--server', url]);
      expect(json.code).toBe(1);
      const report = JSON.parse(json.stdout) as DoctorReport;
      expect(report.ok).toBe(false);
      expect(report.server).toMatchObject({ url, reachable: false });
      expect(report.server.error).toContain(url);
      expect(report.database.reachable).toBe(false);

      const human = await runCli(['doctor', '--server', url]);
      expect(human.code).toBe(1);
      expect(human.stdout).toMatch(/^✓ Node\.js /m);
      expect(human.stdout).toMatch(new RegExp(`^✗ server ${url}`, 'm'));
      expect(human.stdout).toMatch(/^✓ TensorFlow\.js backend: /m);
      expect(human.stdout).toContain('Some essential checks failed');
    });
  });

  describe('jobs', () => {
    it('submits a job to a team given by name, and lists it', async () => {
      const submit = await runCli(
        [
          'jobs',
          'submit',
          '--name',
          'cli smoke',
          '--team',
          'research',
          '--timeout',
          '30',
          '--max-attempts',
          '2',
          '--json',
          '--',
          'sh',
          '-c',
          'echo "$0 $1"',
          'a',
          '-b',
        ],
        { env: local },
      );
      expect(submit.stderr).toBe('');
      expect(submit.code).toBe(0);
      const job = JSON.parse(submit.stdout) as {
        id: string;
        state: string;
        maxAttempts: number;
        payload: unknown;
        teamId: string;
      };
      expect(job).toMatchObject({
        state: 'queued',
        maxAttempts: 2,
        payload: { argv: ['sh', '-c', 'echo "$0 $1"', 'a', '-b'], timeoutSeconds: 30 },
      });
      const teams = await admin.admin.teams.query();
      expect(teams.find((t) => t.id === job.teamId)?.name).toBe('research');

      const list = await runCli(['jobs', 'list', '--state', 'queued', '--json'], { env: local });
      expect(list.code).toBe(0);
      const listed = JSON.parse(list.stdout) as {
        items: { id: string; state: string }[];
        total: number;
      };
      expect(listed.items.map((j) => j.id)).toContain(job.id);
      expect(listed.items.every((j) => j.state === 'queued')).toBe(true);

      const table = await runCli(['jobs', 'list', '--limit', '5'], { env: local });
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/^ID\s+STATE\s+ATTEMPTS\s+TEAM\s+CREATED\s+NAME$/m);
      expect(table.stdout).toMatch(
        new RegExp(`^${job.id}\\s+queued\\s+0/2\\s+research\\s+.*cli smoke$`, 'm'),
      );
    });

    it('takes the server and token from flags too, and a team by id', async () => {
      const teams = await admin.admin.teams.query();
      const inference = teams.find((t) => t.name === 'inference')!;
      const run = await runCli([
        'jobs',
        'submit',
        '--server',
        server.url,
        '--token',
        server.cliToken,
        '--name',
        'by id',
        '--team',
        inference.id,
        '--',
        'true',
      ]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^submitted job_\w+ "by id" \(queued\)\n$/);
    });

    it('reports refusals and an unreachable server on one line with exit 1', async () => {
      const unknownTeam = await runCli(
        ['jobs', 'submit', '--name', 'x', '--team', 'nope', '--', 'true'],
        { env: local },
      );
      expect(unknownTeam).toMatchObject({ code: 1, stdout: '' });
      expect(unknownTeam.stderr).toBe(
        'error: no team named or with id "nope" (teams: inference, research)\n',
      );

      const noTeam = await runCli(['jobs', 'submit', '--name', 'x', '--', 'true'], { env: local });
      expect(noTeam.code).toBe(1);
      expect(noTeam.stderr).toMatch(/^error: --team is required with an admin token/);

      const badToken = await runCli(['jobs', 'list', '--token', 'ww_not-a-token'], { env: local });
      expect(badToken.code).toBe(1);
      expect(badToken.stderr).toMatch(/^error: .*UNAUTHORIZED/);

      const url = `http://127.0.0.1:${await closedPort()}`;
      const down = await runCli(['jobs', 'list', '--server', url, '--token', 'ww_x']);
      expect(down.code).toBe(1);
      expect(down.stderr).toMatch(
        new RegExp(`^error: cannot reach the server at ${url}: .*ECONNREFUSED`),
      );
      for (const r of [noTeam, badToken, down])
        expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    });

    it('submits what a job needs and when, shows where it runs, and bills it when it ends', async () => {
      const run = await runCli(
        [
          'jobs',
          'submit',
          '--name',
          'needs a GPU',
          '--team',
          'research',
          '--gpus',
          '0.5',
          '--cpu',
          '2',
          '--expected',
          '600',
          // Ahead of the jobs earlier tests left queued.
          '--priority',
          '100',
          '--deadline',
          '2099-01-01T00:00:00Z',
          '--json',
          '--',
          'true',
        ],
        { env: local },
      );
      expect(run.code).toBe(0);
      const job = JSON.parse(run.stdout) as { id: string; gpus: number; cpuMilli: number };
      expect(job).toMatchObject({ gpus: 0.5, cpuMilli: 2000 });

      // A worker with one GPU asks; the job gets half of GPU 0 and reports 2 Wh measured by counter.
      const worker = apiClient(server.url, server.workerToken);
      const { workerId } = await worker.workers.register.mutate({
        hostname: 'cli-test',
        cpus: 4,
        memoryMb: 8192,
        gpus: [{ index: 0, name: 'NVIDIA L40S' }],
        version: 't',
      });
      const claimed = (await worker.workers.claim.mutate({ workerId }))!;
      expect(claimed.job.id).toBe(job.id);
      const shown = await runCli(['jobs', 'show', job.id], { env: local });
      expect(shown.stdout).toMatch(/needs {6}0\.5 GPU, 2 cores/);
      expect(shown.stdout).toMatch(new RegExp(`attempt 1  running  ${workerId} GPU 0`));
      const noBill = await runCli(['jobs', 'bill', job.id], { env: local });
      expect(noBill).toMatchObject({
        code: 1,
        stderr: `error: job ${job.id} has no bill: it is running\n`,
      });

      await worker.workers.complete.mutate({
        workerId,
        attemptId: claimed.attempt.id,
        exitCode: 0,
        outputTail: '',
        energy: {
          itKWh: 0.002,
          method: 'nvml-energy',
          devices: [{ device: 'gpu0', kWh: 0.002, method: 'nvml-energy' }],
        },
      });
      const bill = await runCli(['jobs', 'bill', job.id], { env: local });
      expect(bill.code).toBe(0);
      // 2 Wh at the demo site's PUE 1.3 is 2.6 Wh at the meter.
      expect(bill.stdout).toMatch(
        /energy {5}0\.002000 kWh IT, 0\.002600 kWh at the meter \(nvml-energy\)/,
      );
      for (const part of ['hardware', 'energy', 'operations', 'storage', 'bandwidth', 'total'])
        expect(bill.stdout).toMatch(new RegExp(`^  ${part} +\\d+\\.\\d{6} USD`, 'm'));
      const json = JSON.parse(
        (await runCli(['jobs', 'bill', job.id, '--json'], { env: local })).stdout,
      ) as Record<string, number>;
      expect(json.total).toBeCloseTo(
        json.hardware! + json.energy! + json.operations! + json.storage! + json.bandwidth!,
        12,
      );
    });

    it('refuses impossible requests before sending them (exit 2, naming the option)', async () => {
      const gpus = await runCli(['jobs', 'submit', '--name', 'x', '--gpus', '1.5', '--', 'true'], {
        env: local,
      });
      expect(gpus.code).toBe(2);
      expect(gpus.stderr).toMatch(/--gpus must be whole GPUs/);
      const deadline = await runCli(
        ['jobs', 'submit', '--name', 'x', '--deadline', 'tomorrow', '--', 'true'],
        { env: local },
      );
      expect(deadline.code).toBe(2);
      expect(deadline.stderr).toMatch(/--deadline must be an ISO time/);
    });

    it('cancels a queued job at once', async () => {
      const job = await admin.jobs.submit.mutate({
        name: 'to cancel',
        kind: 'command',
        payload: { argv: ['true'] },
        teamId: (await admin.admin.teams.query())[0]!.id,
      });
      const run = await runCli(['jobs', 'cancel', job.id], { env: local });
      expect(run).toMatchObject({ code: 0, stdout: `${job.id} is cancelled\n` });
    });
  });
});
