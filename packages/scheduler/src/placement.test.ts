import { describe, expect, it } from 'vitest';

import { nodes } from '../test/helpers';
import { buildCluster, workloadFromJobs } from './model';
import {
  createPlacement,
  fragTarget,
  nodeFragmentation,
  sizeClass,
  type FragTarget,
} from './placement';
import { ClusterState, type Demand } from './state';

const share = (milli: number, cpu = 0): Demand => ({ gpus: 1, milli, cpu, mem: 0, mask: -1 });
const whole = (gpus: number, cpu = 0): Demand => ({ gpus, milli: 1000, cpu, mem: 0, mask: -1 });

/** Occupy GPU k of node with `milli`. */
function use(s: ClusterState, node: number, k: number, milli: number) {
  s.allocate(node, 1 << k, share(milli));
}

describe('FGD fragmentation measure', () => {
  // Target workload: half the pods want 0.5 GPU, half want a whole GPU; no CPU.
  const target: FragTarget = {
    cpuOnly: 0,
    groups: [
      { gpus: 1, milli: 500, total: 0.5, cpu: Float64Array.of(0), cum: Float64Array.of(0.5) },
      { gpus: 1, milli: 1000, total: 0.5, cpu: Float64Array.of(0), cum: Float64Array.of(0.5) },
    ],
  };

  it('counts, per shape, the free shares it cannot use (worked by hand)', () => {
    // GPUs free 500 and 1000: 0.5-pods use both (0 fragments); 1-GPU pods cannot use the 500.
    expect(nodeFragmentation([500, 1000], 2, 0, target)).toBe(0.5 * 0 + 0.5 * 500);
    // 200 and 1000: the 200 is a fragment for both shapes.
    expect(nodeFragmentation([200, 1000], 2, 0, target)).toBe(200);
    // 500 and 700: no whole GPU, so for 1-GPU pods every free share is a fragment.
    expect(nodeFragmentation([500, 700], 2, 0, target)).toBe(0.5 * 0 + 0.5 * 1200);
    expect(nodeFragmentation([0, 0], 2, 0, target)).toBe(0);
  });

  it('counts every free GPU as a fragment for a shape whose CPU does not fit', () => {
    const t: FragTarget = {
      cpuOnly: 0.2,
      groups: [
        {
          gpus: 1,
          milli: 500,
          total: 0.8,
          cpu: Float64Array.of(4000, 8000),
          cum: Float64Array.of(0.4, 0.8),
        },
      ],
    };
    // 6 cores free: the 4-core half fits (no fragment), the 8-core half does not (all 1000 free).
    expect(nodeFragmentation([1000], 1, 6000, t)).toBeCloseTo(0.2 * 1000 + 0.4 * 0 + 0.4 * 1000, 9);
  });

  it('builds the target from a workload by popularity', () => {
    const w = workloadFromJobs([
      { id: 'a', submit: 0, duration: 1, gpus: 0.5, cpuMilli: 4000 },
      { id: 'b', submit: 0, duration: 1, gpus: 0.5, cpuMilli: 4000 },
      { id: 'c', submit: 0, duration: 1, gpus: 1, cpuMilli: 8000 },
      { id: 'd', submit: 0, duration: 1, cpuMilli: 1000 },
    ]);
    const t = fragTarget(w);
    expect(t.cpuOnly).toBe(0.25);
    expect(t.groups.map((g) => [g.gpus, g.milli, g.total])).toEqual([
      [1, 500, 0.5],
      [1, 1000, 0.25],
    ]);
  });
});

