import type { Site } from '@wattwise/cost-model';

import { InputError } from './errors';
import { EventQueue } from './heap';
import { DURATION_UNKNOWN, modelMask, type Cluster, type Workload } from './model';
import { createPlacement, fragTarget, type Placement } from './placement';
import { DEFAULT_NODE_POWER, type NodePowerConfig, type PolicyConfig } from './policy';
import { HourlyRates } from './rates';
import { ClusterState, POWER_BOOTING, POWER_OFF, POWER_ON, type Demand } from './state';
import { planStart } from './timing';

// Event kinds, in the low 3 bits of an event's payload; the job or node index is in the rest.
const EV_FINISH = 0;
const EV_BOOT = 1;
const EV_POWER = 2;
const EV_WAKE = 3;
const EV_LEVEL = 4;

// Job states (0: not yet arrived).
const S_DEFERRED = 1;
const S_WAITING = 2;
const S_RUNNING = 3;
const S_DONE = 4;
const S_UNSCHEDULABLE = 5;
const S_SKIPPED = 6;

/** Power states of a node, for the energy account. */
export const ENERGY_STATES = ['busy', 'idle', 'booting', 'off'] as const;
export type EnergyState = (typeof ENERGY_STATES)[number];

export type SimulationInput = {
  workload: Workload;
  cluster: Cluster;
  policy: PolicyConfig;
  /** Prices, PUE and carbon (cost-model Site; `gridSite` gives a bundled 2023 zone). */
  site: Site;
  nodePower?: Partial<NodePowerConfig>;
  /** Kept for repeatability of anything random; the replay itself draws no random numbers. */
  seed?: number;
  /** A monotonic clock in ms for `wallSeconds`, passed in by the caller: the package has none of its own. */
  clock?: () => number;
  /** Called every `progressEvery` events (default 65,536) and once at the end. */
  onProgress?: (p: Progress) => void;
  progressEvery?: number;
  /** Keep per-job figures in the result (default true). */
  perJob?: boolean;
};

export type Progress = { events: number; jobsDone: number; jobsTotal: number; simSeconds: number };

export type Summary = { mean: number; p50: number; p99: number };

export type SimulationResult = {
  policy: { order: string; placement: string; timing: boolean; powerDown: boolean };
  currency: string;
  jobs: {
    /** Every job of the workload: completed + unschedulable + skipped + unfinished. */
    total: number;
    completed: number;
    /** No node of the cluster could ever hold it (too big, or a GPU model the cluster lacks). */
    unschedulable: number;
    /** Listed in the trace but never ran there (Alibaba's Pending pods): counted, not simulated. */
    skipped: number;
    /** Still waiting or running when nothing else could happen (should be 0). */
    unfinished: number;
    deferred: number;
    preemptions: number;
  };
  jct: Summary;
  wait: Summary;
  slowdown: { mean: number; p99: number };
  /** Allocated GPU-time over GPU capacity × the span [0, end]. */
  utilization: number;
  /** Mean GPUs unallocated on powered nodes while at least one GPU job waited (fragmentation). */
  unallocatedGpus: number;
  /** Seconds during which at least one GPU job waited. */
  waitingSeconds: number;
  energy: {
    itKWh: number;
    facilityKWh: number;
    byState: Record<EnergyState, { itKWh: number; facilityKWh: number }>;
    /** IT energy of the jobs themselves (their GPU share at busy draw, their CPU cores). */
    jobsItKWh: number;
  };
  /** What the jobs' own energy cost and emitted (facility energy of their share): the part timing can move. */
  jobsEnergyCost: number;
  jobsCo2eKg: number;
  /** Facility energy at the hourly prices, site currency. */
  energyCost: number;
  co2eKg: number;
  deadlineMisses: number;
  /** From the first arrival to the last completion. */
  makespanSeconds: number;
  powerTransitions: number;
  transitions: { off: number; boot: number; on: number };
  events: number;
  wallSeconds: number;
  /** Simulated span: second 0 of the trace to the last completion, and its calendar start. */
  span: { startIso: string; endSeconds: number };
  notes: string[];
  /** Per job, by workload index (NaN where it does not apply); absent with perJob: false. */
  perJob?: {
    start: Float64Array;
    finish: Float64Array;
    wait: Float64Array;
    jct: Float64Array;
    slowdown: Float64Array;
    energyKWh: Float64Array;
    cost: Float64Array;
    co2eKg: Float64Array;
    /** Index of the (first) node it ran on, -1 if none. */
    node: Int32Array;
  };
  /** Why each deferred job waited (workload index → reason). */
  reasons: Map<number, string>;
};

/** A list of waiting jobs with lazy deletion: an entry counts while its tag matches the job's. */
class JobList {
  jobs = new Int32Array(64);
  tags = new Float64Array(64);
  head = 0;
  tail = 0;
  live = 0;

  push(job: number, tag: number): void {
    if (this.tail === this.jobs.length) this.makeRoom();
    this.jobs[this.tail] = job;
    this.tags[this.tail] = tag;
    this.tail++;
    this.live++;
  }

  private makeRoom(): void {
    // Drop the consumed front; grow only when more than half is live.
    const n = this.tail - this.head;
    if (this.head > 0 && n <= this.jobs.length / 2) {
      this.jobs.copyWithin(0, this.head, this.tail);
      this.tags.copyWithin(0, this.head, this.tail);
    } else {
      const jobs = new Int32Array(this.jobs.length * 2);
      jobs.set(this.jobs.subarray(this.head, this.tail));
      const tags = new Float64Array(this.jobs.length * 2);
      tags.set(this.tags.subarray(this.head, this.tail));
      this.jobs = jobs;
      this.tags = tags;
    }
    this.head = 0;
    this.tail = n;
  }

  /** Remove dead entries (keeping order) when they outnumber the live ones. */
  compact(valid: (job: number, tag: number) => boolean): void {
    if (this.tail - this.head < 2 * this.live + 64) return;
    let w = 0;
    for (let i = this.head; i < this.tail; i++) {
      const j = this.jobs[i]!;
      const t = this.tags[i]!;
      if (valid(j, t)) {
        this.jobs[w] = j;
        this.tags[w] = t;
        w++;
      }
    }
    this.head = 0;
    this.tail = w;
  }
}

const quantile = (sorted: Float64Array, q: number) =>
  sorted.length === 0
    ? 0
    : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;

function summary(values: Float64Array): Summary {
  const s = values.slice().sort();
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s[i]!;
  return { mean: s.length ? sum / s.length : 0, p50: quantile(s, 0.5), p99: quantile(s, 0.99) };
}

/**
 * Replay a workload on a cluster under a policy: an event-driven simulation on a binary heap
 * (arrivals come from the sorted workload, everything else from the heap), deterministic for the
 * same input. Jobs, nodes and GPUs are integer indices into typed arrays; no object is allocated per
 * event on the usual path.
 */
export function simulate(input: SimulationInput): SimulationResult {
  return new Simulator(input).run();
}

