/**
 * The What-if page's state as it sits in the URL: a baseline facility (`?servers=8&util=0.5`) and
 * the levers that are on (`?lever-pue=1.2`). The baseline is an illustrative one until the page
 * reads a site from the server; its energy, carbon and life defaults are cost-model's own
 * ESTIMATE_DEFAULTS. The numbers come from cost-model's whatIf, applyLever and facilityTco.
 */
import {
  ACCELERATORS,
  ESTIMATE_DEFAULTS,
  MS_PER_HOUR,
  applyLever,
  facilityTco,
  findAccelerator,
  whatIf,
  type FacilityInput,
  type Lever,
  type TcoResult,
  type WhatIfResult,
} from '@wattwise/cost-model';

/** Accelerators the hardware lever can move between: sold (a price to amortise) and with a bf16 rate. */
export const LEVER_ACCELERATORS = ACCELERATORS.filter((a) => a.listPrice && a.peakFlops.bf16);

export type NumberSetting = {
  key: string;
  label: string;
  unit: string;
  min: number;
  max: number;
  step: number;
  fallback: number;
  /** Where the default comes from. */
  note: string;
};

export const GPUS_PER_SERVER = 8;
/** 30 days: long enough for every part, short enough to recompute a dozen times per slider move. */
const PERIOD_START = Date.UTC(2023, 0, 1);
const PERIOD_END = PERIOD_START + 720 * MS_PER_HOUR;

/** The baseline's numeric settings, in form order. */
export const BASELINE_SETTINGS: readonly NumberSetting[] = [
  {
    key: 'servers',
    label: 'Servers (8 GPUs each)',
    unit: '',
    min: 1,
    max: 512,
    step: 1,
    fallback: 4,
    note: 'illustrative',
  },
  {
    key: 'host',
    label: 'Host price per server',
    unit: 'USD',
    min: 0,
    max: 500_000,
    step: 1000,
    fallback: 50_000,
    note: 'illustrative: CPUs, memory, network of one 8-GPU server; the GPUs are priced from the catalogue',
  },
  {
    key: 'life',
    label: 'Amortisation',
    unit: 'years',
    min: 1,
    max: 10,
    step: 0.5,
    fallback: ESTIMATE_DEFAULTS.hardwareLifeYears,
    note: 'cost-model ESTIMATE_DEFAULTS.hardwareLifeYears, straight line',
  },
  {
    key: 'util',
    label: 'GPU utilisation',
    unit: 'share',
    min: 0,
    max: 1,
    step: 0.01,
    fallback: 0.6,
    note: 'illustrative: share of GPU time doing work',
  },
  {
    key: 'pue',
    label: 'PUE',
    unit: '',
    min: 1,
    max: 3,
    step: 0.01,
    fallback: ESTIMATE_DEFAULTS.pue.value,
    note: ESTIMATE_DEFAULTS.pue.note,
  },
  {
    key: 'price',
    label: 'Energy price',
    unit: 'USD/kWh',
    min: 0,
    max: 1,
    step: 0.005,
    fallback: ESTIMATE_DEFAULTS.pricePerKWh.value,
    note: ESTIMATE_DEFAULTS.pricePerKWh.note,
  },
  {
    key: 'grid',
    label: 'Grid intensity',
    unit: 'kgCO2e/kWh',
    min: 0,
    max: 1.2,
    step: 0.01,
    fallback: ESTIMATE_DEFAULTS.gridKgPerKWh.value,
    note: ESTIMATE_DEFAULTS.gridKgPerKWh.note,
  },
  {
    key: 'overhead',
    label: 'Host power per GPU',
    unit: 'W',
    min: 0,
    max: 1000,
    step: 10,
    fallback: 150,
    note: 'illustrative: CPU, memory, fans and network per accelerator',
  },
  {
    key: 'staff',
    label: 'Operations staff',
    unit: 'FTE',
    min: 0,
    max: 50,
    step: 0.5,
    fallback: 2,
    note: 'illustrative',
  },
  {
    key: 'fte-cost',
    label: 'Cost per FTE-year',
    unit: 'USD',
    min: 0,
    max: 500_000,
    step: 1000,
    fallback: 150_000,
    note: 'illustrative',
  },
  {
    key: 'hot',
    label: 'Hot storage',
    unit: 'TB',
    min: 0,
    max: 10_000,
    step: 10,
    fallback: 200,
    note: 'illustrative, at 20 USD per TB-month',
  },
  {
    key: 'egress',
    label: 'Egress per 30 days',
    unit: 'TB',
    min: 0,
    max: 10_000,
    step: 10,
    fallback: 5,
    note: 'illustrative, at 50 USD per TB',
  },
];

