// Loaded history: past use of a facility (a simulated month of a public trace) stored as jobs with
// origin 'history', their bills and cost lines, and the facility's hourly usage. Written in one
// transaction by the API's history loader; these are its queries.
import { and, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';

import type { Db } from './client';
import { newId } from './ids';
import { bills, costLines, jobs, nodes, sites, teams, usageHours, type Site } from './schema';

export type NewSite = typeof sites.$inferInsert;
export type NewHistoryNode = Omit<typeof nodes.$inferInsert, 'id' | 'siteId' | 'createdAt'>;
export type NewUsageHour = typeof usageHours.$inferInsert;
export type NewJob = typeof jobs.$inferInsert;

/** The site of that name, or a new one made from `site`. */
export async function ensureSite(db: Db, site: NewSite): Promise<Site> {
  const [found] = await db.select().from(sites).where(eq(sites.name, site.name));
  if (found) return found;
  const [made] = await db.insert(sites).values(site).returning();
  return made!;
}

export async function findSiteByName(db: Db, name: string): Promise<Site | null> {
  const [site] = await db.select().from(sites).where(eq(sites.name, name));
  return site ?? null;
}

/** Team ids by name, making the teams that do not exist yet. */
export async function ensureTeams(db: Db, names: readonly string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  await db
    .insert(teams)
    .values(names.map((name) => ({ id: newId('team'), name })))
    .onConflictDoNothing({ target: teams.name });
  const rows = await db
    .select({ id: teams.id, name: teams.name })
    .from(teams)
    .where(inArray(teams.name, [...names]));
  return new Map(rows.map((r) => [r.name, r.id]));
}

/**
 * Jobs loaded as history at a site: history jobs have no attempts, so their bills and cost lines
 * are what ties them to it (every one has a bill or, still running, a cost line).
 */
const historyJobsAt = (siteId: string) => sql`
  SELECT job_id FROM bills WHERE site_id = ${siteId}
  UNION SELECT job_id FROM cost_lines WHERE site_id = ${siteId}`;

export type SiteHistory = { jobs: number; hours: number; from: Date | null; to: Date | null };

/** What history a site already holds: its loaded jobs and simulated hours. */
export async function siteHistory(db: Db, siteId: string): Promise<SiteHistory> {
  const [j] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(jobs)
    .where(and(eq(jobs.origin, 'history'), sql`${jobs.id} IN (${historyJobsAt(siteId)})`));
  const [h] = await db
    .select({
      n: sql<number>`count(*)::int`,
      from: sql<string | null>`min(${usageHours.hour})`,
      to: sql<string | null>`max(${usageHours.hour})`,
    })
    .from(usageHours)
    .where(and(eq(usageHours.siteId, siteId), eq(usageHours.source, 'simulated')));
  return {
    jobs: j?.n ?? 0,
    hours: h?.n ?? 0,
    from: h?.from ? new Date(h.from) : null,
    to: h?.to ? new Date(h.to) : null,
  };
}

/** Removes a site's loaded history: its history jobs with their bills and cost lines, and its simulated hours. */
export async function deleteSiteHistory(db: Db, siteId: string): Promise<void> {
  // One statement: every part reads the same snapshot, and the foreign keys are checked at its end.
  await db.execute(sql`
    WITH doomed AS (SELECT id FROM jobs WHERE origin = 'history' AND id IN (${historyJobsAt(siteId)})),
    gone_lines AS (DELETE FROM cost_lines WHERE job_id IN (SELECT id FROM doomed)),
    gone_bills AS (DELETE FROM bills WHERE job_id IN (SELECT id FROM doomed))
    DELETE FROM jobs WHERE id IN (SELECT id FROM doomed)`);
  await db
    .delete(usageHours)
    .where(and(eq(usageHours.siteId, siteId), eq(usageHours.source, 'simulated')));
}

/** The site's nodes as listed: new names are added, known ones take the listed figures. */
export async function upsertNodes(
  db: Db,
  siteId: string,
  list: readonly NewHistoryNode[],
): Promise<void> {
  await insertJson(
    db,
    nodes,
    list.map((n) => ({ id: newId('node'), siteId, ...n })),
    sql`ON CONFLICT (site_id, name) DO UPDATE SET gpu_model = excluded.gpu_model,
      gpu_count = excluded.gpu_count, cpu_cores = excluded.cpu_cores,
      memory_gb = excluded.memory_gb, rack = excluded.rack`,
  );
}

export type HistoryWrite = {
  jobs: NewJob[];
  bills: (typeof bills.$inferInsert)[];
  costLines: (typeof costLines.$inferInsert)[];
  usage: NewUsageHour[];
};

/** Writes loaded history, a thousand rows per statement. */
export async function saveHistory(db: Db, rows: HistoryWrite): Promise<void> {
  await insertJson(db, jobs, rows.jobs);
  await insertJson(db, bills, rows.bills);
  await insertJson(db, costLines, rows.costLines);
  await insertJson(db, usageHours, rows.usage);
}

const BATCH = 1000;

/**
 * Inserts rows a batch at a time, each batch one JSON document (INSERT … SELECT FROM
 * jsonb_to_recordset): PGlite binds thousands of separate parameters slowly, and one document per
 * batch loads several times faster. A key some rows leave out is NULL in them, not the default.
 */
async function insertJson<T extends PgTable>(
  db: Db,
  table: T,
  rows: readonly T['$inferInsert'][],
  onConflict: SQL = sql``,
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.entries(getTableColumns(table)).filter(([key]) =>
    rows.some((r) => key in r),
  );
  const names = sql.join(
    columns.map(([, c]) => sql.identifier(c.name)),
    sql`, `,
  );
  const types = sql.join(
    columns.map(([, c]) => sql`${sql.identifier(c.name)} ${sql.raw(c.getSQLType())}`),
    sql`, `,
  );
  for (let i = 0; i < rows.length; i += BATCH) {
    const doc = rows.slice(i, i + BATCH).map((r: Record<string, unknown>) =>
      Object.fromEntries(
        columns.map(([key, c]) => {
          const v = r[key];
          return [c.name, v instanceof Date ? v.toISOString() : (v ?? null)];
        }),
      ),
    );
    await db.execute(sql`INSERT INTO ${table} (${names})
      SELECT ${names} FROM jsonb_to_recordset(${JSON.stringify(doc)}::jsonb) AS x(${types})
      ${onConflict}`);
  }
}