class Simulator {
  private readonly w: Workload;
  private readonly c: Cluster;
  private readonly p: PolicyConfig;
  private readonly rates: HourlyRates;
  private readonly power: NodePowerConfig;
  private readonly state: ClusterState;
  private readonly placement: Placement;
  private readonly heap = new EventQueue(1024);
  private readonly n: number;
  private readonly input: SimulationInput;

  // Per job.
  private readonly st: Uint8Array;
  private readonly firstStart: Float64Array;
  private readonly finish: Float64Array;
  private readonly runStart: Float64Array;
  private readonly remaining: Float64Array;
  private readonly finishAt: Float64Array;
  private readonly expEnd: Float64Array;
  private readonly attained: Float64Array;
  private readonly share: Float64Array;
  private readonly watts: Float64Array;
  private readonly dyn: Float64Array;
  private readonly moneyRate: Float64Array;
  private readonly energyJ: Float64Array;
  private readonly cost: Float64Array;
  private readonly co2: Float64Array;
  private readonly deadline: Float64Array;
  private readonly qtag: Float64Array;
  private readonly listOf: Int32Array;
  private readonly failTag: Int32Array;
  private readonly failGain: Int32Array;
  private readonly firstSlot: Int32Array;
  private readonly firstNode: Int32Array;
  private readonly levelAt: Float64Array;
  private readonly prePos: Int32Array;
  private readonly masks: Int32Array;
  private tagSeq = 1;

  // Allocation slots: one per replica placed on a node, chained per job and listed per node.
  private slotJob = new Int32Array(1024);
  private slotNode = new Int32Array(1024);
  private slotMask = new Int32Array(1024);
  private slotSibling = new Int32Array(1024);
  private slotNext = new Int32Array(1024);
  private slotPrev = new Int32Array(1024);
  private freeSlot = -1;
  private slotCount = 0;
  private readonly nodeSlots: Int32Array;
  /** Whether the slots of each node are listed: only backfill's reservations and LAS's preemption read them. */
  private readonly slotsByNode: boolean;

  // Queues.
  private readonly lists: JobList[];
  private waitingGpuJobs = 0;
  private waitingCount = 0;

  // What gained capacity since when: nodes appended as they free resources or come on.
  private gain = new Int32Array(4096);
  private gainLen = 0;
  private failEpoch = 1;

  // Backfill reservation.
  private readonly reserved: Uint8Array;
  private reservedList: number[] = [];
  private resJob = -1;
  private resGain = -1;
  private shadow = Infinity;

  // Gang placement scratch.
  private readonly mark: Uint8Array;
  private readonly stamp: Int32Array;
  private stampSeq = 0;

  // LAS: running preemptible jobs.
  private readonly runningPre: Int32Array;
  private runningPreCount = 0;
  private preemptDirty = false;

  // Fair share, per team.
  private readonly teamRate: Float64Array;
  private readonly teamAccrued: Float64Array;
  private readonly teamSince: Float64Array;
  private readonly teamWeight: Float64Array;
  private readonly teamExhausted: Int32Array;
  private readonly teamCursor: Int32Array;
  private passSeq = 0;

  // Power.
  private readonly modelIdleW: Float64Array;
  private readonly modelDynW: Float64Array;
  private readonly modelCost: Float64Array;
  // Which order runs, so the bookkeeping only another order reads is skipped.
  private readonly fair: boolean;
  private readonly las: boolean;
  private readonly backfill: boolean;
  private readonly nodeHwRate: Float64Array;
  private readonly checkAt: Float64Array;
  private readonly bootClaimed: Uint8Array;
  private readonly idleOn: Int32Array;
  private readonly warm: Int32Array;
  private readonly offByModel: number[][];
  private pIdle = 0;
  private pBusyBase = 0;
  private busyDyn = 0;
  private pBoot = 0;
  private pOff = 0;
  private readonly transitions = { off: 0, boot: 0, on: 0 };

  // Energy account.
  private tNow = 0;
  private readonly cur = new Float64Array(3);
  private readonly prev = new Float64Array(3);
  private readonly scratch = new Float64Array(3);
  private readonly itJ = new Float64Array(4);
  private readonly facJ = new Float64Array(4);
  private costWs = 0;
  private carbonWs = 0;
  private allocMilliS = 0;
  private fragMilliS = 0;
  private waitS = 0;

  private readonly dm: Demand = { gpus: 0, milli: 0, cpu: 0, mem: 0, mask: -1 };
  private events = 0;
  private accounted = 0;
  private preemptions = 0;
  private deferred = 0;
  private lastFinish = 0;
  private readonly reasons = new Map<number, string>();
  private readonly nodeTypes: {
    cpu: number;
    mem: number;
    gpus: number;
    model: number;
    count: number;
  }[];
  private readonly specWatts = new Map<number, number>();

