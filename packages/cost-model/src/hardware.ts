import { InputError, nonNegative, positive } from './errors';

export type AmortisationInput = {
  /** Purchase price, in the site's currency. */
  capex: number;
  lifeYears: number;
  /** Value left at the end of life, in the same currency (default 0). */
  residualValue?: number;
  /** Annual cost of capital (e.g. 0.08 for 8 %); 0 or absent for straight-line only. */
  costOfCapital?: number;
};

export type HourlyCapitalCost = {
  /** Straight-line depreciation: (capex − residual) / life. */
  depreciation: number;
  /** What the money tied up in the asset costs: the annuity payment less depreciation. */
  costOfCapital: number;
  total: number;
};

export const HOURS_PER_YEAR = 8760;

/**
 * Hourly cost of owning an asset. Without a cost of capital this is straight-line depreciation; with
 * one it is the equivalent annual cost (capital recovery factor), so that buying is comparable with
 * renting, and the interest part is reported on its own.
 */
export function capitalCostPerHour(input: AmortisationInput): HourlyCapitalCost {
  const { capex, lifeYears, residualValue = 0, costOfCapital = 0 } = input;
  nonNegative('capex', capex);
  positive('lifeYears', lifeYears);
  if (!(residualValue >= 0 && residualValue <= capex)) {
    throw new InputError('residualValue', residualValue, `must be between 0 and capex (${capex})`);
  }
  nonNegative('costOfCapital', costOfCapital);
  const depreciationPerYear = (capex - residualValue) / lifeYears;
  let annual = depreciationPerYear;
  if (costOfCapital > 0) {
    const r = costOfCapital;
    const discount = Math.pow(1 + r, -lifeYears);
    annual = ((capex - residualValue * discount) * r) / (1 - discount);
  }
  const depreciation = depreciationPerYear / HOURS_PER_YEAR;
  const total = annual / HOURS_PER_YEAR;
  return { depreciation, costOfCapital: total - depreciation, total };
}

/** Straight-line amortisation: (capex − residual) spread evenly over every hour of the asset's life. */
export function amortisedCostPerHour(input: AmortisationInput): number {
  return capitalCostPerHour(input).total;
}
