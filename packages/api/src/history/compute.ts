// A stretch of a GPU cluster's past as rows: the scheduler's simulator replays the Alibaba 2023 pod
// list on its node list, cost-model bills every pod as a live job is billed, and each hour of the
// facility is accounted with the simulator's node power model. Pure: text in, rows out; the loader
// (load.ts) writes them.
import {
  billJob,
  capitalCostPerHour,
  carbonAt,
  COST_PARTS,
  ESTIMATE_DEFAULTS,
  findAccelerator,
  InputError,
  MS_PER_HOUR,
  priceAt,
  pueAt,
  type CostByPart,
  type JobBill,
  type JobBillInput,
} from '@wattwise/cost-model';
import {
  buildCluster,
  ClusterState,
  DEFAULT_NODE_POWER,
  parseAlibaba2023Pods,
  parseNodes,
  policyPreset,
  simulate,
  TraceError,
  type Cluster,
  type SimulationResult,
  type Workload,
} from '@wattwise/scheduler';

import { dailyCost, hourlyCost, type CostPiece } from '../cost-lines';
import { assignPod, type HistoryTeam } from './assign';

/** A bill's pricing besides the energy, as `sitePricing` in billing.ts gives it for a site. */
export type HistoryPricing = Pick<JobBillInput, 'site' | 'hardware' | 'operations'> & {
  /** Whether the site prices a core-hour; bills count cores (and their operations) only then. */
  cpuCorePriced: boolean;
};

export type HistoryInput = {
  /** The Alibaba 2023 pod list (openb_pod_list_*.csv) and node list, with the names errors give. */
  trace: { text: string; file: string };
  nodes: { text: string; file: string };
  /** Hourly prices, carbon and PUE covering the window, and the site's rates. */
  pricing: HistoryPricing;
  /** Costs no job causes, per month (site currency): spread over the hours as the shared part. */
  sharedPerMonth?: { operations?: number; storage?: number; bandwidth?: number };
  days: number;
  /** The window's end, on the hour (UTC ms). */
  endMs: number;
};

export type HistoryNode = {
  name: string;
  /** The catalogue id where the catalogue knows the model, else the trace's own code (G2, G3). */
  gpuModel: string | null;
  gpuCount: number;
  cpuCores: number;
  memoryGb: number;
  /** Assigned, not recorded: nodes in name order, 16 to a rack. */
  rack: string;
};

/** A finished pod's bill: cost-model's, with formulas and inputs but no hourly rows (kept small). */
export type HistoryBill = Pick<
  JobBill,
  'parts' | 'total' | 'itKWh' | 'facilityKWh' | 'co2eKg' | 'energyMethod'
> & {
  detail: {
    lines: JobBill['lines'];
    range: JobBill['range'] | null;
    hours: number;
    source: string;
  };
};

export type HistoryJob = {
  pod: string;
  team: HistoryTeam;
  project: string;
  /** Whole GPUs, or a share of one. */
  gpus: number;
  cpuMilli: number;
  memoryMiB: number;
  /** GPU models the trace allowed it ("V100M16|V100M32"); null: any. */
  gpuSpec: string | null;
  /** Its run time in the trace (deletion − scheduled), s. */
  runSeconds: number;
  createdMs: number;
  startedMs: number;
  /** Null: still running at the window's end. */
  finishedMs: number | null;
  node: string;
  gpuModel: string | null;
  /** Null while running: such a pod has cost to date (its days) and no bill yet. */
  bill: HistoryBill | null;
  /** Its cost per UTC day, up to the window's end. */
  days: CostPiece[];
};

/** The facility in one hour: what usage_hours holds. */
export type HistoryHour = CostByPart & {
  hourMs: number;
  gpus: number;
  gpuHoursAllocated: number;
  gpuHoursUsed: number;
  itKWh: number;
  jobsItKWh: number;
  facilityKWh: number;
  pue: number;
  pricePerKWh: number;
  kgPerKWh: number;
  total: number;
  jobsCost: number;
  idleCost: number;
  sharedCost: number;
  co2eKg: number;
};

export type HistoryRows = {
  currency: string;
  window: {
    startMs: number;
    endMs: number;
    days: number;
    /** Arrivals are this many times closer together than in the trace (1: its own pace). */
    compression: number;
    /** The trace seconds laid over the window's start and end. */
    traceFrom: number;
    traceTo: number;
  };
  nodes: HistoryNode[];
  jobs: HistoryJob[];
  hours: HistoryHour[];
  notes: string[];
};