  constructor(input: SimulationInput) {
    this.input = input;
    const w = (this.w = input.workload);
    const c = (this.c = input.cluster);
    this.p = input.policy;
    this.power = { ...DEFAULT_NODE_POWER, ...input.nodePower };
    this.rates = new HourlyRates(input.site, w.startMs);
    const n = (this.n = w.count);
    for (let i = 1; i < n; i++)
      if (w.submit[i]! < w.submit[i - 1]!)
        throw new InputError('workload.submit', i, 'must be in submit order (use sortBySubmit)');
    this.state = new ClusterState(c);
    this.placement = createPlacement(
      this.p.placement,
      this.state,
      this.p.placement === 'fgd' ? fragTarget(w) : null,
    );

    this.st = new Uint8Array(n);
    this.firstStart = new Float64Array(n).fill(NaN);
    this.finish = new Float64Array(n).fill(NaN);
    this.runStart = new Float64Array(n);
    this.remaining = new Float64Array(w.duration);
    this.finishAt = new Float64Array(n);
    this.expEnd = new Float64Array(n);
    this.attained = new Float64Array(n);
    this.share = new Float64Array(n);
    this.watts = new Float64Array(n);
    this.dyn = new Float64Array(n);
    this.moneyRate = new Float64Array(n);
    this.energyJ = new Float64Array(n);
    this.cost = new Float64Array(n);
    this.co2 = new Float64Array(n);
    this.deadline = new Float64Array(w.deadline);
    this.qtag = new Float64Array(n);
    this.listOf = new Int32Array(n);
    this.failTag = new Int32Array(n);
    this.failGain = new Int32Array(n);
    this.firstSlot = new Int32Array(n).fill(-1);
    this.firstNode = new Int32Array(n).fill(-1);
    this.levelAt = new Float64Array(n).fill(NaN);
    this.prePos = new Int32Array(n).fill(-1);
    this.runningPre = new Int32Array(Math.max(16, n));
    for (let i = 0; i < n; i++)
      this.share[i] = (w.gpus[i]! * Math.min(1000, w.gpuMilli[i]!) * w.replicas[i]!) / 1000;
    this.masks = Int32Array.from(w.gpuSpecs, (s) => modelMask(c, s));

    this.nodeSlots = new Int32Array(c.count).fill(-1);
    const order = this.p.order;
    const listCount =
      order === 'las' ? this.p.las.thresholds.length + 1 : order === 'fair' ? w.teams.length : 1;
    this.lists = Array.from({ length: listCount }, () => new JobList());

    this.reserved = new Uint8Array(c.count);
    this.mark = new Uint8Array(c.count);
    this.stamp = new Int32Array(c.count);

    const teams = w.teams.length;
    this.teamRate = new Float64Array(teams);
    this.teamAccrued = new Float64Array(teams);
    this.teamSince = new Float64Array(teams);
    this.teamWeight = Float64Array.from(w.teams, (t) => {
      const x = this.p.fair.weights[t] ?? 1;
      if (!(x > 0)) throw new InputError(`weights.${t}`, x, 'must be a number > 0');
      return x;
    });
    this.teamExhausted = new Int32Array(teams);
    this.teamCursor = new Int32Array(teams);

    this.fair = this.p.order === 'fair';
    this.las = this.p.order === 'las';
    this.backfill = this.p.order === 'backfill';
    this.slotsByNode = this.backfill || this.las;
    this.modelIdleW = Float64Array.from(c.models, (m) => m.idleW);
    this.modelDynW = Float64Array.from(
      c.models,
      (m) => (m.tdpW - m.idleW) * this.power.gpuBusyShare,
    );
    this.modelCost = Float64Array.from(c.models, (m) => m.costPerGpuHour);
    // Node power and hardware cost rates.
    this.nodeHwRate = new Float64Array(c.count);
    for (let i = 0; i < c.count; i++) {
      const m = c.models[c.model[i]!]!;
      this.nodeHwRate[i] =
        c.gpus[i]! * m.costPerGpuHour + (c.cpuMilli[i]! / 1000) * this.p.fair.cpuCoreHourCost;
      this.pIdle += this.idleW(i);
    }
    this.checkAt = new Float64Array(c.count).fill(NaN);
    this.bootClaimed = new Uint8Array(c.count);
    this.idleOn = new Int32Array(c.models.length);
    this.warm = new Int32Array(c.models.length);
    this.offByModel = c.models.map(() => []);
    const perModel = new Int32Array(c.models.length);
    for (let i = 0; i < c.count; i++) perModel[c.model[i]!]!++;
    for (let m = 0; m < c.models.length; m++) {
      this.idleOn[m] = perModel[m]!;
      this.warm[m] = Math.ceil((this.p.powerDown?.warmPoolShare ?? 0) * perModel[m]!);
    }
    const types = new Map<
      string,
      { cpu: number; mem: number; gpus: number; model: number; count: number }
    >();
    for (let i = 0; i < c.count; i++) {
      const key = `${c.cpuMilli[i]}:${c.memoryMiB[i]}:${c.gpus[i]}:${c.model[i]}`;
      const t = types.get(key);
      if (t) t.count++;
      else
        types.set(key, {
          cpu: c.cpuMilli[i]!,
          mem: c.memoryMiB[i]!,
          gpus: c.gpus[i]!,
          model: c.model[i]!,
          count: 1,
        });
    }
    this.nodeTypes = [...types.values()];
  }

  // -------------------------------------------------------------------------------------------
  // The loop

  run(): SimulationResult {
    const { w, heap } = this;
    const clock = this.input.clock;
    const t0 = clock ? clock() : 0;
    const every = this.input.progressEvery ?? 65_536;
    let nextProgress = every;
    this.rates.integrals(0, this.prev);
    if (this.p.powerDown) for (let i = 0; i < this.c.count; i++) this.scheduleCheck(i, 0);
    let cursor = 0;
    const n = this.n;
    const submit = w.submit;
    while (this.accounted < n) {
      const tArr = cursor < n ? submit[cursor]! : Infinity;
      const tEv = heap.peekTime();
      const t = tArr < tEv ? tArr : tEv;
      if (t === Infinity) break;
      this.advance(t);
      while (heap.size > 0 && heap.peekTime() === t) {
        const payload = heap.pop();
        if (this.handle(payload & 7, payload >>> 3, t)) this.events++;
      }
      while (cursor < n && submit[cursor] === t) {
        this.arrive(cursor++, t);
        this.events++;
      }
      this.pass(t);
      if (this.events >= nextProgress && this.input.onProgress) {
        nextProgress = this.events + every;
        this.input.onProgress({
          events: this.events,
          jobsDone: this.accounted,
          jobsTotal: n,
          simSeconds: t,
        });
      }
    }
    const wall = clock ? (clock() - t0) / 1000 : 0;
    this.input.onProgress?.({
      events: this.events,
      jobsDone: this.accounted,
      jobsTotal: n,
      simSeconds: this.tNow,
    });
    return this.result(wall);
  }

  /** Account energy, cost, carbon, allocation and waiting from tNow to t (power is constant in between). */
  private advance(t: number): void {
    if (t <= this.tNow) return;
    const dt = t - this.tNow;
    const cur = this.cur;
    const prev = this.prev;
    this.rates.integrals(t, cur);
    const dCost = cur[0]! - prev[0]!;
    const dCarbon = cur[1]! - prev[1]!;
    const dPue = cur[2]! - prev[2]!;
    const busy = this.pBusyBase + this.busyDyn;
    const total = busy + this.pIdle + this.pBoot + this.pOff;
    this.itJ[0]! += busy * dt;
    this.itJ[1]! += this.pIdle * dt;
    this.itJ[2]! += this.pBoot * dt;
    this.itJ[3]! += this.pOff * dt;
    this.facJ[0]! += busy * dPue;
    this.facJ[1]! += this.pIdle * dPue;
    this.facJ[2]! += this.pBoot * dPue;
    this.facJ[3]! += this.pOff * dPue;
    this.costWs += total * dCost;
    this.carbonWs += total * dCarbon;
    const s = this.state;
    this.allocMilliS += s.allocatedMilli * dt;
    if (this.waitingGpuJobs > 0) {
      this.fragMilliS += (s.onMilli - s.allocatedMilli) * dt;
      this.waitS += dt;
    }
    prev[0] = cur[0]!;
    prev[1] = cur[1]!;
    prev[2] = cur[2]!;
    this.tNow = t;
  }

  /** One heap event; false when it was stale (superseded) and did nothing. */
  private handle(kind: number, id: number, t: number): boolean {
    switch (kind) {
      case EV_FINISH:
        if (this.st[id] !== S_RUNNING || this.finishAt[id] !== t) return false;
        this.stop(id, t, true);
        return true;
      case EV_WAKE:
        if (this.st[id] !== S_DEFERRED) return false;
        this.enqueue(id);
        return true;
      case EV_BOOT:
        this.bootDone(id, t);
        return true;
      case EV_POWER:
        return this.powerCheck(id, t);
      case EV_LEVEL:
        if (this.st[id] !== S_RUNNING || this.levelAt[id] !== t) return false;
        this.scheduleLevel(id, t);
        this.preemptDirty = true;
        return true;
    }
    return false;
  }

