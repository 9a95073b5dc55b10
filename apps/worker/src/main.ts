import { resolve } from 'node:path';

import { InputError } from '@wattwise/cost-model';
import { DEFAULT_NODE_POWER } from '@wattwise/scheduler';
import { Command, InvalidArgumentError } from 'commander';

import pkg from '../package.json' with { type: 'json' };
import { createApi, sleep } from './client';
import { resolveConnection } from './credentials';
import { env, jobBaseEnv } from './env';
import { describeMachine, parseVirtualGpus, type VirtualGpu } from './machine';
import { Worker, WorkerRefusedError } from './worker';

function seconds(value: string, name: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError(`${name} must be a number of seconds ≥ 0, got "${value}"`);
  }
  return n;
}

function wholeNumber(value: string, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max)
    throw new InvalidArgumentError(
      `${name} must be a whole number from ${min} to ${max}, got "${value}"`,
    );
  return n;
}

function virtualGpus(value: string): VirtualGpu[] {
  try {
    return parseVirtualGpus(value);
  } catch (err) {
    if (err instanceof InputError) throw new InvalidArgumentError(err.message);
    throw err;
  }
}

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} worker: ${line}\n`);
}

const program = new Command()
  .name('wattwise-worker')
  .description('Claims jobs from a Wattwise server, runs them and reports how they ended.')
  .version(pkg.version)
  .option(
    '--server <url>',
    'server URL (default: $WATTWISE_SERVER_URL, then local-credentials.json)',
  )
  .option(
    '--token <token>',
    'worker-role bearer token (default: $WATTWISE_TOKEN, then local-credentials.json)',
  )
  .option(
    '--drain-seconds <s>',
    'on SIGTERM/SIGINT, time the running job gets to finish',
    (v) => seconds(v, '--drain-seconds'),
    10,
  )
  .option(
    '--poll-seconds <s>',
    'wait between claims while the queue is empty',
    (v) => seconds(v, '--poll-seconds'),
    2,
  )
  .option(
    '--kill-grace-seconds <s>',
    'time between SIGTERM and SIGKILL when a job is stopped',
    (v) => seconds(v, '--kill-grace-seconds'),
    10,
  )
  .option(
    '--max-jobs <n>',
    'jobs run side by side at most (the server decides what fits)',
    (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 256)
        throw new InvalidArgumentError(
          `--max-jobs must be a whole number from 1 to 256, got "${v}"`,
        );
      return n;
    },
    1,
  )
  .option('--site <name>', "this machine's site, for its prices and PUE (default: the only site)")
  .option(
    '--sample-seconds <s>',
    'time between power samples',
    (v) => {
      const n = seconds(v, '--sample-seconds');
      if (n < 0.05) throw new InvalidArgumentError('--sample-seconds must be at least 0.05');
      return n;
    },
    1,
  )
  .option(
    '--virtual-gpus <spec>',
    'register GPUs this machine does not have, e.g. 8xA100-SXM4-80GB or 2xT4 (catalogue names), ' +
      "for replays and demos: jobs get them by index and their power is modelled as the simulator's",
    virtualGpus,
  )
  .option('--virtual-cpus <n>', 'register this many CPU cores instead of the detected count', (v) =>
    wholeNumber(v, '--virtual-cpus', 1, 1_024),
  )
  .option(
    '--virtual-memory-mib <n>',
    'register this much memory (MiB) instead of the detected',
    (v) => wholeNumber(v, '--virtual-memory-mib', 0, 64 * 1024 * 1024),
  )
  .showHelpAfterError()
  .action(
    async (opts: {
      server?: string;
      token?: string;
      drainSeconds: number;
      pollSeconds: number;
      killGraceSeconds: number;
      maxJobs: number;
      site?: string;
      sampleSeconds: number;
      virtualGpus?: VirtualGpu[];
      virtualCpus?: number;
      virtualMemoryMib?: number;
    }) => {
      // Until the worker runs, a signal simply ends the wait.
      const early = new AbortController();
      let worker: Worker | null = null;
      const onSignal = (signal: NodeJS.Signals) => {
        log(`received ${signal}`);
        if (worker) worker.shutdown();
        else early.abort();
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);

      const credentialsPath = resolve(env.WATTWISE_HOME, 'local-credentials.json');
      const given = {
        serverUrl: opts.server ?? env.WATTWISE_SERVER_URL,
        token: opts.token ?? env.WATTWISE_TOKEN,
      };
      const { machine, detection } = await describeMachine({
        virtual: {
          gpus: opts.virtualGpus,
          cpus: opts.virtualCpus,
          memoryMb: opts.virtualMemoryMib,
        },
      });
      if (machine.gpus.length === 0) log(`no GPUs: ${detection.reason ?? 'none listed'}`);
      else {
        const list = machine.gpus.map(
          (g) => `${g.index}: ${g.name}${g.memoryMb ? ` (${g.memoryMb} MiB)` : ''}`,
        );
        const how = opts.virtualGpus ? ' (virtual: power modelled, not metered)' : '';
        log(`GPUs${how}: ${list.join(', ')}`);
      }
      if (opts.virtualCpus !== undefined || opts.virtualMemoryMib !== undefined)
        log(`registering ${machine.cpus} CPU cores and ${machine.memoryMb} MiB (virtual)`);

      for (;;) {
        const connection = await resolveConnection(given, credentialsPath, {
          signal: early.signal,
          log,
        });
        if (!connection) return;
        log(`server ${connection.serverUrl} (credentials from ${connection.source})`);
        worker = new Worker({
          api: createApi(connection.serverUrl, connection.token),
          machine,
          version: pkg.version,
          pollMs: opts.pollSeconds * 1000,
          drainMs: opts.drainSeconds * 1000,
          killGraceMs: opts.killGraceSeconds * 1000,
          jobEnv: jobBaseEnv(),
          log,
          maxJobs: opts.maxJobs,
          site: opts.site,
          spoolDir: resolve(env.WATTWISE_HOME, 'spool'),
          meter: {
            intervalMs: opts.sampleSeconds * 1000,
            // A two-socket server of 64 cores draws about 100 W idle and 400 W flat out (SPECpower
            // results of recent Xeon and EPYC hosts): 1.5 and 6 W per core.
            idleWPerCore: 1.5,
            maxWPerCore: 6,
            // Virtual GPUs draw what the simulator models for a busy job, and so does the CPU then.
            ...(opts.virtualGpus
              ? {
                  virtual: {
                    gpus: opts.virtualGpus.map(({ index, tdpW, idleW }) => ({
                      index,
                      tdpW,
                      idleW,
                    })),
                    gpuBusyShare: DEFAULT_NODE_POWER.gpuBusyShare,
                    cpuWPerCore: DEFAULT_NODE_POWER.cpuWPerCore,
                  },
                }
              : {}),
          },
        });
        try {
          await worker.run();
          return;
        } catch (err) {
          const fromFile = connection.source === credentialsPath && !given.token;
          if (
            err instanceof WorkerRefusedError &&
            err.failure.code === 'UNAUTHORIZED' &&
            fromFile &&
            !worker.stopped
          ) {
            // The server may be replacing a stale credentials file; read it again shortly.
            log(`${err.message}; reading ${credentialsPath} again in 2 s`);
            worker = null;
            await sleep(2000, early.signal);
            continue;
          }
          throw err;
        }
      }
    },
  );

// Hidden: the worker runs the built-in job kinds (nn-train, simulate) as `exec <kind>` in a child of
// itself, the payload on stdin (see executors/child.ts).
program
  .command('exec <kind>', { hidden: true })
  .description('run one job of a built-in kind in this process; print its result as JSON')
  .option('--payload <file>', 'read the payload from this file (default: stdin)')
  .option(
    '--messages-fd <fd>',
    'write progress and the result as JSON lines to this file descriptor',
    (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 3) throw new InvalidArgumentError('must be a descriptor ≥ 3');
      return n;
    },
  )
  .action(async (kind: string, opts: { payload?: string; messagesFd?: number }) => {
    const { runExec } = await import('./executors/exec');
    process.exit(await runExec(kind, opts));
  });

program.parseAsync().then(
  () => process.exit(0),
  (err: unknown) => {
    log(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
