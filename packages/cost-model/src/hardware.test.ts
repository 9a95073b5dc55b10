import { describe, expect, it } from 'vitest';

import { amortisedCostPerHour, capitalCostPerHour } from './hardware';

describe('amortisedCostPerHour', () => {
  it('spreads capex less residual over the hours of the life', () => {
    // A $30,000 GPU over 4 years with $2,000 left: 28,000 / 35,040 h = 0.79909 $/h.
    expect(amortisedCostPerHour({ capex: 30_000, lifeYears: 4, residualValue: 2_000 })).toBeCloseTo(
      0.79909,
      5,
    );
    // $8,760 over one year costs exactly $1 an hour.
    expect(amortisedCostPerHour({ capex: 8_760, lifeYears: 1 })).toBe(1);
  });

  it('names the field that is out of range', () => {
    expect(() => amortisedCostPerHour({ capex: 1, lifeYears: 0 })).toThrow(/lifeYears/);
    expect(() => amortisedCostPerHour({ capex: -1, lifeYears: 1 })).toThrow(/capex/);
    expect(() => amortisedCostPerHour({ capex: 1, lifeYears: 1, residualValue: 2 })).toThrow(
      /residualValue/,
    );
  });
});

describe('capitalCostPerHour', () => {
  it('adds the cost of capital as the annuity less depreciation', () => {
    // Capital recovery factor at 10 % over 5 years is 0.263797 (standard annuity tables), so 10,000
    // costs 2,637.97 a year: 2,000 depreciation and 637.97 interest.
    const c = capitalCostPerHour({ capex: 10_000, lifeYears: 5, costOfCapital: 0.1 });
    expect(c.total * 8760).toBeCloseTo(2637.97, 2);
    expect(c.depreciation * 8760).toBeCloseTo(2000, 9);
    expect(c.costOfCapital * 8760).toBeCloseTo(637.97, 2);
  });

  it('is straight-line without a cost of capital', () => {
    const c = capitalCostPerHour({ capex: 8760, lifeYears: 1 });
    expect(c).toEqual({ depreciation: 1, costOfCapital: 0, total: 1 });
  });

  it('names a bad cost of capital', () => {
    expect(() => capitalCostPerHour({ capex: 1, lifeYears: 1, costOfCapital: -0.1 })).toThrow(
      /costOfCapital.*-0.1/,
    );
  });
});
