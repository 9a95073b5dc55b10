import { sql, type SQL } from 'drizzle-orm';

import type { Db } from './client';

/** The five parts every cost is split into. */
export type CostParts = {
  hardware: number;
  energy: number;
  operations: number;
  storage: number;
  bandwidth: number;
};

export type OverviewScope = {
  /** [from, to): usage hours that start in it; cost lines of the UTC days that start in it. */
  from: Date;
  to: Date;
  siteId?: string;
};

/** One bucket (an hour or a UTC day) of the facility's usage hours, summed over its sites. */
export type FacilityBucket = CostParts & {
  start: Date;
  total: number;
  jobsCost: number;
  idleCost: number;
  sharedCost: number;
  itKWh: number;
  facilityKWh: number;
  co2eKg: number;
  gpuHoursAllocated: number;
  gpuHoursUsed: number;
  /** GPU-hours the facility had: Σ GPUs over its site-hours. */
  gpuHoursCapacity: number;
  /** Distinct hours with a record (several sites' same hour count once). */
  hours: number;
  /** Site-hours recorded from workers' reports, and from loaded (simulated) history. */
  meteredHours: number;
  simulatedHours: number;
};

/** One UTC day of a team's cost lines. */
export type TeamBucket = CostParts & {
  start: Date;
  total: number;
  /** Of `total`: lines of jobs still running when their cost was recorded (no bill yet). */
  unbilled: number;
  gpuHours: number;
  itKWh: number;
  facilityKWh: number;
  co2eKg: number;
};

/** Where the facility's total goes, over whole UTC days. */
export type Reconciliation = {
  /** Σ cost lines of billed jobs, and of jobs still running (cost to date). */
  billedJobs: number;
  runningJobs: number;
  /** Σ usage hours' idle and shared cost, their jobs' cost, and their total. */
  idle: number;
  shared: number;
  jobsCost: number;
  facilityTotal: number;
  lines: number;
  hours: number;
};

const iso = (d: Date) => d.toISOString();
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/** The UTC day of a usage hour, as a timestamptz at 00:00 UTC, whatever the session's time zone. */
const usageDay = sql`(date_trunc('day', u.hour AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`;

function usageWhere(s: OverviewScope): SQL {
  return sql`u.hour >= ${iso(s.from)}::timestamptz AND u.hour < ${iso(s.to)}::timestamptz${
    s.siteId ? sql` AND u.site_id = ${s.siteId}` : sql``
  }`;
}

function lineWhere(s: OverviewScope & { teamId?: string }): SQL {
  return sql`cl.day >= ${iso(s.from)}::timestamptz AND cl.day < ${iso(s.to)}::timestamptz${
    s.siteId ? sql` AND cl.site_id = ${s.siteId}` : sql``
  }${s.teamId ? sql` AND cl.team_id = ${s.teamId}` : sql``}`;
}

type Rows = { rows: Record<string, unknown>[] };

/** The facility's cost, energy and GPU-hours per hour or per UTC day: one aggregate over usage hours. */
export async function facilityBuckets(
  db: Db,
  scope: OverviewScope & { bucket: 'hour' | 'day' },
): Promise<FacilityBucket[]> {
  const bucket = scope.bucket === 'day' ? usageDay : sql`u.hour`;
  // An hourly bucket is one hour however many sites share it; counting distinct hours per group
  // costs a sort each, a third of the query on a month of hours.
  const hoursIn = scope.bucket === 'day' ? sql`count(DISTINCT u.hour)::int` : sql`1`;
  // Both drivers (PGlite and node-postgres) answer with `{ rows }`.
  const res = (await db.execute(sql`
    SELECT ${bucket} AS start,
      sum(u.hardware)::float8 AS hardware, sum(u.energy)::float8 AS energy,
      sum(u.operations)::float8 AS operations, sum(u.storage)::float8 AS storage,
      sum(u.bandwidth)::float8 AS bandwidth, sum(u.total)::float8 AS total,
      sum(u.jobs_cost)::float8 AS jobs_cost, sum(u.idle_cost)::float8 AS idle_cost,
      sum(u.shared_cost)::float8 AS shared_cost,
      sum(u.it_kwh)::float8 AS it_kwh, sum(u.facility_kwh)::float8 AS facility_kwh,
      sum(u.co2e_kg)::float8 AS co2e_kg,
      sum(u.gpu_hours_allocated)::float8 AS gpu_hours_allocated,
      sum(u.gpu_hours_used)::float8 AS gpu_hours_used, sum(u.gpus)::float8 AS gpu_hours_capacity,
      ${hoursIn} AS hours,
      count(*) FILTER (WHERE u.source = 'metered')::int AS metered_hours,
      count(*) FILTER (WHERE u.source <> 'metered')::int AS simulated_hours
    FROM usage_hours u WHERE ${usageWhere(scope)}
    GROUP BY 1 ORDER BY 1`)) as unknown as Rows;
  return res.rows.map((r) => ({
    start: new Date(r.start as string | Date),
    hardware: num(r.hardware),
    energy: num(r.energy),
    operations: num(r.operations),
    storage: num(r.storage),
    bandwidth: num(r.bandwidth),
    total: num(r.total),
    jobsCost: num(r.jobs_cost),
    idleCost: num(r.idle_cost),
    sharedCost: num(r.shared_cost),
    itKWh: num(r.it_kwh),
    facilityKWh: num(r.facility_kwh),
    co2eKg: num(r.co2e_kg),
    gpuHoursAllocated: num(r.gpu_hours_allocated),
    gpuHoursUsed: num(r.gpu_hours_used),
    gpuHoursCapacity: num(r.gpu_hours_capacity),
    hours: num(r.hours),
    meteredHours: num(r.metered_hours),
    simulatedHours: num(r.simulated_hours),
  }));
}

