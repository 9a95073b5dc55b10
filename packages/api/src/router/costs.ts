import type { TRPCRouterRecord } from '@trpc/server';
import { TRPCError } from '@trpc/server';
import type { SharedPolicy } from '@wattwise/cost-model';
import { COST_DIMENSIONS, COST_PART_VALUES, exploreCosts, getSite, listSites } from '@wattwise/db';
import type { CostExploration, CostFilter, CostGroup, Db, Principal } from '@wattwise/db';
import { z } from 'zod';

import { checkPeriod, instant } from '../period';
import { userProcedure } from '../trpc';

const DAY_MS = 86_400_000;
/** Most rows one answer lists; the rest are counted and in the totals. */
export const EXPLORE_ROW_LIMIT = 5000;

const values = z.array(z.string().min(1).max(200).nullable()).min(1).max(1000);

export const exploreInput = z
  .strictObject({
    from: instant,
    to: instant,
    siteId: z.string().min(1).max(100).optional(),
    groupBy: z
      .array(z.enum(COST_DIMENSIONS))
      .min(1)
      .max(2)
      .refine((g) => new Set(g).size === g.length, 'must name two different dimensions'),
    filters: z
      .strictObject({
        team: values.optional(),
        project: values.optional(),
        job: values.optional(),
        gpuModel: values.optional(),
        node: values.optional(),
        part: z.array(z.enum(COST_PART_VALUES)).min(1).optional(),
      })
      .default({}),
    idle: z.enum(['hidden', 'separate', 'shared']).default('hidden'),
    compare: z.boolean().default(false),
    limit: z.number().int().min(1).max(EXPLORE_ROW_LIMIT).default(EXPLORE_ROW_LIMIT),
  })
  .superRefine((input, ctx) => void checkPeriod(input, ctx));
export type ExploreInput = z.infer<typeof exploreInput>;

/** Idle and shared cost are spread by cost-model's `proportional` policy: in proportion to direct cost. */
const SPREAD_POLICY: Extract<SharedPolicy, 'proportional'> = 'proportional';

export type ExploreRow = CostGroup & {
  /** Of the total over every row. */
  share: number;
  /** The matching row of the previous period (same keys; a day matched to the day one period earlier). */
  previousTotal: number | null;
  change: { amount: number; ratio: number | null } | null;
};

const floorDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const ceilDay = (ms: number) => Math.ceil(ms / DAY_MS) * DAY_MS;

/** A member sees only their team's jobs: no facility-wide figures, no other team's lines. */
function checkScope(principal: Principal, input: ExploreInput) {
  if (principal.role !== 'member') return;
  if (input.idle !== 'hidden')
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: `idle: "${input.idle}" needs the facility's idle capacity and shared costs, which only an admin sees; a member's view is "hidden"`,
    });
  const others = input.filters.team?.filter((t) => t !== principal.teamId) ?? [];
  if (others.length)
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: `filters.team: a member of ${principal.teamId} cannot see team ${others.join(', ')}`,
    });
}

/** The named site's currency, refusing an unknown site; null without one. */
async function siteCurrency(db: Db, siteId: string | undefined): Promise<string | null> {
  if (!siteId) return null;
  const site = await getSite(db, siteId);
  if (!site) throw new TRPCError({ code: 'BAD_REQUEST', message: `siteId: no site ${siteId}` });
  return site.currency;
}

/** Previous-period rows by their keys, each day moved forward by the period's length. */
function previousByKey(prev: CostExploration, shiftMs: number): Map<string, CostGroup> {
  const map = new Map<string, CostGroup>();
  for (const row of prev.rows) map.set(rowKey(row, shiftMs), row);
  return map;
}

function rowKey(row: CostGroup, shiftMs = 0): string {
  const keys = row.keys.map((k) =>
    k !== null && /^\d{4}-\d{2}-\d{2}$/.test(k) && shiftMs
      ? new Date(Date.parse(`${k}T00:00:00Z`) + shiftMs).toISOString().slice(0, 10)
      : k,
  );
  return JSON.stringify([row.kind, ...keys]);
}

