import { InputError, fraction, nonNegative, positive } from './errors';

/**
 * Scope 2, market-based (GHG Protocol Scope 2 Guidance, 2015): energy covered by contractual
 * instruments (PPAs, RECs/GOs) counts at the instrument's factor (0 for renewables); the rest at the
 * residual mix. Where no residual mix is known the guidance allows the grid average as a fallback,
 * which double counts the renewables others claimed — `usedFallback` says when that happened.
 */
export function marketBasedKg(input: {
  energyKWh: number;
  /** Location-based emissions of the same energy (the fallback for the uncovered share). */
  locationKg: number;
  renewableShare?: number;
  residualMixKgPerKWh?: number;
}): { kg: number; usedFallback: boolean } {
  const e = nonNegative('energyKWh', input.energyKWh);
  const share = fraction('renewableShare', input.renewableShare ?? 0);
  if (input.residualMixKgPerKWh !== undefined) {
    return {
      kg: (1 - share) * e * nonNegative('residualMixKgPerKWh', input.residualMixKgPerKWh),
      usedFallback: false,
    };
  }
  return { kg: (1 - share) * nonNegative('locationKg', input.locationKg), usedFallback: true };
}

/**
 * Embodied emissions charged to a use: the share of the device's life it took, times the share of
 * the device it held (ISO/IEC 21031 SCI's M = TE × TS × RS).
 */
export function embodiedShareKg(input: {
  totalEmbodiedKg: number;
  lifeHours: number;
  usedHours: number;
  resourceShare?: number;
}): number {
  const te = nonNegative('totalEmbodiedKg', input.totalEmbodiedKg);
  const life = positive('lifeHours', input.lifeHours);
  const used = nonNegative('usedHours', input.usedHours);
  const rs = fraction('resourceShare', input.resourceShare ?? 1);
  return te * (used / life) * rs;
}

/**
 * Software Carbon Intensity (ISO/IEC 21031:2024): SCI = (E · I + M) / R, in kgCO2e per functional
 * unit R (a request, a training run, a million tokens…). E·I is location-based by design: the SCI
 * does not let market instruments lower the score.
 */
export function sci(input: {
  energyKWh: number;
  intensityKgPerKWh: number;
  embodiedKg: number;
  functionalUnits: number;
}): number {
  const e = nonNegative('energyKWh', input.energyKWh);
  const i = nonNegative('intensityKgPerKWh', input.intensityKgPerKWh);
  const m = nonNegative('embodiedKg', input.embodiedKg);
  const r = input.functionalUnits;
  if (!(r > 0) || !Number.isFinite(r))
    throw new InputError('functionalUnits', r, 'must be a finite number > 0');
  return (e * i + m) / r;
}
