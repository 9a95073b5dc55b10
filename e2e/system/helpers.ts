import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { ApiClient, ServerProcess } from '@wattwise/server/testing';
import { apiClient, startServerProcess, waitFor } from '@wattwise/server/testing';

import { startProcess } from '../support/processes';
import type { Started } from '../support/processes';

export { logTail } from '../support/processes';
export { waitFor } from '@wattwise/server/testing';

const e2eDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(e2eDir, '..');
export const workerMain = path.join(repoRoot, 'apps/worker/dist/main.js');
const logDir = path.join(e2eDir, 'logs');

export type SystemServer = ServerProcess & {
  /** An admin client (the CLI token of the local credentials). */
  admin: ApiClient;
  /** A team to submit to. */
  teamId: string;
};

/**
 * Starts the built server (see `startServerProcess`) with its log in e2e/logs/<name>.log, on PGlite,
 * or on a scratch database of its own on the PostgreSQL of TEST_DATABASE_URL when that is set.
 */
export async function startServer(opts: {
  name: string;
  /** LEASE_SECONDS; the server's default when not given. */
  leaseSeconds?: number;
  /** WATTWISE_HOME; a new temporary directory (removed on stop) when not given. */
  home?: string;
  /** Listen on this port (to restart a server where its workers expect it); a free one when not given. */
  port?: number;
  /** An existing database (a restart); otherwise a new one as above. */
  databaseUrl?: string;
}): Promise<SystemServer> {
  const server = await startServerProcess({
    leaseSeconds: opts.leaseSeconds,
    home: opts.home,
    ...(opts.databaseUrl
      ? { databaseUrl: opts.databaseUrl }
      : { postgresAdminUrl: process.env.TEST_DATABASE_URL }),
    ...(opts.port === undefined ? {} : { env: { PORT: String(opts.port) } }),
    logFile: path.join(logDir, `${opts.name}.log`),
  });
  try {
    const admin = apiClient(server.url, server.cliToken);
    const team = (await admin.admin.teams.query()).find((t) => t.name === 'research');
    if (!team) throw new Error('the server has no team "research" to submit jobs to');
    return { ...server, admin, teamId: team.id };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/** A temporary directory to serve as WATTWISE_HOME. */
export function makeHome(): string {
  return mkdtempSync(path.join(tmpdir(), 'wattwise-system-'));
}

/** A child's environment without the caller's Wattwise settings leaking in. */
function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of ['WATTWISE_TOKEN', 'WATTWISE_SERVER_URL', 'DATABASE_URL', 'PORT'])
    if (!(k in extra)) delete env[k];
  return env;
}

export type WorkerProcessOptions = {
  /** WATTWISE_HOME (and cwd) of the worker; the server's home when not given. */
  home?: string;
  /** Options for node itself, before the worker's script (e.g. `--import` of a fixture). */
  nodeArgs?: string[];
};

/** Starts the built worker against `server`, its log in e2e/logs/<name>.log. */
export function startWorker(
  server: SystemServer,
  name: string,
  args: string[] = [],
  opts: WorkerProcessOptions = {},
): Started {
  return startBareWorker(
    opts.home ?? server.home,
    name,
    ['--server', server.url, '--token', server.workerToken, ...args],
    opts.nodeArgs,
  );
}

/** Starts the built worker with only WATTWISE_HOME to go on (plus `args`), as `pnpm start` does. */
export function startBareWorker(
  home: string,
  name: string,
  args: string[] = [],
  nodeArgs: string[] = [],
): Started {
  if (!existsSync(workerMain)) {
    throw new Error(
      `${path.relative(repoRoot, workerMain)} is missing: run \`pnpm --filter @wattwise/worker build\` first`,
    );
  }
  mkdirSync(logDir, { recursive: true });
  // The log opens asynchronously: until it does, the path must not show a previous run's output.
  rmSync(path.join(logDir, `${name}.log`), { force: true });
  return startProcess(name, [...nodeArgs, workerMain, '--poll-seconds', '0.2', ...args], {
    cwd: home,
    logDir,
    env: cleanEnv({ WATTWISE_HOME: home }),
  });
}

/** Resolves with the exit code (or signal) once the child has exited. */
export function exitOf(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Submits a command job to the server's team. */
export async function submitCommand(
  server: SystemServer,
  name: string,
  argv: string[],
): Promise<string> {
  const job = await server.admin.jobs.submit.mutate({
    name,
    kind: 'command',
    payload: { argv },
    teamId: server.teamId,
  });
  return job.id;
}

export function getJob(server: SystemServer, id: string) {
  return server.admin.jobs.get.query({ id });
}

/** Waits until the job is in one of `states`; `watched` is the process whose log explains a failure. */
export function waitForState(
  server: SystemServer,
  id: string,
  states: string[],
  watched: Started,
  timeoutMs = 45_000,
) {
  return waitFor(
    `job ${id} to be ${states.join(' or ')}`,
    async () => {
      const job = await getJob(server, id);
      return states.includes(job.state) ? job : null;
    },
    { timeoutMs, intervalMs: 200, watched },
  );
}

/** Whether a process runs; a zombie (dead, not yet reaped) does not. */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
