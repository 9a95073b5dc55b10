import {
  ACCELERATORS,
  ESTIMATE_DEFAULTS,
  InputError,
  amortisedCostPerHour,
  type Accelerator,
} from '@wattwise/cost-model';

/** How much the scheduler knows of a job's run time before it runs. */
export const DURATION_KNOWN = 0;
export const DURATION_ESTIMATED = 1;
export const DURATION_UNKNOWN = 2;
export type DurationKind = 'known' | 'estimated' | 'unknown';
export const DURATION_KINDS: readonly DurationKind[] = ['known', 'estimated', 'unknown'];

/**
 * Jobs as columns (one typed array per field, one index per job), sorted by submit time. A million
 * jobs as objects cost several times the memory and time of these arrays; build them with
 * `workloadFromJobs` when speed does not matter.
 *
 * Times are seconds from the trace start; `Workload.startMs` maps that start to a calendar time so
 * that hourly prices and carbon apply.
 */
export type Workload = {
  count: number;
  /** The job's id in its source (pod name, Slurm job id…). */
  names: string[];
  /** Calendar time of second 0 (UTC ms). */
  startMs: number;
  submit: Float64Array;
  /** Real run time in seconds; what the simulator runs. NaN for a job that never ran in the trace. */
  duration: Float64Array;
  /** What the scheduler is told before the job runs: DURATION_KNOWN / _ESTIMATED / _UNKNOWN. */
  durationKind: Uint8Array;
  /** The run time the scheduler may plan with: the duration when known, a limit or guess when estimated, NaN when unknown. */
  estimate: Float64Array;
  /** Per replica: GPUs (whole count; 1 for a share of one GPU), milli-GPU per GPU (1000 whole, 1–999 a share, 0 none), CPU in milli-cores, memory in MiB. */
  gpus: Int16Array;
  gpuMilli: Int16Array;
  cpuMilli: Int32Array;
  memoryMiB: Int32Array;
  /** Nodes the job spans; more than 1 is a gang placed all at once or not at all. */
  replicas: Int16Array;
  team: Int32Array;
  teams: string[];
  /** QoS / priority class, an index into `qosNames` (e.g. LS, BE). */
  qos: Uint8Array;
  qosNames: string[];
  /** Higher runs first where an order takes priorities (the online snapshot); 0 by default. */
  priority: Int32Array;
  /** Allowed GPU models, an index into `gpuSpecs` ("" = any; "V100M16|V100M32" = either). */
  gpuSpec: Int32Array;
  gpuSpecs: string[];
  preemptible: Uint8Array;
  /** Seconds from the trace start; NaN when none. A job with a deadline may be deferred. */
  earliestStart: Float64Array;
  deadline: Float64Array;
  /** 1 for a job the trace lists but that never ran there (a Pending pod): counted, not simulated. */
  skipped: Uint8Array;
  /** What the importer had to assume or leave out, in words. */
  notes: string[];
};

/** One job as an object, for tests, small inputs and the online snapshot. */
export type JobSpec = {
  id: string;
  submit: number;
  duration: number;
  durationKind?: DurationKind;
  /** Defaults to the duration when known, NaN when unknown. */
  estimate?: number;
  /** Whole GPUs (integer) or a share of one GPU (0 < gpus < 1). */
  gpus?: number;
  cpuMilli?: number;
  memoryMiB?: number;
  replicas?: number;
  team?: string;
  qos?: string;
  priority?: number;
  gpuSpec?: string;
  preemptible?: boolean;
  earliestStart?: number;
  deadline?: number;
  skipped?: boolean;
};

export function emptyWorkload(count: number, startMs = Date.UTC(2023, 0, 1)): Workload {
  return {
    count,
    names: new Array<string>(count).fill(''),
    startMs,
    submit: new Float64Array(count),
    duration: new Float64Array(count),
    durationKind: new Uint8Array(count),
    estimate: new Float64Array(count),
    gpus: new Int16Array(count),
    gpuMilli: new Int16Array(count),
    cpuMilli: new Int32Array(count),
    memoryMiB: new Int32Array(count),
    replicas: new Int16Array(count).fill(1),
    team: new Int32Array(count),
    teams: [''],
    qos: new Uint8Array(count),
    qosNames: [''],
    priority: new Int32Array(count),
    gpuSpec: new Int32Array(count),
    gpuSpecs: [''],
    preemptible: new Uint8Array(count),
    earliestStart: new Float64Array(count).fill(NaN),
    deadline: new Float64Array(count).fill(NaN),
    skipped: new Uint8Array(count),
    notes: [],
  };
}

