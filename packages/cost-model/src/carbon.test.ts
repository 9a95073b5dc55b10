import { describe, expect, it } from 'vitest';

import { embodiedShareKg, marketBasedKg, sci } from './carbon';

describe('marketBasedKg', () => {
  it('counts covered energy at zero and the rest at the residual mix', () => {
    // 1,000 kWh, 60 % under a PPA, residual mix 0.5 kg/kWh → 400 kWh × 0.5 = 200 kg.
    expect(
      marketBasedKg({
        energyKWh: 1000,
        locationKg: 400,
        renewableShare: 0.6,
        residualMixKgPerKWh: 0.5,
      }),
    ).toEqual({ kg: 200, usedFallback: false });
  });

  it('falls back to the grid average and says so', () => {
    expect(marketBasedKg({ energyKWh: 1000, locationKg: 400, renewableShare: 0.25 })).toEqual({
      kg: 300,
      usedFallback: true,
    });
  });

  it('names a share out of range', () => {
    expect(() => marketBasedKg({ energyKWh: 1, locationKg: 1, renewableShare: 1.5 })).toThrow(
      /renewableShare.*1.5/,
    );
  });
});

describe('sci', () => {
  it('is (E·I + M) / R', () => {
    // 2 kWh at 0.4 kg/kWh plus 0.2 kg embodied over 1,000 requests = 0.001 kg/request.
    expect(
      sci({ energyKWh: 2, intensityKgPerKWh: 0.4, embodiedKg: 0.2, functionalUnits: 1000 }),
    ).toBeCloseTo(0.001, 12);
    expect(() =>
      sci({ energyKWh: 1, intensityKgPerKWh: 1, embodiedKg: 0, functionalUnits: 0 }),
    ).toThrow(/functionalUnits/);
  });
});

describe('embodiedShareKg', () => {
  it('charges the share of life and of the device used', () => {
    // A 1,500 kg server over 4 years (35,040 h): one GPU of 8 for 24 h = 1500 × 24/35040 × 1/8.
    expect(
      embodiedShareKg({
        totalEmbodiedKg: 1500,
        lifeHours: 35_040,
        usedHours: 24,
        resourceShare: 1 / 8,
      }),
    ).toBeCloseTo((1500 * 24) / 35_040 / 8, 12);
    expect(() => embodiedShareKg({ totalEmbodiedKg: 1, lifeHours: 0, usedHours: 1 })).toThrow(
      /lifeHours/,
    );
  });
});