export const DEFAULT_BASELINE_GPU = 'h100-sxm5-80gb';

export type LeverSetting = NumberSetting & {
  /** A short name for a chart axis. */
  short: string;
  /** The cost-model lever for a value. */
  toLever: (value: number) => Lever;
  /** How a value reads on the slider. */
  show: (value: number) => string;
};

const pct = (v: number) => `${Math.round(v * 100)} %`;

/** The levers of cost-model's whatif.ts the page offers as sliders, in the order they are applied. */
export const LEVER_SETTINGS: readonly LeverSetting[] = [
  {
    key: 'lever-pue',
    short: 'PUE',
    label: 'PUE',
    unit: '',
    min: 1,
    max: 2.5,
    step: 0.01,
    fallback: 1.2,
    note: 'cooling and power conversion',
    toLever: (v) => ({ kind: 'pue', value: v }),
    show: (v) => v.toFixed(2),
  },
  {
    key: 'lever-price',
    short: 'Tariff',
    label: 'Tariff (flat)',
    unit: 'USD/kWh',
    min: 0,
    max: 0.5,
    step: 0.005,
    fallback: 0.06,
    note: 'a new flat energy price',
    toLever: (v) => ({
      kind: 'tariff',
      tariff: { kind: 'flat', perKWh: v },
      label: `flat ${v} USD/kWh`,
    }),
    show: (v) => `${v.toFixed(3)} USD/kWh`,
  },
  {
    key: 'lever-renewable',
    short: 'Renewables',
    label: 'Renewable contracts',
    unit: 'share',
    min: 0,
    max: 1,
    step: 0.05,
    fallback: 0.5,
    note: 'lowers market-based CO2e only',
    toLever: (v) => ({ kind: 'renewable-share', value: v }),
    show: pct,
  },
  {
    key: 'lever-quantise',
    short: 'fp8 inference',
    label: 'Quantise inference to fp8',
    unit: 'share',
    min: 0,
    max: 1,
    step: 0.05,
    fallback: 0.3,
    note: 'share of busy GPU time that is inference served in 8 bits',
    toLever: (v) => ({ kind: 'quantise', to: 'fp8', inferenceShare: v }),
    show: pct,
  },
  {
    key: 'lever-idle-off',
    short: 'Idle off',
    label: 'Power down idle GPUs',
    unit: 'share',
    min: 0,
    max: 1,
    step: 0.05,
    fallback: 0.5,
    note: 'share of idle GPU time with the node off',
    toLever: (v) => ({ kind: 'power-down-idle', share: v }),
    show: pct,
  },
  {
    key: 'lever-tiering',
    short: 'Cold tier',
    label: 'Move hot data to cold',
    unit: 'share',
    min: 0,
    max: 1,
    step: 0.05,
    fallback: 0.5,
    note: 'cold storage at 4 USD per TB-month',
    toLever: (v) => ({ kind: 'storage-tiering', moveShare: v, from: 'hot', to: 'cold' }),
    show: pct,
  },
  {
    key: 'lever-compression',
    short: 'Compression',
    label: 'Compress stored data',
    unit: ':1',
    min: 1,
    max: 5,
    step: 0.1,
    fallback: 2,
    note: 'stored TB ÷ ratio',
    toLever: (v) => ({ kind: 'compression', ratio: v }),
    show: (v) => `${v.toFixed(1)}:1`,
  },
  {
    key: 'lever-cdn',
    short: 'CDN',
    label: 'Serve egress from a CDN',
    unit: 'share',
    min: 0,
    max: 1,
    step: 0.05,
    fallback: 0.5,
    note: 'CDN at 10 USD per TB instead of 50',
    toLever: (v) => ({ kind: 'cdn-offload', share: v }),
    show: pct,
  },
  {
    key: 'lever-automation',
    short: 'Automation',
    label: 'Automate operations',
    unit: 'share',
    min: 0,
    max: 1,
    step: 0.05,
    fallback: 0.2,
    note: 'share of staff work automated',
    toLever: (v) => ({ kind: 'ops-automation', share: v }),
    show: pct,
  },
];