describe('placements', () => {
  it('FGD and best fit part ways on a fractional packing (worked by hand)', () => {
    // Node 0 has one GPU with 600 free; node 1 one free GPU. Every pod of the target wants 0.5 GPU.
    // Best fit takes the tightest GPU (600 → 100 left, a sliver no 0.5-pod can use); FGD sees that
    // the fragmentation of node 0 would rise by 100 while node 1's would not (1000 → 500 still fits
    // a 0.5-pod), and takes node 1.
    const cluster = buildCluster([
      { id: 'a', cpuMilli: 8000, memoryMiB: 1024, gpus: 1, model: 'T4' },
      { id: 'b', cpuMilli: 8000, memoryMiB: 1024, gpus: 1, model: 'T4' },
    ]);
    const target: FragTarget = {
      cpuOnly: 0,
      groups: [{ gpus: 1, milli: 500, total: 1, cpu: Float64Array.of(0), cum: Float64Array.of(1) }],
    };
    const pick = (name: 'best-fit' | 'fgd') => {
      const s = new ClusterState(cluster);
      const p = createPlacement(name, s, target);
      use(s, 0, 0, 400);
      return p.choose(share(500), null);
    };
    expect(pick('best-fit')).toBe(0);
    expect(pick('fgd')).toBe(1);
  });

  it('first fit takes the lowest node that fits; best fit the one left with the fewest free GPUs', () => {
    const c = nodes(3, 4);
    for (const [name, expected] of [
      ['first-fit', 0],
      ['best-fit', 2],
    ] as const) {
      const s = new ClusterState(c);
      const p = createPlacement(name, s);
      s.allocate(2, 0b0011, whole(2));
      s.allocate(1, 0b0001, whole(1));
      expect(p.choose(whole(2), null)).toBe(expected);
      expect(p.choose(whole(4), null)).toBe(0);
      // Excluded nodes are skipped.
      const ex = new Uint8Array(3);
      ex[0] = 1;
      expect(p.choose(whole(4), ex)).toBe(-1);
    }
  });

  it('best fit puts a share on the tightest GPU, a whole free GPU only when no partly used one holds it', () => {
    const c = nodes(2, 2);
    const s = new ClusterState(c);
    const p = createPlacement('best-fit', s);
    use(s, 0, 1, 300); // node 0 GPU 1: 700 free
    use(s, 1, 0, 500); // node 1 GPU 0: 500 free
    expect(p.choose(share(450), null)).toBe(1);
    expect(p.gpus(1, share(450))).toBe(0b01);
    expect(p.choose(share(600), null)).toBe(0);
    expect(p.gpus(0, share(600))).toBe(0b10);
    expect(p.choose(share(800), null)).toBe(0);
    expect(p.gpus(0, share(800))).toBe(0b01);
  });

  it('best fit passes over nodes short of memory, and comes back to them once memory is freed', () => {
    const s = new ClusterState(nodes(3, 4));
    const p = createPlacement('best-fit', s);
    const hog = { gpus: 0, milli: 0, cpu: 0, mem: 250 * 1024, mask: -1 };
    const needMem = (d: Demand): Demand => ({ ...d, mem: 8 * 1024 });
    // Node 2: one whole GPU free and 700 free on GPU 2, but its memory is taken; node 1: 3 GPUs free.
    s.allocate(2, 0b0011, whole(2));
    use(s, 2, 2, 300);
    s.allocate(2, 0, hog);
    s.allocate(1, 0b0001, whole(1));
    expect(p.choose(needMem(whole(1)), null)).toBe(1);
    expect(p.choose(needMem(share(600)), null)).toBe(1);
    // Freeing the memory changes neither node 2's free GPUs nor its CPU class: it must still be found.
    s.release(2, 0, hog);
    expect(p.choose(needMem(whole(1)), null)).toBe(2);
    expect(p.choose(needMem(share(600)), null)).toBe(2);
    expect(p.gpus(2, share(600))).toBe(0b0100);
  });

  it('no placement puts a job on a node short of CPU or memory, or of the wrong model', () => {
    const c = buildCluster([
      { id: 'small', cpuMilli: 4000, memoryMiB: 1024, gpus: 8, model: 'T4' },
      { id: 'big', cpuMilli: 64_000, memoryMiB: 8192, gpus: 8, model: 'V100M32' },
    ]);
    for (const name of ['first-fit', 'best-fit', 'fgd'] as const) {
      const s = new ClusterState(c);
      const target = fragTarget(workloadFromJobs([{ id: 'x', submit: 0, duration: 1, gpus: 1 }]));
      const p = createPlacement(name, s, target);
      expect(p.choose({ gpus: 1, milli: 1000, cpu: 8000, mem: 0, mask: -1 }, null)).toBe(1);
      expect(p.choose({ gpus: 1, milli: 1000, cpu: 0, mem: 2048, mask: -1 }, null)).toBe(1);
      expect(p.choose({ gpus: 1, milli: 1000, cpu: 0, mem: 0, mask: 1 << 1 }, null)).toBe(0);
      expect(p.choose({ gpus: 9, milli: 1000, cpu: 0, mem: 0, mask: -1 }, null)).toBe(-1);
    }
  });

  it('size classes are increasing intervals', () => {
    let prev = 0;
    let decreasing = 0;
    for (let x = 0; x < 300_000; x += 7) {
      const c = sizeClass(x);
      if (c < prev) decreasing++;
      prev = c;
    }
    expect(decreasing).toBe(0);
    expect(sizeClass(0)).toBe(0);
    expect(sizeClass(1)).toBe(1);
    expect(sizeClass(1_000_000)).toBe(31);
  });
});
