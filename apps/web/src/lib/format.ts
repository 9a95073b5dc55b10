/** Display helpers; the UI shows dates in the browser's time zone and durations in h/m/s. */

const DAY_AND_TIME: Intl.DateTimeFormatOptions = {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
};

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { year: 'numeric', ...DAY_AND_TIME });
}

/** Day and time without the year, for table cells; the full time goes in a tooltip. */
export function formatShortDateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, DAY_AND_TIME);
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h) return `${h} h ${m} min`;
  if (m) return `${m} min ${rest} s`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Run time of a job: start to finish, or start to now while it runs; null before it starts. */
export function jobDurationMs(
  job: { startedAt: string | null; finishedAt: string | null },
  now: number,
): number | null {
  if (!job.startedAt) return null;
  const end = job.finishedAt ? Date.parse(job.finishedAt) : now;
  return end - Date.parse(job.startedAt);
}
