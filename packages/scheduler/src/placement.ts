import type { Workload } from './model';
import { POWER_ON, type ClusterState, type Demand } from './state';

export const PLACEMENTS = ['first-fit', 'best-fit', 'fgd'] as const;
export type PlacementName = (typeof PLACEMENTS)[number];

/**
 * Where one replica goes. `choose` returns a node that fits (or -1), skipping nodes flagged in
 * `exclude` (reserved for another job, or already used by the same gang); `gpus` picks the GPUs on
 * it. The index behind `choose` is kept current through `update`, which ClusterState calls.
 */
export interface Placement {
  readonly name: PlacementName;
  choose(d: Demand, exclude: Uint8Array | null): number;
  gpus(node: number, d: Demand): number;
  /** The node changed; `changedGpus` is a bitmask of the GPUs whose free share changed (-1: any). */
  update(node: number, changedGpus: number): void;
}

export function createPlacement(
  name: PlacementName,
  state: ClusterState,
  target: FragTarget | null = null,
): Placement {
  let p: Placement;
  switch (name) {
    case 'first-fit':
      p = new FirstFit(state);
      break;
    case 'best-fit':
      p = new BestFit(state);
      break;
    case 'fgd':
      if (!target) throw new RangeError('fgd placement needs the target workload (fragTarget)');
      p = new Fgd(state, target);
      break;
  }
  state.onChange = (node, gpus) => p.update(node, gpus);
  return p;
}

/** Levels of GPU capability a node can offer: shares in eighths (0–7), then 1–8 whole free GPUs. */
const CAP_LEVELS = 16;

/** What a node offers: floor(largest free share / 125) with no whole GPU free, else 7 + whole GPUs free. */
function capOf(fullFree: number, maxFree: number): number {
  if (fullFree > 0) return Math.min(CAP_LEVELS - 1, 7 + fullFree);
  return maxFree >= 1000 ? 7 : (maxFree / 125) | 0;
}

/** The capability level a demand needs at least (a necessary condition, so pruning stays exact). */
function needOf(d: Demand): number {
  if (d.gpus === 0) return 0;
  if (d.milli >= 1000) return Math.min(CAP_LEVELS - 1, 7 + d.gpus);
  return (d.milli / 125) | 0;
}

/**
 * First fit: the lowest-numbered node that fits. A segment tree over the nodes keeps, per subtree and
 * per level of GPU capability, the most free CPU among the nodes offering at least that much GPU, and
 * the most free memory and which models it holds. Because GPU and CPU are kept together, a subtree
 * whose nodes have free GPUs on one node and free CPU on another is pruned, and the leftmost search
 * costs O(log n) on the usual path instead of a walk over the full nodes at the front.
 */
class FirstFit implements Placement {
  readonly name = 'first-fit' as const;
  private readonly size: number;
  private readonly cpu: Int32Array;
  private readonly mem: Int32Array;
  private readonly models: Int32Array;

  constructor(private readonly s: ClusterState) {
    const n = s.cluster.count;
    let size = 1;
    while (size < n) size *= 2;
    this.size = size;
    this.cpu = new Int32Array(2 * size * CAP_LEVELS).fill(-1);
    this.mem = new Int32Array(2 * size).fill(-1);
    this.models = new Int32Array(2 * size);
    for (let i = 0; i < n; i++) this.setLeaf(i);
    for (let i = size - 1; i >= 1; i--) this.pull(i);
  }

  private setLeaf(node: number): void {
    const s = this.s;
    const i = this.size + node;
    const on = s.power[node] === POWER_ON;
    const cap = on ? capOf(s.fullFree[node]!, s.maxFree[node]!) : -1;
    const cpu = s.cpuFree[node]!;
    for (let r = 0; r < CAP_LEVELS; r++) this.cpu[i * CAP_LEVELS + r] = r <= cap ? cpu : -1;
    this.mem[i] = on ? s.memFree[node]! : -1;
    this.models[i] = on ? 1 << s.cluster.model[node]! : 0;
  }

