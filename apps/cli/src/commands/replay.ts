/**
 * `wattwise replay`: a trace's jobs submitted to the running platform, time-compressed, as `command`
 * jobs that hold their GPUs for the compressed run time (`sleep`); then every bill from the real
 * workers set against what the simulator predicts for the same jobs, policy and prices.
 */
import { existsSync, writeFileSync } from 'node:fs';

import type { RouterOutputs } from '@wattwise/api';
import {
  billJob,
  findAccelerator,
  GRID_ZONES,
  InputError,
  type JobBill,
  type Site,
} from '@wattwise/cost-model';
import { gridSite } from '@wattwise/cost-model/node';
import {
  buildCluster,
  PLACEMENTS,
  POLICY_NAMES,
  policyPreset,
  simulate,
  TRACE_FORMATS,
  workloadFromJobs,
  type Cluster,
  type JobSpec,
  type NodeSpec,
  type PlacementName,
  type PolicyName,
  type SimulationResult,
  type TraceImport,
} from '@wattwise/scheduler';
import { bundledDataDirs, readNodes, readTrace } from '@wattwise/scheduler/node';
import Table from 'cli-table3';
import type { Command } from 'commander';

import {
  connectionOptions,
  createApi,
  describeCallError,
  serverUrl,
  token,
  type Api,
  type ConnectionOptions,
} from '../connection';
import { CliError } from '../errors';
import { resolveTeam } from './jobs';

type JobDetail = RouterOutputs['jobs']['get'];
type Bill = NonNullable<RouterOutputs['jobs']['bill']>;

/** The options as commander hands them over: every value still the string the user typed. */
export type ReplayOptions = ConnectionOptions & {
  trace?: string;
  nodes?: string;
  speedup?: string;
  limit?: string;
  team?: string;
  policy?: string;
  placement?: string;
  defer?: string;
  carbonPrice?: string;
  site?: string;
  pue?: string;
  tolerance?: string;
  timeout?: string;
  out?: string;
};

/** The demo site's grid zone (`WATTWISE_SEED_DEMO`): where `pnpm start`'s workers are. */
export const DEFAULT_REPLAY_SITE = 'US-MIDA-PJM';

/** One trace job as the replay submits it, times already divided by the speed-up. */
export type ReplayJob = {
  name: string;
  /** Seconds after the replay start (the first job's arrival) at which it is submitted. */
  submitS: number;
  /** Seconds it holds its resources: the trace's run time ÷ speed-up. */
  runS: number;
  /** Whole GPUs, or a share of one (0.46). */
  gpus: number;
  cpuMilli: number;
  memoryMiB: number;
  /** The trace's GPU model constraint, which the replay leaves out on both sides. */
  gpuSpec: string;
};

export type ReplayPlan = {
  trace: TraceImport;
  nodesFile: string;
  nodes: NodeSpec[];
  cluster: Cluster;
  speedup: number;
  limit: number;
  jobs: ReplayJob[];
  /** Trace jobs before the last one taken that were left out, by reason. */
  leftOut: Record<string, number>;
  team?: string;
  policy: PolicyName;
  placement: PlacementName;
  deferHours: number;
  carbonPricePerTonne: number;
  zone: string;
  pue: number | null;
  tolerancePct: number;
  timeoutS: number | null;
  out: string;
};

const usage = (message: string) => new CliError(message, 2);

function numberOption(
  opts: ReplayOptions,
  option: keyof ReplayOptions,
  flag: string,
  check: (v: number) => boolean,
  expectation: string,
): number | undefined {
  const text = opts[option];
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || !check(v))
    throw usage(`${flag} ${JSON.stringify(text)} must be ${expectation}`);
  return v;
}

/** Whether some node could ever hold the job (GPU model constraints left out, as in the replay). */
function fits(node: NodeSpec, job: Pick<ReplayJob, 'gpus' | 'cpuMilli' | 'memoryMiB'>): boolean {
  return (
    node.gpus >= Math.ceil(job.gpus) &&
    node.cpuMilli >= job.cpuMilli &&
    node.memoryMiB >= job.memoryMiB
  );
}

