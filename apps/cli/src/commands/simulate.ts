import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

import { GRID_ZONES, InputError, type Site } from '@wattwise/cost-model';
import { DEFAULT_DATA_DIR as COST_DATA_DIR } from '@wattwise/cost-model/node';
import {
  buildCluster,
  compressArrivals,
  inflate,
  PLACEMENTS,
  POLICY_NAMES,
  policyPreset,
  replicateCluster,
  replicateWorkload,
  simulate,
  TRACE_FORMATS,
  TraceError,
  type InflateResult,
  type PlacementName,
  type PolicyName,
  type Progress,
  type SimulationResult,
  type TraceImport,
} from '@wattwise/scheduler';
import {
  bundledPath,
  DEFAULT_DATA_DIR as TRACE_DATA_DIR,
  readNodes,
  readSite,
  readTrace,
} from '@wattwise/scheduler/node';
import Table from 'cli-table3';
import type { Command } from 'commander';

import { CliError } from '../errors';

/** The options as commander hands them over: every value still the string the user typed. */
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
  json?: boolean;
};

const usage = (message: string) => new CliError(message, 2);

function number(
  flag: string,
  text: string | undefined,
  check: (v: number) => boolean,
  expectation: string,
): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || !check(v))
    throw usage(`${flag} ${JSON.stringify(text)} must be ${expectation}`);
  return v;
}

/** Where bundled data lives: inside the packages from source; beside a bundle (its build copies it there). */
function dataDir(fromSource: string, beside: string): string {
  if (existsSync(fromSource)) return fromSource;
  const there = fileURLToPath(new URL(beside, import.meta.url));
  return existsSync(there) ? there : fromSource;
}

const costData = () => dataDir(COST_DATA_DIR, './data/');
const traceData = () => dataDir(TRACE_DATA_DIR, './data/scheduler/');

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
  /** Policies to run (replay), or placements to compare (inflate). */
  runs: { label: string; policy: PolicyName; placement: PlacementName }[];
  options: {
    deferHours?: number;
    powerDown: boolean;
    carbonPricePerTonne?: number;
    weights?: Record<string, number>;
  };
};

