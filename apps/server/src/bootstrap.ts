import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { authenticate, createToken, ensureAdminToken, seedDemo } from '@wattwise/db';
import type { Db } from '@wattwise/db';

export type LocalCredentials = {
  serverUrl: string;
  workerToken: string;
  portalToken: string;
  cliToken: string;
};

async function stillValid(db: Db, creds: LocalCredentials): Promise<boolean> {
  const [w, p, c] = await Promise.all(
    [creds.workerToken, creds.portalToken, creds.cliToken].map((t) => authenticate(db, t)),
  );
  return w?.role === 'worker' && p?.role === 'admin' && c?.role === 'admin';
}

/**
 * Tokens for the local worker, portal and CLI, kept in a file only the owner can read, so that
 * `pnpm start` and `pnpm wattwise` work without copying secrets. Reused while they still work.
 */
export async function ensureLocalCredentials(
  db: Db,
  path: string,
  serverUrl: string,
): Promise<LocalCredentials> {
  if (existsSync(path)) {
    const existing = JSON.parse(readFileSync(path, 'utf8')) as LocalCredentials;
    if (await stillValid(db, existing)) {
      const creds = { ...existing, serverUrl };
      writeFileSync(path, JSON.stringify(creds, null, 2) + '\n', { mode: 0o600 });
      return creds;
    }
  }
  const creds: LocalCredentials = {
    serverUrl,
    workerToken: (await createToken(db, { name: 'local worker', role: 'worker' })).secret,
    portalToken: (await createToken(db, { name: 'local portal', role: 'admin' })).secret,
    cliToken: (await createToken(db, { name: 'local cli', role: 'admin' })).secret,
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(creds, null, 2) + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
  return creds;
}

/** First-start work on a migrated database: the admin token (returned once) and demo data. */
export async function bootstrap(db: Db, opts: { seedDemo: boolean }) {
  const adminToken = await ensureAdminToken(db);
  const seeded = opts.seedDemo ? await seedDemo(db) : false;
  return { adminToken, seeded };
}
