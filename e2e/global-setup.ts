import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { request } from '@playwright/test';
import { startServerProcess, waitFor } from '@wattwise/server/testing';
import type { DemoUser } from '@wattwise/server/testing';

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
 * Signs each demo user in through the portal's sign-in route, as the browser's form does, and keeps
 * the session cookie as a Playwright storage state: `<dir>/<admin|team>.json`.
 */
async function signInDemoUsers(webUrl: string, users: Record<string, DemoUser>, dir: string) {
  mkdirSync(dir, { recursive: true });
  for (const [who, user] of Object.entries(users)) {
    const context = await request.newContext({
      baseURL: webUrl,
      extraHTTPHeaders: { origin: webUrl },
    });
    try {
      const res = await context.post('/api/auth/sign-in/email', {
        data: { email: user.email, password: user.password },
      });
      if (!res.ok())
        throw new Error(`signing in ${user.email}: HTTP ${res.status()} ${await res.text()}`);
      await context.storageState({ path: path.join(dir, `${who}.json`) });
    } finally {
      await context.dispose();
    }
  }
}

/**
 * Starts the built stack on free ports: the server (PGlite in a temporary home, or a scratch
 * database on the PostgreSQL of TEST_DATABASE_URL), one worker with the worker token, and the
 * portal, which holds no token: pages act for whoever signed in. The demo users are signed in
 * once here (storage states in the temporary home) for the fixtures. Tests read the URLs from the
 * environment. Returns the teardown, which stops every process group and removes the temporary
 * home and the scratch database.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  requireBuilt(workerMain, 'pnpm --filter @wattwise/worker build');
  requireBuilt(path.join(webDir, '.next/BUILD_ID'), 'pnpm --filter @wattwise/web build');

  const logDir = path.join(e2eDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  // The portal's address is the origin sign-in accepts, so the server has to know it first.
  const webPort = await freePort();
  const webUrl = `http://127.0.0.1:${webPort}`;
  const server = await startServerProcess({
    postgresAdminUrl: process.env.TEST_DATABASE_URL,
    logFile: path.join(logDir, 'server.log'),
    portalUrl: webUrl,
    // The pages are tested at real size: a month of the Alibaba 2023 cluster as history.
    demoHistory: true,
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
      startProcess(
        'worker',
        // History adds a second site, so the worker says which one it is at.
        [
          workerMain,
          '--server',
          server.url,
          '--token',
          server.workerToken,
          '--site',
          'demo-ashburn',
        ],
        {
          cwd: repoRoot,
          logDir,
          env: baseEnv,
        },
      ),
    );

    const web = startProcess('web', [nextBin, 'start', '-p', String(webPort), '-H', '127.0.0.1'], {
      cwd: webDir,
      logDir,
      env: { ...baseEnv, WATTWISE_SERVER_URL: server.url },
    });
    started.push(web);
    await waitFor('the portal to answer', async () => (await fetch(`${webUrl}/sign-in`)).ok, {
      timeoutMs: 60_000,
      intervalMs: 200,
      watched: web,
    });
    const authDir = path.join(server.home, 'e2e-sign-ins');
    await signInDemoUsers(webUrl, server.users, authDir);

    process.env.WATTWISE_E2E_WEB_URL = webUrl;
    process.env.WATTWISE_E2E_AUTH_DIR = authDir;
    process.env.WATTWISE_E2E_USERS = JSON.stringify(server.users);
    process.env.WATTWISE_E2E_SERVER_URL = server.url;
    process.env.WATTWISE_E2E_ADMIN_TOKEN = server.cliToken;
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
