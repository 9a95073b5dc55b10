import { columnIndex, parseDelimited, type CsvTable } from './csv';
import { InputError, TraceError } from './errors';
import {
  DURATION_ESTIMATED,
  DURATION_KINDS,
  DURATION_KNOWN,
  DURATION_UNKNOWN,
  Dictionary,
  emptyWorkload,
  sortBySubmit,
  splitGpus,
  type NodeSpec,
  type Workload,
} from './model';

export const TRACE_FORMATS = ['alibaba2023', 'alibaba2025', 'slurm', 'json', 'csv'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

/** Calendar time given to second 0 of a trace whose times are relative (the Alibaba traces). */
export const DEFAULT_TRACE_START_MS = Date.UTC(2023, 0, 1);

export type TraceImport = {
  workload: Workload;
  format: TraceFormat;
  file: string;
  /** Rows read (every one is a job of the workload, simulated or skipped). */
  rows: number;
  /** False for a pod list without times (usable for --inflate only). */
  hasTimes: boolean;
};

/** A reader of one row's fields that turns a bad value into a TraceError naming file, line and field. */
class Row {
  constructor(
    private readonly table: CsvTable,
    private readonly file: string,
    public r = 0,
  ) {}

  get line(): number {
    return this.table.lines[this.r]!;
  }

  text(col: number): string {
    return col < 0 ? '' : this.table.rows[this.r]![col]!.trim();
  }

  fail(col: number | string, value: unknown, expectation: string): never {
    const field = typeof col === 'string' ? col : this.table.header[col]!;
    throw new TraceError(this.file, this.line, field, value, expectation);
  }

  /** A non-empty name not seen on an earlier line (recorded in `seen`). */
  uniqueName(col: number, seen: Set<string>): string {
    const name = this.text(col);
    if (name === '') this.fail(col, name, 'must not be empty');
    if (seen.has(name)) this.fail(col, name, 'must be unique: it appears on an earlier line');
    seen.add(name);
    return name;
  }

  /** A whole number in [min, max]; `empty` when the field is blank (undefined: blank is an error). */
  int(col: number, min = 0, max = 2 ** 31 - 1, empty?: number): number {
    const s = this.text(col);
    if (s === '' && empty !== undefined) return empty;
    const v = Number(s);
    if (s === '' || !Number.isInteger(v) || v < min || v > max)
      this.fail(
        col,
        s,
        max === 2 ** 31 - 1
          ? `must be a whole number ≥ ${min}`
          : `must be a whole number from ${min} to ${max}`,
      );
    return v;
  }

  /** A finite number ≥ min; NaN for a blank (or "NaN") field when `blankOk`. */
  num(col: number, min = 0, blankOk = false): number {
    const s = this.text(col);
    if (blankOk && (s === '' || s.toLowerCase() === 'nan')) return NaN;
    const v = Number(s);
    if (s === '' || !Number.isFinite(v) || v < min) this.fail(col, s, `must be a number ≥ ${min}`);
    return v;
  }
}

// ---------------------------------------------------------------------------------------------
// Alibaba GPU trace 2023 (openb, FGD paper)

/**
 * openb_pod_list_*.csv → jobs. Times are seconds from the trace start. A pod's run time is
 * deletion − scheduled (a perfect estimate: the scheduler is told it); Pending pods were never
 * scheduled, so they are counted as skipped, never run. The trace names no team: the QoS class stands
 * in for one; BE (best-effort) pods are preemptible. Files without time columns (multigpu50) give
 * shapes only, for --inflate.
 */
export function parseAlibaba2023Pods(text: string, file: string): TraceImport {
  const t = parseDelimited(text, file);
  const col = (names: string[], required = true) => columnIndex(t, file, names, required);
  const cName = col(['name']);
  const cCpu = col(['cpu_milli']);
  const cMem = col(['memory_mib']);
  const cGpu = col(['num_gpu']);
  const cMilli = col(['gpu_milli']);
  const cSpec = col(['gpu_spec'], false);
  const cQos = col(['qos'], false);
  const cPhase = col(['pod_phase'], false);
  const cCreate = col(['creation_time'], false);
  const hasTimes = cCreate >= 0;
  const cDelete = hasTimes ? col(['deletion_time']) : -1;
  const cSched = hasTimes ? col(['scheduled_time']) : -1;
  const n = t.rows.length;
  const w = emptyWorkload(n, DEFAULT_TRACE_START_MS);
  const qos = new Dictionary();
  const specs = new Dictionary();
  const row: Row = new Row(t, file);
  const names = new Set<string>();
  let pending = 0;
  for (let r = 0; r < n; r++) {
    row.r = r;
    const name = row.uniqueName(cName, names);
    const gpus = row.int(cGpu, 0, 31);
    const milli = row.int(cMilli, 0, 1000);
    if (gpus === 0 && milli !== 0) row.fail(cMilli, milli, 'must be 0 when num_gpu is 0');
    if (gpus > 0 && milli === 0) row.fail(cMilli, milli, 'must be 1–1000 when num_gpu is above 0');
    if (gpus > 1 && milli !== 1000)
      row.fail(cMilli, milli, 'must be 1000 when num_gpu is above 1 (only one GPU can be shared)');
    w.names[r] = name;
    w.cpuMilli[r] = row.int(cCpu);
    w.memoryMiB[r] = row.int(cMem);
    w.gpus[r] = gpus;
    w.gpuMilli[r] = milli;
    const q = cQos >= 0 ? row.text(cQos) : '';
    w.qos[r] = qos.id(q);
    w.preemptible[r] = q.toUpperCase() === 'BE' ? 1 : 0;
    w.gpuSpec[r] = specs.id(cSpec >= 0 ? row.text(cSpec) : '');
    if (!hasTimes) {
      w.duration[r] = 0;
      w.estimate[r] = 0;
      continue;
    }
    const phase = cPhase >= 0 ? row.text(cPhase) : '';
    const created = row.int(cCreate);
    const deleted = row.int(cDelete);
    if (deleted < created)
      row.fail(cDelete, deleted, `must not be before creation_time (${created})`);
    const schedText = row.text(cSched);
    w.submit[r] = created;
    if (schedText === '') {
      if (phase !== '' && phase !== 'Pending')
        row.fail(
          cSched,
          schedText,
          `is required for a pod in phase ${phase} (only Pending pods were never scheduled)`,
        );
      w.skipped[r] = 1;
      w.duration[r] = NaN;
      w.estimate[r] = NaN;
      pending++;
      continue;
    }
    if (phase === 'Pending') row.fail(cSched, schedText, 'must be empty for a Pending pod');
    const scheduled = row.int(cSched);
    if (scheduled < created)
      row.fail(cSched, scheduled, `must not be before creation_time (${created})`);
    if (scheduled > deleted)
      row.fail(cSched, scheduled, `must not be after deletion_time (${deleted})`);
    w.duration[r] = deleted - scheduled;
    w.estimate[r] = deleted - scheduled;
    w.durationKind[r] = DURATION_KNOWN;
  }
  w.qosNames = qos.names;
  w.teams = qos.names;
  w.team = Int32Array.from(w.qos);
  w.gpuSpecs = specs.names;
  w.notes.push(
    hasTimes
      ? `${file}: ${n} pods; ${pending} Pending pods never scheduled in the trace are counted as skipped; run time = deletion − scheduled, told to the scheduler; QoS class stands in as the team`
      : `${file}: ${n} pods without times (shapes only)`,
  );
  return { workload: sortBySubmit(w), format: 'alibaba2023', file, rows: n, hasTimes };
}

/**
 * A node list: the Alibaba columns (sn, cpu_milli, memory_mib, gpu, model) or our own (id, cpus,
 * memory_gib, gpus, model); cpu and memory may be given either way.
 */
export function parseNodes(text: string, file: string): NodeSpec[] {
  const t = parseDelimited(text, file);
  const col = (names: string[], required = true) => columnIndex(t, file, names, required);
  const cId = col(['sn', 'id', 'name', 'node']);
  const cCpuMilli = col(['cpu_milli'], false);
  const cCpus = cCpuMilli < 0 ? col(['cpus', 'cpu']) : -1;
  const cMemMiB = col(['memory_mib'], false);
  const cMemGiB = cMemMiB < 0 ? col(['memory_gib']) : -1;
  const cGpu = col(['gpu', 'gpus', 'num_gpu']);
  const cModel = col(['model', 'gpu_model'], false);
  const row: Row = new Row(t, file);
  const ids = new Set<string>();
  const nodes: NodeSpec[] = [];
  for (let r = 0; r < t.rows.length; r++) {
    row.r = r;
    const id = row.text(cId);
    if (id === '') row.fail(cId, id, 'must not be empty');
    if (ids.has(id)) row.fail(cId, id, 'must be unique: it appears on an earlier line');
    ids.add(id);
    const gpus = row.int(cGpu, 0, 31);
    const model = row.text(cModel);
    if (gpus > 0 && (model === '' || model.toLowerCase() === 'nan'))
      row.fail(cModel >= 0 ? cModel : 'model', model, 'is required for a node with GPUs');
    nodes.push({
      id,
      cpuMilli: cCpuMilli >= 0 ? row.int(cCpuMilli) : Math.round(row.num(cCpus) * 1000),
      memoryMiB: cMemMiB >= 0 ? row.int(cMemMiB) : Math.round(row.num(cMemGiB) * 1024),
      gpus,
      model: gpus > 0 ? model : '',
    });
  }
  if (nodes.length === 0) throw new TraceError(file, 2, 'nodes', 0, 'must list at least one node');
  return nodes;
}

// ---------------------------------------------------------------------------------------------
// Alibaba GPU-disaggregated DLRM inference trace 2025 (NSDI'25)

/**
 * disaggregated_DLRM_trace.csv → jobs. Times are seconds from the trace start, blank when outside the
 * window: an instance created before the start is there at second 0; one deleted after the end runs to
 * the last time the trace records (its run time is cut there, and counted in the notes). CPU in cores,
 * memory in GiB; the application stands in as the team; every instance is latency-sensitive.
 */
export function parseAlibaba2025(text: string, file: string): TraceImport {
  const t = parseDelimited(text, file);
  const col = (names: string[], required = true) => columnIndex(t, file, names, required);
  const cName = col(['instance_sn']);
  const cRole = col(['role'], false);
  const cApp = col(['app_name']);
  const cCpu = col(['cpu_request']);
  const cGpu = col(['gpu_request']);
  const cMem = col(['memory_request']);
  const cCreate = col(['creation_time']);
  const cSched = col(['scheduled_time']);
  const cDelete = col(['deletion_time']);
  const n = t.rows.length;
  const row: Row = new Row(t, file);
  const created = new Float64Array(n);
  const scheduled = new Float64Array(n);
  const deleted = new Float64Array(n);
  let end = 0;
  for (let r = 0; r < n; r++) {
    row.r = r;
    created[r] = row.num(cCreate, 0, true);
    scheduled[r] = row.num(cSched, 0, true);
    deleted[r] = row.num(cDelete, 0, true);
    for (const v of [created[r]!, scheduled[r]!, deleted[r]!]) if (v > end) end = v;
  }
  const w = emptyWorkload(n, DEFAULT_TRACE_START_MS);
  const teams = new Dictionary();
  const qos = new Dictionary();
  const names = new Set<string>();
  let before = 0;
  let after = 0;
  let never = 0;
  for (let r = 0; r < n; r++) {
    row.r = r;
    const name = row.uniqueName(cName, names);
    w.names[r] = name;
    const cpus = row.num(cCpu);
    w.cpuMilli[r] = Math.round(cpus * 1000);
    w.memoryMiB[r] = Math.round(row.num(cMem) * 1024);
    let g;
    try {
      g = splitGpus('gpu_request', row.num(cGpu));
    } catch (err) {
      if (err instanceof InputError)
        row.fail(cGpu, row.text(cGpu), 'must be whole GPUs or a share of one GPU');
      throw err;
    }
    w.gpus[r] = g.gpus;
    w.gpuMilli[r] = g.milli;
    w.team[r] = teams.id(row.text(cApp));
    w.qos[r] = qos.id(cRole >= 0 ? row.text(cRole) : '');
    const c = created[r]!;
    const s = scheduled[r]!;
    const d = deleted[r]!;
    if (!Number.isNaN(c) && !Number.isNaN(s) && s < c)
      row.fail(cSched, s, `must not be before creation_time (${c})`);
    if (!Number.isNaN(c) && Number.isNaN(s)) {
      // Created in the window but never scheduled in it.
      w.submit[r] = c;
      w.skipped[r] = 1;
      w.duration[r] = NaN;
      w.estimate[r] = NaN;
      never++;
      continue;
    }
    const startAt = Number.isNaN(s) ? 0 : s;
    if (Number.isNaN(s)) before++;
    const stopAt = Number.isNaN(d) ? end : d;
    if (Number.isNaN(d)) after++;
    if (stopAt < startAt) row.fail(cDelete, d, `must not be before scheduled_time (${startAt})`);
    w.submit[r] = Number.isNaN(c) ? 0 : c;
    w.duration[r] = stopAt - startAt;
    w.estimate[r] = w.duration[r]!;
    w.durationKind[r] = DURATION_KNOWN;
  }
  w.teams = teams.names;
  w.qosNames = qos.names;
  w.notes.push(
    `${file}: ${n} instances; ${before} already running at the trace start start at second 0; ${after} still running at its end (${end} s) are cut there; ${never} never scheduled in the window are skipped; app_name stands in as the team`,
  );
  return { workload: sortBySubmit(w), format: 'alibaba2025', file, rows: n, hasTimes: true };
}

// ---------------------------------------------------------------------------------------------
// Slurm: sacct --parsable2

/** "[DD-]HH:MM:SS", "HH:MM:SS", "MM:SS", "MM" (Timelimit) → seconds; NaN for UNLIMITED / Partition_Limit / blank. */
export function slurmDuration(text: string): number {
  const s = text.trim();
  if (s === '' || /^(unlimited|partition_limit|invalid|none)$/i.test(s)) return NaN;
  const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?(?:\.\d+)?$/.exec(s);
  if (!m) return -1;
  const days = Number(m[1] ?? 0);
  const parts = [m[2], m[3], m[4]].filter((x) => x !== undefined).map(Number);
  let secs: number;
  if (m[1] !== undefined) {
    // D-HH, D-HH:MM, D-HH:MM:SS
    const [h = 0, mi = 0, se = 0] = parts;
    secs = h * 3600 + mi * 60 + se;
  } else if (parts.length === 3) secs = parts[0]! * 3600 + parts[1]! * 60 + parts[2]!;
  else if (parts.length === 2) secs = parts[0]! * 60 + parts[1]!;
  else secs = parts[0]! * 60;
  return days * 86_400 + secs;
}

/** "16G", "4000M", "4Gn" (per node), "2Gc" (per CPU), "1.5T" → MiB and whether it is per CPU. */
function slurmMemory(text: string): { mib: number; perCpu: boolean } | null {
  const m = /^(\d+(?:\.\d+)?)([KMGTP]?)([nc]?)$/i.exec(text.trim());
  if (!m) return null;
  const unit = { '': 1, K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024, P: 1024 ** 3 }[
    m[2]!.toUpperCase()
  ]!;
  return { mib: Math.round(Number(m[1]) * unit), perCpu: m[3]!.toLowerCase() === 'c' };
}

/** "billing=4,cpu=4,gres/gpu:a100=2,mem=16G,node=1" → { gpus, type, mem, cpu } */
function slurmTres(text: string): { gpus: number; type: string; mem: string; cpu: number } {
  let gpus = 0;
  let type = '';
  let mem = '';
  let cpu = NaN;
  for (const part of text.split(',')) {
    const [k = '', v = ''] = part.split('=');
    const g = /^gres\/gpu(?::([^=]+))?$/.exec(k.trim());
    if (g) {
      // Both "gres/gpu=2" and "gres/gpu:a100=2" may appear; the typed one names the model.
      const n = Number(v);
      if (g[1]) {
        type = g[1];
        gpus = Math.max(gpus, n);
      } else gpus = Math.max(gpus, n);
    } else if (k.trim() === 'mem') mem = v;
    else if (k.trim() === 'cpu') cpu = Number(v);
  }
  return { gpus, type, mem, cpu };
}

/** "gpu:2", "gpu:a100:2", "gpu:a100:2(IDX:0-1)" (AllocGRES / ReqGRES) → GPUs and type. */
function slurmGres(text: string): { gpus: number; type: string } {
  let gpus = 0;
  let type = '';
  for (const part of text.split(',')) {
    const m = /^gpu(?::([^:(]+))?(?::(\d+))?/.exec(part.trim());
    if (!m) continue;
    if (m[2] !== undefined) {
      gpus += Number(m[2]);
      type = m[1] ?? '';
    } else if (m[1] !== undefined && /^\d+$/.test(m[1])) gpus += Number(m[1]);
  }
  return { gpus, type };
}

function slurmTime(text: string): number {
  const s = text.trim();
  if (s === '' || /^(unknown|none)$/i.test(s)) return NaN;
  // sacct prints local time without a zone; it is read as UTC (the trace start maps it anyway).
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`);
  return Number.isFinite(ms) ? ms : -1;
}

/**
 * `sacct --parsable2` output (pipe-separated with a header). Needs JobID, Submit, Start and End or
 * Elapsed; reads GPUs from AllocTRES / ReqTRES (gres/gpu[:type]=N) or AllocGRES / ReqGRES, nodes from
 * NNodes (a multi-node job is a gang), CPUs from NCPUS / ReqCPUS / AllocCPUS, memory from ReqMem or
 * the TRES mem=, the team from Account (else User), Timelimit as the run-time estimate, Eligible as the
 * earliest start, QOS and Priority. Job steps (123.batch, 123.0) are left out; jobs that never started
 * (PENDING, or cancelled while pending) are counted as skipped. Times carry no zone and are read as UTC.
 */
export function parseSlurm(text: string, file: string): TraceImport {
  const t = parseDelimited(text, file, '|');
  // `--parsable` (not 2) ends every line with a separator: an empty last column.
  if (t.header[t.header.length - 1] === '') {
    t.header.pop();
    for (const r of t.rows) r.pop();
  }
  const col = (names: string[], required = true) => columnIndex(t, file, names, required);
  const cId = col(['JobID', 'JobIDRaw']);
  const cSubmit = col(['Submit']);
  const cStart = col(['Start']);
  const cEnd = col(['End'], false);
  const cElapsed = col(['ElapsedRaw', 'Elapsed'], cEnd < 0);
  const cState = col(['State'], false);
  const cNodes = col(['NNodes', 'AllocNodes', 'ReqNodes'], false);
  const cCpus = col(['NCPUS', 'AllocCPUS', 'ReqCPUS'], false);
  const cMem = col(['ReqMem'], false);
  const cTres = col(['AllocTRES'], false);
  const cReqTres = col(['ReqTRES'], false);
  const cGres = col(['AllocGRES', 'ReqGRES', 'Gres'], false);
  const cAccount = col(['Account'], false);
  const cUser = col(['User'], false);
  const cQos = col(['QOS'], false);
  const cLimit = col(['Timelimit', 'TimelimitRaw'], false);
  const cEligible = col(['Eligible'], false);
  const cPriority = col(['Priority'], false);
  const row: Row = new Row(t, file);
  type Job = {
    id: string;
    submit: number;
    start: number;
    end: number;
    eligible: number;
    limit: number;
    nodes: number;
    cpus: number;
    memMiB: number;
    gpus: number;
    type: string;
    team: string;
    qos: string;
    priority: number;
  };
  const jobs: Job[] = [];
  const ids = new Set<string>();
  let steps = 0;
  for (let r = 0; r < t.rows.length; r++) {
    row.r = r;
    const id = row.text(cId);
    if (id === '') row.fail(cId, id, 'must not be empty');
    if (/\./.test(id)) {
      steps++;
      continue;
    }
    if (ids.has(id)) row.fail(cId, id, 'must be unique: it appears on an earlier line');
    ids.add(id);
    const time = (c: number) => {
      const v = slurmTime(row.text(c));
      if (v === -1) row.fail(c, row.text(c), 'is not a date-time such as 2023-01-05T10:00:00');
      return v;
    };
    const submit = time(cSubmit);
    if (Number.isNaN(submit)) row.fail(cSubmit, row.text(cSubmit), 'is required');
    const start = time(cStart);
    const state = cState >= 0 ? row.text(cState) : '';
    let end = cEnd >= 0 ? time(cEnd) : NaN;
    if (!Number.isNaN(start) && Number.isNaN(end) && cElapsed >= 0) {
      const e = /raw/i.test(t.header[cElapsed]!)
        ? Number(row.text(cElapsed))
        : slurmDuration(row.text(cElapsed));
      if (!(e >= 0)) row.fail(cElapsed, row.text(cElapsed), 'is not a duration such as 1-02:03:04');
      end = start + e * 1000;
    }
    if (!Number.isNaN(start)) {
      if (start < submit)
        row.fail(cStart, row.text(cStart), `must not be before Submit (${row.text(cSubmit)})`);
      if (Number.isNaN(end))
        row.fail(cEnd >= 0 ? cEnd : 'End', row.text(cEnd), 'is required for a job that started');
      if (end < start)
        row.fail(
          cEnd >= 0 ? cEnd : cElapsed,
          row.text(cEnd),
          `must not be before Start (${row.text(cStart)})`,
        );
    }
    const nodes = cNodes >= 0 ? row.int(cNodes, 1, 4096, 1) : 1;
    const tres = slurmTres(
      cTres >= 0 && row.text(cTres) !== '' ? row.text(cTres) : row.text(cReqTres),
    );
    const gres = slurmGres(row.text(cGres));
    const gpus = tres.gpus || gres.gpus;
    if (!Number.isInteger(gpus) || gpus < 0)
      row.fail(cTres >= 0 ? cTres : 'AllocTRES', gpus, 'must give a whole number of GPUs');
    let cpus = cCpus >= 0 ? row.int(cCpus, 0, 2 ** 31 - 1, 0) : 0;
    if (cpus === 0 && Number.isFinite(tres.cpu)) cpus = tres.cpu;
    // ReqMem is per node (per CPU with a trailing c); a TRES mem= is the job's total.
    let memMiB = 0;
    const reqMem = cMem >= 0 ? row.text(cMem) : '';
    if (reqMem !== '') {
      const m = slurmMemory(reqMem);
      if (!m) row.fail(cMem, reqMem, 'is not a memory size such as 16G or 4000Mc');
      memMiB = m.perCpu ? Math.ceil((m.mib * cpus) / nodes) : m.mib;
    } else if (tres.mem !== '') {
      const m = slurmMemory(tres.mem);
      if (!m)
        row.fail(cTres >= 0 ? cTres : 'AllocTRES', tres.mem, 'is not a memory size such as 16G');
      memMiB = Math.ceil(m.mib / nodes);
    }
    const limit =
      cLimit >= 0
        ? /raw/i.test(t.header[cLimit]!)
          ? Number(row.text(cLimit)) * 60
          : slurmDuration(row.text(cLimit))
        : NaN;
    if (limit === -1)
      row.fail(cLimit, row.text(cLimit), 'is not a time limit such as 2-00:00:00 or UNLIMITED');
    const eligible = cEligible >= 0 ? time(cEligible) : NaN;
    jobs.push({
      id,
      submit,
      start: /^PENDING/i.test(state) ? NaN : start,
      end,
      eligible,
      limit,
      nodes,
      cpus,
      memMiB,
      gpus,
      type: tres.type || gres.type,
      team: (cAccount >= 0 ? row.text(cAccount) : '') || (cUser >= 0 ? row.text(cUser) : ''),
      qos: cQos >= 0 ? row.text(cQos) : '',
      priority:
        cPriority >= 0 && row.text(cPriority) !== ''
          ? row.int(cPriority, -(2 ** 31), 2 ** 31 - 1)
          : 0,
    });
    // Lines are checked here, where the line is known: GPUs must split evenly over the nodes.
    if (gpus % nodes !== 0) row.fail(cNodes, nodes, `must divide the job's ${gpus} GPUs evenly`);
  }
  if (jobs.length === 0)
    throw new TraceError(file, 2, 'jobs', 0, 'must hold at least one job (steps are not jobs)');
  const startMs = Math.min(...jobs.map((j) => j.submit));
  const w = emptyWorkload(jobs.length, startMs);
  const teams = new Dictionary();
  const qos = new Dictionary();
  const specs = new Dictionary();
  let never = 0;
  jobs.forEach((j, i) => {
    w.names[i] = j.id;
    w.submit[i] = (j.submit - startMs) / 1000;
    if (Number.isNaN(j.start)) {
      w.skipped[i] = 1;
      w.duration[i] = NaN;
      w.estimate[i] = NaN;
      never++;
    } else {
      w.duration[i] = (j.end - j.start) / 1000;
      if (Number.isFinite(j.limit) && j.limit > 0) {
        w.durationKind[i] = DURATION_ESTIMATED;
        w.estimate[i] = j.limit;
      } else {
        w.durationKind[i] = DURATION_UNKNOWN;
        w.estimate[i] = NaN;
      }
    }
    w.replicas[i] = j.nodes;
    w.gpus[i] = j.gpus / j.nodes;
    w.gpuMilli[i] = j.gpus > 0 ? 1000 : 0;
    w.cpuMilli[i] = Math.round((j.cpus / j.nodes) * 1000);
    w.memoryMiB[i] = j.memMiB;
    w.team[i] = teams.id(j.team);
    w.qos[i] = qos.id(j.qos);
    w.priority[i] = j.priority;
    w.gpuSpec[i] = specs.id(j.type);
    w.preemptible[i] = /preempt|scavenger|standby/i.test(j.qos) ? 1 : 0;
    if (j.eligible > j.submit) w.earliestStart[i] = (j.eligible - startMs) / 1000;
  });
  w.teams = teams.names;
  w.qosNames = qos.names;
  w.gpuSpecs = specs.names;
  w.notes.push(
    `${file}: ${jobs.length} jobs (${steps} steps left out); ${never} that never started are skipped; Timelimit is the run-time estimate; times read as UTC`,
  );
  return { workload: sortBySubmit(w), format: 'slurm', file, rows: jobs.length, hasTimes: true };
}

// ---------------------------------------------------------------------------------------------
// Our own format: JSON or CSV, one job per object / row

/** Fields of the wattwise job format (JSON keys and CSV columns alike); see the package README. */
export const JOB_FIELDS = [
  'id',
  'submit',
  'duration',
  'durationKind',
  'estimate',
  'gpus',
  'cpus',
  'memoryGiB',
  'replicas',
  'team',
  'qos',
  'priority',
  'gpuModel',
  'preemptible',
  'earliestStart',
  'deadline',
] as const;

type RawJob = Partial<Record<(typeof JOB_FIELDS)[number], unknown>>;

/** Check one job of the own format and write it into row i of w; errors name file, line, field. */
function ownJob(
  job: RawJob,
  i: number,
  w: Workload,
  dict: { teams: Dictionary; qos: Dictionary; specs: Dictionary },
  fail: (field: string, value: unknown, expectation: string) => never,
): void {
  for (const k of Object.keys(job))
    if (!(JOB_FIELDS as readonly string[]).includes(k))
      fail(
        k,
        job[k as keyof RawJob],
        `is not a field of the job format (${JOB_FIELDS.join(', ')})`,
      );
  const str = (k: keyof RawJob, dflt: string) => {
    const v = job[k];
    if (v === undefined || v === null || v === '') return dflt;
    if (typeof v !== 'string' && typeof v !== 'number') fail(k, v, 'must be text');
    return String(v);
  };
  const num = (k: keyof RawJob, dflt: number, min = 0) => {
    const v = job[k];
    if (v === undefined || v === null || v === '') return dflt;
    const x = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
    if (!Number.isFinite(x) || x < min) fail(k, v, `must be a number ≥ ${min}`);
    return x;
  };
  const id = str('id', '');
  if (id === '') fail('id', job.id, 'is required');
  const submit = num('submit', NaN);
  if (Number.isNaN(submit))
    fail('submit', job.submit, 'is required (seconds from the trace start)');
  const kindText = str('durationKind', 'known');
  const kind = DURATION_KINDS.indexOf(kindText as (typeof DURATION_KINDS)[number]);
  if (kind < 0) fail('durationKind', kindText, `must be one of ${DURATION_KINDS.join(', ')}`);
  const duration = num('duration', NaN);
  if (Number.isNaN(duration)) fail('duration', job.duration, 'is required (seconds the job runs)');
  const estimate = num('estimate', kind === DURATION_KNOWN ? duration : NaN);
  if (kind === DURATION_ESTIMATED && Number.isNaN(estimate))
    fail('estimate', job.estimate, 'is required when durationKind is estimated');
  let g;
  try {
    g = splitGpus('gpus', num('gpus', 0));
  } catch (err) {
    if (err instanceof InputError)
      fail('gpus', job.gpus, 'must be whole GPUs or a share of one GPU (0 < gpus < 1)');
    throw err;
  }
  const replicas = num('replicas', 1, 1);
  if (!Number.isInteger(replicas) || replicas > 4096)
    fail('replicas', job.replicas, 'must be a whole number from 1 to 4096');
  const pre = job.preemptible;
  if (
    pre !== undefined &&
    pre !== '' &&
    ![true, false, 'true', 'false', 1, 0, '1', '0'].includes(pre as never)
  )
    fail('preemptible', pre, 'must be true or false');
  const earliest = num('earliestStart', NaN);
  const deadline = num('deadline', NaN);
  if (!Number.isNaN(deadline) && deadline < submit)
    fail('deadline', deadline, `must not be before submit (${submit})`);
  if (!Number.isNaN(earliest) && !Number.isNaN(deadline) && deadline < earliest)
    fail('deadline', deadline, `must not be before earliestStart (${earliest})`);
  const priority = num('priority', 0, -(2 ** 31));
  if (!Number.isInteger(priority)) fail('priority', job.priority, 'must be a whole number');
  w.names[i] = id;
  w.submit[i] = submit;
  w.duration[i] = duration;
  w.durationKind[i] = kind;
  w.estimate[i] = estimate;
  w.gpus[i] = g.gpus;
  w.gpuMilli[i] = g.milli;
  w.cpuMilli[i] = Math.round(num('cpus', 0) * 1000);
  w.memoryMiB[i] = Math.round(num('memoryGiB', 0) * 1024);
  w.replicas[i] = replicas;
  w.team[i] = dict.teams.id(str('team', ''));
  w.qos[i] = dict.qos.id(str('qos', ''));
  w.priority[i] = priority;
  w.gpuSpec[i] = dict.specs.id(str('gpuModel', ''));
  w.preemptible[i] = pre === true || pre === 'true' || pre === 1 || pre === '1' ? 1 : 0;
  w.earliestStart[i] = earliest;
  w.deadline[i] = deadline;
}

function finishOwn(
  w: Workload,
  dict: { teams: Dictionary; qos: Dictionary; specs: Dictionary },
): Workload {
  w.teams = dict.teams.names;
  w.qosNames = dict.qos.names;
  w.gpuSpecs = dict.specs.names;
  if (w.qosNames.length > 256)
    throw new InputError('qos', w.qosNames.length, 'must have at most 256 classes');
  return sortBySubmit(w);
}

/** The own format as CSV: a header of JOB_FIELDS names (id, submit, duration required), one job a row. */
export function parseJobsCsv(text: string, file: string): TraceImport {
  const t = parseDelimited(text, file);
  for (const h of t.header)
    if (!(JOB_FIELDS as readonly string[]).includes(h))
      throw new TraceError(
        file,
        1,
        'header',
        h,
        `is not a field of the job format (${JOB_FIELDS.join(', ')})`,
      );
  for (const required of ['id', 'submit', 'duration'])
    if (!t.header.includes(required))
      throw new TraceError(file, 1, 'header', t.header.join(','), `has no "${required}" column`);
  const w = emptyWorkload(t.rows.length, DEFAULT_TRACE_START_MS);
  const dict = { teams: new Dictionary(), qos: new Dictionary(), specs: new Dictionary() };
  const ids = new Set<string>();
  t.rows.forEach((r, i) => {
    const job: RawJob = {};
    t.header.forEach((h, k) => {
      if (r[k]!.trim() !== '') job[h as keyof RawJob] = r[k]!.trim();
    });
    const fail = (field: string, value: unknown, expectation: string): never => {
      throw new TraceError(file, t.lines[i]!, field, value, expectation);
    };
    ownJob(job, i, w, dict, fail);
    if (ids.has(w.names[i]!))
      fail('id', w.names[i], 'must be unique: it appears on an earlier line');
    ids.add(w.names[i]!);
  });
  w.notes.push(`${file}: ${t.rows.length} jobs`);
  return { workload: finishOwn(w, dict), format: 'csv', file, rows: t.rows.length, hasTimes: true };
}

/** Line where each job object of a JSON job file starts (the root array, or the array under "jobs"). */
function jobLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  // Stack of containers: '[' or '{'; for objects, the last key read at that level.
  const stack: string[] = [];
  let key = '';
  let rootKey = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    else if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') j++;
        else s += text[j];
        j++;
      }
      if (stack.length === 1 && stack[0] === '{') key = s;
      i = j;
    } else if (c === '[' || c === '{') {
      if (stack.length === 1 && stack[0] === '{') rootKey = key;
      const inJobs =
        (stack.length === 1 && stack[0] === '[') ||
        (stack.length === 2 && stack[0] === '{' && stack[1] === '[' && rootKey === 'jobs');
      if (c === '{' && inJobs) lines.push(line);
      stack.push(c);
    } else if (c === ']' || c === '}') stack.pop();
  }
  return lines;
}

