import { z } from 'zod';

import { formatMass, formatMoney, formatNumber, formatPercent } from './format';

/**
 * Reading a `simulate` job with `compare`: its result's `output` is what `wattwise simulate
 * --compare … --json` prints (`{ input, compare: [run, …] }`), and its attempts report progress
 * (`{ share, run, runs, label, jobsDone?, jobsTotal? }`). Only the fields the lab shows are read;
 * the rest pass through.
 */

const stats = z.object({ mean: z.number(), p99: z.number() }).loose();

const run = z
  .object({
    name: z.string(),
    currency: z.string().default('USD'),
    jobs: z.object({ total: z.number(), completed: z.number() }).loose(),
    jct: stats,
    wait: stats,
    utilization: z.number(),
    unallocatedGpus: z.number(),
    energy: z.object({ itKWh: z.number(), facilityKWh: z.number() }).loose(),
    energyCost: z.number(),
    co2eKg: z.number(),
    deadlineMisses: z.number(),
    makespanSeconds: z.number(),
    events: z.number(),
    wallSeconds: z.number(),
    notes: z.array(z.string()).default([]),
  })
  .loose();
export type LabRun = z.infer<typeof run>;

const output = z
  .object({
    input: z.record(z.string(), z.unknown()).default({}),
    compare: z.array(run).min(1),
  })
  .loose();
export type LabOutput = z.infer<typeof output>;

/** The comparison in a finished job's result, or null when there is none (or another shape). */
export function parseLabOutput(result: unknown): LabOutput | null {
  if (!result || typeof result !== 'object') return null;
  const parsed = output.safeParse((result as { output?: unknown }).output);
  return parsed.success ? parsed.data : null;
}

const progress = z
  .object({
    share: z.number(),
    run: z.number(),
    runs: z.number(),
    label: z.string(),
    jobsDone: z.number().optional(),
    jobsTotal: z.number().optional(),
  })
  .loose();
export type LabProgress = z.infer<typeof progress>;

/** The latest progress report among a job's attempts, or null before the first. */
export function latestLabProgress(attempts: readonly { progress: unknown }[]): LabProgress | null {
  for (let i = attempts.length - 1; i >= 0; i--) {
    const p = progress.safeParse(attempts[i]!.progress);
    if (p.success) return p.data;
  }
  return null;
}

/** Seconds of simulated time, in the largest units that keep it readable: "3 d 4 h", "12 min 5 s". */
export function formatSimSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return `${formatNumber(seconds, 3)} s`;
  const s = Math.round(seconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) return `${d.toLocaleString('en')} d ${h} h`;
  if (h) return `${h} h ${m} min`;
  return `${m} min ${s % 60} s`;
}

/** Which way is better for a metric: lower (cost, wait) or higher (jobs done, utilisation). */
export type Better = 'lower' | 'higher';

export type LabMetric = {
  key: string;
  label: string;
  /** Unit words for the header, e.g. "kWh". */
  unit?: string;
  value: (r: LabRun) => number;
  format: (x: number, r: LabRun) => string;
  better: Better | null;
  /** How the simulator computes it, for the Explain drawer. */
  formula: string;
};

const count = (x: number) => formatNumber(x, 4);

