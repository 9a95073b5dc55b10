import { InputError, atLeast, finite, nonNegative } from './errors';
import {
  MS_PER_HOUR,
  fillGaps,
  hourlySeries,
  scaleSeries,
  seriesIndex,
  type HourlySeries,
} from './series';

/** Power usage effectiveness: one figure, or twelve by UTC calendar month (January first). */
export type Pue = number | { monthly: readonly number[] };

export type TimeOfUsePeriod = {
  /** Local hour the period starts (inclusive, 0–23). */
  fromHour: number;
  /** Local hour it ends (exclusive, 1–24); smaller than fromHour for a period that wraps midnight. */
  toHour: number;
  perKWh: number;
  days?: 'all' | 'weekdays' | 'weekends';
};

export type Tariff =
  | { kind: 'flat'; perKWh: number }
  | {
      kind: 'time-of-use';
      /** Fixed offset from UTC to the tariff's local time; daylight saving is not modelled. */
      utcOffsetHours: number;
      periods: readonly TimeOfUsePeriod[];
      /** Price in hours no period covers. */
      otherwisePerKWh: number;
    }
  /** An hourly series in the site's currency per kWh (see `tariffFromPriceSeries`). */
  | { kind: 'hourly'; series: HourlySeries };

export type GridCarbon =
  { kind: 'constant'; kgPerKWh: number } | { kind: 'hourly'; series: HourlySeries };

export type Site = {
  id: string;
  name: string;
  /** ISO 4217 code of every money figure at this site. */
  currency: string;
  pue: Pue;
  tariff: Tariff;
  /** Location-based grid intensity, kgCO2e per kWh. */
  carbon: GridCarbon;
};

export function pueAt(pue: Pue, tMs: number): number {
  if (typeof pue === 'number') return pue;
  return pue.monthly[new Date(tMs).getUTCMonth()]!;
}

export function priceAt(tariff: Tariff, tMs: number): number {
  switch (tariff.kind) {
    case 'flat':
      return tariff.perKWh;
    case 'hourly': {
      const v = tariff.series.values[seriesIndex(tariff.series, tMs)]!;
      if (Number.isNaN(v))
        throw new InputError(
          'tariff',
          new Date(tMs).toISOString(),
          'has no price for this hour; fill the gaps first',
        );
      return v;
    }
    case 'time-of-use': {
      const local = new Date(tMs + tariff.utcOffsetHours * MS_PER_HOUR);
      const hour = local.getUTCHours();
      const day = local.getUTCDay();
      const weekend = day === 0 || day === 6;
      for (const p of tariff.periods) {
        const days = p.days ?? 'all';
        if ((days === 'weekdays' && weekend) || (days === 'weekends' && !weekend)) continue;
        const inside =
          p.fromHour < p.toHour
            ? hour >= p.fromHour && hour < p.toHour
            : hour >= p.fromHour || hour < p.toHour;
        if (inside) return p.perKWh;
      }
      return tariff.otherwisePerKWh;
    }
  }
}

export function carbonAt(carbon: GridCarbon, tMs: number): number {
  if (carbon.kind === 'constant') return carbon.kgPerKWh;
  const v = carbon.series.values[seriesIndex(carbon.series, tMs)]!;
  if (Number.isNaN(v))
    throw new InputError(
      'carbon',
      new Date(tMs).toISOString(),
      'has no intensity for this hour; fill the gaps first',
    );
  return v;
}

/** Check every field of a site once, so the loops that use it need not. */
export function validateSite(site: Site): Site {
  if (!/^[A-Z]{3}$/.test(site.currency))
    throw new InputError('currency', site.currency, 'must be an ISO 4217 code such as USD');
  validatePue(site.pue);
  const t = site.tariff;
  if (t.kind === 'flat') finite('tariff.perKWh', t.perKWh);
  else if (t.kind === 'time-of-use') {
    finite('tariff.utcOffsetHours', t.utcOffsetHours);
    finite('tariff.otherwisePerKWh', t.otherwisePerKWh);
    t.periods.forEach((p, i) => {
      if (!(Number.isInteger(p.fromHour) && p.fromHour >= 0 && p.fromHour <= 23))
        throw new InputError(
          `tariff.periods[${i}].fromHour`,
          p.fromHour,
          'must be a whole hour 0–23',
        );
      if (
        !(Number.isInteger(p.toHour) && p.toHour >= 1 && p.toHour <= 24) ||
        p.toHour === p.fromHour
      ) {
        throw new InputError(
          `tariff.periods[${i}].toHour`,
          p.toHour,
          'must be a whole hour 1–24 other than fromHour',
        );
      }
      finite(`tariff.periods[${i}].perKWh`, p.perKWh);
    });
  } else {
    hourlySeries(t.series);
    if (t.series.currency && t.series.currency !== site.currency) {
      throw new InputError(
        'tariff.series.currency',
        t.series.currency,
        `must match the site currency ${site.currency}`,
      );
    }
    if (!/\/kWh$/.test(t.series.unit))
      throw new InputError(
        'tariff.series.unit',
        t.series.unit,
        'must be per kWh (see tariffFromPriceSeries)',
      );
  }
  if (site.carbon.kind === 'constant') nonNegative('carbon.kgPerKWh', site.carbon.kgPerKWh);
  else {
    hourlySeries(site.carbon.series);
    if (site.carbon.series.unit !== 'kgCO2e/kWh')
      throw new InputError(
        'carbon.series.unit',
        site.carbon.series.unit,
        'must be kgCO2e/kWh (see carbonFromIntensitySeries)',
      );
  }
  return site;
}

