import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';

import pkg from '../package.json' with { type: 'json' };
import { formatDoctor, runDoctor } from './commands/doctor';
import {
  formatBill,
  formatJob,
  formatJobTable,
  JOB_STATES,
  listJobs,
  submitJob,
} from './commands/jobs';
import { registerEstimateCommand } from './commands/estimate';
import { registerHistoryCommand } from './commands/history';
import { registerNnCommand } from './commands/nn';
import { registerReplayCommand } from './commands/replay';
import { registerSimulateCommand } from './commands/simulate';
import type { ConnectionOptions } from './connection';
import {
  connectionOptions,
  createApi,
  describeCallError,
  serverOption,
  serverUrl,
  token,
} from './connection';
import { CliError } from './errors';

function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

function positiveSeconds(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
      throw new InvalidArgumentError(`${name} must be a number of seconds above 0`);
    }
    return n;
  };
}

function gpuCount(value: string) {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 64) || (n > 1 && !Number.isInteger(n))) {
    throw new InvalidArgumentError('--gpus must be whole GPUs (0-64) or a share of one (0.5)');
  }
  return n;
}

function cores(value: string) {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1024)) {
    throw new InvalidArgumentError('--cpu must be cores from 0 to 1024 (0.5 for half a core)');
  }
  return n;
}

function instant(name: string) {
  return (value: string) => {
    const ms = Date.parse(value);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value) || Number.isNaN(ms)) {
      throw new InvalidArgumentError(`${name} must be an ISO time such as 2026-12-01T02:00:00Z`);
    }
    return new Date(ms).toISOString();
  };
}

function envPair(value: string, previous: Record<string, string> = {}) {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('--env must look like NAME=value');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

function out(text: string) {
  process.stdout.write(text);
}

/** Runs a server call; its failure becomes a one-line CliError. */
async function call<T>(url: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(describeCallError(err, url));
  }
}