/** Checks every option and reads the trace and the nodes; picks the jobs. Throws a CliError (2: usage, 1: a file's content). */
export function planReplay(opts: ReplayOptions): ReplayPlan {
  if (!opts.trace)
    throw usage(
      `--trace is required: FORMAT:FILE with FORMAT one of ${TRACE_FORMATS.join(', ')} (e.g. alibaba2023:pods.csv)`,
    );
  if (!opts.nodes)
    throw usage(
      '--nodes is required: the node CSV (sn,cpu_milli,memory_mib,gpu,model) that the running workers match',
    );
  if (opts.speedup === undefined)
    throw usage('--speedup is required: K divides every arrival time and run time');
  const speedup = numberOption(opts, 'speedup', '--speedup', (v) => v > 0, 'a number above 0')!;
  const limit =
    numberOption(
      opts,
      'limit',
      '--limit',
      (v) => Number.isInteger(v) && v >= 1 && v <= 10_000,
      'a whole number from 1 to 10000',
    ) ?? 50;
  const policy = (opts.policy ?? 'cost-aware') as PolicyName;
  if (!POLICY_NAMES.includes(policy))
    throw usage(
      `--policy ${JSON.stringify(opts.policy)} must be one of ${POLICY_NAMES.join(', ')}`,
    );
  const placement = (opts.placement ?? 'best-fit') as PlacementName;
  if (!PLACEMENTS.includes(placement))
    throw usage(
      `--placement ${JSON.stringify(opts.placement)} must be one of ${PLACEMENTS.join(', ')}`,
    );
  const deferHours = numberOption(opts, 'defer', '--defer', (v) => v >= 0, 'hours ≥ 0') ?? 0;
  const carbonPricePerTonne =
    numberOption(opts, 'carbonPrice', '--carbon-price', (v) => v >= 0, 'a price per tonne ≥ 0') ??
    85;
  const pue = numberOption(opts, 'pue', '--pue', (v) => v >= 1, 'a number ≥ 1') ?? null;
  const tolerancePct =
    numberOption(opts, 'tolerance', '--tolerance', (v) => v > 0, 'a percentage above 0') ?? 5;
  const timeoutS =
    numberOption(opts, 'timeout', '--timeout', (v) => v > 0, 'seconds above 0') ?? null;
  const zone = opts.site ?? DEFAULT_REPLAY_SITE;
  if (!GRID_ZONES.some((z) => z.id === zone))
    throw usage(
      `--site ${JSON.stringify(zone)} must be the grid zone of the workers' site, one of ${GRID_ZONES.map((z) => z.id).join(', ')}`,
    );

  const format = opts.trace.split(':')[0]!;
  if (!(TRACE_FORMATS as readonly string[]).includes(format))
    throw usage(
      `--trace ${JSON.stringify(opts.trace)} must start with one of ${TRACE_FORMATS.join(', ')} and a colon`,
    );
  const tracePath = opts.trace.slice(format.length + 1);
  if (tracePath !== '' && !existsSync(tracePath))
    throw usage(`--trace file ${JSON.stringify(tracePath)} does not exist`);
  if (!existsSync(opts.nodes))
    throw usage(`--nodes file ${JSON.stringify(opts.nodes)} does not exist`);

  let trace: TraceImport;
  let nodes: NodeSpec[];
  let cluster: Cluster;
  try {
    trace = readTrace(opts.trace, bundledDataDirs().trace);
  } catch (err) {
    if (err instanceof InputError) throw new CliError(err.message);
    throw err;
  }
  if (!trace.hasTimes)
    throw usage(`--trace ${trace.file} has no times (creation_time, deletion_time) to replay`);
  try {
    nodes = readNodes(opts.nodes);
    cluster = buildCluster(nodes);
  } catch (err) {
    if (err instanceof InputError) throw new CliError(err.message);
    throw err;
  }
  // The bills price the workers' GPUs from the catalogue; the simulation must find the same models.
  for (const m of cluster.models)
    if (m.name !== '' && m.acceleratorId === null)
      throw usage(
        `--nodes model ${JSON.stringify(m.name)} is not in the catalogue, so no worker can register it (--virtual-gpus) and no bill can price it: use a catalogue name such as T4, V100, A100-SXM4-80GB`,
      );

  const w = trace.workload;
  const jobs: ReplayJob[] = [];
  const leftOut: Record<string, number> = {};
  const leave = (why: string) => (leftOut[why] = (leftOut[why] ?? 0) + 1);
  let first: number | null = null;
  for (let i = 0; i < w.count && jobs.length < limit; i++) {
    if (w.skipped[i]) {
      leave('never ran in the trace');
      continue;
    }
    const duration = w.duration[i]!;
    if (!(duration > 0)) {
      leave('no run time');
      continue;
    }
    if (w.replicas[i]! > 1) {
      leave('spans several nodes (the platform runs one-node jobs)');
      continue;
    }
    const milli = w.gpuMilli[i]!;
    const job = {
      gpus: milli > 0 && milli < 1000 ? milli / 1000 : w.gpus[i]!,
      cpuMilli: w.cpuMilli[i]!,
      memoryMiB: w.memoryMiB[i]!,
    };
    if (!nodes.some((n) => fits(n, job))) {
      leave('no node of --nodes can hold it');
      continue;
    }
    first ??= w.submit[i]!;
    jobs.push({
      name: w.names[i]!,
      submitS: (w.submit[i]! - first) / speedup,
      runS: duration / speedup,
      ...job,
      gpuSpec: w.gpuSpecs[w.gpuSpec[i]!] ?? '',
    });
  }
  if (jobs.length === 0)
    throw new CliError(`${trace.file} has no job that ran and fits a node of ${opts.nodes}`);
  return {
    trace,
    nodesFile: opts.nodes,
    nodes,
    cluster,
    speedup,
    limit,
    jobs,
    leftOut,
    team: opts.team,
    policy,
    placement,
    deferHours,
    carbonPricePerTonne,
    zone,
    pue,
    tolerancePct,
    timeoutS,
    out: opts.out ?? 'replay-report.json',
  };
}

