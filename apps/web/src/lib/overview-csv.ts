import type { OverviewSummary } from './overview-figures';

const COLUMNS = [
  'start',
  'kind',
  'currency',
  'hardware',
  'energy',
  'operations',
  'storage',
  'bandwidth',
  'total',
  'jobs_cost',
  'idle_cost',
  'shared_cost',
  'it_kwh',
  'facility_kwh',
  'co2e_kg',
  'hours',
  'gpus',
  'gpus_allocated',
  'gpus_used',
  'forecast_expected',
  'forecast_low',
  'forecast_high',
] as const;

type Cell = string | number | null;

/** RFC 4180: quote a field that holds a comma, a quote or a line break. */
function field(value: Cell): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The series the overview draws, one row per bucket, then the forecast's buckets (kind "forecast"),
 * exactly as the API gave them: full precision, empty cells for what the viewer may not see.
 */
export function overviewCsv(s: OverviewSummary): string {
  const rows: Cell[][] = [
    ...s.series.map((p) => [
      p.start,
      'actual',
      s.currency,
      p.hardware,
      p.energy,
      p.operations,
      p.storage,
      p.bandwidth,
      p.total,
      p.jobsCost,
      p.idleCost,
      p.sharedCost,
      p.itKWh,
      p.facilityKWh,
      p.co2eKg,
      p.hours,
      p.gpus,
      p.gpusAllocated,
      p.gpusUsed,
      null,
      null,
      null,
    ]),
    ...(s.forecast?.points ?? []).map((f) => [
      f.start,
      'forecast',
      s.currency,
      ...Array<Cell>(16).fill(null),
      f.expected,
      f.low,
      f.high,
    ]),
  ];
  return [COLUMNS.join(','), ...rows.map((r) => r.map(field).join(','))].join('\r\n') + '\r\n';
}

/** The file name says what and when: overview-facility-2025-03-01-to-2025-03-31-day.csv. */
export function overviewCsvName(s: OverviewSummary): string {
  const day = (iso: string) => iso.slice(0, 10);
  return `overview-${s.scope}-${day(s.window.from)}-to-${day(s.window.to)}-${s.bucket}.csv`;
}
