import { describe, expect, it } from 'vitest';

import { downsample, telemetryRows } from './jobs-telemetry';

const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();

describe('telemetryRows', () => {
  it('makes one column per GPU and keeps missing readings as null', () => {
    const table = telemetryRows([
      {
        seq: 0,
        at: at(0),
        gpus: [{ index: 1, powerW: 200, util: 90, memoryMiB: 1000 }],
        cpuW: 30,
        method: 'nvml-energy',
      },
      {
        seq: 1,
        at: at(5),
        gpus: [
          { index: 0, powerW: 100, util: 50, memoryMiB: null },
          { index: 1, powerW: 210, util: 95, memoryMiB: 1000 },
        ],
        cpuW: null,
        method: 'nvml-energy',
      },
    ]);
    expect(table.gpuIndices).toEqual([0, 1]);
    expect(table.hasCpu).toBe(true);
    expect(table.rows.map((r) => r.t)).toEqual([0, 5]);
    expect(table.rows[0]).toMatchObject({ gpu0W: null, gpu1W: 200, cpuW: 30 });
    expect(table.rows[1]).toMatchObject({ gpu0Util: 50, gpu1Util: 95, gpu0MiB: null, cpuW: null });
  });
});

describe('downsample', () => {
  it('averages equal buckets and keeps short series as they are', () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ t: i, at: at(i), cpuW: i }));
    expect(downsample(rows, 20)).toEqual(rows);
    const five = downsample(rows, 5);
    expect(five.map((r) => r.t)).toEqual([0, 2, 4, 6, 8]);
    expect(five.map((r) => r.cpuW)).toEqual([0.5, 2.5, 4.5, 6.5, 8.5]);
  });

  it('ignores nulls inside a bucket', () => {
    const rows = [
      { t: 0, at: at(0), cpuW: null },
      { t: 1, at: at(1), cpuW: 4 },
      { t: 2, at: at(2), cpuW: null },
      { t: 3, at: at(3), cpuW: null },
    ];
    expect(downsample(rows, 2).map((r) => r.cpuW)).toEqual([4, null]);
  });
});
