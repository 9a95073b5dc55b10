import { join, resolve } from 'node:path';

import { createDb, DEFAULT_DATA_DIR } from '@wattwise/db/client';
import { billFinishedJob, createAuth, createScheduler } from '@wattwise/api';
import { jobsWithoutBills, listSites, reapExpiredLeases } from '@wattwise/db';
import { pino } from 'pino';

import { createApp } from './app';
import { bootstrap, ensureAuthSecret, ensureLocalCredentials } from './bootstrap';
import { env } from './env';
import { siteRates } from './grid';

/** How often finished jobs without a bill are looked for when no lease was reaped. */
const UNBILLED_SWEEP_MS = 30_000;

const VERSION = '0.1.0';
const logger = pino({ level: env.LOG_LEVEL, base: { service: 'server' } });

async function main() {
  const dbUrl =
    env.DATABASE_URL ??
    `pglite:${join(env.WATTWISE_HOME, DEFAULT_DATA_DIR.replace(/^\.wattwise\//, ''))}`;
  const handle = await createDb(dbUrl);
  await handle.migrate();
  logger.info({ database: handle.location }, 'database ready, migrations applied');
  const { adminToken, seeded, history } = await bootstrap(handle.db, {
    seedDemo: env.WATTWISE_SEED_DEMO,
  });
  if (seeded)
    logger.info('seeded demo data: site demo-ashburn, 4 nodes, teams research and inference');
  if (history)
    logger.info(
      { site: history.site.name, window: history.window, counts: history.counts },
      'loaded a simulated month of the Alibaba 2023 cluster as history',
    );

  // Deferral prices the hours ahead at the first site with grid data (sites are few; one in the demo).
  const gridSiteRow = (await listSites(handle.db)).find((s) => s.gridZone);
  const scheduler = createScheduler({
    policy: env.SCHEDULER_POLICY,
    placement: env.SCHEDULER_PLACEMENT,
    deferHours: env.SCHEDULER_DEFER_HOURS,
    carbonPricePerTonne: env.SCHEDULER_CARBON_PRICE,
    site: gridSiteRow ? siteRates(gridSiteRow, Date.now()) : null,
  });
  logger.info(
    {
      policy: env.SCHEDULER_POLICY,
      placement: env.SCHEDULER_PLACEMENT,
      prices: gridSiteRow?.gridZone ?? null,
    },
    'scheduler ready',
  );
  // Sign-in needs a secret for its cookies: the environment's, or in demo mode one kept locally.
  const authSecret =
    env.BETTER_AUTH_SECRET ??
    (env.WATTWISE_SEED_DEMO ? ensureAuthSecret(resolve(env.WATTWISE_HOME, 'auth-secret')) : null);
  const [portalUrl, ...otherPortalUrls] = env.WATTWISE_PORTAL_URL.map((u) => new URL(u).origin);
  const auth = authSecret
    ? createAuth({
        db: handle.db,
        secret: authSecret,
        baseURL: portalUrl!,
        trustedOrigins: otherPortalUrls,
        log: (level, message) => logger[level]({ component: 'auth' }, message),
      })
    : undefined;
  if (auth) logger.info({ portal: env.WATTWISE_PORTAL_URL }, 'sign-in ready');
  else logger.warn('sign-in is off: set BETTER_AUTH_SECRET (API tokens still work)');

  const server = createApp(
    {
      db: handle.db,
      leaseSeconds: env.LEASE_SECONDS,
      version: VERSION,
      dbKind: handle.kind,
      scheduler,
      siteRates,
      log: (message) => logger.warn(message),
      auth,
    },
    logger,
  );
  await new Promise<void>((ok) => server.listen(env.PORT, env.HOST, ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  const url = `http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${port}`;

  const lines: string[] = [];
  if (env.WATTWISE_SEED_DEMO) {
    const path = resolve(env.WATTWISE_HOME, 'local-credentials.json');
    const { fresh } = await ensureLocalCredentials(handle.db, path, url);
    logger.info({ path }, 'local worker and CLI tokens and demo sign-ins written');
    if (fresh.length) {
      lines.push(`Portal sign-ins (new passwords, shown once; also kept in ${path}):`);
      for (const u of fresh)
        lines.push(
          `  ${u.email.padEnd(26)} ${u.password}  (${u.role}${u.team ? `, ${u.team}` : ''})`,
        );
      lines.push('');
    }
  }
  lines.push(
    `Wattwise server listening on ${url}  (tRPC ${url}/trpc, ${url}/healthz, ${url}/metrics)`,
  );
  if (adminToken) {
    lines.push('', 'Admin token (shown once, store it now):', `  ${adminToken}`, '');
  }
  process.stdout.write(lines.join('\n') + '\n');

  // Jobs ended by the reaper (out of attempts) are billed here; so is any job whose billing failed.
  const unbilled = new Set<string>();
  const billMissing = async () => {
    for (const id of await jobsWithoutBills(handle.db)) {
      if (unbilled.has(id)) continue;
      const outcome = await handle.db.transaction((tx) => billFinishedJob(tx, { id }, siteRates));
      if (!outcome.billed) {
        unbilled.add(id);
        logger.warn({ job: id, reason: outcome.reason }, 'job cannot be billed');
      }
    }
  };
  // A reaped job may have ended for good, so its bill is looked for at once; otherwise the sweep
  // (a query over the last day's jobs) has no reason to run every second.
  let lastSweepMs = 0;
  const reaper = setInterval(() => {
    reapExpiredLeases(handle.db)
      .then((reaped) => {
        if (reaped.length) logger.info({ reaped }, 'expired leases returned to the queue');
        if (reaped.length === 0 && Date.now() - lastSweepMs < UNBILLED_SWEEP_MS) return;
        lastSweepMs = Date.now();
        return billMissing();
      })
      .catch((err: unknown) => logger.error({ err }, 'lease reaper failed'));
  }, env.REAP_INTERVAL_MS);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    clearInterval(reaper);
    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish in 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    // Workers keep their connections alive and busy; close() alone would wait for them forever.
    // Answers from now on close their connection, and idle ones are closed as they go idle.
    server.on('request', (_req, res) => {
      if (!res.headersSent) res.setHeader('connection', 'close');
    });
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    server.close(() => {
      clearInterval(idle);
      handle.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'server failed to start');
  process.exit(1);
});
