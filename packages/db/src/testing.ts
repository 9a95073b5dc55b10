import { randomBytes } from 'node:crypto';

import pg from 'pg';

import { createDb, type DbHandle } from './client';

/**
 * A fresh, empty PostgreSQL database on the server named by `adminUrl`, so test files can run in
 * parallel without seeing each other's rows. `drop()` removes it.
 */
export async function createScratchDatabase(
  adminUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `wattwise_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** The database kinds a suite should run against: PGlite always, PostgreSQL when CI provides one. */
export function databaseTargets(
  testDatabaseUrl: string | undefined,
): { name: string; adminUrl?: string }[] {
  return [
    { name: 'pglite' },
    ...(testDatabaseUrl ? [{ name: 'postgres', adminUrl: testDatabaseUrl }] : []),
  ];
}

/** A migrated, empty database of the given kind; `close()` also drops a scratch PostgreSQL database. */
export async function openTestDb(adminUrl?: string): Promise<DbHandle> {
  const scratch = adminUrl ? await createScratchDatabase(adminUrl) : null;
  const handle = await createDb(scratch?.url ?? 'pglite:memory:');
  await handle.migrate();
  if (!scratch) return handle;
  return { ...handle, close: () => handle.close().then(() => scratch.drop()) };
}
