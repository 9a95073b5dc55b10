import { embodiedShareKg, marketBasedKg, sci } from './carbon';
import { InputError, finite, fraction, nonNegative, positive } from './errors';
import { HOURS_PER_YEAR, capitalCostPerHour } from './hardware';
import { MS_PER_HOUR } from './series';
import { carbonAt, priceAt, pueAt, validateSite, type Site } from './site';

export const COST_PARTS = ['hardware', 'energy', 'operations', 'storage', 'bandwidth'] as const;
export type CostPart = (typeof COST_PARTS)[number];
export type CostByPart = Record<CostPart, number>;

export type HardwareItem = {
  name: string;
  count: number;
  unitCapex: number;
  lifeYears: number;
  residualValue?: number;
  /** Accelerators in one unit (8 for an HGX server, 0 for a switch). */
  gpusPerUnit?: number;
  /** Cradle-to-gate emissions of one unit, kgCO2e, for the embodied share. */
  embodiedKgPerUnit?: number;
  /** Catalogue id of the accelerator in the unit, for the newer-hardware lever. */
  accelerator?: string;
};

/**
 * IT power over the period: a constant draw, a metered kWh per hour, or the GPU fleet modelled as
 * idle + utilisation × (busy − idle) plus host overhead, with a share of idle GPU time powered down.
 */
export type ItLoad =
  | { kind: 'constant'; kW: number }
  | { kind: 'metered'; kWhPerHour: Float64Array }
  | {
      kind: 'gpus';
      /** Average draw of a busy accelerator, W. */
      busyW: number;
      idleW: number;
      /** Share of GPU time doing work. */
      utilisation: number;
      /** Host CPU, memory, fans and network per accelerator, W, drawn whenever the host is on. */
      overheadWPerGpu?: number;
      /** Share of idle GPU time with the node powered down (draws nothing). */
      poweredDownIdleShare?: number;
    };

export type StorageTier = 'hot' | 'warm' | 'cold' | 'archive';

export type FacilityInput = {
  site: Site;
  period: { startMs: number; endMs: number };
  hardware: { items: readonly HardwareItem[]; costOfCapital?: number };
  itLoad: ItLoad;
  operations?: {
    staffFte?: number;
    costPerFteYear?: number;
    /** Share of staff work automated away (the ops-automation lever). */
    automationShare?: number;
    /** Maintenance contracts as a share of capex per year. */
    maintenanceShareOfCapexPerYear?: number;
    licencesPerYear?: number;
  };
  storage?: {
    /** Logical (uncompressed) TB stored per tier and the price per stored TB-month. */
    tiers: Partial<Record<StorageTier, { tb: number; pricePerTbMonth: number }>>;
    compressionRatio?: number;
  };
  bandwidth?: {
    egressTb?: number;
    pricePerTb?: number;
    /** Share of egress served from a CDN at `cdnPricePerTb` instead. */
    cdnOffloadShare?: number;
    cdnPricePerTb?: number;
    interSiteTb?: number;
    interSitePricePerTb?: number;
  };
  carbon?: {
    /** Share of energy covered by renewable contracts (PPAs, certificates), for market-based Scope 2. */
    renewableShare?: number;
    residualMixKgPerKWh?: number;
    /** SCI functional units served in the period (requests, tokens…), and their name. */
    functionalUnits?: number;
    functionalUnit?: string;
  };
};

export type TcoResult = {
  currency: string;
  periodHours: number;
  gpuCount: number;
  gpuHours: number;
  parts: CostByPart;
  total: number;
  detail: {
    hardware: { depreciation: number; costOfCapital: number };
    operations: { staff: number; maintenance: number; licences: number };
    storage: Partial<Record<StorageTier, number>>;
    bandwidth: { egress: number; cdn: number; interSite: number };
  };
  itEnergyKWh: number;
  facilityEnergyKWh: number;
  /** Fully loaded cost per GPU-hour of capacity, by part and in total. */
  perGpuHour: CostByPart & { total: number };
  /** Fully loaded cost per kWh of IT energy. */
  perItKWh: number;
  co2e: { locationKg: number; marketKg: number; marketUsedFallback: boolean; embodiedKg: number };
  sci: { perUnit: number; unit: string } | null;
};

const HOURS_PER_MONTH = HOURS_PER_YEAR / 12;