export function buildProgram(): Command {
  const program = new Command()
    .name('wattwise')
    .description(
      'Wattwise from the command line: check this machine, run jobs, estimate costs, simulate schedules, inspect networks.',
    )
    .version(pkg.version)
    // Bad usage is exit 2 with one line on stderr; commander's own messages are folded onto one line.
    .exitOverride()
    .configureOutput({
      outputError: (message, write) => write(`${message.trim().replace(/\s*\n\s*/g, ' ')}\n`),
    });

  serverOption(
    program
      .command('doctor')
      .description('check Node.js, the server and its database, GPUs and TensorFlow.js backends')
      .option('--json', 'print one JSON object instead of a checklist'),
  ).action(async (opts: ConnectionOptions & { json?: boolean }) => {
    const report = await runDoctor(opts);
    out(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatDoctor(report));
    if (!report.ok) process.exitCode = 1;
  });

  const jobs = program.command('jobs').description('submit and list jobs');

  connectionOptions(
    jobs
      .command('submit')
      .description(
        'submit a command job: wattwise jobs submit --name N [options] -- <program> [args...]',
      )
      // Checked in the action rather than as a required option, so that a misspelt option is
      // reported as such instead of as a missing --name.
      .option('--name <name>', 'job name (required)')
      .option('--team <team>', 'team name or id (required with an admin token)')
      .option(
        '--timeout <seconds>',
        'stop the job after this many seconds',
        positiveSeconds('--timeout'),
      )
      .option(
        '--max-attempts <n>',
        'attempts before the job fails for good (1-100)',
        integer('--max-attempts', 1, 100),
      )
      .option('--priority <n>', 'higher runs first (-100 to 100)', integer('--priority', -100, 100))
      .option('--env <NAME=value>', 'environment variable for the job (repeatable)', envPair)
      .option('--cwd <dir>', 'working directory on the worker')
      .option('--gpus <n>', 'GPUs it needs: whole ones, or a share of one (0.5)', gpuCount)
      .option('--cpu <cores>', 'CPU cores it needs', cores)
      .option('--memory <MiB>', 'memory it needs, MiB', integer('--memory', 0, 64 * 1024 * 1024))
      .option('--gpu-model <models>', 'GPU models it may run on, "H100|A100"')
      .option(
        '--expected <seconds>',
        'how long it should run: lets the scheduler backfill and defer it',
        positiveSeconds('--expected'),
      )
      .option('--earliest <time>', 'do not start before this ISO time', instant('--earliest'))
      .option(
        '--deadline <time>',
        'finish by this ISO time (may be deferred until then)',
        instant('--deadline'),
      )
      .option('--json', 'print the submitted job as JSON')
      .argument('<argv...>', 'the program and its arguments, after --'),
  ).action(
    async (
      argv: string[],
      opts: ConnectionOptions & Partial<Parameters<typeof submitJob>[2]> & { json?: boolean },
      cmd: Command,
    ) => {
      if (!opts.name) {
        cmd.error("error: required option '--name <name>' not specified", {
          exitCode: 2,
          code: 'commander.missingMandatoryOptionValue',
        });
      }
      const name = opts.name;
      const url = serverUrl(opts);
      const api = createApi(url, token(opts));
      const job = await call(url, async () => {
        try {
          return await submitJob(api, argv, { ...opts, name });
        } catch (err) {
          if (!opts.team && /teamId: required/.test(describeCallError(err, url))) {
            const teams = await api.admin.teams.query().catch(() => []);
            throw new CliError(
              `--team is required with an admin token (teams: ${teams.map((t) => t.name).join(', ') || 'none'})`,
            );
          }
          throw err;
        }
      });
      out(
        opts.json
          ? JSON.stringify(job, null, 2) + '\n'
          : `submitted ${job.id} "${job.name}" (${job.state})\n`,
      );
    },
  );

  connectionOptions(
    jobs
      .command('list')
      .description('list jobs, newest first')
      .addOption(new Option('--state <state>', 'only jobs in this state').choices(JOB_STATES))
      .option('--limit <n>', 'how many (1-500)', integer('--limit', 1, 500), 20)
      .option('--json', 'print {items, total} as JSON'),
  ).action(
    async (opts: ConnectionOptions & Parameters<typeof listJobs>[1] & { json?: boolean }) => {
      const url = serverUrl(opts);
      const api = createApi(url, token(opts));
      const list = await call(url, () => listJobs(api, opts));
      if (opts.json) return out(JSON.stringify(list, null, 2) + '\n');
      const teams = await call(url, () => api.admin.teams.query());
      out(formatJobTable(list, new Map(teams.map((t) => [t.id, t.name]))));
    },
  );

  connectionOptions(
    jobs
      .command('show')
      .description('a job: state, why it waits, its attempts and where they ran')
      .argument('<id>', 'job id')
      .option('--json', 'print the job as JSON'),
  ).action(async (id: string, opts: ConnectionOptions & { json?: boolean }) => {
    const url = serverUrl(opts);
    const api = createApi(url, token(opts));
    const job = await call(url, () => api.jobs.get.query({ id }));
    out(opts.json ? JSON.stringify(job, null, 2) + '\n' : formatJob(job));
  });

  connectionOptions(
    jobs
      .command('bill')
      .description("a finished job's bill: five parts, each with its formula and inputs")
      .argument('<id>', 'job id')
      .option('--json', 'print the bill as JSON'),
  ).action(async (id: string, opts: ConnectionOptions & { json?: boolean }) => {
    const url = serverUrl(opts);
    const api = createApi(url, token(opts));
    const bill = await call(url, () => api.jobs.bill.query({ id }));
    if (!bill) {
      const job = await call(url, () => api.jobs.get.query({ id }));
      throw new CliError(
        `job ${id} has no bill: it is ${job.state}${job.attempts === 0 ? ' and never ran' : ''}`,
      );
    }
    out(opts.json ? JSON.stringify(bill, null, 2) + '\n' : formatBill(bill));
  });

  connectionOptions(
    jobs
      .command('cancel')
      .description('cancel a job: a queued one at once, a running one at its next heartbeat')
      .argument('<id>', 'job id'),
  ).action(async (id: string, opts: ConnectionOptions) => {
    const url = serverUrl(opts);
    const api = createApi(url, token(opts));
    const job = await call(url, () => api.jobs.cancel.mutate({ id }));
    out(
      job.state === 'running'
        ? `cancel requested for ${id}: its worker stops it within seconds\n`
        : `${id} is ${job.state}\n`,
    );
  });

  registerEstimateCommand(program);
  registerNnCommand(program);
  registerSimulateCommand(program);
  registerReplayCommand(program);
  registerHistoryCommand(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version end the same way, with exit code 0; anything else is bad usage.
      return err.exitCode === 0 ? 0 : 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`error: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