  private pull(i: number): void {
    const l = 2 * i;
    const r = l + 1;
    const c = this.cpu;
    for (let k = 0; k < CAP_LEVELS; k++) {
      const a = c[l * CAP_LEVELS + k]!;
      const b = c[r * CAP_LEVELS + k]!;
      c[i * CAP_LEVELS + k] = a > b ? a : b;
    }
    this.mem[i] = Math.max(this.mem[l]!, this.mem[r]!);
    this.models[i] = this.models[l]! | this.models[r]!;
  }

  update(node: number, _changedGpus = -1): void {
    this.setLeaf(node);
    for (let i = (this.size + node) >> 1; i >= 1; i >>= 1) this.pull(i);
  }

  choose(d: Demand, exclude: Uint8Array | null): number {
    return this.find(1, d, needOf(d), exclude);
  }

  private find(i: number, d: Demand, need: number, exclude: Uint8Array | null): number {
    if (
      this.cpu[i * CAP_LEVELS + need]! < d.cpu ||
      this.mem[i]! < d.mem ||
      (this.models[i]! & d.mask) === 0
    )
      return -1;
    if (i >= this.size) {
      const node = i - this.size;
      return this.s.fits(node, d) && !(exclude !== null && exclude[node] === 1) ? node : -1;
    }
    const left = this.find(2 * i, d, need, exclude);
    return left >= 0 ? left : this.find(2 * i + 1, d, need, exclude);
  }

  gpus(node: number, d: Demand): number {
    return this.s.pickGpus(node, d, false);
  }
}

/**
 * Size class of a CPU amount (milli-cores), 0 to 31: quarter octaves (the exponent and the two bits
 * after the leading one) from 1 core (class 1) to about 200 cores (class 31); 0 only for nothing.
 * Classes are intervals in increasing order, so a node of a higher class than a demand's always has
 * more, and only the demand's own class can hold nodes with too little.
 */
export function sizeClass(x: number): number {
  if (x <= 0) return 0;
  const e = 31 - Math.clz32(x);
  const m = e >= 2 ? (x >>> (e - 2)) & 3 : 0;
  const c = 4 * e + m - 39;
  return c < 1 ? 1 : c > 31 ? 31 : c;
}

/**
 * Items (nodes or GPUs) in doubly linked lists, one per (key, class): the key is a node type and a
 * level of what best fit ranks by (free GPUs), key = type × levels + level; the class is the size
 * class of the node's free CPU. A word per key holds the non-empty classes as bits, and per level a
 * bitset holds the types with any item there (with a bitset of the levels with any), so "the lowest
 * level ≥ l where a type the job fits has items of class ≥ c" costs a few word operations instead of
 * a walk over items that cannot fit.
 * Memory is not indexed, yet on a busy cluster it is what most often fails: each list keeps an upper
 * bound of its items' free memory, raised as memory is freed and made exact by a walk that finds
 * nothing, and each key the largest bound of its lists from some class up (nodes short of CPU often
 * have memory to spare), so lists and keys whose every node is short of memory are passed over.
 */
class ClassBuckets {
  readonly head: Int32Array;
  private readonly tail: Int32Array;
  /**
   * Per item, side by side so that one cache line holds them: the next item of its list (at 3 × item),
   * the previous (3 × item + 1) and its list (3 × item + 2); -1 for none.
   */
  readonly link: Int32Array;
  readonly classes: Uint32Array;
  /** Words of a type bitset. */
  readonly words: number;
  /** Per level, the types with items at that level (`words` words each)… */
  readonly levelTypes: Uint32Array;
  /** …and the levels with any item. */
  readonly levelsUsed: Uint32Array;
  /** At least the most free memory of any item's node, per list (key × 32 + class)… */
  readonly memHi: Int32Array;
  /** …and per key, over its lists of class keyMemFrom and up. */
  readonly keyMemHi: Int32Array;
  readonly keyMemFrom: Uint8Array;

  constructor(
    types: number,
    readonly levels: number,
    items: number,
  ) {
    const keys = types * levels;
    this.head = new Int32Array(keys * 32).fill(-1);
    this.tail = new Int32Array(keys * 32).fill(-1);
    this.classes = new Uint32Array(keys);
    this.words = (types + 31) >> 5;
    this.levelTypes = new Uint32Array(levels * this.words);
    this.levelsUsed = new Uint32Array((levels + 31) >> 5);
    this.link = new Int32Array(items * 3).fill(-1);
    this.memHi = new Int32Array(keys * 32).fill(-1);
    this.keyMemHi = new Int32Array(keys).fill(-1);
    this.keyMemFrom = new Uint8Array(keys);
  }

