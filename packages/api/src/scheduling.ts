// The online half of the scheduler: when a worker asks for work, the server shows `decide` the queue
// and every live worker's free capacity, the same queue orders, placements and deferral the
// simulator runs, and hands the worker the job the policy starts on it now.
import { findAccelerator, modelMatches, type Site } from '@wattwise/cost-model';
import type { ClaimChoice, ClaimSnapshot, QueuedForScheduler } from '@wattwise/db';
import {
  decide,
  policyPreset,
  type NodeState,
  type PlacementName,
  type PolicyConfig,
  type PolicyName,
  type QueuedJob,
  type RunningJob,
} from '@wattwise/scheduler';

export type SchedulerSettings = {
  policy: PolicyName;
  placement: PlacementName;
  /** Delay allowed to jobs without a deadline when deferral is on (cost-aware), hours. */
  deferHours?: number;
  carbonPricePerTonne?: number;
  /** Prices and carbon for deferral; without it nothing is deferred. */
  site?: Site | null;
};

export type Scheduler = {
  settings: SchedulerSettings;
  policy: PolicyConfig;
  choose(snapshot: ClaimSnapshot): ClaimChoice;
  /** What it would do with a job submitted now (the submit form's preview). */
  preview(snapshot: ClaimSnapshot, probe: QueuedForScheduler): SchedulePreview;
  /**
   * Runs claims one at a time within this server. The database's advisory lock already serialises
   * them across servers; queueing here first keeps waiting claims from holding pool connections
   * that heartbeats and completions need.
   */
  exclusive<T>(claim: () => Promise<T>): Promise<T>;
};

/** How many times one claim may hand a job to another worker before answering this one. */
const MAX_HANDOFFS = 32;

export function createScheduler(settings: SchedulerSettings): Scheduler {
  const policy = policyPreset(settings.policy, {
    placement: settings.placement,
    deferHours: settings.deferHours,
    carbonPricePerTonne: settings.carbonPricePerTonne,
  });
  let tail: Promise<unknown> = Promise.resolve();
  return {
    settings,
    policy,
    choose: (snapshot) => choose(snapshot, policy, settings.site ?? null),
    preview: (snapshot, probe) => preview(snapshot, probe, policy, settings.site ?? null),
    exclusive: (claim) => {
      const run = tail.then(claim, claim);
      tail = run.catch(() => {});
      return run;
    },
  };
}

type Placement = { nodeId: string; gpuIndices: number[]; milliPerGpu: number };

/**
 * Decides for the whole cluster, not just one worker: while the policy starts a job somewhere
 * `stopAt` does not accept, that job is reserved where it was placed and the decision repeats. Ends
 * with the decision `stopAt` accepted (`chosen`), or the last one, which starts nothing.
 */
function plan(
  snapshot: ClaimSnapshot,
  policy: PolicyConfig,
  site: Site | null,
  stopAt: (jobId: string, nodeId: string) => boolean,
) {
  const nodes = freeCapacity(snapshot);
  const models = new Map(nodes.map((n) => [n.id, n.model]));
  let queued = snapshot.queued.map((j) => queuedJob(j, models));
  const running: RunningJob[] = snapshot.running
    .filter((r) => r.expectedSeconds !== null)
    .map((r) => ({
      id: r.jobId,
      nodeId: r.workerId,
      expectedEndMs: r.startedAtMs + r.expectedSeconds! * 1000,
      gpus: r.gpus,
      cpuMilli: r.cpuMilli,
      memoryMiB: r.memoryMiB,
    }));
  const reserved = new Map<string, string>();
  for (let round = 0; round <= MAX_HANDOFFS; round++) {
    const decision = decide({
      nowMs: snapshot.nowMs,
      queued,
      nodes,
      running,
      site: site ?? undefined,
      policy,
    });
    const placed = decision.placement[0];
    if (!decision.jobId || !placed) return { decision, reserved, chosen: null };
    const chosen: Placement = {
      nodeId: placed.nodeId,
      gpuIndices: placed.gpuIndices,
      milliPerGpu: placed.gpuIndices.length > 0 ? placed.milliPerGpu : 0,
    };
    if (stopAt(decision.jobId, placed.nodeId)) return { decision, reserved, chosen };
    const node = nodes.find((n) => n.id === placed.nodeId)!;
    const job = queued.find((q) => q.id === decision.jobId)!;
    for (const k of placed.gpuIndices) node.gpuFree[k] = node.gpuFree[k]! - placed.milliPerGpu;
    node.cpuMilliFree -= job.cpuMilli ?? 0;
    node.memoryMiBFree -= job.memoryMiB ?? 0;
    reserved.set(job.id, placed.nodeId);
    queued = queued.filter((q) => q !== job);
  }
  return { decision: null, reserved, chosen: null };
}

