/** The time windows of the energy and GPU pages, and the period each asks the API for. */
export const FACILITY_WINDOWS = ['24h', '72h', '30d', '12mo'] as const;
export type FacilityWindow = (typeof FACILITY_WINDOWS)[number];

export const DEFAULT_WINDOW: FacilityWindow = '30d';

export const WINDOW_LABELS: Record<FacilityWindow, string> = {
  '24h': '24 h',
  '72h': '72 h',
  '30d': '30 days',
  '12mo': '12 months',
};

const WINDOW_HOURS: Record<FacilityWindow, number> = {
  '24h': 24,
  '72h': 72,
  '30d': 30 * 24,
  '12mo': 365 * 24,
};

const HOUR_MS = 3_600_000;

export function parseWindow(value: string | null): FacilityWindow {
  return (FACILITY_WINDOWS as readonly string[]).includes(value ?? '')
    ? (value as FacilityWindow)
    : DEFAULT_WINDOW;
}

/**
 * The window up to the end of the current hour, plus `aheadHours` after it (the energy page shows
 * the next day's forecast). Whole hours, so the same window asked twice within an hour is one query.
 */
export function windowPeriod(
  window: FacilityWindow,
  nowMs: number,
  aheadHours = 0,
): { from: string; to: string } {
  const end = Math.ceil((nowMs + 1) / HOUR_MS) * HOUR_MS;
  return {
    from: new Date(end - WINDOW_HOURS[window] * HOUR_MS).toISOString(),
    to: new Date(end + aheadHours * HOUR_MS).toISOString(),
  };
}
