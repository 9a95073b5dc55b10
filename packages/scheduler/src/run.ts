/**
 * A whole simulation run as `wattwise simulate` and the worker's `simulate` jobs do it: options (the
 * strings a user typed) → a checked plan (trace, nodes and site read) → every policy or placement run
 * on the same workload and cluster → the JSON object `wattwise simulate --json` prints.
 * Node only (it reads files): exported from `@wattwise/scheduler/node`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { GRID_ZONES, InputError, type Site } from '@wattwise/cost-model';
import { DEFAULT_DATA_DIR as COST_DATA_DIR } from '@wattwise/cost-model/node';

import { TraceError } from './errors';
import { inflate, type InflateResult } from './inflate';
import {
  buildCluster,
  compressArrivals,
  replicateCluster,
  replicateWorkload,
  sliceWorkload,
} from './model';
import {
  bundledPath,
  DEFAULT_DATA_DIR as TRACE_DATA_DIR,
  readNodes,
  readSite,
  readTrace,
} from './files';
import { PLACEMENTS, type PlacementName } from './placement';
import { POLICY_NAMES, policyPreset, type PolicyName } from './policy';
import { simulate, type Progress, type SimulationResult } from './simulate';
import { TRACE_FORMATS, type TraceImport } from './traces';

/** The options as a command line hands them over: every value still the string the user typed. */
export type SimulateOptions = {
  trace?: string;
  nodes?: string;
  policy?: string;
  placement?: string;
  site?: string;
  start?: string;
  defer?: string;
  powerDown?: boolean;
  compress?: string;
  inflate?: boolean;
  scale?: string;
  seed?: string;
  compare?: string;
  carbonPrice?: string;
  pue?: string;
  weights?: string;
  /** Only the first N jobs of the trace (in submit order). */
  limit?: string;
};

/**
 * A run that cannot start. `usage`: an option is wrong (the CLI's exit 2); otherwise a file's
 * content is (exit 1). `option` names the option at fault when one is.
 */
export class SimulateError extends Error {
  constructor(
    message: string,
    readonly usage: boolean,
    readonly option?: keyof SimulateOptions,
  ) {
    super(message);
    this.name = 'SimulateError';
  }
}

const kebab = (name: string) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export type PlanOptions = {
  /** How messages name an option: the CLI's `--power-down` by default, a job payload's field otherwise. */
  label?: (option: keyof SimulateOptions) => string;
  /** Where the bundled traces and grid data are; default {@link bundledDataDirs}. */
  dataDirs?: { trace: string; cost: string };
};

/** Where bundled data lives: inside the packages from source; beside a bundle (its build copies it there). */
function dataDir(fromSource: string, beside: string): string {
  if (existsSync(fromSource)) return fromSource;
  const there = fileURLToPath(new URL(beside, import.meta.url));
  return existsSync(there) ? there : fromSource;
}

/**
 * The data directories: the packages' own `data/` when run from source; in an app bundled to
 * `dist/main.js`, `dist/data/` (cost-model's) and `dist/data/scheduler/` (ours), which the apps'
 * build scripts copy there.
 */
export function bundledDataDirs(): { trace: string; cost: string } {
  return {
    trace: dataDir(TRACE_DATA_DIR, './data/scheduler/'),
    cost: dataDir(COST_DATA_DIR, './data/'),
  };
}

/** Every input, checked, before anything runs. */
export type SimulatePlan = {
  trace: TraceImport;
  nodesFile: string;
  site: Site;
  siteLabel: string;
  startMs: number;
  compress: number;
  scale: number;
  seed: number;
  inflate: boolean;
  /** Jobs kept from the start of the trace; null: all. */
  limit: number | null;
  /** Policies to run (replay), or placements to compare (inflate). */
  runs: { label: string; policy: PolicyName; placement: PlacementName }[];
  options: {
    deferHours?: number;
    powerDown: boolean;
    carbonPricePerTonne?: number;
    weights?: Record<string, number>;
  };
};

