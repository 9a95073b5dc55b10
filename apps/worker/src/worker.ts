import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import type { RouterOutputs } from '@wattwise/api';
import { payloadSchemas } from '@wattwise/api/payloads';

import type { Api, CallFailure } from './client';
import { backoffMs, classifyFailure, retryTransient, sleep } from './client';
import type { ExecutorResult, RunningExecutor } from './executors/child';
import { startCommand } from './executors/command';
import { startNnTrain } from './executors/nn-train';
import { startSimulate } from './executors/simulate';
import type { MachineInfo } from './machine';
import { startMeter, type AttemptEnergy, type Meter, type MeterSample } from './metering/meter';
import { SampleSpool } from './metering/spool';

type Claimed = NonNullable<RouterOutputs['workers']['claim']>;

export type WorkerOptions = {
  api: Api;
  machine: MachineInfo;
  version: string;
  /** Wait between claims while the queue is empty. */
  pollMs: number;
  /** How long a running job may go on after a shutdown signal before it is stopped and released. */
  drainMs: number;
  /** Time between SIGTERM and SIGKILL when a job is stopped. */
  killGraceMs: number;
  /** The environment jobs start from (their own env is merged over it). */
  jobEnv: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** Jobs run side by side at most; the server decides what fits, this caps the processes. */
  maxJobs: number;
  /** The site this machine is at, by name (may be left out when the server has one site). */
  site?: string;
  /** Where samples wait while the server cannot take them. */
  spoolDir: string;
  meter: {
    intervalMs: number;
    /** Modelled CPU draw when RAPL is not readable: per core, idle and flat out. */
    idleWPerCore: number;
    maxWPerCore: number;
    nvidiaSmi?: string;
    powercapRoot?: string;
    /**
     * The machine's GPUs are virtual (`--virtual-gpus`): their draw, and the CPU's, is modelled per
     * attempt from these figures instead of read (see metering/meter.ts, VirtualDevices).
     */
    virtual?: {
      gpus: { index: number; tdpW: number; idleW: number }[];
      gpuBusyShare: number;
      cpuWPerCore: number;
    };
  };
};

/** The server refused the worker itself (bad token, wrong role): running on cannot help. */
export class WorkerRefusedError extends Error {
  constructor(readonly failure: CallFailure) {
    super(`server refused the worker: ${failure.message} (${failure.code})`);
    this.name = 'WorkerRefusedError';
  }
}

/** What the worker tells the server when an attempt ends; null when it must say nothing. */
type Report =
  | {
      call: 'complete';
      exitCode: number | null;
      signal: string | null;
      outputTail: string;
      output?: Record<string, unknown>;
    }
  | { call: 'fail'; error: string; retryable: boolean; outputTail?: string }
  | { call: 'release' }
  | null;

/** Decides the report for a finished attempt: the worker's error classification lives here. */
export function reportFor(result: ExecutorResult, timeoutSeconds: number | undefined): Report {
  if (result.kind === 'spawn-failed')
    return { call: 'fail', error: result.message, retryable: result.retryable };
  const { exitCode, signal, outputTail } = result;
  if (result.stoppedBy === null && result.error) {
    const where = result.error.field ? `${result.error.field}: ` : '';
    return { call: 'fail', error: `${where}${result.error.message}`, retryable: false, outputTail };
  }
  switch (result.stoppedBy) {
    case 'lease-lost':
      return null; // the server has given the job to the queue again; our word no longer counts
    case 'shutdown':
      return { call: 'release' };
    case 'timeout':
      return {
        call: 'fail',
        error: `timed out after ${timeoutSeconds} s: the process group was stopped (${signal ?? `exit ${exitCode}`})`,
        retryable: false,
        outputTail,
      };
    case 'cancel':
      return { call: 'fail', error: 'cancelled on request', retryable: false, outputTail };
    case null:
      return { call: 'complete', exitCode, signal, outputTail, output: result.output };
  }
}

type Running = { handle: RunningExecutor; drainTimer?: NodeJS.Timeout };