/** A team's cost lines per UTC day: one aggregate over its lines. */
export async function teamBuckets(
  db: Db,
  scope: OverviewScope & { teamId: string },
): Promise<TeamBucket[]> {
  const res = (await db.execute(sql`
    SELECT cl.day AS start,
      sum(cl.hardware)::float8 AS hardware, sum(cl.energy)::float8 AS energy,
      sum(cl.operations)::float8 AS operations, sum(cl.storage)::float8 AS storage,
      sum(cl.bandwidth)::float8 AS bandwidth, sum(cl.total)::float8 AS total,
      coalesce(sum(cl.total) FILTER (WHERE NOT cl.billed), 0)::float8 AS unbilled,
      sum(cl.gpu_hours)::float8 AS gpu_hours, sum(cl.it_kwh)::float8 AS it_kwh,
      sum(cl.facility_kwh)::float8 AS facility_kwh, sum(cl.co2e_kg)::float8 AS co2e_kg
    FROM cost_lines cl WHERE ${lineWhere(scope)}
    GROUP BY 1 ORDER BY 1`)) as unknown as Rows;
  return res.rows.map((r) => ({
    start: new Date(r.start as string | Date),
    hardware: num(r.hardware),
    energy: num(r.energy),
    operations: num(r.operations),
    storage: num(r.storage),
    bandwidth: num(r.bandwidth),
    total: num(r.total),
    unbilled: num(r.unbilled),
    gpuHours: num(r.gpu_hours),
    itKWh: num(r.it_kwh),
    facilityKWh: num(r.facility_kwh),
    co2eKg: num(r.co2e_kg),
  }));
}

/**
 * Total cost per UTC day (the history a forecast is made from): the facility's usage hours, or a
 * team's cost lines. Days with nothing recorded are absent.
 */
export async function dailyTotals(
  db: Db,
  scope: OverviewScope & { teamId?: string },
): Promise<{ day: Date; total: number }[]> {
  const res = (scope.teamId
    ? await db.execute(sql`
          SELECT cl.day AS day, sum(cl.total)::float8 AS total
          FROM cost_lines cl WHERE ${lineWhere(scope)} GROUP BY 1 ORDER BY 1`)
    : await db.execute(sql`
          SELECT ${usageDay} AS day, sum(u.total)::float8 AS total
          FROM usage_hours u WHERE ${usageWhere(scope)} GROUP BY 1 ORDER BY 1`)) as unknown as Rows;
  return res.rows.map((r) => ({ day: new Date(r.day as string | Date), total: num(r.total) }));
}

/**
 * Jobs' cost lines (billed, and running jobs' cost to date) beside the facility's usage hours over
 * the same whole UTC days: one statement, two aggregates.
 */
export async function reconcile(db: Db, scope: OverviewScope): Promise<Reconciliation> {
  const res = (await db.execute(sql`
    SELECT l.*, h.* FROM (
      SELECT coalesce(sum(cl.total), 0)::float8 AS all_jobs,
        coalesce(sum(cl.total) FILTER (WHERE NOT cl.billed), 0)::float8 AS running_jobs,
        count(*)::int AS lines
      FROM cost_lines cl WHERE ${lineWhere(scope)}
    ) l CROSS JOIN (
      SELECT coalesce(sum(u.idle_cost), 0)::float8 AS idle,
        coalesce(sum(u.shared_cost), 0)::float8 AS shared,
        coalesce(sum(u.jobs_cost), 0)::float8 AS jobs_cost,
        coalesce(sum(u.total), 0)::float8 AS facility_total,
        count(DISTINCT u.hour)::int AS hours
      FROM usage_hours u WHERE ${usageWhere(scope)}
    ) h`)) as unknown as Rows;
  const r = res.rows[0]!;
  return {
    // Σ all − Σ running: one filtered sum per line instead of two.
    billedJobs: num(r.all_jobs) - num(r.running_jobs),
    runningJobs: num(r.running_jobs),
    idle: num(r.idle),
    shared: num(r.shared),
    jobsCost: num(r.jobs_cost),
    facilityTotal: num(r.facility_total),
    lines: num(r.lines),
    hours: num(r.hours),
  };
}

/**
 * The first and last hour (facility) or day (a team's lines) with anything recorded, whatever the
 * window: null when there is nothing yet.
 */
export async function dataExtent(
  db: Db,
  scope: { siteId?: string; teamId?: string },
): Promise<{ first: Date; last: Date } | null> {
  const res = (scope.teamId
    ? await db.execute(sql`
          SELECT min(cl.day) AS first, max(cl.day) AS last FROM cost_lines cl
          WHERE cl.team_id = ${scope.teamId}${scope.siteId ? sql` AND cl.site_id = ${scope.siteId}` : sql``}`)
    : await db.execute(sql`
          SELECT min(u.hour) AS first, max(u.hour) AS last FROM usage_hours u
          ${scope.siteId ? sql`WHERE u.site_id = ${scope.siteId}` : sql``}`)) as unknown as Rows;
  const r = res.rows[0];
  if (!r?.first || !r.last) return null;
  return { first: new Date(r.first as string | Date), last: new Date(r.last as string | Date) };
}

/** Which kind of record the facility's hours in a scope are, for labelling a team's figures. */
export async function usageSources(db: Db, scope: OverviewScope): Promise<string[]> {
  const res = (await db.execute(sql`
    SELECT DISTINCT u.source FROM usage_hours u WHERE ${usageWhere(scope)}`)) as unknown as Rows;
  return res.rows.map((r) => String(r.source));
}