export function planSimulation(opts: SimulateOptions): SimulatePlan {
  if (!opts.trace)
    throw usage(
      `--trace is required: FORMAT:FILE with FORMAT one of ${TRACE_FORMATS.join(', ')} (e.g. alibaba2023:pods.csv)`,
    );
  const format = opts.trace.split(':')[0]!;
  if (!(TRACE_FORMATS as readonly string[]).includes(format))
    throw usage(
      `--trace ${JSON.stringify(opts.trace)} must start with one of ${TRACE_FORMATS.join(', ')} and a colon`,
    );
  const placement = (opts.placement ?? 'best-fit') as PlacementName;
  if (!PLACEMENTS.includes(placement))
    throw usage(
      `--placement ${JSON.stringify(opts.placement)} must be one of ${PLACEMENTS.join(', ')}`,
    );
  const compress = number('--compress', opts.compress, (v) => v >= 1, 'a number ≥ 1') ?? 1;
  const scale =
    number(
      '--scale',
      opts.scale,
      (v) => Number.isInteger(v) && v >= 1 && v <= 1000,
      'a whole number from 1 to 1000',
    ) ?? 1;
  const seed = number('--seed', opts.seed, (v) => Number.isInteger(v), 'a whole number') ?? 42;
  const deferHours = number('--defer', opts.defer, (v) => v >= 0, 'hours ≥ 0');
  const carbonPricePerTonne = number(
    '--carbon-price',
    opts.carbonPrice,
    (v) => v >= 0,
    'a price per tonne ≥ 0',
  );
  const pue = number('--pue', opts.pue, (v) => v >= 1, 'a number ≥ 1') ?? 1.2;
  let startMs: number | undefined;
  if (opts.start !== undefined) {
    startMs = Date.parse(opts.start);
    if (!Number.isFinite(startMs))
      throw usage(
        `--start ${JSON.stringify(opts.start)} must be an ISO time such as 2023-06-01T00:00Z`,
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
          `--weights must look like team=3,other=1 (weights > 0), not ${JSON.stringify(opts.weights)}`,
        );
      weights[team.trim()] = v;
    }
  }

  // Runs: replay policies, or placements under --inflate.
  const names =
    opts.compare !== undefined
      ? opts.compare
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  if (opts.compare !== undefined && names.length === 0)
    throw usage('--compare needs names, e.g. --compare fifo,backfill,las');
  const runs: SimulatePlan['runs'] = [];
  if (opts.inflate) {
    for (const name of names.length ? names : [placement]) {
      if (!PLACEMENTS.includes(name as PlacementName))
        throw usage(
          `--compare with --inflate takes placements: ${JSON.stringify(name)} is not one of ${PLACEMENTS.join(', ')}`,
        );
      runs.push({ label: name, policy: 'fifo', placement: name as PlacementName });
    }
  } else {
    const list = names.length ? names : opts.policy ? [opts.policy] : [];
    if (list.length === 0)
      throw usage(
        `--policy is required (one of ${POLICY_NAMES.join(', ')}), or --compare NAME,NAME`,
      );
    for (const name of list) {
      if (!POLICY_NAMES.includes(name as PolicyName))
        throw usage(
          `${names.length ? '--compare' : '--policy'} ${JSON.stringify(name)} must be one of ${POLICY_NAMES.join(', ')}`,
        );
      runs.push({ label: name, policy: name as PolicyName, placement });
    }
  }

  // Files.
  const colon = opts.trace.indexOf(':');
  const tracePath = colon < 0 ? '' : opts.trace.slice(colon + 1);
  if (tracePath !== '' && !existsSync(tracePath))
    throw usage(`--trace file ${JSON.stringify(tracePath)} does not exist`);
  let nodesFile = opts.nodes;
  if (!nodesFile) {
    if (format !== 'alibaba2023')
      throw usage('--nodes is required: a node CSV (sn,cpu_milli,memory_mib,gpu,model)');
    nodesFile = bundledPath('alibaba2023Nodes', traceData());
  } else if (!existsSync(nodesFile))
    throw usage(`--nodes file ${JSON.stringify(nodesFile)} does not exist`);
  const siteName = opts.site ?? 'US-CAL-CISO';
  if (/\.json$/i.test(siteName) && !existsSync(siteName))
    throw usage(`--site file ${JSON.stringify(siteName)} does not exist`);
  let site: Site;
  try {
    site = readSite(siteName, { pue, dataDir: costData() });
  } catch (err) {
    if (err instanceof TraceError) throw new CliError(err.message, 1);
    if (err instanceof InputError)
      throw usage(
        `--site ${JSON.stringify(siteName)} is not a bundled zone (${GRID_ZONES.map((z) => z.id).join(', ')}) or a site file: ${err.message}`,
      );
    throw err;
  }

  let trace: TraceImport;
  try {
    trace = readTrace(opts.trace, traceData());
  } catch (err) {
    if (err instanceof InputError) throw new CliError(err.message, 1);
    throw err;
  }
  if (!trace.hasTimes && !opts.inflate)
    throw usage(`${trace.file} has no times (creation_time, deletion_time): use it with --inflate`);
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
    runs,
    options: { deferHours, powerDown: opts.powerDown === true, carbonPricePerTonne, weights },
  };
}

/** A throttled progress line on stderr, only for runs that take more than a couple of seconds. */
function progressReporter(label: string): { report: (p: Progress) => void; done: () => void } {
  const t0 = performance.now();
  let last = 0;
  let shown = false;
  const tty = process.stderr.isTTY === true;
  return {
    report: (p) => {
      const now = performance.now();
      if (now - t0 < 2000 || now - last < (tty ? 250 : 5000)) return;
      last = now;
      shown = true;
      const pct = p.jobsTotal ? Math.floor((100 * p.jobsDone) / p.jobsTotal) : 0;
      const line = `simulate ${label}: ${pct} % of jobs, ${(p.events / 1e6).toFixed(2)} M events, ${((now - t0) / 1000).toFixed(0)} s`;
      process.stderr.write(tty ? `\r${line}\u001b[K` : `${line}\n`);
    },
    done: () => {
      if (shown && tty) process.stderr.write('\r\u001b[K');
    },
  };
}