/** Hours in the average month: the shared part's monthly figures are spread over this many. */
export const HOURS_PER_MONTH = 730;
/** Error band of modelled energy, as the platform states it for GPUs it does not meter. */
const MODELLED_ERROR_BAND = 0.5;
/** Nodes per rack, by name order (the trace records no racks). */
const RACK_SIZE = 16;
/** The simulator prices and powers a GPU model the catalogue lacks (G2, G3) as this board. */
const ASSUMED_ACCELERATOR = 'V100';
/** The share of arrivals taken as stragglers before the trace's busy span (see mapArrivals). */
const STRAGGLERS = 0.01;

export function computeHistory(input: HistoryInput): HistoryRows {
  const { days, endMs, pricing } = input;
  if (!Number.isInteger(days) || days < 1 || days > 400)
    throw new InputError('days', days, 'must be a whole number from 1 to 400');
  if (!Number.isFinite(endMs) || endMs % MS_PER_HOUR !== 0)
    throw new InputError('end', endMs, 'must be a time on the hour');
  const site = pricing.site;
  if (site.currency !== 'USD' && pricing.hardware?.fxPerUsd === undefined)
    throw new InputError(
      'fxPerUsd',
      undefined,
      `is required: the catalogue prices GPUs in USD and the site bills in ${site.currency}`,
    );
  const windowS = days * 86_400;
  const startMs = endMs - windowS * 1000;

  const trace = parseAlibaba2023Pods(input.trace.text, input.trace.file);
  if (!trace.hasTimes)
    throw new TraceError(
      input.trace.file,
      1,
      'creation_time',
      undefined,
      'is required: history needs arrival times',
    );
  if (trace.workload.count === 0)
    throw new TraceError(input.trace.file, 2, 'pods', 0, 'must list at least one pod');
  const cluster = buildCluster(parseNodes(input.nodes.text, input.nodes.file));
  const nodes = nodeRows(cluster, input.nodes.file);

  const mapped = mapArrivals(trace.workload, windowS);
  const result = simulate({
    workload: { ...mapped.workload, startMs },
    cluster,
    // The server's default: cost-aware with no deferral hours, which for jobs without deadlines is
    // EASY backfill, best-fit placement.
    policy: policyPreset('backfill', { placement: 'best-fit' }),
    site,
    perJob: true,
  });
  const per = result.perJob!;
  const w = mapped.workload;
  const hours = days * 24;
  const sec = (ms: number) => (ms - startMs) / 1000;

  // Per hour of the window: what the jobs cost and drew, and what they held.
  const jobTotal = new Float64Array(hours);
  const jobKWh = new Float64Array(hours);
  const extraKWh = new Float64Array(hours);
  const usedGpuHours = new Float64Array(hours);

  const labels = cluster.models.map((m) => (m.name === '' ? null : (m.acceleratorId ?? m.name)));
  const billedAs = cluster.models.map((m) =>
    m.name === '' ? '' : (m.acceleratorId ?? findAccelerator(ASSUMED_ACCELERATOR).id),
  );
  const jobs: HistoryJob[] = [];
  const started: number[] = [];
  let notStarted = 0;
  for (let j = 0; j < w.count; j++) {
    if (w.skipped[j]) continue;
    const st = per.start[j]!;
    if (Number.isNaN(st)) continue; // fits no node: counted by the simulator
    if (st >= windowS) {
      notStarted++;
      continue;
    }
    started.push(j);
    const fin = per.finish[j]!;
    const sMs = startMs + st * 1000;
    const running = startMs + fin * 1000 >= endMs;
    const fMs = Math.min(startMs + fin * 1000, endMs);
    const node = per.node[j]!;
    const m = cluster.model[node]!;
    const share = (w.gpus[j]! * Math.min(1000, w.gpuMilli[j]!)) / 1000;
    // The simulator's draw for this pod on this node (its energy over its run time), and what of it
    // comes on top of the idle draw the node has anyway (the GPU share's idle is the node's).
    const watts = fin > st ? (per.energyKWh[j]! * 3.6e6) / (fin - st) : 0;
    spread(extraKWh, sec(sMs), sec(fMs), (watts - share * cluster.models[m]!.idleW) / 1000);
    spread(usedGpuHours, sec(sMs), sec(fMs), share);
    const bill = billJob({
      ...pricing,
      intervals: [
        {
          startMs: sMs,
          endMs: fMs,
          itEnergyKWh: (watts * (fMs - sMs)) / 3.6e9,
          method: 'modelled',
          errorBand: MODELLED_ERROR_BAND,
        },
      ],
      accelerator: share > 0 ? { name: billedAs[m]!, count: share } : undefined,
      cpuCores: pricing.cpuCorePriced ? w.cpuMilli[j]! / 1000 : 0,
    });
    const pieces = hourlyCost(bill, [{ startMs: sMs, endMs: fMs }], share);
    for (const p of pieces) {
      const k = Math.round((p.startMs - startMs) / MS_PER_HOUR);
      jobTotal[k]! += p.total;
      jobKWh[k]! += p.itKWh;
    }
    const { team, project } = assignPod(w.names[j]!, w.qosNames[w.qos[j]!] ?? '');
    jobs.push({
      pod: w.names[j]!,
      team,
      project,
      gpus: share,
      cpuMilli: w.cpuMilli[j]!,
      memoryMiB: w.memoryMiB[j]!,
      gpuSpec: w.gpuSpecs[w.gpuSpec[j]!] || null,
      runSeconds: w.duration[j]!,
      createdMs: startMs + w.submit[j]! * 1000,
      startedMs: sMs,
      finishedMs: running ? null : fMs,
      node: cluster.names[node]!,
      gpuModel: share > 0 ? labels[m]! : null,
      bill: running ? null : compactBill(bill),
      days: dailyCost(pieces),
    });
  }
  const allocated = allocatedGpuHours(cluster, w, per, started, windowS);

  // The facility's hour: every node on (no power-down), each at the simulator's idle draw (host and
  // GPUs), plus what its running jobs draw above idle; hardware and operations of everything there.
  const power = DEFAULT_NODE_POWER;
  const hw = pricing.hardware ?? {};
  const fx = hw.fxPerUsd ?? 1;
  const gpuRate = cluster.models.map((m, i) => {
    if (m.name === '') return 0;
    const price = findAccelerator(billedAs[i]!).listPrice;
    return capitalCostPerHour({
      capex: price ? price.usd * fx : 0,
      lifeYears: hw.lifeYears ?? ESTIMATE_DEFAULTS.hardwareLifeYears,
      costOfCapital: hw.costOfCapital ?? 0,
    }).total;
  });
  let idleW = 0;
  let gpuHardware = 0;
  let cores = 0;
  for (let n = 0; n < cluster.count; n++) {
    const m = cluster.model[n]!;
    idleW += power.hostIdleW + cluster.gpus[n]! * cluster.models[m]!.idleW;
    gpuHardware += cluster.gpus[n]! * gpuRate[m]!;
    cores += cluster.cpuMilli[n]! / 1000;
  }
  const coreRate = pricing.cpuCorePriced ? (hw.cpuCorePerHour ?? 0) : 0;
  const coreOps = pricing.cpuCorePriced ? (pricing.operations?.perCoreHour ?? 0) : 0;
  const shared = {
    operations: (input.sharedPerMonth?.operations ?? 0) / HOURS_PER_MONTH,
    storage: (input.sharedPerMonth?.storage ?? 0) / HOURS_PER_MONTH,
    bandwidth: (input.sharedPerMonth?.bandwidth ?? 0) / HOURS_PER_MONTH,
  };
  const sharedCost = shared.operations + shared.storage + shared.bandwidth;
  const rows: HistoryHour[] = [];
  for (let k = 0; k < hours; k++) {
    const hourMs = startMs + k * MS_PER_HOUR;
    const pue = pueAt(site.pue, hourMs);
    const price = priceAt(site.tariff, hourMs);
    const kg = carbonAt(site.carbon, hourMs);
    const itKWh = idleW / 1000 + extraKWh[k]!;
    const facilityKWh = itKWh * pue;
    const parts: CostByPart = {
      hardware: gpuHardware + cores * coreRate,
      energy: facilityKWh * price,
      operations:
        cluster.totalGpus * (pricing.operations?.perGpuHour ?? 0) +
        cores * coreOps +
        shared.operations,
      storage: shared.storage,
      bandwidth: shared.bandwidth,
    };
    const total = COST_PARTS.reduce((s, p) => s + parts[p], 0);
    rows.push({
      hourMs,
      gpus: cluster.totalGpus,
      gpuHoursAllocated: allocated.hours[k]!,
      gpuHoursUsed: usedGpuHours[k]!,
      itKWh,
      jobsItKWh: jobKWh[k]!,
      facilityKWh,
      pue,
      pricePerKWh: price,
      kgPerKWh: kg,
      ...parts,
      total,
      jobsCost: jobTotal[k]!,
      // What no job held: hardware and operations of unused capacity, idle draw; by difference, so
      // that jobs + idle + shared is the total.
      idleCost: total - jobTotal[k]! - sharedCost,
      sharedCost,
      co2eKg: facilityKWh * kg,
    });
  }

  const running = jobs.filter((j) => j.finishedMs === null).length;
  const notes = [
    ...trace.workload.notes,
    mapped.note,
    `${jobs.length} pods started in the window (${running} still running at its end); ${mapped.outside} arrived outside it${notStarted ? `; ${notStarted} arrived but had not started by its end` : ''}${result.jobs.unschedulable ? `; ${result.jobs.unschedulable} fit no node` : ''}`,
    'scheduled by the simulator (EASY backfill, best-fit), energy by its node power model (modelled, ±50 %)',
    `teams and projects assigned from each pod's QoS class and a hash of its name; racks assigned by node name, ${RACK_SIZE} to a rack`,
    ...cluster.notes,
    ...(allocated.overbooked
      ? [
          `${allocated.overbooked} pods could not be given the GPUs the simulator gave them when replayed; placed on the freest`,
        ]
      : []),
  ];
  return {
    currency: site.currency,
    window: {
      startMs,
      endMs,
      days,
      compression: mapped.compression,
      traceFrom: mapped.traceFrom,
      traceTo: mapped.traceTo,
    },
    nodes,
    jobs,
    hours: rows,
    notes,
  };
}