/** Interns strings to small integers, keeping first-seen order. */
export class Dictionary {
  readonly names: string[];
  private readonly index = new Map<string, number>();

  constructor(initial: string[] = ['']) {
    this.names = [];
    for (const s of initial) this.id(s);
  }

  id(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.index.set(name, i);
    }
    return i;
  }
}

/**
 * Split a GPU request into a whole count and milli-GPU per GPU: 2 → 2 × 1000, 0.25 → 1 × 250, 0 → 0.
 * Anything else (1.5 GPUs, negative) is an error.
 */
export function splitGpus(field: string, gpus: number): { gpus: number; milli: number } {
  if (!(gpus >= 0) || !Number.isFinite(gpus))
    throw new InputError(field, gpus, 'must be a number of GPUs ≥ 0');
  if (gpus === 0) return { gpus: 0, milli: 0 };
  if (Number.isInteger(gpus)) return { gpus, milli: 1000 };
  if (gpus < 1) {
    const milli = Math.round(gpus * 1000);
    if (milli < 1) throw new InputError(field, gpus, 'must be at least 0.001 of a GPU');
    return { gpus: 1, milli };
  }
  throw new InputError(field, gpus, 'must be whole GPUs or a share of one GPU (below 1)');
}

/** Jobs as objects → columns, sorted by submit time (stable). Checks every field. */
export function workloadFromJobs(
  jobs: readonly JobSpec[],
  startMs = Date.UTC(2023, 0, 1),
): Workload {
  const w = emptyWorkload(jobs.length, startMs);
  const teams = new Dictionary();
  const qos = new Dictionary();
  const specs = new Dictionary();
  jobs.forEach((j, i) => {
    const f = (name: string) => `jobs[${i}].${name}`;
    if (typeof j.id !== 'string' || j.id === '')
      throw new InputError(f('id'), j.id, 'must be a non-empty string');
    if (!(j.submit >= 0) || !Number.isFinite(j.submit))
      throw new InputError(f('submit'), j.submit, 'must be seconds ≥ 0 from the trace start');
    const skipped = j.skipped === true;
    if (!skipped && (!(j.duration >= 0) || !Number.isFinite(j.duration)))
      throw new InputError(f('duration'), j.duration, 'must be seconds ≥ 0');
    const kind = j.durationKind ?? 'known';
    const k = DURATION_KINDS.indexOf(kind);
    if (k < 0)
      throw new InputError(f('durationKind'), kind, `must be one of ${DURATION_KINDS.join(', ')}`);
    const { gpus, milli } = splitGpus(f('gpus'), j.gpus ?? 0);
    w.names[i] = j.id;
    w.submit[i] = j.submit;
    w.duration[i] = skipped ? NaN : j.duration;
    w.durationKind[i] = k;
    w.estimate[i] = j.estimate ?? (k === DURATION_KNOWN ? j.duration : NaN);
    if (k === DURATION_ESTIMATED && !(w.estimate[i]! > 0))
      throw new InputError(
        f('estimate'),
        j.estimate,
        'must be seconds > 0 for an estimated duration',
      );
    w.gpus[i] = gpus;
    w.gpuMilli[i] = milli;
    w.cpuMilli[i] = nonNegativeInt(f('cpuMilli'), j.cpuMilli ?? 0);
    w.memoryMiB[i] = nonNegativeInt(f('memoryMiB'), j.memoryMiB ?? 0);
    const replicas = j.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1 || replicas > 4096)
      throw new InputError(f('replicas'), replicas, 'must be a whole number from 1 to 4096');
    w.replicas[i] = replicas;
    w.team[i] = teams.id(j.team ?? '');
    w.qos[i] = qos.id(j.qos ?? '');
    w.priority[i] = j.priority ?? 0;
    w.gpuSpec[i] = specs.id(j.gpuSpec ?? '');
    w.preemptible[i] = j.preemptible ? 1 : 0;
    w.earliestStart[i] = j.earliestStart ?? NaN;
    w.deadline[i] = j.deadline ?? NaN;
    if (j.deadline !== undefined && !(j.deadline >= j.submit))
      throw new InputError(f('deadline'), j.deadline, `must not be before submit (${j.submit})`);
    w.skipped[i] = skipped ? 1 : 0;
  });
  if (qos.names.length > 256)
    throw new InputError('qos', qos.names.length, 'must have at most 256 classes');
  w.teams = teams.names;
  w.qosNames = qos.names;
  w.gpuSpecs = specs.names;
  return sortBySubmit(w);
}