  /**
   * Move item to (key, cls), or out of every list with key -1; appended at the tail. `mem`: its
   * node's free memory now, which the bounds of the list it is in must cover.
   */
  move(item: number, key: number, cls: number, mem: number): void {
    const b = key < 0 ? -1 : key * 32 + cls;
    const L = this.link;
    const at = 3 * item;
    const have = L[at + 2]!;
    if (have === b) {
      if (b >= 0) this.raise(b, mem);
      return;
    }
    if (have >= 0) {
      const p = L[at + 1]!;
      const n = L[at]!;
      if (p >= 0) L[3 * p] = n;
      else this.head[have] = n;
      if (n >= 0) L[3 * n + 1] = p;
      else this.tail[have] = p;
      if (this.head[have] === -1) {
        const k = have >> 5;
        const left = (this.classes[k]! & ~(1 << (have & 31))) >>> 0;
        this.classes[k] = left;
        this.memHi[have] = -1;
        if (left === 0) {
          this.keyEmptied(k);
          this.keyMemHi[k] = -1;
          this.keyMemFrom[k] = 0;
        }
      }
    }
    L[at + 2] = b;
    if (b >= 0) {
      const t = this.tail[b]!;
      L[at + 1] = t;
      L[at] = -1;
      if (t >= 0) L[3 * t] = item;
      else {
        this.head[b] = item;
        const was = this.classes[key]!;
        this.classes[key] = (was | (1 << cls)) >>> 0;
        if (was === 0) this.keyFilled(key);
      }
      this.tail[b] = item;
      this.raise(b, mem);
    }
  }

  private keyFilled(k: number): void {
    const type = (k / this.levels) | 0;
    const level = k - type * this.levels;
    this.levelTypes[level * this.words + (type >> 5)]! |= 1 << (type & 31);
    this.levelsUsed[level >> 5]! |= 1 << (level & 31);
  }

  private keyEmptied(k: number): void {
    const type = (k / this.levels) | 0;
    const level = k - type * this.levels;
    const base = level * this.words;
    this.levelTypes[base + (type >> 5)]! &= ~(1 << (type & 31));
    for (let w = 0; w < this.words; w++) if (this.levelTypes[base + w] !== 0) return;
    this.levelsUsed[level >> 5]! &= ~(1 << (level & 31));
  }

  private raise(b: number, mem: number): void {
    if (this.memHi[b]! < mem) this.memHi[b] = mem;
    const k = b >> 5;
    if ((b & 31) >= this.keyMemFrom[k]! && this.keyMemHi[k]! < mem) this.keyMemHi[k] = mem;
  }

  /** Whether no item of key k in a class ≥ cls can have `mem` free memory. */
  keyShort(k: number, cls: number, mem: number): boolean {
    return this.keyMemFrom[k]! <= cls && this.keyMemHi[k]! < mem;
  }

  /** The key's bound over classes ≥ cls, after a search from that class found nothing. */
  tightenKey(k: number, cls: number): void {
    let hi = -1;
    for (let bits = this.classes[k]! & (~0 << cls); bits !== 0; bits &= bits - 1) {
      const m = this.memHi[k * 32 + 31 - Math.clz32(bits & -bits)]!;
      if (m > hi) hi = m;
    }
    this.keyMemHi[k] = hi;
    this.keyMemFrom[k] = cls;
  }

  /** The lowest level in [from, to] with any item, or -1. */
  nextLevel(from: number, to: number): number {
    if (from > to) return -1;
    let w = from >> 5;
    let bits = this.levelsUsed[w]! & (~0 << (from & 31));
    const last = to >> 5;
    for (;;) {
      if (bits !== 0) {
        const level = (w << 5) + (31 - Math.clz32(bits & -bits));
        return level <= to ? level : -1;
      }
      if (++w > last) return -1;
      bits = this.levelsUsed[w]!;
    }
  }
}

