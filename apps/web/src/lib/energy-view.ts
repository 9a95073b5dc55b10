import type { EnergyData } from './facility-queries';
import { formatNumber } from './format';

export type GridPoint = EnergyData['points'][number];
export type ValueStatus = GridPoint['priceStatus'];
export type Heatmap = NonNullable<NonNullable<EnergyData['heatmap']>['utc']>;
export type HeatmapCell = Heatmap['cells'][number];

export const STATUS_TEXT: Record<ValueStatus, string> = {
  measured: 'measured',
  estimated: 'estimated',
  forecast: 'forecast',
  tariff: 'tariff',
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Times in UTC or a site's zone: day and hour for hourly points, the day alone for daily means. */
export function timeFormatter(
  timeZone: string,
  resolution: 'hour' | 'day',
): (ms: number) => string {
  const key = `${timeZone}|${resolution}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, {
      timeZone,
      month: 'short',
      day: 'numeric',
      ...(resolution === 'hour' ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : {}),
    });
    formatters.set(key, f);
  }
  const fmt = f;
  return (ms) => fmt.format(ms);
}

export type EnergyChartRow = {
  t: number;
  price: number | null;
  priceForecast: number | null;
  priceBand: [number, number] | null;
  /** g/kWh */
  carbon: number | null;
  carbonForecast: number | null;
};

/**
 * The combined chart's rows: forecast hours in their own keys (drawn dashed), the last known point
 * repeated there so the line does not break; carbon in g/kWh; the min–max band for daily means.
 */
export function energyChartRows(points: readonly GridPoint[], resolution: 'hour' | 'day') {
  const rows: EnergyChartRow[] = points.map((p) => ({
    t: Date.parse(p.t),
    price: p.priceStatus === 'forecast' ? null : p.price,
    priceForecast: p.priceStatus === 'forecast' ? p.price : null,
    priceBand:
      resolution === 'day' && p.priceMin !== null && p.priceMax !== null
        ? [p.priceMin, p.priceMax]
        : null,
    carbon: p.carbonStatus === 'forecast' || p.carbon === null ? null : p.carbon * 1000,
    carbonForecast: p.carbonStatus === 'forecast' && p.carbon !== null ? p.carbon * 1000 : null,
  }));
  const first = points.findIndex(
    (p) => p.priceStatus === 'forecast' || p.carbonStatus === 'forecast',
  );
  if (first > 0) {
    const last = rows[first - 1]!;
    if (points[first]!.priceStatus === 'forecast') last.priceForecast = last.price;
    if (points[first]!.carbonStatus === 'forecast') last.carbonForecast = last.carbon;
  }
  const forecastFrom = first >= 0 ? rows[first]!.t : null;
  return { rows, forecastFrom };
}

/** Colours of the heat map, low (cheap, clean) to high; light enough for dark text on each. */
export const HEAT_COLOURS = ['#bbf7d0', '#dcfce7', '#fef9c3', '#fed7aa', '#fecaca'] as const;

/**
 * Up to five bins at the quintiles of the values, so a few price spikes do not paint every other
 * cell one colour; each bin's colour and range, for the cells and the legend.
 */
export function heatBins(values: readonly (number | null)[]) {
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const min = sorted[0] ?? 0;
  const max = sorted.at(-1) ?? 0;
  const cuts = [
    ...new Set([1, 2, 3, 4].map((k) => sorted[Math.floor((k * sorted.length) / 5)]!)),
  ].filter((c) => c > min);
  const colour = (b: number) =>
    HEAT_COLOURS[cuts.length ? Math.round((b * (HEAT_COLOURS.length - 1)) / cuts.length) : 0]!;
  const bin = (v: number) => cuts.filter((c) => v >= c).length;
  const edges = [min, ...cuts].map((from, i) => ({
    from,
    to: cuts[i] ?? max,
    colour: colour(i),
  }));
  return { bin, colourOf: (v: number) => colour(bin(v)), edges, single: max === min };
}

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** "Sun 03:00" */
export function cellName(c: Pick<HeatmapCell, 'weekday' | 'hour'>): string {
  return `${WEEKDAYS[c.weekday - 1]} ${String(c.hour).padStart(2, '0')}:00`;
}

/** The lowest cell of a measure, or null when the map holds none. */
export function lowestCell(map: Heatmap | null, measure: 'price' | 'carbon'): HeatmapCell | null {
  let best: HeatmapCell | null = null;
  for (const c of map?.cells ?? [])
    if (c[measure] !== null && (best === null || c[measure]! < best[measure]!)) best = c;
  return best;
}

export function formatPrice(perKWh: number | null, currency: string | null): string {
  return perKWh === null ? '—' : `${formatNumber(perKWh, 3)} ${currency ?? ''}/kWh`.trim();
}

export function formatCarbon(kgPerKWh: number | null): string {
  return kgPerKWh === null ? '—' : `${formatNumber(kgPerKWh * 1000, 3)} g/kWh`;
}
