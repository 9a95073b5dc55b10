import { InputError } from './errors';
import { PLACEMENTS, type PlacementName } from './placement';

export const ORDERS = ['fifo', 'backfill', 'las', 'fair'] as const;
/**
 * Queue order: which waiting job goes next.
 * - `fifo`: strict arrival order; a job that does not fit blocks the ones behind it.
 * - `backfill`: EASY backfilling: the first job gets a reservation (the nodes and the time it can
 *   start as running jobs end, by their expected run times); later jobs may start now if they leave
 *   that reservation alone or end before it.
 * - `las`: least attained service in the manner of Tiresias (discretised 2D-LAS): queues by GPU-seconds
 *   received, FIFO within a queue, every job that fits starts, and a waiting job may preempt
 *   preemptible jobs of a lower queue.
 * - `fair`: weighted fair share across teams where usage is counted in money (a GPU-hour is priced by
 *   its model), so an H100-hour weighs more than a T4-hour.
 */
export type OrderName = (typeof ORDERS)[number];

export const POLICY_NAMES = ['fifo', 'backfill', 'las', 'fair', 'cost-aware'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** Timing for deferrable jobs: start within [submit, deadline − duration] where the forecast is cheapest. */
export type TimingConfig = {
  /** Money per tonne CO2e added to the energy price when comparing start times (site currency). */
  carbonPricePerTonne: number;
  /** Maximum delay given to every job without a deadline of its own, seconds (0: only jobs with deadlines defer). */
  maxDelaySeconds: number;
  /** Defer only when the forecast saves at least this share of the cost of starting now… */
  minSavingShare: number;
  /** …and at least this much (site currency, carbon priced in): a job is not kept waiting for a cent. */
  minSaving: number;
};

/** Powering idle nodes down. */
export type PowerDownConfig = {
  /** Idle nodes of each GPU model kept on whatever the cost: this share of the model's nodes, rounded up. */
  warmPoolShare: number;
  bootSeconds: number;
  /** Draw while booting, as a multiple of the node's idle draw. */
  bootPowerFactor: number;
  /**
   * What one hour of a node's delay costs (a job waiting for the boot): this multiple of the node's
   * hardware cost per hour. With 1, waiting for a node costs what the node costs to own for that time.
   */
  delayCostFactor: number;
};

/** How a node draws power: modelled, not measured; every figure can be overridden. */
export type NodePowerConfig = {
  /** Host (CPU, memory, fans, NICs) draw of a node that is on, W. */
  hostIdleW: number;
  /** Extra draw per busy CPU core, W. */
  cpuWPerCore: number;
  /** Draw of a node that is off (BMC standby), W. */
  offW: number;
  /** A running job draws idle + this share of (TDP − idle) on the GPUs it holds (1: rated TDP). */
  gpuBusyShare: number;
};

export type PolicyConfig = {
  order: OrderName;
  placement: PlacementName;
  timing: TimingConfig | null;
  powerDown: PowerDownConfig | null;
  las: {
    /** Queue boundaries in GPU-seconds of attained service (Tiresias uses few, coarse queues). */
    thresholds: number[];
    /** Seconds added to a preempted job's remaining time (checkpoint and restart). */
    preemptionOverheadSeconds: number;
  };
  fair: {
    /** Team → weight; a team not listed weighs 1. */
    weights: Record<string, number>;
    /** Money per CPU core-hour, so CPU-only jobs count too (site currency). */
    cpuCoreHourCost: number;
  };
};

export const DEFAULT_NODE_POWER: NodePowerConfig = {
  hostIdleW: 150,
  cpuWPerCore: 3,
  offW: 0,
  gpuBusyShare: 1,
};

export const DEFAULT_TIMING: TimingConfig = {
  carbonPricePerTonne: 85,
  maxDelaySeconds: 0,
  minSavingShare: 0.05,
  minSaving: 0.05,
};

export const DEFAULT_POWER_DOWN: PowerDownConfig = {
  warmPoolShare: 0.02,
  bootSeconds: 300,
  bootPowerFactor: 1,
  delayCostFactor: 1,
};

/** Hours of delay the cost-aware preset gives jobs that have no deadline of their own. */
export const COST_AWARE_DEFAULT_DEFER_HOURS = 6;

/**
 * A named policy as the CLI offers it: one queue order, one placement, and cost-aware timing for
 * `cost-aware` (EASY backfill + deferral of deferrable jobs to cheaper, cleaner hours).
 */
export function policyPreset(
  name: PolicyName,
  options: {
    placement?: PlacementName;
    deferHours?: number;
    powerDown?: boolean | Partial<PowerDownConfig>;
    carbonPricePerTonne?: number;
    weights?: Record<string, number>;
  } = {},
): PolicyConfig {
  if (!POLICY_NAMES.includes(name))
    throw new InputError('policy', name, `must be one of ${POLICY_NAMES.join(', ')}`);
  const placement = options.placement ?? 'best-fit';
  if (!PLACEMENTS.includes(placement))
    throw new InputError('placement', placement, `must be one of ${PLACEMENTS.join(', ')}`);
  const defer = options.deferHours ?? (name === 'cost-aware' ? COST_AWARE_DEFAULT_DEFER_HOURS : 0);
  if (!(defer >= 0) || !Number.isFinite(defer))
    throw new InputError('defer', defer, 'must be hours ≥ 0');
  const timing =
    name === 'cost-aware' || defer > 0
      ? {
          ...DEFAULT_TIMING,
          carbonPricePerTonne: options.carbonPricePerTonne ?? DEFAULT_TIMING.carbonPricePerTonne,
          maxDelaySeconds: defer * 3600,
        }
      : null;
  const powerDown = options.powerDown
    ? { ...DEFAULT_POWER_DOWN, ...(typeof options.powerDown === 'object' ? options.powerDown : {}) }
    : null;
  return {
    order: name === 'cost-aware' ? 'backfill' : name,
    placement,
    timing,
    powerDown,
    las: { thresholds: [3600, 36_000], preemptionOverheadSeconds: 0 },
    fair: { weights: options.weights ?? {}, cpuCoreHourCost: 0.01 },
  };
}
