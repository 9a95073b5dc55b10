import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { freePort, startProcess, stopAll, waitFor } from './support/processes';
import type { Started } from './support/processes';

const e2eDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(e2eDir, '..');
const serverMain = path.join(repoRoot, 'apps/server/dist/main.js');
const workerMain = path.join(repoRoot, 'apps/worker/dist/main.js');
const webDir = path.join(repoRoot, 'apps/web');
const nextBin = path.join(webDir, 'node_modules/next/dist/bin/next');

type Credentials = {
  serverUrl: string;
  workerToken: string;
  portalToken: string;
  cliToken: string;
};

function requireBuilt(file: string, build: string) {
  if (!existsSync(file))
    throw new Error(`${path.relative(repoRoot, file)} is missing: run \`${build}\` first`);
}

/**
 * Starts the built stack on free ports: the server (in-memory PGlite, or TEST_DATABASE_URL, which
 * must be an empty database so that demo seeding writes the local credentials), one worker with the
 * worker token, and the portal with the portal token. Tests read the URLs from the environment.
 * Returns the teardown, which stops every process group and removes the temporary home.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  requireBuilt(serverMain, 'pnpm --filter @wattwise/server build');
  requireBuilt(workerMain, 'pnpm --filter @wattwise/worker build');
  requireBuilt(path.join(webDir, '.next/BUILD_ID'), 'pnpm --filter @wattwise/web build');

  const home = mkdtempSync(path.join(tmpdir(), 'wattwise-e2e-'));
  const logDir = path.join(e2eDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const started: Started[] = [];
  const teardown = async () => {
    await stopAll(started);
    rmSync(home, { recursive: true, force: true });
  };

  try {
    const baseEnv: NodeJS.ProcessEnv = {
      ...process.env,
      WATTWISE_HOME: home,
      NEXT_TELEMETRY_DISABLED: '1',
    };
    delete baseEnv.WATTWISE_TOKEN;
    delete baseEnv.WATTWISE_SERVER_URL;

    const server = startProcess('server', [serverMain], {
      cwd: repoRoot,
      logDir,
      env: {
        ...baseEnv,
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'pglite:memory:',
        WATTWISE_SEED_DEMO: '1',
      },
    });
    started.push(server);
    // The server writes the credentials, with the URL it listens on, once it is listening.
    const credentialsPath = path.join(home, 'local-credentials.json');
    const creds = await waitFor(
      'the server to write local-credentials.json',
      async () =>
        existsSync(credentialsPath)
          ? (JSON.parse(readFileSync(credentialsPath, 'utf8')) as Credentials)
          : null,
      { timeoutMs: 60_000, watched: server },
    );
    await waitFor(
      '/healthz',
      async () => ((await fetch(`${creds.serverUrl}/healthz`)).ok ? true : null),
      {
        timeoutMs: 30_000,
        watched: server,
      },
    );

    started.push(
      startProcess(
        'worker',
        [workerMain, '--server', creds.serverUrl, '--token', creds.workerToken],
        {
          cwd: repoRoot,
          logDir,
          env: baseEnv,
        },
      ),
    );

    const webPort = await freePort();
    const webUrl = `http://127.0.0.1:${webPort}`;
    const web = startProcess('web', [nextBin, 'start', '-p', String(webPort), '-H', '127.0.0.1'], {
      cwd: webDir,
      logDir,
      env: { ...baseEnv, WATTWISE_SERVER_URL: creds.serverUrl, WATTWISE_TOKEN: creds.portalToken },
    });
    started.push(web);
    await waitFor(
      'the portal to answer',
      async () => ((await fetch(`${webUrl}/jobs`)).ok ? true : null),
      {
        timeoutMs: 60_000,
        watched: web,
      },
    );

    process.env.WATTWISE_E2E_WEB_URL = webUrl;
    process.env.WATTWISE_E2E_SERVER_URL = creds.serverUrl;
    process.env.WATTWISE_E2E_ADMIN_TOKEN = creds.cliToken;
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
