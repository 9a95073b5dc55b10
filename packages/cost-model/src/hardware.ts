export type AmortisationInput = {
  /** Purchase price, in the site's currency. */
  capex: number;
  lifeYears: number;
  /** Value left at the end of life, in the same currency (default 0). */
  residualValue?: number;
};

const HOURS_PER_YEAR = 8760;

/** Straight-line amortisation: (capex − residual) spread evenly over every hour of the asset's life. */
export function amortisedCostPerHour({ capex, lifeYears, residualValue = 0 }: AmortisationInput): number {
  if (!(capex >= 0)) throw new RangeError(`capex: must be ≥ 0, got ${capex}`);
  if (!(lifeYears > 0)) throw new RangeError(`lifeYears: must be > 0, got ${lifeYears}`);
  if (!(residualValue >= 0 && residualValue <= capex)) {
    throw new RangeError(`residualValue: must be between 0 and capex (${capex}), got ${residualValue}`);
  }
  return (capex - residualValue) / (lifeYears * HOURS_PER_YEAR);
}
