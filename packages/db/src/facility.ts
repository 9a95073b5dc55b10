// Reads for the energy and GPU pages: the facility's hourly usage, what jobs held on each node
// (from their daily cost lines), and what the live workers' running attempts report.
import { and, asc, eq, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';

import type { Db } from './client';
import {
  attemptSamples,
  costLines,
  jobAttempts,
  jobs,
  nodes,
  sites,
  usageHours,
  workers,
  type AttemptSample,
  type GpuInfo,
} from './schema';

export type FacilitySite = {
  id: string;
  name: string;
  gridZone: string | null;
  timezone: string;
  currency: string;
  pue: number;
  nodes: number;
  gpus: number;
};

/** Every site with its node and GPU counts, oldest first, for the pages' site picker. */
export async function listFacilitySites(db: Db): Promise<FacilitySite[]> {
  const rows = await db
    .select({
      id: sites.id,
      name: sites.name,
      gridZone: sites.gridZone,
      timezone: sites.timezone,
      currency: sites.currency,
      pue: sites.pue,
      nodes: sql<number>`count(${nodes.id})::int`,
      gpus: sql<number>`coalesce(sum(${nodes.gpuCount}), 0)::int`,
    })
    .from(sites)
    .leftJoin(nodes, eq(nodes.siteId, sites.id))
    .groupBy(sites.id)
    .orderBy(asc(sites.createdAt), asc(sites.name));
  return rows.map((r) => ({ ...r, nodes: Number(r.nodes), gpus: Number(r.gpus) }));
}

/**
 * The site a page shows when none is named: among sites with a grid zone (they have hourly prices
 * and carbon) the one with the most nodes, the oldest on a tie; any site when none has a zone.
 */
export function defaultFacilitySite(list: readonly FacilitySite[]): FacilitySite | null {
  const zoned = list.filter((s) => s.gridZone);
  const pool = zoned.length ? zoned : list;
  let best: FacilitySite | null = null;
  for (const s of pool) if (!best || s.nodes > best.nodes) best = s;
  return best;
}

export type UsageBucket = {
  startMs: number;
  /** Hours of usage recorded in the bucket. */
  hours: number;
  meteredHours: number;
  gpus: number;
  gpuHoursAllocated: number;
  itKWh: number;
  jobsItKWh: number;
  facilityKWh: number;
};

/** The site's usage hours in [from, to), summed per hour or per UTC day. */
export async function usageBuckets(
  db: Db,
  input: { siteId: string; from: Date; to: Date; bucket: 'hour' | 'day' },
): Promise<UsageBucket[]> {
  const start =
    input.bucket === 'day'
      ? sql`date_trunc('day', ${usageHours.hour}, 'UTC')`
      : sql`${usageHours.hour}`;
  const rows = await db
    .select({
      startMs: sql<number>`(extract(epoch FROM ${start}) * 1000)::float8`,
      hours: sql<number>`count(*)::int`,
      meteredHours: sql<number>`(count(*) FILTER (WHERE ${usageHours.source} = 'metered'))::int`,
      gpus: sql<number>`max(${usageHours.gpus})::int`,
      gpuHoursAllocated: sql<number>`sum(${usageHours.gpuHoursAllocated})::float8`,
      itKWh: sql<number>`sum(${usageHours.itKWh})::float8`,
      jobsItKWh: sql<number>`sum(${usageHours.jobsItKWh})::float8`,
      facilityKWh: sql<number>`sum(${usageHours.facilityKWh})::float8`,
    })
    .from(usageHours)
    .where(
      and(
        eq(usageHours.siteId, input.siteId),
        gte(usageHours.hour, input.from),
        lt(usageHours.hour, input.to),
      ),
    )
    .groupBy(start)
    .orderBy(start);
  return rows.map((r) => ({
    startMs: Number(r.startMs),
    hours: Number(r.hours),
    meteredHours: Number(r.meteredHours),
    gpus: Number(r.gpus),
    gpuHoursAllocated: Number(r.gpuHoursAllocated),
    itKWh: Number(r.itKWh),
    jobsItKWh: Number(r.jobsItKWh),
    facilityKWh: Number(r.facilityKWh),
  }));
}

export type SiteNode = {
  id: string;
  name: string;
  rack: string | null;
  gpuModel: string | null;
  gpuCount: number;
  cpuCores: number;
  memoryGb: number;
  powerState: 'on' | 'off' | 'booting';
};

/** The site's nodes by rack (unracked last), then name. */
export async function listSiteNodes(db: Db, siteId: string): Promise<SiteNode[]> {
  return db
    .select({
      id: nodes.id,
      name: nodes.name,
      rack: nodes.rack,
      gpuModel: nodes.gpuModel,
      gpuCount: nodes.gpuCount,
      cpuCores: nodes.cpuCores,
      memoryGb: nodes.memoryGb,
      powerState: nodes.powerState,
    })
    .from(nodes)
    .where(eq(nodes.siteId, siteId))
    .orderBy(sql`${nodes.rack} NULLS LAST`, asc(nodes.name));
}

export type NodeCostTotals = {
  /** The node name the cost lines give (a node of the site, or a worker's host); null: none. */
  node: string | null;
  gpuHours: number;
  itKWh: number;
  facilityKWh: number;
  cost: number;
  co2eKg: number;
};

/** What jobs held and spent on each node of a site over the UTC days in [fromDay, toDay), from their cost lines. */
export async function nodeCostTotals(
  db: Db,
  input: { siteId: string; fromDay: Date; toDay: Date; teamId?: string },
): Promise<NodeCostTotals[]> {
  const rows = await db
    .select({
      node: costLines.node,
      gpuHours: sql<number>`sum(${costLines.gpuHours})::float8`,
      itKWh: sql<number>`sum(${costLines.itKWh})::float8`,
      facilityKWh: sql<number>`sum(${costLines.facilityKWh})::float8`,
      cost: sql<number>`sum(${costLines.total})::float8`,
      co2eKg: sql<number>`sum(${costLines.co2eKg})::float8`,
    })
    .from(costLines)
    .where(
      and(
        eq(costLines.siteId, input.siteId),
        gte(costLines.day, input.fromDay),
        lt(costLines.day, input.toDay),
        input.teamId ? eq(costLines.teamId, input.teamId) : undefined,
      ),
    )
    .groupBy(costLines.node);
  return rows.map((r) => ({
    node: r.node,
    gpuHours: Number(r.gpuHours),
    itKWh: Number(r.itKWh),
    facilityKWh: Number(r.facilityKWh),
    cost: Number(r.cost),
    co2eKg: Number(r.co2eKg),
  }));
}

export type LiveWorker = {
  id: string;
  hostname: string;
  nodeId: string | null;
  siteId: string | null;
  gpus: GpuInfo[];
  lastHeartbeatAt: Date;
};

export type RunningAttempt = {
  id: string;
  workerId: string;
  jobId: string;
  jobName: string;
  teamId: string;
  gpuIndices: number[];
  milliPerGpu: number;
  startedAt: Date;
};

export type RecentSample = Pick<AttemptSample, 'attemptId' | 'seq' | 'at' | 'gpus'>;

/** How far back from an attempt's latest sample its "recent" telemetry reaches. */
export const RECENT_SAMPLES_MS = 5 * 60_000;

/**
 * Workers of the site (or of no site) heard from within `liveSeconds` by the database's clock, the
 * attempts running on them, and each attempt's samples from the last five minutes it reported.
 */
export async function liveWorkerActivity(
  db: Db,
  input: { siteId: string; liveSeconds: number },
): Promise<{ workers: LiveWorker[]; attempts: RunningAttempt[]; samples: RecentSample[] }> {
  const live = await db
    .select({
      id: workers.id,
      hostname: workers.hostname,
      nodeId: workers.nodeId,
      siteId: workers.siteId,
      gpus: workers.gpus,
      lastHeartbeatAt: workers.lastHeartbeatAt,
    })
    .from(workers)
    .where(
      and(
        or(eq(workers.siteId, input.siteId), isNull(workers.siteId)),
        sql`${workers.lastHeartbeatAt} > now() - make_interval(secs => ${input.liveSeconds})`,
      ),
    )
    .orderBy(asc(workers.hostname), asc(workers.id));
  if (live.length === 0) return { workers: [], attempts: [], samples: [] };
  const attempts = await db
    .select({
      id: jobAttempts.id,
      workerId: jobAttempts.workerId,
      jobId: jobs.id,
      jobName: jobs.name,
      teamId: jobs.teamId,
      gpuIndices: jobAttempts.gpuIndices,
      milliPerGpu: jobAttempts.milliPerGpu,
      startedAt: jobAttempts.startedAt,
    })
    .from(jobAttempts)
    .innerJoin(jobs, eq(jobs.id, jobAttempts.jobId))
    .where(
      and(
        eq(jobAttempts.state, 'running'),
        inArray(
          jobAttempts.workerId,
          live.map((w) => w.id),
        ),
      ),
    )
    .orderBy(asc(jobAttempts.startedAt));
  if (attempts.length === 0) return { workers: live, attempts, samples: [] };
  const ids = attempts.map((a) => a.id);
  const latest = db
    .select({
      attemptId: attemptSamples.attemptId,
      lastAt: sql<Date>`max(${attemptSamples.at})`.as('last_at'),
    })
    .from(attemptSamples)
    .where(inArray(attemptSamples.attemptId, ids))
    .groupBy(attemptSamples.attemptId)
    .as('latest');
  const samples = await db
    .select({
      attemptId: attemptSamples.attemptId,
      seq: attemptSamples.seq,
      at: attemptSamples.at,
      gpus: attemptSamples.gpus,
    })
    .from(attemptSamples)
    .innerJoin(
      latest,
      and(
        eq(latest.attemptId, attemptSamples.attemptId),
        // The worker's clock stamps samples: measure "recent" from its own latest one.
        sql`${attemptSamples.at} >= ${latest.lastAt} - make_interval(secs => ${RECENT_SAMPLES_MS / 1000})`,
      ),
    )
    .orderBy(asc(attemptSamples.attemptId), asc(attemptSamples.seq));
  return { workers: live, attempts, samples };
}