/** Nodes grouped by type: the same model, GPU count, CPU and memory. */
type NodeTypes = {
  of: Int32Array;
  model: Int32Array;
  gpus: Int32Array;
  cpu: Int32Array;
  mem: Int32Array;
  count: number;
};

/**
 * Nodes best fit looks at in a list of the demand's own CPU size class (where some may be short of
 * CPU) before it moves to the next class up, where every node has enough: a bound on the walk.
 */
const SAME_CLASS_LOOKS = 8;

/** Node types, smallest first (CPU, then memory, GPUs, model), so that ties go to the smaller node. */
function nodeTypes(s: ClusterState): NodeTypes {
  const c = s.cluster;
  const index = new Map<string, number>();
  const list: { model: number; gpus: number; cpu: number; mem: number }[] = [];
  const first = new Int32Array(c.count);
  for (let i = 0; i < c.count; i++) {
    const key = `${c.model[i]}:${c.gpus[i]}:${c.cpuMilli[i]}:${c.memoryMiB[i]}`;
    let t = index.get(key);
    if (t === undefined) {
      t = list.length;
      index.set(key, t);
      list.push({
        model: c.model[i]!,
        gpus: c.gpus[i]!,
        cpu: c.cpuMilli[i]!,
        mem: c.memoryMiB[i]!,
      });
    }
    first[i] = t;
  }
  const order = list
    .map((_, i) => i)
    .sort((a, b) => {
      const x = list[a]!;
      const y = list[b]!;
      return x.cpu - y.cpu || x.mem - y.mem || x.gpus - y.gpus || x.model - y.model;
    });
  const rank = new Int32Array(list.length);
  order.forEach((t, r) => (rank[t] = r));
  return {
    of: first.map((t) => rank[t]!),
    model: Int32Array.from(order, (t) => list[t]!.model),
    gpus: Int32Array.from(order, (t) => list[t]!.gpus),
    cpu: Int32Array.from(order, (t) => list[t]!.cpu),
    mem: Int32Array.from(order, (t) => list[t]!.mem),
    count: list.length,
  };
}

/**
 * Best fit on GPUs: a share goes to the GPU with the least free share that still holds it (cluster
 * wide; a whole free GPU only when no partly used one holds it); whole GPUs go to the node with the
 * fewest fully free GPUs that still has enough; CPU-only jobs go where the fewest whole GPUs are free,
 * so free GPUs stay together. Among equals: the smaller node type; then the node in the lowest CPU
 * size class above the job's own (every node there has the CPU), else one of the first few of its own
 * class; then the node that entered its list first, so that big nodes stay free for big jobs. GPUs are
 * listed by node type (model, GPUs, CPU, memory) and free milli-GPU, nodes by type and fully free
 * GPUs, each with the size class of the node's free CPU: the search goes up the levels (free share or
 * free GPUs), at each looks only at the types the job fits and at lists whose CPU is big enough, and
 * stops at the first node that fits.
 */
class BestFit implements Placement {
  readonly name = 'best-fit' as const;
  private readonly types: NodeTypes;
  private readonly gpuB: ClassBuckets;
  private readonly nodeB: ClassBuckets;
  private readonly gpuNode: Int32Array;
  /** Per node, side by side: its type (at 3 × node), and the CPU class and free memory it was last indexed with. */
  private readonly nodeInfo: Int32Array;
  private lastGpu = -1;

  constructor(private readonly s: ClusterState) {
    const c = s.cluster;
    const types = (this.types = nodeTypes(s));
    this.nodeB = new ClassBuckets(types.count, Math.max(0, ...types.gpus) + 1, c.count);
    this.gpuB = new ClassBuckets(types.count, 1001, c.totalGpus);
    this.gpuNode = new Int32Array(c.totalGpus);
    this.nodeInfo = new Int32Array(3 * c.count);
    this.fitTypes = new Int32Array(types.count);
    this.fitMask = new Uint32Array(this.nodeB.words);
    for (let i = 0; i < c.count; i++) {
      this.nodeInfo[3 * i] = types.of[i]!;
      this.nodeInfo[3 * i + 1] = -1;
    }
    for (let i = 0; i < c.count; i++) {
      for (let g = c.gpuBase[i]!; g < c.gpuBase[i + 1]!; g++) this.gpuNode[g] = i;
      this.update(i, -1);
    }
  }