// ---------------------------------------------------------------------------------------------
// Running it on the platform

/** Dates arrive as ISO strings (the API has no transformer). */
const msOf = (value: unknown): number =>
  value instanceof Date ? value.getTime() : Date.parse(String(value));

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** The first job is submitted this long after the replay starts, so that it is on time too. */
const LEAD_MS = 500;
const POLL_MS = 1000;

export type ReplayedJob = {
  job: ReplayJob;
  id: string;
  /** When it was due and when the server took it, ms since the epoch. */
  dueMs: number;
  submittedMs: number;
  detail?: JobDetail;
  bill?: Bill | null;
};

export type ReplayRun = {
  /** Calendar time of the first job's due submission: second 0 of the simulation. */
  startMs: number;
  endMs: number;
  jobs: ReplayedJob[];
  /** Jobs that had not ended by the deadline and were cancelled. */
  timedOut: string[];
};

export type RunProgress = {
  submitted: number;
  total: number;
  running: number;
  ended: number;
  failed: number;
  elapsedS: number;
};

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `fn` over `items`, at most `width` at a time, results in order. */
async function mapLimit<T, R>(items: T[], width: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** Ids of every job in `state`, page by page. */
async function idsIn(api: Api, state: 'queued' | 'running'): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let offset = 0; ;) {
    const page = await api.jobs.list.query({ state, limit: 500, offset });
    for (const j of page.items) ids.add(j.id);
    offset += page.items.length;
    if (page.items.length < 500 || offset >= page.total) return ids;
  }
}

/**
 * Submits every job at its compressed arrival, as `sleep <run time>` holding its resources, then
 * waits until each has ended and fetches its bill. On abort or past the deadline, cancels what it
 * submitted that has not ended.
 */
export async function runReplay(
  api: Api,
  plan: ReplayPlan,
  opts: {
    teamId: string;
    signal?: AbortSignal;
    onProgress?: (p: RunProgress) => void;
  },
): Promise<ReplayRun> {
  // Stops the submissions: on the caller's abort, or when the server cannot be reached.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const signal = stop.signal;
  const startMs = Date.now() + LEAD_MS;
  const lastEndS = Math.max(...plan.jobs.map((j) => j.submitS + j.runS));
  const deadline = startMs + 1000 * (plan.timeoutS ?? 2 * lastEndS + 120);
  const submitted: ReplayedJob[] = [];
  let submitting = true;
  let failure: unknown;

  const submitter = (async () => {
    try {
      for (const job of plan.jobs) {
        const dueMs = startMs + job.submitS * 1000;
        await pause(dueMs - Date.now(), signal);
        if (signal.aborted || Date.now() > deadline) return;
        const created = await api.jobs.submit.mutate({
          name: `replay ${job.name}`.slice(0, 200),
          kind: 'command',
          teamId: opts.teamId,
          payload: { argv: ['sleep', job.runS.toFixed(6)] },
          // One attempt: a job that fails is reported as such, not run (and billed) twice.
          maxAttempts: 1,
          resources: { gpus: job.gpus, cpuMilli: job.cpuMilli, memoryMiB: job.memoryMiB },
          expectedSeconds: job.runS,
        });
        submitted.push({ job, id: created.id, dueMs, submittedMs: Date.now() });
      }
    } catch (err) {
      failure ??= err;
    } finally {
      submitting = false;
    }
  })();

  const ended = new Map<string, JobDetail>();
  const t0 = Date.now();
  let misses = 0;
  for (;;) {
    await pause(POLL_MS, signal);
    if (signal.aborted || failure) break;
    try {
      const queued = await idsIn(api, 'queued');
      const live = await idsIn(api, 'running');
      // A job in neither list has ended, or moved between the two calls: ask for it to be sure.
      const unsure = submitted.filter(
        (s) => !ended.has(s.id) && !queued.has(s.id) && !live.has(s.id),
      );
      await mapLimit(unsure, 8, async (s) => {
        const job = await api.jobs.get.query({ id: s.id });
        if (TERMINAL.has(job.state)) ended.set(s.id, job);
      });
      misses = 0;
      opts.onProgress?.({
        submitted: submitted.length,
        total: plan.jobs.length,
        running: submitted.filter((s) => live.has(s.id)).length,
        ended: ended.size,
        failed: [...ended.values()].filter((j) => j.state !== 'succeeded').length,
        elapsedS: (Date.now() - t0) / 1000,
      });
    } catch (err) {
      // A server that does not answer for ten seconds in a row ends the replay.
      if (++misses >= 20) failure ??= err;
      continue;
    }
    if (!submitting && ended.size === submitted.length) break;
    if (Date.now() > deadline) break;
  }
  stop.abort();
  opts.signal?.removeEventListener('abort', onAbort);
  await submitter;
  const timedOut = submitted.filter((s) => !ended.has(s.id)).map((s) => s.id);
  // Leave nothing of ours running on the platform.
  await mapLimit(timedOut, 8, (id) => api.jobs.cancel.mutate({ id }).catch(() => null));
  if (failure) throw failure;

  // Each ended job's attempts and its bill (written with its completion; a job the reaper ended
  // is billed by the server's sweep within a second or two).
  await mapLimit(
    submitted.filter((s) => ended.has(s.id)),
    8,
    async (s) => {
      s.detail = ended.get(s.id);
      for (let i = 0; i < 10; i++) {
        s.bill = await api.jobs.bill.query({ id: s.id });
        if (s.bill) break;
        await pause(500);
      }
    },
  );
  return { startMs, endMs: Date.now(), jobs: submitted, timedOut };
}

