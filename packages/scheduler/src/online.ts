import type { Site } from '@wattwise/cost-model';

import { InputError } from './errors';
import { buildCluster, modelMask, splitGpus, type GpuModel, type NodeSpec } from './model';
import { createPlacement, type FragTarget } from './placement';
import type { PolicyConfig } from './policy';
import { HourlyRates } from './rates';
import { ClusterState, type Demand } from './state';
import { planStart } from './timing';

/** A job waiting in the server's queue, as the scheduler needs to see it. */
export type QueuedJob = {
  id: string;
  submitMs: number;
  /** Whole GPUs, or a share of one (0 < gpus < 1). */
  gpus: number;
  cpuMilli?: number;
  memoryMiB?: number;
  /** Nodes of a gang (default 1). */
  replicas?: number;
  team?: string;
  priority?: number;
  /** Allowed GPU models, "A100|H100" ("" or absent: any). */
  gpuModel?: string;
  /** Expected run time, seconds (absent: unknown, so it cannot be deferred or backfilled). */
  expectedSeconds?: number;
  deadlineMs?: number;
  earliestStartMs?: number;
  /** GPU-seconds it has already received (a job that was preempted or requeued), for LAS. */
  attainedGpuSeconds?: number;
};

/** A node that is on, with what is free on it now. */
export type NodeState = {
  id: string;
  /** GPU model name (catalogue name or alias, e.g. "H100 SXM", "T4"); "" for a CPU-only node. */
  model: string;
  /** Free milli-GPU of each GPU (1000 = free); its length is the node's GPU count. */
  gpuFree: number[];
  cpuMilliFree: number;
  memoryMiBFree: number;
};

/** A job running now, for the backfill reservation. */
export type RunningJob = {
  id: string;
  nodeId: string;
  expectedEndMs: number;
  gpus: number;
  cpuMilli?: number;
  memoryMiB?: number;
};

export type Snapshot = {
  nowMs: number;
  queued: QueuedJob[];
  nodes: NodeState[];
  running?: RunningJob[];
  /** Money spent per hour by each team's running jobs, and spent so far (for fair share). */
  teams?: Record<string, { ratePerHour: number; spent: number }>;
  /** Prices and carbon, for deferral; without it nothing is deferred. */
  site?: Site;
  policy: PolicyConfig;
  /** Override GPU model power and price by name. */
  models?: Record<string, GpuModel>;
  /** Target workload for FGD (default: the queued jobs' shapes). */
  fragTarget?: FragTarget;
};

export type Placed = { nodeId: string; gpuIndices: number[]; milliPerGpu: number };

export type Decision = {
  /** The job to start now, or null when none should. */
  jobId: string | null;
  placement: Placed[];
  reason: string;
  /** Every other queued job with why it waits (deferred, blocked, behind another). */
  waiting: Waiting[];
};

/** A job that is not starting now; `startsAtMs` when it waits for a chosen time (deferral, earliest start). */
export type Waiting = { jobId: string; reason: string; startsAtMs?: number };

/**
 * Which queued job should start now, where, and why the others wait: the same queue orders,
 * placements and timing as the simulator, applied to the server's snapshot of its queue and its free
 * capacity. Pure: the server passes its clock (`nowMs`) and everything else.
 */
