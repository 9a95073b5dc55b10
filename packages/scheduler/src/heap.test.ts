import { describe, expect, it } from 'vitest';

import { EventQueue } from './heap';

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
