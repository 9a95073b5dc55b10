import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startServerProcess, waitFor } from '@wattwise/server/testing';

import { freePort, startProcess, stopAll } from './support/processes';
import type { Started } from './support/processes';

const e2eDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(e2eDir, '..');
const workerMain = path.join(repoRoot, 'apps/worker/dist/main.js');
const webDir = path.join(repoRoot, 'apps/web');
const nextBin = path.join(webDir, 'node_modules/next/dist/bin/next');

function requireBuilt(file: string, build: string) {
  if (!existsSync(file))
    throw new Error(`${path.relative(repoRoot, file)} is missing: run \`${build}\` first`);
}

/**
 * Starts the built stack on free ports: the server (PGlite in a temporary home, or a scratch
 * database on the PostgreSQL of TEST_DATABASE_URL), one worker with the worker token, and the
 * portal with the portal token. Tests read the URLs from the environment. Returns the teardown,
 * which stops every process group and removes the temporary home and the scratch database.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  requireBuilt(workerMain, 'pnpm --filter @wattwise/worker build');
  requireBuilt(path.join(webDir, '.next/BUILD_ID'), 'pnpm --filter @wattwise/web build');

  const logDir = path.join(e2eDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const server = await startServerProcess({
    postgresAdminUrl: process.env.TEST_DATABASE_URL,
    logFile: path.join(logDir, 'server.log'),
  });
  const started: Started[] = [];
  const teardown = async () => {
    await stopAll(started);
    await server.stop();
  };

  try {
    const baseEnv: NodeJS.ProcessEnv = {
      ...process.env,
      WATTWISE_HOME: server.home,
      NEXT_TELEMETRY_DISABLED: '1',
    };
    delete baseEnv.WATTWISE_TOKEN;
    delete baseEnv.WATTWISE_SERVER_URL;

    started.push(
      startProcess('worker', [workerMain, '--server', server.url, '--token', server.workerToken], {
        cwd: repoRoot,
        logDir,
        env: baseEnv,
      }),
    );

    const webPort = await freePort();
    const webUrl = `http://127.0.0.1:${webPort}`;
    const web = startProcess('web', [nextBin, 'start', '-p', String(webPort), '-H', '127.0.0.1'], {
      cwd: webDir,
      logDir,
      env: { ...baseEnv, WATTWISE_SERVER_URL: server.url, WATTWISE_TOKEN: server.portalToken },
    });
    started.push(web);
    await waitFor('the portal to answer', async () => (await fetch(`${webUrl}/jobs`)).ok, {
      timeoutMs: 60_000,
      intervalMs: 200,
      watched: web,
    });

    process.env.WATTWISE_E2E_WEB_URL = webUrl;
    process.env.WATTWISE_E2E_SERVER_URL = server.url;
    process.env.WATTWISE_E2E_ADMIN_TOKEN = server.cliToken;
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
