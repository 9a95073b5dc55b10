import { MS_PER_HOUR, seasonalNaiveForecast } from '@wattwise/cost-model';
import { gridSite } from '@wattwise/cost-model/node';
import { describe, expect, it } from 'vitest';

import { flatSite } from '../test/helpers';
import { hourlyPriceSite } from '../test/sites';
import { DEFAULT_TIMING } from './policy';
import { HourlyRates } from './rates';
import { planStart } from './timing';

describe('HourlyRates', () => {
  it('integrates price × PUE and carbon × PUE over any interval', () => {
    const site = hourlyPriceSite((h) => h / 100);
    const start = Date.UTC(2023, 0, 1, 0, 30);
    const rates = new HourlyRates(site, start);
    // 1 kW from 00:30 to 02:30: ½ h at 0.00, 1 h at 0.01, ½ h at 0.02.
    expect(rates.cost(1000, 0, 7200)).toBeCloseTo(0.5 * 0 + 1 * 0.01 + 0.5 * 0.02, 12);
    expect(rates.co2e(1000, 0, 7200)).toBeCloseTo(2 * 0.4, 12);
    expect(rates.facilityKWh(1000, 0, 7200)).toBeCloseTo(2, 12);
    expect(rates.iso(1800)).toBe('2023-01-01T01:00Z');
  });

  it('forecasts like cost-model’s seasonal-naive forecast', () => {
    const site = gridSite('DE-LU', { pue: 1.2 });
    const rates = new HourlyRates(site, Date.UTC(2023, 2, 1));
    const now = 5 * 3600 + 1234;
    const series = site.tariff.kind === 'hourly' ? site.tariff.series : null;
    const reference = seasonalNaiveForecast(series!, {
      nowMs: Date.UTC(2023, 2, 1) + now * 1000,
      horizonHours: 48,
    });
    const first = rates.hourOf(now) + 1;
    for (let k = 0; k < 48; k++) {
      expect(reference.startMs + k * MS_PER_HOUR).toBe(
        Date.UTC(2023, 2, 1) + (first + k) * MS_PER_HOUR,
      );
      expect(rates.forecast(first + k, now).price).toBeCloseTo(reference.values[k]!, 12);
    }
  });

  it('wraps past the end of an hourly series and says so', () => {
    const site = gridSite('US-CAL-CISO', { pue: 1.2 });
    const rates = new HourlyRates(site, Date.UTC(2023, 11, 31));
    // Hour 24 is 2024-01-01 00:00, past the 2023 series: it is read as 2023-01-01 00:00.
    expect(rates.priceAtHour(24)).toBe(rates.rawPrice(Date.UTC(2023, 0, 1)));
    expect(rates.wrapped).toBe(true);
  });
});

describe('planStart', () => {
  it('lands in the cheapest hour inside the window, and no later than the latest start', () => {
    const site = hourlyPriceSite((h) => (h === 3 ? 0.01 : h === 9 ? 0.005 : 0.2));
    const rates = new HourlyRates(site, Date.UTC(2023, 0, 1));
    const config = { ...DEFAULT_TIMING, carbonPricePerTonne: 0 };
    expect(planStart(rates, 0, 0, 8 * 3600, 3600, 1000, config).start).toBe(3 * 3600);
    expect(planStart(rates, 0, 0, 9 * 3600, 3600, 1000, config).start).toBe(9 * 3600);
    expect(planStart(rates, 0, 0, 2 * 3600, 3600, 1000, config).start).toBe(0);
    const p = planStart(rates, 0, 0, 8 * 3600, 3600, 1000, config);
    expect(p.costNow).toBeCloseTo(0.2, 12);
    expect(p.cost).toBeCloseTo(0.01, 12);
    expect(p.reason).toBe(
      'starts 2023-01-01T03:00Z, saves USD 0.19 and 0.00 kgCO2e by forecast against starting at 2023-01-01T00:00Z',
    );
  });

  it('weighs carbon by its price', () => {
    // Flat price; intensity lowest at 05:00. With a carbon price the job moves there.
    const base = hourlyPriceSite(() => 0.1);
    const site = {
      ...base,
      carbon: {
        kind: 'hourly' as const,
        series: {
          name: 'c',
          unit: 'kgCO2e/kWh',
          startMs: Date.UTC(2022, 11, 22),
          values: Float64Array.from({ length: 24 * 60 }, (_, h) => (h % 24 === 5 ? 0.1 : 0.5)),
        },
      },
    };
    const rates = new HourlyRates(site, Date.UTC(2023, 0, 1));
    expect(
      planStart(rates, 0, 0, 10 * 3600, 3600, 10_000, {
        ...DEFAULT_TIMING,
        carbonPricePerTonne: 100,
      }).start,
    ).toBe(5 * 3600);
    expect(
      planStart(rates, 0, 0, 10 * 3600, 3600, 10_000, { ...DEFAULT_TIMING, carbonPricePerTonne: 0 })
        .start,
    ).toBe(0);
  });

  it('does not defer for a flat site', () => {
    const rates = new HourlyRates(flatSite(), Date.UTC(2023, 0, 1));
    const p = planStart(rates, 0, 0, 20 * 3600, 3600, 1000, DEFAULT_TIMING);
    expect(p.start).toBe(0);
    expect(p.reason).toMatch(
      /^runs at 2023-01-01T00:00Z: no start before 2023-01-01T20:00Z is forecast to save 5 % and USD 0\.05$/,
    );
  });
});