/**
 * Lays the trace's arrivals over the window. The newest arrival lands on the window's end (now, by
 * default: a live cluster has pods arriving up to the present) and earlier ones keep their distance
 * from it, at the trace's own pace when the window holds the trace's busy span. The Alibaba 2023
 * trace spans 149 days, but all but a few of its pods arrive in its last 40: laid at its own pace, a
 * month holds 6,500 pods; compressed so that the busy span (after the first 1 % of arrivals, a few
 * stragglers) fills the window, it holds nearly all 8,152 at 1.3 times the pace. That is the busier,
 * still realistic month, so arrivals are compressed by max(1, busy span / window), run times kept.
 * Pods arriving outside [start, end) are left out (the newest, exactly at the end, has not started).
 */
function mapArrivals(w: Workload, windowS: number) {
  const n = w.count;
  const last = w.submit[n - 1]!;
  const busyFrom = w.submit[Math.floor(STRAGGLERS * n)]!;
  const compression = Math.max(1, (last - busyFrom) / windowS);
  const submit = new Float64Array(n);
  const skipped = Uint8Array.from(w.skipped);
  let outside = 0;
  for (let i = 0; i < n; i++) {
    const t = windowS - (last - w.submit[i]!) / compression;
    if (t >= 0 && t < windowS) submit[i] = t;
    else {
      // Sorted order kept: the early ones all before the window, the newest at its end.
      submit[i] = t < 0 ? 0 : windowS;
      if (!w.skipped[i]) outside++;
      skipped[i] = 1;
    }
  }
  const traceFrom = last - windowS * compression;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    workload: { ...w, submit, skipped } satisfies Workload,
    compression,
    traceFrom,
    traceTo: last,
    outside,
    note:
      `trace seconds ${Math.round(traceFrom)} to ${last} (its newest arrival) laid over the window` +
      (compression > 1
        ? `, arrivals compressed ${round(compression)}× (run times kept)`
        : ', at its own pace'),
  };
}