/** The job the claimant starts now, and why every other queued job waits. */
function choose(snapshot: ClaimSnapshot, policy: PolicyConfig, site: Site | null): ClaimChoice {
  const { decision, reserved, chosen } = plan(
    snapshot,
    policy,
    site,
    (_, nodeId) => nodeId === snapshot.workerId,
  );
  if (!decision) return { jobId: null, gpuIndices: [], milliPerGpu: 0, waiting: [] };
  const waiting = [
    ...decision.waiting.map((w) => ({
      jobId: w.jobId,
      // Waiting one's turn is the default and changes with every start; storing it would
      // rewrite most of the queue on each claim.
      reason: w.reason.startsWith('behind ') ? null : w.reason,
      plannedStartAt: w.startsAtMs === undefined ? null : new Date(w.startsAtMs),
    })),
    ...[...reserved].map(([jobId, workerId]) => ({
      jobId,
      reason: `placed on worker ${workerId} (${policy.placement}); it starts there at that worker's next claim`,
    })),
  ];
  if (!chosen) return { jobId: null, gpuIndices: [], milliPerGpu: 0, waiting };
  return { jobId: decision.jobId, ...chosen, waiting };
}

export type SchedulePreview = {
  /** True when the policy would start it at once; `workerId` and `gpuIndices` say where. */
  startsNow: boolean;
  workerId: string | null;
  gpuIndices: number[];
  /** When it would start if it waits for a chosen hour (deferral, earliest start); null otherwise. */
  plannedStartAt: Date | null;
  reason: string;
  /** Queued jobs the policy would start before it. */
  ahead: number;
};

/** What the scheduler would do with `probe` if it were submitted now: nothing is stored. */
function preview(
  snapshot: ClaimSnapshot,
  probe: QueuedForScheduler,
  policy: PolicyConfig,
  site: Site | null,
): SchedulePreview {
  const withProbe = { ...snapshot, queued: [...snapshot.queued, probe] };
  const { decision, reserved, chosen } = plan(withProbe, policy, site, (id) => id === probe.id);
  if (chosen)
    return {
      startsNow: true,
      workerId: chosen.nodeId,
      gpuIndices: chosen.gpuIndices,
      plannedStartAt: null,
      reason:
        chosen.gpuIndices.length > 0
          ? `starts now on worker ${chosen.nodeId}, GPU ${chosen.gpuIndices.join(', ')} (${policy.placement})`
          : `starts now on worker ${chosen.nodeId} (${policy.placement})`,
      ahead: reserved.size,
    };
  const waits = decision?.waiting.find((w) => w.jobId === probe.id);
  return {
    startsNow: false,
    workerId: null,
    gpuIndices: [],
    plannedStartAt: waits?.startsAtMs === undefined ? null : new Date(waits.startsAtMs),
    reason: waits?.reason ?? `more than ${MAX_HANDOFFS} jobs start before it`,
    ahead: reserved.size,
  };
}

/**
 * Each live worker as a node: its capacity less what its running attempts hold. The claimant comes
 * first, so that among equally good workers (placements break ties by order) the one asking wins.
 */
function freeCapacity(snapshot: ClaimSnapshot): NodeState[] {
  const workers = [...snapshot.workers].sort(
    (a, b) => Number(b.id === snapshot.workerId) - Number(a.id === snapshot.workerId),
  );
  return workers.map((w) => {
    const gpuFree = w.gpus.map(() => 1000);
    let cpu = w.cpus * 1000;
    let mem = w.memoryMb;
    for (const r of snapshot.running) {
      if (r.workerId !== w.id) continue;
      for (const k of r.gpuIndices)
        if (k < gpuFree.length) gpuFree[k] = gpuFree[k]! - r.milliPerGpu;
      cpu -= r.cpuMilli;
      mem -= r.memoryMiB;
    }
    return {
      id: w.id,
      model: w.gpus.length > 0 ? canonicalGpu(w.gpus[0]!.name) : '',
      gpuFree: gpuFree.map((f) => Math.max(0, f)),
      cpuMilliFree: Math.max(0, cpu),
      memoryMiBFree: Math.max(0, mem),
    };
  });
}

/** A GPU's catalogue id when the catalogue knows it (so "NVIDIA H100 80GB HBM3" is h100-sxm5-80gb). */
export function canonicalGpu(name: string): string {
  try {
    return findAccelerator(name).id;
  } catch {
    return name;
  }
}

function queuedJob(job: QueuedForScheduler, models: Map<string, string>): QueuedJob {
  return {
    id: job.id,
    submitMs: job.createdAt.getTime(),
    gpus: job.gpus,
    cpuMilli: job.cpuMilli,
    memoryMiB: job.memoryMiB,
    team: job.teamId,
    priority: job.priority,
    gpuModel: job.gpuModel ? acceptedModels(job.gpuModel, models) : undefined,
    expectedSeconds: job.expectedSeconds ?? undefined,
    deadlineMs: job.deadlineAt?.getTime(),
    earliestStartMs: job.earliestStartAt?.getTime(),
  };
}

/**
 * The workers' model names a job's "H100|A100" accepts: an alternative matches a model whose id
 * starts with it or whose raw name contains it, ignoring case, spaces and hyphens.
 */
function acceptedModels(spec: string, models: Map<string, string>): string {
  const wanted = spec.split('|');
  const accepted = new Set<string>();
  for (const model of models.values()) {
    if (model !== '' && wanted.some((w) => modelMatches(model, w))) accepted.add(model);
  }
  // A model no worker has still has to be named, or the job would accept any GPU.
  return accepted.size > 0 ? [...accepted].join('|') : spec;
}