function nonNegativeInt(field: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1)
    throw new InputError(field, v, 'must be a whole number ≥ 0');
  return v;
}

const COLUMNS = [
  'submit',
  'duration',
  'durationKind',
  'estimate',
  'gpus',
  'gpuMilli',
  'cpuMilli',
  'memoryMiB',
  'replicas',
  'team',
  'qos',
  'priority',
  'gpuSpec',
  'preemptible',
  'earliestStart',
  'deadline',
  'skipped',
] as const;

type Column = Float64Array | Int32Array | Int16Array | Uint8Array;

function permute(w: Workload, order: Int32Array | number[]): Workload {
  const out: Workload = { ...w, names: new Array<string>(order.length) };
  for (const c of COLUMNS) {
    const src = w[c] as Column;
    const dst = new (src.constructor as new (n: number) => Column)(order.length);
    for (let i = 0; i < order.length; i++) dst[i] = src[order[i]!]!;
    (out as Record<string, unknown>)[c] = dst;
  }
  for (let i = 0; i < order.length; i++) out.names[i] = w.names[order[i]!]!;
  out.count = order.length;
  return out;
}

/** The same jobs in submit order; jobs submitted at the same second keep their order. */
export function sortBySubmit(w: Workload): Workload {
  let sorted = true;
  for (let i = 1; i < w.count && sorted; i++) if (w.submit[i]! < w.submit[i - 1]!) sorted = false;
  if (sorted) return w;
  const order = Int32Array.from({ length: w.count }, (_, i) => i);
  const s = w.submit;
  order.sort((a, b) => s[a]! - s[b]! || a - b);
  return permute(w, order);
}

/**
 * `--compress F`: arrival times divided by F, run times kept, so that jobs contend. Earliest starts
 * and deadlines keep their distance from the (new) submit time.
 */
export function compressArrivals(w: Workload, factor: number): Workload {
  if (!(factor >= 1) || !Number.isFinite(factor))
    throw new InputError('compress', factor, 'must be a number ≥ 1');
  if (factor === 1) return w;
  const submit = w.submit.map((s) => s / factor);
  const shift = (col: Float64Array) =>
    col.map((v, i) => (Number.isNaN(v) ? v : v - w.submit[i]! + submit[i]!));
  return {
    ...w,
    submit,
    earliestStart: shift(w.earliestStart),
    deadline: shift(w.deadline),
    notes: [...w.notes, `arrival times divided by ${factor} (run times kept)`],
  };
}

/** `--scale K`: K copies of every job (ids suffixed #1…#K-1), interleaved so the order stays by submit. */
export function replicateWorkload(w: Workload, k: number): Workload {
  if (!Number.isInteger(k) || k < 1 || k > 10_000)
    throw new InputError('scale', k, 'must be a whole number from 1 to 10000');
  if (k === 1) return w;
  const n = w.count * k;
  const order = new Int32Array(n);
  for (let i = 0, o = 0; i < w.count; i++) for (let r = 0; r < k; r++) order[o++] = i;
  const out = permute(w, order);
  for (let i = 0, o = 0; i < w.count; i++) {
    const name = w.names[i]!;
    o++;
    for (let r = 1; r < k; r++) out.names[o++] = `${name}#${r}`;
  }
  out.notes = [...w.notes, `each job replicated ${k} times`];
  return out;
}

/** The first `count` jobs (in submit order): a small slice of a trace for a quick run or a test. */
export function sliceWorkload(w: Workload, count: number): Workload {
  const n = Math.max(0, Math.min(w.count, Math.floor(count)));
  return permute(
    w,
    Int32Array.from({ length: n }, (_, i) => i),
  );
}

