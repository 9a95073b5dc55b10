import { describe, expect, it } from 'vitest';

import { overviewCsv, overviewCsvName } from './overview-csv';
import type { OverviewSummary } from './overview-figures';

const point = {
  start: '2025-03-03T00:00:00.000Z',
  hardware: 240,
  energy: 14.4,
  operations: 48,
  storage: 12,
  bandwidth: 6,
  total: 320.4,
  jobsCost: 192,
  idleCost: 104.4,
  sharedCost: 24,
  itKWh: 120,
  facilityKWh: 144,
  co2eKg: 57.6,
  hours: 24,
  gpus: 10,
  gpusAllocated: 6,
  gpusUsed: 4,
};

const summary = {
  scope: 'facility',
  currency: 'EUR',
  bucket: 'day',
  window: {
    from: '2025-03-03T00:00:00.000Z',
    to: '2025-03-04T00:00:00.000Z',
    hours: 24,
    granularity: 'day',
  },
  series: [point],
  forecast: {
    points: [{ start: '2025-03-04T00:00:00.000Z', expected: 324, low: null, high: null }],
  },
} as unknown as OverviewSummary;

describe('overview CSV', () => {
  it('has a row per bucket, then the forecast, at full precision', () => {
    const lines = overviewCsv(summary).trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    const header = lines[0]!.split(',');
    const row = Object.fromEntries(lines[1]!.split(',').map((v, i) => [header[i], v]));
    expect(row).toMatchObject({
      start: point.start,
      kind: 'actual',
      currency: 'EUR',
      total: '320.4',
      idle_cost: '104.4',
      hours: '24',
    });
    const parts = ['hardware', 'energy', 'operations', 'storage', 'bandwidth'].map((k) =>
      Number(row[k]),
    );
    expect(parts.reduce((a, b) => a + b, 0)).toBeCloseTo(Number(row.total), 9);
    const forecast = Object.fromEntries(lines[2]!.split(',').map((v, i) => [header[i], v]));
    expect(forecast).toMatchObject({
      kind: 'forecast',
      total: '',
      forecast_expected: '324',
      forecast_low: '',
    });
  });

  it('names the file after what it holds', () => {
    expect(overviewCsvName(summary)).toBe('overview-facility-2025-03-03-to-2025-03-04-day.csv');
  });
});
