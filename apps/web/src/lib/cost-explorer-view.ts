import { focusCsvFromRows } from '@wattwise/cost-model';

import type { Dimension } from './cost-explorer-state';
import type { RouterOutputs } from './trpc';

export type Exploration = RouterOutputs['costs']['explore'];
export type ExplorerRow = Exploration['rows'][number];

const PART_NAMES: Record<string, string> = {
  hardware: 'Hardware',
  energy: 'Energy',
  operations: 'Operations',
  storage: 'Storage',
  bandwidth: 'Bandwidth',
  idle: 'Idle capacity',
  shared: 'Shared costs',
};

/** What a row is called under one dimension: a team's or job's name, a part's name, or the value. */
export function cellLabel(row: ExplorerRow, index: number, dimension: Dimension): string {
  const label = row.labels[index];
  if (label) return label;
  const key = row.keys[index];
  if (key === null || key === undefined) return row.kind === 'jobs' ? '(none)' : '—';
  if (dimension === 'part') return PART_NAMES[key] ?? key;
  return key;
}

/** The row's name across its dimensions, e.g. "research · 2024-05-02". */
export function rowLabel(row: ExplorerRow, groupBy: readonly Dimension[]): string {
  return groupBy
    .map((d, i) => cellLabel(row, i, d))
    .filter((s) => s !== '—')
    .join(' · ');
}

export type Bar = { name: string; value: number; share: number; rows: number };

/**
 * The chart's bars: the nine largest rows and "Others" for the rest (the rows not listed, beyond
 * the API's cap, included through the total), so the bars add up to the total shown.
 */
export function topNineAndOthers(
  rows: readonly ExplorerRow[],
  groupBy: readonly Dimension[],
  total: number,
  groups: number,
): Bar[] {
  const sorted = [...rows].sort((a, b) => b.total - a.total);
  const share = (v: number) => (total !== 0 ? v / total : 0);
  const listedAll = groups <= 10;
  const top = listedAll ? sorted : sorted.slice(0, 9);
  const bars = top.map((r) => ({
    name: rowLabel(r, groupBy),
    value: r.total,
    share: share(r.total),
    rows: 1,
  }));
  if (!listedAll) {
    const rest = total - top.reduce((s, r) => s + r.total, 0);
    bars.push({ name: 'Others', value: rest, share: share(rest), rows: groups - top.length });
  }
  return bars;
}

/** The rows shown as a FOCUS 1.0 CSV file, one line per row (cost-model writes it). */
export function explorerCsv(data: Exploration, rows: readonly ExplorerRow[]): string {
  return focusCsvFromRows(
    {
      currency: data.currency,
      period: { startMs: Date.parse(data.period.start), endMs: Date.parse(data.period.end) },
      groupBy: data.groupBy,
      rows,
    },
    { billingAccountId: 'wattwise', billingAccountName: 'Wattwise', providerName: 'Wattwise' },
  );
}

export function csvFileName(data: Exploration): string {
  const day = (iso: string) => iso.slice(0, 10);
  const last = new Date(Date.parse(data.period.end) - 86_400_000).toISOString();
  return `wattwise-costs-${data.groupBy.join('-')}-${day(data.period.start)}-to-${day(last)}.focus.csv`;
}