/** Adds weight × hours of [a, b) (seconds from the window's start) into each hour it covers. */
function spread(perHour: Float64Array, a: number, b: number, weight: number): void {
  for (let t = Math.max(0, a); t < b;) {
    const k = Math.floor(t / 3600);
    if (k >= perHour.length) break;
    const next = Math.min(b, (k + 1) * 3600);
    perHour[k]! += (weight * (next - t)) / 3600;
    t = next;
  }
}

/**
 * GPU-hours with any job on them, per hour. The simulator says on which node a pod ran, not on which
 * of its GPUs, so the placement is replayed: starts and ends in time order (ends first at the same
 * second), each pod on the node the simulator chose, its GPUs picked as best-fit picks them. Shares
 * then sit on the GPUs they would have, and a GPU counts as held while any share is on it.
 */
function allocatedGpuHours(
  cluster: Cluster,
  w: Workload,
  per: NonNullable<SimulationResult['perJob']>,
  started: readonly number[],
  windowS: number,
): { hours: Float64Array; overbooked: number } {
  const hours = new Float64Array(Math.ceil(windowS / 3600));
  const events: { t: number; end: boolean; j: number }[] = [];
  for (const j of started) {
    if (w.gpus[j] === 0 || !(per.finish[j]! > per.start[j]!)) continue;
    events.push({ t: per.start[j]!, end: false, j }, { t: per.finish[j]!, end: true, j });
  }
  events.sort((a, b) => a.t - b.t || Number(b.end) - Number(a.end) || a.j - b.j);
  const state = new ClusterState(cluster);
  const on = new Int32Array(cluster.totalGpus);
  const since = new Float64Array(cluster.totalGpus);
  const masks = new Map<number, number>();
  let overbooked = 0;
  for (const { t, end, j } of events) {
    const node = per.node[j]!;
    const base = cluster.gpuBase[node]!;
    const d = {
      gpus: w.gpus[j]!,
      milli: w.gpuMilli[j]!,
      cpu: w.cpuMilli[j]!,
      mem: w.memoryMiB[j]!,
      mask: -1,
    };
    let mask = masks.get(j) ?? 0;
    if (!end) {
      mask = state.pickGpus(node, d, true);
      if (bits(mask) < d.gpus) {
        mask = freest(state, cluster, node, d.gpus);
        overbooked++;
      }
      masks.set(j, mask);
      state.allocate(node, mask, d);
    } else state.release(node, mask, d);
    for (let k = 0; k < cluster.gpus[node]!; k++) {
      if (((mask >>> k) & 1) === 0) continue;
      const g = base + k;
      if (!end) {
        if (on[g] === 0) since[g] = t;
        on[g]!++;
      } else if (--on[g]! === 0) spread(hours, since[g]!, Math.min(t, windowS), 1);
    }
  }
  for (let g = 0; g < on.length; g++) if (on[g]! > 0) spread(hours, since[g]!, windowS, 1);
  return { hours, overbooked };
}

