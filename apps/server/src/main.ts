import { join, resolve } from 'node:path';

import { createDb, DEFAULT_DATA_DIR } from '@wattwise/db/client';
import { billFinishedJob, createScheduler } from '@wattwise/api';
import { jobsWithoutBills, listSites, reapExpiredLeases } from '@wattwise/db';
import { pino } from 'pino';

import { createApp } from './app';
import { bootstrap, ensureLocalCredentials } from './bootstrap';
import { env } from './env';
import { siteRates } from './grid';

const VERSION = '0.1.0';
const logger = pino({ level: env.LOG_LEVEL, base: { service: 'server' } });

async function main() {
  const dbUrl =
    env.DATABASE_URL ??
    `pglite:${join(env.WATTWISE_HOME, DEFAULT_DATA_DIR.replace(/^\.wattwise\//, ''))}`;
  const handle = await createDb(dbUrl);
  await handle.migrate();
  logger.info({ database: handle.location }, 'database ready, migrations applied');
  const { adminToken, seeded } = await bootstrap(handle.db, { seedDemo: env.WATTWISE_SEED_DEMO });
  if (seeded)
    logger.info('seeded demo data: site demo-ashburn, 4 nodes, teams research and inference');

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
  const server = createApp(
    {
      db: handle.db,
      leaseSeconds: env.LEASE_SECONDS,
      version: VERSION,
      dbKind: handle.kind,
      scheduler,
      siteRates,
      log: (message) => logger.warn(message),
    },
    logger,
  );
  await new Promise<void>((ok) => server.listen(env.PORT, env.HOST, ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  const url = `http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${port}`;

  if (env.WATTWISE_SEED_DEMO) {
    const path = resolve(env.WATTWISE_HOME, 'local-credentials.json');
    await ensureLocalCredentials(handle.db, path, url);
    logger.info({ path }, 'local worker, portal and CLI tokens written');
  }
  const lines = [
    `Wattwise server listening on ${url}  (tRPC ${url}/trpc, ${url}/healthz, ${url}/metrics)`,
  ];
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
  const reaper = setInterval(() => {
    reapExpiredLeases(handle.db)
      .then((reaped) => {
        if (reaped.length) logger.info({ reaped }, 'expired leases returned to the queue');
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
