import { InputError } from './errors';
import { modelMask, type Cluster, type Workload } from './model';
import {
  createPlacement,
  fragTarget,
  nodeFragmentation,
  type FragTarget,
  type PlacementName,
} from './placement';
import { createRng } from './rng';
import { ClusterState, type Demand } from './state';

export type InflateInput = {
  /** The pods to draw from (their shapes; times are ignored). */
  workload: Workload;
  cluster: Cluster;
  placement: PlacementName;
  seed?: number;
  /** Arrived loads to record, as shares of the cluster's GPUs (default 0.50, 0.55, … 1.00). */
  levels?: number[];
  /** A monotonic clock in ms for `wallSeconds`. */
  clock?: () => number;
};

export type InflatePoint = {
  /** GPUs requested by the pods drawn so far, as a share of the cluster's GPUs. */
  arrivedLoad: number;
  /** GPUs allocated (milli-GPUs / 1000). */
  allocatedGpus: number;
  /** Capacity − allocated: GPUs left unallocated when this much load had arrived. */
  unallocatedGpus: number;
  /** Of those, the GPUs the pod mix is expected not to be able to use (FGD's fragmentation measure). */
  fragmentedGpus: number;
  /** Pods drawn so far that found no place. */
  failedPods: number;
  arrivedPods: number;
};

export type InflateResult = {
  placement: PlacementName;
  seed: number;
  capacityGpus: number;
  inflate: InflatePoint[];
  wallSeconds: number;
};

export const DEFAULT_INFLATE_LEVELS = Array.from(
  { length: 11 },
  (_, i) => Math.round((0.5 + 0.05 * i) * 100) / 100,
);

/**
 * The FGD paper's evaluation (Weng et al., USENIX ATC'23, § 6): draw pods from the trace, seeded and
 * with replacement, and place each as it arrives, with no departures, until the GPUs requested reach
 * the cluster's capacity. At each arrived-load level, record how many GPUs are allocated and how many
 * are left unallocated: the gap to the arrived load is what fragmentation and the pod mix cost.
 */
export function inflate(input: InflateInput): InflateResult {
  const { workload: w, cluster } = input;
  const seed = input.seed ?? 42;
  const levels = (input.levels ?? DEFAULT_INFLATE_LEVELS).slice().sort((a, b) => a - b);
  if (levels.some((l) => !(l > 0 && l <= 2)))
    throw new InputError('levels', levels, 'must be shares in (0, 2]');
  const pool: number[] = [];
  for (let i = 0; i < w.count; i++) if (w.gpus[i]! > 0 || w.cpuMilli[i]! > 0) pool.push(i);
  if (pool.length === 0)
    throw new InputError('workload', w.count, 'must hold at least one pod with a request');
  const clock = input.clock;
  const t0 = clock ? clock() : 0;
  const state = new ClusterState(cluster);
  const target: FragTarget = fragTarget(w);
  const placement = createPlacement(
    input.placement,
    state,
    input.placement === 'fgd' ? target : null,
  );
  const masks = Int32Array.from(w.gpuSpecs, (s) => modelMask(cluster, s));
  const rng = createRng(seed);
  const capacity = cluster.totalGpus;
  const d: Demand = { gpus: 0, milli: 0, cpu: 0, mem: 0, mask: -1 };
  const mark = new Uint8Array(cluster.count);
  const points: InflatePoint[] = [];
  let arrived = 0;
  let failed = 0;
  let pods = 0;
  let next = 0;
  const fragmented = () => {
    let f = 0;
    for (let n = 0; n < cluster.count; n++) {
      const base = cluster.gpuBase[n]!;
      f += nodeFragmentation(
        state.gpuFree.subarray(base, base + cluster.gpus[n]!),
        cluster.gpus[n]!,
        state.cpuFree[n]!,
        target,
      );
    }
    return f / 1000;
  };
  // Stop after the last level, or when far more pods than the cluster could hold have failed.
  while (next < levels.length && pods < 50 * pool.length + 100_000) {
    const j = pool[Math.floor(rng() * pool.length)]!;
    pods++;
    d.gpus = w.gpus[j]!;
    d.milli = w.gpuMilli[j]!;
    d.cpu = w.cpuMilli[j]!;
    d.mem = w.memoryMiB[j]!;
    d.mask = masks[w.gpuSpec[j]!]!;
    const replicas = w.replicas[j]!;
    arrived += (d.gpus * Math.min(1000, d.milli) * replicas) / 1000;
    const used: number[] = [];
    for (let r = 0; r < replicas; r++) {
      const node = placement.choose(d, mark);
      if (node < 0) break;
      const mask = placement.gpus(node, d);
      state.allocate(node, mask, d);
      mark[node] = 1;
      used.push(node, mask);
    }
    for (let k = 0; k < used.length; k += 2) mark[used[k]!] = 0;
    if (used.length < 2 * replicas) {
      for (let k = 0; k < used.length; k += 2) state.release(used[k]!, used[k + 1]!, d);
      failed++;
    }
    while (next < levels.length && arrived >= levels[next]! * capacity) {
      const allocated = state.allocatedMilli / 1000;
      points.push({
        arrivedLoad: levels[next]!,
        allocatedGpus: allocated,
        unallocatedGpus: capacity - allocated,
        fragmentedGpus: fragmented(),
        failedPods: failed,
        arrivedPods: pods,
      });
      next++;
    }
  }
  return {
    placement: input.placement,
    seed,
    capacityGpus: capacity,
    inflate: points,
    wallSeconds: clock ? (clock() - t0) / 1000 : 0,
  };
}
