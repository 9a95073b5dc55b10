import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { runCli } from './run-cli';

const data = fileURLToPath(
  new URL('../../../packages/scheduler/data/alibaba-gpu-v2023/', import.meta.url),
);
const PODS = join(data, 'openb_pod_list_default.csv');
const NODES = join(data, 'openb_node_list_gpu_node.csv');
const dir = mkdtempSync(join(tmpdir(), 'wattwise-simulate-'));

const run = (args: string[]) => runCli(['simulate', ...args]);

describe('wattwise simulate', () => {
  it('replays the Alibaba 2023 trace and prints the contract’s JSON fields', async () => {
    const r = await run([
      '--trace',
      `alibaba2023:${PODS}`,
      '--nodes',
      NODES,
      '--policy',
      'fifo',
      '--site',
      'US-CAL-CISO',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.jobs).toMatchObject({ total: 8152, completed: 7255, unschedulable: 0, skipped: 897 });
    for (const key of ['mean', 'p50', 'p99']) expect(typeof j.jct[key]).toBe('number');
    for (const key of ['mean', 'p99']) expect(typeof j.wait[key]).toBe('number');
    for (const key of [
      'utilization',
      'unallocatedGpus',
      'energyCost',
      'co2eKg',
      'deadlineMisses',
      'makespanSeconds',
      'events',
      'wallSeconds',
    ])
      expect(typeof j[key], key).toBe('number');
    expect(j.energy.facilityKWh).toBeGreaterThan(j.energy.itKWh);
    expect(j.currency).toBe('USD');
    expect(j.jct.p50).toBe(616);
    expect(j.input).toMatchObject({
      site: 'US-CAL-CISO',
      start: '2023-01-01T00:00:00.000Z',
      compress: 1,
      scale: 1,
    });
  });

  it('compares policies side by side on the compressed trace', async () => {
    const r = await run([
      '--trace',
      `alibaba2023:${PODS}`,
      '--nodes',
      NODES,
      '--compare',
      'fifo,backfill,las,cost-aware',
      '--compress',
      '350',
      '--site',
      'DE-LU',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(
      /openb_pod_list_default\.csv \(8152 rows\) on openb_node_list_gpu_node\.csv, site DE-LU.*arrivals ÷ 350/,
    );
    expect(r.stdout).toMatch(/│\s+│ fifo\s+│ backfill\s+│ las\s+│ cost-aware\s+│/);
    expect(r.stdout).toMatch(/energy cost \(EUR\)/);
    expect(r.stdout).toMatch(/jobs completed\s+│ 7255 \/ 8152/);
    expect(r.stdout).toMatch(/cost-aware: e\.g\. starts 2023-01-01T\d\d:00Z/);
  });

  it('inflates the trace the FGD way and compares placements', async () => {
    const r = await run([
      '--trace',
      `alibaba2023:${PODS}`,
      '--nodes',
      NODES,
      '--inflate',
      '--compare',
      'best-fit,fgd',
      '--seed',
      '3',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(j.compare.map((c: { placement: string }) => c.placement)).toEqual(['best-fit', 'fgd']);
    const curve = j.compare[1].inflate as {
      arrivedLoad: number;
      allocatedGpus: number;
      unallocatedGpus: number;
    }[];
    expect(curve.map((p) => p.arrivedLoad)).toEqual([
      0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1,
    ]);
    expect(curve[10]!.allocatedGpus + curve[10]!.unallocatedGpus).toBeCloseTo(6212, 6);
    const one = await run([
      '--trace',
      `alibaba2023:${PODS}`,
      '--nodes',
      NODES,
      '--inflate',
      '--placement',
      'fgd',
      '--json',
    ]);
    expect(Object.keys(JSON.parse(one.stdout).inflate[0])).toEqual(
      expect.arrayContaining(['arrivedLoad', 'allocatedGpus', 'unallocatedGpus']),
    );
  });

  it('reads our own JSON format and a Slurm export, with their own node file, scaled', async () => {
    const nodes = join(dir, 'nodes.csv');
    writeFileSync(
      nodes,
      'id,cpus,memory_gib,gpus,model\nh0,112,2048,8,H100 SXM\nh1,112,2048,8,H100 SXM\n',
    );
    const jobs = join(dir, 'jobs.json');
    writeFileSync(
      jobs,
      JSON.stringify({
        start: '2023-07-01T00:00:00Z',
        jobs: [
          {
            id: 'train',
            submit: 0,
            duration: 7200,
            gpus: 8,
            cpus: 32,
            memoryGiB: 256,
            replicas: 2,
          },
          { id: 'notebook', submit: 60, duration: 600, gpus: 0.5, cpus: 2 },
        ],
      }),
    );
    const r = await run([
      '--trace',
      `json:${jobs}`,
      '--nodes',
      nodes,
      '--policy',
      'backfill',
      '--scale',
      '3',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(j.jobs).toMatchObject({ total: 6, completed: 6 });
    expect(j.input.start).toBe('2023-07-01T00:00:00.000Z');
    const sacct = join(dir, 'sacct.txt');
    writeFileSync(
      sacct,
      'JobID|Account|Submit|Start|End|Timelimit|State|NNodes|NCPUS|AllocTRES\n' +
        '7|ml|2023-03-01T08:00:00|2023-03-01T08:00:10|2023-03-01T09:00:10|02:00:00|COMPLETED|1|8|cpu=8,gres/gpu=2,mem=64G\n',
    );
    const s = await run([
      '--trace',
      `slurm:${sacct}`,
      '--nodes',
      nodes,
      '--policy',
      'fifo',
      '--json',
    ]);
    expect(JSON.parse(s.stdout).input.start).toBe('2023-03-01T08:00:00.000Z');
  });

  it('names the file, line and field of a bad row, and exits 1', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(
      bad,
      'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n' +
        'p1,1000,1024,1,1000,,LS,Running,0,100,0\n' +
        'p2,1000,1024,1,1500,,LS,Running,0,100,0\n',
    );
    const r = await run(['--trace', `alibaba2023:${bad}`, '--nodes', NODES, '--policy', 'fifo']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'error: bad.csv line 3: gpu_milli "1500" must be a whole number from 0 to 1000\n',
    );
  });

  it.each([
    [['--policy', 'fifo'], /--trace is required/],
    [
      ['--trace', `alibaba2023:${PODS}`, '--policy', 'random'],
      /--policy "random" must be one of fifo, backfill, las, fair, cost-aware/,
    ],
    [
      ['--trace', `alibaba2023:${PODS}`, '--policy', 'fifo', '--placement', 'worst-fit'],
      /--placement "worst-fit" must be one of/,
    ],
    [
      ['--trace', `alibaba2023:${PODS}`, '--policy', 'fifo', '--compress', '0.5'],
      /--compress "0\.5" must be a number ≥ 1/,
    ],
    [
      ['--trace', `alibaba2023:${PODS}`, '--policy', 'fifo', '--site', 'Mars'],
      /--site "Mars" is not a bundled zone/,
    ],
    [
      ['--trace', `alibaba2023:${PODS}`, '--policy', 'fifo', '--start', 'yesterday'],
      /--start "yesterday" must be an ISO time/,
    ],
    [
      ['--trace', 'parquet:x.pq', '--policy', 'fifo'],
      /--trace "parquet:x\.pq" must start with one of/,
    ],
    [
      ['--trace', 'json:/no/such/file.json', '--policy', 'fifo'],
      /--trace file "\/no\/such\/file\.json" does not exist/,
    ],
    [['--trace', `alibaba2023:${PODS}`], /--policy is required/],
    [
      ['--trace', `alibaba2023:${PODS}`, '--inflate', '--compare', 'fifo'],
      /--compare with --inflate takes placements/,
    ],
    [
      ['--trace', `alibaba2023:${PODS}`, '--policy', 'fifo', '--polcy', 'x'],
      /unknown option '--polcy'/,
    ],
  ])('%j → exit 2, one line naming the input', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
