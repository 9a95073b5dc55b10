import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from '@wattwise/api';

import { startProcess, stopAll, waitFor } from '../support/processes';
import type { Started } from '../support/processes';

export { freePort, logTail, waitFor } from '../support/processes';

const e2eDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(e2eDir, '..');
export const serverMain = path.join(repoRoot, 'apps/server/dist/main.js');
export const workerMain = path.join(repoRoot, 'apps/worker/dist/main.js');
const logDir = path.join(e2eDir, 'logs');

export type Api = ReturnType<typeof apiClient>;

export function apiClient(url: string, token: string) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${url}/trpc`, headers: { authorization: `Bearer ${token}` } })],
  });
}

function requireBuilt(file: string, pkg: string) {
  mkdirSync(logDir, { recursive: true });
  if (!existsSync(file)) {
    throw new Error(
      `${path.relative(repoRoot, file)} is missing: run \`pnpm --filter ${pkg} build\` first`,
    );
  }
}

export type SystemServer = {
  url: string;
  home: string;
  workerToken: string;
  /** An admin client (the CLI token of the local credentials). */
  admin: Api;
  process: Started;
  /** A team to submit to. */
  teamId: string;
};

/** A child's environment without the caller's Wattwise settings leaking in. */
function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of ['WATTWISE_TOKEN', 'WATTWISE_SERVER_URL', 'DATABASE_URL', 'PORT'])
    if (!(k in extra)) delete env[k];
  return env;
}

/**
 * Starts the built server on a port the OS picks (PORT=0; the URL comes back in
 * local-credentials.json), with PGlite in a temporary directory, or TEST_DATABASE_URL when set
 * (shared: tests then look only at their own jobs), demo data and a short lease.
 */
export async function startServer(opts: {
  name: string;
  leaseSeconds: number;
  /** WATTWISE_HOME; a new temporary directory when not given. */
  home?: string;
}): Promise<SystemServer> {
  requireBuilt(serverMain, '@wattwise/server');
  const home = opts.home ?? makeHome();
  const server = startProcess(opts.name, [serverMain], {
    cwd: home,
    logDir,
    env: cleanEnv({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: process.env.TEST_DATABASE_URL ?? `pglite:${path.join(home, 'data')}`,
      WATTWISE_HOME: home,
      WATTWISE_SEED_DEMO: '1',
      LEASE_SECONDS: String(opts.leaseSeconds),
    }),
  });
  try {
    const credentialsPath = path.join(home, 'local-credentials.json');
    const creds = await waitFor(
      'the server to write local-credentials.json',
      async () =>
        existsSync(credentialsPath)
          ? (JSON.parse(readFileSync(credentialsPath, 'utf8')) as {
              serverUrl: string;
              workerToken: string;
              cliToken: string;
            })
          : null,
      { timeoutMs: 60_000, watched: server },
    );
    const admin = apiClient(creds.serverUrl, creds.cliToken);
    await waitFor(
      'the server to be healthy',
      async () => ((await admin.health.check.query()).ok ? true : null),
      {
        timeoutMs: 30_000,
        watched: server,
      },
    );
    const teams = await admin.admin.teams.query();
    const team = teams.find((t) => t.name === 'research') ?? teams[0];
    if (!team) throw new Error('the server has no team to submit jobs to');
    return {
      url: creds.serverUrl,
      home,
      workerToken: creds.workerToken,
      admin,
      process: server,
      teamId: team.id,
    };
  } catch (err) {
    await stopAll([server]);
    rmSync(home, { recursive: true, force: true });
    throw err;
  }
}

export async function stopServer(server: SystemServer | undefined): Promise<void> {
  if (!server) return;
  await stopAll([server.process]);
  rmSync(server.home, { recursive: true, force: true });
}

/** A temporary directory to serve as WATTWISE_HOME. */
export function makeHome(): string {
  return mkdtempSync(path.join(tmpdir(), 'wattwise-system-'));
}

/** Starts the built worker against `server`, its log in e2e/logs/<name>.log. */
export function startWorker(server: SystemServer, name: string, args: string[] = []): Started {
  return startBareWorker(server.home, name, [
    '--server',
    server.url,
    '--token',
    server.workerToken,
    ...args,
  ]);
}

/** Starts the built worker with only WATTWISE_HOME to go on (plus `args`), as `pnpm start` does. */
export function startBareWorker(home: string, name: string, args: string[] = []): Started {
  requireBuilt(workerMain, '@wattwise/worker');
  return startProcess(name, [workerMain, '--poll-seconds', '0.2', ...args], {
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

/** Submits a command job at top priority (so that on a shared database ours run first). */
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
    priority: 100,
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
    { timeoutMs, watched },
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