export const HARDWARE_LEVER_KEY = 'lever-hardware';

export type WhatIfState = {
  gpu: string;
  baseline: Record<string, number>;
  /** Levers that are on, by key, with their value. */
  levers: Record<string, number>;
  /** Accelerator id the hardware lever moves to, or null when off. */
  hardware: string | null;
};

function readNumber(search: URLSearchParams, s: NumberSetting): number | undefined {
  const text = search.get(s.key);
  if (text === null || text.trim() === '') return undefined;
  const v = Number(text);
  return Number.isFinite(v) ? Math.min(s.max, Math.max(s.min, v)) : undefined;
}

const knownGpu = (id: string | null) =>
  id !== null && LEVER_ACCELERATORS.some((a) => a.id === id) ? id : null;

/** The state from a query string: unknown or unreadable values fall back to the defaults, out-of-range ones are clamped. */
export function whatIfStateFromSearch(search: URLSearchParams): WhatIfState {
  const baseline: Record<string, number> = {};
  for (const s of BASELINE_SETTINGS) baseline[s.key] = readNumber(search, s) ?? s.fallback;
  const levers: Record<string, number> = {};
  for (const s of LEVER_SETTINGS) {
    const v = readNumber(search, s);
    if (v !== undefined) levers[s.key] = v;
  }
  return {
    gpu: knownGpu(search.get('gpu')) ?? DEFAULT_BASELINE_GPU,
    baseline,
    levers,
    hardware: knownGpu(search.get(HARDWARE_LEVER_KEY)),
  };
}

/** The query string for a state; values equal to the defaults are left out. */
export function searchFromWhatIfState(state: WhatIfState): string {
  const search = new URLSearchParams();
  if (state.gpu !== DEFAULT_BASELINE_GPU) search.set('gpu', state.gpu);
  for (const s of BASELINE_SETTINGS) {
    const v = state.baseline[s.key];
    if (v !== undefined && v !== s.fallback) search.set(s.key, String(v));
  }
  for (const s of LEVER_SETTINGS) {
    const v = state.levers[s.key];
    if (v !== undefined) search.set(s.key, String(v));
  }
  if (state.hardware) search.set(HARDWARE_LEVER_KEY, state.hardware);
  return search.toString();
}

/** The baseline facility for a state: 30 days of a cluster of 8-GPU servers. */
export function baselineFacility(state: WhatIfState): FacilityInput {
  const b = (key: string) =>
    state.baseline[key] ?? BASELINE_SETTINGS.find((s) => s.key === key)!.fallback;
  const acc = findAccelerator(state.gpu);
  return {
    site: {
      id: 'what-if',
      name: 'What-if baseline',
      currency: 'USD',
      pue: b('pue'),
      tariff: { kind: 'flat', perKWh: b('price') },
      carbon: { kind: 'constant', kgPerKWh: b('grid') },
    },
    period: { startMs: PERIOD_START, endMs: PERIOD_END },
    hardware: {
      items: [
        {
          name: `${GPUS_PER_SERVER} × ${acc.name} server`,
          count: b('servers'),
          unitCapex: b('host') + GPUS_PER_SERVER * (acc.listPrice?.usd ?? 0),
          lifeYears: b('life'),
          gpusPerUnit: GPUS_PER_SERVER,
          accelerator: acc.id,
        },
      ],
    },
    itLoad: {
      kind: 'gpus',
      busyW: acc.tdpW,
      idleW: acc.idle.watts,
      utilisation: b('util'),
      overheadWPerGpu: b('overhead'),
    },
    operations: { staffFte: b('staff'), costPerFteYear: b('fte-cost') },
    storage: {
      tiers: { hot: { tb: b('hot'), pricePerTbMonth: 20 }, cold: { tb: 0, pricePerTbMonth: 4 } },
    },
    bandwidth: { egressTb: b('egress'), pricePerTb: 50, cdnPricePerTb: 10 },
  };
}