function itKW(load: ItLoad, gpus: number): number {
  if (load.kind === 'constant') return load.kW;
  if (load.kind !== 'gpus') return NaN;
  const u = load.utilisation;
  const off = load.poweredDownIdleShare ?? 0;
  const perGpu =
    u * (load.busyW + (load.overheadWPerGpu ?? 0)) +
    (1 - u) * (1 - off) * (load.idleW + (load.overheadWPerGpu ?? 0));
  return (gpus * perGpu) / 1000;
}

function validateLoad(load: ItLoad, hours: number): void {
  if (load.kind === 'constant') nonNegative('itLoad.kW', load.kW);
  else if (load.kind === 'metered') {
    if (!(load.kWhPerHour instanceof Float64Array) || load.kWhPerHour.length !== hours) {
      throw new InputError(
        'itLoad.kWhPerHour',
        load.kWhPerHour?.length,
        `must be a Float64Array of ${hours} hours`,
      );
    }
    load.kWhPerHour.forEach((v, i) => nonNegative(`itLoad.kWhPerHour[${i}]`, v));
  } else if (load.kind === 'gpus') {
    nonNegative('itLoad.busyW', load.busyW);
    nonNegative('itLoad.idleW', load.idleW);
    fraction('itLoad.utilisation', load.utilisation);
    nonNegative('itLoad.overheadWPerGpu', load.overheadWPerGpu ?? 0);
    fraction('itLoad.poweredDownIdleShare', load.poweredDownIdleShare ?? 0);
  } else
    throw new InputError(
      'itLoad.kind',
      (load as { kind: unknown }).kind,
      'must be constant, metered or gpus',
    );
}

/**
 * What a facility costs over a period, in five parts, with carbon. Energy is integrated hour by hour
 * (IT power × PUE(t) × price(t)), so an hourly tariff and monthly PUE count where they apply.
 */
