import { describe, expect, it } from 'vitest';

import {
  PLAYGROUND_DEFAULTS,
  hiddenLayers,
  playgroundStateFromSearch,
  searchFromPlaygroundState,
} from './playground-params';

describe('playground URL state', () => {
  it('falls back to the defaults and leaves them out of the URL', () => {
    const s = playgroundStateFromSearch(new URLSearchParams(''));
    expect(s).toEqual(PLAYGROUND_DEFAULTS);
    expect(searchFromPlaygroundState(s)).toBe('');
  });

  it('round-trips what differs from the defaults', () => {
    const q = 'data=two-spirals&seed=7&epochs=500&lr=0.01&hidden=16&layers=2';
    const s = playgroundStateFromSearch(new URLSearchParams(q));
    expect(s).toEqual({
      dataset: 'two-spirals',
      seed: 7,
      epochs: 500,
      learningRate: 0.01,
      hidden: 16,
      layers: 2,
    });
    expect(playgroundStateFromSearch(new URLSearchParams(searchFromPlaygroundState(s)))).toEqual(s);
  });

  it('ignores unknown datasets and junk, and clamps out-of-range numbers', () => {
    const s = playgroundStateFromSearch(
      new URLSearchParams('data=mnist&seed=1.5&epochs=999999&lr=5&hidden=-3&layers=abc'),
    );
    expect(s.dataset).toBe('seed-demo');
    expect(s.seed).toBe(PLAYGROUND_DEFAULTS.seed);
    expect(s.epochs).toBe(5000);
    expect(s.learningRate).toBe(1);
    expect(s.hidden).toBe(0);
    expect(s.layers).toBe(PLAYGROUND_DEFAULTS.layers);
  });

  it('builds no hidden layer when there are no hidden units', () => {
    expect(hiddenLayers({ hidden: 0, layers: 3 })).toEqual([]);
    expect(hiddenLayers({ hidden: 8, layers: 2 })).toEqual([8, 8]);
  });
});
