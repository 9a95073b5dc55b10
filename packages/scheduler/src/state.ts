import type { Cluster } from './model';

export const POWER_ON = 0;
export const POWER_OFF = 1;
export const POWER_BOOTING = 2;

/** A request for one replica: GPUs, milli-GPU per GPU, CPU, memory, allowed models (bitmask). */
export type Demand = {
  gpus: number;
  milli: number;
  cpu: number;
  mem: number;
  mask: number;
};

/**
 * What is free where, as typed arrays over nodes and GPUs, plus the per-node summaries placement
 * needs in O(1): fully free GPUs and the largest free share on one GPU.
 * Mutated only through `allocate` / `release` / `setPower`, which tell the placement index.
 */
export class ClusterState {
  readonly cluster: Cluster;
  /** Free milli-GPU of each GPU (1000 = whole GPU free). */
  readonly gpuFree: Int16Array;
  readonly cpuFree: Int32Array;
  readonly memFree: Int32Array;
  readonly fullFree: Uint8Array;
  readonly maxFree: Int16Array;
  /** Replicas running on each node. */
  readonly jobsOn: Int32Array;
  readonly power: Uint8Array;
  /**
   * Called after a node's free capacity or power state changed, with the GPUs whose free share
   * changed as a bitmask (-1: possibly all); the placement index listens.
   */
  onChange: (node: number, gpus: number) => void = () => {};
  /** Milli-GPUs allocated in the whole cluster. */
  allocatedMilli = 0;
  /** Milli-GPUs on nodes that are on (allocated or not). */
  onMilli = 0;

  constructor(cluster: Cluster) {
    this.cluster = cluster;
    const n = cluster.count;
    this.gpuFree = new Int16Array(cluster.totalGpus).fill(1000);
    this.cpuFree = new Int32Array(cluster.cpuMilli);
    this.memFree = new Int32Array(cluster.memoryMiB);
    this.fullFree = new Uint8Array(cluster.gpus);
    this.maxFree = new Int16Array(n);
    for (let i = 0; i < n; i++) this.maxFree[i] = cluster.gpus[i]! > 0 ? 1000 : 0;
    this.jobsOn = new Int32Array(n);
    this.power = new Uint8Array(n);
    this.onMilli = cluster.totalGpus * 1000;
  }

  /** Whether one replica fits on the node now (on, right model, enough of everything). */
  fits(node: number, d: Demand): boolean {
    if (this.power[node] !== POWER_ON) return false;
    if (((d.mask >>> this.cluster.model[node]!) & 1) === 0) return false;
    if (this.cpuFree[node]! < d.cpu || this.memFree[node]! < d.mem) return false;
    if (d.gpus === 0) return true;
    return d.milli >= 1000 ? this.fullFree[node]! >= d.gpus : this.maxFree[node]! >= d.milli;
  }

  /** Whether one replica would fit on the node when it is empty (and on). */
  fitsEmpty(node: number, d: Demand): boolean {
    const c = this.cluster;
    if (((d.mask >>> c.model[node]!) & 1) === 0) return false;
    if (c.cpuMilli[node]! < d.cpu || c.memoryMiB[node]! < d.mem) return false;
    if (d.gpus === 0) return true;
    return c.gpus[node]! >= d.gpus;
  }

  /**
   * GPUs for a replica on a node that fits it, as a bitmask: whole GPUs take the lowest fully free
   * ones; a share takes the tightest GPU that holds it (`tightest`) or the first (`!tightest`).
   */
  pickGpus(node: number, d: Demand, tightest: boolean): number {
    if (d.gpus === 0) return 0;
    const base = this.cluster.gpuBase[node]!;
    const g = this.cluster.gpus[node]!;
    const free = this.gpuFree;
    if (d.milli >= 1000) {
      let mask = 0;
      let need = d.gpus;
      for (let k = 0; k < g && need > 0; k++) {
        if (free[base + k] === 1000) {
          mask |= 1 << k;
          need--;
        }
      }
      return mask;
    }
    let best = -1;
    let bestFree = 1 << 30;
    for (let k = 0; k < g; k++) {
      const f = free[base + k]!;
      if (f >= d.milli && f < bestFree) {
        best = k;
        bestFree = f;
        if (!tightest) break;
      }
    }
    return best < 0 ? 0 : 1 << best;
  }

  allocate(node: number, gpuMask: number, d: Demand): void {
    this.apply(node, gpuMask, d, -1);
    this.jobsOn[node]!++;
    this.onChange(node, gpuMask);
  }

  release(node: number, gpuMask: number, d: Demand): void {
    this.apply(node, gpuMask, d, 1);
    this.jobsOn[node]!--;
    this.onChange(node, gpuMask);
  }

  setPower(node: number, state: number): void {
    const was = this.power[node]!;
    if (was === state) return;
    const milli = this.cluster.gpus[node]! * 1000;
    if (was === POWER_ON) this.onMilli -= milli;
    if (state === POWER_ON) this.onMilli += milli;
    this.power[node] = state;
    this.onChange(node, -1);
  }

  private apply(node: number, gpuMask: number, d: Demand, sign: number): void {
    this.cpuFree[node]! += sign * d.cpu;
    this.memFree[node]! += sign * d.mem;
    if (gpuMask === 0) return;
    const base = this.cluster.gpuBase[node]!;
    const g = this.cluster.gpus[node]!;
    const milli = d.milli >= 1000 ? 1000 : d.milli;
    let full = 0;
    let max = 0;
    for (let k = 0; k < g; k++) {
      let f = this.gpuFree[base + k]!;
      if ((gpuMask >>> k) & 1) {
        f += sign * milli;
        this.gpuFree[base + k] = f;
        this.allocatedMilli -= sign * milli;
      }
      if (f === 1000) full++;
      if (f > max) max = f;
    }
    this.fullFree[node] = full;
    this.maxFree[node] = max;
  }
}
