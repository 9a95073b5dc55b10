import { mkdtempSync, rmSync, statSync, unlinkSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createAuth } from '@wattwise/api';
import { listTeams, seedDemo } from '@wattwise/db';
import { createDb } from '@wattwise/db/client';
import type { DbHandle } from '@wattwise/db/client';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createApp } from '../src/app';
import { ensureAuthSecret, ensureLocalCredentials } from '../src/bootstrap';

/** Demo sign-ins written to local-credentials.json, and sign-in mounted on the server's HTTP port. */
describe('demo sign-ins', () => {
  const PORTAL = 'http://localhost:3000';
  let h: DbHandle;
  let home: string;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'wattwise-sign-in-'));
    h = await createDb('pglite:memory:');
    await h.migrate();
    await seedDemo(h.db);
    const auth = createAuth({
      db: h.db,
      secret: ensureAuthSecret(join(home, 'auth-secret')),
      baseURL: PORTAL,
    });
    server = createApp(
      { db: h.db, leaseSeconds: 30, version: 'test', dbKind: h.kind, auth },
      pino({ level: 'silent' }),
    );
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((ok) => server.close(ok));
    await h.close();
    rmSync(home, { recursive: true, force: true });
  });

  const signIn = (email: string, password: string) =>
    fetch(`${base}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: PORTAL },
      body: JSON.stringify({ email, password }),
    }).then((r) => r.status);

  it('keeps the cookie secret in a file only its owner reads, and reuses it', () => {
    const path = join(home, 'auth-secret');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(ensureAuthSecret(path)).toBe(ensureAuthSecret(path));
    expect(ensureAuthSecret(path).length).toBeGreaterThanOrEqual(32);
  });

  it('makes an admin and a member per demo team whose passwords sign in at /api/auth', async () => {
    const path = join(home, 'local-credentials.json');
    const first = await ensureLocalCredentials(h.db, path, 'http://127.0.0.1:1');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect((await listTeams(h.db)).map((t) => t.name).sort()).toEqual(['inference', 'research']);
    expect(first.creds.users.map((u) => [u.email, u.role, u.team])).toEqual([
      ['admin@wattwise.local', 'admin', null],
      ['research@wattwise.local', 'member', 'research'],
      ['inference@wattwise.local', 'member', 'inference'],
    ]);
    // All are new on an empty database: each is shown once.
    expect(first.fresh).toEqual(first.creds.users);
    for (const u of first.creds.users) {
      expect(u.password.length).toBeGreaterThanOrEqual(12);
      expect(await signIn(u.email, u.password)).toBe(200);
    }

    // A restart keeps the passwords and shows none.
    const second = await ensureLocalCredentials(h.db, path, 'http://127.0.0.1:2');
    expect(second.fresh).toEqual([]);
    expect(second.creds.users).toEqual(first.creds.users);
    expect(second.creds.workerToken).toBe(first.creds.workerToken);

    // A lost file: new passwords, shown again; the old ones stop working.
    unlinkSync(path);
    const third = await ensureLocalCredentials(h.db, path, 'http://127.0.0.1:3');
    expect(third.fresh.map((u) => u.email)).toEqual(first.creds.users.map((u) => u.email));
    const admin = (c: typeof first) => c.creds.users.find((u) => u.role === 'admin')!;
    expect(admin(third).password).not.toBe(admin(first).password);
    expect(await signIn(admin(first).email, admin(first).password)).toBe(401);
    expect(await signIn(admin(third).email, admin(third).password)).toBe(200);
  });
});
