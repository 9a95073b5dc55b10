import {
  findAccelerator,
  peakFlops,
  type Accelerator,
  type Precision,
} from './catalog/accelerators';
import { InputError, atLeast, fraction, positive } from './errors';
import type { Tariff } from './site';
import {
  COST_PARTS,
  facilityTco,
  type CostByPart,
  type FacilityInput,
  type TcoResult,
} from './tco';

/** Changes from the field, each applied to a facility baseline. */
export type Lever =
  | { kind: 'pue'; value: number }
  | { kind: 'renewable-share'; value: number }
  | { kind: 'tariff'; tariff: Tariff; label?: string }
  /** int8 / fp8 inference: compute time × computeFactor (default 0.5, the 2× peak of 8-bit math). */
  | {
      kind: 'quantise';
      to: 'int8' | 'fp8';
      inferenceShare: number;
      computeFactor?: number;
      memoryFactor?: number;
    }
  /** Structured pruning of inference models; computeFactor is the measured time ratio after pruning. */
  | { kind: 'prune'; inferenceShare: number; computeFactor: number }
  /** Serve a distilled model with paramsRatio of the parameters: compute scales with parameters (2·N per token). */
  | { kind: 'distil'; inferenceShare: number; paramsRatio: number }
  /** Replace the accelerators of the hardware items that name one, doing the same work on fewer. */
  | { kind: 'hardware'; to: string; precision?: Precision }
  | { kind: 'power-down-idle'; share: number }
  | {
      kind: 'storage-tiering';
      moveShare: number;
      from?: 'hot' | 'warm';
      to?: 'cold' | 'archive';
      toPricePerTbMonth?: number;
    }
  | { kind: 'compression'; ratio: number }
  | { kind: 'cdn-offload'; share: number; cdnPricePerTb?: number }
  | { kind: 'ops-automation'; share: number };

export type LeverEffect = {
  lever: Lever;
  why: string;
  alone: CostByPart & { total: number; locationKg: number; marketKg: number };
};

export type WhatIfResult = {
  baseline: TcoResult;
  scenario: TcoResult;
  /** scenario − baseline, by part (negative is a saving). */
  delta: CostByPart & {
    total: number;
    locationKg: number;
    marketKg: number;
    facilityEnergyKWh: number;
  };
  /** Each lever applied alone to the baseline: its own effect and the reason for it. */
  levers: LeverEffect[];
};

function needGpuLoad(input: FacilityInput, lever: Lever) {
  if (input.itLoad.kind !== 'gpus')
    throw new InputError(
      'itLoad.kind',
      input.itLoad.kind,
      `must be "gpus" for the ${lever.kind} lever, which changes GPU utilisation`,
    );
  return input.itLoad;
}