// ---------------------------------------------------------------------------------------------
// The prediction

/** The site's rates as a bill states them (inputs of its lines), so that the prediction uses the same. */
export type SiteRates = {
  lifeYears?: number;
  costOfCapital?: number;
  cpuCorePerHour: number;
  fxPerUsd?: number;
  operationsPerGpuHour: number;
  operationsPerCoreHour: number;
  /** Whether the bills count CPU cores at all (the server does only when the site has a core rate). */
  billsCores: boolean;
  pue: number | null;
};

type BillDetail = {
  lines?: Record<string, { inputs?: { name: string; value: number }[] }>;
  hours?: number;
};

function input(bill: Bill, line: string, name: string): number | undefined {
  const detail = bill.detail as BillDetail | null;
  const v = detail?.lines?.[line]?.inputs?.find((i) => i.name === name)?.value;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The site's rates from the bills (all bills of one site state the same); throws when a bill lacks them. */
export function ratesFromBills(bills: Bill[]): { rates: SiteRates; notes: string[] } {
  const notes: string[] = [];
  const first = bills[0];
  if (!first) throw new CliError('no job was billed: nothing to reconcile');
  const need = (line: string, name: string) => {
    const v = input(first, line, name);
    if (v === undefined)
      throw new CliError(
        `the bill of ${first.jobId} has no "${name}" in its ${line} line: cannot read the site's rates`,
      );
    return v;
  };
  const withGpu = bills.find((b) => input(b, 'hardware', 'life') !== undefined);
  const fx = withGpu && input(withGpu, 'hardware', 'exchange rate');
  const pues = bills
    .filter((b) => b.itKWh > 0)
    .map((b) => input(b, 'energy', 'PUE (energy-weighted mean)'))
    .filter((v): v is number => v !== undefined);
  const pue = pues.length ? pues[0]! : null;
  if (pues.some((p) => Math.abs(p - pues[0]!) > 1e-9))
    notes.push(
      `the bills' PUE varies (${Math.min(...pues)} to ${Math.max(...pues)}); the prediction takes ${pues[0]}`,
    );
  const rates: SiteRates = {
    lifeYears: withGpu && input(withGpu, 'hardware', 'life'),
    costOfCapital: withGpu && input(withGpu, 'hardware', 'cost of capital'),
    cpuCorePerHour: need('hardware', 'CPU core rate'),
    fxPerUsd: first.currency === 'USD' ? undefined : fx,
    operationsPerGpuHour: need('operations', 'operations per accelerator-hour'),
    operationsPerCoreHour: need('operations', 'operations per core-hour'),
    billsCores: bills.some((b) => (input(b, 'hardware', 'CPU cores held') ?? 0) > 0),
    pue,
  };
  return { rates, notes };
}

const DAY_MS = 86_400_000;

/**
 * The site as the server prices live hours: the zone's recorded 2023 year laid over the weeks
 * around the replay in 52-week steps (apps/server/src/grid.ts does the same with the same window).
 */
export function replaySite(zone: string, pue: number, startMs: number): Site {
  return gridSite(zone, {
    pue,
    dataDir: bundledDataDirs().cost,
    window: { fromMs: startMs - 400 * DAY_MS, toMs: startMs + 60 * DAY_MS },
  });
}

/** The simulator on the same jobs (arrivals and run times already ÷ K), from the replay's start. */
export function simulateReplay(plan: ReplayPlan, site: Site, startMs: number): SimulationResult {
  const specs: JobSpec[] = plan.jobs.map((j) => ({
    id: j.name,
    submit: j.submitS,
    duration: j.runS,
    gpus: j.gpus,
    cpuMilli: j.cpuMilli,
    memoryMiB: j.memoryMiB,
    // One team, no GPU model constraint and no preemption: as the replay submits them.
  }));
  return simulate({
    workload: workloadFromJobs(specs, startMs),
    cluster: plan.cluster,
    policy: policyPreset(plan.policy, {
      placement: plan.placement,
      deferHours: plan.deferHours,
      carbonPricePerTonne: plan.carbonPricePerTonne,
    }),
    site,
    perJob: true,
  });
}

// ---------------------------------------------------------------------------------------------
// Reconciliation

export const COMPARED = ['itKWh', 'energy', 'hardware', 'operations', 'total'] as const;
export type Compared = (typeof COMPARED)[number];
type Figures = Record<Compared, number>;

const LABEL: Record<Compared, string> = {
  itKWh: 'IT energy (kWh)',
  energy: 'energy cost',
  hardware: 'hardware',
  operations: 'operations',
  total: 'total (these parts)',
};

export type ReportRow = {
  name: string;
  jobId: string;
  state: string;
  attempts: number;
  workerId: string | null;
  gpus: number;
  cpuMilli: number;
  /** Seconds from the replay start. */
  submittedS: number;
  bill:
    | (Figures & {
        startS: number;
        endS: number;
        hours: number;
        model: string | null;
        method: string;
      })
    | null;
  predicted:
    (Figures & { startS: number; endS: number; hours: number; model: string | null }) | null;
  /** (bill − predicted) / predicted, per cent; null where predicted is 0. */
  diffPct: Record<Compared, number | null> | null;
};

export type ReplayReport = {
  input: {
    trace: string;
    nodes: string;
    speedup: number;
    jobs: number;
    policy: PolicyName;
    placement: PlacementName;
    deferHours: number;
    site: string;
    pue: number;
    start: string;
    end: string;
    tolerancePct: number;
  };
  currency: string;
  rates: SiteRates;
  jobs: {
    submitted: number;
    billed: number;
    succeeded: number;
    notBilled: string[];
    timedOut: string[];
    leftOut: Record<string, number>;
    workers: number;
    nodes: number;
  };
  totals: Record<
    Compared,
    { bill: number; predicted: number; diff: number; diffPct: number | null; ok: boolean }
  >;
  /** Parts only the bill has (the simulator models neither storage nor bandwidth). */
  billOnly: { storage: number; bandwidth: number };
  timing: {
    /** Mean seconds from the due time to the server's receipt of a submission. */
    submitLagS: { mean: number; max: number };
    waitS: { bill: number; predicted: number };
    /** Mean of (bill hours − predicted hours) per job, in seconds: claim, start and report overhead. */
    heldOverheadS: number;
  };
  perJob: ReportRow[];
  within: boolean;
  failures: string[];
  notes: string[];
};

const pct = (bill: number, predicted: number) =>
  predicted !== 0 ? (100 * (bill - predicted)) / predicted : bill === 0 ? 0 : null;

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Per job and in total: each bill against the predicted bill for the same job. */
export function reconcile(
  plan: ReplayPlan,
  run: ReplayRun,
  sim: SimulationResult,
  site: Site,
  rates: SiteRates,
  extraNotes: string[] = [],
): ReplayReport {
  const per = sim.perJob!;
  const index = new Map(plan.jobs.map((j, i) => [j.name, i]));
  const notes = [...extraNotes];
  const failures: string[] = [];
  const rows: ReportRow[] = [];
  const s = (ms: number) => (ms - run.startMs) / 1000;
  let currency = site.currency;

  for (const r of run.jobs) {
    const k = index.get(r.job.name)!;
    const attempts = r.detail?.attemptList ?? [];
    const b = r.bill ?? null;
    if (b) currency = b.currency;
    const detail = (b?.detail ?? null) as BillDetail | null;
    const billRow: ReportRow['bill'] =
      b && attempts.length
        ? {
            itKWh: b.itKWh,
            energy: b.energy,
            hardware: b.hardware,
            operations: b.operations,
            total: b.energy + b.hardware + b.operations,
            startS: s(msOf(attempts[0]!.startedAt)),
            endS: s(msOf(attempts.at(-1)!.finishedAt ?? attempts.at(-1)!.startedAt)),
            hours: detail?.hours ?? NaN,
            model:
              (
                b.detail as {
                  lines?: Record<string, { inputs?: { name: string; unit: string }[] }>;
                }
              )?.lines?.hardware?.inputs?.find((i) => i.name === 'accelerators held')?.unit ?? null,
            method: b.energyMethod,
          }
        : null;

    let predicted: ReportRow['predicted'] = null;
    const start = per.start[k]!;
    const finish = per.finish[k]!;
    if (Number.isFinite(start) && Number.isFinite(finish)) {
      const node = per.node[k]!;
      const model = node >= 0 ? plan.cluster.models[plan.cluster.model[node]!]! : null;
      const acc = r.job.gpus > 0 && model?.acceleratorId ? model.acceleratorId : null;
      const cores = rates.billsCores ? r.job.cpuMilli / 1000 : 0;
      const energyKWh = per.energyKWh[k]!;
      // Hardware and operations: the site's rates on the simulated hours, by cost-model's own bill.
      const predictedBill: JobBill = billJob({
        site,
        intervals: [
          {
            startMs: run.startMs + start * 1000,
            endMs: run.startMs + finish * 1000,
            itEnergyKWh: energyKWh,
            method: 'modelled',
            errorBand: 0.5,
          },
        ],
        accelerator: acc ? { name: acc, count: r.job.gpus } : undefined,
        cpuCores: cores,
        hardware: {
          lifeYears: rates.lifeYears,
          costOfCapital: rates.costOfCapital,
          cpuCorePerHour: rates.cpuCorePerHour,
          fxPerUsd: rates.fxPerUsd,
        },
        operations: {
          perGpuHour: rates.operationsPerGpuHour,
          perCoreHour: rates.operationsPerCoreHour,
        },
      });
      // Energy and its cost are the simulator's own figures.
      const energy = per.cost[k]!;
      predicted = {
        itKWh: energyKWh,
        energy,
        hardware: predictedBill.parts.hardware,
        operations: predictedBill.parts.operations,
        total: energy + predictedBill.parts.hardware + predictedBill.parts.operations,
        startS: start,
        endS: finish,
        hours: (finish - start) / 3600,
        model: acc ? findAccelerator(acc).name : null,
      };
    }

    const state = r.detail?.state ?? 'unknown';
    if (!b) failures.push(`${r.job.name} (${r.id}) has no bill (${state})`);
    else if (state !== 'succeeded')
      failures.push(`${r.job.name} (${r.id}) ${state}: ${r.detail?.error ?? 'no error given'}`);
    if (!predicted) failures.push(`${r.job.name} did not complete in the simulation`);
    rows.push({
      name: r.job.name,
      jobId: r.id,
      state,
      attempts: attempts.length,
      workerId: attempts[0]?.workerId ?? null,
      gpus: r.job.gpus,
      cpuMilli: r.job.cpuMilli,
      submittedS: s(r.submittedMs),
      bill: billRow,
      predicted,
      diffPct:
        billRow && predicted
          ? (Object.fromEntries(COMPARED.map((c) => [c, pct(billRow[c], predicted[c])])) as Record<
              Compared,
              number | null
            >)
          : null,
    });
  }
  for (const id of run.timedOut) failures.push(`${id} had not ended by the deadline; cancelled`);

  // Totals over the jobs both sides have.
  const both = rows.filter((r) => r.bill && r.predicted);
  const tol = plan.tolerancePct;
  const totals = Object.fromEntries(
    COMPARED.map((c) => {
      const bill = both.reduce((a, r) => a + r.bill![c], 0);
      const predicted = both.reduce((a, r) => a + r.predicted![c], 0);
      const diffPct = pct(bill, predicted);
      const ok = diffPct !== null && Math.abs(diffPct) <= tol;
      return [c, { bill, predicted, diff: bill - predicted, diffPct, ok }];
    }),
  ) as ReplayReport['totals'];
  for (const c of COMPARED) {
    const t = totals[c];
    if (!t.ok)
      failures.push(
        `${LABEL[c]} differs by ${t.diffPct === null ? 'an undefined share' : `${t.diffPct >= 0 ? '+' : ''}${t.diffPct.toFixed(2)} %`} (bill ${fmt(t.bill)}, predicted ${fmt(t.predicted)}${c === 'itKWh' ? ' kWh' : ` ${currency}`}), more than ${tol} %`,
      );
  }

  const billed = rows.filter((r) => r.bill);
  const models = new Set(
    billed
      .filter((r) => r.bill!.model && r.predicted?.model)
      .map((r) => `${r.bill!.model} / ${r.predicted!.model}`),
  );
  for (const pair of models) {
    const [a, b] = pair.split(' / ');
    if (a !== b)
      notes.push(
        `a worker's GPU (${a}) is not the model the nodes file gives (${b}): the workers do not match --nodes`,
      );
  }
  const workers = new Set(rows.map((r) => r.workerId).filter(Boolean)).size;
  if (workers > plan.nodes.length)
    notes.push(
      `jobs ran on ${workers} workers but --nodes lists ${plan.nodes.length} nodes: the simulated cluster is smaller than the platform`,
    );
  const withSpec = plan.jobs.filter((j) => j.gpuSpec !== '').length;
  if (withSpec)
    notes.push(
      `${withSpec} job(s) named GPU models (gpu_spec); the replay leaves the constraint out on both sides`,
    );
  notes.push(
    `hardware and operations predicted with the site's rates as the bills state them, on the simulated hours; energy and its cost are the simulator's own`,
    `the simulation runs the policy with deferral of ${plan.deferHours} h; it must match the server's SCHEDULER_POLICY, SCHEDULER_PLACEMENT and SCHEDULER_DEFER_HOURS`,
  );

  const lags = run.jobs.map((r) => (r.submittedMs - r.dueMs) / 1000);
  const maxLag = lags.length ? Math.max(...lags) : 0;
  if (maxLag > 1)
    notes.push(
      `submissions fell behind the trace by up to ${fmt(maxLag, 3)} s (they go one at a time, in order, ` +
        'as fast as the server takes them): those jobs reached the scheduler later than the simulation has ' +
        'them arrive; bills count the hours held, not the waits',
    );
  return {
    input: {
      trace: `${plan.trace.format}:${plan.trace.file}`,
      nodes: plan.nodesFile,
      speedup: plan.speedup,
      jobs: plan.jobs.length,
      policy: plan.policy,
      placement: plan.placement,
      deferHours: plan.deferHours,
      site: plan.zone,
      pue: typeof site.pue === 'number' ? site.pue : NaN,
      start: new Date(run.startMs).toISOString(),
      end: new Date(run.endMs).toISOString(),
      tolerancePct: tol,
    },
    currency,
    rates,
    jobs: {
      submitted: run.jobs.length,
      billed: billed.length,
      succeeded: rows.filter((r) => r.state === 'succeeded').length,
      notBilled: rows.filter((r) => !r.bill).map((r) => r.jobId),
      timedOut: run.timedOut,
      leftOut: plan.leftOut,
      workers,
      nodes: plan.nodes.length,
    },
    totals,
    billOnly: {
      storage: run.jobs.reduce((a, r) => a + (r.bill?.storage ?? 0), 0),
      bandwidth: run.jobs.reduce((a, r) => a + (r.bill?.bandwidth ?? 0), 0),
    },
    timing: {
      submitLagS: { mean: mean(lags), max: maxLag },
      waitS: {
        bill: mean(both.map((r) => r.bill!.startS - r.submittedS)),
        predicted: mean(
          both.map((r) => r.predicted!.startS - plan.jobs[index.get(r.name)!]!.submitS),
        ),
      },
      heldOverheadS: mean(both.map((r) => (r.bill!.hours - r.predicted!.hours) * 3600)),
    },
    perJob: rows,
    within: failures.length === 0,
    failures,
    notes,
  };
}

const fmt = (x: number, digits = 4) =>
  !Number.isFinite(x)
    ? String(x)
    : Math.abs(x) >= 1e6 || (Math.abs(x) < 1e-3 && x !== 0)
      ? x.toExponential(digits - 1)
      : x.toLocaleString('en', { maximumSignificantDigits: digits, useGrouping: false });

const signedPct = (x: number | null) =>
  x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${x.toFixed(2)} %`;

/** The totals as a table, the jobs that differ most, and what to know. */
export function formatReport(report: ReplayReport, out: string): string {
  const i = report.input;
  const head =
    `replayed ${report.jobs.submitted} jobs of ${i.trace} at ${i.speedup}× on ${report.jobs.workers} worker(s) ` +
    `(--nodes ${i.nodes}: ${report.jobs.nodes}), ${i.policy}/${i.placement}, site ${i.site} PUE ${fmt(i.pue)}, ` +
    `${i.start.slice(0, 19)}Z to ${i.end.slice(11, 19)}Z\n` +
    `billed ${report.jobs.billed}, succeeded ${report.jobs.succeeded}; bill vs simulate, tolerance ${i.tolerancePct} %\n`;
  const table = new Table({
    head: ['', 'bill', 'simulate', 'difference', ''],
    style: { head: [], border: [] },
  });
  for (const c of COMPARED) {
    const t = report.totals[c];
    const unit = c === 'itKWh' ? '' : ` ${report.currency}`;
    table.push([
      LABEL[c],
      `${fmt(t.bill)}${unit}`,
      `${fmt(t.predicted)}${unit}`,
      signedPct(t.diffPct),
      t.ok ? 'ok' : 'OUT',
    ]);
  }
  const lines = [head + table.toString()];
  const bo = report.billOnly;
  if (bo.storage + bo.bandwidth > 0)
    lines.push(
      `bill only (not simulated): storage ${fmt(bo.storage)}, bandwidth ${fmt(bo.bandwidth)} ${report.currency}`,
    );
  const tm = report.timing;
  lines.push(
    `timing: submissions ${fmt(tm.submitLagS.mean * 1000, 3)} ms late on average (max ${fmt(tm.submitLagS.max * 1000, 3)} ms); ` +
      `mean wait ${fmt(tm.waitS.bill, 3)} s billed vs ${fmt(tm.waitS.predicted, 3)} s simulated; ` +
      `each job held ${fmt(tm.heldOverheadS, 3)} s longer than simulated on average`,
  );
  const gap = (r: ReportRow) => r.bill!.total - r.predicted!.total;
  const worst = report.perJob
    .filter((r) => r.bill && r.predicted)
    .sort((a, b) => Math.abs(gap(b)) - Math.abs(gap(a)))
    .slice(0, 3);
  if (worst.length)
    lines.push(
      `largest per-job differences (total): ${worst
        .map(
          (r) =>
            `${r.name} ${gap(r) >= 0 ? '+' : ''}${fmt(gap(r))} ${report.currency} (${signedPct(r.diffPct!.total)}, ${fmt(r.predicted!.hours * 3600, 3)} s simulated)`,
        )
        .join(', ')}`,
    );
  for (const n of report.notes) lines.push(`- ${n}`);
  lines.push(`report: ${out}`);
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// The command

/** A throttled progress line on stderr. */
function progressLine(): (p: RunProgress) => void {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  return (p) => {
    const now = Date.now();
    const done = p.ended === p.total;
    if (!done && now - last < (tty ? 250 : 5000)) return;
    last = now;
    const line = `replay: ${p.submitted}/${p.total} submitted, ${p.running} running, ${p.ended} ended${p.failed ? ` (${p.failed} not succeeded)` : ''}, ${p.elapsedS.toFixed(0)} s`;
    process.stderr.write(tty ? `\r${line}\u001b[K${done ? '\n' : ''}` : `${line}\n`);
  };
}

async function call<T>(url: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(describeCallError(err, url));
  }
}

export function registerReplayCommand(program: Command): void {
  connectionOptions(
    program
      .command('replay')
      .description(
        "submit a trace's jobs to the running platform, time-compressed, and reconcile every bill with what `wattwise simulate` predicts",
      )
      .option(
        '--trace <FORMAT:FILE>',
        `the trace: ${TRACE_FORMATS.join(', ')} (e.g. alibaba2023:pods.csv)`,
      )
      .option(
        '--nodes <FILE>',
        'node CSV the running workers match (e.g. one `wattwise-worker --virtual-gpus 2xT4 --virtual-cpus 32 --virtual-memory-mib 131072` per row)',
      )
      .option('--speedup <K>', 'divide arrival and run times by K')
      .option('--limit <N>', 'the first N jobs that ran in the trace and fit a node (default 50)')
      .option('--team <team>', 'team name or id to submit as (default: the first team)')
      .option(
        '--policy <NAME>',
        `the server's SCHEDULER_POLICY: ${POLICY_NAMES.join(', ')} (default cost-aware)`,
      )
      .option(
        '--placement <NAME>',
        `the server's SCHEDULER_PLACEMENT: ${PLACEMENTS.join(', ')} (default best-fit)`,
      )
      .option('--defer <HOURS>', "the server's SCHEDULER_DEFER_HOURS (default 0)")
      .option('--carbon-price <PER_TONNE>', "the server's SCHEDULER_CARBON_PRICE (default 85)")
      .option(
        '--site <ZONE>',
        `grid zone of the workers' site (default ${DEFAULT_REPLAY_SITE}, the demo site)`,
      )
      .option('--pue <P>', "the site's PUE (default: as the bills state it)")
      .option(
        '--tolerance <PCT>',
        'largest difference of a total that passes, per cent (default 5)',
      )
      .option(
        '--timeout <SECONDS>',
        'give up on jobs not ended this long after the start (default 2 × the compressed span + 120 s)',
      )
      .option('--out <FILE>', 'the JSON report (default replay-report.json)'),
  ).action(async (opts: ReplayOptions) => {
    const plan = planReplay(opts);
    const url = serverUrl(opts);
    const api = createApi(url, token(opts));
    const team = await call(url, async () =>
      plan.team
        ? resolveTeam(api, plan.team)
        : (await api.admin.teams.query()).sort((a, b) => a.name.localeCompare(b.name))[0],
    );
    if (!team) throw new CliError('the server has no team to submit the jobs as');

    const aborted = new AbortController();
    const onSignal = () => aborted.abort();
    process.once('SIGINT', onSignal);
    let run: ReplayRun;
    try {
      run = await call(url, () =>
        runReplay(api, plan, {
          teamId: team.id,
          signal: aborted.signal,
          onProgress: progressLine(),
        }),
      );
    } finally {
      process.removeListener('SIGINT', onSignal);
    }
    if (aborted.signal.aborted)
      throw new CliError(`interrupted: ${run.timedOut.length} unfinished job(s) cancelled`);

    const bills = run.jobs.map((r) => r.bill).filter((b): b is Bill => Boolean(b));
    const { rates, notes } = ratesFromBills(bills);
    const pue = plan.pue ?? rates.pue ?? 1.2;
    if (plan.pue === null && rates.pue === null) notes.push('no bill states a PUE: 1.2 taken');
    const site = replaySite(plan.zone, pue, run.startMs);
    const sim = simulateReplay(plan, site, run.startMs);
    const report = reconcile(plan, run, sim, site, rates, notes);
    writeFileSync(plan.out, JSON.stringify(report, null, 2) + '\n');
    process.stdout.write(formatReport(report, plan.out));
    if (!report.within)
      throw new CliError(
        `bills and simulation disagree: ${report.failures.slice(0, 5).join('; ')}${report.failures.length > 5 ? `; and ${report.failures.length - 5} more` : ''}`,
      );
  });
}
