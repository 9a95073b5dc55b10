import { TRPCError } from '@trpc/server';
import { createToken, listTeams, seedDemo } from '@wattwise/db';
import { createDb } from '@wattwise/db/client';
import type { DbHandle } from '@wattwise/db/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { appRouter } from '../src/root';
import { createContext } from '../src/trpc';

/** The routers called in-process (no HTTP), with contexts built from real tokens. */
describe('appRouter', () => {
  let h: DbHandle;
  const teams: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  const caller = async (who: keyof typeof secrets | null) =>
    appRouter.createCaller(
      await createContext(
        { db: h.db, leaseSeconds: 7, version: 'test', dbKind: 'pglite' },
        who ? `Bearer ${secrets[who]}` : undefined,
      ),
    );
  const code = (p: Promise<unknown>) =>
    p.then(
      () => 'OK',
      (e: unknown) => (e instanceof TRPCError ? e.code : String(e)),
    );
  const job = { name: 'j', kind: 'command' as const, payload: { argv: ['true'] } };

  beforeAll(async () => {
    h = await createDb('pglite:memory:');
    await h.migrate();
    await seedDemo(h.db);
    for (const t of await listTeams(h.db)) teams[t.name] = t.id;
    secrets.admin = (await createToken(h.db, { name: 'a', role: 'admin' })).secret;
    secrets.worker = (await createToken(h.db, { name: 'w', role: 'worker' })).secret;
    secrets.research = (
      await createToken(h.db, { name: 'r', role: 'member', teamId: teams.research })
    ).secret;
  });
  afterAll(() => h.close());

  it("files a member's job under the member's team and an admin's under the team it names", async () => {
    expect((await (await caller('research')).jobs.submit(job)).teamId).toBe(teams.research);
    expect(
      (await (await caller('admin')).jobs.submit({ ...job, teamId: teams.inference })).teamId,
    ).toBe(teams.inference);
    expect(await code((await caller('admin')).jobs.submit(job))).toBe('BAD_REQUEST');
  });

  it('checks roles before anything else', async () => {
    expect(await code((await caller(null)).jobs.list())).toBe('UNAUTHORIZED');
    expect(await code((await caller('worker')).jobs.list())).toBe('FORBIDDEN');
    expect(await code((await caller('research')).workers.claim({ workerId: 'wkr_x' }))).toBe(
      'FORBIDDEN',
    );
    expect(
      await code((await caller('research')).admin.createToken({ name: 'x', role: 'admin' })),
    ).toBe('FORBIDDEN');
  });

  it('hands out the configured lease and maps domain refusals to their codes', async () => {
    const w = await caller('worker');
    const reg = await w.workers.register({
      hostname: 'h',
      cpus: 1,
      memoryMb: 1,
      gpus: [],
      version: 't',
    });
    expect(reg.leaseSeconds).toBe(7);
    expect(await code(w.workers.claim({ workerId: 'wkr_unknown' }))).toBe('NOT_FOUND');
    expect(
      await code(
        w.workers.complete({
          workerId: reg.workerId,
          attemptId: 'att_x',
          exitCode: 0,
          outputTail: '',
        }),
      ),
    ).toBe('NOT_FOUND');
  });

  it('asks for a team when an admin creates a member token', async () => {
    const err = await (
      await caller('admin')
    ).admin
      .createToken({ name: 'm', role: 'member' })
      .catch((e: TRPCError) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe('BAD_REQUEST');
    expect(JSON.stringify((err as TRPCError).cause)).toContain('teamId');
  });
});