  update(node: number, changedGpus = -1): void {
    const s = this.s;
    const c = s.cluster;
    const info = this.nodeInfo;
    const t = info[3 * node]!;
    const on = s.power[node] === POWER_ON;
    const cls = sizeClass(s.cpuFree[node]!);
    const mem = s.memFree[node]!;
    this.nodeB.move(node, on ? t * this.nodeB.levels + s.fullFree[node]! : -1, cls, mem);
    // A new CPU class moves every GPU of the node, and so does freed memory (to raise the bounds of
    // their lists); otherwise only the GPUs whose share changed move.
    const mask = cls === info[3 * node + 1] && mem <= info[3 * node + 2]! ? changedGpus : -1;
    info[3 * node + 1] = cls;
    info[3 * node + 2] = mem;
    if (mask === 0) return;
    const base = t * 1001;
    // Only partly used GPUs are listed; whole free ones are found through their node.
    const g0 = c.gpuBase[node]!;
    for (let g = g0, end = c.gpuBase[node + 1]!; g < end; g++) {
      if (((mask >>> (g - g0)) & 1) === 0) continue;
      const f = s.gpuFree[g]!;
      this.gpuB.move(g, on && f > 0 && f < 1000 ? base + f : -1, cls, mem);
    }
  }

  /** The node types big enough for the last demand shape seen (jobs come in runs of one shape). */
  private readonly fitTypes: Int32Array;
  private fitCount = 0;
  private readonly fitMask: Uint32Array;
  private readonly fitShape = new Float64Array(4).fill(NaN);

  private typesFor(d: Demand): void {
    const f = this.fitShape;
    if (f[0] === d.mask && f[1] === d.cpu && f[2] === d.mem && f[3] === d.gpus) return;
    f[0] = d.mask;
    f[1] = d.cpu;
    f[2] = d.mem;
    f[3] = d.gpus;
    const T = this.types;
    this.fitCount = 0;
    this.fitMask.fill(0);
    for (let t = 0; t < T.count; t++)
      if (
        ((d.mask >>> T.model[t]!) & 1) !== 0 &&
        T.cpu[t]! >= d.cpu &&
        T.mem[t]! >= d.mem &&
        T.gpus[t]! >= d.gpus
      ) {
        this.fitTypes[this.fitCount++] = t;
        this.fitMask[t >> 5]! |= 1 << (t & 31);
      }
  }

  choose(d: Demand, exclude: Uint8Array | null): number {
    this.typesFor(d);
    const minClass = sizeClass(d.cpu);
    this.lastGpu = -1;
    if (d.gpus > 0 && d.milli < 1000) {
      // A share: the tightest partly used GPU that holds it…
      const g = this.lowest(this.gpuB, d.milli, 999, d, minClass, exclude, true);
      if (g >= 0) {
        this.lastGpu = g;
        return this.gpuNode[g]!;
      }
      // …else a whole free GPU: on the first type that has one, the node with the fewest.
      const B = this.nodeB;
      for (let i = 0; i < this.fitCount; i++) {
        const t = this.fitTypes[i]!;
        for (let level = 1; level < B.levels; level++) {
          const k = t * B.levels + level;
          if (B.classes[k] === 0 || B.keyShort(k, minClass, d.mem)) continue;
          const node = this.firstIn(B, k, minClass, d, exclude, false);
          if (node >= 0) return node;
        }
      }
      return -1;
    }
    return this.lowest(this.nodeB, d.gpus, this.nodeB.levels - 1, d, minClass, exclude, false);
  }

  /**
   * The first item that fits at the lowest level in [from, to] (free share, or fully free GPUs), the
   * smaller type first among those of one level.
   */
  private lowest(
    B: ClassBuckets,
    from: number,
    to: number,
    d: Demand,
    minClass: number,
    exclude: Uint8Array | null,
    gpus: boolean,
  ): number {
    const fit = this.fitMask;
    const words = B.words;
    for (let level = B.nextLevel(from, to); level >= 0; level = B.nextLevel(level + 1, to)) {
      for (let w = 0; w < words; w++) {
        for (let bits = B.levelTypes[level * words + w]! & fit[w]!; bits !== 0; bits &= bits - 1) {
          const k = ((w << 5) + 31 - Math.clz32(bits & -bits)) * B.levels + level;
          if (B.keyShort(k, minClass, d.mem)) continue;
          const i = this.firstIn(B, k, minClass, d, exclude, gpus);
          if (i >= 0) return i;
        }
      }
    }
    return -1;
  }

