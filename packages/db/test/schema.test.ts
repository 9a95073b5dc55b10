import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DbHandle } from '../src/client';
import { newId } from '../src/ids';
import { registerWorker, submitJob } from '../src/queue';
import { apiTokens, jobAttempts, jobs, nodes, sites, teams } from '../src/schema';
import { ensureAdminToken, seedDemo } from '../src/seed';
import { listTeams } from '../src/teams';
import { databaseTargets } from '../src/testing';
import { authenticate, createToken, hashToken } from '../src/tokens';
import { openTestDb } from '../src/testing';

/** The PostgreSQL error code behind a failed statement (drizzle wraps the driver's error). */
async function pgCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'none';
  } catch (e) {
    const err = e as { code?: string; cause?: { code?: string } };
    return err.cause?.code ?? err.code ?? String(e);
  }
}
const CHECK = '23514';
const UNIQUE = '23505';
const FOREIGN_KEY = '23503';

describe.each(databaseTargets(process.env.TEST_DATABASE_URL))('schema on $name', ({ adminUrl }) => {
  let h: DbHandle;
  let teamId: string;
  let siteId: string;

  beforeAll(async () => {
    h = await openTestDb(adminUrl);
    await seedDemo(h.db);
    teamId = (await listTeams(h.db))[0]!.id;
    siteId = (await h.db.select().from(sites))[0]!.id;
  });
  afterAll(() => h.close());

  it('creates every table on an empty database, and migrating again changes nothing', async () => {
    const tables = async () =>
      (
        (await h.db.execute(
          sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
        )) as unknown as { rows: { table_name: string }[] }
      ).rows.map((r) => r.table_name);
    const expected = [
      'accounts',
      'api_tokens',
      'attempt_samples',
      'bills',
      'budgets',
      'cost_lines',
      'job_attempts',
      'jobs',
      'nodes',
      'sessions',
      'sites',
      'teams',
      'usage_hours',
      'users',
      'verifications',
      'workers',
    ];
    expect(await tables()).toEqual(expected);
    await h.migrate();
    expect(await tables()).toEqual(expected);
  });

  it('seeds demo data once', async () => {
    expect(await seedDemo(h.db)).toBe(false);
    expect((await listTeams(h.db)).map((t) => t.name)).toEqual(['inference', 'research']);
    expect(await h.db.select().from(nodes)).toHaveLength(4);
  });

  it('stores only a hash of a token and creates the first admin token once', async () => {
    const first = await ensureAdminToken(h.db);
    expect(first).toMatch(/^ww_/);
    expect(await ensureAdminToken(h.db)).toBeNull();
    const [row] = await h.db.select().from(apiTokens);
    expect(row!.tokenHash).toBe(hashToken(first!));
    expect(row!.tokenHash).not.toContain(first!);
    expect((await authenticate(h.db, first!))?.role).toBe('admin');
    expect(await authenticate(h.db, first! + 'x')).toBeNull();
  });

  it('rejects a member token without a team', async () => {
    expect(await pgCode(createToken(h.db, { name: 'm', role: 'member' }))).toBe(CHECK);
  });

  it('rejects impossible sites, nodes and jobs', async () => {
    const site = { id: newId('site'), name: 'bad', region: 'x', timezone: 'UTC', currency: 'USD' };
    expect(await pgCode(h.db.insert(sites).values({ ...site, pue: 0.9 }))).toBe(CHECK);
    const node = { siteId, name: 'n', cpuCores: 8, memoryGb: 64 };
    expect(
      await pgCode(h.db.insert(nodes).values({ id: newId('node'), ...node, gpuCount: -1 })),
    ).toBe(CHECK);
    expect(
      await pgCode(
        h.db.insert(nodes).values({ id: newId('node'), ...node, name: 'h100-01', gpuCount: 8 }),
      ),
    ).toBe(UNIQUE);
    const job = { name: 'j', kind: 'command' as const, payload: { argv: ['true'] } };
    expect(await pgCode(submitJob(h.db, { ...job, teamId, maxAttempts: 0 }))).toBe(CHECK);
    expect(await pgCode(submitJob(h.db, { ...job, teamId: 'team_missing' }))).toBe(FOREIGN_KEY);
    expect(await pgCode(h.db.insert(teams).values({ id: newId('team'), name: 'research' }))).toBe(
      UNIQUE,
    );
  });

  it('allows at most one running attempt per job', async () => {
    const job = await submitJob(h.db, {
      teamId,
      name: 'j',
      kind: 'command',
      payload: { argv: ['true'] },
    });
    const w = await registerWorker(h.db, {
      hostname: 'h',
      cpus: 1,
      memoryMb: 1,
      gpus: [],
      version: 't',
    });
    const attempt = (number: number) => ({
      id: newId('att'),
      jobId: job.id,
      number,
      workerId: w.id,
      leaseExpiresAt: new Date(Date.now() + 60_000),
    });
    await h.db.insert(jobAttempts).values(attempt(1));
    expect(await pgCode(h.db.insert(jobAttempts).values(attempt(2)))).toBe(UNIQUE);
    expect(
      await pgCode(
        h.db
          .update(jobs)
          .set({ failures: 4 })
          .where(sql`${jobs.id} = ${job.id}`),
      ),
    ).toBe(CHECK);
  });
});
