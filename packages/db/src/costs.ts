import { sql, type SQL } from 'drizzle-orm';

import type { Db } from './client';
import { QueueError } from './errors';

/** What the cost explorer groups by; `part` unpivots the cost parts, `day` is the UTC day. */
export const COST_DIMENSIONS = [
  'team',
  'project',
  'job',
  'gpuModel',
  'node',
  'part',
  'day',
] as const;
export type CostDimension = (typeof COST_DIMENSIONS)[number];

/** Dimensions a view can be filtered on (a day is chosen with the period instead). */
export const COST_FILTERS = ['team', 'project', 'job', 'gpuModel', 'node', 'part'] as const;
export type CostFilter = (typeof COST_FILTERS)[number];

/** The five parts of a bill, then the two a job does not cause itself (idle capacity, shared costs). */
export const COST_PARTS = ['hardware', 'energy', 'operations', 'storage', 'bandwidth'] as const;
export const COST_PART_VALUES = [...COST_PARTS, 'idle', 'shared'] as const;
export type CostPartValue = (typeof COST_PART_VALUES)[number];

/**
 * Idle capacity and shared costs: left out (`hidden`), as rows of their own (`separate`), or spread
 * over the jobs of each site and day in proportion to their cost (`shared`).
 */
export type IdleMode = 'hidden' | 'separate' | 'shared';

export type CostQuery = {
  /** Whole UTC days: lines with start ≤ day < end, usage hours with start ≤ hour < end. */
  start: Date;
  end: Date;
  siteId?: string;
  /** One or two dimensions. */
  groupBy: readonly CostDimension[];
  /** Values to keep per dimension; null stands for "none recorded" (a job without a project). */
  filters: Partial<Record<CostFilter, readonly (string | null)[]>>;
  /** Only this team's lines (a member's view). */
  teamId?: string;
  idle: IdleMode;
  /** Most groups returned; the rest are counted and totalled but not listed. */
  limit: number;
};

export const MONEY_COLUMNS = [...COST_PARTS, 'idle', 'shared', 'total'] as const;
export const QUANTITY_COLUMNS = ['gpuHours', 'itKWh', 'facilityKWh', 'co2eKg'] as const;
type Figures = Record<(typeof MONEY_COLUMNS)[number] | (typeof QUANTITY_COLUMNS)[number], number>;

export type CostGroup = Figures & {
  /** Jobs' costs, or the facility's idle capacity or shared costs (`separate` only). */
  kind: 'jobs' | 'idle' | 'shared';
  /**
   * One per dimension: a team or job id, a project, GPU model or node name, a part, a day as
   * YYYY-MM-DD. Null where none was recorded, and for dimensions an idle or shared row has no value in.
   */
  keys: (string | null)[];
  /** Names for ids (team and job names); the key itself elsewhere. */
  labels: (string | null)[];
};

export type CostExploration = {
  rows: CostGroup[];
  /** Groups in all, before `limit`. */
  groups: number;
  /** Over every group, listed or not. */
  totals: Figures;
  /** The lines' currency; null when there were none. */
  currency: string | null;
  /** `shared`: idle and shared cost of site-days on which no job cost anything, so not spread. */
  unallocated: { idle: number; shared: number } | null;
  /** `separate` with a filter on who or what ran: the facility rows were left out. */
  facilityRowsOmitted: boolean;
};

/** How the facility rows of `separate` are named under dimensions they have no value in. */
export const FACILITY_LABELS = { idle: 'Idle capacity', shared: 'Shared costs' } as const;

const FILTER_COLUMN: Record<Exclude<CostFilter, 'part'>, string> = {
  team: 'team_id',
  project: 'project',
  job: 'job_id',
  gpuModel: 'gpu_model',
  node: 'node',
};

const iso = (d: Date) => d.toISOString();