const bits = (mask: number) => {
  let n = 0;
  for (let m = mask; m !== 0; m &= m - 1) n++;
  return n;
};

/** The `count` GPUs of the node with the most free share (a fallback that should not be needed). */
function freest(state: ClusterState, cluster: Cluster, node: number, count: number): number {
  const base = cluster.gpuBase[node]!;
  const order = Array.from({ length: cluster.gpus[node]! }, (_, k) => k).sort(
    (a, b) => state.gpuFree[base + b]! - state.gpuFree[base + a]! || a - b,
  );
  return order.slice(0, count).reduce((m, k) => m | (1 << k), 0);
}

function nodeRows(cluster: Cluster, file: string): HistoryNode[] {
  const order = Array.from({ length: cluster.count }, (_, i) => i).sort((a, b) =>
    cluster.names[a]! < cluster.names[b]! ? -1 : cluster.names[a]! > cluster.names[b]! ? 1 : 0,
  );
  const width = String(Math.ceil(cluster.count / RACK_SIZE)).length;
  return order.map((n, i) => {
    const model = cluster.models[cluster.model[n]!]!;
    const cpuCores = Math.round(cluster.cpuMilli[n]! / 1000);
    if (cpuCores < 1)
      throw new InputError(
        `${file}: node ${cluster.names[n]} cpu_milli`,
        cluster.cpuMilli[n],
        'must be at least 1000 (one core)',
      );
    return {
      name: cluster.names[n]!,
      gpuModel: model.name === '' ? null : (model.acceleratorId ?? model.name),
      gpuCount: cluster.gpus[n]!,
      cpuCores,
      memoryGb: Math.round(cluster.memoryMiB[n]! / 1024),
      rack: `rack-${String(Math.floor(i / RACK_SIZE) + 1).padStart(width, '0')}`,
    };
  });
}

function compactBill(bill: JobBill): HistoryBill {
  return {
    parts: bill.parts,
    total: bill.total,
    itKWh: bill.itKWh,
    facilityKWh: bill.facilityKWh,
    co2eKg: bill.co2eKg,
    energyMethod: bill.energyMethod,
    detail: {
      lines: bill.lines,
      range: bill.range ?? null,
      hours: bill.hours,
      source: 'loaded history: simulated from the Alibaba 2023 GPU trace',
    },
  };
}
