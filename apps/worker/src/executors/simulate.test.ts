import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import type { ExecutorResult } from './child';
import type { SimulateProgress } from './simulate';
import { startSimulate } from './simulate';

const baseEnv = { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR };

function exited(r: ExecutorResult) {
  if (r.kind !== 'exited')
    throw new Error(`expected the child to run, got ${r.kind}: ${r.message}`);
  return r;
}

type Run = {
  name?: string;
  jobs: Record<string, number>;
  wait: { mean: number; p50: number; p99: number };
  makespanSeconds: number;
};

describe('simulate executor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wattwise-sim-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // One node of 8 H100s. a holds all 8 GPUs for an hour; b wants all 8 too and must wait for a;
  // c needs no GPU and fits beside a at once, if the policy lets it pass b; d wants 16 GPUs on one
  // node, more than any node has.
  const nodes = join(dir, 'nodes.csv');
  writeFileSync(nodes, 'id,cpus,memory_gib,gpus,model\nh0,112,2048,8,H100 SXM\n');
  const jobs = [
    { id: 'a', submit: 0, duration: 3600, gpus: 8, cpus: 8 },
    { id: 'b', submit: 60, duration: 600, gpus: 8, cpus: 8 },
    { id: 'c', submit: 120, duration: 600, gpus: 0, cpus: 4 },
    { id: 'd', submit: 180, duration: 600, gpus: 16, cpus: 4 },
  ];

  it('replays a hand-made JSON trace under two policies: the counts and waits worked by hand', async () => {
    const trace = join(dir, 'jobs.json');
    writeFileSync(trace, JSON.stringify({ start: '2023-07-01T00:00:00Z', jobs }));
    const progress: SimulateProgress[] = [];
    const r = exited(
      await startSimulate(
        {
          trace: { format: 'json', path: trace },
          nodes,
          compare: ['fifo', 'backfill'],
          site: 'DE-LU',
        },
        { baseEnv, onProgress: (p) => progress.push(p) },
      ).result,
    );
    expect(r.error).toBeUndefined();
    expect(r.exitCode).toBe(0);
    const out = r.output as { input: Record<string, unknown>; compare: Run[] };
    expect(out.input).toMatchObject({
      trace: { format: 'json', file: 'jobs.json', rows: 4 },
      nodes: 'nodes.csv',
      site: 'DE-LU',
      start: '2023-07-01T00:00:00.000Z',
    });
    const [fifo, backfill] = out.compare;
    // 4 jobs; d can never run; a, b and c complete.
    for (const run of [fifo!, backfill!])
      expect(run.jobs).toMatchObject({ total: 4, completed: 3, unschedulable: 1, skipped: 0 });
    // FIFO: b waits for a (3600 − 60), c waits behind b until 3600 (3600 − 120): mean (0 + 3540 + 3480) / 3.
    expect(fifo).toMatchObject({ name: 'fifo', wait: { mean: 2340, p50: 3480 } });
    // Backfill: c starts at once beside a (it ends long before b can start): mean (0 + 3540 + 0) / 3.
    expect(backfill).toMatchObject({ name: 'backfill', wait: { mean: 1180, p50: 0 } });
    // b ends last, at 3600 + 600.
    expect(fifo!.makespanSeconds).toBe(4200);

    const shares = progress.map((p) => p.share);
    expect(shares).toEqual([...shares].sort((x, y) => x - y));
    expect(shares.at(-1)).toBe(1);
    expect(progress.at(-1)).toMatchObject({ run: 1, runs: 2, label: 'backfill' });
    expect(r.outputTail).toContain('jobs.json (4 rows) on nodes.csv, site DE-LU: fifo, backfill');
  });

  it('reads the same jobs from our CSV format', async () => {
    const trace = join(dir, 'jobs.csv');
    writeFileSync(
      trace,
      `id,submit,duration,gpus,cpus\n${jobs.map((j) => `${j.id},${j.submit},${j.duration},${j.gpus},${j.cpus}`).join('\n')}\n`,
    );
    const r = exited(
      await startSimulate(
        { trace: { format: 'csv', path: trace }, nodes, policy: 'fifo' },
        { baseEnv },
      ).result,
    );
    expect(r.output).toMatchObject({
      jobs: { total: 4, completed: 3, unschedulable: 1 },
      wait: { mean: 2340 },
    });
  });

  it('runs the bundled Alibaba 2023 trace, cut to its first 500 jobs', async () => {
    // Pending pods never ran: the simulator skips them. Count them among the first 500 rows (the
    // file is in creation-time order).
    const csv = fileURLToPath(
      new URL(
        '../../../../packages/scheduler/data/alibaba-gpu-v2023/openb_pod_list_default.csv',
        import.meta.url,
      ),
    );
    const [header, ...rows] = readFileSync(csv, 'utf8').trim().split('\n');
    const phase = header!.split(',').indexOf('pod_phase');
    const pending = rows.slice(0, 500).filter((l) => l.split(',')[phase] === 'Pending').length;
    expect(pending).toBeGreaterThan(0);

    const r = exited(
      await startSimulate(
        { trace: { format: 'alibaba2023' }, policy: 'fifo', limit: 500 },
        { baseEnv },
      ).result,
    );
    expect(r.error).toBeUndefined();
    expect(r.output).toMatchObject({
      input: {
        trace: { format: 'alibaba2023', file: 'openb_pod_list_default.csv', rows: 8152 },
        nodes: 'openb_node_list_gpu_node.csv',
        limit: 500,
      },
      jobs: { total: 500, skipped: pending, completed: 500 - pending, unschedulable: 0 },
    });
  });

  it('refuses a bad payload without starting anything, naming the fields', async () => {
    const r = await startSimulate(
      { trace: { format: 'json' }, compare: ['fifo', 'random'], scale: 5000 },
      { baseEnv },
    ).result;
    expect(r).toMatchObject({ kind: 'spawn-failed', code: 'EINVAL', retryable: false });
    const message = r.kind === 'spawn-failed' ? r.message : '';
    expect(message).toMatch(/^invalid simulate payload: /);
    expect(message).toContain('trace.path: is required');
    expect(message).toContain('scale: must be a whole number from 1 to 100');
    expect(message).toContain(
      'compare.1: "random" is not one of fifo, backfill, las, fair, cost-aware',
    );
    expect(message).toContain('nodes: is required for this trace');
  });

  it('refuses a file the worker does not have (exit 2), naming the field', async () => {
    const r = exited(
      await startSimulate(
        { trace: { format: 'json', path: join(dir, 'missing.json') }, nodes, policy: 'fifo' },
        { baseEnv },
      ).result,
    );
    expect(r.exitCode).toBe(2);
    expect(r.error).toEqual({
      field: 'trace',
      message: `trace file ${JSON.stringify(join(dir, 'missing.json'))} does not exist`,
    });
  });
});
