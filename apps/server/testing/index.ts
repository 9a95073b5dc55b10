/**
 * Test support for packages that need a real Wattwise server: `startServerProcess` runs the built
 * bundle (dist/main.js) as a child process on a free port, with demo data, local credentials and
 * the demo users' sign-ins.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import type { WriteStream } from 'node:fs';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from '@wattwise/api';
import { createScratchDatabase } from '@wattwise/db/testing';

/** The built server: `pnpm --filter @wattwise/server build` writes it. */
export const serverMain = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export type ApiClient = ReturnType<typeof apiClient>;

/** A typed tRPC client for the server at `url`, sending `token` as the bearer token. */
export function apiClient(url: string, token: string) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${url}/trpc`, headers: { authorization: `Bearer ${token}` } })],
  });
}

export type ServerProcessOptions = {
  /** LEASE_SECONDS; the server's default when not given. */
  leaseSeconds?: number;
  /** WATTWISE_HOME. Not given: a new temporary directory, removed by `stop()`. A given one is kept. */
  home?: string;
  /** DATABASE_URL. Not given: PGlite in `<home>/data`, or a scratch database with `postgresAdminUrl`. */
  databaseUrl?: string;
  /**
   * A PostgreSQL server to create a fresh scratch database on (see `createScratchDatabase`), used by
   * this server alone and dropped by `stop()`. Undefined or empty: PGlite.
   */
  postgresAdminUrl?: string;
  /**
   * Load the demo month of history (the bundled Alibaba 2023 cluster) on first start, as `pnpm
   * start` does. Off by default, so that servers for tests start in a second.
   */
  demoHistory?: boolean;
  /** WATTWISE_PORTAL_URL: the portal origin(s) sign-in accepts; the server's default otherwise. */
  portalUrl?: string;
  /** More environment for the server process; it wins over the settings above. */
  env?: Record<string, string>;
  /** Also write the server's output to this file (its folder is created). */
  logFile?: string;
  /** How long to wait for the server to listen and write its credentials: 60 s, 180 s with history. */
  startTimeoutMs?: number;
};

export type ServerProcess = {
  /** The base URL, e.g. http://127.0.0.1:43121. */
  url: string;
  /** Its WATTWISE_HOME, holding local-credentials.json. */
  home: string;
  databaseUrl: string;
  /** Tokens from local-credentials.json: a worker token and an admin token. */
  workerToken: string;
  cliToken: string;
  /** Demo sign-ins from local-credentials.json, by `admin` or team name (`research`, `inference`). */
  users: Record<string, DemoUser>;
  child: ChildProcess;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  /** Stops the process group, then removes what was made for it (temporary home, scratch database). */
  stop(): Promise<void>;
};

/** A person who signs in to the portal, with the password the server generated. */
export type DemoUser = {
  email: string;
  password: string;
  role: 'admin' | 'member';
  team: string | null;
};

type LocalCredentials = {
  serverUrl: string;
  workerToken: string;
  cliToken: string;
  users: DemoUser[];
};

/**
 * Starts the built server with PORT=0 on 127.0.0.1, demo data and local credentials; resolves once
 * it listens and has written local-credentials.json. Fails early, with its output, if it exits.
 */
export async function startServerProcess(opts: ServerProcessOptions = {}): Promise<ServerProcess> {
  if (!existsSync(serverMain)) {
    throw new Error(`${serverMain} is missing: run \`pnpm --filter @wattwise/server build\` first`);
  }
  if (opts.databaseUrl && opts.postgresAdminUrl) {
    throw new Error('give databaseUrl or postgresAdminUrl, not both');
  }

  const ownHome = opts.home === undefined;
  const home = opts.home ?? mkdtempSync(join(tmpdir(), 'wattwise-server-'));
  let scratch: { url: string; drop(): Promise<void> } | undefined;
  let server: Started | undefined;
  const stop = once(async () => {
    if (server) await server.stop();
    if (scratch) await scratch.drop();
    if (ownHome) rmSync(home, { recursive: true, force: true });
  });

  try {
    if (opts.postgresAdminUrl) scratch = await createScratchDatabase(opts.postgresAdminUrl);
    const databaseUrl = opts.databaseUrl ?? scratch?.url ?? `pglite:${join(home, 'data')}`;
    server = startNode([serverMain], {
      cwd: home,
      logFile: opts.logFile,
      env: {
        // The harness passes its PATH on, and nothing else of its environment.
        ...(process.env.PATH ? { PATH: process.env.PATH } : {}),
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: databaseUrl,
        WATTWISE_HOME: home,
        WATTWISE_SEED_DEMO: '1',
        WATTWISE_DEMO_HISTORY: opts.demoHistory ? '1' : '0',
        LOG_LEVEL: 'warn',
        ...(opts.leaseSeconds === undefined ? {} : { LEASE_SECONDS: String(opts.leaseSeconds) }),
        ...(opts.portalUrl === undefined ? {} : { WATTWISE_PORTAL_URL: opts.portalUrl }),
        ...opts.env,
      },
    });

    // The server writes the credentials (with the URL it listens on) before it says it listens.
    const credentialsPath = join(home, 'local-credentials.json');
    const { output } = server;
    const creds = await waitFor(
      'it to listen and write local-credentials.json',
      async () =>
        /listening on/.test(output()) && existsSync(credentialsPath)
          ? (JSON.parse(readFileSync(credentialsPath, 'utf8')) as LocalCredentials)
          : null,
      {
        // The history takes tens of seconds on a busy machine.
        timeoutMs: opts.startTimeoutMs ?? (opts.demoHistory ? 180_000 : 60_000),
        watched: { ...server, name: 'the server' },
      },
    );

    return {
      url: creds.serverUrl,
      home,
      databaseUrl,
      workerToken: creds.workerToken,
      cliToken: creds.cliToken,
      users: Object.fromEntries(creds.users.map((u) => [u.team ?? 'admin', u])),
      child: server.child,
      output,
      stop,
    };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}