export type SimulateOutput =
  | { kind: 'replay'; plan: SimulatePlan; results: { label: string; result: SimulationResult }[] }
  | { kind: 'inflate'; plan: SimulatePlan; results: { label: string; result: InflateResult }[] };

/** Run every policy (or placement) of the plan on the same workload and cluster. */
export function runSimulation(plan: SimulatePlan, progress = true): SimulateOutput {
  let workload = { ...plan.trace.workload, startMs: plan.startMs };
  let cluster;
  try {
    cluster = buildCluster(readNodes(plan.nodesFile));
  } catch (err) {
    if (err instanceof InputError) throw new CliError(err.message, 1);
    throw err;
  }
  if (plan.compress !== 1) workload = compressArrivals(workload, plan.compress);
  if (plan.scale !== 1) {
    workload = replicateWorkload(workload, plan.scale);
    cluster = replicateCluster(cluster, plan.scale);
  }
  const clock = () => performance.now();
  if (plan.inflate) {
    return {
      kind: 'inflate',
      plan,
      results: plan.runs.map((r) => ({
        label: r.label,
        result: inflate({ workload, cluster, placement: r.placement, seed: plan.seed, clock }),
      })),
    };
  }
  const results = plan.runs.map((r) => {
    const reporter = progress ? progressReporter(r.label) : null;
    try {
      const result = simulate({
        workload,
        cluster,
        policy: policyPreset(r.policy, { placement: r.placement, ...plan.options }),
        site: plan.site,
        seed: plan.seed,
        clock,
        onProgress: reporter?.report,
        perJob: false,
      });
      return { label: r.label, result };
    } finally {
      reporter?.done();
    }
  });
  return { kind: 'replay', plan, results };
}

function describeInput(plan: SimulatePlan) {
  return {
    trace: { format: plan.trace.format, file: plan.trace.file, rows: plan.trace.rows },
    nodes: plan.nodesFile.split(/[\\/]/).pop(),
    site: plan.siteLabel,
    start: new Date(plan.startMs).toISOString(),
    compress: plan.compress,
    scale: plan.scale,
    seed: plan.seed,
  };
}

/** One run as the JSON object the contract promises (the per-job arrays and the reason map left out). */
export function replayJson(result: SimulationResult) {
  const { perJob: _perJob, reasons, ...rest } = result;
  const examples = [...reasons.entries()].slice(0, 5).map(([job, reason]) => ({ job, reason }));
  return { ...rest, deferrals: { count: result.jobs.deferred, examples } };
}

export function formatJson(out: SimulateOutput): string {
  const input = describeInput(out.plan);
  if (out.kind === 'inflate') {
    if (out.results.length === 1) {
      const r = out.results[0]!.result;
      return `${JSON.stringify({ input, placement: r.placement, capacityGpus: r.capacityGpus, inflate: r.inflate, wallSeconds: r.wallSeconds }, null, 2)}\n`;
    }
    return `${JSON.stringify({ input, compare: out.results.map((r) => ({ placement: r.label, capacityGpus: r.result.capacityGpus, inflate: r.result.inflate, wallSeconds: r.result.wallSeconds })) }, null, 2)}\n`;
  }
  if (out.results.length === 1)
    return `${JSON.stringify({ input, ...replayJson(out.results[0]!.result) }, null, 2)}\n`;
  return `${JSON.stringify({ input, compare: out.results.map((r) => ({ name: r.label, ...replayJson(r.result) })) }, null, 2)}\n`;
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
  }${input.scale !== 1 ? `, × ${input.scale}` : ''}\n`;
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
