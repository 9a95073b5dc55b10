import { describe, expect, it } from 'vitest';

import { findAccelerator } from './catalog/accelerators';
import { ESTIMATE_DEFAULTS, estimateJob } from './estimate';

// Patterson et al. 2021, "Carbon Emissions and Large Neural Network Training", Table 4, GPT-3:
// 10,000 V100 for 14.8 days at 330 W average, PUE 1.1 → about 1,287 MWh; at 0.429 kgCO2e/kWh about
// 552 tCO2e. 175 B parameters × 300 B tokens.
const gpt3 = {
  accelerator: 'V100',
  count: 10_000,
  days: 14.8,
  powerW: 330,
  pue: 1.1,
  gridKgPerKWh: 0.429,
};

describe('estimateJob — Patterson et al. 2021, GPT-3', () => {
  it('energy ≈ 1,287 MWh and CO2e ≈ 552 t, within 1 %', () => {
    const e = estimateJob(gpt3);
    expect(e.gpuHours).toBeCloseTo(10_000 * 14.8 * 24, 6);
    expect(Math.abs(e.facilityEnergyKWh / 1_287_000 - 1)).toBeLessThan(0.01);
    expect(Math.abs(e.co2eKg / 552_000 - 1)).toBeLessThan(0.01);
    expect(e.sources.power.label).toBe('measured');
    expect(e.sources.duration.label).toBe('measured');
    expect(e.flops).toBeNull();
  });

  it('6·N·D = 3.15e23 FLOPs, and with the 14.8 days it implies about 20 % MFU on V100 fp16', () => {
    const e = estimateJob({ ...gpt3, params: 175e9, tokens: 300e9 });
    expect(e.flops).toBeCloseTo(3.15e23, -20);
    expect(e.sources.flops!.label).toBe('modelled');
    expect(e.precision).toBe('fp16');
    // 3.15e23 / (10,000 × 125e12 × 14.8 × 86,400 s)
    expect(e.mfu).toBeCloseTo(3.15e23 / (10_000 * 125e12 * 14.8 * 86_400), 12);
    expect(e.mfu!).toBeGreaterThan(0.19);
    expect(e.mfu!).toBeLessThan(0.21);
  });
});

describe('estimateJob', () => {
  it('from FLOPs and MFU: duration = FLOPs / (count × peak × MFU), range from the MFU span', () => {
    const e = estimateJob({ accelerator: 'H100 SXM', count: 8, flops: 1e21 });
    const peak = findAccelerator('H100 SXM').peakFlops.bf16!;
    const at = (m: number) => 1e21 / (8 * peak * m * 3600);
    expect(e.precision).toBe('bf16');
    expect(e.hours).toBeCloseTo(at(0.4), 9);
    expect(e.ranges.hours.low).toBeCloseTo(at(0.5), 9);
    expect(e.ranges.hours.high).toBeCloseTo(at(0.3), 9);
    // Rated TDP 700 W, range down to 60 %.
    expect(e.powerW).toBe(700);
    expect(e.ranges.powerW).toEqual({ low: 420, high: 700 });
    expect(e.ranges.itEnergyKWh.low).toBeCloseTo((8 * 420 * at(0.5)) / 1000, 9);
    expect(e.ranges.itEnergyKWh.high).toBeCloseTo((8 * 700 * at(0.3)) / 1000, 9);
    expect(e.sources.power.label).toBe('rated');
    expect(e.sources.duration.label).toBe('modelled');
    expect(e.pue).toBe(ESTIMATE_DEFAULTS.pue.value);
  });

  it('prices hardware from the catalogue over four years, energy at the price, and adds the parts', () => {
    const e = estimateJob({
      accelerator: 'A100 80GB',
      count: 4,
      gpuHours: 1000,
      powerW: 300,
      pue: 1.2,
      pricePerKWh: 0.1,
    });
    expect(e.hours).toBe(250);
    expect(e.cost.hardware).toBeCloseTo((1000 * 15_000) / (4 * 8760), 9);
    expect(e.cost.energy).toBeCloseTo(1000 * 0.3 * 1.2 * 0.1, 9);
    expect(e.cost.total).toBeCloseTo(e.cost.hardware + e.cost.energy, 9);
    expect(e.cost.currency).toBe('USD');
  });

  it('from measured energy: power is implied and everything is labelled measured', () => {
    const e = estimateJob({
      accelerator: 'L40S',
      count: 2,
      hours: 10,
      measuredItEnergyKWh: 5,
      pue: 1.3,
      gridKgPerKWh: 0.2,
    });
    expect(e.powerW).toBe(250);
    expect(e.facilityEnergyKWh).toBeCloseTo(6.5, 12);
    expect(e.co2eKg).toBeCloseTo(1.3, 12);
    expect(e.sources.energy.label).toBe('measured');
  });

  it('names the missing or contradictory input', () => {
    expect(() => estimateJob({ accelerator: 'V100' })).toThrow(/^work is missing/);
    expect(() => estimateJob({ accelerator: 'V100', params: 1e9 })).toThrow(/^tokens is required/);
    expect(() =>
      estimateJob({ accelerator: 'V100', flops: 1e20, params: 1e9, tokens: 1e9 }),
    ).toThrow(/^flops \d+ contradicts params and tokens/);
    expect(() => estimateJob({ accelerator: 'V100', days: 1, gpuHours: 5 })).toThrow(
      /^days 1 contradicts gpuHours/,
    );
    expect(() => estimateJob({ accelerator: 'V100', flops: 1e20, days: 1, mfu: 0.3 })).toThrow(
      /^mfu 0.3 contradicts/,
    );
    expect(() => estimateJob({ accelerator: 'V100', flops: 1e30, days: 1 })).toThrow(
      /^flops 1e\+30 needs MFU/,
    );
    expect(() => estimateJob({ accelerator: 'V100', flops: 1e20, precision: 'bf16' })).toThrow(
      /^precision "bf16" is not a rate/,
    );
    expect(() => estimateJob({ accelerator: 'A100', days: 1 })).toThrow(/^gpu "A100" is ambiguous/);
    expect(() => estimateJob({ accelerator: 'V100', days: 1, pue: 0.8 })).toThrow(/^pue 0.8 must/);
    expect(() => estimateJob({ accelerator: 'V100', days: 1, count: -2 })).toThrow(
      /^count -2 must/,
    );
    expect(() => estimateJob({ accelerator: 'V100', days: 1, currency: 'EUR' })).toThrow(
      /^pricePerKWh is required/,
    );
    expect(() =>
      estimateJob({ accelerator: 'V100', days: 1, currency: 'EUR', pricePerKWh: 0.2 }),
    ).toThrow(/^fxPerUsd is required/);
    expect(() =>
      estimateJob({ accelerator: 'V100', hours: 1, measuredItEnergyKWh: 1, powerW: 3 }),
    ).toThrow(/^powerW 3 contradicts/);
  });

  it('a cloud-only part has no purchase price and says so', () => {
    const e = estimateJob({ accelerator: 'TPU v4', count: 4, days: 1 });
    expect(e.cost.hardware).toBe(0);
    expect(e.sources.hardware.note).toMatch(/not sold/);
  });
});
