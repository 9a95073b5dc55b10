// A team's month against its budget: what it spent to date and where the recent pace takes it by
// month end. Pure, so the forecast can be worked by hand.

export const DAY_MS = 86_400_000;

/** Days of spend the run rate averages: a week, so that weekdays and weekends both count. */
export const RUN_RATE_DAYS = 7;

export const BURN_DOWN_METHOD =
  `run rate: the mean daily spend of the last ${RUN_RATE_DAYS} whole UTC days before the forecast ` +
  `(days before the month count too), held constant from the forecast time to month end; ` +
  `projected = spent to date + run rate × days left`;

/** A calendar month in UTC: [start, end). */
export type Month = { label: string; startMs: number; endMs: number };

/** "2025-03" → the month's bounds in UTC. The label must already be valid (the API checks it). */
export function monthOf(label: string): Month {
  const [y, m] = label.split('-').map(Number) as [number, number];
  return { label, startMs: Date.UTC(y, m - 1, 1), endMs: Date.UTC(y, m, 1) };
}

/** The UTC month that contains `tMs`. */
export function monthAt(tMs: number): Month {
  const d = new Date(tMs);
  const label = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  return monthOf(label);
}

const floorDay = (tMs: number) => Math.floor(tMs / DAY_MS) * DAY_MS;

export type BurnDownDay = {
  /** The day's start (00:00Z), ISO. */
  day: string;
  /** Spend on the day's cost lines; null for days after the forecast time. */
  spent: number | null;
  /** Spend from the month's start to the day's end (to the forecast time on its day). */
  cumulative: number | null;
  /** Forecast spend from the month's start to the day's end; null for days already past. */
  projected: number | null;
  /** Budget less the cumulative (or, ahead, the projected) spend; null without a budget. */
  remaining: number | null;
};

export type BurnDown = {
  spent: number;
  dailyRate: number;
  rateWindow: { from: string; to: string; days: number; total: number };
  /** Days from the forecast time (or the month's start, if later) to month end. */
  daysLeft: number;
  projected: number;
  budget: number | null;
  /** Spent over budget; null without a budget. */
  used: number | null;
  /**
   * When the budget runs out: the day the month's spend passed it ('already'), or the instant the
   * run rate reaches it before month end ('projected'); null when it lasts the month.
   */
  runsOut: { at: string; kind: 'already' | 'projected' } | null;
  days: BurnDownDay[];
};

/**
 * The month's burn-down. `lines` are daily spends (any days: those in the month make the spend to
 * date, those in the week before `asOfMs` make the run rate). A line counts as spent once its day
 * has begun by `asOfMs`.
 */
export function burnDown(input: {
  month: Month;
  asOfMs: number;
  lines: readonly { dayMs: number; total: number }[];
  budget: number | null;
}): BurnDown {
  const { month, asOfMs, budget } = input;
  const t = Math.min(Math.max(asOfMs, month.startMs), month.endMs);
  const byDay = new Map<number, number>();
  for (const l of input.lines) byDay.set(l.dayMs, (byDay.get(l.dayMs) ?? 0) + l.total);

  const rateTo = Math.min(floorDay(asOfMs), month.endMs);
  const rateFrom = rateTo - RUN_RATE_DAYS * DAY_MS;
  let rateTotal = 0;
  for (const [day, total] of byDay) if (day >= rateFrom && day < rateTo) rateTotal += total;
  const dailyRate = rateTotal / RUN_RATE_DAYS;

  const forecastFrom = Math.max(asOfMs, month.startMs);
  const daysLeft = Math.max(0, month.endMs - forecastFrom) / DAY_MS;

  const days: BurnDownDay[] = [];
  let cumulative = 0;
  let ranOut: number | null = null;
  for (let day = month.startMs; day < month.endMs; day += DAY_MS) {
    const begun = day < t;
    const spentToday = begun ? (byDay.get(day) ?? 0) : null;
    if (spentToday !== null) cumulative += spentToday;
    if (budget !== null && ranOut === null && begun && cumulative >= budget) ranOut = day;
    days.push({
      day: new Date(day).toISOString(),
      spent: spentToday,
      cumulative: begun ? cumulative : null,
      projected: null,
      remaining: null,
    });
  }
  const spent = cumulative;
  // Ahead of the forecast time: the spend to date plus the run rate for the time up to each day's end.
  for (const d of days) {
    const dayEnd = Date.parse(d.day) + DAY_MS;
    if (dayEnd > forecastFrom)
      d.projected = spent + (dailyRate * (Math.min(dayEnd, month.endMs) - forecastFrom)) / DAY_MS;
    if (budget !== null) d.remaining = budget - (d.projected ?? d.cumulative ?? 0);
  }
  const projected = spent + dailyRate * daysLeft;

  let runsOut: BurnDown['runsOut'] = null;
  if (budget !== null && ranOut !== null)
    runsOut = { at: new Date(ranOut).toISOString(), kind: 'already' };
  else if (budget !== null && projected > budget && dailyRate > 0)
    runsOut = {
      at: new Date(forecastFrom + ((budget - spent) / dailyRate) * DAY_MS).toISOString(),
      kind: 'projected',
    };

  return {
    spent,
    dailyRate,
    rateWindow: {
      from: new Date(rateFrom).toISOString(),
      to: new Date(rateTo).toISOString(),
      days: RUN_RATE_DAYS,
      total: rateTotal,
    },
    daysLeft,
    projected,
    budget,
    used: budget === null ? null : spent / budget,
    runsOut,
    days,
  };
}