  /**
   * The first item under key k whose node fits: the lowest CPU class above the demand's own first
   * (every node there has the CPU), then a few nodes of the demand's own class (some may not).
   * Lists whose memory bound is short are passed over; a list walked to its end sets its bound.
   */
  private firstIn(
    B: ClassBuckets,
    k: number,
    minClass: number,
    d: Demand,
    exclude: Uint8Array | null,
    gpus: boolean,
  ): number {
    const s = this.s;
    const memFree = s.memFree;
    const all = B.classes[k]!;
    let bits = minClass >= 31 ? 0 : all & (~0 << (minClass + 1));
    while (bits !== 0) {
      const b = k * 32 + 31 - Math.clz32(bits & -bits);
      bits &= bits - 1;
      if (B.memHi[b]! < d.mem) continue;
      let hi = -1;
      for (let i = B.head[b]!; i >= 0; i = B.link[3 * i]!) {
        const node = gpus ? this.gpuNode[i]! : i;
        if (s.fits(node, d) && (exclude === null || exclude[node] === 0)) return i;
        if (memFree[node]! > hi) hi = memFree[node]!;
      }
      B.memHi[b] = hi;
    }
    const b = k * 32 + minClass;
    if (((all >>> minClass) & 1) !== 0 && B.memHi[b]! >= d.mem) {
      let hi = -1;
      let budget = SAME_CLASS_LOOKS;
      let i = B.head[b]!;
      for (; i >= 0 && budget-- > 0; i = B.link[3 * i]!) {
        const node = gpus ? this.gpuNode[i]! : i;
        if (s.fits(node, d) && (exclude === null || exclude[node] === 0)) return i;
        if (memFree[node]! > hi) hi = memFree[node]!;
      }
      if (i < 0) B.memHi[b] = hi;
    }
    B.tightenKey(k, minClass);
    return -1;
  }

  gpus(node: number, d: Demand): number {
    const g = this.lastGpu;
    if (d.gpus > 0 && d.milli < 1000 && g >= 0 && this.gpuNode[g] === node)
      return 1 << (g - this.s.cluster.gpuBase[node]!);
    return this.s.pickGpus(node, d, true);
  }
}

// ---------------------------------------------------------------------------------------------
// Fragmentation gradient descent (Weng et al., USENIX ATC'23)

/**
 * The target workload FGD measures fragmentation against: the job shapes of the trace with their
 * popularity. Shapes with the same GPU request are grouped; within a group, the CPU requests are
 * sorted with cumulative popularity, so "how much of this group still fits the node's free CPU" is one
 * binary search.
 */
export type FragTarget = {
  /** Popularity of CPU-only shapes: for them every free GPU is a fragment. */
  cpuOnly: number;
  groups: { gpus: number; milli: number; total: number; cpu: Float64Array; cum: Float64Array }[];
};

/** Shapes and popularity of a workload's jobs (every job counts once, skipped ones included). */
export function fragTarget(w: Workload): FragTarget {
  const byGpu = new Map<string, Map<number, number>>();
  let cpuOnly = 0;
  for (let i = 0; i < w.count; i++) {
    if (w.gpus[i] === 0) {
      cpuOnly++;
      continue;
    }
    const key = `${w.gpus[i]}:${w.gpuMilli[i]}`;
    let g = byGpu.get(key);
    if (!g) byGpu.set(key, (g = new Map()));
    g.set(w.cpuMilli[i]!, (g.get(w.cpuMilli[i]!) ?? 0) + 1);
  }
  const n = Math.max(1, w.count);
  const groups = [...byGpu.entries()]
    .map(([key, cpus]) => {
      const [gpus, milli] = key.split(':').map(Number) as [number, number];
      const sorted = [...cpus.entries()].sort((a, b) => a[0] - b[0]);
      const cpu = Float64Array.from(sorted, (e) => e[0]);
      let acc = 0;
      const cum = Float64Array.from(sorted, (e) => (acc += e[1] / n));
      return { gpus, milli, total: acc, cpu, cum };
    })
    .sort((a, b) => a.gpus - b.gpus || a.milli - b.milli);
  return { cpuOnly: cpuOnly / n, groups };
}

