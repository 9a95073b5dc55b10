/**
 * The bundled traces end to end: every job accounted for, figures the trace's publishers and our own
 * count of the files give, and the FGD paper's experiment on its own trace.
 */
import { performance } from 'node:perf_hooks';

import { describe, expect, it } from 'vitest';

import {
  buildCluster,
  compressArrivals,
  replicateCluster,
  replicateWorkload,
  sliceWorkload,
} from '../src/model';
import { inflate } from '../src/inflate';
import { bundledPath, readNodes, readSite, readTrace } from '../src/node';
import { policyPreset } from '../src/policy';
import { simulate } from '../src/simulate';

const pods = readTrace('alibaba2023');
const cluster = buildCluster(readNodes(bundledPath('alibaba2023Nodes')));
const site = readSite('US-CAL-CISO');

describe('Alibaba GPU trace 2023 (openb, FGD paper)', () => {
  it('imports 8,152 pods onto 1,213 nodes with 6,212 GPUs, as the trace README counts them', () => {
    const w = pods.workload;
    expect(w.count).toBe(8152);
    expect(cluster.count).toBe(1213);
    expect(cluster.totalGpus).toBe(6212);
    const byGpus = new Map<number, number>();
    for (let i = 0; i < w.count; i++) byGpus.set(w.gpus[i]!, (byGpus.get(w.gpus[i]!) ?? 0) + 1);
    expect(Object.fromEntries(byGpus)).toEqual({ 0: 1088, 1: 6989, 2: 16, 4: 15, 8: 44 });
    let shared = 0;
    let skipped = 0;
    for (let i = 0; i < w.count; i++) {
      if (w.gpus[i] === 1 && w.gpuMilli[i]! < 1000) shared++;
      skipped += w.skipped[i]!;
    }
    expect(shared).toBe(3078);
    expect(skipped).toBe(897);
  });

  it('accounts for every job when replayed at its own pace, and keeps its run times', () => {
    const r = simulate({ workload: pods.workload, cluster, policy: policyPreset('fifo'), site });
    expect(r.jobs).toMatchObject({
      total: 8152,
      completed: 7255,
      unschedulable: 0,
      skipped: 897,
      unfinished: 0,
    });
    expect(r.jobs.completed + r.jobs.unschedulable + r.jobs.skipped).toBe(r.jobs.total);
    // Nothing waits at the trace's own pace, so each job's JCT is its run time: median 616 s, mean 28,949 s.
    expect(r.wait.p99).toBe(0);
    expect(r.jct.p50).toBe(616);
    expect(Math.round(r.jct.mean)).toBe(28_949);
    // About 14 of 6,212 GPUs busy on average over the 149 days.
    expect(r.utilization * 6212).toBeGreaterThan(14.2);
    expect(r.utilization * 6212).toBeLessThan(14.5);
    expect(r.makespanSeconds).toBe(12_902_960);
    expect(r.currency).toBe('USD');
    // The cluster is on all the time: idle energy dwarfs the jobs'.
    expect(r.energy.byState.idle.itKWh).toBeGreaterThan(10 * r.energy.byState.busy.itKWh);
  });

  it('powering idle nodes down saves most of that energy, and counts every transition', () => {
    const w = sliceWorkload(pods.workload, 2000);
    const on = simulate({ workload: w, cluster, policy: policyPreset('fifo'), site });
    const down = simulate({
      workload: w,
      cluster,
      policy: policyPreset('fifo', { powerDown: true }),
      site,
    });
    expect(down.energy.itKWh).toBeLessThan(0.2 * on.energy.itKWh);
    expect(down.transitions.off).toBeGreaterThan(1000);
    expect(down.powerTransitions).toBe(
      down.transitions.off + down.transitions.boot + down.transitions.on,
    );
    expect(down.jobs.completed).toBe(on.jobs.completed);
  });

  it('gives the same result for the same input, compressed and scaled', () => {
    const w = replicateWorkload(compressArrivals(sliceWorkload(pods.workload, 3000), 350), 2);
    const c = replicateCluster(cluster, 2);
    const once = () =>
      simulate({
        workload: w,
        cluster: c,
        policy: policyPreset('las', { placement: 'fgd' }),
        site,
        seed: 7,
      });
    const a = once();
    const b = once();
    expect({ ...a, wallSeconds: 0 }).toEqual({ ...b, wallSeconds: 0 });
    expect(a.jobs.total).toBe(6000);
  });

  it('FGD leaves fewer GPUs unallocated than best fit as the trace inflates the cluster (the paper’s result)', () => {
    const run = (placement: 'best-fit' | 'fgd', seed: number) =>
      inflate({
        workload: pods.workload,
        cluster,
        placement,
        seed,
        clock: () => performance.now(),
      });
    for (const seed of [1, 2]) {
      const bf = run('best-fit', seed);
      const fgd = run('fgd', seed);
      expect(bf.inflate.map((p) => p.arrivedLoad)).toEqual([
        0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1,
      ]);
      const at = (r: typeof bf, load: number) => r.inflate.find((p) => p.arrivedLoad === load)!;
      expect(at(fgd, 1).unallocatedGpus).toBeLessThan(at(bf, 1).unallocatedGpus);
      expect(at(fgd, 0.9).failedPods).toBeLessThanOrEqual(at(bf, 0.9).failedPods);
      // allocated + unallocated = capacity, and nothing is allocated beyond what arrived.
      for (const p of fgd.inflate) {
        expect(p.allocatedGpus + p.unallocatedGpus).toBeCloseTo(6212, 6);
        expect(p.allocatedGpus).toBeLessThanOrEqual(p.arrivedLoad * 6212 + 8);
      }
    }
    // The same seed draws the same pods; another seed others.
    const a = run('fgd', 3).inflate;
    expect(run('fgd', 3).inflate).toEqual(a);
    expect(run('fgd', 4).inflate).not.toEqual(a);
  });
});

describe('Alibaba DLRM inference trace 2025', () => {
  it('imports 23,871 instances: 16,485 on CPU nodes, 7,386 with one GPU', () => {
    const { workload: w } = readTrace('alibaba2025');
    expect(w.count).toBe(23_871);
    let gpu = 0;
    for (let i = 0; i < w.count; i++) gpu += w.gpus[i]! > 0 ? 1 : 0;
    expect(gpu).toBe(7386);
    expect(w.teams.length - 1).toBe(156);
  });
});