// ---------------------------------------------------------------------------------------------
// Cluster

/** One node as an object (a row of a node file). `model` is the GPU model's name, "" for a CPU-only node. */
export type NodeSpec = {
  id: string;
  cpuMilli: number;
  memoryMiB: number;
  gpus: number;
  model: string;
  site?: string;
};

/** A GPU model as the scheduler prices and powers it. */
export type GpuModel = {
  name: string;
  /** The catalogue entry it stands for, or null for an assumed one. */
  acceleratorId: string | null;
  tdpW: number;
  idleW: number;
  /** Hardware cost of one GPU-hour (catalogue price over its life), the unit of the money-weighted fair share. */
  costPerGpuHour: number;
  /** Where the figures come from, in words. */
  basis: string;
};

/** Nodes as columns. Model index 0 is "" (no GPU). At most 32 models, at most 31 GPUs per node. */
export type Cluster = {
  count: number;
  names: string[];
  cpuMilli: Int32Array;
  memoryMiB: Int32Array;
  gpus: Uint8Array;
  model: Uint8Array;
  models: GpuModel[];
  /** First GPU of each node in the per-GPU arrays; gpuBase[count] is the number of GPUs. */
  gpuBase: Int32Array;
  totalGpus: number;
  notes: string[];
};

const NO_GPU: GpuModel = {
  name: '',
  acceleratorId: null,
  tdpW: 0,
  idleW: 0,
  costPerGpuHour: 0,
  basis: 'CPU-only node',
};

/**
 * Names the Alibaba 2023 trace uses for GPU models → catalogue entries. G1, G2 and G3 are undisclosed
 * internal codes: they are priced and powered as a V100-class board and say so.
 */
const TRACE_ALIASES: Record<string, string> = {
  V100M16: 'V100',
  V100M32: 'V100',
  P100: 'P100',
  T4: 'T4',
  A10: 'A10',
};

const squash = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');

function findCatalogue(name: string): Accelerator | null {
  const alias = TRACE_ALIASES[name.toUpperCase()];
  const q = squash(alias ?? name);
  const exact = ACCELERATORS.filter((a) =>
    [a.id, a.name, ...a.aliases].some((n) => squash(n) === q),
  );
  if (exact.length >= 1) return exact[0]!;
  const partial = ACCELERATORS.filter((a) => squash(a.id).startsWith(q));
  return partial.length >= 1 ? partial[0]! : null;
}

const LIFE_YEARS = ESTIMATE_DEFAULTS.hardwareLifeYears;

/** The GPU model a name stands for: the catalogue where it knows the name, else a stated assumption. */
export function gpuModel(name: string): GpuModel {
  if (name === '') return NO_GPU;
  const acc = findCatalogue(name);
  const basis = (a: Accelerator, why: string) =>
    `${why}${a.name}: TDP ${a.tdpW} W, idle ${a.idle.watts} W (estimate), price ${a.listPrice ? `USD ${a.listPrice.usd} (reported)` : 'unknown'} over ${LIFE_YEARS} years`;
  if (acc) {
    return {
      name,
      acceleratorId: acc.id,
      tdpW: acc.tdpW,
      idleW: acc.idle.watts,
      costPerGpuHour: amortisedCostPerHour({
        capex: acc.listPrice?.usd ?? 10_000,
        lifeYears: LIFE_YEARS,
      }),
      basis: basis(
        acc,
        name.toUpperCase() === acc.aliases[0]?.toUpperCase() ? '' : `${name} taken as `,
      ),
    };
  }
  const v100 = findCatalogue('V100')!;
  return {
    name,
    acceleratorId: null,
    tdpW: v100.tdpW,
    idleW: v100.idle.watts,
    costPerGpuHour: amortisedCostPerHour({ capex: v100.listPrice!.usd, lifeYears: LIFE_YEARS }),
    basis: basis(
      v100,
      `${name} is not in the catalogue (undisclosed or unknown); assumed like the `,
    ),
  };
}

