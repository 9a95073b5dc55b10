import { fraction, InputError, positiveInteger } from './errors';
import { seasonalNaiveForecast } from './forecast';
import { MS_PER_HOUR } from './series';

export type ForecastBandOptions = {
  /** Steps in a season: 7 for daily totals with a weekly pattern, 1 to repeat the last step. */
  seasonLength: number;
  /** Steps to forecast after the last one of the history. */
  horizon: number;
  /** Share of the forecast's past errors the band covers (default 0.8). */
  coverage?: number;
  /** Lowest value the band may reach, e.g. 0 for a cost (default: no floor). */
  floor?: number;
};

export type ForecastBandStep = {
  /** The seasonal-naive forecast; null where the history has no value to repeat. */
  expected: number | null;
  low: number | null;
  high: number | null;
  /** The band's half-width: the `coverage` quantile of the past absolute errors (null: none). */
  halfWidth: number | null;
  /** How many past errors the half-width was drawn from. */
  errorCount: number;
};

/**
 * A seasonal-naive forecast of the steps after `history`, with a band drawn from the same
 * forecast's own errors on that history: a step `lag` steps ahead repeats the value `lag` steps
 * earlier (a whole number of seasons), so its band is ± the `coverage` quantile (nearest rank) of
 * |y[t] − y[t − lag]| over the history. No distribution is assumed, and the band widens on its
 * own where the series is erratic. Missing values are NaN and are skipped.
 */
export function seasonalNaiveBand(
  history: readonly number[],
  options: ForecastBandOptions,
): ForecastBandStep[] {
  const { seasonLength, horizon, coverage = 0.8, floor = -Infinity } = options;
  positiveInteger('seasonLength', seasonLength);
  positiveInteger('horizon', horizon);
  fraction('coverage', coverage);
  if (!(coverage > 0)) throw new InputError('coverage', coverage, 'must be above 0');
  if (history.length === 0) throw new InputError('history', [], 'must have at least one value');
  history.forEach((v, i) => {
    if (typeof v !== 'number' || v === Infinity || v === -Infinity)
      throw new InputError(`history[${i}]`, v, 'must be a finite number or NaN (missing)');
  });

  // seasonalNaiveForecast counts in hours; here one step stands for one hour, whatever it means.
  const steps = {
    name: 'history',
    unit: 'value',
    startMs: 0,
    values: Float64Array.from(history),
  };
  const forecast = seasonalNaiveForecast(steps, {
    nowMs: history.length * MS_PER_HOUR,
    horizonHours: horizon,
    seasonHours: seasonLength,
  });

  const halfWidthByLag = new Map<number, { halfWidth: number | null; errorCount: number }>();
  const bandFor = (lag: number) => {
    let band = halfWidthByLag.get(lag);
    if (!band) {
      const errors: number[] = [];
      for (let t = lag; t < history.length; t++) {
        const e = Math.abs(history[t]! - history[t - lag]!);
        if (!Number.isNaN(e)) errors.push(e);
      }
      errors.sort((a, b) => a - b);
      band = {
        halfWidth: errors.length ? errors[Math.ceil(coverage * errors.length) - 1]! : null,
        errorCount: errors.length,
      };
      halfWidthByLag.set(lag, band);
    }
    return band;
  };

  return Array.from(forecast.values, (value, k) => {
    // The step k after the history repeats the value this many steps before it.
    const lag = seasonLength * Math.ceil((k + 1) / seasonLength);
    const { halfWidth, errorCount } = bandFor(lag);
    const expected = Number.isNaN(value) ? null : value;
    const banded = expected !== null && halfWidth !== null;
    return {
      expected,
      low: banded ? Math.max(floor, expected - halfWidth) : null,
      high: banded ? expected + halfWidth : null,
      halfWidth,
      errorCount,
    };
  });
}
