import { describe, expect, it } from 'vitest';

import { BinaryHeap } from './heap';

describe('BinaryHeap', () => {
  it('pops in the same order as a sort, duplicates included', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
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
