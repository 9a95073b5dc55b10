import { TRPCError } from '@trpc/server';
import type { Site as CostSite } from '@wattwise/cost-model';
import { createToken, listTeams, seedDemo, sql, type Role } from '@wattwise/db';
import type { Db, DbHandle } from '@wattwise/db/client';
import { costLines, jobs, nodes, sites, teams, usageHours } from '@wattwise/db/schema';
import { databaseTargets, openTestDb } from '@wattwise/db/testing';

export { openTestDb };
import { describe } from 'vitest';

import { appRouter } from '../src/root';
import { createContext, type ApiDeps } from '../src/trpc';

/**
 * Declares `suite` once per database kind: PGlite always, PostgreSQL too when TEST_DATABASE_URL
 * names a server (`adminUrl`, for `openTestDb`). The suite is titled `<title> on <kind>`.
 */
export function describeEachDatabase(
  title: string,
  suite: (adminUrl: string | undefined) => void,
): void {
  describe.each(databaseTargets(process.env.TEST_DATABASE_URL))(`${title} on $name`, (target) =>
    suite(target.adminUrl),
  );
}

/** The secret of a new API token. */
export async function tokenSecret(
  db: Db,
  name: string,
  role: Role,
  teamId?: string,
): Promise<string> {
  return (await createToken(db, { name, role, teamId })).secret;
}

/**
 * The demo data (`seedDemo`) with an admin token named `a` and a worker token named `w`; `teamId`
 * is the first team's.
 */
export async function seedDemoWithTokens(db: Db) {
  await seedDemo(db);
  const demoTeams = await listTeams(db);
  return {
    teams: demoTeams,
    teamId: demoTeams[0]!.id,
    admin: await tokenSecret(db, 'a', 'admin'),
    worker: await tokenSecret(db, 'w', 'worker'),
  };
}

/** A site-rates loader: the same tariff and carbon for every site, at the site's own PUE. */
export function siteRatesLoader(rates: Pick<CostSite, 'currency' | 'tariff' | 'carbon'>) {
  return (site: { id: string; name: string; pue: number }): CostSite => ({
    id: site.id,
    name: site.name,
    pue: site.pue,
    ...rates,
  });
}

/** A site-rates loader with a flat tariff and constant carbon. */
export function flatSiteRates(rates: { currency: string; perKWh: number; kgPerKWh: number }) {
  return siteRatesLoader({
    currency: rates.currency,
    tariff: { kind: 'flat', perKWh: rates.perKWh },
    carbon: { kind: 'constant', kgPerKWh: rates.kgPerKWh },
  });
}

/** Dependencies beside the database: a scheduler, site rates, sign-in, another lease… */
export type DepsExtra = Partial<Omit<ApiDeps, 'db'>>;

/** The API's dependencies over a test database: a 30 s lease unless `extra` says otherwise. */
export function testDeps(h: DbHandle, extra: DepsExtra = {}): ApiDeps {
  return { db: h.db, leaseSeconds: 30, version: 'test', dbKind: h.kind, ...extra };
}

export type Caller = ReturnType<typeof appRouter.createCaller>;

/**
 * The routers called in-process over `h` as the holder of `secret` (no secret: anonymous), with the
 * dependencies of `testDeps(h, extra)`.
 */
export async function callerFor(
  h: DbHandle,
  secret: string | undefined,
  extra: DepsExtra = {},
): Promise<Caller> {
  return appRouter.createCaller(
    await createContext(testDeps(h, extra), secret === undefined ? undefined : `Bearer ${secret}`),
  );
}

/** 'OK', or the tRPC code a call was refused with. */
export function errorCode(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'OK',
    (e: unknown) => (e instanceof TRPCError ? e.code : String(e)),
  );
}

/** `n` Tesla T4s, indexed from 0. */
export function t4Gpus(n: number) {
  return Array.from({ length: n }, (_, index) => ({ index, name: 'Tesla T4' }));
}

/** Registers a worker with `gpus` T4s through `worker` (a worker's caller); its id. */
export async function registerT4Worker(
  worker: Caller,
  hostname: string,
  gpus: number,
  host: { cpus: number; memoryMb: number } = { cpus: 16, memoryMb: 65_536 },
): Promise<string> {
  const reg = await worker.workers.register({
    hostname,
    ...host,
    gpus: t4Gpus(gpus),
    version: 't',
  });
  return reg.workerId;
}

/** Empties the cluster: earlier workers fall silent, earlier attempts succeed, earlier jobs end. */
export async function emptyCluster(db: Db): Promise<void> {
  await db.execute(sql`UPDATE workers SET last_heartbeat_at = now() - interval '1 hour'`);
  await db.execute(sql`UPDATE job_attempts SET state = 'succeeded' WHERE state = 'running'`);
  await db.execute(sql`UPDATE jobs SET state = 'cancelled' WHERE state IN ('queued', 'running')`);
}

