import { describe, expect, it } from 'vitest';

import { GRID_ZONES } from './grid';
import { gridSite, readCarbonIntensity, readPrice, readPrices } from './node';
import { isoHour, seriesStats } from './series';

// Check values from shared/data/README.md, computed from the files by the people who collected them.
const MEAN_DIRECT: Record<string, number> = {
  'US-CAL-CISO': 194.0,
  'US-TEX-ERCO': 316.7,
  'US-MIDA-PJM': 321.8,
  'US-NY-NYIS': 209.7,
  'DE-LU': 307.7,
  GB: 128.6,
  SG: 369.2,
};
const MEAN_LCA: Record<string, number> = {
  'US-CAL-CISO': 260.7,
  'US-TEX-ERCO': 380.5,
  'US-MIDA-PJM': 392.4,
  'US-NY-NYIS': 277.8,
  'DE-LU': 367.0,
  GB: 187.5,
  SG: 488.1,
};

describe('bundled grid data', () => {
  it.each(GRID_ZONES.map((z) => z.id))(
    '%s: 8,760 hours of 2023 with the published mean intensity',
    (zone) => {
      const direct = readCarbonIntensity(zone);
      expect(direct.name).toBe(zone);
      expect(direct.values.length).toBe(8760);
      expect(isoHour(direct.startMs)).toBe('2023-01-01T00:00Z');
      const s = seriesStats(direct);
      expect(s.missing).toBe(0);
      expect(s.mean).toBeCloseTo(MEAN_DIRECT[zone]!, 1);
      expect(seriesStats(readCarbonIntensity(zone, 'lca')).mean).toBeCloseTo(MEAN_LCA[zone]!, 1);
    },
  );

  it('DE-LU 2023 prices: mean 95.20 EUR/MWh, minimum −500.00 at 2023-07-02 14:00 local (12:00 UTC)', () => {
    const de = readPrice('DE-LU')!;
    expect(de.currency).toBe('EUR');
    expect(de.unit).toBe('EUR/MWh');
    const s = seriesStats(de);
    expect(s.mean).toBeCloseTo(95.2, 2);
    expect(s.min).toBe(-500);
    expect(isoHour(s.minAtMs)).toBe('2023-07-02T12:00Z');
    expect(s.missing).toBe(2);
  });

  it('keeps each region in its native currency and the documented gaps', () => {
    const byName = Object.fromEntries(readPrices().map((p) => [p.name, p]));
    expect(Object.keys(byName).sort()).toEqual([
      'DE-LU',
      'SG',
      'US-CAL-CISO',
      'US-MIDA-PJM',
      'US-NY-NYIS',
      'US-TEX-ERCO',
    ]);
    expect(byName.SG!.currency).toBe('SGD');
    expect(byName['US-TEX-ERCO']!.currency).toBe('USD');
    const missing = (n: string) => seriesStats(byName[n]!).missing;
    expect([
      missing('US-TEX-ERCO'),
      missing('US-MIDA-PJM'),
      missing('US-NY-NYIS'),
      missing('SG'),
    ]).toEqual([6, 24, 5, 8]);
    expect(readPrice('GB')).toBeNull();
  });

  it('CAISO: cheapest hours of the day fall in the solar afternoon, 19–21 UTC, as the data notes say', () => {
    const caiso = readPrice('CAISO')!;
    const byHour = new Array(24).fill(0);
    const n = new Array(24).fill(0);
    caiso.values.forEach((v, i) => {
      if (Number.isNaN(v)) return;
      byHour[i % 24] += v;
      n[i % 24]++;
    });
    const means = byHour.map((s, h) => s / n[h]);
    const cheapest = means.indexOf(Math.min(...means));
    expect(cheapest).toBeGreaterThanOrEqual(19);
    expect(cheapest).toBeLessThanOrEqual(21);
  });

  it('builds a site with an hourly tariff per kWh in EUR and carbon in kg/kWh', () => {
    const site = gridSite('DE', { pue: 1.2 });
    expect(site.currency).toBe('EUR');
    expect(site.tariff.kind).toBe('hourly');
    if (site.tariff.kind === 'hourly') expect(seriesStats(site.tariff.series).missing).toBe(0);
    expect(() => gridSite('GB', { pue: 1.2 })).toThrow(/tariff.*GB/);
  });
});
