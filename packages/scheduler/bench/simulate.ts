/**
 * The Alibaba 2023 trace at --scale 1, 10 and 100 (the last is 815,200 jobs on 121,300 nodes), at
 * its own pace and with --compress 350, under FIFO with best-fit placement. For each run: events,
 * wall and CPU time, events per second, and peak memory, beside the floor: a bare event loop on the
 * same binary heap over the same events (every arrival, and every completion at the time the
 * simulation found), which does nothing else. Run with `pnpm --filter @wattwise/scheduler bench`.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

import { EventQueue } from '../src/heap';
import {
  buildCluster,
  compressArrivals,
  replicateCluster,
  replicateWorkload,
  type Workload,
} from '../src/model';
import { bundledPath, readNodes, readSite, readTrace } from '../src/node';
import { policyPreset } from '../src/policy';
import { simulate } from '../src/simulate';

const SCALES = [1, 10, 100];
const PACES = [1, 350];
const FLOOR_RUNS = 3;

const trace = readTrace('alibaba2023');
const baseCluster = buildCluster(readNodes(bundledPath('alibaba2023Nodes')));
const site = readSite('US-CAL-CISO');

/** The floor: arrivals from the sorted workload, completions through the heap, nothing else. */
function floor(w: Workload, finish: Float64Array): { events: number; seconds: number } {
  const heap = new EventQueue(1024);
  const t0 = performance.now();
  const n = w.count;
  const submit = w.submit;
  let cursor = 0;
  let events = 0;
  let check = 0;
  while (cursor < n || heap.size > 0) {
    const ta = cursor < n ? submit[cursor]! : Infinity;
    if (ta <= heap.peekTime()) {
      const j = cursor++;
      events++;
      const f = finish[j]!;
      if (f === f) heap.push(f, j);
    } else {
      check += heap.pop();
      events++;
    }
  }
  if (check < 0) throw new Error('unreachable');
  return { events, seconds: (performance.now() - t0) / 1000 };
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const rate = (x: number) =>
  x >= 1e6 ? `${(x / 1e6).toFixed(2)} M/s` : `${(x / 1e3).toFixed(0)} k/s`;

type Row = {
  scale: number;
  pace: string;
  jobs: number;
  nodes: number;
  events: number;
  wall: number;
  total: number;
  cpu: number;
  floorWall: number;
  rss: number;
};
const rows: Row[] = [];
console.log(
  `load average before: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')} (other work on this machine slows every figure)`,
);
for (const scale of SCALES) {
  for (const pace of PACES) {
    const workload = replicateWorkload(compressArrivals(trace.workload, pace), scale);
    const cluster = replicateCluster(baseCluster, scale);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = simulate({
      workload,
      cluster,
      policy: policyPreset('fifo', { placement: 'best-fit' }),
      site,
      clock: () => performance.now(),
    });
    const total = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const floors = Array.from({ length: FLOOR_RUNS }, () => floor(workload, r.perJob!.finish));
    if (floors[0]!.events !== r.events)
      throw new Error(`the floor replayed ${floors[0]!.events} events, the simulation ${r.events}`);
    rows.push({
      scale,
      pace: pace === 1 ? 'own pace' : `compress ${pace}`,
      jobs: workload.count,
      nodes: cluster.count,
      events: r.events,
      wall: r.wallSeconds,
      total,
      cpu: (cpu.user + cpu.system) / 1e6,
      floorWall: median(floors.map((f) => f.seconds)),
      rss: process.resourceUsage().maxRSS * 1024,
    });
    const row = rows[rows.length - 1]!;
    console.log(
      `scale ${String(scale).padStart(3)} ${row.pace.padEnd(12)} ${String(row.jobs).padStart(7)} jobs ${String(row.nodes).padStart(7)} nodes ` +
        `${String(row.events).padStart(8)} events  loop ${row.wall.toFixed(2).padStart(5)} s ${rate(row.events / row.wall).padStart(9)}  ` +
        `(with setup and summary ${row.total.toFixed(2)} s)  ` +
        `floor ${row.floorWall.toFixed(3)} s (${rate(row.events / row.floorWall)}), ×${(row.wall / row.floorWall).toFixed(1)}  ` +
        `peak RSS ${mb(row.rss)}`,
    );
  }
}

const big = rows.filter((r) => r.scale === 100);
const worstRate = Math.min(...rows.filter((r) => r.scale >= 10).map((r) => r.events / r.wall));
const checks = [
  [`≥ 1 M events/s at scale ≥ 10 (worst ${rate(worstRate)})`, worstRate >= 1e6],
  [
    `scale 100 under 60 s (${Math.max(...big.map((r) => r.total)).toFixed(1)} s with setup and summary)`,
    big.every((r) => r.total < 60),
  ],
  [
    `scale 100 under 2 GB (peak RSS ${mb(Math.max(...big.map((r) => r.rss)))})`,
    big.every((r) => r.rss < 2 * 2 ** 30),
  ],
  [
    `within 5× of the floor at scale 100 (×${Math.max(...big.map((r) => r.wall / r.floorWall)).toFixed(1)})`,
    big.every((r) => r.wall / r.floorWall <= 5),
  ],
] as const;
console.log('\ntargets:');
for (const [what, ok] of checks) console.log(`  ${ok ? 'met    ' : 'not met'}  ${what}`);
console.log(
  `load average after: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
