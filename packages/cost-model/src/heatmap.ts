import { InputError, fraction } from './errors';
import { MS_PER_HOUR } from './series';

/** Hourly price and carbon from `startMs`, NaN where an hour has no value. */
export type HourlyPriceCarbon = {
  startMs: number;
  price: ArrayLike<number>;
  carbon: ArrayLike<number>;
};

export type HeatmapCell = {
  /** ISO weekday in the map's time zone: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Hour of the day in the map's time zone, 0–23. */
  hour: number;
  /** Means over the hours that fell in this cell; null where none had a value. */
  price: number | null;
  carbon: number | null;
  /** Hours averaged for each mean. */
  priceHours: number;
  carbonHours: number;
  /** Among the cheapest / cleanest cells (see `bestShare`). */
  cheapest: boolean;
  cleanest: boolean;
};

export type HourOfWeekHeatmap = {
  timeZone: string;
  /** 168 cells, Monday 00:00 first, then hour by hour. */
  cells: HeatmapCell[];
  /** Share of the cells with a value flagged as best for price and for carbon. */
  bestShare: number;
};

export type HeatmapOptions = {
  /** IANA time zone the hours of the day and weekdays are read in (default UTC). */
  timeZone?: string;
  /** Share of the cells flagged cheapest and cleanest (default 0.1: the best 17 of 168). */
  bestShare?: number;
};

/**
 * Mean price and carbon by hour of the day × weekday: when in the week power is cheapest and
 * cleanest. A cell is flagged when its mean is among the lowest `bestShare` of the cells (ties at the
 * cut included) and below the highest mean, so a flat tariff flags nothing.
 */
export function hourOfWeekHeatmap(
  input: HourlyPriceCarbon,
  options: HeatmapOptions = {},
): HourOfWeekHeatmap {
  const { timeZone = 'UTC', bestShare = 0.1 } = options;
  fraction('bestShare', bestShare);
  if (!Number.isFinite(input.startMs) || input.startMs % MS_PER_HOUR !== 0)
    throw new InputError('startMs', input.startMs, 'must be a UTC time on the hour (ms)');
  if (input.price.length !== input.carbon.length)
    throw new InputError(
      'carbon',
      input.carbon.length,
      `must hold as many hours as price (${input.price.length})`,
    );
  const localOffset = offsetFinder(timeZone);
  const sums = { price: new Float64Array(168), carbon: new Float64Array(168) };
  const counts = { price: new Uint32Array(168), carbon: new Uint32Array(168) };
  for (let i = 0; i < input.price.length; i++) {
    const t = input.startMs + i * MS_PER_HOUR;
    const local = new Date(t + localOffset(t));
    // getUTCDay: 0 = Sunday; cells start on Monday.
    const cell = ((local.getUTCDay() + 6) % 7) * 24 + local.getUTCHours();
    const p = input.price[i]!;
    const c = input.carbon[i]!;
    if (!Number.isNaN(p)) {
      sums.price[cell]! += p;
      counts.price[cell]!++;
    }
    if (!Number.isNaN(c)) {
      sums.carbon[cell]! += c;
      counts.carbon[cell]!++;
    }
  }
  const mean = (k: 'price' | 'carbon', cell: number) =>
    counts[k][cell] ? sums[k][cell]! / counts[k][cell]! : null;
  const cells: HeatmapCell[] = Array.from({ length: 168 }, (_, i) => ({
    weekday: Math.floor(i / 24) + 1,
    hour: i % 24,
    price: mean('price', i),
    carbon: mean('carbon', i),
    priceHours: counts.price[i]!,
    carbonHours: counts.carbon[i]!,
    cheapest: false,
    cleanest: false,
  }));
  const cheap = bestCut(
    cells.map((c) => c.price),
    bestShare,
  );
  const clean = bestCut(
    cells.map((c) => c.carbon),
    bestShare,
  );
  for (const c of cells) {
    c.cheapest = c.price !== null && c.price <= cheap;
    c.cleanest = c.carbon !== null && c.carbon <= clean;
  }
  return { timeZone, cells, bestShare };
}

/** The highest value still flagged, or −∞ when nothing is (no values, or all alike). */
function bestCut(values: (number | null)[], share: number): number {
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const k = Math.ceil(share * sorted.length);
  if (k === 0) return -Infinity;
  const cut = sorted[k - 1]!;
  return cut < sorted[sorted.length - 1]! ? cut : -Infinity;
}

/**
 * Milliseconds to add to a UTC time to read the wall clock of `timeZone` with UTC getters. Offsets
 * only change at daylight-saving switches, so one lookup per day serves every hour that day unless
 * the day's two ends disagree.
 */
function offsetFinder(timeZone: string): (tMs: number) => number {
  if (timeZone === 'UTC') return () => 0;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
  } catch {
    throw new InputError('timeZone', timeZone, 'is not an IANA time zone');
  }
  const exact = (tMs: number) => {
    const p = Object.fromEntries(format.formatToParts(tMs).map((x) => [x.type, x.value]));
    const wall = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!);
    return wall - Math.floor(tMs / 60_000) * 60_000;
  };
  const DAY = 24 * MS_PER_HOUR;
  const byDay = new Map<number, number | null>();
  return (tMs) => {
    const day = Math.floor(tMs / DAY);
    let offset = byDay.get(day);
    if (offset === undefined) {
      const a = exact(day * DAY);
      offset = a === exact((day + 1) * DAY - MS_PER_HOUR) ? a : null;
      byDay.set(day, offset);
    }
    return offset ?? exact(tMs);
  };
}