export type ActiveLever = {
  key: string;
  label: string;
  /** For a chart axis. */ short: string;
  lever: Lever;
};

/** The levers that are on, in the order they are applied. */
export function activeLevers(state: WhatIfState): ActiveLever[] {
  const out: ActiveLever[] = [];
  for (const s of LEVER_SETTINGS) {
    const v = state.levers[s.key];
    if (v !== undefined)
      out.push({ key: s.key, label: s.label, short: s.short, lever: s.toLever(v) });
  }
  if (state.hardware && state.hardware !== state.gpu) {
    const to = findAccelerator(state.hardware);
    out.push({
      key: HARDWARE_LEVER_KEY,
      label: `Hardware → ${to.name}`,
      short: `→ ${to.aliases[0] ?? to.id}`,
      lever: { kind: 'hardware', to: state.hardware },
    });
  }
  return out;
}

export type WaterfallStep = {
  key: string;
  label: string;
  short: string;
  why: string;
  /** Change of the total when this lever is added to the ones before it. */
  delta: number;
  /** Change of market-based CO2e, kg, likewise. */
  marketKgDelta: number;
  /** Change of the total when this lever is applied alone to the baseline. */
  alone: number;
  /** Total after this lever and the ones before it. */
  after: number;
};

export type Waterfall = {
  result: WhatIfResult;
  steps: WaterfallStep[];
  /** The scenario after each lever, in order (the last is result.scenario). */
  after: TcoResult[];
};

/**
 * The levers applied one after another: each step is what its lever adds to those before it, so
 * the baseline plus the steps is the scenario total. (Levers interact — a lower PUE is worth less
 * after a cheaper tariff — so each lever's effect alone, from whatIf, is given as well.)
 */
export function waterfall(baseline: FacilityInput, levers: readonly ActiveLever[]): Waterfall {
  const result = whatIf(
    baseline,
    levers.map((l) => l.lever),
  );
  let input = baseline;
  let prev = result.baseline;
  const after: TcoResult[] = [];
  const steps = levers.map((l, i) => {
    input = applyLever(input, l.lever).input;
    const r = facilityTco(input);
    after.push(r);
    const step: WaterfallStep = {
      key: l.key,
      label: l.label,
      short: l.short,
      why: result.levers[i]!.why,
      delta: r.total - prev.total,
      marketKgDelta: r.co2e.marketKg - prev.co2e.marketKg,
      alone: result.levers[i]!.alone.total,
      after: r.total,
    };
    prev = r;
    return step;
  });
  return { result, steps, after };
}

export const HOURS_IN_BASELINE = (PERIOD_END - PERIOD_START) / MS_PER_HOUR;

/**
 * Where a waterfall's value axis should start so that small steps stay visible: a round number
 * below the lowest level any bar reaches (totals are drawn from it), or 0 when the steps are large
 * against the totals (a range under half the smallest total).
 */
export function waterfallAxisStart(levels: readonly number[]): number {
  const finite = levels.filter((x) => Number.isFinite(x));
  if (finite.length === 0) return 0;
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  if (!(lo > 0) || hi - lo > lo / 2) return 0;
  const span = Math.max(hi - lo, hi * 0.02);
  const unit = 10 ** Math.floor(Math.log10(span));
  return Math.max(0, Math.floor((lo - span * 0.5) / unit) * unit);
}
