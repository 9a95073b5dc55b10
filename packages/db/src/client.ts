import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';

import * as schema from './schema';

export type Schema = typeof schema;
/** The common surface of the PGlite and node-postgres drizzle clients. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type DbHandle = {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Where the data lives, without credentials. */
  location: string;
  migrate(): Promise<void>;
  close(): Promise<void>;
};

export const DEFAULT_DATA_DIR = '.wattwise/data';

/**
 * Migrations ship beside the package source (`../drizzle` from src/) and are copied next to a
 * bundled app (`./drizzle` from dist/main.js); take whichever exists.
 */
function migrationsFolder(): string {
  for (const rel of ['../drizzle', './drizzle']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(resolve(dir, 'meta/_journal.json'))) return dir;
  }
  throw new Error('database migrations not found next to @wattwise/db or the bundled app');
}

/**
 * Opens the database named by `url`:
 * - nothing or `pglite:<dir>`: embedded PGlite with its data in `<dir>` (default `.wattwise/data`);
 *   `pglite:memory:` keeps it in memory;
 * - `postgres://…` or `postgresql://…`: a PostgreSQL server through `pg`.
 */
export async function createDb(url?: string): Promise<DbHandle> {
  if (!url || url.startsWith('pglite:')) {
    const dir = url ? url.slice('pglite:'.length) : DEFAULT_DATA_DIR;
    const inMemory = dir === 'memory:' || dir === '';
    if (!inMemory) mkdirSync(dir, { recursive: true });
    const client = inMemory ? new PGlite() : new PGlite(dir);
    await client.waitReady;
    const db = drizzlePglite({ client, schema }) as unknown as Db;
    return {
      db,
      kind: 'pglite',
      location: inMemory ? 'pglite (in memory)' : `pglite:${resolve(dir)}`,
      migrate: () =>
        migratePglite(drizzlePglite({ client, schema }), { migrationsFolder: migrationsFolder() }),
      close: () => client.close(),
    };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle connection the server closes (a restart, an administrator) is an 'error' event on
    // the pool; unhandled, it would end the process. The pool drops that client and opens another
    // for the next query, and a query that fails reports its own error.
    pool.on('error', () => {});
    // Fail now, with the reason, rather than on the first request.
    await pool.query('select 1');
    const db = drizzlePg({ client: pool, schema }) as unknown as Db;
    const parsed = new URL(url);
    return {
      db,
      kind: 'postgres',
      location: `postgres://${parsed.host}${parsed.pathname}`,
      migrate: () =>
        migratePg(drizzlePg({ client: pool, schema }), { migrationsFolder: migrationsFolder() }),
      close: () => pool.end(),
    };
  }
  throw new Error(
    `unsupported database URL "${url.replace(/\/\/[^@]*@/, '//***@')}": use pglite:<dir> or postgres://…`,
  );
}
