import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from '@wattwise/api';

export type TestServer = {
  url: string;
  home: string;
  workerToken: string;
  adminToken: string;
  admin: ReturnType<typeof client>;
  output(): string;
  stop(): Promise<void>;
};

export function client(url: string, token: string) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${url}/trpc`, headers: { authorization: `Bearer ${token}` } })],
  });
}

/** The built server of the @wattwise/server devDependency. */
function serverMain(): string {
  const pkg = createRequire(import.meta.url).resolve('@wattwise/server/package.json');
  const main = join(dirname(pkg), 'dist/main.js');
  if (!existsSync(main))
    throw new Error(`${main} is missing: run pnpm --filter @wattwise/server build`);
  return main;
}

/** A real server process on a free port with an in-memory PGlite, demo data and local credentials. */
export async function startServer(opts: { leaseSeconds?: number } = {}): Promise<TestServer> {
  const home = mkdtempSync(join(tmpdir(), 'wattwise-cli-test-'));
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [serverMain()], {
    cwd: home,
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      DATABASE_URL: 'pglite:memory:',
      WATTWISE_HOME: home,
      WATTWISE_SEED_DEMO: '1',
      LEASE_SECONDS: String(opts.leaseSeconds ?? 3),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));

  const credsPath = join(home, 'local-credentials.json');
  const deadline = Date.now() + 60_000;
  while (!/listening on/.test(output) || !existsSync(credsPath)) {
    if (child.exitCode !== null)
      throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`server did not start in 60 s:\n${output}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
  const creds = JSON.parse(readFileSync(credsPath, 'utf8')) as {
    serverUrl: string;
    workerToken: string;
    cliToken: string;
  };
  return {
    url: creds.serverUrl,
    home,
    workerToken: creds.workerToken,
    adminToken: creds.cliToken,
    admin: client(creds.serverUrl, creds.cliToken),
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Polls `fn` until it returns something truthy. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

export type CliRun = { code: number | null; stdout: string; stderr: string };

const cliDir = new URL('..', import.meta.url).pathname;

/** Runs the CLI from source (`node --import tsx src/main.ts …`) as a separate process. */
export function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env };
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(cliDir, 'src/main.ts'), ...args],
      {
        cwd: opts.cwd ?? cliDir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