  // -------------------------------------------------------------------------------------------
  // Jobs

  private setDemand(j: number): Demand {
    const w = this.w;
    const d = this.dm;
    d.gpus = w.gpus[j]!;
    d.milli = w.gpuMilli[j]!;
    d.cpu = w.cpuMilli[j]!;
    d.mem = w.memoryMiB[j]!;
    d.mask = this.masks[w.gpuSpec[j]!]!;
    return d;
  }

  /** Whether enough nodes of the cluster could hold j's replicas if they were empty (checked by node type). */
  private schedulable(j: number): boolean {
    const w = this.w;
    const d = this.setDemand(j);
    // Replicas of one job arrive together with the same shape: remember the last answer.
    const last = this.lastShape;
    if (
      last[0] === d.gpus &&
      last[1] === d.milli &&
      last[2] === d.cpu &&
      last[3] === d.mem &&
      last[4] === d.mask &&
      last[5] === w.replicas[j]
    )
      return last[6] === 1;
    last[0] = d.gpus;
    last[1] = d.milli;
    last[2] = d.cpu;
    last[3] = d.mem;
    last[4] = d.mask;
    last[5] = w.replicas[j]!;
    let nodes = 0;
    const types = this.nodeTypes;
    for (let k = 0; k < types.length; k++) {
      const t = types[k]!;
      if (((d.mask >>> t.model) & 1) === 0 || t.cpu < d.cpu || t.mem < d.mem) continue;
      if (d.gpus > 0 && t.gpus < d.gpus) continue;
      nodes += t.count;
    }
    const ok = nodes >= w.replicas[j]!;
    last[6] = ok ? 1 : 0;
    return ok;
  }

  private readonly lastShape = new Float64Array(7).fill(NaN);

  /** A guess of a job's draw before it is placed: its GPUs at the busy draw of the models it may use. */
  private wattsGuess(j: number): number {
    const w = this.w;
    const spec = w.gpuSpec[j]!;
    let perGpu = this.specWatts.get(spec);
    if (perGpu === undefined) {
      const mask = this.masks[spec]!;
      let sum = 0;
      let count = 0;
      for (let i = 0; i < this.c.count; i++) {
        const m = this.c.model[i]!;
        if (((mask >>> m) & 1) === 0 || this.c.gpus[i] === 0) continue;
        const model = this.c.models[m]!;
        sum +=
          this.c.gpus[i]! * (model.idleW + (model.tdpW - model.idleW) * this.power.gpuBusyShare);
        count += this.c.gpus[i]!;
      }
      perGpu = count ? sum / count : 0;
      this.specWatts.set(spec, perGpu);
    }
    return (
      this.share[j]! * perGpu + (w.replicas[j]! * w.cpuMilli[j]! * this.power.cpuWPerCore) / 1000
    );
  }

  private arrive(j: number, t: number): void {
    const w = this.w;
    if (w.skipped[j]) {
      this.st[j] = S_SKIPPED;
      this.accounted++;
      return;
    }
    if (!this.schedulable(j)) {
      this.st[j] = S_UNSCHEDULABLE;
      this.accounted++;
      return;
    }
    const timing = this.p.timing;
    const est = w.estimate[j]!;
    if (
      Number.isNaN(this.deadline[j]!) &&
      timing &&
      timing.maxDelaySeconds > 0 &&
      Number.isFinite(est)
    )
      this.deadline[j] = w.submit[j]! + timing.maxDelaySeconds + est;
    const own = w.earliestStart[j]!;
    const earliest = own > t ? own : t;
    const deadline = this.deadline[j]!;
    if (timing && Number.isFinite(deadline) && w.durationKind[j] !== DURATION_UNKNOWN && est > 0) {
      const latest = Math.max(earliest, deadline - est);
      const plan = planStart(this.rates, t, earliest, latest, est, this.wattsGuess(j), timing);
      if (plan.start > t) {
        this.defer(j, plan.start, plan.reason);
        return;
      }
    } else if (earliest > t) {
      this.defer(j, earliest, `waits for its earliest start, ${this.rates.iso(earliest)}`);
      return;
    }
    this.enqueue(j);
  }

  private defer(j: number, at: number, reason: string): void {
    this.st[j] = S_DEFERRED;
    this.deferred++;
    this.reasons.set(j, reason);
    this.heap.push(at, (j << 3) | EV_WAKE);
  }

  private levelOf(j: number, t: number): number {
    let a = this.attained[j]!;
    if (this.st[j] === S_RUNNING) a += this.share[j]! * (t - this.runStart[j]!);
    const thr = this.p.las.thresholds;
    let l = 0;
    while (l < thr.length && a >= thr[l]! - 1e-6) l++;
    return l;
  }

  private enqueue(j: number): void {
    const order = this.p.order;
    this.st[j] = S_WAITING;
    const list =
      order === 'las' ? this.levelOf(j, this.tNow) : order === 'fair' ? this.w.team[j]! : 0;
    const tag = this.tagSeq++;
    this.qtag[j] = tag;
    this.listOf[j] = list;
    this.failTag[j] = 0;
    this.lists[list]!.push(j, tag);
    this.waitingCount++;
    this.preemptDirty = true;
    if (this.w.gpus[j]! > 0) this.waitingGpuJobs++;
  }

  private readonly isValid = (j: number, tag: number) =>
    this.st[j] === S_WAITING && this.qtag[j] === tag;

  /** Place every replica of j (all or none) and start it. `exclude`: reserved nodes it must avoid. */
  private tryStart(j: number, t: number, exclude: Uint8Array | null): boolean {
    const d = this.setDemand(j);
    const replicas = this.w.replicas[j]!;
    const pl = this.placement;
    const s = this.state;
    if (replicas === 1) {
      const node = pl.choose(d, exclude);
      if (node < 0) return false;
      const mask = pl.gpus(node, d);
      this.allocate(j, node, mask);
    } else {
      // A gang: distinct nodes, all or nothing.
      const ex = exclude ?? this.mark;
      const used: number[] = [];
      for (let r = 0; r < replicas; r++) {
        const node = pl.choose(d, ex);
        if (node < 0) break;
        const mask = pl.gpus(node, d);
        s.allocate(node, mask, d);
        ex[node] = 1;
        used.push(node);
        // Remember the mask on the stack of used nodes (two entries per replica).
        used.push(mask);
      }
      for (let k = 0; k < used.length; k += 2) ex[used[k]!] = 0;
      if (used.length < 2 * replicas) {
        for (let k = 0; k < used.length; k += 2) s.release(used[k]!, used[k + 1]!, d);
        return false;
      }
      for (let k = 0; k < used.length; k += 2) {
        s.release(used[k]!, used[k + 1]!, d);
        this.allocate(j, used[k]!, used[k + 1]!);
      }
    }
    this.begin(j, t);
    return true;
  }

