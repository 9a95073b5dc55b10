// Admission control: a team whose budget for the month holds over-budget work keeps a new job out
// of the queue when its estimate would take the month past the budget. An admin releases it.
import { committedJobs, getBudget, teamSpend, type Db } from '@wattwise/db';

import type { SiteRatesLoader } from './billing';
import { monthAt } from './burn-down';
import { estimateJobCost, type EstimateRequest } from './job-estimate';

/** Cents from 1 up; three significant digits below, so that a small estimate does not read 0.00. */
const money = (x: number) => (x === 0 || Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3));

/**
 * Why the job must be held, or null when it may enter the queue: the month's budget does not hold
 * over-budget work, the job gives no expected run time (nothing to estimate), or month-to-date spend
 * + the estimates of the team's queued and running jobs + this job's estimate stay within budget.
 * Queued jobs without an expected run time add nothing; running ones add only the time they have left.
 */
export async function budgetHoldReason(
  deps: { db: Db; siteRates?: SiteRatesLoader; log?: (message: string) => void },
  teamId: string,
  job: EstimateRequest,
  startMs = Date.now(),
): Promise<string | null> {
  const nowMs = Date.now();
  const month = monthAt(nowMs);
  const budget = await getBudget(deps.db, teamId, new Date(month.startMs));
  if (!budget?.holdOverBudget) return null;
  const estimate = await estimateOrNull(deps, job, startMs, teamId);
  if (!estimate) return null;
  if (estimate.currency !== budget.currency) {
    deps.log?.(
      `budget hold skipped for team ${teamId}: the estimate is in ${estimate.currency}, the budget in ${budget.currency}`,
    );
    return null;
  }
  const spent = await teamSpend(deps.db, teamId, new Date(month.startMs), new Date(month.endMs));
  let committed = 0;
  for (const other of await committedJobs(deps.db, teamId)) {
    const elapsed = other.startedAt ? (nowMs - other.startedAt.getTime()) / 1000 : 0;
    const left = (other.expectedSeconds ?? 0) - elapsed;
    if (left <= 0) continue;
    const e = await estimateOrNull(deps, { ...other, expectedSeconds: left }, nowMs, teamId);
    committed += e?.total ?? 0;
  }
  if (spent + committed + estimate.total <= budget.amount) return null;
  const cur = budget.currency;
  return (
    `held: budget ${month.label} would be exceeded: spent ${money(spent)} ${cur}, ` +
    `queued and running ≈ ${money(committed)} ${cur}, this job ≈ ${money(estimate.total)} ${cur}, ` +
    `budget ${money(budget.amount)} ${cur}`
  );
}

/** The estimate, or null (logged) when the site's configuration gives none: that blocks no submission. */
async function estimateOrNull(
  deps: Parameters<typeof budgetHoldReason>[0],
  job: EstimateRequest,
  startMs: number,
  teamId: string,
) {
  try {
    return await estimateJobCost(deps, job, startMs);
  } catch (err) {
    deps.log?.(
      `budget hold for team ${teamId}: no estimate (${err instanceof Error ? err.message : String(err)})`,
    );
    return null;
  }
}
