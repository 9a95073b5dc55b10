import { describe, expect, it } from 'vitest';

import { MS_PER_HOUR } from './series';
import type { Site } from './site';
import { facilityTco, type FacilityInput } from './tco';

const start = Date.UTC(2024, 0, 1);
const site: Site = {
  id: 's',
  name: 'test',
  currency: 'USD',
  pue: 1.5,
  tariff: { kind: 'flat', perKWh: 0.1 },
  carbon: { kind: 'constant', kgPerKWh: 0.4 },
};
const base: FacilityInput = {
  site,
  period: { startMs: start, endMs: start + 720 * MS_PER_HOUR },
  hardware: {
    items: [
      {
        name: 'HGX server',
        count: 1,
        unitCapex: 250_000,
        lifeYears: 4,
        gpusPerUnit: 8,
        embodiedKgPerUnit: 3_500,
      },
    ],
  },
  itLoad: { kind: 'constant', kW: 10 },
  operations: {
    staffFte: 1,
    costPerFteYear: 120_000,
    automationShare: 0.25,
    maintenanceShareOfCapexPerYear: 0.05,
    licencesPerYear: 12_000,
  },
  storage: { tiers: { hot: { tb: 100, pricePerTbMonth: 20 } }, compressionRatio: 2 },
  bandwidth: {
    egressTb: 10,
    pricePerTb: 50,
    cdnOffloadShare: 0.5,
    cdnPricePerTb: 10,
    interSiteTb: 5,
    interSitePricePerTb: 20,
  },
  carbon: { renewableShare: 0.5, functionalUnits: 1_000_000, functionalUnit: 'request' },
};

describe('facilityTco', () => {
  it('adds up five parts worked by hand for a 30-day month', () => {
    const r = facilityTco(base);
    const years = 720 / 8760;
    expect(r.parts.hardware).toBeCloseTo((250_000 / 35_040) * 720, 6);
    // 10 kW × 720 h = 7,200 kWh IT; × 1.5 = 10,800 kWh; × 0.10 = 1,080.
    expect(r.itEnergyKWh).toBeCloseTo(7200, 9);
    expect(r.facilityEnergyKWh).toBeCloseTo(10_800, 9);
    expect(r.parts.energy).toBeCloseTo(1080, 9);
    expect(r.detail.operations.staff).toBeCloseTo(120_000 * 0.75 * years, 6);
    expect(r.detail.operations.maintenance).toBeCloseTo(250_000 * 0.05 * years, 6);
    expect(r.detail.operations.licences).toBeCloseTo(12_000 * years, 6);
    // 100 TB compressed 2:1 = 50 TB × 20 × (720 / 730) months.
    expect(r.parts.storage).toBeCloseTo(50 * 20 * (720 / 730), 6);
    // 5 TB direct × 50 + 5 TB via CDN × 10 + 5 TB between sites × 20.
    expect(r.parts.bandwidth).toBeCloseTo(250 + 50 + 100, 9);
    const sum =
      r.parts.hardware + r.parts.energy + r.parts.operations + r.parts.storage + r.parts.bandwidth;
    expect(r.total).toBeCloseTo(sum, 9);
    expect(r.gpuHours).toBe(8 * 720);
    expect(r.perGpuHour.total).toBeCloseTo(sum / 5760, 9);
    expect(r.perItKWh).toBeCloseTo(sum / 7200, 9);
  });

  it('reports location- and market-based CO2e and the SCI per request', () => {
    const r = facilityTco(base);
    expect(r.co2e.locationKg).toBeCloseTo(10_800 * 0.4, 9);
    expect(r.co2e.marketKg).toBeCloseTo(10_800 * 0.4 * 0.5, 9);
    expect(r.co2e.marketUsedFallback).toBe(true);
    const embodied = (3_500 * 720) / 35_040;
    expect(r.co2e.embodiedKg).toBeCloseTo(embodied, 9);
    expect(r.sci!.perUnit).toBeCloseTo((10_800 * 0.4 + embodied) / 1e6, 12);
    expect(
      facilityTco({ ...base, carbon: { renewableShare: 0.5, residualMixKgPerKWh: 0.6 } }).co2e,
    ).toMatchObject({ marketKg: 10_800 * 0.5 * 0.6, marketUsedFallback: false });
  });

  it('integrates an hourly tariff and a monthly PUE hour by hour, partial hours pro rata', () => {
    const prices = Float64Array.from({ length: 48 }, (_, h) => (h % 24 < 12 ? 0.05 : 0.2));
    const r = facilityTco({
      ...base,
      site: {
        ...site,
        pue: { monthly: [1.2, 1.4, 1.4, 1.4, 1.4, 1.4, 1.4, 1.4, 1.4, 1.4, 1.4, 1.4] },
        tariff: {
          kind: 'hourly',
          series: { name: 'p', unit: 'USD/kWh', currency: 'USD', startMs: start, values: prices },
        },
      },
      period: { startMs: start + 0.5 * MS_PER_HOUR, endMs: start + 24 * MS_PER_HOUR },
    });
    // Half of hour 0 and hours 1–11 at 0.05, hours 12–23 at 0.20, all at PUE 1.2 (January), 10 kW.
    expect(r.parts.energy).toBeCloseTo(10 * 1.2 * (11.5 * 0.05 + 12 * 0.2), 9);
  });

  it('models a GPU fleet: idle, busy, host overhead and idle nodes powered down', () => {
    const r = facilityTco({
      ...base,
      itLoad: {
        kind: 'gpus',
        busyW: 700,
        idleW: 100,
        utilisation: 0.6,
        overheadWPerGpu: 200,
        poweredDownIdleShare: 0.5,
      },
    });
    // Per GPU: 0.6 × 900 + 0.4 × 0.5 × 300 = 600 W; 8 GPUs → 4.8 kW × 720 h.
    expect(r.itEnergyKWh).toBeCloseTo(4.8 * 720, 9);
  });

  it('names every bad field', () => {
    expect(() => facilityTco({ ...base, period: { startMs: start, endMs: start } })).toThrow(
      /period.endMs/,
    );
    expect(() => facilityTco({ ...base, site: { ...site, pue: 0.9 } })).toThrow(/^pue 0.9 must/);
    expect(() => facilityTco({ ...base, site: { ...site, currency: 'usd' } })).toThrow(
      /currency.*"usd"/,
    );
    expect(() =>
      facilityTco({ ...base, storage: { tiers: { cold: { tb: -1, pricePerTbMonth: 1 } } } }),
    ).toThrow(/storage.tiers.cold.tb.*-1/);
    expect(() => facilityTco({ ...base, bandwidth: { cdnOffloadShare: 2 } })).toThrow(
      /cdnOffloadShare/,
    );
    expect(() =>
      facilityTco({ ...base, itLoad: { kind: 'metered', kWhPerHour: new Float64Array(3) } }),
    ).toThrow(/kWhPerHour/);
    expect(() =>
      facilityTco({
        ...base,
        hardware: { items: [{ name: 'x', count: 1, unitCapex: 1, lifeYears: -1 }] },
      }),
    ).toThrow(/lifeYears/);
  });
});
