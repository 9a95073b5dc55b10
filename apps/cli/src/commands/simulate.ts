import { performance } from 'node:perf_hooks';

import { GRID_ZONES } from '@wattwise/cost-model';
import {
  PLACEMENTS,
  POLICY_NAMES,
  TRACE_FORMATS,
  type SimulationResult,
} from '@wattwise/scheduler';
import {
  describeInput,
  planSimulation as plan,
  runSimulation as run,
  SimulateError,
  simulationJson,
  type RunProgress,
  type SimulateOptions as RunnerOptions,
  type SimulateOutput,
  type SimulatePlan,
} from '@wattwise/scheduler/node';
import Table from 'cli-table3';
import type { Command } from 'commander';

import { CliError } from '../errors';

/** The options as commander hands them over: every value still the string the user typed. */
export type SimulateOptions = RunnerOptions & { json?: boolean };

const asCliError = (err: unknown) =>
  err instanceof SimulateError ? new CliError(err.message, err.usage ? 2 : 1) : err;

/** Every input, checked, before anything runs (the runner lives in @wattwise/scheduler/node). */
export function planSimulation(opts: SimulateOptions): SimulatePlan {
  try {
    return plan(opts);
  } catch (err) {
    throw asCliError(err);
  }
}

/** A throttled progress line on stderr, only for runs that take more than a couple of seconds. */
function progressReporter(): (p: RunProgress) => void {
  const t0 = performance.now();
  let last = 0;
  let shown = false;
  const tty = process.stderr.isTTY === true;
  return (p) => {
    const now = performance.now();
    const finished = p.share >= (p.run + 1) / p.runs;
    if (finished) {
      if (shown && tty) process.stderr.write('\r\u001b[K');
      shown = false;
      return;
    }
    if (!p.progress || now - t0 < 2000 || now - last < (tty ? 250 : 5000)) return;
    last = now;
    shown = true;
    const { jobsDone, jobsTotal, events } = p.progress;
    const pct = jobsTotal ? Math.floor((100 * jobsDone) / jobsTotal) : 0;
    const line = `simulate ${p.label}: ${pct} % of jobs, ${(events / 1e6).toFixed(2)} M events, ${((now - t0) / 1000).toFixed(0)} s`;
    process.stderr.write(tty ? `\r${line}\u001b[K` : `${line}\n`);
  };
}

/** Run every policy (or placement) of the plan on the same workload and cluster. */
export function runSimulation(plan: SimulatePlan, progress = true): SimulateOutput {
  try {
    return run(plan, {
      clock: () => performance.now(),
      onProgress: progress ? progressReporter() : undefined,
    });
  } catch (err) {
    throw asCliError(err);
  }
}

export function formatJson(out: SimulateOutput): string {
  return `${JSON.stringify(simulationJson(out), null, 2)}\n`;
}

const sig = (x: number, digits = 4) =>
  !Number.isFinite(x)
    ? String(x)
    : Math.abs(x) >= 1e9
      ? x.toExponential(2)
      : x.toLocaleString('en', { maximumSignificantDigits: digits });
const dur = (s: number) =>
  s >= 86_400
    ? `${sig(s / 86_400, 3)} d`
    : s >= 3600
      ? `${sig(s / 3600, 3)} h`
      : s >= 60
        ? `${sig(s / 60, 3)} min`
        : `${sig(s, 3)} s`;
const pct = (x: number) => `${sig(100 * x, 3)} %`;