/** Checks every option and reads the trace, the node file and the site; throws a {@link SimulateError}. */
export function planSimulation(opts: SimulateOptions, planOpts: PlanOptions = {}): SimulatePlan {
  const label = planOpts.label ?? kebab;
  const dirs = planOpts.dataDirs ?? bundledDataDirs();
  const usage = (option: keyof SimulateOptions, message: string) =>
    new SimulateError(message, true, option);
  const number = (
    option: keyof SimulateOptions,
    check: (v: number) => boolean,
    expectation: string,
  ): number | undefined => {
    const text = opts[option] as string | undefined;
    if (text === undefined) return undefined;
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v) || !check(v))
      throw usage(option, `${label(option)} ${JSON.stringify(text)} must be ${expectation}`);
    return v;
  };

  if (!opts.trace)
    throw usage(
      'trace',
      `${label('trace')} is required: FORMAT:FILE with FORMAT one of ${TRACE_FORMATS.join(', ')} (e.g. alibaba2023:pods.csv)`,
    );
  const format = opts.trace.split(':')[0]!;
  if (!(TRACE_FORMATS as readonly string[]).includes(format))
    throw usage(
      'trace',
      `${label('trace')} ${JSON.stringify(opts.trace)} must start with one of ${TRACE_FORMATS.join(', ')} and a colon`,
    );
  const placement = (opts.placement ?? 'best-fit') as PlacementName;
  if (!PLACEMENTS.includes(placement))
    throw usage(
      'placement',
      `${label('placement')} ${JSON.stringify(opts.placement)} must be one of ${PLACEMENTS.join(', ')}`,
    );
  const compress = number('compress', (v) => v >= 1, 'a number ≥ 1') ?? 1;
  const scale =
    number(
      'scale',
      (v) => Number.isInteger(v) && v >= 1 && v <= 1000,
      'a whole number from 1 to 1000',
    ) ?? 1;
  const seed = number('seed', (v) => Number.isInteger(v), 'a whole number') ?? 42;
  const limit = number('limit', (v) => Number.isInteger(v) && v >= 1, 'a whole number ≥ 1') ?? null;
  const deferHours = number('defer', (v) => v >= 0, 'hours ≥ 0');
  const carbonPricePerTonne = number('carbonPrice', (v) => v >= 0, 'a price per tonne ≥ 0');
  const pue = number('pue', (v) => v >= 1, 'a number ≥ 1') ?? 1.2;
  let startMs: number | undefined;
  if (opts.start !== undefined) {
    startMs = Date.parse(opts.start);
    if (!Number.isFinite(startMs))
      throw usage(
        'start',
        `${label('start')} ${JSON.stringify(opts.start)} must be an ISO time such as 2023-06-01T00:00Z`,
      );
  }
  let weights: Record<string, number> | undefined;
  if (opts.weights !== undefined) {
    weights = {};
    for (const part of opts.weights.split(',')) {
      const [team, w] = part.split('=');
      const v = Number(w);
      if (!team || !(v > 0))
        throw usage(
          'weights',
          `${label('weights')} must look like team=3,other=1 (weights > 0), not ${JSON.stringify(opts.weights)}`,
        );
      weights[team.trim()] = v;
    }
  }

  // Runs: replay policies, or placements under inflate.
  const names =
    opts.compare !== undefined
      ? opts.compare
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  if (opts.compare !== undefined && names.length === 0)
    throw usage('compare', `${label('compare')} needs names, e.g. fifo,backfill,las`);
  const runs: SimulatePlan['runs'] = [];
  if (opts.inflate) {
    for (const name of names.length ? names : [placement]) {
      if (!PLACEMENTS.includes(name as PlacementName))
        throw usage(
          'compare',
          `${label('compare')} with ${label('inflate')} takes placements: ${JSON.stringify(name)} is not one of ${PLACEMENTS.join(', ')}`,
        );
      runs.push({ label: name, policy: 'fifo', placement: name as PlacementName });
    }
  } else {
    const list = names.length ? names : opts.policy ? [opts.policy] : [];
    if (list.length === 0)
      throw usage(
        'policy',
        `${label('policy')} is required (one of ${POLICY_NAMES.join(', ')}), or ${label('compare')} NAME,NAME`,
      );
    for (const name of list) {
      if (!POLICY_NAMES.includes(name as PolicyName)) {
        const option = names.length ? 'compare' : 'policy';
        throw usage(
          option,
          `${label(option)} ${JSON.stringify(name)} must be one of ${POLICY_NAMES.join(', ')}`,
        );
      }
      runs.push({ label: name, policy: name as PolicyName, placement });
    }
  }

  // Files.
  const colon = opts.trace.indexOf(':');
  const tracePath = colon < 0 ? '' : opts.trace.slice(colon + 1);
  if (tracePath !== '' && !existsSync(tracePath))
    throw usage('trace', `${label('trace')} file ${JSON.stringify(tracePath)} does not exist`);
  let nodesFile = opts.nodes;
  if (!nodesFile) {
    if (format !== 'alibaba2023')
      throw usage(
        'nodes',
        `${label('nodes')} is required: a node CSV (sn,cpu_milli,memory_mib,gpu,model)`,
      );
    nodesFile = bundledPath('alibaba2023Nodes', dirs.trace);
  } else if (!existsSync(nodesFile))
    throw usage('nodes', `${label('nodes')} file ${JSON.stringify(nodesFile)} does not exist`);
  const siteName = opts.site ?? 'US-CAL-CISO';
  if (/\.json$/i.test(siteName) && !existsSync(siteName))
    throw usage('site', `${label('site')} file ${JSON.stringify(siteName)} does not exist`);
  let site: Site;
  try {
    site = readSite(siteName, { pue, dataDir: dirs.cost });
  } catch (err) {
    if (err instanceof TraceError) throw new SimulateError(err.message, false, 'site');
    if (err instanceof InputError)
      throw usage(
        'site',
        `${label('site')} ${JSON.stringify(siteName)} is not a bundled zone (${GRID_ZONES.map((z) => z.id).join(', ')}) or a site file: ${err.message}`,
      );
    throw err;
  }

  let trace: TraceImport;
  try {
    trace = readTrace(opts.trace, dirs.trace);
  } catch (err) {
    if (err instanceof InputError) throw new SimulateError(err.message, false, 'trace');
    throw err;
  }
  if (!trace.hasTimes && !opts.inflate)
    throw usage(
      'inflate',
      `${trace.file} has no times (creation_time, deletion_time): use it with ${label('inflate')}`,
    );
  return {
    trace,
    nodesFile,
    site,
    siteLabel: siteName,
    startMs: startMs ?? trace.workload.startMs,
    compress,
    scale,
    seed,
    inflate: opts.inflate === true,
    limit,
    runs,
    options: { deferHours, powerDown: opts.powerDown === true, carbonPricePerTonne, weights },
  };
}

