/** The overview's time window and granularity, as its URL says them. */

export const OVERVIEW_WINDOWS = ['24h', '7d', '30d', 'custom'] as const;
export type OverviewWindow = (typeof OVERVIEW_WINDOWS)[number];
export type Granularity = 'hour' | 'day';

export const WINDOW_LABELS: Record<OverviewWindow, string> = {
  '24h': '24 h',
  '7d': '7 d',
  '30d': '30 d',
  custom: 'Custom',
};

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const PRESET_HOURS: Record<Exclude<OverviewWindow, 'custom'>, number> = {
  '24h': 24,
  '7d': 7 * 24,
  '30d': 30 * 24,
};
/** What the API accepts (see overview.summary). */
const MAX_DAYS = 400;
const MAX_HOURLY_DAYS = 92;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export type OverviewView = {
  window: OverviewWindow;
  granularity: Granularity;
  /** The API's window, ISO instants: presets end with the current hour. */
  from: string;
  to: string;
  /** Custom windows: the first and last UTC day shown (YYYY-MM-DD, both included). */
  fromDay: string;
  toDay: string;
  /** Why the URL's custom window was not used (the default is shown instead); null when fine. */
  problem: string | null;
};

/** Hourly up to a week, daily beyond: a month by the hour is 720 points a chart cannot tell apart. */
export function defaultGranularity(hours: number): Granularity {
  return hours <= 7 * 24 ? 'hour' : 'day';
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The view the URL asks for at `nowMs`: `?window=24h|7d|30d|custom`, with `from` and `to` as UTC
 * days for a custom window, and `granularity=hour|day` when not the window's default. Presets run
 * up to the end of the current hour; the default is the last 30 days.
 */
export function overviewViewFrom(params: URLSearchParams, nowMs: number): OverviewView {
  const end = Math.floor(nowMs / HOUR_MS) * HOUR_MS + HOUR_MS;
  const asked = params.get('window');
  let window: OverviewWindow = (OVERVIEW_WINDOWS as readonly string[]).includes(asked ?? '')
    ? (asked as OverviewWindow)
    : '30d';
  let problem: string | null = null;
  let from = 0;
  let to = 0;
  if (window === 'custom') {
    const fromDay = params.get('from') ?? '';
    const toDay = params.get('to') ?? '';
    from = DATE.test(fromDay) ? Date.parse(`${fromDay}T00:00:00Z`) : NaN;
    // The last day is included: the window ends at the next midnight.
    to = DATE.test(toDay) ? Date.parse(`${toDay}T00:00:00Z`) + DAY_MS : NaN;
    if (Number.isNaN(from)) problem = `from: "${fromDay}" is not a date (YYYY-MM-DD)`;
    else if (Number.isNaN(to)) problem = `to: "${toDay}" is not a date (YYYY-MM-DD)`;
    else if (to <= from) problem = `to: ${toDay} is before from (${fromDay})`;
    else if (to - from > MAX_DAYS * DAY_MS)
      problem = `from: a window spans at most ${MAX_DAYS} days`;
    if (problem) window = '30d';
  }
  if (window !== 'custom') {
    to = end;
    from = end - PRESET_HOURS[window] * HOUR_MS;
  }
  const hours = (to - from) / HOUR_MS;
  const askedGranularity = params.get('granularity');
  const granularity: Granularity =
    (askedGranularity === 'hour' && hours <= MAX_HOURLY_DAYS * 24) || askedGranularity === 'day'
      ? askedGranularity
      : defaultGranularity(hours);
  return {
    window,
    granularity,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    fromDay: dayOf(from),
    toDay: dayOf(to - 1),
    problem,
  };
}

/** The URL of a view: only what differs from the defaults. */
export function searchOfView(view: {
  window: OverviewWindow;
  granularity: Granularity;
  fromDay?: string;
  toDay?: string;
}): string {
  const search = new URLSearchParams();
  if (view.window !== '30d') search.set('window', view.window);
  let hours = view.window === 'custom' ? NaN : PRESET_HOURS[view.window];
  if (view.window === 'custom') {
    search.set('from', view.fromDay ?? '');
    search.set('to', view.toDay ?? '');
    hours =
      (Date.parse(`${view.toDay}T00:00:00Z`) + DAY_MS - Date.parse(`${view.fromDay}T00:00:00Z`)) /
      HOUR_MS;
  }
  if (Number.isNaN(hours) || view.granularity !== defaultGranularity(hours))
    search.set('granularity', view.granularity);
  return search.toString();
}

/** Whether hourly buckets are on offer for a window (the API refuses them beyond a quarter). */
export function hourlyAllowed(view: Pick<OverviewView, 'from' | 'to'>): boolean {
  return Date.parse(view.to) - Date.parse(view.from) <= MAX_HOURLY_DAYS * DAY_MS;
}