/** Busy GPU time of inference falls to `factor`; training and idle time are unchanged. */
function lessCompute(
  input: FacilityInput,
  lever: Lever,
  share: number,
  factor: number,
): FacilityInput {
  const load = needGpuLoad(input, lever);
  fraction('inferenceShare', share);
  const u = load.utilisation * (1 - share * (1 - factor));
  return { ...input, itLoad: { ...load, utilisation: u } };
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`;

/** Apply one lever: the new input, and in words what it changes and why that matters. */
export function applyLever(
  input: FacilityInput,
  lever: Lever,
): { input: FacilityInput; why: string } {
  switch (lever.kind) {
    case 'pue': {
      const v = atLeast('pue', lever.value, 1);
      return {
        input: { ...input, site: { ...input.site, pue: v } },
        why: `PUE → ${v}: every IT kWh needs ${v} kWh at the meter (cooling, power conversion)`,
      };
    }
    case 'renewable-share': {
      const v = fraction('renewableShare', lever.value);
      return {
        input: { ...input, carbon: { ...input.carbon, renewableShare: v } },
        why: `${pct(v)} of energy under renewable contracts: market-based Scope 2 falls; location-based and cost do not change`,
      };
    }
    case 'tariff':
      return {
        input: { ...input, site: { ...input.site, tariff: lever.tariff } },
        why: `tariff → ${lever.label ?? lever.tariff.kind}: the same kWh priced hour by hour on the new tariff`,
      };
    case 'quantise': {
      const cf = fraction('computeFactor', lever.computeFactor ?? 0.5);
      const mf = fraction('memoryFactor', lever.memoryFactor ?? 0.5);
      return {
        input: lessCompute(input, lever, lever.inferenceShare, cf),
        why: `${lever.to} inference on ${pct(lever.inferenceShare)} of busy GPU time: compute time × ${cf} (${lever.computeFactor === undefined ? 'rated: 8-bit peak is 2× bf16 on current parts; real gains are smaller' : 'as given'}), weights × ${mf} memory; accuracy must be checked`,
      };
    }
    case 'prune': {
      const cf = fraction('computeFactor', lever.computeFactor);
      return {
        input: lessCompute(input, lever, lever.inferenceShare, cf),
        why: `pruned inference models on ${pct(lever.inferenceShare)} of busy GPU time run in ${cf} of the time`,
      };
    }
    case 'distil': {
      const r = fraction('paramsRatio', lever.paramsRatio);
      return {
        input: lessCompute(input, lever, lever.inferenceShare, r),
        why: `a distilled model with ${pct(r)} of the parameters: inference compute ∝ parameters (2·N FLOPs per token)`,
      };
    }
    case 'hardware': {
      const to = findAccelerator(lever.to);
      const precision = lever.precision ?? 'bf16';
      const load = needGpuLoad(input, lever);
      let from: Accelerator | undefined;
      const items = input.hardware.items.map((item) => {
        if (!item.accelerator) return item;
        const f = findAccelerator(item.accelerator);
        from = f;
        const ratio = peakFlops(to, precision) / peakFlops(f, precision);
        const gpusPerUnit = item.gpusPerUnit ?? 0;
        const units = Math.ceil(item.count / ratio);
        if (!to.listPrice || !f.listPrice)
          throw new InputError('to', lever.to, 'needs catalogue prices for both accelerators');
        const unitCapex = item.unitCapex + gpusPerUnit * (to.listPrice.usd - f.listPrice.usd);
        return { ...item, count: units, unitCapex, accelerator: to.id };
      });
      if (!from)
        throw new InputError(
          'hardware.items',
          input.hardware.items.map((i) => i.name),
          'must name an accelerator on at least one item for the hardware lever',
        );
      const ratio = peakFlops(to, precision) / peakFlops(from, precision);
      return {
        input: {
          ...input,
          hardware: { ...input.hardware, items },
          itLoad: { ...load, busyW: (load.busyW * to.tdpW) / from.tdpW, idleW: to.idle.watts },
        },
        why: `${from.name} → ${to.name}: ${ratio.toFixed(2)}× the ${precision} peak, so the same work on ${pct(1 / ratio)} of the accelerators at ${to.tdpW} W instead of ${from.tdpW} W; purchase prices are catalogue estimates in the site currency`,
      };
    }
    case 'power-down-idle': {
      const v = fraction('share', lever.share);
      const load = needGpuLoad(input, lever);
      return {
        input: { ...input, itLoad: { ...load, poweredDownIdleShare: v } },
        why: `${pct(v)} of idle GPU time powered down: idle and host power (${load.idleW + (load.overheadWPerGpu ?? 0)} W per GPU) stop for those hours`,
      };
    }
    case 'storage-tiering': {
      const move = fraction('moveShare', lever.moveShare);
      const fromTier = lever.from ?? 'hot';
      const toTier = lever.to ?? 'cold';
      const tiers = { ...input.storage?.tiers };
      const src = tiers[fromTier];
      if (!src)
        throw new InputError(
          `storage.tiers.${fromTier}`,
          undefined,
          'is required for storage tiering',
        );
      const dst =
        tiers[toTier] ??
        (lever.toPricePerTbMonth !== undefined
          ? { tb: 0, pricePerTbMonth: lever.toPricePerTbMonth }
          : undefined);
      if (!dst)
        throw new InputError(
          'toPricePerTbMonth',
          undefined,
          `is required: the baseline has no ${toTier} tier`,
        );
      tiers[fromTier] = { ...src, tb: src.tb * (1 - move) };
      tiers[toTier] = { ...dst, tb: dst.tb + src.tb * move };
      return {
        input: { ...input, storage: { ...input.storage, tiers } },
        why: `${pct(move)} of ${fromTier} data (${(src.tb * move).toFixed(1)} TB) to ${toTier} at ${tiers[toTier].pricePerTbMonth} instead of ${src.pricePerTbMonth} per TB-month`,
      };
    }
    case 'compression': {
      const r = atLeast('ratio', lever.ratio, 1);
      return {
        input: {
          ...input,
          storage: { tiers: input.storage?.tiers ?? {}, ...input.storage, compressionRatio: r },
        },
        why: `data compressed ${r}:1: stored TB ÷ ${r}`,
      };
    }
    case 'cdn-offload': {
      const v = fraction('share', lever.share);
      const bw = {
        ...input.bandwidth,
        cdnOffloadShare: v,
        ...(lever.cdnPricePerTb !== undefined
          ? { cdnPricePerTb: positive('cdnPricePerTb', lever.cdnPricePerTb) }
          : {}),
      };
      return {
        input: { ...input, bandwidth: bw },
        why: `${pct(v)} of egress served from a CDN at ${bw.cdnPricePerTb ?? 0} instead of ${bw.pricePerTb ?? 0} per TB`,
      };
    }
    case 'ops-automation': {
      const v = fraction('share', lever.share);
      return {
        input: { ...input, operations: { ...input.operations, automationShare: v } },
        why: `${pct(v)} of operations staff work automated: staff cost × ${(1 - v).toFixed(2)}`,
      };
    }
    default:
      throw new InputError('lever.kind', (lever as { kind: unknown }).kind, 'is not a known lever');
  }
}

function diff(a: TcoResult, b: TcoResult) {
  const d = Object.fromEntries(COST_PARTS.map((p) => [p, b.parts[p] - a.parts[p]])) as CostByPart;
  return {
    ...d,
    total: b.total - a.total,
    locationKg: b.co2e.locationKg - a.co2e.locationKg,
    marketKg: b.co2e.marketKg - a.co2e.marketKg,
    facilityEnergyKWh: b.facilityEnergyKWh - a.facilityEnergyKWh,
  };
}

/** Apply a set of levers to a baseline (in order), and each one alone to see what it is worth. */
export function whatIf(baseline: FacilityInput, levers: readonly Lever[]): WhatIfResult {
  const base = facilityTco(baseline);
  let input = baseline;
  const effects: LeverEffect[] = levers.map((lever) => {
    const alone = applyLever(baseline, lever);
    input = applyLever(input, lever).input;
    const d = diff(base, facilityTco(alone.input));
    return {
      lever,
      why: alone.why,
      alone: {
        ...Object.fromEntries(COST_PARTS.map((p) => [p, d[p]])),
        total: d.total,
        locationKg: d.locationKg,
        marketKg: d.marketKg,
      } as LeverEffect['alone'],
    };
  });
  const scenario = facilityTco(input);
  return { baseline: base, scenario, delta: diff(base, scenario), levers: effects };
}