/** Side by side: one column per policy (or placement), one row per figure. */
export function formatTable(out: SimulateOutput): string {
  const input = describeInput(out.plan);
  const head = `${input.trace.file} (${input.trace.rows} rows) on ${input.nodes}, site ${input.site}, start ${input.start.slice(0, 16)}Z${
    input.compress !== 1 ? `, arrivals ÷ ${input.compress}` : ''
  }${input.scale !== 1 ? `, × ${input.scale}` : ''}${input.limit !== undefined ? `, first ${input.limit} jobs` : ''}\n`;
  const table = new Table({
    head: ['', ...out.results.map((r) => r.label)],
    style: { head: [], border: [] },
  });
  if (out.kind === 'inflate') {
    const first = out.results[0]!.result;
    table.push(['arrived load', ...out.results.map(() => 'unallocated GPUs (fragmented)')]);
    first.inflate.forEach((p, i) => {
      table.push([
        pct(p.arrivedLoad),
        ...out.results.map((r) => {
          const q = r.result.inflate[i];
          return q ? `${sig(q.unallocatedGpus, 4)} (${sig(q.fragmentedGpus, 3)})` : '';
        }),
      ]);
    });
    return `${head}draws with seed ${input.seed}, ${first.capacityGpus} GPUs\n${table.toString()}\n`;
  }
  const rs = out.results.map((r) => r.result);
  const cur = rs[0]!.currency;
  const row = (label: string, f: (r: SimulationResult) => string) =>
    table.push([label, ...rs.map(f)]);
  row('jobs completed', (r) => `${r.jobs.completed} / ${r.jobs.total}`);
  row('unschedulable / skipped', (r) => `${r.jobs.unschedulable} / ${r.jobs.skipped}`);
  row('deferred / preempted', (r) => `${r.jobs.deferred} / ${r.jobs.preemptions}`);
  row('wait mean / p99', (r) => `${dur(r.wait.mean)} / ${dur(r.wait.p99)}`);
  row('JCT mean / p50 / p99', (r) => `${dur(r.jct.mean)} / ${dur(r.jct.p50)} / ${dur(r.jct.p99)}`);
  row('slowdown mean / p99', (r) => `${sig(r.slowdown.mean, 3)} / ${sig(r.slowdown.p99, 3)}`);
  row('GPU utilisation', (r) => pct(r.utilization));
  row('unallocated GPUs while waiting', (r) => sig(r.unallocatedGpus, 4));
  row('IT energy (MWh)', (r) => sig(r.energy.itKWh / 1000));
  row('  busy / idle / booting / off', (r) =>
    ['busy', 'idle', 'booting', 'off']
      .map((s) => sig(r.energy.byState[s as 'busy'].itKWh / 1000, 3))
      .join(' / '),
  );
  row('facility energy (MWh)', (r) => sig(r.energy.facilityKWh / 1000));
  row(`energy cost (${cur})`, (r) => sig(r.energyCost, 5));
  row(`  of which the jobs' own (${cur})`, (r) => sig(r.jobsEnergyCost, 5));
  row('CO2e (t)', (r) => sig(r.co2eKg / 1000));
  row("  of which the jobs' own (t)", (r) => sig(r.jobsCo2eKg / 1000));
  row('deadline misses', (r) => String(r.deadlineMisses));
  row('makespan', (r) => dur(r.makespanSeconds));
  row('power transitions', (r) => String(r.powerTransitions));
  row('events', (r) => sig(r.events, 6));
  row('wall time (s)', (r) => sig(r.wallSeconds, 3));
  const reasons = rs.flatMap((r, i) =>
    [...r.reasons.values()].slice(0, 1).map((why) => `${out.results[i]!.label}: e.g. ${why}`),
  );
  const notes = [...new Set(rs.flatMap((r) => r.notes))];
  return `${head}${table.toString()}\n${[...reasons, ...notes].map((n) => `- ${n}\n`).join('')}`;
}

/** `wattwise simulate …`: replay a trace under one or more policies, or inflate it the FGD way. */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      'replay a GPU job trace on a cluster under a scheduling policy: waits, energy, cost, CO2e',
    )
    .option(
      '--trace <FORMAT:FILE>',
      `the trace: ${TRACE_FORMATS.join(', ')} (alibaba2023 / alibaba2025 alone: the bundled copy)`,
    )
    .option('--nodes <FILE>', 'node CSV (default for alibaba2023: the bundled gpu_node list)')
    .option('--policy <NAME>', POLICY_NAMES.join(', '))
    .option('--placement <NAME>', `${PLACEMENTS.join(', ')} (default best-fit)`)
    .option(
      '--site <ZONE|FILE>',
      `a bundled 2023 zone (${GRID_ZONES.map((z) => z.id).join(', ')}) or a site JSON file (default US-CAL-CISO)`,
    )
    .option(
      '--start <ISO_TIME>',
      'calendar time of the trace start (default 2023-01-01T00:00Z, or the first submit of a Slurm trace)',
    )
    .option(
      '--defer <HOURS>',
      'let jobs without a deadline start up to this many hours late when cheaper (cost-aware default 6)',
    )
    .option(
      '--power-down',
      'power idle nodes down when idling costs more than booting again; keep a warm pool',
    )
    .option('--compress <F>', 'divide arrival times by F (run times kept) so that jobs contend')
    .option(
      '--inflate',
      'the FGD experiment: draw pods with no departures until the GPUs requested reach capacity',
    )
    .option('--scale <K>', 'K copies of the trace on a K-times cluster')
    .option('--seed <S>', 'seed for --inflate draws (default 42)')
    .option('--limit <N>', 'only the first N jobs of the trace (in submit order)')
    .option(
      '--compare <NAMES>',
      'comma-separated policies (placements with --inflate), side by side',
    )
    .option(
      '--carbon-price <PER_TONNE>',
      'carbon price for cost-aware timing, site currency per tCO2e (default 85)',
    )
    .option('--pue <P>', 'PUE of a bundled zone site (default 1.2)')
    .option('--weights <TEAM=W,…>', 'fair-share weights by team (default 1 each)')
    .option('--json', 'print one JSON object')
    .action((opts: SimulateOptions) => {
      const plan = planSimulation(opts);
      const out = runSimulation(plan);
      process.stdout.write(opts.json ? formatJson(out) : formatTable(out));
    });
}
