import {
  defaultPrecision,
  findAccelerator,
  peakFlops,
  type Accelerator,
  type Precision,
} from './catalog/accelerators';
import { InputError, atLeast, fraction, nonNegative, positive } from './errors';
import { amortisedCostPerHour } from './hardware';
import type { Range, Source } from './sources';
import type { CostByPart } from './tco';

/**
 * Assumptions used when the caller gives nothing better. Each says where it comes from; every
 * estimate that uses one says so in its `sources`.
 */
export const ESTIMATE_DEFAULTS = {
  mfu: {
    value: 0.4,
    low: 0.3,
    high: 0.5,
    note: 'assumed model FLOPs utilisation 0.4 (0.3–0.5), the span reported for large dense transformer training (e.g. PaLM 46 %)',
  },
  pue: {
    value: 1.58,
    note: 'Uptime Institute Global Data Center Survey 2023: average annual PUE 1.58',
  },
  pricePerKWh: {
    value: 0.08,
    currency: 'USD',
    note: 'about 0.08 USD/kWh, the 2023 US average industrial retail price (EIA Electric Power Annual)',
  },
  gridKgPerKWh: {
    value: 0.48,
    note: 'about 0.48 kgCO2/kWh, the 2023 world average (Ember, Global Electricity Review 2024)',
  },
  hardwareLifeYears: 4,
  /** Training rarely holds a board at its limit; rated TDP is the top of the range, this share of it the bottom. */
  ratedPowerLowShare: 0.6,
} as const;

export type JobEstimateInput = {
  accelerator: Accelerator | string;
  /** Accelerators used together (default 1). */
  count?: number;
  /** Work: total FLOPs, or a dense transformer's parameters and training tokens (6·N·D). */
  flops?: number;
  params?: number;
  tokens?: number;
  /** Model FLOPs utilisation against the peak rate of `precision`; give a range with `mfuRange`. */
  mfu?: number;
  mfuRange?: Range;
  precision?: Precision;
  /** Duration, at most one of: accelerator-hours, wall-clock hours, wall-clock days. */
  gpuHours?: number;
  hours?: number;
  days?: number;
  /** Metered IT energy of the whole job, kWh (needs a duration). */
  measuredItEnergyKWh?: number;
  /** Average power per accelerator, W (default: catalogue TDP). Taken as measured. */
  powerW?: number;
  powerRangeW?: Range;
  pue?: number;
  gridKgPerKWh?: number;
  /** Energy price per kWh in `currency`. */
  pricePerKWh?: number;
  currency?: string;
  /** Units of `currency` per USD, to convert the catalogue's USD prices. */
  fxPerUsd?: number;
  hardwarePerGpuHour?: number;
  operationsPerGpuHour?: number;
  storageCost?: number;
  bandwidthCost?: number;
};

export type JobCost = CostByPart & { total: number; currency: string };

export type JobEstimate = {
  accelerator: { id: string; name: string };
  count: number;
  precision: Precision | null;
  flops: number | null;
  mfu: number | null;
  hours: number;
  days: number;
  gpuHours: number;
  powerW: number;
  itEnergyKWh: number;
  facilityEnergyKWh: number;
  pue: number;
  gridKgPerKWh: number;
  co2eKg: number;
  cost: JobCost;
  ranges: Record<
    'hours' | 'gpuHours' | 'powerW' | 'itEnergyKWh' | 'facilityEnergyKWh' | 'co2eKg' | 'costTotal',
    Range
  > & { mfu: Range | null };
  sources: Record<
    | 'duration'
    | 'power'
    | 'energy'
    | 'pue'
    | 'carbon'
    | 'price'
    | 'hardware'
    | 'operations'
    | 'storage'
    | 'bandwidth',
    Source
  > & { flops: Source | null };
};

function range(field: string, r: Range, check: (field: string, v: number) => number): Range {
  check(`${field}.low`, r.low);
  check(`${field}.high`, r.high);
  if (r.low > r.high)
    throw new InputError(`${field}.low`, r.low, `must not exceed ${field}.high (${r.high})`);
  return r;
}

const fmt = (x: number) =>
  Math.abs(x) >= 1e6 || (Math.abs(x) < 1e-3 && x !== 0)
    ? x.toExponential(3)
    : String(+x.toPrecision(6));

