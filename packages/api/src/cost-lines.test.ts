import { billJob, type Site } from '@wattwise/cost-model';
import { describe, expect, it } from 'vitest';

import { dailyCost, hourlyCost } from './cost-lines';

const H = 3_600_000;
const T0 = Date.UTC(2024, 4, 1, 10); // 10:00Z
const site: Site = {
  id: 's',
  name: 's',
  currency: 'USD',
  pue: 1.5,
  tariff: { kind: 'flat', perKWh: 0.2 },
  carbon: { kind: 'constant', kgPerKWh: 0.4 },
};

describe('hourlyCost', () => {
  it('takes energy from the bill’s hours and spreads the rest by time held, attempts overlapping', () => {
    // Two attempts: 10:30–11:30 (1 kWh) and 11:00–12:15 (0.75 kWh); one T4 and 2 cores held.
    const spans = [
      { startMs: T0 + 0.5 * H, endMs: T0 + 1.5 * H },
      { startMs: T0 + H, endMs: T0 + 2.25 * H },
    ];
    const bill = billJob({
      site,
      intervals: [
        { ...spans[0]!, itEnergyKWh: 1, method: 'nvml-energy' },
        { ...spans[1]!, itEnergyKWh: 0.75, method: 'nvml-energy' },
      ],
      accelerator: { name: 'T4', count: 1 },
      cpuCores: 2,
      hardware: { cpuCorePerHour: 0.01 },
      operations: { perGpuHour: 0.5 },
    });
    const hours = hourlyCost(bill, spans, 1);
    expect(hours.map((p) => (p.startMs - T0) / H)).toEqual([0, 1, 2]);
    // Held: 30 min at 10:00, 30 + 60 at 11:00, 15 at 12:00: 135 minutes in all.
    const held = [30, 90, 15];
    // Each attempt's energy evenly over its time: 0.5 | 0.5 + 0.6 | 0.15 kWh.
    const kWh = [0.5, 1.1, 0.15];
    hours.forEach((p, i) => {
      expect(p.itKWh).toBeCloseTo(kWh[i]!, 12);
      expect(p.facilityKWh).toBeCloseTo(kWh[i]! * 1.5, 12);
      expect(p.energy).toBeCloseTo(kWh[i]! * 1.5 * 0.2, 12);
      expect(p.co2eKg).toBeCloseTo(kWh[i]! * 1.5 * 0.4, 12);
      expect(p.hardware).toBeCloseTo((bill.parts.hardware * held[i]!) / 135, 12);
      expect(p.operations).toBeCloseTo((0.5 * held[i]!) / 60, 12);
      expect(p.gpuHours).toBeCloseTo(held[i]! / 60, 12);
      expect(p.total).toBeCloseTo(p.hardware + p.energy + p.operations, 12);
    });
    expect(hours.reduce((s, p) => s + p.total, 0)).toBeCloseTo(bill.total, 12);
  });

  it('puts a job that held nothing for any time in the hour it started', () => {
    const at = T0 + 0.25 * H;
    const bill = billJob({
      site,
      intervals: [{ startMs: at, endMs: at, itEnergyKWh: 0, method: 'nvml-energy' }],
      accelerator: { name: 'T4', count: 1 },
    });
    const hours = hourlyCost(bill, [{ startMs: at, endMs: at }], 1);
    expect(hours).toHaveLength(1);
    expect(hours[0]).toMatchObject({ startMs: T0, total: 0, gpuHours: 0 });
  });
});

describe('dailyCost', () => {
  it('sums hours into UTC days', () => {
    const night = Date.UTC(2024, 4, 1, 23);
    const span = { startMs: night, endMs: night + 3 * H };
    const bill = billJob({
      site,
      intervals: [{ ...span, itEnergyKWh: 3, method: 'nvml-energy' }],
      operations: { perGpuHour: 1 },
      accelerator: { name: 'T4', count: 2 },
    });
    const days = dailyCost(hourlyCost(bill, [span], 2));
    expect(days.map((d) => new Date(d.startMs).toISOString())).toEqual([
      '2024-05-01T00:00:00.000Z',
      '2024-05-02T00:00:00.000Z',
    ]);
    expect(days.map((d) => d.itKWh)).toEqual([1, 2]);
    expect(days[0]!.operations).toBeCloseTo(2, 12);
    expect(days[1]!.operations).toBeCloseTo(4, 12);
    expect(days[1]!.gpuHours).toBeCloseTo(4, 12);
    expect(days[0]!.total + days[1]!.total).toBeCloseTo(bill.total, 12);
  });
});
