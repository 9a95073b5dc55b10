import { describe, expect, it } from 'vitest';

import { backtestDayAhead, meanAbsoluteError, seasonalNaiveForecast } from './forecast';
import { readPrice } from './node';
import { MS_PER_HOUR, type HourlySeries } from './series';

const H = MS_PER_HOUR;
const start = Date.UTC(2023, 0, 1);
const series = (values: number[]): HourlySeries => ({
  name: 'test',
  unit: 'EUR/MWh',
  currency: 'EUR',
  startMs: start,
  values: Float64Array.from(values),
});

describe('seasonalNaiveForecast', () => {
  it('repeats the last observed day, hour by hour', () => {
    const day1 = Array.from({ length: 24 }, (_, h) => h);
    const day2 = Array.from({ length: 24 }, (_, h) => 100 + h);
    const f = seasonalNaiveForecast(series([...day1, ...day2]), { nowMs: start + 48 * H });
    expect(f.startMs).toBe(start + 48 * H);
    expect(Array.from(f.values)).toEqual(day2);
  });

  it('never uses an hour that has not ended by the clock it is given', () => {
    const values = Array.from({ length: 72 }, (_, i) => i);
    // At 10:30 on day 2 the hours up to 09:00–10:00 are known. Hour 11 of day 2 comes from day 1 (11),
    // hour 09 of day 3 from day 2 (24 + 9 = 33).
    const f = seasonalNaiveForecast(series(values), { nowMs: start + 34.5 * H });
    expect(f.startMs).toBe(start + 35 * H);
    expect(f.values[0]).toBe(11);
    expect(f.values[22]).toBe(33);
    // Changing the future must not change the forecast.
    const tampered = values.map((v, i) => (i >= 34 ? -1 : v));
    expect(seasonalNaiveForecast(series(tampered), { nowMs: start + 34.5 * H }).values).toEqual(
      f.values,
    );
  });

  it('averages several seasons and skips missing hours', () => {
    const f = seasonalNaiveForecast(series([1, 2, 3, NaN, 5, 6]), {
      nowMs: start + 6 * H,
      horizonHours: 2,
      seasonHours: 2,
      seasons: 3,
    });
    expect(Array.from(f.values)).toEqual([(5 + 3 + 1) / 3, (6 + 2) / 2]);
  });

  it('names bad options', () => {
    expect(() => seasonalNaiveForecast(series([1, 2]), { nowMs: start - H })).toThrow(/nowMs/);
    expect(() =>
      seasonalNaiveForecast(series([1, 2]), { nowMs: start + H, horizonHours: 0 }),
    ).toThrow(/horizonHours.*0/);
  });

  it('on DE-LU 2023 prices, the day-ahead seasonal naive beats a flat "same as the last hour" guess', () => {
    const de = readPrice('DE-LU')!;
    const from = Date.UTC(2023, 1, 1);
    const naive = backtestDayAhead(de, from, 300);
    let flat = 0;
    for (let d = 0; d < 300; d++) {
      const nowMs = from + d * 24 * H;
      const last = de.values[(nowMs - de.startMs) / H - 1]!;
      const guess: HourlySeries = {
        ...de,
        startMs: nowMs,
        values: new Float64Array(24).fill(last),
      };
      flat += meanAbsoluteError(de, guess) / 300;
    }
    expect(naive).toBeLessThan(flat);
    expect(naive).toBeGreaterThan(0);
  });
});