export function facilityTco(input: FacilityInput): TcoResult {
  const site = validateSite(input.site);
  const { startMs, endMs } = input.period;
  finite('period.startMs', startMs);
  if (!(endMs > startMs))
    throw new InputError('period.endMs', endMs, `must be after period.startMs (${startMs})`);
  const periodHours = (endMs - startMs) / MS_PER_HOUR;
  const years = periodHours / HOURS_PER_YEAR;

  // 1. Hardware
  let depreciation = 0;
  let costOfCapital = 0;
  let capex = 0;
  let gpuCount = 0;
  let embodiedKg = 0;
  input.hardware.items.forEach((item, i) => {
    const f = `hardware.items[${i}]`;
    nonNegative(`${f}.count`, item.count);
    const c = capitalCostPerHour({
      capex: item.unitCapex,
      lifeYears: item.lifeYears,
      residualValue: item.residualValue,
      costOfCapital: input.hardware.costOfCapital,
    });
    depreciation += c.depreciation * item.count * periodHours;
    costOfCapital += c.costOfCapital * item.count * periodHours;
    capex += item.unitCapex * item.count;
    gpuCount += nonNegative(`${f}.gpusPerUnit`, item.gpusPerUnit ?? 0) * item.count;
    if (item.embodiedKgPerUnit !== undefined) {
      embodiedKg += embodiedShareKg({
        totalEmbodiedKg: item.embodiedKgPerUnit * item.count,
        lifeHours: item.lifeYears * HOURS_PER_YEAR,
        usedHours: periodHours,
      });
    }
  });

  // 2. Energy, hour by hour; partial hours at either end count pro rata.
  const load = input.itLoad;
  if (load.kind === 'metered' && (startMs % MS_PER_HOUR !== 0 || !Number.isInteger(periodHours))) {
    throw new InputError('period', input.period, 'must be whole UTC hours for a metered load');
  }
  validateLoad(load, Math.ceil(periodHours));
  const kW = itKW(load, gpuCount);
  let itEnergyKWh = 0;
  let facilityEnergyKWh = 0;
  let energy = 0;
  let locationKg = 0;
  for (let t = startMs, h = 0; t < endMs; h++) {
    const next = Math.min(endMs, (Math.floor(t / MS_PER_HOUR) + 1) * MS_PER_HOUR);
    const it = load.kind === 'metered' ? load.kWhPerHour[h]! : (kW * (next - t)) / MS_PER_HOUR;
    const fac = it * pueAt(site.pue, t);
    itEnergyKWh += it;
    facilityEnergyKWh += fac;
    energy += fac * priceAt(site.tariff, t);
    locationKg += fac * carbonAt(site.carbon, t);
    t = next;
  }

  // 3. Operations
  const ops = input.operations ?? {};
  const staff =
    nonNegative('operations.staffFte', ops.staffFte ?? 0) *
    nonNegative('operations.costPerFteYear', ops.costPerFteYear ?? 0) *
    (1 - fraction('operations.automationShare', ops.automationShare ?? 0)) *
    years;
  const maintenance =
    capex *
    nonNegative(
      'operations.maintenanceShareOfCapexPerYear',
      ops.maintenanceShareOfCapexPerYear ?? 0,
    ) *
    years;
  const licences = nonNegative('operations.licencesPerYear', ops.licencesPerYear ?? 0) * years;

  // 4. Storage: stored TB = logical TB / compression ratio.
  const months = periodHours / HOURS_PER_MONTH;
  const ratio = input.storage?.compressionRatio ?? 1;
  if (!(ratio >= 1)) throw new InputError('storage.compressionRatio', ratio, 'must be ≥ 1');
  const storageDetail: Partial<Record<StorageTier, number>> = {};
  let storage = 0;
  for (const [tier, v] of Object.entries(input.storage?.tiers ?? {}) as [
    StorageTier,
    { tb: number; pricePerTbMonth: number },
  ][]) {
    const cost =
      (nonNegative(`storage.tiers.${tier}.tb`, v.tb) / ratio) *
      nonNegative(`storage.tiers.${tier}.pricePerTbMonth`, v.pricePerTbMonth) *
      months;
    storageDetail[tier] = cost;
    storage += cost;
  }

  // 5. Bandwidth
  const bw = input.bandwidth ?? {};
  const egressTb = nonNegative('bandwidth.egressTb', bw.egressTb ?? 0);
  const cdnShare = fraction('bandwidth.cdnOffloadShare', bw.cdnOffloadShare ?? 0);
  const egress =
    egressTb * (1 - cdnShare) * nonNegative('bandwidth.pricePerTb', bw.pricePerTb ?? 0);
  const cdn = egressTb * cdnShare * nonNegative('bandwidth.cdnPricePerTb', bw.cdnPricePerTb ?? 0);
  const interSite =
    nonNegative('bandwidth.interSiteTb', bw.interSiteTb ?? 0) *
    nonNegative('bandwidth.interSitePricePerTb', bw.interSitePricePerTb ?? 0);

  const parts: CostByPart = {
    hardware: depreciation + costOfCapital,
    energy,
    operations: staff + maintenance + licences,
    storage,
    bandwidth: egress + cdn + interSite,
  };
  const total = parts.hardware + parts.energy + parts.operations + parts.storage + parts.bandwidth;
  const gpuHours = gpuCount * periodHours;
  const per = (x: number) => (gpuHours > 0 ? x / gpuHours : NaN);

  const market = marketBasedKg({
    energyKWh: facilityEnergyKWh,
    locationKg,
    renewableShare: input.carbon?.renewableShare,
    residualMixKgPerKWh: input.carbon?.residualMixKgPerKWh,
  });
  const units = input.carbon?.functionalUnits;
  return {
    currency: site.currency,
    periodHours,
    gpuCount,
    gpuHours,
    parts,
    total,
    detail: {
      hardware: { depreciation, costOfCapital },
      operations: { staff, maintenance, licences },
      storage: storageDetail,
      bandwidth: { egress, cdn, interSite },
    },
    itEnergyKWh,
    facilityEnergyKWh,
    perGpuHour: {
      hardware: per(parts.hardware),
      energy: per(parts.energy),
      operations: per(parts.operations),
      storage: per(parts.storage),
      bandwidth: per(parts.bandwidth),
      total: per(total),
    },
    perItKWh: itEnergyKWh > 0 ? total / itEnergyKWh : NaN,
    co2e: { locationKg, marketKg: market.kg, marketUsedFallback: market.usedFallback, embodiedKg },
    sci:
      units === undefined
        ? null
        : {
            perUnit: sci({
              energyKWh: facilityEnergyKWh,
              intensityKgPerKWh: facilityEnergyKWh > 0 ? locationKg / facilityEnergyKWh : 0,
              embodiedKg,
              functionalUnits: positive('carbon.functionalUnits', units),
            }),
            unit: input.carbon?.functionalUnit ?? 'unit',
          },
  };
}
