import type { RouterOutputs } from '@wattwise/api';

import type { Api, CallFailure } from './client';
import { backoffMs, classifyFailure, retryTransient, sleep } from './client';
import type { CommandResult, RunningCommand } from './executors/command';
import { commandPayload, startCommand } from './executors/command';
import type { MachineInfo } from './machine';

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
  | { call: 'complete'; exitCode: number | null; signal: string | null; outputTail: string }
  | { call: 'fail'; error: string; retryable: boolean; outputTail?: string }
  | { call: 'release' }
  | null;

/** Decides the report for a finished attempt: the worker's error classification lives here. */
export function reportFor(result: CommandResult, timeoutSeconds: number | undefined): Report {
  if (result.kind === 'spawn-failed')
    return { call: 'fail', error: result.message, retryable: result.retryable };
  const { exitCode, signal, outputTail } = result;
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
      return { call: 'complete', exitCode, signal, outputTail };
  }
}

/**
 * The worker's loop: register, claim, run, report, until shut down. One job at a time. While a job
 * runs its lease is renewed every leaseSeconds/3; a lease that cannot be renewed in time is treated
 * as lost and the job is stopped, since the server will give it to another worker.
 */
export class Worker {
  private readonly opts: WorkerOptions;
  private readonly stopping = new AbortController();
  private shutdownCount = 0;
  private running: { handle: RunningCommand; drainTimer?: NodeJS.Timeout } | null = null;
  workerId: string | null = null;
  leaseSeconds = 30;

  constructor(opts: WorkerOptions) {
    this.opts = opts;
  }

  /**
   * First call: stop claiming and give the running job `drainMs` to finish, then stop it and
   * release it. A second call stops the job at once.
   */
  shutdown(): void {
    this.shutdownCount++;
    this.stopping.abort();
    const job = this.running;
    if (!job) return;
    if (this.shutdownCount === 1) {
      this.opts.log(`shutting down: the running job has ${this.opts.drainMs / 1000} s to finish`);
      job.drainTimer = setTimeout(() => job.handle.stop('shutdown'), this.opts.drainMs);
    } else {
      this.opts.log('shutting down now: stopping the running job');
      job.handle.stop('shutdown');
    }
  }

  get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  /** Runs until shut down; throws {@link WorkerRefusedError} when the server refuses the worker. */
  async run(): Promise<void> {
    if (!(await this.register())) return;
    let failures = 0;
    while (!this.stopped) {
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
      await this.runAttempt(claimed);
    }
    this.opts.log('worker stopped');
  }

  /** Registers, retrying while the server is unreachable; false when shut down first. */
  private async register(): Promise<boolean> {
    const { machine, version } = this.opts;
    let told = false;
    const result = await retryTransient(
      () => this.opts.api.workers.register.mutate({ ...machine, version }),
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
    this.opts.log(`claimed ${job.id} "${job.name}" (attempt ${attempt.number}, ${attempt.id})`);

    const payload = job.kind === 'command' ? commandPayload.safeParse(job.payload) : null;
    if (!payload?.success) {
      const error = payload
        ? `invalid command payload: ${payload.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')}`
        : `this worker cannot run jobs of kind "${job.kind}"`;
      await this.report(claimed, { call: 'fail', error, retryable: false }, leaseUntil);
      return;
    }

    const handle = startCommand(payload.data, {
      baseEnv: this.opts.jobEnv,
      killGraceMs: this.opts.killGraceMs,
    });
    const running: { handle: RunningCommand; drainTimer?: NodeJS.Timeout } = { handle };
    this.running = running;
    if (this.stopped)
      running.drainTimer = setTimeout(() => handle.stop('shutdown'), this.opts.drainMs);

    // Renew the lease while the process runs.
    const finished = new AbortController();
    const heartbeats = (async () => {
      const every = leaseMs / 3;
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
    finished.abort();
    await heartbeats;
    clearTimeout(running.drainTimer);
    this.running = null;

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
    if (report) await this.report(claimed, report, leaseUntil);
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
          });
        case 'fail':
          return api.workers.fail.mutate({
            ...ref,
            error: report.error.slice(0, 4096),
            retryable: report.retryable,
            outputTail: report.outputTail,
          });
        case 'release':
          return api.workers.release.mutate(ref);
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