/** `col IN (…)`, with null in the list meaning "or no value recorded". */
function inList(column: SQL, values: readonly (string | null)[]): SQL {
  const named = values.filter((v): v is string => v !== null);
  const parts: SQL[] = [];
  if (named.length)
    parts.push(
      sql`${column} IN (${sql.join(
        named.map((v) => sql`${v}`),
        sql`, `,
      )})`,
    );
  if (named.length < values.length) parts.push(sql`${column} IS NULL`);
  if (!parts.length) return sql`false`;
  return sql`(${sql.join(parts, sql` OR `)})`;
}

/** The day of a usage hour, 00:00 UTC, whatever the session's time zone. */
const usageDay = sql`(date_trunc('day', u.hour AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`;

/**
 * Cost lines (and, by the idle mode, the facility's idle and shared cost) grouped by one or two
 * dimensions, with every money column and quantity summed in the database. Sorted by total,
 * largest first.
 */
export async function exploreCosts(db: Db, q: CostQuery): Promise<CostExploration> {
  if (q.groupBy.length < 1 || q.groupBy.length > 2)
    throw new QueueError('BAD_REQUEST', 'groupBy: give one or two dimensions');
  const window = sql`cl.day >= ${iso(q.start)}::timestamptz AND cl.day < ${iso(q.end)}::timestamptz`;
  const site = q.siteId ? sql` AND cl.site_id = ${q.siteId}` : sql``;
  const usageWhere = sql`u.hour >= ${iso(q.start)}::timestamptz AND u.hour < ${iso(q.end)}::timestamptz${
    q.siteId ? sql` AND u.site_id = ${q.siteId}` : sql``
  }`;

  const lineWhere: SQL[] = [window];
  if (q.siteId) lineWhere.push(sql`cl.site_id = ${q.siteId}`);
  if (q.teamId) lineWhere.push(sql`cl.team_id = ${q.teamId}`);
  for (const [dim, column] of Object.entries(FILTER_COLUMN) as [CostFilter, string][]) {
    const values = q.filters[dim];
    if (values) lineWhere.push(inList(sql.raw(`cl.${column}`), values));
  }

  // Per line: its own parts, and in `shared` mode its share of its site-day's idle and shared cost,
  // by its cost over the cost of every job that site-day (all teams, whatever the filters).
  const shared = q.idle === 'shared';
  const ctes: SQL[] = shared
    ? [
        sql`w AS (${dayWeights(window, site)})`,
        sql`f AS (
          SELECT u.site_id, ${usageDay} AS day, sum(u.idle_cost) AS idle, sum(u.shared_cost) AS shared
          FROM usage_hours u WHERE ${usageWhere} GROUP BY 1, 2)`,
      ]
    : [];
  const share = (col: 'idle' | 'shared') =>
    shared
      ? sql`coalesce(CASE WHEN w.weight > 0 THEN greatest(cl.total, 0) / w.weight * f.${sql.raw(col)} END, 0)`
      : sql`0::float8`;
  const lines = sql`
    SELECT cl.team_id, cl.project, cl.job_id, cl.gpu_model, cl.node, cl.day, cl.currency,
      cl.hardware, cl.energy, cl.operations, cl.storage, cl.bandwidth,
      ${share('idle')} AS idle, ${share('shared')} AS shared,
      cl.gpu_hours, cl.it_kwh, cl.facility_kwh, cl.co2e_kg
    FROM cost_lines cl
    ${shared ? sql`LEFT JOIN w ON w.site_id = cl.site_id AND w.day = cl.day LEFT JOIN f ON f.site_id = cl.site_id AND f.day = cl.day` : sql``}
    WHERE ${sql.join(lineWhere, sql` AND `)}`;

  // `part` as a dimension or filter: one row per line and part, each carrying only its own money
  // (GPU-hours go with hardware, energy and CO2e with energy, as FOCUS prices them).
  const partFilter = q.filters.part;
  const unpivot = q.groupBy.includes('part') || partFilter !== undefined;
  const partNames = shared ? COST_PART_VALUES : COST_PARTS;
  const money = (col: (typeof MONEY_COLUMNS)[number]): SQL => {
    if (col === 'total')
      return unpivot
        ? sql`p.amount`
        : sql`x.hardware + x.energy + x.operations + x.storage + x.bandwidth + x.idle + x.shared`;
    return unpivot ? sql`CASE WHEN p.part = ${col} THEN p.amount ELSE 0 END` : sql.raw(`x.${col}`);
  };
  const quantity = (col: string, part: 'hardware' | 'energy'): SQL =>
    unpivot
      ? sql`CASE WHEN p.part = ${part} THEN x.${sql.raw(col)} ELSE 0 END`
      : sql.raw(`x.${col}`);
  const from = unpivot
    ? sql`x CROSS JOIN LATERAL (VALUES ${sql.join(
        partNames.map((p) => sql`(${p}::text, x.${sql.raw(p)})`),
        sql`, `,
      )}) AS p(part, amount)${partFilter ? sql` WHERE ${inList(sql`p.part`, partFilter)}` : sql``}`
    : sql`x`;

  const keyOf: Record<CostDimension, SQL> = {
    team: sql`x.team_id`,
    project: sql`x.project`,
    job: sql`x.job_id`,
    gpuModel: sql`x.gpu_model`,
    node: sql`x.node`,
    part: sql`p.part`,
    day: sql`to_char(x.day AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
  };
  const keys = q.groupBy.map((d, i) => sql`${keyOf[d]} AS ${sql.raw(`k${i}`)}`);
  const sums = sql.join(
    [
      ...MONEY_COLUMNS.map((c) => sql`sum(${money(c)})::float8 AS ${sql.raw(c)}`),
      sql`sum(${quantity('gpu_hours', 'hardware')})::float8 AS gpu_hours`,
      sql`sum(${quantity('it_kwh', 'energy')})::float8 AS it_kwh`,
      sql`sum(${quantity('facility_kwh', 'energy')})::float8 AS facility_kwh`,
      sql`sum(${quantity('co2e_kg', 'energy')})::float8 AS co2e_kg`,
    ],
    sql`, `,
  );
  const columns = [...MONEY_COLUMNS, 'gpu_hours', 'it_kwh', 'facility_kwh', 'co2e_kg'];
  const n = q.groupBy.length;
  const dims = (f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(', ');
  const labelJoins = q.groupBy
    .map((d, i) =>
      d === 'team'
        ? `LEFT JOIN teams l${i} ON l${i}.id = g.k${i}`
        : d === 'job'
          ? `LEFT JOIN jobs l${i} ON l${i}.id = g.k${i}`
          : '',
    )
    .join(' ');
  const labels = dims((i) =>
    q.groupBy[i] === 'team' || q.groupBy[i] === 'job'
      ? `l${i}.name AS label${i}`
      : `NULL::text AS label${i}`,
  );

  // The listed groups, then one summary row over every group (count, sums, currencies), so the
  // totals cost one row on the wire rather than a window column on each of thousands.
  const res = (await db.execute(sql`
    WITH ${sql.join([...ctes, sql`x AS (${lines})`], sql`, `)}, g AS (
      SELECT ${sql.join(keys, sql`, `)}, ${sums}, min(x.currency) AS cur_min, max(x.currency) AS cur_max
      FROM ${from}
      GROUP BY ${sql.raw(dims((i) => `k${i}`))}
    )
    SELECT * FROM ((
      SELECT false AS summary, ${sql.raw(dims((i) => `g.k${i}`))}, ${sql.raw(labels)},
        ${sql.raw(columns.map((c) => `g.${c}`).join(', '))},
        NULL::int AS groups, NULL::text AS cur_min, NULL::text AS cur_max
      FROM g ${sql.raw(labelJoins)}
      ORDER BY g.total DESC, ${sql.raw(dims((i) => `g.k${i}`))}
      LIMIT ${q.limit}
    ) UNION ALL (
      SELECT true, ${sql.raw(dims(() => 'NULL'))}, ${sql.raw(dims(() => 'NULL'))},
        ${sql.raw(columns.map((c) => `sum(g.${c})::float8`).join(', '))},
        count(*)::int, min(g.cur_min), max(g.cur_max)
      FROM g
    )) r
    -- Branches may come back interleaved (a parallel append): order the whole answer.
    ORDER BY r.summary, r.total DESC NULLS LAST, ${sql.raw(dims((i) => `r.k${i}`))}`)) as unknown as {
    rows: Record<string, unknown>[];
  };

  const summary = res.rows.find((r) => r.summary === true)!;
  const listed = res.rows.filter((r) => r.summary !== true);
  if (summary.cur_min !== summary.cur_max)
    throw new QueueError(
      'BAD_REQUEST',
      `siteId: the lines are in more than one currency (${String(summary.cur_min)}, ${String(summary.cur_max)}); choose a site`,
    );
  const figures = (r: Record<string, unknown>): Figures => ({
    hardware: num(r.hardware),
    energy: num(r.energy),
    operations: num(r.operations),
    storage: num(r.storage),
    bandwidth: num(r.bandwidth),
    idle: num(r.idle),
    shared: num(r.shared),
    total: num(r.total),
    gpuHours: num(r.gpu_hours),
    itKWh: num(r.it_kwh),
    facilityKWh: num(r.facility_kwh),
    co2eKg: num(r.co2e_kg),
  });
  const rows: CostGroup[] = listed.map((r) => ({
    kind: 'jobs',
    keys: q.groupBy.map((_, i) => (r[`k${i}`] ?? null) as string | null),
    labels: q.groupBy.map((_, i) => (r[`label${i}`] ?? null) as string | null),
    ...figures(r),
  }));
  const out: CostExploration = {
    rows,
    groups: Number(summary.groups),
    totals: figures(summary),
    currency: summary.cur_min === null ? null : String(summary.cur_min),
    unallocated: null,
    facilityRowsOmitted: false,
  };

  if (shared) out.unallocated = await unallocated(db, window, site, usageWhere);
  if (q.idle === 'separate') {
    const narrowed = COST_FILTERS.some((f) => f !== 'part' && q.filters[f] !== undefined);
    if (narrowed || q.teamId) out.facilityRowsOmitted = true;
    else await addFacilityRows(db, q, usageWhere, out);
  }
  return out;
}

/** What each site-day's jobs cost, the denominator of `shared` (a negative-cost line weighs nothing). */
function dayWeights(window: SQL, site: SQL): SQL {
  return sql`SELECT cl.site_id, cl.day, sum(greatest(cl.total, 0)) AS weight
    FROM cost_lines cl WHERE ${window}${site} GROUP BY cl.site_id, cl.day`;
}

/** Idle and shared cost of the site-days on which no job cost anything: `shared` cannot spread it. */
async function unallocated(
  db: Db,
  window: SQL,
  site: SQL,
  usageWhere: SQL,
): Promise<{ idle: number; shared: number }> {
  const res = (await db.execute(sql`
    WITH w AS (${dayWeights(window, site)})
    SELECT coalesce(sum(u.idle_cost), 0)::float8 AS idle, coalesce(sum(u.shared_cost), 0)::float8 AS shared
    FROM usage_hours u LEFT JOIN w ON w.site_id = u.site_id AND w.day = ${usageDay}
    WHERE ${usageWhere} AND coalesce(w.weight, 0) <= 0`)) as unknown as {
    rows: { idle: number; shared: number }[];
  };
  const r = res.rows[0]!;
  return { idle: num(r.idle), shared: num(r.shared) };
}

/**
 * `separate`: the facility's idle capacity and shared costs as rows of their own, from usage hours.
 * Idle carries the GPU-hours no job held and the energy no job drew (IT kWh, × PUE at the meter,
 * × the hour's carbon); shared costs draw nothing. By day when `day` is a dimension; under `part`
 * they are the parts "idle" and "shared"; other dimensions have no value for them (null).
 */
async function addFacilityRows(
  db: Db,
  q: CostQuery,
  usageWhere: SQL,
  out: CostExploration,
): Promise<void> {
  const byDay = q.groupBy.includes('day');
  const res = (await db.execute(sql`
    SELECT ${byDay ? sql`to_char(${usageDay} AT TIME ZONE 'UTC', 'YYYY-MM-DD')` : sql`NULL::text`} AS day,
      sum(u.idle_cost)::float8 AS idle, sum(u.shared_cost)::float8 AS shared,
      sum(greatest(u.gpus - u.gpu_hours_allocated, 0))::float8 AS gpu_hours,
      sum(greatest(u.it_kwh - u.jobs_it_kwh, 0))::float8 AS it_kwh,
      sum(greatest(u.it_kwh - u.jobs_it_kwh, 0) * u.pue)::float8 AS facility_kwh,
      sum(greatest(u.it_kwh - u.jobs_it_kwh, 0) * u.pue * u.kg_per_kwh)::float8 AS co2e_kg,
      min(u.currency) AS cur_min, max(u.currency) AS cur_max
    FROM usage_hours u WHERE ${usageWhere}
    GROUP BY 1 ORDER BY 1`)) as unknown as { rows: Record<string, unknown>[] };
  if (!res.rows.length) return;
  const currencies = new Set(res.rows.flatMap((r) => [r.cur_min, r.cur_max].map(String)));
  if (out.currency) currencies.add(out.currency);
  if (currencies.size > 1)
    throw new QueueError(
      'BAD_REQUEST',
      `siteId: the facility's hours are in more than one currency (${[...currencies].join(', ')}); choose a site`,
    );
  out.currency ??= [...currencies][0]!;
  const wanted = q.filters.part;
  const zero = { hardware: 0, energy: 0, operations: 0, storage: 0, bandwidth: 0 };
  const facilityRows: CostGroup[] = [];
  for (const r of res.rows) {
    const keysFor = (kind: 'idle' | 'shared') =>
      q.groupBy.map((d) => (d === 'day' ? String(r.day) : d === 'part' ? kind : null));
    const labelsFor = (kind: 'idle' | 'shared') =>
      q.groupBy.map((d) => (d === 'day' || d === 'part' ? null : FACILITY_LABELS[kind]));
    const idle = num(r.idle);
    const shared = num(r.shared);
    if (!wanted || wanted.includes('idle'))
      facilityRows.push({
        kind: 'idle',
        keys: keysFor('idle'),
        labels: labelsFor('idle'),
        ...zero,
        idle,
        shared: 0,
        total: idle,
        gpuHours: num(r.gpu_hours),
        itKWh: num(r.it_kwh),
        facilityKWh: num(r.facility_kwh),
        co2eKg: num(r.co2e_kg),
      });
    if (!wanted || wanted.includes('shared'))
      facilityRows.push({
        kind: 'shared',
        keys: keysFor('shared'),
        labels: labelsFor('shared'),
        ...zero,
        idle: 0,
        shared,
        total: shared,
        gpuHours: 0,
        itKWh: 0,
        facilityKWh: 0,
        co2eKg: 0,
      });
  }
  for (const f of facilityRows) {
    for (const c of [...MONEY_COLUMNS, ...QUANTITY_COLUMNS]) out.totals[c] += f[c];
  }
  out.groups += facilityRows.length;
  // Facility rows join the list by size; the limit still holds.
  out.rows = [...out.rows, ...facilityRows].sort((a, b) => b.total - a.total).slice(0, q.limit);
}

function num(v: unknown): number {
  return v === null || v === undefined ? 0 : Number(v);
}
