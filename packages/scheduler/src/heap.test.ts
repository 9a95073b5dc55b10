import { describe, expect, it } from 'vitest';

import { BinaryHeap, EventQueue } from './heap';

describe('BinaryHeap', () => {
  it('pops in the same order as a sort, duplicates included', () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const values = Array.from({ length: 5000 }, () => Math.floor(rand() * 1000));
    const heap = new BinaryHeap<number>((a, b) => a < b);
    for (const v of values) heap.push(v);
    expect(heap.size).toBe(values.length);
    const popped: number[] = [];
    while (heap.size) popped.push(heap.pop()!);
    expect(popped).toEqual([...values].sort((a, b) => a - b));
    expect(heap.pop()).toBeUndefined();
  });
});

describe('EventQueue', () => {
  it('pops by time, and events at the same time in the order they were pushed', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const q = new EventQueue(4);
    const pushed: [number, number][] = [];
    for (let i = 0; i < 20_000; i++) {
      const t = Math.floor(rand() * 500);
      q.push(t, i);
      pushed.push([t, i]);
    }
    const expected = pushed.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const popped: [number, number][] = [];
    while (q.size > 0) {
      const t = q.peekTime();
      popped.push([t, q.pop()]);
    }
    expect(popped).toEqual(expected);
    expect(q.peekTime()).toBe(Infinity);
  });
});