  /** Record one replica of j on node with GPUs `mask`, and the node's power state. */
  private allocate(j: number, node: number, mask: number): void {
    const s = this.state;
    const d = this.dm;
    const wasIdle = s.jobsOn[node] === 0;
    s.allocate(node, mask, d);
    if (wasIdle) this.nodeBusy(node);
    // Slot.
    let slot = this.freeSlot;
    if (slot >= 0) this.freeSlot = this.slotSibling[slot]!;
    else {
      if (this.slotCount === this.slotJob.length) this.growSlots();
      slot = this.slotCount++;
    }
    this.slotJob[slot] = j;
    this.slotNode[slot] = node;
    this.slotMask[slot] = mask;
    this.slotSibling[slot] = this.firstSlot[j]!;
    this.firstSlot[j] = slot;
    if (this.slotsByNode) {
      const h = this.nodeSlots[node]!;
      this.slotNext[slot] = h;
      this.slotPrev[slot] = -1;
      if (h >= 0) this.slotPrev[h] = slot;
      this.nodeSlots[node] = slot;
    }
    if (this.firstNode[j]! < 0) this.firstNode[j] = node;
    // Power and money of this replica.
    const m = this.c.model[node]!;
    const gpuShare = (d.gpus * (d.milli < 1000 ? d.milli : 1000)) / 1000;
    const cores = d.cpu / 1000;
    const dyn = gpuShare * this.modelDynW[m]! + cores * this.power.cpuWPerCore;
    this.watts[j]! += gpuShare * this.modelIdleW[m]! + dyn;
    this.dyn[j]! += dyn;
    this.busyDyn += dyn;
    if (this.fair)
      this.moneyRate[j]! += gpuShare * this.modelCost[m]! + cores * this.p.fair.cpuCoreHourCost;
  }

  private growSlots(): void {
    const grow = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.slotJob = grow(this.slotJob);
    this.slotNode = grow(this.slotNode);
    this.slotMask = grow(this.slotMask);
    this.slotSibling = grow(this.slotSibling);
    this.slotNext = grow(this.slotNext);
    this.slotPrev = grow(this.slotPrev);
  }

  private begin(j: number, t: number): void {
    const w = this.w;
    this.st[j] = S_RUNNING;
    this.waitingCount--;
    this.lists[this.listOf[j]!]!.live--;
    if (w.gpus[j]! > 0) this.waitingGpuJobs--;
    if (Number.isNaN(this.firstStart[j]!)) this.firstStart[j] = t;
    this.runStart[j] = t;
    const end = t + this.remaining[j]!;
    this.finishAt[j] = end;
    this.heap.push(end, (j << 3) | EV_FINISH);
    if (this.backfill) {
      const est = w.estimate[j]!;
      const ran = w.duration[j]! - this.remaining[j]!;
      this.expEnd[j] = Number.isFinite(est)
        ? t + Math.max(est - ran, this.remaining[j]! > 0 ? 1 : 0)
        : Infinity;
    }
    if (this.fair) {
      const team = w.team[j]!;
      this.accrue(team, t);
      this.teamRate[team]! += this.moneyRate[j]!;
    }
    if (this.las && w.preemptible[j] && w.replicas[j] === 1 && this.share[j]! > 0) {
      this.prePos[j] = this.runningPreCount;
      this.runningPre[this.runningPreCount++] = j;
      this.scheduleLevel(j, t);
    }
  }

  /** Schedule the moment a running job's attained service crosses its next LAS threshold. */
  private scheduleLevel(j: number, t: number): void {
    const a = this.attained[j]! + this.share[j]! * (t - this.runStart[j]!);
    const thr = this.p.las.thresholds;
    let l = 0;
    // A tolerance, so that the event at a crossing does not schedule itself again for rounding.
    while (l < thr.length && a >= thr[l]! - 1e-6) l++;
    if (l >= thr.length) {
      this.levelAt[j] = NaN;
      return;
    }
    const at = t + (thr[l]! - a) / this.share[j]!;
    if (at >= this.finishAt[j]!) {
      this.levelAt[j] = NaN;
      return;
    }
    this.levelAt[j] = at;
    this.heap.push(at, (j << 3) | EV_LEVEL);
  }

  private accrue(team: number, t: number): void {
    this.teamAccrued[team]! += this.teamRate[team]! * ((t - this.teamSince[team]!) / 3600);
    this.teamSince[team] = t;
  }

  /** End j's current run: finished (done) or preempted (back to the queue with the work left). */
  private stop(j: number, t: number, done: boolean): void {
    const w = this.w;
    const s = this.state;
    const d = this.setDemand(j);
    const ran = t - this.runStart[j]!;
    const watts = this.watts[j]!;
    this.energyJ[j]! += watts * ran;
    if (watts > 0) {
      // The running integrals at t are in `prev` (advance ran first); those at the start are read once.
      const a = this.scratch;
      this.rates.integrals(this.runStart[j]!, a);
      this.cost[j]! += (watts / 3.6e6) * (this.prev[0]! - a[0]!);
      this.co2[j]! += (watts / 3.6e6) * (this.prev[1]! - a[1]!);
    }
    if (this.las) this.attained[j]! += this.share[j]! * ran;
    this.busyDyn -= this.dyn[j]!;
    if (this.fair) {
      const team = w.team[j]!;
      this.accrue(team, t);
      this.teamRate[team]! -= this.moneyRate[j]!;
      this.moneyRate[j] = 0;
    }
    this.watts[j] = 0;
    this.dyn[j] = 0;
    for (let slot = this.firstSlot[j]!; slot >= 0;) {
      const node = this.slotNode[slot]!;
      s.release(node, this.slotMask[slot]!, d);
      if (this.slotsByNode) {
        const p = this.slotPrev[slot]!;
        const nx = this.slotNext[slot]!;
        if (p >= 0) this.slotNext[p] = nx;
        else this.nodeSlots[node] = nx;
        if (nx >= 0) this.slotPrev[nx] = p;
      }
      this.addGain(node);
      if (s.jobsOn[node] === 0) this.nodeIdle(node, t);
      const sib = this.slotSibling[slot]!;
      this.slotSibling[slot] = this.freeSlot;
      this.freeSlot = slot;
      slot = sib;
    }
    this.firstSlot[j] = -1;
    if (this.las) {
      const pos = this.prePos[j]!;
      if (pos >= 0) {
        const last = this.runningPre[--this.runningPreCount]!;
        this.runningPre[pos] = last;
        this.prePos[last] = pos;
        this.prePos[j] = -1;
      }
      this.levelAt[j] = NaN;
    }
    if (done) {
      this.st[j] = S_DONE;
      this.finish[j] = t;
      this.remaining[j] = 0;
      this.accounted++;
      if (t > this.lastFinish) this.lastFinish = t;
    } else {
      this.remaining[j] = this.remaining[j]! - ran + this.p.las.preemptionOverheadSeconds;
      this.preemptions++;
      this.enqueue(j);
    }
  }