/** Spools of worker processes on this machine that are gone, so that their samples still reach the server. */
function orphanSpools(root: string): [string, SampleSpool<MeterSample>][] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  return names
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid && !alive(Number(name)))
    .map((name) => [join(root, name), new SampleSpool<MeterSample>(join(root, name))]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The worker's loop: register, claim, run, report, until shut down. It claims while it has room
 * for another job (up to `maxJobs`); the server's scheduler decides which job fits where. While a
 * job runs its lease is renewed every leaseSeconds/3; a lease that cannot be renewed in time is
 * treated as lost and the job is stopped, since the server will give it to another worker. Energy
 * samples go through a disk spool, so an unreachable server loses none.
 */
export class Worker {
  private readonly opts: WorkerOptions;
  private readonly stopping = new AbortController();
  private shutdownCount = 0;
  private readonly running = new Set<Running>();
  private readonly attempts = new Set<Promise<void>>();
  private readonly spool: SampleSpool<MeterSample>;
  /** Resolved whenever an attempt ends, so a full worker claims again at once. */
  private slotFreed: () => void = () => {};
  workerId: string | null = null;
  leaseSeconds = 30;

  constructor(opts: WorkerOptions) {
    this.opts = opts;
    // One spool per process: workers sharing a home must not rewrite each other's files.
    this.spool = new SampleSpool<MeterSample>(join(opts.spoolDir, String(process.pid)));
  }

  /**
   * First call: stop claiming and give the running job `drainMs` to finish, then stop it and
   * release it. A second call stops the job at once.
   */
  shutdown(): void {
    this.shutdownCount++;
    this.stopping.abort();
    if (this.running.size === 0) return;
    if (this.shutdownCount === 1) {
      this.opts.log(
        `shutting down: ${this.running.size} running job(s) have ${this.opts.drainMs / 1000} s to finish`,
      );
      for (const job of this.running)
        job.drainTimer = setTimeout(() => job.handle.stop('shutdown'), this.opts.drainMs);
    } else {
      this.opts.log('shutting down now: stopping the running jobs');
      for (const job of this.running) job.handle.stop('shutdown');
    }
  }

  get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  /** Runs until shut down; throws {@link WorkerRefusedError} when the server refuses the worker. */
  async run(): Promise<void> {
    if (!(await this.register())) return;
    const flusher = this.flushSamplesEvery(2000);
    let failures = 0;
    while (!this.stopped) {
      if (this.attempts.size >= this.opts.maxJobs) {
        await new Promise<void>((ok) => {
          this.slotFreed = ok;
          this.stopping.signal.addEventListener('abort', () => ok(), { once: true });
        });
        continue;
      }
      let claimed: Claimed | null;
      try {
        claimed = await this.opts.api.workers.claim.mutate({ workerId: this.workerId! });
        if (failures > 0) this.opts.log('server reachable again');
        failures = 0;
      } catch (err) {
        const failure = classifyFailure(err);
        if (failure.kind === 'refused' && failure.code === 'NOT_FOUND') {
          // The server no longer knows this worker (a fresh database): register again.
          this.opts.log(`server does not know ${this.workerId}; registering again`);
          if (!(await this.register())) return;
          continue;
        }
        if (failure.kind !== 'transient') throw new WorkerRefusedError(failure);
        failures++;
        if (failures === 1)
          this.opts.log(`claim failed, retrying with backoff: ${failure.message}`);
        await sleep(backoffMs(failures), this.stopping.signal);
        continue;
      }
      if (!claimed) {
        await sleep(this.opts.pollMs, this.stopping.signal);
        continue;
      }
      if (this.stopped) {
        // Shut down while the claim was in flight: hand the job straight back.
        await this.report(claimed, { call: 'release' }, Date.now() + this.leaseSeconds * 1000);
        break;
      }
      const attempt: Promise<void> = this.runAttempt(claimed)
        .catch((err: unknown) =>
          this.opts.log(`${claimed.job.id}: attempt failed in the worker: ${String(err)}`),
        )
        .finally(() => {
          this.attempts.delete(attempt);
          this.slotFreed();
        });
      this.attempts.add(attempt);
    }
    await Promise.all(this.attempts);
    flusher.abort();
    await this.flushSamples();
    this.opts.log('worker stopped');
  }

  /** Sends spooled samples now; what the server does not acknowledge stays for the next flush. */
  private async flushSamples(): Promise<void> {
    // Spool keys are "<worker id>~<attempt id>": a spool left by an earlier run of this worker is
    // sent under the worker id that owned the attempt.
    const send = (key: string, samples: MeterSample[]) => {
      const [workerId, attemptId] = key.split('~') as [string, string];
      return this.opts.api.workers.samples
        .mutate({ workerId, attemptId, samples })
        .then(() => undefined);
    };
    for (const [dir, spool] of [[null, this.spool] as const, ...orphanSpools(this.opts.spoolDir)]) {
      const result = await spool.flush(send);
      if (result.error && result.pending > 0 && classifyFailure(result.error).kind === 'refused') {
        this.opts.log(`samples refused by the server, kept on disk: ${String(result.error)}`);
      }
      if (dir && !result.error && result.pending === 0)
        rmSync(dir, { recursive: true, force: true });
    }
  }

  private flushSamplesEvery(ms: number): AbortController {
    const stop = new AbortController();
    void (async () => {
      while (!stop.signal.aborted) {
        await sleep(ms, stop.signal);
        if (!stop.signal.aborted) await this.flushSamples();
      }
    })();
    return stop;
  }

  /** Registers, retrying while the server is unreachable; false when shut down first. */
  private async register(): Promise<boolean> {
    const { machine, version } = this.opts;
    let told = false;
    const result = await retryTransient(
      () =>
        this.opts.api.workers.register.mutate({
          ...machine,
          version,
          ...(this.opts.site ? { site: this.opts.site } : {}),
        }),
      {
        signal: this.stopping.signal,
        onRetry: (failure) => {
          if (!told) this.opts.log(`waiting for the server: ${failure.message}`);
          told = true;
        },
      },
    );
    if (!result.ok) {
      if (this.stopped) return false;
      throw new WorkerRefusedError(result.failure);
    }
    this.workerId = result.value.workerId;
    this.leaseSeconds = result.value.leaseSeconds;
    const gpus = machine.gpus.length
      ? machine.gpus.map((g) => `${g.index}:${g.name}`).join(', ')
      : 'no GPUs';
    this.opts.log(
      `registered as ${this.workerId} (${machine.hostname}, ${machine.cpus} CPUs, ${gpus}; lease ${this.leaseSeconds} s)`,
    );
    return true;
  }

  private async runAttempt(claimed: Claimed): Promise<void> {
    const { job, attempt } = claimed;
    const leaseMs = this.leaseSeconds * 1000;
    let leaseUntil = Date.now() + leaseMs;
    const gpus = attempt.gpuIndices
      .map((k) => this.opts.machine.gpus[k])
      .filter((g) => g !== undefined);
    const where = gpus.length ? ` on GPU ${gpus.map((g) => g.index).join(',')}` : '';
    this.opts.log(
      `claimed ${job.id} "${job.name}" (attempt ${attempt.number}, ${attempt.id})${where}`,
    );

    const schema = payloadSchemas[job.kind as keyof typeof payloadSchemas] as
      (typeof payloadSchemas)[keyof typeof payloadSchemas] | undefined;
    const payload = schema?.safeParse(job.payload);
    if (!payload?.success) {
      const error = payload
        ? `invalid ${job.kind} payload: ${payload.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')}`
        : `this worker cannot run jobs of kind "${job.kind}"`;
      await this.report(claimed, { call: 'fail', error, retryable: false }, leaseUntil);
      return;
    }

    const meter = await this.startMeter(
      claimed,
      gpus.map((g) => g.index),
    );
    // The job sees only the GPUs it was given (none for a CPU-only job), by UUID where known.
    const visible = gpus.map((g) => g.uuid ?? String(g.index)).join(',');
    const options = {
      baseEnv: { ...this.opts.jobEnv, CUDA_VISIBLE_DEVICES: visible },
      killGraceMs: this.opts.killGraceMs,
    };
    // At most one progress report a second, the latest winning; a heartbeat carries the lease.
    let lastProgressAt = 0;
    let pending: Record<string, unknown> | null = null;
    let progressTimer: NodeJS.Timeout | undefined;
    const sendProgress = () => {
      if (!pending) return;
      const progress = pending;
      pending = null;
      lastProgressAt = Date.now();
      this.opts.api.workers.progress
        .mutate({ workerId: this.workerId!, attemptId: attempt.id, progress })
        .catch(() => {}); // the next report, or the result itself, carries it
    };
    const onProgress = (progress: Record<string, unknown>) => {
      pending = progress;
      const wait = lastProgressAt + 1000 - Date.now();
      if (wait <= 0) sendProgress();
      else progressTimer ??= setTimeout(() => ((progressTimer = undefined), sendProgress()), wait);
    };
    const handle: RunningExecutor =
      job.kind === 'nn-train'
        ? startNnTrain(payload.data, { ...options, onProgress })
        : job.kind === 'simulate'
          ? startSimulate(payload.data, { ...options, onProgress })
          : startCommand(payload.data as Parameters<typeof startCommand>[0], options);
    const running: Running = { handle };
    this.running.add(running);
    if (this.stopped)
      running.drainTimer = setTimeout(() => handle.stop('shutdown'), this.opts.drainMs);

    // Renew the lease while the process runs.
    const finished = new AbortController();
    const heartbeats = (async () => {
      // Every second at most: the heartbeat also carries a cancel request, which must act in seconds.
      const every = Math.min(leaseMs / 3, 1000);
      while (!finished.signal.aborted) {
        await sleep(every, finished.signal);
        if (finished.signal.aborted) break;
        const sentAt = Date.now();
        try {
          const reply = await this.opts.api.workers.heartbeat.mutate({
            workerId: this.workerId!,
            attemptId: attempt.id,
          });
          leaseUntil = sentAt + leaseMs;
          if (reply.cancelRequested) {
            this.opts.log(`${job.id}: cancel requested, stopping it`);
            handle.stop('cancel');
          }
        } catch (err) {
          const failure = classifyFailure(err);
          if (failure.kind === 'lease-lost') {
            this.opts.log(
              `${job.id}: lease lost (${failure.message}); stopping it without a report`,
            );
            handle.stop('lease-lost');
            break;
          }
          if (Date.now() >= leaseUntil) {
            this.opts.log(
              `${job.id}: could not renew the lease in time (${failure.message}); stopping it`,
            );
            handle.stop('lease-lost');
            break;
          }
          this.opts.log(`${job.id}: heartbeat failed, will retry: ${failure.message}`);
        }
      }
    })();

    const result = await handle.result;
    clearTimeout(progressTimer);
    finished.abort();
    await heartbeats;
    clearTimeout(running.drainTimer);
    this.running.delete(running);
    const energy = await meter.stop();
    for (const warning of meter.warnings) this.opts.log(`${job.id}: metering: ${warning}`);

    const report = reportFor(result, payload.data.timeoutSeconds);
    if (result.kind === 'exited') {
      const how = result.signal ? `signal ${result.signal}` : `exit ${result.exitCode}`;
      const why = result.stoppedBy ? `, stopped: ${result.stoppedBy}` : '';
      this.opts.log(
        `${job.id}: ended with ${how}${why} after ${(result.durationMs / 1000).toFixed(1)} s`,
      );
    } else {
      this.opts.log(`${job.id}: ${result.message}`);
    }
    if (report) await this.report(claimed, report, leaseUntil, energy);
  }

  /** Meters the attempt's GPUs and its share of the CPU; samples go to the spool as they come. */
  private startMeter(claimed: Claimed, gpuIndices: number[]): Promise<Meter> {
    const { machine, meter } = this.opts;
    const attemptId = claimed.attempt.id;
    // A job that asked for no CPU still keeps one core busy while it runs; on a virtual machine the
    // model counts the cores asked for, as the simulator does.
    const coresHeld = meter.virtual
      ? claimed.job.cpuMilli / 1000
      : Math.min(machine.cpus, Math.max(1, claimed.job.cpuMilli / 1000));
    const share = claimed.attempt.milliPerGpu > 0 ? claimed.attempt.milliPerGpu / 1000 : 1;
    const virtual = meter.virtual && {
      gpuBusyShare: meter.virtual.gpuBusyShare,
      cpuWPerCore: meter.virtual.cpuWPerCore,
      gpus: meter.virtual.gpus
        .filter((g) => gpuIndices.includes(g.index))
        .map((g) => ({ ...g, share })),
    };
    return startMeter({
      virtual,
      gpuIndices,
      intervalMs: meter.intervalMs,
      cpu: {
        cores: machine.cpus,
        coresHeld,
        idleW: meter.idleWPerCore * machine.cpus,
        maxW: meter.maxWPerCore * machine.cpus,
      },
      nvidiaSmi: meter.nvidiaSmi,
      powercapRoot: meter.powercapRoot,
      onSample: (sample) => this.spool.append(`${this.workerId}~${attemptId}`, [sample]),
    });
  }

  /**
   * Sends an attempt's outcome, retrying while the server is unreachable. Reports are idempotent,
   * so a retry after a lost answer is harmless; once the lease has run out the server will have
   * requeued the job, so trying longer is pointless.
   */
  private async report(
    claimed: Claimed,
    report: NonNullable<Report>,
    leaseUntil: number,
    energy?: AttemptEnergy,
  ): Promise<void> {
    const ref = { workerId: this.workerId!, attemptId: claimed.attempt.id };
    const { api } = this.opts;
    const send = () => {
      switch (report.call) {
        case 'complete':
          return api.workers.complete.mutate({
            ...ref,
            exitCode: report.exitCode,
            signal: report.signal,
            outputTail: report.outputTail,
            output: report.output,
            energy,
          });
        case 'fail':
          return api.workers.fail.mutate({
            ...ref,
            error: report.error.slice(0, 4096),
            retryable: report.retryable,
            outputTail: report.outputTail,
            energy,
          });
        case 'release':
          return api.workers.release.mutate({ ...ref, energy });
      }
    };
    let told = false;
    const result = await retryTransient(send, {
      deadline: Math.max(leaseUntil, Date.now() + 5_000),
      onRetry: (failure) => {
        if (!told)
          this.opts.log(`${claimed.job.id}: ${report.call} failed, retrying: ${failure.message}`);
        told = true;
      },
    });
    if (result.ok) {
      this.opts.log(`${claimed.job.id}: reported ${report.call}; job is ${result.value.state}`);
    } else if (result.failure.kind === 'lease-lost') {
      this.opts.log(
        `${claimed.job.id}: ${report.call} refused, the lease was lost: ${result.failure.message}`,
      );
    } else {
      this.opts.log(
        `${claimed.job.id}: could not ${report.call}: ${result.failure.message} (${result.failure.code})`,
      );
    }
  }
}
