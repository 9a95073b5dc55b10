// Each team's month: spend to date from its cost lines, GPU-hours held (and, for an admin, their
// share of what the facility allocated), its budget, the burn-down forecast and its held jobs.
import { ESTIMATE_DEFAULTS } from '@wattwise/cost-model';
import {
  facilityGpuHours,
  getSite,
  listBudgets,
  listHeldJobs,
  listSites,
  listTeams,
  QueueError,
  teamDailySpend,
  type Db,
  type HeldJob,
  type Principal,
} from '@wattwise/db';

import {
  BURN_DOWN_METHOD,
  burnDown,
  DAY_MS,
  RUN_RATE_DAYS,
  type BurnDown,
  type Month,
} from './burn-down';

/**
 * The currency money is shown in: the named site's, else that of the first site; the estimator's
 * default where no site exists. Budgets take it when they are set.
 */
export async function siteCurrency(db: Db, siteId: string | undefined): Promise<string> {
  if (siteId) {
    const site = await getSite(db, siteId);
    if (!site) throw new QueueError('BAD_REQUEST', `siteId: no site has id "${siteId}"`);
    return site.currency;
  }
  const [first] = await listSites(db);
  return first?.currency ?? ESTIMATE_DEFAULTS.pricePerKWh.currency;
}

export type TeamMonth = {
  teamId: string;
  team: string;
  /** Spend whose bill is written, and cost to date of jobs still running (cost lines not yet billed). */
  billed: number;
  running: number;
  gpuHours: number;
  /** The team's GPU-hours over the facility's allocated GPU-hours in the same time; admin only. */
  facilityShare: number | null;
  budget: { amount: number; currency: string; holdOverBudget: boolean } | null;
  burnDown: BurnDown;
  held: HeldJob[];
};

export type TeamsSummary = {
  month: string;
  from: string;
  to: string;
  asOf: string;
  /** 'facility' for an admin (every team, may set budgets and release jobs), 'team' for a member. */
  scope: 'facility' | 'team';
  currency: string;
  method: { name: 'run-rate'; rateDays: number; description: string };
  /** Facility-wide GPU-hours in the month to date: admin only (null for a member or without usage hours). */
  facility: { gpuHoursAllocated: number; gpuCapacityHours: number } | null;
  teams: TeamMonth[];
};

export async function teamsSummary(
  db: Db,
  principal: Principal,
  opts: { month: Month; asOfMs: number; siteId?: string },
): Promise<TeamsSummary> {
  const { month, asOfMs, siteId } = opts;
  const currency = await siteCurrency(db, siteId);
  const admin = principal.role === 'admin';
  const teamId = admin ? undefined : principal.teamId!;
  const toMs = Math.min(Math.max(asOfMs, month.startMs), month.endMs);
  // Lines from a week before the month (or before the forecast) feed the run rate.
  const linesFrom =
    Math.min(month.startMs, Math.floor(asOfMs / DAY_MS) * DAY_MS) - RUN_RATE_DAYS * DAY_MS;
  const [teams, lines, budgets, held, facility] = await Promise.all([
    listTeams(db),
    teamDailySpend(db, { from: new Date(linesFrom), to: new Date(month.endMs), teamId, siteId }),
    listBudgets(db, { month: new Date(month.startMs), teamId }),
    listHeldJobs(db, { teamId }),
    admin
      ? facilityGpuHours(db, { from: new Date(month.startMs), to: new Date(toMs), siteId })
      : null,
  ]);
  const visible = teams.filter((t) => admin || t.id === teamId);
  return {
    month: month.label,
    from: new Date(month.startMs).toISOString(),
    to: new Date(month.endMs).toISOString(),
    asOf: new Date(asOfMs).toISOString(),
    scope: admin ? 'facility' : 'team',
    currency,
    method: { name: 'run-rate', rateDays: RUN_RATE_DAYS, description: BURN_DOWN_METHOD },
    facility: facility
      ? { gpuHoursAllocated: facility.allocated, gpuCapacityHours: facility.capacity }
      : null,
    teams: visible.map((team) => {
      const own = lines.filter((l) => l.teamId === team.id);
      const inMonth = own.filter((l) => {
        const day = l.day.getTime();
        return day >= month.startMs && day < toMs;
      });
      const billed = inMonth.reduce((s, l) => s + l.billed, 0);
      const total = inMonth.reduce((s, l) => s + l.total, 0);
      const gpuHours = inMonth.reduce((s, l) => s + l.gpuHours, 0);
      const budget = budgets.find((b) => b.teamId === team.id) ?? null;
      return {
        teamId: team.id,
        team: team.name,
        billed,
        running: total - billed,
        gpuHours,
        facilityShare: facility && facility.allocated > 0 ? gpuHours / facility.allocated : null,
        budget: budget
          ? {
              amount: budget.amount,
              currency: budget.currency,
              holdOverBudget: budget.holdOverBudget,
            }
          : null,
        burnDown: burnDown({
          month,
          asOfMs,
          lines: own.map((l) => ({ dayMs: l.day.getTime(), total: l.total })),
          budget: budget?.amount ?? null,
        }),
        held: held.filter((j) => j.teamId === team.id),
      };
    }),
  };
}