type Started = { child: ChildProcess; output(): string; stop(): Promise<void> };

/** `node <args>` in a process group of its own, its output kept (and written to `logFile`). */
function startNode(
  args: string[],
  opts: { cwd: string; env: Record<string, string>; logFile?: string },
): Started {
  let log: WriteStream | undefined;
  if (opts.logFile) {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    log = createWriteStream(opts.logFile);
  }
  let output = '';
  // detached: a new process group, so that stopping reaches anything the server spawned too.
  const child = spawn(process.execPath, args, {
    cwd: opts.cwd,
    env: opts.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (d: Buffer) => {
      output += d.toString();
      log?.write(d);
    });
  }
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.once('error', (err) => (output += `cannot start node: ${err.message}\n`));
  // Should the caller exit without stopping it, take the server down too.
  const onExit = () => signalGroup(child, 'SIGKILL');
  process.once('exit', onExit);
  return {
    child,
    output: () => output,
    stop: once(async () => {
      process.removeListener('exit', onExit);
      await stopProcessGroup(child);
      if (child.pid !== undefined) await closed;
      if (log) await new Promise<void>((resolve) => log.end(resolve));
    }),
  };
}

/** Whether the process has exited, or never started (no pid). */
function exited(child: ChildProcess): boolean {
  return child.pid === undefined || child.exitCode !== null || child.signalCode !== null;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/**
 * SIGTERM to the process group that `child` (spawned with `detached: true`) leads, SIGKILL after
 * `graceMs` if it has not exited; once it has, SIGKILL to whatever of its group is left.
 */
export async function stopProcessGroup(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (!exited(child)) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      signalGroup(child, 'SIGTERM');
    });
  }
  // Children of the leader (if any) may outlive it.
  signalGroup(child, 'SIGKILL');
}

/** A process `waitFor` watches: it fails early, with the output, when the process exits. */
export type Watched = { name?: string; child: ChildProcess; output(): string };

function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Polls `probe` until it returns something truthy, and returns that. A probe that throws counts as
 * not yet (the last error is reported on timeout). With `watched`, fails as soon as that process
 * exits, with the end of its output.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  opts: { timeoutMs?: number; intervalMs?: number; watched?: Watched } = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    const { watched } = opts;
    if (watched && exited(watched.child)) {
      const { exitCode, signalCode } = watched.child;
      const how = signalCode ? `signal ${signalCode}` : `code ${exitCode}`;
      throw new Error(
        `${watched.name ?? 'the process'} exited (${how}) while waiting for ${what}:\n${tail(watched.output())}`,
      );
    }
    if (Date.now() > deadline) {
      const reasons = [
        lastError === undefined ? '' : `\nlast error: ${String(lastError)}`,
        watched ? `\n${tail(watched.output())}` : '',
      ];
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reasons.join('')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 100));
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