/**
 * F_n(M): the milli-GPUs of a node that the target workload M is expected not to be able to use,
 * given each GPU's free share and the node's free CPU. For a shape that fits, the fragments are the
 * GPUs whose free share is below its request; for one that does not fit (too little GPU or CPU) and
 * for CPU-only shapes, every free GPU is a fragment.
 */
export function nodeFragmentation(
  free: ArrayLike<number>,
  count: number,
  cpuFree: number,
  t: FragTarget,
): number {
  let total = 0;
  for (let k = 0; k < count; k++) total += free[k]!;
  if (total === 0) return 0;
  let f = t.cpuOnly * total;
  for (const g of t.groups) {
    let fitting = 0;
    let frag = 0;
    for (let k = 0; k < count; k++) {
      const x = free[k]!;
      if (x >= g.milli) fitting++;
      else frag += x;
    }
    if (fitting < g.gpus) {
      f += g.total * total;
      continue;
    }
    // Popularity of this group's shapes whose CPU request fits cpuFree.
    let lo = 0;
    let hi = g.cpu.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (g.cpu[mid]! <= cpuFree) lo = mid + 1;
      else hi = mid;
    }
    const fits = lo > 0 ? g.cum[lo - 1]! : 0;
    f += fits * frag + (g.total - fits) * total;
  }
  return f;
}

type StateClass = {
  key: string;
  /** Nodes in this state, as a list over Fgd.next/prev, in the order they entered it. */
  head: number;
  tail: number;
  count: number;
  /** Position in Fgd.alive. */
  slot: number;
  frag: number;
  /** shape id → [Δ fragmentation, chosen free share (for a GPU share)]. */
  memo: Map<number, number>;
  choice: Map<number, number>;
};

/**
 * FGD: place a replica where it increases the node's expected fragmentation the least (the
 * fragmentation gradient), and for a GPU share choose the GPU the same way. Nodes in the same state
 * (model, free CPU and memory, free share of every GPU) score the same, so the search runs over the
 * distinct states present, each scored once per job shape and remembered until the state empties.
 */
class Fgd implements Placement {
  readonly name = 'fgd' as const;
  private readonly classes = new Map<string, StateClass>();
  private readonly alive: StateClass[] = [];
  private readonly of: (StateClass | null)[];
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly shapes = new Map<string, number>();
  private readonly scratch = new Float64Array(32);
  private readonly sortBuf: number[] = [];
  private lastChoice = new Map<number, number>();

