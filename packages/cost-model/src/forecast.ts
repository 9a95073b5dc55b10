import { InputError, positiveInteger } from './errors';
import { MS_PER_HOUR, type HourlySeries } from './series';

export type SeasonalNaiveOptions = {
  /** The clock: only hours that have ended by now are used. */
  nowMs: number;
  /** Hours to forecast from the next full hour (default 24: day-ahead). */
  horizonHours?: number;
  /** Length of a season in hours (default 24; 168 for a weekly pattern). */
  seasonHours?: number;
  /** Average the same hour over this many past seasons (default 1: plain seasonal naive). */
  seasons?: number;
};

/**
 * Seasonal-naive forecast: each future hour repeats the same hour of the last season(s) already
 * observed. Crude, but a fair baseline that any better model has to beat, and what the scheduler uses
 * until one does. Hours with no observation stay NaN.
 */
export function seasonalNaiveForecast(
  history: HourlySeries,
  options: SeasonalNaiveOptions,
): HourlySeries {
  const { nowMs, horizonHours = 24, seasonHours = 24, seasons = 1 } = options;
  if (!Number.isFinite(nowMs)) throw new InputError('nowMs', nowMs, 'must be a time in ms');
  positiveInteger('horizonHours', horizonHours);
  positiveInteger('seasonHours', seasonHours);
  positiveInteger('seasons', seasons);
  const startMs = Math.ceil(nowMs / MS_PER_HOUR) * MS_PER_HOUR;
  // Last hour whose value is known: it must have ended by now.
  const lastKnown = Math.floor((nowMs - history.startMs) / MS_PER_HOUR) - 1;
  if (lastKnown < 0)
    throw new InputError(
      'nowMs',
      new Date(nowMs).toISOString(),
      `is before the end of the first hour of ${history.name}`,
    );
  const out = new Float64Array(horizonHours);
  const first = (startMs - history.startMs) / MS_PER_HOUR;
  for (let k = 0; k < horizonHours; k++) {
    const target = first + k;
    // Step back whole seasons until the hour is one we have already seen.
    let j = target - seasonHours * Math.max(1, Math.ceil((target - lastKnown) / seasonHours));
    let sum = 0;
    let n = 0;
    for (let s = 0; s < seasons && j >= 0; s++, j -= seasonHours) {
      const v = history.values[j];
      if (v !== undefined && !Number.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    out[k] = n ? sum / n : NaN;
  }
  return { ...history, startMs, values: out };
}

/** Mean absolute error of a forecast against what happened, over the hours both have. */
export function meanAbsoluteError(actual: HourlySeries, forecast: HourlySeries): number {
  let sum = 0;
  let n = 0;
  for (let k = 0; k < forecast.values.length; k++) {
    const i = (forecast.startMs - actual.startMs) / MS_PER_HOUR + k;
    const a = actual.values[i];
    const f = forecast.values[k]!;
    if (a === undefined || Number.isNaN(a) || Number.isNaN(f)) continue;
    sum += Math.abs(a - f);
    n++;
  }
  return n ? sum / n : NaN;
}

/** Forecast each day of [fromMs, fromMs + days) at midnight from the data before it; mean MAE. */
export function backtestDayAhead(
  series: HourlySeries,
  fromMs: number,
  days: number,
  options: Omit<SeasonalNaiveOptions, 'nowMs' | 'horizonHours'> = {},
): number {
  positiveInteger('days', days);
  let sum = 0;
  let n = 0;
  for (let d = 0; d < days; d++) {
    const nowMs = fromMs + d * 24 * MS_PER_HOUR;
    const mae = meanAbsoluteError(
      series,
      seasonalNaiveForecast(series, { ...options, nowMs, horizonHours: 24 }),
    );
    if (!Number.isNaN(mae)) {
      sum += mae;
      n++;
    }
  }
  return sum / n;
}
