import { describe, expect, it } from 'vitest';

import { seasonalNaiveBand } from './forecast-band';

describe('seasonalNaiveBand', () => {
  it('repeats the last season and bands it with the quantile of its own past errors', () => {
    // Season 2. Errors one season back (lag 2): |12−10|, |18−20|, |16−12|, |25−18| = 2, 2, 4, 7;
    // the 80 % nearest rank of 4 errors is the 4th (⌈3.2⌉): 7. Two seasons back (lag 4), for the
    // third step: |16−10|, |25−20| = 6, 5; the 2nd of 2 (⌈1.6⌉): 6.
    const band = seasonalNaiveBand([10, 20, 12, 18, 16, 25], { seasonLength: 2, horizon: 3 });
    expect(band).toEqual([
      { expected: 16, low: 9, high: 23, halfWidth: 7, errorCount: 4 },
      { expected: 25, low: 18, high: 32, halfWidth: 7, errorCount: 4 },
      { expected: 16, low: 10, high: 22, halfWidth: 6, errorCount: 2 },
    ]);
  });

  it('has no width on an exactly weekly series', () => {
    const week = [5, 6, 7, 8, 9, 3, 2];
    const band = seasonalNaiveBand([...week, ...week, ...week], { seasonLength: 7, horizon: 7 });
    expect(band.map((b) => b.expected)).toEqual(week);
    expect(band.map((b) => b.low)).toEqual(week);
    expect(band.map((b) => b.high)).toEqual(week);
    expect(band.every((b) => b.errorCount === 14)).toBe(true);
  });

  it('stops the band at the floor', () => {
    // Season 1: the forecast is the last value, 2; errors |1−9| = 8, |2−1| = 1; coverage 1: 8.
    const options = { seasonLength: 1, horizon: 1, coverage: 1 };
    expect(seasonalNaiveBand([9, 1, 2], options)[0]).toMatchObject({ low: -6, high: 10 });
    expect(seasonalNaiveBand([9, 1, 2], { ...options, floor: 0 })[0]).toMatchObject({
      low: 0,
      high: 10,
    });
  });

  it('skips missing values and leaves a step with nothing to repeat empty', () => {
    // Step 1 repeats index 2 (missing); step 2 repeats index 3 (7). Errors at lag 2: only |7−4| = 3.
    const band = seasonalNaiveBand([3, 4, NaN, 7], { seasonLength: 2, horizon: 2 });
    expect(band).toEqual([
      { expected: null, low: null, high: null, halfWidth: 3, errorCount: 1 },
      { expected: 7, low: 4, high: 10, halfWidth: 3, errorCount: 1 },
    ]);
  });

  it('gives no band when the history is too short to have erred', () => {
    expect(seasonalNaiveBand([4, 5], { seasonLength: 7, horizon: 1 })[0]).toEqual({
      expected: null,
      low: null,
      high: null,
      halfWidth: null,
      errorCount: 0,
    });
  });

  it('names bad options', () => {
    expect(() => seasonalNaiveBand([], { seasonLength: 1, horizon: 1 })).toThrow(/history/);
    expect(() => seasonalNaiveBand([1, Infinity], { seasonLength: 1, horizon: 1 })).toThrow(
      /history\[1\] Infinity/,
    );
    expect(() => seasonalNaiveBand([1], { seasonLength: 0, horizon: 1 })).toThrow(/seasonLength 0/);
    expect(() => seasonalNaiveBand([1], { seasonLength: 1, horizon: 1.5 })).toThrow(/horizon 1.5/);
    expect(() => seasonalNaiveBand([1], { seasonLength: 1, horizon: 1, coverage: 1.2 })).toThrow(
      /coverage 1.2/,
    );
  });
});