export function validatePue(pue: Pue): Pue {
  if (typeof pue === 'number') {
    atLeast('pue', pue, 1);
    return pue;
  }
  if (!Array.isArray(pue.monthly) || pue.monthly.length !== 12)
    throw new InputError('pue.monthly', pue.monthly, 'must hold 12 values');
  pue.monthly.forEach((v, i) => atLeast(`pue.monthly[${i}]`, v, 1));
  return pue;
}

/**
 * A wholesale series per MWh (as the grid files give it) → an hourly tariff per kWh in the same
 * currency, gaps filled with the previous hour, plus an optional adder for network charges and levies.
 */
export function tariffFromPriceSeries(perMWh: HourlySeries, adderPerKWh = 0): Tariff {
  finite('adderPerKWh', adderPerKWh);
  if (!/\/MWh$/.test(perMWh.unit))
    throw new InputError('series.unit', perMWh.unit, 'must be per MWh');
  const perKWh = scaleSeries(fillGaps(perMWh), 0.001, `${perMWh.currency ?? ''}/kWh`);
  if (adderPerKWh !== 0) perKWh.values.forEach((v, i, a) => (a[i] = v + adderPerKWh));
  return { kind: 'hourly', series: perKWh };
}

/** A gCO2eq/kWh series (as the grid files give it) → kgCO2e/kWh, gaps filled. */
export function carbonFromIntensitySeries(gPerKWh: HourlySeries): GridCarbon {
  if (!/^gCO2(eq|e)?\/kWh$/.test(gPerKWh.unit))
    throw new InputError('series.unit', gPerKWh.unit, 'must be gCO2eq/kWh');
  return { kind: 'hourly', series: scaleSeries(fillGaps(gPerKWh), 0.001, 'kgCO2e/kWh') };
}

export type HourlyProfile = {
  startMs: number;
  price: Float64Array;
  pue: Float64Array;
  carbon: Float64Array;
};

/** Price, PUE and carbon for each hour of [startMs, startMs + hours), for the tight loops that need arrays. */
export function hourlyProfile(site: Site, startMs: number, hours: number): HourlyProfile {
  if (startMs % MS_PER_HOUR !== 0) throw new InputError('startMs', startMs, 'must be on the hour');
  const price = new Float64Array(hours);
  const pue = new Float64Array(hours);
  const carbon = new Float64Array(hours);
  for (let h = 0; h < hours; h++) {
    const t = startMs + h * MS_PER_HOUR;
    price[h] = priceAt(site.tariff, t);
    pue[h] = pueAt(site.pue, t);
    carbon[h] = carbonAt(site.carbon, t);
  }
  return { startMs, price, pue, carbon };
}

/** Mean price and carbon of a site over its hourly data (or the constants), for estimates with no start time. */
export function siteMeans(site: Site): { pricePerKWh: number; kgPerKWh: number; pue: number } {
  const mean = (v: Float64Array) => {
    let s = 0;
    let n = 0;
    for (const x of v)
      if (!Number.isNaN(x)) {
        s += x;
        n++;
      }
    return s / n;
  };
  const t = site.tariff;
  let pricePerKWh: number;
  if (t.kind === 'flat') pricePerKWh = t.perKWh;
  else if (t.kind === 'hourly') pricePerKWh = mean(t.series.values);
  else {
    // Average over a whole week so weekday and weekend periods both count.
    let s = 0;
    for (let h = 0; h < 168; h++) s += priceAt(t, Date.UTC(2024, 0, 1) + h * MS_PER_HOUR);
    pricePerKWh = s / 168;
  }
  const kgPerKWh =
    site.carbon.kind === 'constant' ? site.carbon.kgPerKWh : mean(site.carbon.series.values);
  const pue =
    typeof site.pue === 'number' ? site.pue : site.pue.monthly.reduce((a, b) => a + b, 0) / 12;
  return { pricePerKWh, kgPerKWh, pue };
}
