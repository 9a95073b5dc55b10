import { describe, expect, it } from 'vitest';

import { counterEnergy, integratePower } from './energy';

describe('counterEnergy', () => {
  it('adds up the steps of a counter in millijoules', () => {
    expect(counterEnergy([1_000, 1_500, 4_000, 4_000])).toEqual({ joules: 3, resets: 0, wraps: 0 });
    expect(counterEnergy([])).toEqual({ joules: 0, resets: 0, wraps: 0 });
  });

  it('counts a reset as energy since zero', () => {
    // 900 J before the driver reloaded, then the counter restarts at 0 and reaches 250 J.
    expect(counterEnergy([100_000, 1_000_000, 50_000, 250_000])).toEqual({
      joules: 1_150,
      resets: 1,
      wraps: 0,
    });
  });

  it('tells a wrap from a reset by whether the counter could have gone round in one step', () => {
    const width = 2 ** 32;
    const readings = [width - 2_000, 3_000];
    expect(counterEnergy(readings, { width, maxStepMj: 10_000 })).toEqual({
      joules: 5,
      resets: 0,
      wraps: 1,
    });
    expect(counterEnergy(readings, { width, maxStepMj: 1_000 })).toEqual({
      joules: 3,
      resets: 1,
      wraps: 0,
    });
  });
});

describe('integratePower', () => {
  it('integrates a square wave exactly when samples land on its edges', () => {
    // 300 W for 1 s, a 1 ms edge, 100 W for 1 s: 300 + 0.2 + 100 J.
    const samples = [
      { tMs: 0, watts: 300 },
      { tMs: 1000, watts: 300 },
      { tMs: 1001, watts: 100 },
      { tMs: 2001, watts: 100 },
    ];
    expect(integratePower(samples)).toBeCloseTo(400.2, 9);
  });

  it('integrates a ramp as its mean times its length', () => {
    const ramp = Array.from({ length: 11 }, (_, i) => ({ tMs: i * 100, watts: 100 + 10 * i }));
    expect(integratePower(ramp)).toBeCloseTo(150, 9);
  });
});
