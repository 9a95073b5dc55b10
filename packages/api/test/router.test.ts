import { TRPCError } from '@trpc/server';
import type { DbHandle } from '@wattwise/db/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { callerFor, errorCode, openTestDb, seedDemoWithTokens, tokenSecret } from './helpers';

/** The routers called in-process (no HTTP), with contexts built from real tokens. */
describe('appRouter', () => {
  let h: DbHandle;
  const teams: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  const caller = async (who: keyof typeof secrets | null) =>
    callerFor(h, who ? secrets[who] : undefined, { leaseSeconds: 7 });
  const job = { name: 'j', kind: 'command' as const, payload: { argv: ['true'] } };

  beforeAll(async () => {
    h = await openTestDb();
    const demo = await seedDemoWithTokens(h.db);
    for (const t of demo.teams) teams[t.name] = t.id;
    secrets.admin = demo.admin;
    secrets.worker = demo.worker;
    secrets.research = await tokenSecret(h.db, 'r', 'member', teams.research);
  });
  afterAll(() => h.close());

  it("files a member's job under the member's team and an admin's under the team it names", async () => {
    expect((await (await caller('research')).jobs.submit(job)).teamId).toBe(teams.research);
    expect(
      (await (await caller('admin')).jobs.submit({ ...job, teamId: teams.inference })).teamId,
    ).toBe(teams.inference);
    expect(await errorCode((await caller('admin')).jobs.submit(job))).toBe('BAD_REQUEST');
  });

  it('checks roles before anything else', async () => {
    expect(await errorCode((await caller(null)).jobs.list())).toBe('UNAUTHORIZED');
    expect(await errorCode((await caller('worker')).jobs.list())).toBe('FORBIDDEN');
    expect(await errorCode((await caller('research')).workers.claim({ workerId: 'wkr_x' }))).toBe(
      'FORBIDDEN',
    );
    expect(
      await errorCode((await caller('research')).admin.createToken({ name: 'x', role: 'admin' })),
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
    expect(await errorCode(w.workers.claim({ workerId: 'wkr_unknown' }))).toBe('NOT_FOUND');
    expect(
      await errorCode(
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
