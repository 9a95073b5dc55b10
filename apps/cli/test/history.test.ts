import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ServerProcess } from '@wattwise/server/testing';
import { startServerProcess } from '@wattwise/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runCli } from './run-cli';

const dir = mkdtempSync(join(tmpdir(), 'wattwise-history-'));
const PODS = join(dir, 'pods.csv');
const NODES = join(dir, 'nodes.csv');
// Two days ending 2024-03-03T00:00Z; the newest arrival (pod-z) lands on the end and is left out.
const at = (hours: number) => 200_000 - 172_800 + hours * 3600;
writeFileSync(
  PODS,
  [
    'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time',
    `pod-a,2000,4096,1,1000,,LS,Succeeded,${at(0)},${at(10)},${at(0)}`,
    `pod-b,1000,2048,1,500,,BE,Succeeded,${at(2)},${at(6)},${at(2)}`,
    `pod-e,1000,4096,1,1000,,LS,Running,${at(40)},${at(140)},${at(40)}`,
    `pod-z,1000,1024,0,0,,BE,Running,${at(48)},${at(49)},${at(48)}`,
  ].join('\n'),
);
writeFileSync(NODES, ['sn,cpu_milli,memory_mib,gpu,model', 'node-a,8000,65536,2,T4'].join('\n'));
const LOAD = [
  'history',
  'load',
  '--trace',
  `alibaba2023:${PODS}`,
  '--nodes',
  NODES,
  '--site',
  'US-CAL-CISO',
  '--days',
  '2',
  '--end',
  '2024-03-03T00:00Z',
];

describe('wattwise history load', () => {
  it.each([
    [
      ['--trace', 'slurm:jobs.csv'],
      /^error: --trace "slurm:jobs.csv" must be: alibaba2023:POD_CSV/,
    ],
    [
      ['--trace', 'alibaba2023:/no/such.csv'],
      /^error: --trace file "\/no\/such.csv" does not exist/,
    ],
    [
      ['--trace', 'alibaba2023', '--site', 'MARS'],
      /^error: --site "MARS" must be a bundled grid zone/,
    ],
    [
      ['--trace', 'alibaba2023', '--days', '0'],
      /^error: --days "0" must be a whole number from 1 to 400/,
    ],
    [
      ['--trace', 'alibaba2023', '--end', 'tomorrow'],
      /^error: --end "tomorrow" must be an ISO time/,
    ],
    [
      ['--trace', 'alibaba2023', '--site', 'DE-LU'],
      /^error: --fx-per-usd is required for --site DE-LU/,
    ],
  ])('%j exits 2 naming the argument', async (args, message) => {
    // No server is needed to refuse: a closed port proves nothing was sent.
    const r = await runCli([
      'history',
      'load',
      ...args,
      '--server',
      'http://127.0.0.1:9',
      '--token',
      'x',
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  describe('against a real server', () => {
    let server: ServerProcess;
    beforeAll(async () => {
      server = await startServerProcess();
    });
    afterAll(async () => {
      await server?.stop();
    });
    const local = () => ({ WATTWISE_HOME: server.home });

    it('loads the files, prints a summary, refuses a second load and replaces on --replace', async () => {
      const r = await runCli([...LOAD, '--json'], { env: local() });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.site).toMatchObject({ name: 'alibaba-2023 US-CAL-CISO', created: true });
      expect(out.counts).toEqual({
        jobs: 3,
        running: 1,
        bills: 2,
        costLines: 3,
        hours: 48,
        nodes: 1,
      });
      expect(out.totals.gpuHoursCapacity).toBe(2 * 48);

      const again = await runCli(LOAD, { env: local() });
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(
        /already holds loaded history \(3 jobs, 48 hours .*--replace\) \(CONFLICT\)/,
      );

      const replaced = await runCli([...LOAD, '--replace'], { env: local() });
      expect(replaced.stderr).toBe('');
      expect(replaced.code).toBe(0);
      expect(replaced.stdout).toMatch(
        /^alibaba-2023 US-CAL-CISO: 2024-03-01T00:00Z to 2024-03-03T00:00Z, 2 days\n/,
      );
      expect(replaced.stdout).toMatch(/│ jobs +│ 3 \(1 still running at the end\) +│/);
    });

    it('passes the server’s 400 on a bad line: file, line and field', async () => {
      const bad = join(dir, 'bad.csv');
      writeFileSync(bad, ['sn,cpu_milli,memory_mib,gpu,model', 'node-a,8000,lots,2,T4'].join('\n'));
      const r = await runCli([...LOAD, '--nodes', bad, '--replace'], { env: local() });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^error: bad\.csv line 2: memory_mib "lots" must be a whole number ≥ 0 \(BAD_REQUEST\)/,
      );
    });
  });
});