export async function explore(db: Db, principal: Principal, input: ExploreInput) {
  checkScope(principal, input);
  const start = floorDay(Date.parse(input.from));
  const end = ceilDay(Date.parse(input.to));
  const length = end - start;
  const query = {
    siteId: input.siteId,
    groupBy: input.groupBy,
    filters: input.filters as Partial<Record<CostFilter, (string | null)[]>>,
    teamId: principal.role === 'member' ? principal.teamId! : undefined,
    idle: input.idle,
    limit: input.limit,
  };
  const ownCurrency = await siteCurrency(db, input.siteId);
  const current = await exploreCosts(db, { ...query, start: new Date(start), end: new Date(end) });
  const previous = input.compare
    ? await exploreCosts(db, { ...query, start: new Date(start - length), end: new Date(start) })
    : null;
  // With no lines to say it: the site's currency, or the first site's.
  const currency =
    current.currency ??
    previous?.currency ??
    ownCurrency ??
    (await listSites(db))[0]?.currency ??
    'USD';
  if (previous?.currency && previous.currency !== currency)
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `compare: the previous period is in ${previous.currency}, this one in ${currency}`,
    });

  const matched = previous ? previousByKey(previous, length) : null;
  const total = current.totals.total;
  const rows: ExploreRow[] = current.rows.map((row) => {
    const key = rowKey(row);
    const before = matched?.get(key);
    if (before) matched!.delete(key);
    const previousTotal = matched ? (before?.total ?? 0) : null;
    return {
      ...row,
      share: total !== 0 ? row.total / total : 0,
      previousTotal,
      change:
        previousTotal === null
          ? null
          : {
              amount: row.total - previousTotal,
              ratio: previousTotal !== 0 ? (row.total - previousTotal) / previousTotal : null,
            },
    };
  });
  const unmatched = matched ? [...matched.values()] : [];

  const notes: string[] = [];
  if (current.groups > rows.length)
    notes.push(
      `Listing the largest ${rows.length} of ${current.groups} rows; the totals cover all of them.`,
    );
  if (current.facilityRowsOmitted)
    notes.push(
      'Idle capacity and shared costs belong to the whole facility, not to a team, project, job, GPU model or node: with those filters they are left out.',
    );
  const iso = (ms: number) => new Date(ms).toISOString();

  return {
    /** Whose view this is: a member's is their team's jobs only, without facility-wide figures. */
    viewer: { role: principal.role, teamId: principal.teamId },
    currency,
    period: {
      from: input.from,
      to: input.to,
      start: iso(start),
      end: iso(end),
      days: length / DAY_MS,
    },
    previousPeriod: previous ? { start: iso(start - length), end: iso(start) } : null,
    groupBy: input.groupBy,
    filters: input.filters,
    idle: input.idle,
    rows,
    groups: current.groups,
    truncated: current.groups > rows.length,
    totals: current.totals,
    previousTotals: previous?.totals ?? null,
    comparison: previous
      ? {
          change: {
            amount: total - previous.totals.total,
            ratio:
              previous.totals.total !== 0
                ? (total - previous.totals.total) / previous.totals.total
                : null,
          },
          /** Previous-period rows (among those listed) with no row now. */
          unmatched: { rows: unmatched.length, total: unmatched.reduce((s, r) => s + r.total, 0) },
        }
      : null,
    allocation:
      input.idle === 'shared'
        ? {
            idlePolicy: SPREAD_POLICY,
            sharedPolicy: SPREAD_POLICY,
            basis: 'site-day' as const,
            unallocated: current.unallocated!,
            method:
              "Each site-day's idle capacity and shared costs (from the facility's hourly usage) are spread over the jobs that ran that day in proportion to their direct cost (cost-model's proportional policy), so every row carries its share in the idle and shared columns.",
          }
        : null,
    notes,
  };
}

export type ExploreOutput = Awaited<ReturnType<typeof explore>>;

export const costsRouter = {
  explore: userProcedure
    .input(exploreInput)
    .query(({ ctx, input }) => explore(ctx.db, ctx.principal, input)),
} satisfies TRPCRouterRecord;