/** Nodes as objects → columns; checks every field. `models` overrides the power and price of a model by name. */
export function buildCluster(
  nodes: readonly NodeSpec[],
  models: Record<string, GpuModel> = {},
): Cluster {
  const count = nodes.length;
  if (count === 0) throw new InputError('nodes', 0, 'must hold at least one node');
  const c: Cluster = {
    count,
    names: new Array<string>(count),
    cpuMilli: new Int32Array(count),
    memoryMiB: new Int32Array(count),
    gpus: new Uint8Array(count),
    model: new Uint8Array(count),
    models: [NO_GPU],
    gpuBase: new Int32Array(count + 1),
    totalGpus: 0,
    notes: [],
  };
  const index = new Map<string, number>([['', 0]]);
  let base = 0;
  nodes.forEach((n, i) => {
    const f = (name: string) => `nodes[${i}].${name}`;
    if (!Number.isInteger(n.gpus) || n.gpus < 0 || n.gpus > 31)
      throw new InputError(f('gpus'), n.gpus, 'must be a whole number from 0 to 31');
    if (!Number.isInteger(n.cpuMilli) || n.cpuMilli < 0)
      throw new InputError(f('cpuMilli'), n.cpuMilli, 'must be a whole number ≥ 0');
    if (!Number.isInteger(n.memoryMiB) || n.memoryMiB < 0)
      throw new InputError(f('memoryMiB'), n.memoryMiB, 'must be a whole number ≥ 0');
    const name = n.gpus === 0 ? '' : n.model;
    if (n.gpus > 0 && name === '')
      throw new InputError(f('model'), n.model, 'is required for a node with GPUs');
    let m = index.get(name);
    if (m === undefined) {
      m = c.models.length;
      if (m >= 32) throw new InputError(f('model'), name, 'is one GPU model too many: at most 31');
      index.set(name, m);
      c.models.push(models[name] ?? gpuModel(name));
    }
    c.names[i] = n.id;
    c.cpuMilli[i] = n.cpuMilli;
    c.memoryMiB[i] = n.memoryMiB;
    c.gpus[i] = n.gpus;
    c.model[i] = m;
    c.gpuBase[i] = base;
    base += n.gpus;
  });
  c.gpuBase[count] = base;
  c.totalGpus = base;
  for (const m of c.models) if (m.name !== '' && m.acceleratorId === null) c.notes.push(m.basis);
  return c;
}

/** `--scale K`: K copies of every node (ids suffixed #1…#K-1). */
export function replicateCluster(c: Cluster, k: number): Cluster {
  if (!Number.isInteger(k) || k < 1 || k > 10_000)
    throw new InputError('scale', k, 'must be a whole number from 1 to 10000');
  if (k === 1) return c;
  const n = c.count * k;
  const out: Cluster = {
    ...c,
    count: n,
    names: new Array<string>(n),
    cpuMilli: new Int32Array(n),
    memoryMiB: new Int32Array(n),
    gpus: new Uint8Array(n),
    model: new Uint8Array(n),
    gpuBase: new Int32Array(n + 1),
    totalGpus: c.totalGpus * k,
  };
  let base = 0;
  for (let r = 0; r < k; r++) {
    for (let i = 0; i < c.count; i++) {
      const j = r * c.count + i;
      out.names[j] = r === 0 ? c.names[i]! : `${c.names[i]!}#${r}`;
      out.cpuMilli[j] = c.cpuMilli[i]!;
      out.memoryMiB[j] = c.memoryMiB[i]!;
      out.gpus[j] = c.gpus[i]!;
      out.model[j] = c.model[i]!;
      out.gpuBase[j] = base;
      base += c.gpus[i]!;
    }
  }
  out.gpuBase[n] = base;
  return out;
}

/**
 * Bitmask of the cluster's models a job may use: bit m for model m. "" allows every model; a spec
 * such as "V100M16|V100M32" allows those. A spec naming no model of the cluster gives 0.
 */
export function modelMask(cluster: Cluster, spec: string): number {
  if (spec === '') return -1;
  const wanted = new Set(
    spec
      .split('|')
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean),
  );
  let mask = 0;
  cluster.models.forEach((m, i) => {
    if (i > 0 && wanted.has(m.name.toUpperCase())) mask |= 1 << i;
  });
  return mask;
}
