import { describe, expect, it } from 'vitest';

import { MS_PER_HOUR, type HourlySeries } from './series';
import {
  carbonAt,
  carbonFromIntensitySeries,
  hourlyProfile,
  priceAt,
  pueAt,
  siteMeans,
  tariffFromPriceSeries,
  validateSite,
  type Site,
  type Tariff,
} from './site';

const monday = Date.UTC(2024, 0, 1); // a Monday, 00:00 UTC
const tou: Tariff = {
  kind: 'time-of-use',
  utcOffsetHours: 1,
  periods: [
    { fromHour: 22, toHour: 6, perKWh: 0.08 },
    { fromHour: 17, toHour: 20, perKWh: 0.3, days: 'weekdays' },
  ],
  otherwisePerKWh: 0.15,
};

describe('site', () => {
  it('time-of-use: local hours, periods that wrap midnight, weekday-only peaks', () => {
    // 21:00 UTC Monday is 22:00 local: night rate.
    expect(priceAt(tou, monday + 21 * MS_PER_HOUR)).toBe(0.08);
    // 04:00 UTC is 05:00 local: still night. 05:00 UTC is 06:00 local: day.
    expect(priceAt(tou, monday + 4 * MS_PER_HOUR)).toBe(0.08);
    expect(priceAt(tou, monday + 5 * MS_PER_HOUR)).toBe(0.15);
    // 17:00 UTC Monday = 18:00 local: peak; the same on Saturday is not.
    expect(priceAt(tou, monday + 17 * MS_PER_HOUR)).toBe(0.3);
    expect(priceAt(tou, monday + (5 * 24 + 17) * MS_PER_HOUR)).toBe(0.15);
  });

  it('monthly PUE by UTC month', () => {
    const pue = { monthly: [1.1, 1.1, 1.2, 1.2, 1.3, 1.4, 1.5, 1.5, 1.3, 1.2, 1.1, 1.1] };
    expect(pueAt(pue, Date.UTC(2024, 6, 15))).toBe(1.5);
    expect(pueAt(1.3, 0)).toBe(1.3);
  });

  it('hourly series: MWh → kWh, gaps filled from the hour before', () => {
    const perMWh: HourlySeries = {
      name: 'DE-LU',
      unit: 'EUR/MWh',
      currency: 'EUR',
      startMs: monday,
      values: Float64Array.from([100, NaN, -20]),
    };
    const t = tariffFromPriceSeries(perMWh, 0.05);
    expect(priceAt(t, monday + MS_PER_HOUR)).toBeCloseTo(0.15, 12);
    expect(priceAt(t, monday + 2 * MS_PER_HOUR)).toBeCloseTo(0.03, 12);
    expect(() => priceAt(t, monday + 3 * MS_PER_HOUR)).toThrow(
      /^t "2024-01-01T03:00:00.000Z" is outside/,
    );
    const c = carbonFromIntensitySeries({
      name: 'DE-LU',
      unit: 'gCO2eq/kWh',
      startMs: monday,
      values: Float64Array.from([300, 400]),
    });
    expect(carbonAt(c, monday + MS_PER_HOUR)).toBeCloseTo(0.4, 12);
  });

  it('profiles and means for a whole site', () => {
    const site: Site = {
      id: 'x',
      name: 'x',
      currency: 'EUR',
      pue: 1.2,
      tariff: tou,
      carbon: { kind: 'constant', kgPerKWh: 0.3 },
    };
    const p = hourlyProfile(site, monday, 48);
    expect(p.price[21]).toBe(0.08);
    expect(p.pue[0]).toBe(1.2);
    const m = siteMeans(site);
    // A week: 8 night hours a day, 3 peak hours on 5 weekdays, the rest at 0.15.
    expect(m.pricePerKWh).toBeCloseTo(
      (7 * 8 * 0.08 + 5 * 3 * 0.3 + (168 - 56 - 15) * 0.15) / 168,
      12,
    );
  });

  it('names every bad field', () => {
    const ok: Site = {
      id: 'x',
      name: 'x',
      currency: 'EUR',
      pue: 1.2,
      tariff: { kind: 'flat', perKWh: 0.1 },
      carbon: { kind: 'constant', kgPerKWh: 0.3 },
    };
    expect(() => validateSite({ ...ok, pue: { monthly: [1.2] } })).toThrow(/pue.monthly/);
    expect(() =>
      validateSite({
        ...ok,
        pue: { monthly: [1.2, 1.2, 1.2, 1.2, 1.2, 0.9, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2] },
      }),
    ).toThrow(/pue.monthly\[5\] 0.9/);
    expect(() =>
      validateSite({
        ...ok,
        tariff: { ...tou, periods: [{ fromHour: 25, toHour: 2, perKWh: 1 }] } as Tariff,
      }),
    ).toThrow(/tariff.periods\[0\].fromHour 25/);
    expect(() => validateSite({ ...ok, carbon: { kind: 'constant', kgPerKWh: -1 } })).toThrow(
      /carbon.kgPerKWh -1/,
    );
    const usd: HourlySeries = {
      name: 'p',
      unit: 'USD/kWh',
      currency: 'USD',
      startMs: monday,
      values: new Float64Array(2),
    };
    expect(() => validateSite({ ...ok, tariff: { kind: 'hourly', series: usd } })).toThrow(
      /tariff.series.currency "USD" must match the site currency EUR/,
    );
  });
});
