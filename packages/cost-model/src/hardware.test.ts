import { describe, expect, it } from 'vitest';

import { amortisedCostPerHour } from './hardware';

describe('amortisedCostPerHour', () => {
  it('spreads capex less residual over the hours of the life', () => {
    // A $30,000 GPU over 4 years with $2,000 left: 28,000 / 35,040 h = 0.79909 $/h.
    expect(amortisedCostPerHour({ capex: 30_000, lifeYears: 4, residualValue: 2_000 })).toBeCloseTo(0.79909, 5);
    // $8,760 over one year costs exactly $1 an hour.
    expect(amortisedCostPerHour({ capex: 8_760, lifeYears: 1 })).toBe(1);
  });

  it('names the field that is out of range', () => {
    expect(() => amortisedCostPerHour({ capex: 1, lifeYears: 0 })).toThrow(/lifeYears/);
    expect(() => amortisedCostPerHour({ capex: -1, lifeYears: 1 })).toThrow(/capex/);
    expect(() => amortisedCostPerHour({ capex: 1, lifeYears: 1, residualValue: 2 })).toThrow(/residualValue/);
  });
});