export function decide(snapshot: Snapshot): Decision {
  const { nowMs, queued, nodes, policy } = snapshot;
  if (!Number.isFinite(nowMs)) throw new InputError('nowMs', nowMs, 'must be a time in ms');
  const waiting: Waiting[] = [];
  if (queued.length === 0)
    return { jobId: null, placement: [], reason: 'the queue is empty', waiting };
  if (nodes.length === 0) {
    for (const j of queued) waiting.push({ jobId: j.id, reason: 'no node is on' });
    return { jobId: null, placement: [], reason: 'no node is on', waiting };
  }
  // The cluster as the free capacity the server reports: each node's capacity is what is free now.
  const specs: NodeSpec[] = nodes.map((n) => ({
    id: n.id,
    cpuMilli: Math.max(0, Math.floor(n.cpuMilliFree)),
    memoryMiB: Math.max(0, Math.floor(n.memoryMiBFree)),
    gpus: n.gpuFree.length,
    model: n.gpuFree.length > 0 ? n.model : '',
  }));
  const cluster = buildCluster(specs, snapshot.models);
  const state = new ClusterState(cluster);
  nodes.forEach((n, i) => {
    n.gpuFree.forEach((f, k) => {
      if (!(f >= 0 && f <= 1000))
        throw new InputError(`nodes[${i}].gpuFree[${k}]`, f, 'must be 0–1000 milli-GPU');
      if (f < 1000) {
        state.allocate(i, 1 << k, { gpus: 1, milli: 1000 - f, cpu: 0, mem: 0, mask: -1 });
        state.jobsOn[i]!--;
      }
    });
  });
  const target: FragTarget = snapshot.fragTarget ?? queuedTarget(queued);
  const placement = createPlacement(policy.placement, state, target);
  const now = 0;
  const rates = snapshot.site ? new HourlyRates(snapshot.site, nowMs) : null;

  type Item = {
    job: QueuedJob;
    index: number;
    demand: Demand;
    replicas: number;
    level: number;
    eligible: boolean;
  };
  const items: Item[] = [];
  queued.forEach((job, index) => {
    const { gpus, milli } = splitGpus(`queued[${index}].gpus`, job.gpus);
    const demand: Demand = {
      gpus,
      milli,
      cpu: job.cpuMilli ?? 0,
      mem: job.memoryMiB ?? 0,
      mask: modelMask(cluster, job.gpuModel ?? ''),
    };
    const attained = job.attainedGpuSeconds ?? 0;
    let level = 0;
    while (level < policy.las.thresholds.length && attained >= policy.las.thresholds[level]!)
      level++;
    let eligible = true;
    const earliest = job.earliestStartMs ?? -Infinity;
    if (earliest > nowMs) {
      eligible = false;
      waiting.push({
        jobId: job.id,
        reason: `waits for its earliest start, ${new Date(earliest).toISOString()}`,
        startsAtMs: earliest,
      });
    } else if (
      rates &&
      policy.timing &&
      job.expectedSeconds !== undefined &&
      job.expectedSeconds > 0
    ) {
      const deadline =
        job.deadlineMs ??
        (policy.timing.maxDelaySeconds > 0
          ? job.submitMs + (policy.timing.maxDelaySeconds + job.expectedSeconds) * 1000
          : NaN);
      if (Number.isFinite(deadline)) {
        const latest = Math.max(now, (deadline - nowMs) / 1000 - job.expectedSeconds);
        const watts = (gpus * Math.min(1000, milli) * (job.replicas ?? 1) * 300) / 1000;
        const plan = planStart(rates, now, now, latest, job.expectedSeconds, watts, policy.timing);
        if (plan.start > now) {
          eligible = false;
          waiting.push({
            jobId: job.id,
            reason: plan.reason,
            startsAtMs: nowMs + plan.start * 1000,
          });
        }
      }
    }
    items.push({ job, index, demand, replicas: job.replicas ?? 1, level, eligible });
  });

  const teamKey = (team: string | undefined) => {
    const t = snapshot.teams?.[team ?? ''];
    const wgt = policy.fair.weights[team ?? ''] ?? 1;
    return { rate: (t?.ratePerHour ?? 0) / wgt, spent: (t?.spent ?? 0) / wgt };
  };
  const byPriority = (a: Item, b: Item) => (b.job.priority ?? 0) - (a.job.priority ?? 0);
  const bySubmit = (a: Item, b: Item) => a.job.submitMs - b.job.submitMs || a.index - b.index;
  const order = items.filter((i) => i.eligible);
  switch (policy.order) {
    case 'fifo':
    case 'backfill':
      order.sort((a, b) => byPriority(a, b) || bySubmit(a, b));
      break;
    case 'las':
      order.sort((a, b) => a.level - b.level || byPriority(a, b) || bySubmit(a, b));
      break;
    case 'fair':
      order.sort((a, b) => {
        const ka = teamKey(a.job.team);
        const kb = teamKey(b.job.team);
        return ka.rate - kb.rate || ka.spent - kb.spent || byPriority(a, b) || bySubmit(a, b);
      });
      break;
  }

  const mark = new Uint8Array(cluster.count);
  const tryPlace = (item: Item, exclude: Uint8Array | null): Placed[] | null => {
    const out: Placed[] = [];
    const used: number[] = [];
    const ex = exclude ?? mark;
    for (let r = 0; r < item.replicas; r++) {
      const node = placement.choose(item.demand, ex);
      if (node < 0) break;
      const mask = placement.gpus(node, item.demand);
      state.allocate(node, mask, item.demand);
      ex[node] = 1;
      used.push(node, mask);
      const gpuIndices: number[] = [];
      for (let k = 0; k < 32; k++) if ((mask >>> k) & 1) gpuIndices.push(k);
      out.push({
        nodeId: cluster.names[node]!,
        gpuIndices,
        milliPerGpu: Math.min(1000, item.demand.milli),
      });
    }
    for (let k = 0; k < used.length; k += 2) ex[used[k]!] = 0;
    for (let k = 0; k < used.length; k += 2) state.release(used[k]!, used[k + 1]!, item.demand);
    return out.length === item.replicas ? out : null;
  };

  const head = order[0];
  if (!head) return { jobId: null, placement: [], reason: 'every queued job is deferred', waiting };
  const first = tryPlace(head, null);
  const started = (item: Item, placed: Placed[], why: string): Decision => {
    for (const other of order)
      if (other !== item) waiting.push({ jobId: other.job.id, reason: `behind ${item.job.id}` });
    return { jobId: item.job.id, placement: placed, reason: why, waiting };
  };
  const orderName = {
    fifo: 'first in line',
    backfill: 'first in line',
    las: 'least attained service',
    fair: 'team furthest below its money share',
  }[policy.order];
  if (first) return started(head, first, `${orderName}; fits now (${policy.placement})`);
  const blockedWhy = `no node has room for it now (${head.demand.gpus > 0 ? `${head.job.gpus} GPU` : 'CPU only'}${head.replicas > 1 ? ` × ${head.replicas} nodes` : ''})`;
  if (policy.order === 'fifo') {
    for (const other of order.slice(1))
      waiting.push({ jobId: other.job.id, reason: `behind ${head.job.id} (strict FIFO)` });
    waiting.unshift({ jobId: head.job.id, reason: blockedWhy });
    return {
      jobId: null,
      placement: [],
      reason: `${head.job.id} is first and ${blockedWhy}`,
      waiting,
    };
  }
  // Backfill: protect the head's reservation when running jobs say when room frees up.
  let exclude: Uint8Array | null = null;
  let shadowMs = Infinity;
  if (policy.order === 'backfill' && snapshot.running && snapshot.running.length > 0) {
    const byNode = new Map<string, RunningJob[]>();
    for (const r of snapshot.running) byNode.set(r.nodeId, [...(byNode.get(r.nodeId) ?? []), r]);
    const times: { node: number; at: number }[] = [];
    cluster.names.forEach((id, node) => {
      const runs = (byNode.get(id) ?? []).slice().sort((a, b) => a.expectedEndMs - b.expectedEndMs);
      let cpu = state.cpuFree[node]!;
      let mem = state.memFree[node]!;
      let gpus = state.fullFree[node]!;
      for (const r of runs) {
        cpu += r.cpuMilli ?? 0;
        mem += r.memoryMiB ?? 0;
        gpus += Math.floor(r.gpus);
        if (cpu >= head.demand.cpu && mem >= head.demand.mem && gpus >= head.demand.gpus) {
          times.push({ node, at: r.expectedEndMs });
          break;
        }
      }
    });
    times.sort((a, b) => a.at - b.at || a.node - b.node);
    if (times.length >= head.replicas) {
      exclude = new Uint8Array(cluster.count);
      shadowMs = times[head.replicas - 1]!.at;
      for (const t of times.slice(0, head.replicas)) exclude[t.node] = 1;
    }
  }
  waiting.unshift({ jobId: head.job.id, reason: blockedWhy });
  for (const item of order.slice(1)) {
    const endsBefore =
      item.job.expectedSeconds !== undefined && nowMs + item.job.expectedSeconds * 1000 <= shadowMs;
    const placed = tryPlace(item, endsBefore ? null : exclude);
    if (placed) {
      const rest = order.filter((o) => o !== item && o !== head);
      for (const other of rest)
        waiting.push({ jobId: other.job.id, reason: `behind ${item.job.id}` });
      const why =
        policy.order === 'backfill'
          ? `backfilled while ${head.job.id} waits${Number.isFinite(shadowMs) ? ` (its reservation from ${new Date(shadowMs).toISOString()} is kept)` : ''}`
          : `${orderName} among the jobs that fit now`;
      return { jobId: item.job.id, placement: placed, reason: why, waiting };
    }
    waiting.push({ jobId: item.job.id, reason: 'no node has room for it now' });
  }
  return { jobId: null, placement: [], reason: `no queued job fits the free capacity`, waiting };
}