  constructor(
    private readonly s: ClusterState,
    private readonly target: FragTarget,
  ) {
    const n = s.cluster.count;
    this.of = new Array<StateClass | null>(n).fill(null);
    this.next = new Int32Array(n).fill(-1);
    this.prev = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) this.update(i);
  }

  private keyOf(node: number): string {
    const s = this.s;
    const base = s.cluster.gpuBase[node]!;
    const g = s.cluster.gpus[node]!;
    const buf = this.sortBuf;
    buf.length = g;
    for (let k = 0; k < g; k++) buf[k] = s.gpuFree[base + k]!;
    buf.sort((a, b) => b - a);
    return `${s.cluster.model[node]}:${s.cpuFree[node]}:${s.memFree[node]}:${buf.join(',')}`;
  }

  update(node: number, _changedGpus = -1): void {
    const s = this.s;
    const old = this.of[node]!;
    const key = s.power[node] === POWER_ON ? this.keyOf(node) : null;
    if (old !== null && old.key === key) return;
    if (old !== null) {
      const p = this.prev[node]!;
      const n = this.next[node]!;
      if (p >= 0) this.next[p] = n;
      else old.head = n;
      if (n >= 0) this.prev[n] = p;
      else old.tail = p;
      if (--old.count === 0) {
        this.classes.delete(old.key);
        const last = this.alive.pop()!;
        if (last !== old) {
          this.alive[old.slot] = last;
          last.slot = old.slot;
        }
      }
      this.of[node] = null;
    }
    if (key === null) return;
    let c = this.classes.get(key);
    if (!c) {
      const base = s.cluster.gpuBase[node]!;
      c = {
        key,
        head: -1,
        tail: -1,
        count: 0,
        slot: this.alive.length,
        frag: nodeFragmentation(
          s.gpuFree.subarray(base, base + s.cluster.gpus[node]!),
          s.cluster.gpus[node]!,
          s.cpuFree[node]!,
          this.target,
        ),
        memo: new Map(),
        choice: new Map(),
      };
      this.classes.set(key, c);
      this.alive.push(c);
    }
    // Append: a class lists its nodes in the order they entered it; the head represents it.
    const t = c.tail;
    this.prev[node] = t;
    this.next[node] = -1;
    if (t >= 0) this.next[t] = node;
    else c.head = node;
    c.tail = node;
    c.count++;
    this.of[node] = c;
  }

  private shapeId(d: Demand): number {
    const key = `${d.gpus}:${d.milli}:${d.cpu}`;
    let id = this.shapes.get(key);
    if (id === undefined) this.shapes.set(key, (id = this.shapes.size));
    return id;
  }

  /** Δ fragmentation of placing d on `node` (in state c), and the free share of the GPU it would take. */
  private delta(node: number, c: StateClass, d: Demand): [number, number] {
    const s = this.s;
    const g = s.cluster.gpus[node]!;
    const base = s.cluster.gpuBase[node]!;
    const free = this.scratch;
    for (let k = 0; k < g; k++) free[k] = s.gpuFree[base + k]!;
    const cpu = s.cpuFree[node]! - d.cpu;
    if (d.gpus === 0) return [nodeFragmentation(free, g, cpu, this.target) - c.frag, -1];
    if (d.milli >= 1000) {
      let need = d.gpus;
      for (let k = 0; k < g && need > 0; k++)
        if (free[k] === 1000) {
          free[k] = 0;
          need--;
        }
      return [nodeFragmentation(free, g, cpu, this.target) - c.frag, 1000];
    }
    let best = Infinity;
    let bestFree = -1;
    for (let k = 0; k < g; k++) {
      const x = free[k]!;
      if (x < d.milli) continue;
      let seen = false;
      for (let j = 0; j < k; j++) if (free[j] === x) seen = true;
      if (seen) continue;
      free[k] = x - d.milli;
      const f = nodeFragmentation(free, g, cpu, this.target) - c.frag;
      free[k] = x;
      if (f < best || (f === best && x < bestFree)) {
        best = f;
        bestFree = x;
      }
    }
    return [best, bestFree];
  }

  choose(d: Demand, exclude: Uint8Array | null): number {
    const s = this.s;
    const shape = this.shapeId(d);
    let best = -1;
    let bestDelta = Infinity;
    let bestFree = -1;
    for (let i = 0; i < this.alive.length; i++) {
      const c = this.alive[i]!;
      let node = c.head;
      if (!s.fits(node, d)) continue;
      if (exclude !== null) while (node >= 0 && exclude[node] === 1) node = this.next[node]!;
      if (node < 0) continue;
      let delta = c.memo.get(shape);
      let free: number;
      if (delta === undefined) {
        const r = this.delta(node, c, d);
        delta = r[0];
        free = r[1];
        c.memo.set(shape, delta);
        c.choice.set(shape, free);
      } else free = c.choice.get(shape)!;
      if (delta < bestDelta - 1e-9 || (Math.abs(delta - bestDelta) <= 1e-9 && node < best)) {
        best = node;
        bestDelta = delta;
        bestFree = free;
      }
    }
    if (best >= 0) this.lastChoice.set(best, bestFree);
    return best;
  }

  gpus(node: number, d: Demand): number {
    if (d.gpus === 0) return 0;
    if (d.milli >= 1000) return this.s.pickGpus(node, d, false);
    const want = this.lastChoice.get(node);
    this.lastChoice.clear();
    const base = this.s.cluster.gpuBase[node]!;
    const g = this.s.cluster.gpus[node]!;
    if (want !== undefined)
      for (let k = 0; k < g; k++) if (this.s.gpuFree[base + k] === want) return 1 << k;
    return this.s.pickGpus(node, d, true);
  }
}
