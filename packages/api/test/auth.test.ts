import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { eq, findUserByEmail, listTeams, seedDemo, submitJob } from '@wattwise/db';
import type { DbHandle } from '@wattwise/db/client';
import { accounts, jobs, users } from '@wattwise/db/schema';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { authRequestHandler, createAuth, createPasswordUser, verifyPassword } from '../src/auth';
import { appRouter } from '../src/root';
import { createContext } from '../src/trpc';
import type { ApiDeps } from '../src/trpc';
import { describeEachDatabase, openTestDb, testDeps, tokenSecret } from './helpers';

/**
 * Sign-in through better-auth's real handler over HTTP, and the API acting for the signed-in user:
 * the same server shape as apps/server (auth at /api/auth/*, tRPC at /trpc/*), on a free port.
 */
describeEachDatabase('sign-in', (adminUrl) => {
  // The portal's address: requests from a browser carry it as their Origin.
  const PORTAL = 'http://portal.test:3000';
  let h: DbHandle;
  let server: http.Server;
  let base: string;
  let deps: ApiDeps;
  const teams: Record<string, string> = {};
  const password = { admin: 'admin password 1', research: 'research pass 12' };
  let adminToken: string;
  let researchToken: string;
  const jobIds = { research: [] as string[], inference: [] as string[] };

  beforeAll(async () => {
    h = await openTestDb(adminUrl);
    await seedDemo(h.db);
    for (const t of await listTeams(h.db)) teams[t.name] = t.id;
    adminToken = await tokenSecret(h.db, 'a', 'admin');
    researchToken = await tokenSecret(h.db, 'r', 'member', teams.research);
    await createPasswordUser(h.db, {
      email: 'Admin@Example.test',
      name: 'Ada Admin',
      role: 'admin',
      teamId: null,
      password: password.admin,
    });
    for (const team of ['research', 'inference'] as const)
      for (let i = 0; i < (team === 'research' ? 2 : 3); i++)
        jobIds[team].push(
          (
            await submitJob(h.db, {
              teamId: teams[team]!,
              name: `${team} ${i}`,
              kind: 'command',
              payload: { argv: ['true'] },
            })
          ).id,
        );

    const auth = createAuth({
      db: h.db,
      secret: 'x'.repeat(16) + 'y'.repeat(16),
      baseURL: PORTAL,
    });
    deps = testDeps(h, { auth });
    const trpc = createHTTPHandler({
      router: appRouter,
      basePath: '/trpc/',
      createContext: ({ req }) =>
        createContext(deps, req.headers.authorization, req.headers.cookie),
    });
    const authHandler = authRequestHandler(auth);
    server = http.createServer((req, res) => {
      if (req.url?.startsWith('/trpc/')) return trpc(req, res);
      if (req.url?.startsWith('/api/auth/')) return void authHandler(req, res);
      res.writeHead(404).end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((ok) => server.close(ok));
    await h.close();
  });

  /** A POST to the auth handler as the portal forwards a browser's: JSON, with the portal's Origin. */
  const authPost = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/auth/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: PORTAL, ...headers },
      body: JSON.stringify(body),
    });

  /** Signs in; the `name=value` pairs of the cookies set, as a browser would send them back. */
  const signIn = async (email: string, pw: string) => {
    const res = await authPost('sign-in/email', { email, password: pw });
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!)
      .join('; ');
    return { status: res.status, cookie, body: (await res.json()) as Record<string, unknown> };
  };

  /** A tRPC call over HTTP with a cookie or a bearer token: its status and data (or error). */
  const call = async (
    procedure: string,
    input: unknown,
    as: { cookie?: string; token?: string },
    method: 'GET' | 'POST' = 'GET',
  ) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (as.cookie) headers.cookie = as.cookie;
    if (as.token) headers.authorization = `Bearer ${as.token}`;
    const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    const res =
      method === 'GET'
        ? await fetch(`${base}/trpc/${procedure}${query}`, { headers })
        : await fetch(`${base}/trpc/${procedure}`, {
            method,
            headers,
            body: JSON.stringify(input ?? {}),
          });
    const body = (await res.json()) as {
      result?: { data: unknown };
      error?: { message: string };
    };
    return { status: res.status, data: body.result?.data, error: body.error?.message };
  };

  let adminCookie: string;
  let researchCookie: string;
  let researchUserId: string;

  it('signs a user in with the right password, sets an HTTP-only session cookie', async () => {
    // Emails are matched as typed by people: in any case.
    const admin = await signIn('admin@example.test', password.admin);
    expect(admin.status).toBe(200);
    expect(admin.cookie).toMatch(/^wattwise\.session_token=[^;]+$/);
    const res = await authPost('sign-in/email', {
      email: 'admin@example.test',
      password: password.admin,
    });
    const setCookie = res.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    // The portal here is plain http, so the cookie cannot be Secure (the browser would drop it).
    expect(setCookie).not.toMatch(/Secure/);
    adminCookie = admin.cookie;
  });

  it('refuses a wrong password and an unknown email alike, without a session', async () => {
    const wrong = await signIn('admin@example.test', 'not the password');
    const unknown = await signIn('nobody@example.test', password.admin);
    for (const r of [wrong, unknown]) {
      expect(r.status).toBe(401);
      expect(r.cookie).toBe('');
      expect(r.body.message).toBe('Invalid email or password');
    }
  });

  it('refuses sign-in from a page on another origin', async () => {
    const res = await authPost(
      'sign-in/email',
      { email: 'admin@example.test', password: password.admin },
      { origin: 'http://evil.test', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' },
    );
    expect(res.status).toBe(403);
    expect(((await res.json()) as { message: string }).message).toBe('Invalid origin');
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('has no public sign-up', async () => {
    const res = await authPost('sign-up/email', {
      email: 'mallory@example.test',
      password: 'a long enough password',
      name: 'Mallory',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('EMAIL_PASSWORD_SIGN_UP_DISABLED');
    expect(await findUserByEmail(h.db, 'mallory@example.test')).toBeNull();
  });

  it('lets an admin create a member, naming each bad field; the member then signs in', async () => {
    const member = {
      email: 'rita@example.test',
      name: 'Rita Research',
      role: 'member',
      teamId: teams.research,
      password: password.research,
    };
    /** `users.create` as the holder of `cookie` (the admin unless given). */
    const create = (user: Record<string, unknown>, cookie = adminCookie) =>
      call('users.create', user, { cookie }, 'POST');
    const short = await create({ ...member, password: 'elevenchars' });
    expect(short.status).toBe(400);
    expect(short.error).toMatch(/password: .*12/);
    const teamless = await create({ ...member, teamId: undefined });
    expect(teamless.status).toBe(400);
    expect(teamless.error).toMatch(/teamId: a member needs a team/);
    const noTeam = await create({ ...member, teamId: 'team_nope' });
    expect(noTeam.status).toBe(400);
    expect(noTeam.error).toBe('teamId: no team team_nope');

    const created = await create(member);
    expect(created.status).toBe(200);
    expect(created.data).toMatchObject({
      email: 'rita@example.test',
      role: 'member',
      teamId: teams.research,
      teamName: 'research',
    });
    researchUserId = (created.data as { id: string }).id;
    // Only a hash is stored, and the same one better-auth's own verifier accepts.
    const [account] = await h.db.select().from(accounts).where(eq(accounts.userId, researchUserId));
    expect(account!.password).not.toContain(password.research);
    expect(await verifyPassword({ hash: account!.password!, password: password.research })).toBe(
      true,
    );
    const again = await create({ ...member, email: 'RITA@example.test' });
    expect(again.status).toBe(409);
    expect(again.error).toBe('email: rita@example.test is already a user');

    const signedIn = await signIn(member.email, member.password);
    expect(signedIn.status).toBe(200);
    researchCookie = signedIn.cookie;

    // Members and programs with member tokens may not make users, nor list them.
    expect((await create({ ...member, email: 'x@example.test' }, researchCookie)).status).toBe(403);
    expect((await call('users.list', undefined, { token: researchToken })).status).toBe(403);
    const listed = await call('users.list', undefined, { cookie: adminCookie });
    expect((listed.data as { email: string }[]).map((u) => u.email)).toEqual([
      'admin@example.test',
      'rita@example.test',
    ]);
  });

  it('turns the session cookie into a principal with the user’s role and team', async () => {
    const ctx = await createContext(deps, undefined, researchCookie);
    expect(ctx.principal).toEqual({
      tokenId: null,
      userId: researchUserId,
      email: 'rita@example.test',
      role: 'member',
      teamId: teams.research,
      name: 'Rita Research',
    });
    const me = await call('users.me', undefined, { cookie: researchCookie });
    expect(me.data).toEqual({
      kind: 'user',
      id: researchUserId,
      name: 'Rita Research',
      email: 'rita@example.test',
      role: 'member',
      teamId: teams.research,
      teamName: 'research',
    });
  });

  it("shows a signed-in member only their team's jobs, and refuses another team's", async () => {
    const list = await call('jobs.list', { limit: 500 }, { cookie: researchCookie });
    expect(list.status).toBe(200);
    const items = (list.data as { items: { id: string; teamId: string }[] }).items;
    expect(items.map((j) => j.id).sort()).toEqual([...jobIds.research].sort());
    expect(
      (await call('jobs.list', { teamId: teams.inference }, { cookie: researchCookie })).status,
    ).toBe(403);

    const theirs = jobIds.inference[0]!;
    for (const p of ['jobs.get', 'jobs.bill', 'jobs.telemetry']) {
      const r = await call(p, { id: theirs }, { cookie: researchCookie });
      expect([p, r.status]).toEqual([p, 403]);
      expect(r.data).toBeUndefined();
    }
    expect(
      (await call('jobs.cancel', { id: theirs }, { cookie: researchCookie }, 'POST')).status,
    ).toBe(403);
    const [after] = await h.db.select().from(jobs).where(eq(jobs.id, theirs));
    expect(after!.state).toBe('queued');

    // Their own team's job: readable and cancellable.
    const own = jobIds.research[0]!;
    expect((await call('jobs.get', { id: own }, { cookie: researchCookie })).status).toBe(200);
    expect((await call('jobs.bill', { id: own }, { cookie: researchCookie })).data).toBeNull();
    const cancelled = await call('jobs.cancel', { id: own }, { cookie: researchCookie }, 'POST');
    expect((cancelled.data as { state: string }).state).toBe('cancelled');

    // What they submit is filed under their team, whatever team they name.
    const submitted = await call(
      'jobs.submit',
      { name: 'mine', kind: 'command', payload: { argv: ['true'] } },
      { cookie: researchCookie },
      'POST',
    );
    expect((submitted.data as { teamId: string }).teamId).toBe(teams.research);
    jobIds.research.push((submitted.data as { id: string }).id);
    const elsewhere = await call(
      'jobs.submit',
      { name: 'theirs', kind: 'command', teamId: teams.inference, payload: { argv: ['true'] } },
      { cookie: researchCookie },
      'POST',
    );
    expect(elsewhere.status).toBe(403);

    // The teams they may pick from: their own only.
    const picks = await call('admin.teams', undefined, { cookie: researchCookie });
    expect((picks.data as { id: string }[]).map((t) => t.id)).toEqual([teams.research]);
  });

  it('shows a signed-in admin every team', async () => {
    const list = await call('jobs.list', { limit: 500 }, { cookie: adminCookie });
    const ids = (list.data as { items: { id: string }[] }).items.map((j) => j.id).sort();
    expect(ids).toEqual([...jobIds.research, ...jobIds.inference].sort());
    const picks = await call('admin.teams', undefined, { cookie: adminCookie });
    expect((picks.data as { id: string }[]).map((t) => t.id)).toEqual(
      expect.arrayContaining([teams.research, teams.inference]),
    );
    expect(
      (await call('jobs.get', { id: jobIds.inference[0] }, { cookie: adminCookie })).status,
    ).toBe(200);
  });

  it('does not let a user change their own role or team', async () => {
    for (const change of [{ role: 'admin' }, { teamId: teams.inference }]) {
      const res = await authPost('update-user', change, { cookie: researchCookie });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(
        /^(role|teamId) is not allowed to be set$/,
      );
    }
    const [row] = await h.db.select().from(users).where(eq(users.id, researchUserId));
    expect(row).toMatchObject({ role: 'member', teamId: teams.research });
  });

  it('answers 401 without a session, with a forged cookie, and after sign-out', async () => {
    expect((await call('jobs.list', undefined, {})).status).toBe(401);
    expect((await call('users.me', undefined, {})).status).toBe(401);
    const forged = researchCookie.replace(/=([^.]+)\./, '=forged.');
    expect((await call('jobs.list', undefined, { cookie: forged })).status).toBe(401);

    const { cookie } = await signIn('rita@example.test', password.research);
    expect((await call('jobs.list', undefined, { cookie })).status).toBe(200);
    const out = await authPost('sign-out', {}, { cookie });
    expect(out.status).toBe(200);
    expect((await call('jobs.list', undefined, { cookie })).status).toBe(401);
    // Signing out one session leaves the user's others alone.
    expect((await call('jobs.list', undefined, { cookie: researchCookie })).status).toBe(200);
  });

  it('keeps API tokens working as before; a token, good or bad, wins over a cookie', async () => {
    const asToken = await call('jobs.list', { limit: 500 }, { token: researchToken });
    const ids = (asToken.data as { items: { id: string }[] }).items.map((j) => j.id).sort();
    expect(ids).toEqual([...jobIds.research].sort());
    expect((await call('jobs.list', undefined, { token: adminToken })).status).toBe(200);
    const me = await call('users.me', undefined, { token: researchToken });
    expect(me.data).toMatchObject({
      kind: 'token',
      role: 'member',
      teamName: 'research',
      email: null,
    });
    // A bad token is refused even beside a good session cookie.
    expect(
      (await call('jobs.list', undefined, { token: 'ww_nope', cookie: adminCookie })).status,
    ).toBe(401);
  });
});