export const LAB_METRICS: readonly LabMetric[] = [
  {
    key: 'jobsCompleted',
    label: 'Jobs completed',
    value: (r) => r.jobs.completed,
    format: (x, r) => `${count(x)} of ${count(r.jobs.total)}`,
    better: 'higher',
    formula:
      'jobs that ran to their end within the simulation; the rest were skipped (never scheduled in the trace), unschedulable, deferred or unfinished',
  },
  {
    key: 'waitMean',
    label: 'Wait, mean',
    value: (r) => r.wait.mean,
    format: formatSimSeconds,
    better: 'lower',
    formula: 'mean over completed jobs of (start − arrival), in simulated time',
  },
  {
    key: 'waitP99',
    label: 'Wait, p99',
    value: (r) => r.wait.p99,
    format: formatSimSeconds,
    better: 'lower',
    formula: '99th percentile over completed jobs of (start − arrival)',
  },
  {
    key: 'jctMean',
    label: 'Job completion time, mean',
    value: (r) => r.jct.mean,
    format: formatSimSeconds,
    better: 'lower',
    formula: 'mean over completed jobs of (finish − arrival): wait plus run time',
  },
  {
    key: 'jctP99',
    label: 'Job completion time, p99',
    value: (r) => r.jct.p99,
    format: formatSimSeconds,
    better: 'lower',
    formula: '99th percentile over completed jobs of (finish − arrival)',
  },
  {
    key: 'utilization',
    label: 'GPU utilisation',
    value: (r) => r.utilization,
    format: (x) => formatPercent(x),
    better: 'higher',
    formula: 'GPU-seconds allocated to jobs ÷ (GPUs in the cluster × makespan)',
  },
  {
    key: 'unallocatedGpus',
    label: 'Unallocated GPUs',
    value: (r) => r.unallocatedGpus,
    format: (x) => formatNumber(x, 3),
    better: 'lower',
    formula:
      'GPUs left unallocated when the cluster could place no further job (the fragmentation measure of the FGD experiment)',
  },
  {
    key: 'itKWh',
    label: 'IT energy',
    unit: 'kWh',
    value: (r) => r.energy.itKWh,
    format: (x) => `${formatNumber(x, 4)} kWh`,
    better: 'lower',
    formula:
      'Σ over nodes and states (busy, idle, booting, off) of the modelled power × time in that state',
  },
  {
    key: 'facilityKWh',
    label: 'Facility energy',
    unit: 'kWh',
    value: (r) => r.energy.facilityKWh,
    format: (x) => `${formatNumber(x, 4)} kWh`,
    better: 'lower',
    formula: 'IT energy × PUE of the site',
  },
  {
    key: 'energyCost',
    label: 'Energy cost',
    value: (r) => r.energyCost,
    format: (x, r) => formatMoney(x, r.currency),
    better: 'lower',
    formula: "Σ over hours of facility energy in the hour × the zone's price in that hour",
  },
  {
    key: 'co2eKg',
    label: 'Emissions (CO2e)',
    value: (r) => r.co2eKg,
    format: (x) => formatMass(x),
    better: 'lower',
    formula:
      "Σ over hours of facility energy in the hour × the zone's grid carbon intensity in that hour",
  },
  {
    key: 'deadlineMisses',
    label: 'Deadline misses',
    value: (r) => r.deadlineMisses,
    format: count,
    better: 'lower',
    formula: 'jobs with a deadline that finished after it',
  },
  {
    key: 'makespan',
    label: 'Makespan',
    value: (r) => r.makespanSeconds,
    format: formatSimSeconds,
    better: 'lower',
    formula: "time from the first arrival to the last job's end",
  },
  {
    key: 'events',
    label: 'Events simulated',
    value: (r) => r.events,
    format: count,
    better: null,
    formula: 'arrivals, starts, ends and power transitions the simulator processed',
  },
  {
    key: 'wallSeconds',
    label: 'Wall time',
    value: (r) => r.wallSeconds,
    format: (x) => `${formatNumber(x, 2)} s`,
    better: null,
    formula: "seconds the worker spent computing this policy's run (real time, not simulated)",
  },
];

export type LabDelta = {
  /** value − baseline. */
  diff: number;
  /** diff ÷ baseline, null when the baseline is 0. */
  ratio: number | null;
  /** Whether the change is for the better, the worse, or neither (no change, or no preference). */
  verdict: 'better' | 'worse' | 'same' | 'neutral';
};

/** The change of a value against the first policy's. */
export function labDelta(value: number, baseline: number, better: Better | null): LabDelta {
  const diff = value - baseline;
  const ratio = baseline === 0 ? null : diff / Math.abs(baseline);
  // Floating noise (two runs of the same plan) is no change.
  const same = Math.abs(diff) <= 1e-9 * Math.max(1, Math.abs(baseline));
  const verdict = same
    ? 'same'
    : better === null
      ? 'neutral'
      : diff < 0 === (better === 'lower')
        ? 'better'
        : 'worse';
  return { diff: same ? 0 : diff, ratio: same ? 0 : ratio, verdict };
}

/** "+12.5 %", "−3 %", "±0", or "new" where the baseline is 0. */
export function formatDeltaRatio(d: LabDelta): string {
  if (d.verdict === 'same') return '±0';
  if (d.ratio === null) return d.diff > 0 ? 'up from 0' : 'down from 0';
  const pct = Math.abs(d.ratio * 100);
  const text = pct >= 10 ? pct.toFixed(0) : pct >= 1 ? pct.toFixed(1) : pct.toPrecision(2);
  return `${d.ratio > 0 ? '+' : '−'}${text} %`;
}
