import { and, asc, eq, gte, isNotNull, lt, sql } from 'drizzle-orm';

import type { Db } from './client';
import { attemptSamples, costLines, jobAttempts, jobs, nodes, teams, usageHours } from './schema';

/** A powered-on GPU node and the GPU-hours jobs held on it (its cost lines) in a period. */
export type NodeHeld = {
  node: string;
  siteId: string;
  gpuModel: string | null;
  gpus: number;
  heldGpuHours: number;
};

/** Every powered-on GPU node (optionally of one site) with the GPU-hours its cost lines dated in [from, to) hold. */
export async function nodeHeldGpuHours(
  db: Db,
  opts: { from: Date; to: Date; siteId?: string },
): Promise<NodeHeld[]> {
  const [onNodes, held] = await Promise.all([
    db
      .select({
        node: nodes.name,
        siteId: nodes.siteId,
        gpuModel: nodes.gpuModel,
        gpus: nodes.gpuCount,
      })
      .from(nodes)
      .where(
        and(
          sql`${nodes.gpuCount} > 0`,
          eq(nodes.powerState, 'on'),
          opts.siteId ? eq(nodes.siteId, opts.siteId) : undefined,
        ),
      )
      .orderBy(asc(nodes.name)),
    db
      .select({
        node: costLines.node,
        siteId: costLines.siteId,
        gpuHours: sql<number>`sum(${costLines.gpuHours})::float8`,
      })
      .from(costLines)
      .where(
        and(
          isNotNull(costLines.node),
          gte(costLines.day, opts.from),
          lt(costLines.day, opts.to),
          opts.siteId ? eq(costLines.siteId, opts.siteId) : undefined,
        ),
      )
      .groupBy(costLines.node, costLines.siteId),
  ]);
  // Matched here rather than in a join: a line without a site counts for the node of that name.
  const bySite = new Map<string, number>();
  for (const h of held) {
    const key = `${h.siteId ?? ''}|${h.node}`;
    bySite.set(key, (bySite.get(key) ?? 0) + Number(h.gpuHours));
  }
  return onNodes.map((n) => ({
    ...n,
    heldGpuHours: (bySite.get(`${n.siteId}|${n.node}`) ?? 0) + (bySite.get(`|${n.node}`) ?? 0),
  }));
}

/** A finished job that started in a period: when, how long, and what its cost lines say it drew. */
export type JobRun = {
  jobId: string;
  name: string;
  teamId: string;
  team: string;
  gpus: number;
  startedAt: Date;
  finishedAt: Date;
  itKWh: number;
  gpuHours: number;
  /** p95 over its telemetry samples of Σ GPU utilisation / 100 (GPUs busy); null without samples. */
  gpusBusyP95: number | null;
  samples: number;
};

