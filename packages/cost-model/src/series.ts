import { InputError } from './errors';

export const MS_PER_HOUR = 3_600_000;

/**
 * A value per UTC hour from `startMs`. Missing hours are NaN, so a gap stays visible instead of
 * turning into a zero price or a zero-carbon hour.
 */
export type HourlySeries = {
  /** Zone or region id, e.g. "DE-LU". */
  name: string;
  /** e.g. "gCO2eq/kWh", "EUR/MWh", "kgCO2e/kWh", "USD/kWh". */
  unit: string;
  /** ISO 4217 code for money series; absent otherwise. */
  currency?: string;
  startMs: number;
  values: Float64Array;
};

export function hourlySeries(series: HourlySeries): HourlySeries {
  if (!Number.isFinite(series.startMs) || series.startMs % MS_PER_HOUR !== 0) {
    throw new InputError('startMs', series.startMs, 'must be a UTC time on the hour (ms)');
  }
  if (!(series.values instanceof Float64Array))
    throw new InputError('values', series.values, 'must be a Float64Array');
  return series;
}

export function seriesEndMs(series: HourlySeries): number {
  return series.startMs + series.values.length * MS_PER_HOUR;
}

/** Index of the hour that contains `tMs`, or an error naming `t` when it lies outside the series. */
export function seriesIndex(series: HourlySeries, tMs: number): number {
  const i = Math.floor((tMs - series.startMs) / MS_PER_HOUR);
  if (!(i >= 0 && i < series.values.length)) {
    throw new InputError(
      't',
      new Date(tMs).toISOString(),
      `is outside the ${series.name} series (${isoHour(series.startMs)} to ${isoHour(seriesEndMs(series))})`,
    );
  }
  return i;
}

export function seriesValueAt(series: HourlySeries, tMs: number): number {
  return series.values[seriesIndex(series, tMs)]!;
}

export type SeriesStats = {
  count: number;
  missing: number;
  mean: number;
  min: number;
  max: number;
  minAtMs: number;
  maxAtMs: number;
};

/** Mean, min and max over the hours that have a value. */
export function seriesStats(series: HourlySeries): SeriesStats {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let minAt = NaN;
  let maxAt = NaN;
  const v = series.values;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (Number.isNaN(x)) continue;
    count++;
    sum += x;
    if (x < min) {
      min = x;
      minAt = series.startMs + i * MS_PER_HOUR;
    }
    if (x > max) {
      max = x;
      maxAt = series.startMs + i * MS_PER_HOUR;
    }
  }
  return {
    count,
    missing: v.length - count,
    mean: count ? sum / count : NaN,
    min,
    max,
    minAtMs: minAt,
    maxAtMs: maxAt,
  };
}

/**
 * Fill missing hours with the last value before them (the first ones with the first value after):
 * for prices and intensities the previous hour is a better guess than an average of the day.
 */
export function fillGaps(series: HourlySeries): HourlySeries {
  const v = Float64Array.from(series.values);
  const first = v.findIndex((x) => !Number.isNaN(x));
  if (first < 0) throw new InputError('values', series.name, 'has no value to fill gaps from');
  for (let i = 0; i < first; i++) v[i] = v[first]!;
  for (let i = first + 1; i < v.length; i++) if (Number.isNaN(v[i]!)) v[i] = v[i - 1]!;
  return { ...series, values: v };
}

/** Multiply every value, e.g. EUR/MWh → EUR/kWh (× 0.001) or g/kWh → kg/kWh (× 0.001). */
export function scaleSeries(series: HourlySeries, factor: number, unit: string): HourlySeries {
  return { ...series, unit, values: series.values.map((x) => x * factor) };
}

/** The hours [startMs, startMs + hours) of a series, NaN where it has none. */
export function sliceSeries(series: HourlySeries, startMs: number, hours: number): HourlySeries {
  if (startMs % MS_PER_HOUR !== 0) throw new InputError('startMs', startMs, 'must be on the hour');
  const out = new Float64Array(hours).fill(NaN);
  const offset = (startMs - series.startMs) / MS_PER_HOUR;
  for (let i = 0; i < hours; i++) {
    const j = offset + i;
    if (j >= 0 && j < series.values.length) out[i] = series.values[j]!;
  }
  return { ...series, startMs, values: out };
}

export function isoHour(ms: number): string {
  return new Date(ms).toISOString().replace(':00.000Z', 'Z');
}

/** 52 weeks: the period that keeps the day of the week and the hour of the day. */
const WEEKS_52_HOURS = 52 * 7 * 24;

/**
 * A series for [fromMs, toMs) made from a recorded year: each hour takes the recorded value of the
 * hour a whole number of 52-week periods away, so weekdays, hours of the day and (to within a week
 * a year) seasons line up. For pricing live jobs from a typical year when no live feed is configured.
 */
export function repeatWeekly(series: HourlySeries, fromMs: number, toMs: number): HourlySeries {
  hourlySeries(series);
  if (series.values.length < WEEKS_52_HOURS)
    throw new InputError('series', series.name, `must hold at least 52 weeks (${WEEKS_52_HOURS} hours)`);
  if (!(toMs > fromMs)) throw new InputError('toMs', toMs, 'must be after fromMs');
  const startMs = Math.floor(fromMs / MS_PER_HOUR) * MS_PER_HOUR;
  const hours = Math.ceil((toMs - startMs) / MS_PER_HOUR);
  const values = new Float64Array(hours);
  const offset = Math.round((startMs - series.startMs) / MS_PER_HOUR);
  for (let h = 0; h < hours; h++) {
    const k = (((offset + h) % WEEKS_52_HOURS) + WEEKS_52_HOURS) % WEEKS_52_HOURS;
    values[h] = series.values[k]!;
  }
  return { ...series, startMs, values };
}
