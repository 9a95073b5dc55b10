import type { ProvenanceLabel } from '../components/explain';
import { formatEnergy, formatMoney, formatNumber, formatPercent } from './format';
import type { RouterOutputs } from './trpc';

export type OverviewSummary = RouterOutputs['overview']['summary'];
export type OverviewFigure = NonNullable<
  OverviewSummary['figures'][keyof OverviewSummary['figures']]
>;
export type Provenance = OverviewFigure['provenance'];
export type SeriesPoint = OverviewSummary['series'][number];

export const COST_PARTS = ['hardware', 'energy', 'operations', 'storage', 'bandwidth'] as const;
export type CostPart = (typeof COST_PARTS)[number];

export const PART_LABELS: Record<CostPart, string> = {
  hardware: 'Hardware',
  energy: 'Energy',
  operations: 'Operations',
  storage: 'Storage',
  bandwidth: 'Bandwidth',
};

/** Distinct on white and from one another (and readable as text on white). */
export const PART_COLORS: Record<CostPart, string> = {
  hardware: '#1d4ed8',
  energy: '#c2410c',
  operations: '#15803d',
  storage: '#7e22ce',
  bandwidth: '#0e7490',
};

/**
 * The Explain drawer knows measured, modelled and rated; simulated history is a model's output (the
 * scheduler's simulator replaying a trace), so it is shown as modelled with a note that says so.
 */
export const PROVENANCE_LABEL: Record<Provenance, ProvenanceLabel> = {
  measured: 'measured',
  modelled: 'modelled',
  simulated: 'modelled',
};

export const PROVENANCE_NOTE: Record<Provenance, string> = {
  measured: 'read from meters (workers’ GPU energy counters, RAPL) and the usage records',
  modelled: 'computed from the site’s rates, prices and the catalogue’s hardware costs',
  simulated:
    'simulated: history replayed from a cluster trace by the scheduler’s simulator, not metered',
};

/** A figure's value in its unit; the currency comes with the summary. */
export function formatFigure(value: number | null, unit: string, currency: string | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const money = (x: number) => (currency ? formatMoney(x, currency) : formatNumber(x, 4));
  if (currency && unit === currency) return money(value);
  if (currency && unit === `${currency}/h`) return `${money(value)}/h`;
  switch (unit) {
    case 'kWh':
      return formatEnergy(value);
    case 'tCO2e':
      return `${formatNumber(value, 3)} tCO2e`;
    case 'GPU-h':
      return `${formatNumber(value, 4)} GPU-h`;
    case 'h':
      return `${formatNumber(value, 4)} h`;
    case 'ratio':
      return formatPercent(value);
    case '':
      return formatNumber(value, 3);
    default:
      return `${formatNumber(value, 4)} ${unit}`;
  }
}

/** Dates on the overview are UTC: buckets are UTC hours and days. */
export function formatBucket(ms: number, bucket: 'hour' | 'day'): string {
  return new Date(ms).toLocaleString(undefined, {
    timeZone: 'UTC',
    month: 'short',
    day: 'numeric',
    ...(bucket === 'hour' ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : {}),
  });
}

/** Money for an axis tick: short (12K, 1.2M) in the currency when there is one. */
export function formatMoneyCompact(x: number, currency: string | null): string {
  const compact: Intl.NumberFormatOptions = { notation: 'compact', maximumSignificantDigits: 3 };
  if (!currency) return x.toLocaleString(undefined, compact);
  try {
    return x.toLocaleString(undefined, { ...compact, style: 'currency', currency });
  } catch {
    return `${x.toLocaleString(undefined, compact)} ${currency}`;
  }
}
