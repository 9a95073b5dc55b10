import { describe, expect, it } from 'vitest';

import { hourlyTotals, parseBillDetail, partShare } from './jobs-bill';

describe('parseBillDetail', () => {
  it('reads the lines, hourly rows, range and hours that the server stores', () => {
    const detail = {
      lines: {
        energy: {
          formula: 'Σ hours itKWh × PUE × price = 0.5 USD',
          inputs: [{ name: 'IT energy', value: 2, unit: 'kWh', label: 'measured', source: 'RAPL' }],
        },
      },
      hourly: [{ hourStartMs: 0, itKWh: 2, pue: 1.25, pricePerKWh: 0.2, kgPerKWh: 0.3, cost: 0.5 }],
      range: null,
      hours: 1,
    };
    const parsed = parseBillDetail(detail);
    expect(parsed.lines.energy?.inputs[0]?.source).toBe('RAPL');
    expect(parsed.hourly).toHaveLength(1);
    expect(parsed.range).toBeNull();
    expect(parsed.hours).toBe(1);
  });

  it('shows nothing rather than failing on a detail it cannot read', () => {
    expect(parseBillDetail({ lines: 'x' })).toEqual({
      lines: {},
      hourly: [],
      range: null,
      hours: null,
    });
    expect(parseBillDetail(null).hourly).toEqual([]);
  });
});

describe('partShare and hourlyTotals', () => {
  it('gives shares of a positive total only and adds the hourly rows', () => {
    expect(partShare(1, 4)).toBe(0.25);
    expect(partShare(0, 0)).toBeNull();
    const row = { hourStartMs: 0, itKWh: 1, pue: 1, pricePerKWh: 1, kgPerKWh: 1, cost: 2 };
    expect(hourlyTotals([row, { ...row, itKWh: 0.5, cost: 1 }])).toEqual({ itKWh: 1.5, cost: 3 });
  });
});