/** An attempt's energy report: `kWh` measured by NVML on GPU 0. */
export function nvmlEnergy(kWh: number) {
  return {
    itKWh: kWh,
    method: 'nvml-energy' as const,
    devices: [{ device: 'gpu0', kWh, method: 'nvml-energy' as const }],
  };
}

type SiteRow = typeof sites.$inferInsert;
type NodeRow = typeof nodes.$inferInsert;
type JobRow = typeof jobs.$inferInsert;
type CostLineRow = typeof costLines.$inferInsert;
type UsageHourRow = typeof usageHours.$inferInsert;
/** A UTC day as `YYYY-MM-DD`, epoch milliseconds or a Date. */
type Day = string | number | Date;
/** An instant as an ISO string, epoch milliseconds or a Date. */
type Instant = string | number | Date;

/** Hand-made rows for `insertRows`: what a test leaves out takes the defaults below. */
export type Rows = {
  /** `{ id: name }`. */
  teams?: Record<string, string>;
  /** Region `test` and time zone UTC unless given. */
  sites?: (Pick<SiteRow, 'id' | 'name' | 'currency' | 'pue'> & Partial<SiteRow>)[];
  nodes?: NodeRow[];
  /** Loaded history: named by their id, a command with no payload, succeeded, unless given. */
  jobs?: (Pick<JobRow, 'id' | 'teamId'> & Partial<JobRow>)[];
  /** Parts and quantities not given are 0 and the total is the parts' sum; billed unless given. */
  costLines?: (Pick<CostLineRow, 'jobId' | 'teamId' | 'currency'> &
    Partial<Omit<CostLineRow, 'day' | 'total'>> & { day: Day })[];
  /**
   * Figures not given are 0 (PUE 1), the total is the parts' sum unless given, and the source is
   * `simulated` unless given.
   */
  usageHours?: (Pick<UsageHourRow, 'siteId' | 'currency'> &
    Partial<Omit<UsageHourRow, 'hour'>> & { hour: Instant })[];
};

/** Inserts hand-made rows, each table after the ones it refers to. */
export async function insertRows(db: Db, rows: Rows): Promise<void> {
  if (rows.teams)
    await db.insert(teams).values(Object.entries(rows.teams).map(([id, name]) => ({ id, name })));
  if (rows.sites)
    await db
      .insert(sites)
      .values(rows.sites.map((row) => ({ region: 'test', timezone: 'UTC', ...row })));
  if (rows.nodes) await db.insert(nodes).values(rows.nodes);
  if (rows.jobs)
    await db.insert(jobs).values(
      rows.jobs.map((row) => ({
        name: row.id,
        kind: 'command',
        payload: {},
        origin: 'history' as const,
        state: 'succeeded' as const,
        ...row,
      })),
    );
  if (rows.costLines)
    await db.insert(costLines).values(
      rows.costLines.map((row) => ({
        ...zeros('gpuHours', 'itKWh', 'facilityKWh', 'co2eKg'),
        ...row,
        ...withTotal(row),
        day: typeof row.day === 'string' ? new Date(`${row.day}T00:00:00Z`) : new Date(row.day),
      })),
    );
  if (rows.usageHours)
    await db.insert(usageHours).values(
      rows.usageHours.map((row) => ({
        ...zeros(
          'gpus',
          'gpuHoursAllocated',
          'gpuHoursUsed',
          'itKWh',
          'jobsItKWh',
          'facilityKWh',
          'pricePerKWh',
          'kgPerKWh',
          'jobsCost',
          'idleCost',
          'sharedCost',
          'co2eKg',
        ),
        pue: 1,
        source: 'simulated',
        ...withTotal(row),
        ...row,
        hour: new Date(row.hour),
      })),
    );
}

/** Each of `keys` set to 0. */
function zeros<K extends string>(...keys: K[]) {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/** The five parts of a cost, named, from `[hardware, energy, operations, storage, bandwidth]`. */
export function costParts([hardware, energy, operations, storage, bandwidth]: [
  number,
  number,
  number,
  number,
  number,
]) {
  return { hardware, energy, operations, storage, bandwidth };
}

/** The five parts of a cost, 0 where not given, and their sum. */
function withTotal(row: {
  hardware?: number;
  energy?: number;
  operations?: number;
  storage?: number;
  bandwidth?: number;
}) {
  const hardware = row.hardware ?? 0;
  const energy = row.energy ?? 0;
  const operations = row.operations ?? 0;
  const storage = row.storage ?? 0;
  const bandwidth = row.bandwidth ?? 0;
  const total = hardware + energy + operations + storage + bandwidth;
  return { hardware, energy, operations, storage, bandwidth, total };
}
