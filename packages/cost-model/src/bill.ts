import { findAccelerator, type Accelerator } from './catalog/accelerators';
import { InputError, finite, fraction, nonNegative, positive } from './errors';
import { ESTIMATE_DEFAULTS } from './estimate';
import { capitalCostPerHour } from './hardware';
import { MS_PER_HOUR } from './series';
import { carbonAt, priceAt, pueAt, validateSite, type Site } from './site';
import type { SourceLabel } from './sources';
import { COST_PARTS, type CostByPart, type CostPart } from './tco';

export const ENERGY_METHODS = ['nvml-energy', 'nvml-power', 'rapl', 'modelled'] as const;
export type EnergyMethod = (typeof ENERGY_METHODS)[number];

export type MeteredInterval = {
  /** Wall-clock span of one attempt (or a piece of it), UTC ms. */
  startMs: number;
  endMs: number;
  /** Measured IT energy over the span (GPU + CPU as metered), kWh. */
  itEnergyKWh: number;
  /** How it was measured. */
  method: EnergyMethod;
  /** For 'modelled' (and only there): relative error band, e.g. 0.3 for ±30 %. Required. */
  errorBand?: number;
};

export type JobBillInput = {
  /** Prices, PUE and carbon by hour. */
  site: Site;
  /** Every attempt that ran (retries included), in any order. At least one. */
  intervals: readonly MeteredInterval[];
  /** Accelerators held: a catalogue name or alias and how many (fractions allowed, e.g. 0.5 of one GPU). */
  accelerator?: { name: string; count: number };
  /** Cores held (default 0). */
  cpuCores?: number;
  hardware?: {
    /** Default `ESTIMATE_DEFAULTS.hardwareLifeYears` (4). */
    lifeYears?: number;
    /** Annual cost of capital, e.g. 0.08 (default 0: straight-line). */
    costOfCapital?: number;
    /** Amortised cost of one CPU core-hour in the site currency; required when cpuCores > 0. */
    cpuCorePerHour?: number;
    /** Site currency per USD, for the catalogue's USD prices; required unless the site bills in USD. */
    fxPerUsd?: number;
  };
  /** Site's operations rate (staff, maintenance) per accelerator-hour and per CPU-core-hour. */
  operations?: { perGpuHour?: number; perCoreHour?: number };
  storage?: { gbMonths?: number; pricePerGbMonth?: number };
  network?: { egressGb?: number; pricePerGb?: number };
};

/** `SourceLabel` plus the catalogue's purchase prices, which are trade-press figures, not list prices. */
export type BillInputLabel = SourceLabel | 'reported estimate';

export type BillInput = {
  name: string;
  value: number;
  unit: string;
  label: BillInputLabel;
  source?: string;
};

export type BillLine = { formula: string; inputs: BillInput[] };

export type BillHour = {
  hourStartMs: number;
  itKWh: number;
  pue: number;
  pricePerKWh: number;
  kgPerKWh: number;
  /** Energy cost of the hour: itKWh × pue × pricePerKWh. */
  cost: number;
};

export type JobBill = {
  currency: string;
  /** Five parts; `total` is their sum, added in `COST_PARTS` order. */
  parts: CostByPart;
  total: number;
  itKWh: number;
  facilityKWh: number;
  /** Location-based operational CO2e of the facility energy (no embodied share). */
  co2eKg: number;
  /** Wall hours held (sum of the intervals, so overlapping attempts count twice). */
  hours: number;
  /** The method of all intervals, or 'mixed'. */
  energyMethod: EnergyMethod | 'mixed';
  /** Per part: the formula in words with its numbers substituted, and its labelled inputs. */
  lines: Record<CostPart, BillLine>;
  /** One row per UTC hour in which the job drew energy or held resources, in time order. */
  hourly: BillHour[];
  /** When any interval is modelled: the total with that energy's cost ± its error band. */
  range?: { low: number; high: number };
};

const METHOD_NOTE: Record<EnergyMethod, string> = {
  'nvml-energy': 'NVML cumulative energy counter',
  'nvml-power': 'NVML power samples integrated over time',
  rapl: 'RAPL energy counters',
  modelled: 'modelled, not metered',
};

