import { describe, expect, it } from 'vitest';

import { findAccelerator } from './catalog/accelerators';
import { MS_PER_HOUR } from './series';
import type { FacilityInput } from './tco';
import { applyLever, whatIf } from './whatif';

const start = Date.UTC(2024, 2, 1);
const hours = 720;
const baseline: FacilityInput = {
  site: {
    id: 's',
    name: 'test',
    currency: 'USD',
    pue: 1.5,
    tariff: { kind: 'flat', perKWh: 0.1 },
    carbon: { kind: 'constant', kgPerKWh: 0.4 },
  },
  period: { startMs: start, endMs: start + hours * MS_PER_HOUR },
  hardware: {
    items: [
      {
        name: 'HGX H100',
        count: 4,
        unitCapex: 300_000,
        lifeYears: 4,
        gpusPerUnit: 8,
        accelerator: 'h100-sxm5-80gb',
      },
    ],
  },
  itLoad: { kind: 'gpus', busyW: 700, idleW: 75, utilisation: 0.5, overheadWPerGpu: 150 },
  operations: { staffFte: 3, costPerFteYear: 150_000 },
  storage: {
    tiers: { hot: { tb: 500, pricePerTbMonth: 20 }, cold: { tb: 0, pricePerTbMonth: 4 } },
  },
  bandwidth: { egressTb: 100, pricePerTb: 50, cdnPricePerTb: 10 },
};
// 32 GPUs; per GPU 0.5 × (700 + 150) + 0.5 × (75 + 150) = 537.5 W.
const itKWh = (32 * 537.5 * hours) / 1000;

describe('whatIf', () => {
  it('PUE 1.5 → 1.2 scales facility energy and its cost by 1.2 / 1.5', () => {
    const r = whatIf(baseline, [{ kind: 'pue', value: 1.2 }]);
    expect(r.baseline.itEnergyKWh).toBeCloseTo(itKWh, 6);
    expect(r.delta.energy).toBeCloseTo(itKWh * 0.1 * (1.2 - 1.5), 6);
    expect(r.delta.hardware).toBe(0);
    expect(r.levers[0]!.why).toMatch(/PUE → 1.2/);
  });

  it('powering down half the idle time removes half the idle and host draw of idle GPUs', () => {
    const r = whatIf(baseline, [{ kind: 'power-down-idle', share: 0.5 }]);
    // Idle GPU time 0.5; half of it off: 32 × 0.25 × 225 W × 720 h.
    expect(r.delta.facilityEnergyKWh).toBeCloseTo((-32 * 0.25 * 225 * hours * 1.5) / 1000, 6);
  });

  it('8-bit inference on 60 % of busy time: utilisation 0.5 → 0.35', () => {
    const { input } = applyLever(baseline, { kind: 'quantise', to: 'fp8', inferenceShare: 0.6 });
    expect(input.itLoad.kind === 'gpus' && input.itLoad.utilisation).toBeCloseTo(0.35, 12);
  });

  it('tiering half the hot data to cold saves 250 TB × (20 − 4) per month', () => {
    const r = whatIf(baseline, [{ kind: 'storage-tiering', moveShare: 0.5 }]);
    expect(r.delta.storage).toBeCloseTo(-250 * 16 * (720 / 730), 6);
  });

  it('CDN offload and ops automation change only their own parts', () => {
    const r = whatIf(baseline, [
      { kind: 'cdn-offload', share: 0.4 },
      { kind: 'ops-automation', share: 0.2 },
    ]);
    expect(r.delta.bandwidth).toBeCloseTo(-40 * (50 - 10), 9);
    expect(r.delta.operations).toBeCloseTo(-3 * 150_000 * 0.2 * (720 / 8760), 6);
    // Independent levers add up.
    expect(r.delta.total).toBeCloseTo(r.levers[0]!.alone.total + r.levers[1]!.alone.total, 6);
  });

  it('newer hardware does the same work on fewer accelerators', () => {
    const r = whatIf(baseline, [{ kind: 'hardware', to: 'B200' }]);
    const ratio =
      findAccelerator('B200').peakFlops.bf16! / findAccelerator('H100 SXM').peakFlops.bf16!;
    expect(r.scenario.gpuCount).toBe(8 * Math.ceil(4 / ratio));
    expect(r.levers[0]!.why).toMatch(/H100.*B200/);
  });

  it('renewable contracts lower market-based CO2e only', () => {
    const r = whatIf(baseline, [{ kind: 'renewable-share', value: 0.7 }]);
    expect(r.delta.total).toBe(0);
    expect(r.delta.locationKg).toBe(0);
    expect(r.delta.marketKg).toBeCloseTo(-0.7 * r.baseline.co2e.locationKg, 6);
  });

  it('names what a lever needs', () => {
    const constant: FacilityInput = { ...baseline, itLoad: { kind: 'constant', kW: 10 } };
    expect(() => whatIf(constant, [{ kind: 'power-down-idle', share: 0.5 }])).toThrow(
      /itLoad.kind "constant"/,
    );
    expect(() => whatIf(baseline, [{ kind: 'pue', value: 0.5 }])).toThrow(/pue 0.5/);
    expect(() =>
      whatIf(baseline, [{ kind: 'storage-tiering', moveShare: 0.5, to: 'archive' }]),
    ).toThrow(/toPricePerTbMonth/);
  });
});