/**
 * The own format as JSON: an array of jobs, or `{ "start": ISO time, "jobs": [...] }` where start maps
 * second 0 to a calendar time. Errors name the line where the job's object starts.
 */
export function parseJobsJson(text: string, file: string): TraceImport {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec(String(err));
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : 1;
    throw new TraceError(
      file,
      line,
      'JSON',
      undefined,
      `is not valid: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  let jobs: unknown;
  let startMs = DEFAULT_TRACE_START_MS;
  if (Array.isArray(doc)) jobs = doc;
  else if (
    doc !== null &&
    typeof doc === 'object' &&
    Array.isArray((doc as { jobs?: unknown }).jobs)
  ) {
    jobs = (doc as { jobs: unknown[] }).jobs;
    const start = (doc as { start?: unknown }).start;
    if (start !== undefined) {
      const ms = typeof start === 'string' ? Date.parse(start) : NaN;
      if (!Number.isFinite(ms))
        throw new TraceError(
          file,
          1,
          'start',
          start,
          'must be an ISO date-time such as 2023-06-01T00:00Z',
        );
      startMs = ms;
    }
  } else
    throw new TraceError(
      file,
      1,
      'JSON',
      undefined,
      'must be an array of jobs or an object with a "jobs" array',
    );
  const list = jobs as unknown[];
  const lines = jobLines(text);
  const w = emptyWorkload(list.length, startMs);
  const dict = { teams: new Dictionary(), qos: new Dictionary(), specs: new Dictionary() };
  const ids = new Set<string>();
  list.forEach((job, i) => {
    const line = lines[i] ?? 1;
    const fail = (field: string, value: unknown, expectation: string): never => {
      throw new TraceError(file, line, `jobs[${i}].${field}`, value, expectation);
    };
    if (job === null || typeof job !== 'object' || Array.isArray(job))
      fail('', job, 'must be an object');
    ownJob(job as RawJob, i, w, dict, fail);
    if (ids.has(w.names[i]!)) fail('id', w.names[i], 'must be unique: it appears earlier');
    ids.add(w.names[i]!);
  });
  w.notes.push(`${file}: ${list.length} jobs`);
  return { workload: finishOwn(w, dict), format: 'json', file, rows: list.length, hasTimes: true };
}

/** Parse a trace's text by format name. Nothing is returned unless every row is good. */
export function parseTrace(format: TraceFormat, text: string, file: string): TraceImport {
  switch (format) {
    case 'alibaba2023':
      return parseAlibaba2023Pods(text, file);
    case 'alibaba2025':
      return parseAlibaba2025(text, file);
    case 'slurm':
      return parseSlurm(text, file);
    case 'json':
      return parseJobsJson(text, file);
    case 'csv':
      return parseJobsCsv(text, file);
  }
  throw new InputError('format', format, `must be one of ${TRACE_FORMATS.join(', ')}`);
}