/** The queued jobs' shapes as FGD's target workload, when the server has no better one. */
function queuedTarget(queued: QueuedJob[]): FragTarget {
  const n = Math.max(1, queued.length);
  let cpuOnly = 0;
  const groups = new Map<string, { gpus: number; milli: number; cpus: Map<number, number> }>();
  for (const j of queued) {
    const { gpus, milli } = splitGpus('gpus', j.gpus);
    if (gpus === 0) {
      cpuOnly++;
      continue;
    }
    const key = `${gpus}:${milli}`;
    const g = groups.get(key) ?? { gpus, milli, cpus: new Map<number, number>() };
    g.cpus.set(j.cpuMilli ?? 0, (g.cpus.get(j.cpuMilli ?? 0) ?? 0) + 1);
    groups.set(key, g);
  }
  return {
    cpuOnly: cpuOnly / n,
    groups: [...groups.values()].map((g) => {
      const sorted = [...g.cpus.entries()].sort((a, b) => a[0] - b[0]);
      let acc = 0;
      const cum = Float64Array.from(sorted, (e) => (acc += e[1] / n));
      return {
        gpus: g.gpus,
        milli: g.milli,
        total: acc,
        cpu: Float64Array.from(sorted, (e) => e[0]),
        cum,
      };
    }),
  };
}