/** The most recent `limit` finished jobs that started in [from, to) and have cost lines. */
export async function finishedJobRuns(
  db: Db,
  opts: { from: Date; to: Date; teamId?: string; siteId?: string; limit: number },
): Promise<JobRun[]> {
  const lines = db
    .select({
      jobId: costLines.jobId,
      itKWh: sql<number>`sum(${costLines.itKWh})::float8`.as('it_kwh'),
      gpuHours: sql<number>`sum(${costLines.gpuHours})::float8`.as('gpu_hours'),
    })
    .from(costLines)
    .where(opts.siteId ? eq(costLines.siteId, opts.siteId) : undefined)
    .groupBy(costLines.jobId)
    .as('lines');
  const inWindow = and(
    gte(jobs.startedAt, opts.from),
    lt(jobs.startedAt, opts.to),
    isNotNull(jobs.finishedAt),
    opts.teamId ? eq(jobs.teamId, opts.teamId) : undefined,
  );
  const rows = await db
    .select({
      jobId: jobs.id,
      name: jobs.name,
      teamId: jobs.teamId,
      team: teams.name,
      gpus: jobs.gpus,
      startedAt: jobs.startedAt,
      finishedAt: jobs.finishedAt,
      itKWh: lines.itKWh,
      gpuHours: lines.gpuHours,
    })
    .from(jobs)
    .innerJoin(lines, eq(lines.jobId, jobs.id))
    .innerJoin(teams, eq(teams.id, jobs.teamId))
    .where(inWindow)
    .orderBy(sql`${jobs.startedAt} DESC`, asc(jobs.id))
    .limit(opts.limit);
  // Σ util / 100 of each sample that reported any utilisation; its p95 is how many GPUs the job kept busy.
  const busyRows = await db
    .select({
      jobId: jobAttempts.jobId,
      p95: sql<number>`percentile_cont(0.95) WITHIN GROUP (ORDER BY u.used)::float8`,
      samples: sql<number>`count(*)::int`,
    })
    .from(attemptSamples)
    .innerJoin(jobAttempts, eq(jobAttempts.id, attemptSamples.attemptId))
    .innerJoin(jobs, eq(jobs.id, jobAttempts.jobId))
    .innerJoin(
      sql`LATERAL (SELECT sum((g->>'util')::float8) / 100 AS used FROM jsonb_array_elements(${attemptSamples.gpus}) g) u`,
      sql`true`,
    )
    .where(and(inWindow, sql`${jobs.gpus} >= 1`, sql`u.used IS NOT NULL`))
    .groupBy(jobAttempts.jobId);
  const busy = new Map(busyRows.map((b) => [b.jobId, b]));
  return rows.map((r) => ({
    ...r,
    startedAt: r.startedAt!,
    finishedAt: r.finishedAt!,
    itKWh: Number(r.itKWh),
    gpuHours: Number(r.gpuHours),
    gpusBusyP95: busy.has(r.jobId) ? Number(busy.get(r.jobId)!.p95) : null,
    samples: busy.has(r.jobId) ? Number(busy.get(r.jobId)!.samples) : 0,
  }));
}

/**
 * What a GPU-hour of hardware costs: the facility's hourly hardware cost over its GPU capacity
 * (usage hours), or, without usage hours or for one team, what the cost lines paid per GPU-hour
 * held. Null: no data.
 */
export async function hardwarePerGpuHour(
  db: Db,
  opts: { from: Date; to: Date; siteId?: string; teamId?: string },
): Promise<{ value: number; basis: 'usage-hours' | 'cost-lines' } | null> {
  const [facility] = opts.teamId
    ? []
    : await db
        .select({
          hardware: sql<number>`coalesce(sum(${usageHours.hardware}), 0)::float8`,
          gpuHours: sql<number>`coalesce(sum(${usageHours.gpus}), 0)::float8`,
        })
        .from(usageHours)
        .where(
          and(
            gte(usageHours.hour, opts.from),
            lt(usageHours.hour, opts.to),
            opts.siteId ? eq(usageHours.siteId, opts.siteId) : undefined,
          ),
        );
  if (facility && Number(facility.gpuHours) > 0)
    return {
      value: Number(facility.hardware) / Number(facility.gpuHours),
      basis: 'usage-hours',
    };
  const [paid] = await db
    .select({
      hardware: sql<number>`coalesce(sum(${costLines.hardware}), 0)::float8`,
      gpuHours: sql<number>`coalesce(sum(${costLines.gpuHours}), 0)::float8`,
    })
    .from(costLines)
    .where(
      and(
        gte(costLines.day, opts.from),
        lt(costLines.day, opts.to),
        opts.siteId ? eq(costLines.siteId, opts.siteId) : undefined,
        opts.teamId ? eq(costLines.teamId, opts.teamId) : undefined,
      ),
    );
  if (paid && Number(paid.gpuHours) > 0)
    return { value: Number(paid.hardware) / Number(paid.gpuHours), basis: 'cost-lines' };
  return null;
}