const fmt = (x: number) =>
  Math.abs(x) >= 1e6 || (Math.abs(x) < 1e-3 && x !== 0)
    ? x.toExponential(3)
    : String(+x.toPrecision(6));

function validateInterval(iv: MeteredInterval, i: number): void {
  const f = `intervals[${i}]`;
  if (iv === null || typeof iv !== 'object') throw new InputError(f, iv, 'must be an object');
  finite(`${f}.startMs`, iv.startMs);
  finite(`${f}.endMs`, iv.endMs);
  if (!(iv.endMs >= iv.startMs))
    throw new InputError(`${f}.endMs`, iv.endMs, `must not be before ${f}.startMs (${iv.startMs})`);
  nonNegative(`${f}.itEnergyKWh`, iv.itEnergyKWh);
  if (!ENERGY_METHODS.includes(iv.method))
    throw new InputError(`${f}.method`, iv.method, `must be one of ${ENERGY_METHODS.join(', ')}`);
  if (iv.method === 'modelled') {
    if (iv.errorBand === undefined)
      throw new InputError(`${f}.errorBand`, undefined, 'is required for a modelled interval');
    fraction(`${f}.errorBand`, iv.errorBand);
  } else if (iv.errorBand !== undefined) {
    throw new InputError(
      `${f}.errorBand`,
      iv.errorBand,
      `applies only to modelled intervals, not ${iv.method}`,
    );
  }
}

function lookupAccelerator(name: string): Accelerator {
  try {
    return findAccelerator(name);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    // findAccelerator names its field `gpu`; here the caller knows it as `accelerator.name`.
    const prefix = `gpu ${JSON.stringify(name)} `;
    throw new InputError(
      'accelerator.name',
      name,
      e.message.startsWith(prefix) ? e.message.slice(prefix.length) : 'must name an accelerator',
    );
  }
}

/** A price that must come with its quantity: absent is fine only when the quantity is 0. */
function rateFor(field: string, rate: number | undefined, qtyField: string, qty: number): number {
  if (rate === undefined) {
    if (qty > 0) throw new InputError(field, undefined, `is required with ${qtyField} ${qty}`);
    return 0;
  }
  return nonNegative(field, rate);
}

/**
 * Bill one finished job from its measured usage. Each interval's energy is spread over the UTC hours
 * it spans in proportion to its time in each (the counter gives one total per attempt, so the draw is
 * taken as uniform within it) and priced hour by hour at that hour's PUE and tariff; carbon likewise.
 * Hardware is the catalogue price amortised per accelerator-hour, plus CPU cores at a rate, over the
 * hours held; operations, storage and bandwidth are rate × quantity. Each part carries its formula with
 * the numbers in it and its inputs labelled measured, modelled, rated or reported estimate.
 */
