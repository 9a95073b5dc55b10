// `simulate` jobs: `wattwise simulate` run by the worker, in a child process (see child.ts), through
// the same runner as the CLI (`@wattwise/scheduler/node`'s run.ts), loaded only in the child.
import type { SimulatePayload } from '@wattwise/api/payloads';
import { simulatePayload } from '@wattwise/api/payloads';
import type { SimulateOptions } from '@wattwise/scheduler/node';

import type { ExecutorOptions, RunningExecutor } from './child';
import { startExecutor } from './child';
import type { JobIo } from './protocol';
import { JobInputError } from './protocol';

/** Where the job stands: `share` of all its runs done (0 to 1), and the simulator's own count. */
export type SimulateProgress = {
  share: number;
  /** 0-based run (policy or placement) and how many there are. */
  run: number;
  runs: number;
  label: string;
  jobsDone?: number;
  jobsTotal?: number;
  events?: number;
  simSeconds?: number;
};

export type SimulateJobOptions = ExecutorOptions<SimulateProgress>;

/**
 * Starts a simulate job in a child process. The payload is checked first (a bad one is refused
 * without starting anything); the result's `output` is the object `wattwise simulate --json` prints.
 */
export function startSimulate(payload: unknown, opts: SimulateJobOptions): RunningExecutor {
  return startExecutor('simulate', simulatePayload, payload, opts);
}

/** The payload as the command line's strings, so that both run exactly the same checks. */
export function simulateOptions(p: SimulatePayload): SimulateOptions {
  const str = (v: number | undefined) => (v === undefined ? undefined : String(v));
  return {
    trace: p.trace.path !== undefined ? `${p.trace.format}:${p.trace.path}` : p.trace.format,
    nodes: p.nodes,
    policy: p.policy,
    placement: p.placement,
    site: p.site,
    start: p.start,
    defer: str(p.deferHours),
    powerDown: p.powerDown,
    compress: str(p.compress),
    inflate: p.inflate,
    scale: str(p.scale),
    seed: str(p.seed),
    compare: p.compare?.join(','),
    carbonPrice: str(p.carbonPricePerTonne),
    pue: str(p.pue),
    weights: p.weights
      ? Object.entries(p.weights)
          .map(([team, w]) => `${team}=${w}`)
          .join(',')
      : undefined,
    limit: str(p.limit),
  };
}

/** The payload field each command-line option comes from, to name it in messages. */
const FIELDS: Record<keyof SimulateOptions, string> = {
  trace: 'trace',
  nodes: 'nodes',
  policy: 'policy',
  placement: 'placement',
  site: 'site',
  start: 'start',
  defer: 'deferHours',
  powerDown: 'powerDown',
  compress: 'compress',
  inflate: 'inflate',
  scale: 'scale',
  seed: 'seed',
  compare: 'compare',
  carbonPrice: 'carbonPricePerTonne',
  pue: 'pue',
  weights: 'weights',
  limit: 'limit',
};

/** The child's work: plan (read the trace, nodes and site), run every policy, report. */
export async function simulateJob(
  payload: SimulatePayload,
  io: JobIo,
): Promise<Record<string, unknown>> {
  const { planSimulation, runSimulation, simulationJson, SimulateError } =
    await import('@wattwise/scheduler/node');
  const label = (o: keyof SimulateOptions) => FIELDS[o];
  const fail = (err: unknown): never => {
    if (err instanceof SimulateError)
      throw new JobInputError(err.message, err.option && label(err.option));
    throw err;
  };
  let plan;
  try {
    plan = planSimulation(simulateOptions(payload), { label });
  } catch (err) {
    return fail(err);
  }
  io.say(
    `${plan.trace.file} (${plan.trace.rows} rows) on ${plan.nodesFile.split('/').pop()}, site ${plan.siteLabel}: ${plan.runs.map((r) => r.label).join(', ')}`,
  );
  let last = 0;
  let lastShare = -1;
  let out;
  try {
    out = runSimulation(plan, {
      clock: () => performance.now(),
      onProgress: (p) => {
        const now = performance.now();
        const runDone = p.share >= (p.run + 1) / p.runs;
        if (p.share === lastShare || (!runDone && now - last < 500)) return;
        last = now;
        lastShare = p.share;
        io.progress({
          share: p.share,
          run: p.run,
          runs: p.runs,
          label: p.label,
          ...(p.progress
            ? {
                jobsDone: p.progress.jobsDone,
                jobsTotal: p.progress.jobsTotal,
                events: p.progress.events,
                simSeconds: p.progress.simSeconds,
              }
            : {}),
        } satisfies SimulateProgress);
      },
    });
  } catch (err) {
    return fail(err);
  }
  return simulationJson(out);
}
