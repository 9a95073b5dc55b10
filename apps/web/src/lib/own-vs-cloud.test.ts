import { CLOUD_OFFERS, estimateJob } from '@wattwise/cost-model';
import { describe, expect, it } from 'vitest';

import { cloudEstimates, offerId, ownBreakEven } from './own-vs-cloud';

const input = { accelerator: 'h100-sxm5-80gb', count: 8, gpuHours: 1000 };

describe('cloudEstimates', () => {
  it('prices the same run at each offer of its accelerator, rent including energy and operations', () => {
    const own = estimateJob({ ...input, operationsPerGpuHour: 0.5, storageCost: 100 });
    const clouds = cloudEstimates({ ...input, operationsPerGpuHour: 0.5, storageCost: 100 }, own);
    expect(clouds.map((c) => c.offer.instance).sort()).toEqual(['ND96isr_H100_v5', 'p5.48xlarge']);
    for (const c of clouds) {
      expect(c.perGpuHour).toBeCloseTo(98.32 / 8, 9);
      expect(c.estimate.cost.hardware).toBeCloseTo(1000 * (98.32 / 8), 6);
      expect(c.estimate.cost.energy).toBe(0);
      expect(c.estimate.cost.operations).toBe(0);
      expect(c.estimate.cost.storage).toBe(100);
      expect(c.estimate.cost.total).toBeCloseTo(1000 * (98.32 / 8) + 100, 6);
      // The same run: time, energy and carbon do not depend on who owns the GPUs.
      expect(c.estimate.facilityEnergyKWh).toBe(own.facilityEnergyKWh);
      expect(c.estimate.co2eKg).toBe(own.co2eKg);
      expect(c.estimate.sources.hardware.note).toMatch(/on-demand 98.32 USD per hour ÷ 8 GPUs/);
    }
  });

  it('is empty for an accelerator no cloud offers', () => {
    const own = estimateJob({ accelerator: 'mi300x', days: 1 });
    expect(cloudEstimates({ accelerator: 'mi300x', days: 1 }, own)).toEqual([]);
  });

  it('gives every offer a distinct id', () => {
    const ids = CLOUD_OFFERS.map(offerId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(offerId(CLOUD_OFFERS[0]!)).toBe('aws-p3dn-24xlarge');
  });
});

describe('ownBreakEven', () => {
  it('is fixed ÷ (cloud − variable) per GPU-hour', () => {
    const own = estimateJob(input);
    const [cloud] = cloudEstimates(input, own);
    const fixed = own.cost.hardware / own.gpuHours;
    const variable = own.cost.energy / own.gpuHours;
    expect(ownBreakEven(own, cloud!)).toBeCloseTo(fixed / (98.32 / 8 - variable), 12);
  });
});
