import type { Site } from '@wattwise/cost-model';

/** A site whose price repeats every day: price(hour of day) per kWh, ten days of history before 2023. */
export function hourlyPriceSite(price: (hourOfDay: number) => number, kgPerKWh = 0.4): Site {
  const startMs = Date.UTC(2022, 11, 22);
  const values = Float64Array.from({ length: 24 * 60 }, (_, h) => price(h % 24));
  return {
    id: 'daily',
    name: 'daily pattern',
    currency: 'USD',
    pue: 1,
    tariff: {
      kind: 'hourly',
      series: { name: 'daily', unit: 'USD/kWh', currency: 'USD', startMs, values },
    },
    carbon: { kind: 'constant', kgPerKWh },
  };
}