export function billJob(input: JobBillInput): JobBill {
  const site = validateSite(input.site);
  const cur = site.currency;
  const intervals = input.intervals;
  if (!Array.isArray(intervals) || intervals.length === 0)
    throw new InputError('intervals', intervals, 'must hold at least one attempt');
  intervals.forEach(validateInterval);

  // Resources held.
  const acc = input.accelerator ? lookupAccelerator(input.accelerator.name) : null;
  const count = acc ? nonNegative('accelerator.count', input.accelerator!.count) : 0;
  const cores = nonNegative('cpuCores', input.cpuCores ?? 0);
  const hw = input.hardware ?? {};
  const lifeYears = positive(
    'hardware.lifeYears',
    hw.lifeYears ?? ESTIMATE_DEFAULTS.hardwareLifeYears,
  );
  const costOfCapital = nonNegative('hardware.costOfCapital', hw.costOfCapital ?? 0);
  const corePerHour = rateFor('hardware.cpuCorePerHour', hw.cpuCorePerHour, 'cpuCores', cores);
  let fx = 1;
  if (hw.fxPerUsd !== undefined) {
    fx = positive('hardware.fxPerUsd', hw.fxPerUsd);
    if (cur === 'USD' && fx !== 1)
      throw new InputError(
        'hardware.fxPerUsd',
        fx,
        'must be 1 (or absent) for a site billing in USD',
      );
  } else if (cur !== 'USD' && acc?.listPrice) {
    throw new InputError(
      'hardware.fxPerUsd',
      undefined,
      `is required to turn the USD catalogue price of ${acc.name} into ${cur}`,
    );
  }
  const ops = input.operations ?? {};
  const opsGpuRate = nonNegative('operations.perGpuHour', ops.perGpuHour ?? 0);
  const opsCoreRate = nonNegative('operations.perCoreHour', ops.perCoreHour ?? 0);
  const gbMonths = nonNegative('storage.gbMonths', input.storage?.gbMonths ?? 0);
  const gbMonthPrice = rateFor(
    'storage.pricePerGbMonth',
    input.storage?.pricePerGbMonth,
    'storage.gbMonths',
    gbMonths,
  );
  const egressGb = nonNegative('network.egressGb', input.network?.egressGb ?? 0);
  const gbPrice = rateFor(
    'network.pricePerGb',
    input.network?.pricePerGb,
    'network.egressGb',
    egressGb,
  );

  // Energy, hour by hour. Attempts are walked in start order, so the rows from the first hour of the
  // current attempt onward are consecutive hours (each earlier attempt started no later and covers a
  // run of hours): an attempt's k-th hour is row p + k, or a new row pushed at the end. Site lookups
  // happen once per row; the walk allocates nothing but the rows.
  const order = Array.from(intervals.keys()).sort(
    (a, b) => intervals[a]!.startMs - intervals[b]!.startMs,
  );
  const hourly: BillHour[] = [];
  const newRow = (hourStartMs: number): BillHour => {
    const row: BillHour = {
      hourStartMs,
      itKWh: 0,
      pue: pueAt(site.pue, hourStartMs),
      pricePerKWh: priceAt(site.tariff, hourStartMs),
      kgPerKWh: carbonAt(site.carbon, hourStartMs),
      cost: 0,
    };
    hourly.push(row);
    return row;
  };
  let p = 0;
  let heldMs = 0;
  let itKWh = 0;
  let measuredKWh = 0;
  let modelledKWh = 0;
  let bandCost = 0;
  let maxBand = 0;
  const methods = new Set<EnergyMethod>();
  for (const i of order) {
    const iv = intervals[i]!;
    const { startMs, endMs, itEnergyKWh: e } = iv;
    const durMs = endMs - startMs;
    heldMs += durMs;
    itKWh += e;
    methods.add(iv.method);
    if (iv.method === 'modelled') {
      modelledKWh += e;
      maxBand = Math.max(maxBand, iv.errorBand!);
    } else measuredKWh += e;
    let h = Math.floor(startMs / MS_PER_HOUR) * MS_PER_HOUR;
    while (p < hourly.length && hourly[p]!.hourStartMs < h) p++;
    // A zero-length attempt holds nothing; any energy it reports goes to the hour it started in.
    if (durMs === 0) {
      if (e > 0) {
        const row = hourly[p] ?? newRow(h);
        row.itKWh += e;
        bandCost += (iv.errorBand ?? 0) * Math.abs(e * row.pue * row.pricePerKWh);
      }
      continue;
    }
    let cost = 0;
    for (let t = startMs, k = p; t < endMs; k++) {
      const next = Math.min(endMs, h + MS_PER_HOUR);
      const slice = (e * (next - t)) / durMs;
      const row = hourly[k] ?? newRow(h);
      row.itKWh += slice;
      cost += slice * row.pue * row.pricePerKWh;
      t = next;
      h += MS_PER_HOUR;
    }
    if (iv.errorBand) bandCost += iv.errorBand * Math.abs(cost);
  }

  let energy = 0;
  let facilityKWh = 0;
  let co2eKg = 0;
  for (const row of hourly) {
    const fac = row.itKWh * row.pue;
    row.cost = fac * row.pricePerKWh;
    facilityKWh += fac;
    energy += row.cost;
    co2eKg += fac * row.kgPerKWh;
  }
  const hours = heldMs / MS_PER_HOUR;

  // Hardware
  const capex = acc?.listPrice ? acc.listPrice.usd * fx : 0;
  const accRate = capitalCostPerHour({ capex, lifeYears, costOfCapital }).total;
  const gpuHours = count * hours;
  const coreHours = cores * hours;
  const accCost = accRate * gpuHours;
  const coreCost = corePerHour * coreHours;

  const parts: CostByPart = {
    hardware: accCost + coreCost,
    energy,
    operations: opsGpuRate * gpuHours + opsCoreRate * coreHours,
    storage: gbMonths * gbMonthPrice,
    bandwidth: egressGb * gbPrice,
  };
  const sum = (energyPart: number) =>
    COST_PARTS.reduce((s, k) => s + (k === 'energy' ? energyPart : parts[k]), 0);
  const total = sum(energy);

  const energyMethod: EnergyMethod | 'mixed' =
    methods.size === 1 ? methods.values().next().value! : 'mixed';
  const methodList = [...methods].map((m) => METHOD_NOTE[m]).join('; ');

  // Lines
  const held: BillInput = {
    name: 'hours held',
    value: hours,
    unit: 'h',
    label: 'measured',
    source: `sum of ${intervals.length} interval${intervals.length === 1 ? '' : 's'}`,
  };
  const hardwareInputs: BillInput[] = [held];
  let accText = 'no accelerator';
  if (acc) {
    hardwareInputs.push({
      name: 'accelerators held',
      value: count,
      unit: acc.name,
      label: 'measured',
    });
    if (acc.listPrice) {
      hardwareInputs.push(
        {
          name: 'accelerator price',
          value: acc.listPrice.usd,
          unit: 'USD',
          label: 'reported estimate',
          source: `${acc.listPrice.basis} (${acc.listPrice.date})`,
        },
        {
          name: 'exchange rate',
          value: fx,
          unit: `${cur}/USD`,
          label: 'rated',
          source: hw.fxPerUsd === undefined ? 'site bills in USD' : 'as given',
        },
      );
    }
    hardwareInputs.push(
      {
        name: 'life',
        value: lifeYears,
        unit: 'years',
        label: 'modelled',
        source: hw.lifeYears === undefined ? 'default straight-line life' : 'as given',
      },
      {
        name: 'cost of capital',
        value: costOfCapital,
        unit: 'per year',
        label: 'modelled',
        source: hw.costOfCapital === undefined ? 'not given: 0' : 'as given',
      },
    );
    accText = acc.listPrice
      ? `${fmt(acc.listPrice.usd)} USD × ${fmt(fx)} ${cur}/USD amortised over ${fmt(lifeYears)} years` +
        `${costOfCapital > 0 ? ` at ${fmt(costOfCapital * 100)} % cost of capital` : ' straight-line'}` +
        ` = ${fmt(accRate)} ${cur}/accelerator-hour × ${fmt(count)} × ${fmt(hours)} h = ${fmt(accCost)} ${cur}`
      : `${acc.name} is not sold; no purchase price to amortise: 0 ${cur}`;
  }
  hardwareInputs.push(
    { name: 'CPU cores held', value: cores, unit: 'cores', label: 'measured' },
    {
      name: 'CPU core rate',
      value: corePerHour,
      unit: `${cur}/core-hour`,
      label: 'rated',
      source: hw.cpuCorePerHour === undefined ? 'not given: 0' : 'as given',
    },
  );

  const energyInputs: BillInput[] = [];
  if (methods.size > 1 || energyMethod !== 'modelled')
    energyInputs.push({
      name: 'IT energy, metered',
      value: measuredKWh,
      unit: 'kWh',
      label: 'measured',
      source: [...methods]
        .filter((m) => m !== 'modelled')
        .map((m) => METHOD_NOTE[m])
        .join('; '),
    });
  if (methods.has('modelled'))
    energyInputs.push(
      {
        name: 'IT energy, modelled',
        value: modelledKWh,
        unit: 'kWh',
        label: 'modelled',
        source: METHOD_NOTE.modelled,
      },
      {
        name: 'largest error band',
        value: maxBand,
        unit: '± share',
        label: 'modelled',
        source: 'as given per interval',
      },
    );
  energyInputs.push(
    {
      name: 'PUE (energy-weighted mean)',
      value: itKWh > 0 ? facilityKWh / itKWh : NaN,
      unit: '',
      label: 'measured',
      source: `site ${site.id}, hour by hour`,
    },
    {
      name: 'energy price (energy-weighted mean)',
      value: facilityKWh > 0 ? energy / facilityKWh : NaN,
      unit: `${cur}/kWh`,
      label: 'rated',
      source: `site ${site.id} ${site.tariff.kind} tariff, hour by hour`,
    },
  );

  const lines: Record<CostPart, BillLine> = {
    hardware: {
      formula:
        `accelerator price amortised per hour × accelerators × hours held + CPU cores × core rate × hours held: ` +
        `${accText}; ${fmt(cores)} cores × ${fmt(corePerHour)} ${cur}/core-hour × ${fmt(hours)} h = ${fmt(coreCost)} ${cur}; ` +
        `total ${fmt(parts.hardware)} ${cur}`,
      inputs: hardwareInputs,
    },
    energy: {
      formula:
        `Σ over hours of IT kWh × PUE × price, each attempt's energy spread over the hours it spans in ` +
        `proportion to its time in each (uniform draw within an attempt assumed): ` +
        (facilityKWh > 0
          ? `${fmt(itKWh)} kWh IT (${methodList}) × PUE ${fmt(facilityKWh / itKWh)} (mean) = ` +
            `${fmt(facilityKWh)} kWh × ${fmt(energy / facilityKWh)} ${cur}/kWh (mean) ` +
            `over ${hourly.length} hour${hourly.length === 1 ? '' : 's'} = ${fmt(energy)} ${cur}`
          : `no energy drawn (${methodList}): 0 ${cur}`) +
        (bandCost > 0 ? ` (± ${fmt(bandCost)} ${cur} from modelled energy)` : ''),
      inputs: energyInputs,
    },
    operations: {
      formula:
        `accelerator-hours × rate + core-hours × rate: ${fmt(gpuHours)} × ${fmt(opsGpuRate)} ${cur} + ` +
        `${fmt(coreHours)} × ${fmt(opsCoreRate)} ${cur} = ${fmt(parts.operations)} ${cur}`,
      inputs: [
        {
          name: 'accelerator-hours',
          value: gpuHours,
          unit: 'h',
          label: 'measured',
          source: 'accelerators × hours held',
        },
        {
          name: 'operations per accelerator-hour',
          value: opsGpuRate,
          unit: `${cur}/h`,
          label: 'rated',
          source: ops.perGpuHour === undefined ? 'not given: 0' : `site ${site.id}`,
        },
        {
          name: 'core-hours',
          value: coreHours,
          unit: 'h',
          label: 'measured',
          source: 'cores × hours held',
        },
        {
          name: 'operations per core-hour',
          value: opsCoreRate,
          unit: `${cur}/h`,
          label: 'rated',
          source: ops.perCoreHour === undefined ? 'not given: 0' : `site ${site.id}`,
        },
      ],
    },
    storage: {
      formula: `GB-months × price: ${fmt(gbMonths)} × ${fmt(gbMonthPrice)} ${cur}/GB-month = ${fmt(parts.storage)} ${cur}`,
      inputs: [
        { name: 'storage', value: gbMonths, unit: 'GB-months', label: 'measured' },
        {
          name: 'storage price',
          value: gbMonthPrice,
          unit: `${cur}/GB-month`,
          label: 'rated',
          source: input.storage?.pricePerGbMonth === undefined ? 'not given: 0' : 'as given',
        },
      ],
    },
    bandwidth: {
      formula: `egress GB × price: ${fmt(egressGb)} × ${fmt(gbPrice)} ${cur}/GB = ${fmt(parts.bandwidth)} ${cur}`,
      inputs: [
        { name: 'egress', value: egressGb, unit: 'GB', label: 'measured' },
        {
          name: 'egress price',
          value: gbPrice,
          unit: `${cur}/GB`,
          label: 'rated',
          source: input.network?.pricePerGb === undefined ? 'not given: 0' : 'as given',
        },
      ],
    },
  };

  return {
    currency: cur,
    parts,
    total,
    itKWh,
    facilityKWh,
    co2eKg,
    hours,
    energyMethod,
    lines,
    hourly,
    ...(methods.has('modelled')
      ? { range: { low: sum(energy - bandCost), high: sum(energy + bandCost) } }
      : {}),
  };
}