/**
 * A job's duration, energy, cost and CO2e from what is known of it: its FLOPs (or 6·N·D), or its
 * GPU-hours or wall-clock time, or its metered energy. Every figure says whether it was measured,
 * modelled or rated, and carries a range where an input (MFU, power) is uncertain.
 */
export function estimateJob(input: JobEstimateInput): JobEstimate {
  const acc =
    typeof input.accelerator === 'string' ? findAccelerator(input.accelerator) : input.accelerator;
  const count = positive('count', input.count ?? 1);

  // Work
  if (input.flops !== undefined && (input.params !== undefined || input.tokens !== undefined)) {
    throw new InputError('flops', input.flops, 'contradicts params and tokens; give one');
  }
  if ((input.params === undefined) !== (input.tokens === undefined)) {
    const missing = input.params === undefined ? 'params' : 'tokens';
    throw new InputError(
      missing,
      undefined,
      `is required with ${missing === 'params' ? 'tokens' : 'params'}`,
    );
  }
  let flops: number | null = null;
  let flopsSource: Source | null = null;
  if (input.flops !== undefined) {
    flops = positive('flops', input.flops);
    flopsSource = { label: 'modelled', note: `as given: ${fmt(flops)} FLOPs` };
  } else if (input.params !== undefined && input.tokens !== undefined) {
    flops = 6 * positive('params', input.params) * positive('tokens', input.tokens);
    flopsSource = {
      label: 'modelled',
      note: `6·N·D for a dense transformer: 6 × ${fmt(input.params)} × ${fmt(input.tokens)}`,
    };
  }

  // Duration
  const given = (['gpuHours', 'hours', 'days'] as const).filter((k) => input[k] !== undefined);
  if (given.length > 1)
    throw new InputError(given[1]!, input[given[1]!], `contradicts ${given[0]}; give one duration`);
  const precision =
    flops !== null ? (input.precision ?? defaultPrecision(acc)) : (input.precision ?? null);
  let hours: Range & { value: number };
  let mfu: (Range & { value: number }) | null = null;
  let durationSource: Source;
  if (given.length === 1) {
    const k = given[0]!;
    const v = positive(k, input[k]!);
    const h = k === 'gpuHours' ? v / count : k === 'days' ? v * 24 : v;
    hours = { value: h, low: h, high: h };
    durationSource = {
      label: 'measured',
      note: `as given: ${fmt(v)} ${k === 'gpuHours' ? 'GPU-hours' : k}${k === 'gpuHours' ? ` over ${count} accelerators` : ''}`,
    };
    if (flops !== null) {
      if (input.mfu !== undefined || input.mfuRange !== undefined) {
        throw new InputError(
          'mfu',
          input.mfu ?? input.mfuRange,
          `contradicts the FLOPs and ${k} given, which already fix the utilisation`,
        );
      }
      const implied = flops / (count * peakFlops(acc, precision!) * h * 3600);
      if (implied > 1) {
        throw new InputError(
          'flops',
          flops,
          `needs MFU ${implied.toFixed(2)} > 1 on ${count} × ${acc.name} (${precision}) in ${fmt(h)} h`,
        );
      }
      mfu = { value: implied, low: implied, high: implied };
    }
  } else if (flops !== null) {
    const peak = peakFlops(acc, precision!);
    if (input.mfu !== undefined) {
      const m = fraction('mfu', input.mfu);
      if (m === 0) throw new InputError('mfu', m, 'must be > 0');
      mfu = {
        value: m,
        ...(input.mfuRange ? range('mfuRange', input.mfuRange, fraction) : { low: m, high: m }),
      };
    } else {
      const d = ESTIMATE_DEFAULTS.mfu;
      mfu = {
        value: d.value,
        ...(input.mfuRange
          ? range('mfuRange', input.mfuRange, fraction)
          : { low: d.low, high: d.high }),
      };
    }
    if (!(mfu.low > 0)) throw new InputError('mfuRange.low', mfu.low, 'must be > 0');
    const at = (m: number) => flops! / (count * peak * m * 3600);
    hours = { value: at(mfu.value), low: at(mfu.high), high: at(mfu.low) };
    durationSource = {
      label: 'modelled',
      note: `FLOPs / (${count} × ${fmt(peak)} FLOP/s ${precision} peak × MFU ${mfu.value}); ${input.mfu === undefined ? ESTIMATE_DEFAULTS.mfu.note : 'MFU as given'}`,
    };
  } else if (input.measuredItEnergyKWh !== undefined) {
    throw new InputError(
      'hours',
      undefined,
      'is required with measuredItEnergyKWh (or give gpuHours or days)',
    );
  } else {
    throw new InputError(
      'work',
      undefined,
      'is missing: give flops, params and tokens, gpuHours, hours or days',
    );
  }

  // Power
  let power: Range & { value: number };
  let powerSource: Source;
  let energySource: Source;
  if (input.measuredItEnergyKWh !== undefined) {
    if (input.powerW !== undefined)
      throw new InputError('powerW', input.powerW, 'contradicts measuredItEnergyKWh; give one');
    const e = positive('measuredItEnergyKWh', input.measuredItEnergyKWh);
    const p = (e * 1000) / (count * hours.value);
    power = { value: p, low: p, high: p };
    powerSource = { label: 'measured', note: 'implied by the metered energy and duration' };
    energySource = { label: 'measured', note: `metered: ${fmt(e)} kWh` };
  } else if (input.powerW !== undefined) {
    const p = positive('powerW', input.powerW);
    power = {
      value: p,
      ...(input.powerRangeW
        ? range('powerRangeW', input.powerRangeW, positive)
        : { low: p, high: p }),
    };
    powerSource = { label: 'measured', note: `as given: ${p} W average per accelerator` };
    energySource = { label: 'modelled', note: 'count × average power × duration' };
  } else {
    const tdp = acc.tdpW;
    power = {
      value: tdp,
      ...(input.powerRangeW
        ? range('powerRangeW', input.powerRangeW, positive)
        : { low: tdp * ESTIMATE_DEFAULTS.ratedPowerLowShare, high: tdp }),
    };
    powerSource = {
      label: 'rated',
      note: `${acc.name} TDP ${tdp} W (${acc.source.title}); range down to ${ESTIMATE_DEFAULTS.ratedPowerLowShare * 100} %`,
    };
    energySource = { label: 'modelled', note: 'count × rated power × duration' };
  }

  // Facility and carbon
  const pue = atLeast('pue', input.pue ?? ESTIMATE_DEFAULTS.pue.value, 1);
  const grid = nonNegative(
    'gridKgPerKWh',
    input.gridKgPerKWh ?? ESTIMATE_DEFAULTS.gridKgPerKWh.value,
  );
  const currency = input.currency ?? 'USD';
  if (!/^[A-Z]{3}$/.test(currency))
    throw new InputError('currency', currency, 'must be an ISO 4217 code such as USD');
  if (input.pricePerKWh === undefined && currency !== ESTIMATE_DEFAULTS.pricePerKWh.currency) {
    throw new InputError(
      'pricePerKWh',
      undefined,
      `is required when the currency is ${currency} (the default price is in USD)`,
    );
  }
  const price = input.pricePerKWh ?? ESTIMATE_DEFAULTS.pricePerKWh.value;
  if (!Number.isFinite(price))
    throw new InputError('pricePerKWh', price, 'must be a finite number');

  const it = (p: number, h: number) => (count * p * h) / 1000;
  const itEnergy =
    input.measuredItEnergyKWh !== undefined
      ? {
          value: input.measuredItEnergyKWh,
          low: input.measuredItEnergyKWh,
          high: input.measuredItEnergyKWh,
        }
      : {
          value: it(power.value, hours.value),
          low: it(power.low, hours.low),
          high: it(power.high, hours.high),
        };
  const scale = (r: Range & { value: number }, k: number) => ({
    value: r.value * k,
    low: r.low * k,
    high: r.high * k,
  });
  const facility = scale(itEnergy, pue);
  const co2e = scale(facility, grid);
  const gpuHours = scale(hours, count);

  // Money
  let hardwareRate: number;
  let hardwareSource: Source;
  if (input.hardwarePerGpuHour !== undefined) {
    hardwareRate = nonNegative('hardwarePerGpuHour', input.hardwarePerGpuHour);
    hardwareSource = {
      label: 'modelled',
      note: `as given: ${hardwareRate} ${currency} per GPU-hour`,
    };
  } else if (acc.listPrice) {
    let fx = 1;
    if (currency !== 'USD') {
      if (input.fxPerUsd === undefined)
        throw new InputError(
          'fxPerUsd',
          undefined,
          `is required to turn the USD catalogue price into ${currency} (or give hardwarePerGpuHour)`,
        );
      fx = positive('fxPerUsd', input.fxPerUsd);
    }
    const years = ESTIMATE_DEFAULTS.hardwareLifeYears;
    hardwareRate = amortisedCostPerHour({ capex: acc.listPrice.usd * fx, lifeYears: years });
    hardwareSource = {
      label: 'rated',
      note: `${acc.listPrice.usd} USD per accelerator (${acc.listPrice.basis}, ${acc.listPrice.date}) straight-line over ${years} years; accelerator only, not host or network`,
    };
  } else {
    hardwareRate = 0;
    hardwareSource = {
      label: 'rated',
      note: `${acc.name} is not sold; no purchase price to amortise (give hardwarePerGpuHour, e.g. a cloud rate)`,
    };
  }
  const opsRate = nonNegative('operationsPerGpuHour', input.operationsPerGpuHour ?? 0);
  const storage = nonNegative('storageCost', input.storageCost ?? 0);
  const bandwidth = nonNegative('bandwidthCost', input.bandwidthCost ?? 0);
  const costAt = (gh: number, fe: number) =>
    gh * hardwareRate + fe * price + gh * opsRate + storage + bandwidth;
  const cost: JobCost = {
    hardware: gpuHours.value * hardwareRate,
    energy: facility.value * price,
    operations: gpuHours.value * opsRate,
    storage,
    bandwidth,
    total: costAt(gpuHours.value, facility.value),
    currency,
  };
  const givenOrNot = (v: number | undefined, what: string): Source =>
    v === undefined
      ? { label: 'modelled', note: `not given: 0 (pass ${what})` }
      : { label: 'modelled', note: `as given: ${v} ${currency}` };

  return {
    accelerator: { id: acc.id, name: acc.name },
    count,
    precision,
    flops,
    mfu: mfu?.value ?? null,
    hours: hours.value,
    days: hours.value / 24,
    gpuHours: gpuHours.value,
    powerW: power.value,
    itEnergyKWh: itEnergy.value,
    facilityEnergyKWh: facility.value,
    pue,
    gridKgPerKWh: grid,
    co2eKg: co2e.value,
    cost,
    ranges: {
      mfu: mfu ? { low: mfu.low, high: mfu.high } : null,
      hours: { low: hours.low, high: hours.high },
      gpuHours: { low: gpuHours.low, high: gpuHours.high },
      powerW: { low: power.low, high: power.high },
      itEnergyKWh: { low: itEnergy.low, high: itEnergy.high },
      facilityEnergyKWh: { low: facility.low, high: facility.high },
      co2eKg: { low: co2e.low, high: co2e.high },
      costTotal: {
        low: costAt(gpuHours.low, facility.low),
        high: costAt(gpuHours.high, facility.high),
      },
    },
    sources: {
      flops: flopsSource,
      duration: durationSource,
      power: powerSource,
      energy: energySource,
      pue:
        input.pue === undefined
          ? { label: 'modelled', note: ESTIMATE_DEFAULTS.pue.note }
          : { label: 'measured', note: `as given: ${pue}` },
      carbon:
        input.gridKgPerKWh === undefined
          ? { label: 'modelled', note: ESTIMATE_DEFAULTS.gridKgPerKWh.note }
          : { label: 'measured', note: `as given: ${grid} kg/kWh` },
      price:
        input.pricePerKWh === undefined
          ? { label: 'rated', note: ESTIMATE_DEFAULTS.pricePerKWh.note }
          : { label: 'rated', note: `as given: ${price} ${currency}/kWh` },
      hardware: hardwareSource,
      operations:
        input.operationsPerGpuHour === undefined
          ? { label: 'modelled', note: 'not given: 0 (pass operationsPerGpuHour)' }
          : { label: 'modelled', note: `as given: ${opsRate} ${currency} per GPU-hour` },
      storage: givenOrNot(input.storageCost, 'storageCost'),
      bandwidth: givenOrNot(input.bandwidthCost, 'bandwidthCost'),
    },
  };
}