export type SimulateOutput =
  | { kind: 'replay'; plan: SimulatePlan; results: { label: string; result: SimulationResult }[] }
  | { kind: 'inflate'; plan: SimulatePlan; results: { label: string; result: InflateResult }[] };

/** Where a run stands: `share` of all the plan's runs done, 0 to 1. */
export type RunProgress = {
  run: number;
  runs: number;
  label: string;
  share: number;
  /** The simulator's own report (replay only). */
  progress?: Progress;
};

export type RunOptions = {
  /** A monotonic clock in ms for `wallSeconds` (the package has none of its own). */
  clock?: () => number;
  onProgress?: (p: RunProgress) => void;
};

/** Runs every policy (or placement) of the plan on the same workload and cluster. */
export function runSimulation(plan: SimulatePlan, opts: RunOptions = {}): SimulateOutput {
  let workload = { ...plan.trace.workload, startMs: plan.startMs };
  let cluster;
  try {
    cluster = buildCluster(readNodes(plan.nodesFile));
  } catch (err) {
    if (err instanceof InputError) throw new SimulateError(err.message, false, 'nodes');
    throw err;
  }
  if (plan.limit !== null && plan.limit < workload.count)
    workload = { ...sliceWorkload(workload, plan.limit), startMs: plan.startMs };
  if (plan.compress !== 1) workload = compressArrivals(workload, plan.compress);
  if (plan.scale !== 1) {
    workload = replicateWorkload(workload, plan.scale);
    cluster = replicateCluster(cluster, plan.scale);
  }
  const { clock, onProgress } = opts;
  const runs = plan.runs.length;
  const report = (run: number, label: string, done: number, progress?: Progress) =>
    onProgress?.({ run, runs, label, share: Math.min(1, (run + done) / runs), progress });
  if (plan.inflate) {
    return {
      kind: 'inflate',
      plan,
      results: plan.runs.map((r, i) => {
        const result = inflate({
          workload,
          cluster,
          placement: r.placement,
          seed: plan.seed,
          clock,
        });
        report(i, r.label, 1);
        return { label: r.label, result };
      }),
    };
  }
  const results = plan.runs.map((r, i) => {
    const result = simulate({
      workload,
      cluster,
      policy: policyPreset(r.policy, { placement: r.placement, ...plan.options }),
      site: plan.site,
      seed: plan.seed,
      clock,
      onProgress: onProgress
        ? (p) => report(i, r.label, p.jobsTotal ? p.jobsDone / p.jobsTotal : 0, p)
        : undefined,
      perJob: false,
    });
    report(i, r.label, 1);
    return { label: r.label, result };
  });
  return { kind: 'replay', plan, results };
}

/** What the output says about its input. */
export function describeInput(plan: SimulatePlan) {
  return {
    trace: { format: plan.trace.format, file: plan.trace.file, rows: plan.trace.rows },
    nodes: plan.nodesFile.split(/[\\/]/).pop(),
    site: plan.siteLabel,
    start: new Date(plan.startMs).toISOString(),
    compress: plan.compress,
    scale: plan.scale,
    seed: plan.seed,
    ...(plan.limit !== null ? { limit: plan.limit } : {}),
  };
}

/** One run as the JSON object the contract promises (the per-job arrays and the reason map left out). */
export function replayJson(result: SimulationResult) {
  const { perJob: _perJob, reasons, ...rest } = result;
  const examples = [...reasons.entries()].slice(0, 5).map(([job, reason]) => ({ job, reason }));
  return { ...rest, deferrals: { count: result.jobs.deferred, examples } };
}

/** The object `wattwise simulate --json` prints: one run's figures, or `compare` with one per run. */
export function simulationJson(out: SimulateOutput): Record<string, unknown> {
  const input = describeInput(out.plan);
  if (out.kind === 'inflate') {
    const inflated = (r: InflateResult) => ({
      capacityGpus: r.capacityGpus,
      inflate: r.inflate,
      wallSeconds: r.wallSeconds,
    });
    if (out.results.length === 1) {
      const r = out.results[0]!.result;
      return { input, placement: r.placement, ...inflated(r) };
    }
    return {
      input,
      compare: out.results.map((r) => ({ placement: r.label, ...inflated(r.result) })),
    };
  }
  if (out.results.length === 1) return { input, ...replayJson(out.results[0]!.result) };
  return {
    input,
    compare: out.results.map((r) => ({ name: r.label, ...replayJson(r.result) })),
  };
}
