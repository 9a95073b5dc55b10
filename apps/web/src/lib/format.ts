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

/** A number with up to `digits` significant digits (whole numbers of any size kept whole). */
export function formatNumber(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '—';
  const abs = Math.abs(x);
  if (abs >= 10 ** digits) return Math.round(x).toLocaleString();
  return x.toLocaleString(undefined, { maximumSignificantDigits: digits });
}

/**
 * Money in its currency: cents from 1 up, three significant digits below (a short job's bill is
 * often a fraction of a cent, which "0.00" would hide).
 */
export function formatMoney(x: number, currency: string): string {
  const abs = Math.abs(x);
  const digits: Intl.NumberFormatOptions =
    abs === 0 || abs >= 1
      ? { minimumFractionDigits: 2, maximumFractionDigits: 2 }
      : { minimumSignificantDigits: 3, maximumSignificantDigits: 3 };
  try {
    return x.toLocaleString(undefined, { style: 'currency', currency, ...digits });
  } catch {
    return `${x.toLocaleString(undefined, digits)} ${currency}`;
  }
}

export function formatPercent(share: number | null): string {
  if (share === null || !Number.isFinite(share)) return '—';
  return share.toLocaleString(undefined, { style: 'percent', maximumFractionDigits: 1 });
}

/** Seconds since a start as m:ss, or h:mm:ss from an hour. */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** GPUs a job asks for: whole GPUs, or a share of one; with the models it accepts. */
export function formatGpuRequest(gpus: number, model?: string | null): string {
  if (!gpus) return 'none';
  const count =
    gpus < 1 ? `${formatNumber(gpus, 3)} of a GPU` : `${gpus} GPU${gpus === 1 ? '' : 's'}`;
  return model ? `${count} (${model.split('|').join(' or ')})` : count;
}

/** Energy in kWh shown in the unit that keeps it readable: kWh, Wh or mWh. */
export function formatEnergy(kWh: number): string {
  const abs = Math.abs(kWh);
  if (abs === 0 || abs >= 1) return `${formatNumber(kWh, 4)} kWh`;
  if (abs >= 0.001) return `${formatNumber(kWh * 1000, 3)} Wh`;
  return `${formatNumber(kWh * 1e6, 3)} mWh`;
}

/** A mass of CO2e given in kg, shown in t, kg, g or mg. */
export function formatMass(kg: number): string {
  const abs = Math.abs(kg);
  if (abs >= 1000) return `${formatNumber(kg / 1000, 3)} t`;
  if (abs === 0 || abs >= 1) return `${formatNumber(kg, 3)} kg`;
  if (abs >= 0.001) return `${formatNumber(kg * 1000, 3)} g`;
  return `${formatNumber(kg * 1e6, 3)} mg`;
}

/** Day, hour and minute, for narrow table cells; the full time goes in a tooltip. */
export function formatDayMinute(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { ...DAY_AND_TIME, second: undefined });
}
