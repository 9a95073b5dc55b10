import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '@wattwise/api';
import { createToken, listTeams, seedDemo } from '@wattwise/db';
import { createDb } from '@wattwise/db/client';
import type { DbHandle } from '@wattwise/db/client';
import { createScratchDatabase, databaseTargets } from '@wattwise/db/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createApp } from '../src/app';

describe.each(databaseTargets(process.env.TEST_DATABASE_URL))('API over HTTP on $name', ({ adminUrl }) => {
  let handle: DbHandle;
  let dropScratch = async () => {};
  let server: Server;
  let base: string;
  const tokens: Record<'admin' | 'research' | 'inference' | 'worker', string> = {} as never;
  const teamIds: Record<string, string> = {};

  const client = (token?: string) =>
    createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${base}/trpc`, headers: token ? { authorization: `Bearer ${token}` } : {} })],
    });
  const httpStatus = (p: Promise<unknown>) =>
    p.then(
      () => 200,
      (e: unknown) => (e instanceof TRPCClientError ? (e.data as { httpStatus: number }).httpStatus : -1),
    );
  const command = { kind: 'command' as const, payload: { argv: ['echo', 'hi'] } };

  beforeAll(async () => {
    let url = 'pglite:memory:';
    if (adminUrl) {
      const scratch = await createScratchDatabase(adminUrl);
      url = scratch.url;
      dropScratch = scratch.drop;
    }
    handle = await createDb(url);
    await handle.migrate();
    await seedDemo(handle.db);
    for (const t of await listTeams(handle.db)) teamIds[t.name] = t.id;
    tokens.admin = (await createToken(handle.db, { name: 'a', role: 'admin' })).secret;
    tokens.worker = (await createToken(handle.db, { name: 'w', role: 'worker' })).secret;
    tokens.research = (await createToken(handle.db, { name: 'r', role: 'member', teamId: teamIds.research })).secret;
    tokens.inference = (await createToken(handle.db, { name: 'i', role: 'member', teamId: teamIds.inference })).secret;
    server = createApp(
      { db: handle.db, leaseSeconds: 30, version: 'test', dbKind: handle.kind },
      pino({ level: 'silent' }),
    );
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((ok) => server.close(ok));
    await handle.close();
    await dropScratch();
  });

  it('carries a job from submit through claim to completion', async () => {
    const member = client(tokens.research);
    const job = await member.jobs.submit.mutate({ name: 'hello', ...command });
    expect(job).toMatchObject({ state: 'queued', teamId: teamIds.research });
    const w = client(tokens.worker);
    const { workerId, leaseSeconds } = await w.workers.register.mutate({ hostname: 'h', cpus: 2, memoryMb: 512, gpus: [], version: 't' });
    expect(leaseSeconds).toBe(30);
    const claim = await w.workers.claim.mutate({ workerId });
    expect(claim?.job.id).toBe(job.id);
    expect(claim?.job.payload).toEqual(command.payload);
    await w.workers.complete.mutate({ workerId, attemptId: claim!.attempt.id, exitCode: 0, outputTail: 'hi\n' });
    const done = await member.jobs.get.query({ id: job.id });
    expect(done.state).toBe('succeeded');
    expect(done.result?.outputTail).toBe('hi\n');
    expect(done.attemptList).toHaveLength(1);
  });

  it('keeps members to their own team: 403 on another team\'s job, lists only their own', async () => {
    const job = await client(tokens.research).jobs.submit.mutate({ name: 'private', ...command });
    const other = client(tokens.inference);
    expect(await httpStatus(other.jobs.get.query({ id: job.id }))).toBe(403);
    expect(await httpStatus(other.jobs.cancel.mutate({ id: job.id }))).toBe(403);
    expect(await httpStatus(other.jobs.submit.mutate({ name: 'x', ...command, teamId: teamIds.research }))).toBe(403);
    const listed = await other.jobs.list.query({ limit: 500, offset: 0 });
    expect(listed.items.every((j) => j.teamId === teamIds.inference)).toBe(true);
    const all = await client(tokens.admin).jobs.list.query({ limit: 500, offset: 0 });
    expect(all.items.map((j) => j.id)).toContain(job.id);
  });

  it('refuses a worker token on user procedures and a member token on worker procedures (403)', async () => {
    expect(await httpStatus(client(tokens.worker).jobs.submit.mutate({ name: 'x', ...command, teamId: teamIds.research }))).toBe(403);
    expect(await httpStatus(client(tokens.worker).jobs.list.query({ limit: 1, offset: 0 }))).toBe(403);
    expect(await httpStatus(client(tokens.research).workers.claim.mutate({ workerId: 'wkr_x' }))).toBe(403);
  });

  it('answers 401 without a token or with a wrong one', async () => {
    expect(await httpStatus(client().jobs.list.query({ limit: 1, offset: 0 }))).toBe(401);
    expect(await httpStatus(client('ww_not-a-token').jobs.list.query({ limit: 1, offset: 0 }))).toBe(401);
    const raw = await fetch(`${base}/trpc/jobs.list`);
    expect(raw.status).toBe(401);
    expect(JSON.stringify(await raw.json())).not.toContain('at '); // no stack trace in responses
  });

  it('answers 400 naming the field for an invalid payload', async () => {
    const res = await fetch(`${base}/trpc/jobs.submit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.research}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bad', kind: 'command', payload: { argv: [], timeoutSeconds: -1 } }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toContain('payload.argv');
    expect(body.error.message).toContain('payload.timeoutSeconds');
    const admin = await client(tokens.admin)
      .jobs.submit.mutate({ name: 'no team', ...command })
      .catch((e: Error) => e.message);
    expect(admin).toContain('teamId');
  });

  it('gives each of 10 queued jobs to exactly one of 20 workers claiming at once', async () => {
    const member = client(tokens.inference);
    const submitted = await Promise.all(Array.from({ length: 10 }, (_, i) => member.jobs.submit.mutate({ name: `c${i}`, ...command })));
    const w = client(tokens.worker);
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        w.workers.register.mutate({ hostname: `h${i}`, cpus: 1, memoryMb: 1, gpus: [], version: 't' }).then((r) => r.workerId),
      ),
    );
    const claims = (await Promise.all(ids.map((workerId) => w.workers.claim.mutate({ workerId })))).filter((c) => c !== null);
    const claimed = claims.map((c) => c.job.id);
    // Earlier tests leave queued jobs too; what matters is that no job went to two workers.
    expect(new Set(claimed).size).toBe(claimed.length);
    for (const job of submitted) expect(claimed.filter((id) => id === job.id)).toHaveLength(1);
    await Promise.all(
      claims.map((c) => w.workers.complete.mutate({ workerId: c.attempt.workerId, attemptId: c.attempt.id, exitCode: 0, outputTail: '' })),
    );
  });

  it('serves /healthz, Prometheus /metrics with jobs by state, and 404 elsewhere', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const succeeded = (await client(tokens.admin).jobs.list.query({ state: 'succeeded', limit: 1, offset: 0 })).total;
    expect(metrics).toContain(`wattwise_jobs{state="succeeded"} ${succeeded}`);
    expect(metrics).toMatch(/wattwise_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/);
    expect(metrics).toContain('wattwise_http_request_duration_seconds_bucket');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
