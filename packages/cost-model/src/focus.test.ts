import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';

import { allocate } from './allocate';
import { FOCUS_COLUMNS, focusCsv } from './focus';
import { MS_PER_HOUR } from './series';
import { usageColumns } from './usage';

const t0 = Date.UTC(2024, 4, 1);
const allocation = (idlePolicy: 'none' | 'weighted') =>
  allocate({
    usage: usageColumns([
      {
        job: 'job_1',
        team: 'vision',
        project: 'p',
        node: 'node_1',
        startMs: t0,
        endMs: t0 + 10 * MS_PER_HOUR,
        gpusRequested: 2,
        gpusUsed: 2,
        energyKWh: 6,
        energyMeasured: true,
      },
      {
        job: 'job_2',
        team: 'speech, "beta"',
        project: 'p',
        node: 'node_2',
        startMs: t0 + 20 * MS_PER_HOUR,
        endMs: t0 + 30 * MS_PER_HOUR,
        gpusRequested: 1,
        gpusUsed: 1,
        energyKWh: 3,
        energyMeasured: false,
      },
    ]),
    period: { startMs: t0, hours: 48 },
    groupBy: 'team',
    facility: {
      currency: 'EUR',
      gpuCount: 4,
      hardwarePerGpuHour: 0.9,
      itKWhPerHour: new Float64Array(48).fill(1.5),
      pricePerKWh: 0.21,
      pue: 1.3,
      operations: 100,
      storage: 10,
      bandwidth: 5,
    },
    idlePolicy,
    sharedPolicy: 'proportional',
  });

describe('focusCsv', () => {
  it('writes FOCUS 1.0 columns whose BilledCost adds up to the facility total', () => {
    for (const idle of ['none', 'weighted'] as const) {
      const a = allocation(idle);
      const csv = focusCsv(a, {
        billingAccountId: 'dc-1',
        providerName: 'Wattwise DC',
        regionId: 'DE-LU',
      });
      const parsed = Papa.parse<Record<string, string>>(csv, {
        header: true,
        skipEmptyLines: true,
      });
      expect(parsed.errors).toEqual([]);
      expect(parsed.meta.fields!.slice(0, FOCUS_COLUMNS.length)).toEqual([...FOCUS_COLUMNS]);
      const billed = parsed.data.reduce((s, r) => s + Number(r.BilledCost), 0);
      expect(Math.abs(billed - a.facility.total)).toBeLessThanOrEqual(1e-9 * a.facility.total);
      for (const r of parsed.data) {
        expect(r.BillingCurrency).toBe('EUR');
        expect(r.ChargePeriodStart).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        expect(['Compute', 'Management and Governance', 'Storage', 'Networking']).toContain(
          r.ServiceCategory,
        );
        expect(() => JSON.parse(r.Tags!)).not.toThrow();
      }
      const unallocated = parsed.data.filter((r) => r.SubAccountId === 'unallocated');
      expect(unallocated.length > 0).toBe(idle === 'none');
    }
  });

  it('quotes names with commas and quotes, and labels energy as measured or modelled', () => {
    const csv = focusCsv(allocation('weighted'), {
      billingAccountId: 'dc-1',
      providerName: 'Wattwise DC',
    });
    const rows = Papa.parse<Record<string, string>>(csv, {
      header: true,
      skipEmptyLines: true,
    }).data;
    const energy = rows.filter((r) => r.x_CostPart === 'energy');
    expect(energy.find((r) => r.SubAccountId === 'vision')!.x_EnergySource).toBe('measured');
    expect(energy.find((r) => r.SubAccountId === 'speech, "beta"')!.x_EnergySource).toBe(
      'modelled',
    );
    const hw = rows.find((r) => r.x_CostPart === 'hardware' && r.SubAccountId === 'vision')!;
    expect(hw.ConsumedUnit).toBe('GPU-Hours');
    expect(Number(hw.ConsumedQuantity)).toBeCloseTo(20, 9);
    expect(Number(hw.BilledCost)).toBeCloseTo(18, 9);
  });

  it('names a missing account', () => {
    expect(() => focusCsv(allocation('none'), { billingAccountId: '', providerName: 'x' })).toThrow(
      /billingAccountId/,
    );
  });
});