  private addGain(node: number): void {
    if (this.gainLen === this.gain.length) {
      const g = new Int32Array(this.gain.length * 2);
      g.set(this.gain);
      this.gain = g;
    }
    this.gain[this.gainLen++] = node;
  }

  private markFail(j: number): void {
    this.failTag[j] = this.failEpoch;
    this.failGain[j] = this.gainLen;
  }

  /**
   * Whether trying j again is pointless: it failed, nothing was reserved differently since, and no
   * node that gained capacity since could hold one of its replicas. Resources elsewhere only shrank.
   */
  private canSkip(j: number): boolean {
    if (this.failTag[j] !== this.failEpoch) return false;
    const from = this.failGain[j]!;
    const to = this.gainLen;
    if (from === to) return true;
    if (to - from > 32) return false;
    const d = this.setDemand(j);
    for (let k = from; k < to; k++) if (this.state.fits(this.gain[k]!, d)) return false;
    this.failGain[j] = to;
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // Scheduling passes

  private pass(t: number): void {
    if (this.waitingCount > 0) {
      switch (this.p.order) {
        case 'fifo':
          this.fifoPass(t, false);
          break;
        case 'backfill':
          this.fifoPass(t, true);
          break;
        case 'las':
          this.lasPass(t);
          break;
        case 'fair':
          this.fairPass(t);
          break;
      }
    }
    if (this.p.powerDown && this.waitingCount > 0) this.bootForWaiting(t);
  }

  private fifoPass(t: number, backfill: boolean): void {
    const q = this.lists[0]!;
    let blocked = -1;
    while (q.head < q.tail) {
      const j = q.jobs[q.head]!;
      if (!this.isValid(j, q.tags[q.head]!)) {
        q.head++;
        continue;
      }
      if (this.canSkip(j)) {
        blocked = j;
        break;
      }
      if (!this.tryStart(j, t, null)) {
        this.markFail(j);
        blocked = j;
        break;
      }
      q.head++;
    }
    if (!backfill || blocked < 0 || q.live <= 1) return;
    this.reserveFor(blocked, t);
    const shadow = this.shadow;
    const est = this.w.estimate;
    for (let i = q.head + 1; i < q.tail; i++) {
      const j = q.jobs[i]!;
      if (!this.isValid(j, q.tags[i]!)) continue;
      if (this.canSkip(j)) continue;
      const e = est[j]!;
      const endsBefore = Number.isFinite(e) && t + e <= shadow;
      if (!this.tryStart(j, t, endsBefore ? null : this.reserved)) this.markFail(j);
    }
    q.compact(this.isValid);
  }

  /**
   * EASY reservation for the blocked head job h: for each node that could hold one of its replicas,
   * the time enough running jobs on it will have ended (by their expected ends); the `replicas`
   * earliest nodes are reserved and the latest of their times is the shadow time. Recomputed only
   * when the head or the cluster's free capacity changed.
   */
  private reserveFor(h: number, t: number): void {
    if (this.resJob === h && this.resGain === this.gainLen) return;
    const before = this.reservedList.join(',');
    const shadowBefore = this.shadow;
    for (const node of this.reservedList) this.reserved[node] = 0;
    this.reservedList = [];
    this.resJob = h;
    this.resGain = this.gainLen;
    const d = this.setDemand(h);
    const replicas = this.w.replicas[h]!;
    const c = this.c;
    const s = this.state;
    const times: { node: number; at: number }[] = [];
    const free = new Float64Array(32);
    for (let node = 0; node < c.count; node++) {
      if (s.power[node] === POWER_OFF || !s.fitsEmpty(node, d)) continue;
      if (s.fits(node, d)) {
        times.push({ node, at: t });
        continue;
      }
      // Running replicas on this node by expected end.
      const ends: number[] = [];
      for (let slot = this.nodeSlots[node]!; slot >= 0; slot = this.slotNext[slot]!)
        ends.push(slot);
      ends.sort((a, b) => this.expEnd[this.slotJob[a]!]! - this.expEnd[this.slotJob[b]!]! || a - b);
      let cpu = s.cpuFree[node]!;
      let mem = s.memFree[node]!;
      const base = c.gpuBase[node]!;
      const g = c.gpus[node]!;
      for (let k = 0; k < g; k++) free[k] = s.gpuFree[base + k]!;
      let at = Infinity;
      const powerAt =
        s.power[node] === POWER_BOOTING ? t + (this.p.powerDown?.bootSeconds ?? 0) : t;
      for (const slot of ends) {
        const j = this.slotJob[slot]!;
        const e = this.expEnd[j]!;
        if (!Number.isFinite(e)) break;
        cpu += this.w.cpuMilli[j]!;
        mem += this.w.memoryMiB[j]!;
        const mask = this.slotMask[slot]!;
        const milli = Math.min(1000, this.w.gpuMilli[j]!);
        for (let k = 0; k < g; k++) if ((mask >>> k) & 1) free[k]! += milli;
        if (cpu < d.cpu || mem < d.mem) continue;
        let ok = d.gpus === 0;
        if (!ok) {
          let count = 0;
          for (let k = 0; k < g; k++) if (free[k]! >= Math.min(1000, d.milli)) count++;
          ok = count >= d.gpus;
        }
        if (ok) {
          at = Math.max(e, powerAt);
          break;
        }
      }
      if (at < Infinity) times.push({ node, at });
    }
    times.sort((a, b) => a.at - b.at || a.node - b.node);
    this.shadow = times.length >= replicas ? times[replicas - 1]!.at : Infinity;
    for (let k = 0; k < Math.min(replicas, times.length); k++) {
      const node = times[k]!.node;
      this.reserved[node] = 1;
      this.reservedList.push(node);
    }
    // Jobs that failed against the old reservation may fit against the new one.
    if (this.shadow !== shadowBefore || this.reservedList.join(',') !== before) this.failEpoch++;
  }

  private lasPass(t: number): void {
    // Every job that fits starts, highest queue first, FIFO within a queue.
    for (const q of this.lists) {
      for (let i = q.head; i < q.tail; i++) {
        const j = q.jobs[i]!;
        if (!this.isValid(j, q.tags[i]!)) {
          if (i === q.head) q.head++;
          continue;
        }
        if (this.canSkip(j)) continue;
        if (!this.tryStart(j, t, null)) this.markFail(j);
      }
      q.compact(this.isValid);
    }
    // Then a waiting job may take the place of preemptible jobs of a lower queue: worth trying only
    // when a job arrived or came back, or a running job crossed into a lower queue, since the last try.
    if (this.runningPreCount === 0 || this.waitingCount === 0 || !this.preemptDirty) return;
    this.preemptDirty = false;
    let attempts = 0;
    for (let level = 0; level < this.lists.length && attempts < 8; level++) {
      const q = this.lists[level]!;
      for (let i = q.head; i < q.tail && attempts < 8; i++) {
        const j = q.jobs[i]!;
        if (!this.isValid(j, q.tags[i]!) || this.w.replicas[j]! > 1) continue;
        attempts++;
        this.preemptFor(j, level, t);
      }
    }
  }

  /** Free a node for waiting job j by preempting preemptible single-node jobs of queues below `level`. */
  private preemptFor(j: number, level: number, t: number): boolean {
    const s = this.state;
    const c = this.c;
    const d = { ...this.setDemand(j) };
    const seq = ++this.stampSeq;
    const free = new Float64Array(32);
    for (let k = 0; k < this.runningPreCount; k++) {
      const v = this.runningPre[k]!;
      if (this.levelOf(v, t) <= level) continue;
      const node = this.slotNode[this.firstSlot[v]!]!;
      if (this.stamp[node] === seq) continue;
      this.stamp[node] = seq;
      if (!s.fitsEmpty(node, d) || s.power[node] !== POWER_ON) continue;
      // Victims on this node: preemptible, single-node, lower queue; latest started first.
      const victims: number[] = [];
      for (let slot = this.nodeSlots[node]!; slot >= 0; slot = this.slotNext[slot]!) {
        const u = this.slotJob[slot]!;
        if (this.prePos[u]! >= 0 && this.levelOf(u, t) > level) victims.push(u);
      }
      victims.sort(
        (a, b) =>
          this.levelOf(b, t) - this.levelOf(a, t) || this.runStart[b]! - this.runStart[a]! || b - a,
      );
      let cpu = s.cpuFree[node]!;
      let mem = s.memFree[node]!;
      const base = c.gpuBase[node]!;
      const g = c.gpus[node]!;
      for (let q = 0; q < g; q++) free[q] = s.gpuFree[base + q]!;
      const fitsNow = () => {
        if (cpu < d.cpu || mem < d.mem) return false;
        if (d.gpus === 0) return true;
        let count = 0;
        for (let q = 0; q < g; q++) if (free[q]! >= Math.min(1000, d.milli)) count++;
        return count >= d.gpus;
      };
      let needed = 0;
      for (; needed < victims.length && !fitsNow(); needed++) {
        const u = victims[needed]!;
        cpu += this.w.cpuMilli[u]!;
        mem += this.w.memoryMiB[u]!;
        const mask = this.slotMask[this.firstSlot[u]!]!;
        const milli = Math.min(1000, this.w.gpuMilli[u]!);
        for (let q = 0; q < g; q++) if ((mask >>> q) & 1) free[q]! += milli;
      }
      if (!fitsNow()) continue;
      for (let k2 = 0; k2 < needed; k2++) this.stop(victims[k2]!, t, false);
      if (this.tryStart(j, t, null)) return true;
      return false;
    }
    return false;
  }

  private fairPass(t: number): void {
    const pass = ++this.passSeq;
    const teams = this.lists.length;
    for (let k = 0; k < teams; k++) {
      this.teamCursor[k] = this.lists[k]!.head;
      this.accrue(k, t);
    }
    for (;;) {
      // The team furthest below its weighted share of money: lowest spend rate per weight, then
      // lowest spend so far per weight.
      let best = -1;
      let bestRate = Infinity;
      let bestAcc = Infinity;
      for (let k = 0; k < teams; k++) {
        const q = this.lists[k]!;
        if (q.live === 0 || this.teamExhausted[k] === pass) continue;
        const r = this.teamRate[k]! / this.teamWeight[k]!;
        const a = this.teamAccrued[k]! / this.teamWeight[k]!;
        if (r < bestRate || (r === bestRate && a < bestAcc)) {
          best = k;
          bestRate = r;
          bestAcc = a;
        }
      }
      if (best < 0) break;
      const q = this.lists[best]!;
      let started = false;
      for (let i = this.teamCursor[best]!; i < q.tail; i++) {
        const j = q.jobs[i]!;
        if (!this.isValid(j, q.tags[i]!)) continue;
        if (this.canSkip(j)) continue;
        if (this.tryStart(j, t, null)) {
          this.teamCursor[best] = i + 1;
          started = true;
          break;
        }
        this.markFail(j);
      }
      if (!started) this.teamExhausted[best] = pass;
    }
    for (const q of this.lists) {
      while (q.head < q.tail && !this.isValid(q.jobs[q.head]!, q.tags[q.head]!)) q.head++;
      q.compact(this.isValid);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Power

  /**
   * Idle draw of a node that is on, W: computed from the node's model and GPU count, which the
   * cluster state has just read, rather than kept in an array of its own that would cost a cache miss.
   */
  private idleW(node: number): number {
    return this.power.hostIdleW + this.c.gpus[node]! * this.modelIdleW[this.c.model[node]!]!;
  }

  private nodeBusy(node: number): void {
    this.pIdle -= this.idleW(node);
    this.pBusyBase += this.idleW(node);
    this.idleOn[this.c.model[node]!]!--;
    if (this.p.powerDown) this.checkAt[node] = NaN;
  }

  private nodeIdle(node: number, t: number): void {
    this.pBusyBase -= this.idleW(node);
    this.pIdle += this.idleW(node);
    this.idleOn[this.c.model[node]!]!++;
    if (this.p.powerDown) this.scheduleCheck(node, t);
  }

  /**
   * Seconds of idling that cost as much as powering the node down and booting it again: the boot's
   * energy plus the delay it causes (priced at the node's hardware cost per hour × delayCostFactor),
   * over the idle draw at the current price. Infinity when energy is free or paid for (negative prices).
   */
  breakEvenSeconds(node: number, t: number): number {
    const pd = this.p.powerDown!;
    const h = this.rates.hourOf(t);
    const price = this.rates.priceAtHour(h) * this.rates.pueAtHour(h);
    if (!(price > 0)) return Infinity;
    const idleW = this.idleW(node);
    const bootCost =
      ((idleW * pd.bootPowerFactor * pd.bootSeconds) / 3.6e6) * price +
      (pd.bootSeconds / 3600) * this.nodeHwRate[node]! * pd.delayCostFactor;
    return bootCost / ((idleW / 3.6e6) * price);
  }

  private scheduleCheck(node: number, t: number): void {
    const wait = this.breakEvenSeconds(node, t);
    if (!Number.isFinite(wait)) {
      // Re-examine in an hour: the price may turn positive.
      this.checkAt[node] = t + 3600;
    } else this.checkAt[node] = t + wait;
    this.heap.push(this.checkAt[node]!, (node << 3) | EV_POWER);
  }

  private powerCheck(node: number, t: number): boolean {
    const s = this.state;
    if (s.power[node] !== POWER_ON || s.jobsOn[node]! > 0 || this.checkAt[node] !== t) return false;
    // Past the break-even point only once everything that could end is accounted: stop re-arming.
    if (this.accounted >= this.n) return false;
    const m = this.c.model[node]!;
    if (this.idleOn[m]! <= this.warm[m]! || !(this.breakEvenSeconds(node, t) < Infinity)) {
      this.scheduleCheck(node, t);
      return true;
    }
    s.setPower(node, POWER_OFF);
    this.idleOn[m]!--;
    this.pIdle -= this.idleW(node);
    this.pOff += this.power.offW;
    this.offByModel[m]!.push(node);
    this.checkAt[node] = NaN;
    this.transitions.off++;
    return true;
  }

  /** Boot off nodes for waiting jobs that no node that is on or booting could take. */
  private bootForWaiting(t: number): void {
    const pd = this.p.powerDown!;
    // Under strict FIFO only the first job can start; other orders may start any of the first 16.
    const limit = this.p.order === 'fifo' ? 1 : 16;
    let looked = 0;
    const seq = ++this.stampSeq;
    for (const q of this.lists) {
      for (let i = q.head; i < q.tail && looked < limit; i++) {
        const j = q.jobs[i]!;
        if (!this.isValid(j, q.tags[i]!)) continue;
        looked++;
        const d = this.setDemand(j);
        let need = this.w.replicas[j]!;
        // Booting nodes not yet promised to another job count first.
        for (let k = 0; k < this.booting.length && need > 0; k++) {
          const node = this.booting[k]!;
          if (this.stamp[node] !== seq && this.state.fitsEmpty(node, d)) {
            this.stamp[node] = seq;
            need--;
          }
        }
        for (let m = 0; m < this.offByModel.length && need > 0; m++) {
          if (((d.mask >>> m) & 1) === 0) continue;
          const stack = this.offByModel[m]!;
          for (let k = stack.length - 1; k >= 0 && need > 0; k--) {
            const node = stack[k]!;
            if (!this.state.fitsEmpty(node, d)) continue;
            stack.splice(k, 1);
            this.state.setPower(node, POWER_BOOTING);
            this.stamp[node] = seq;
            this.booting.push(node);
            this.pOff -= this.power.offW;
            this.pBoot += this.idleW(node) * pd.bootPowerFactor;
            this.transitions.boot++;
            this.heap.push(t + pd.bootSeconds, (node << 3) | EV_BOOT);
            need--;
          }
        }
      }
    }
  }

  private readonly booting: number[] = [];

  private bootDone(node: number, t: number): void {
    const pd = this.p.powerDown!;
    this.state.setPower(node, POWER_ON);
    this.booting.splice(this.booting.indexOf(node), 1);
    this.pBoot -= this.idleW(node) * pd.bootPowerFactor;
    this.pIdle += this.idleW(node);
    this.idleOn[this.c.model[node]!]!++;
    this.transitions.on++;
    this.addGain(node);
    this.scheduleCheck(node, t);
  }

  // -------------------------------------------------------------------------------------------
  // Result

  private result(wallSeconds: number): SimulationResult {
    const w = this.w;
    const n = this.n;
    const end = this.lastFinish;
    let completed = 0;
    let unschedulable = 0;
    let skipped = 0;
    let misses = 0;
    let firstArrival = Infinity;
    for (let j = 0; j < n; j++) {
      const st = this.st[j]!;
      if (st === S_DONE) {
        completed++;
        if (this.finish[j]! > this.deadline[j]!) misses++;
        if (w.submit[j]! < firstArrival) firstArrival = w.submit[j]!;
      } else if (st === S_UNSCHEDULABLE) unschedulable++;
      else if (st === S_SKIPPED) skipped++;
    }
    const wait = new Float64Array(completed);
    const jct = new Float64Array(completed);
    const slow = new Float64Array(completed);
    let jobsJ = 0;
    let jobsCost = 0;
    let jobsCo2 = 0;
    const keep = this.input.perJob !== false;
    const per = keep
      ? {
          start: this.firstStart,
          finish: this.finish,
          wait: new Float64Array(n).fill(NaN),
          jct: new Float64Array(n).fill(NaN),
          slowdown: new Float64Array(n).fill(NaN),
          energyKWh: this.energyJ.map((x) => x / 3.6e6),
          cost: this.cost,
          co2eKg: this.co2,
          node: this.firstNode,
        }
      : undefined;
    for (let j = 0, k = 0; j < n; j++) {
      if (this.st[j] !== S_DONE) continue;
      const wt = this.firstStart[j]! - w.submit[j]!;
      const ct = this.finish[j]! - w.submit[j]!;
      const sd = Math.max(1, ct / Math.max(w.duration[j]!, 10));
      wait[k] = wt;
      jct[k] = ct;
      slow[k] = sd;
      k++;
      jobsJ += this.energyJ[j]!;
      jobsCost += this.cost[j]!;
      jobsCo2 += this.co2[j]!;
      if (per) {
        per.wait[j] = wt;
        per.jct[j] = ct;
        per.slowdown[j] = sd;
      }
    }
    const sl = summary(slow);
    const byState = {} as Record<EnergyState, { itKWh: number; facilityKWh: number }>;
    let it = 0;
    let fac = 0;
    ENERGY_STATES.forEach((s, i) => {
      byState[s] = { itKWh: this.itJ[i]! / 3.6e6, facilityKWh: this.facJ[i]! / 3.6e6 };
      it += this.itJ[i]!;
      fac += this.facJ[i]!;
    });
    const notes = [...w.notes, ...this.c.notes];
    if (this.rates.wrapped)
      notes.push(
        `the simulated span runs past the hourly price or carbon series; its hours wrap round to the series start`,
      );
    const unfinished = n - completed - unschedulable - skipped;
    return {
      policy: {
        order: this.p.order,
        placement: this.p.placement,
        timing: this.p.timing !== null,
        powerDown: this.p.powerDown !== null,
      },
      currency: this.rates.currency,
      jobs: {
        total: n,
        completed,
        unschedulable,
        skipped,
        unfinished,
        deferred: this.deferred,
        preemptions: this.preemptions,
      },
      jct: summary(jct),
      wait: summary(wait),
      slowdown: { mean: sl.mean, p99: sl.p99 },
      utilization: end > 0 ? this.allocMilliS / 1000 / (this.c.totalGpus * end) : 0,
      unallocatedGpus: this.waitS > 0 ? this.fragMilliS / 1000 / this.waitS : 0,
      waitingSeconds: this.waitS,
      energy: { itKWh: it / 3.6e6, facilityKWh: fac / 3.6e6, byState, jobsItKWh: jobsJ / 3.6e6 },
      energyCost: this.costWs / 3.6e6,
      jobsEnergyCost: jobsCost,
      jobsCo2eKg: jobsCo2,
      co2eKg: this.carbonWs / 3.6e6,
      deadlineMisses: misses,
      makespanSeconds: completed > 0 ? end - firstArrival : 0,
      powerTransitions: this.transitions.off + this.transitions.boot + this.transitions.on,
      transitions: { ...this.transitions },
      events: this.events,
      wallSeconds,
      span: { startIso: new Date(w.startMs).toISOString(), endSeconds: end },
      notes,
      perJob: per,
      reasons: this.reasons,
    };
  }
}
