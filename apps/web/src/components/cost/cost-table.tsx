'use client';

import {
  createColumnHelper,
  functionalUpdate,
  useTable,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';

import { DIMENSION_NAMES, type Dimension, type IdleMode } from '../../lib/cost-explorer-state';
import { cellLabel, type Exploration, type ExplorerRow } from '../../lib/cost-explorer-view';
import { formatMass, formatMoney, formatNumber, formatPercent } from '../../lib/format';
import { sortableFeatures } from '../../lib/sortable-table';

const helper = createColumnHelper<typeof sortableFeatures, ExplorerRow>();
const DEFAULT_SORT: SortingState = [{ id: 'total', desc: true }];

type Figure = 'hardware' | 'energy' | 'operations' | 'storage' | 'bandwidth' | 'idle' | 'shared';
const PARTS: [Figure, string][] = [
  ['hardware', 'Hardware'],
  ['energy', 'Energy'],
  ['operations', 'Operations'],
  ['storage', 'Storage'],
  ['bandwidth', 'Bandwidth'],
];

/** The columns for a view: its dimensions, total, % of total, change, parts and quantities. */
function columnsFor(
  groupBy: readonly Dimension[],
  idle: IdleMode,
  compare: boolean,
  currency: string,
) {
  const money = (v: number) => formatMoney(v, currency);
  const number = (
    id: string,
    header: string,
    get: (r: ExplorerRow) => number | undefined,
    show: (v: number) => string,
  ) =>
    helper.accessor(get, {
      id,
      header,
      sortFn: 'basic',
      sortDescFirst: true,
      sortUndefined: 'last',
      meta: { numeric: true },
      cell: (info) => {
        const v = info.getValue();
        return v === undefined ? '—' : show(v);
      },
    });
  return helper.columns([
    ...groupBy.map((d, i) =>
      helper.accessor((r) => cellLabel(r, i, d), {
        id: `dim${i}`,
        header: DIMENSION_NAMES[d],
        sortFn: 'alphanumeric',
        meta: { numeric: false },
        cell: (info) => info.getValue(),
      }),
    ),
    number('total', 'Total', (r) => r.total, money),
    number('share', '% of total', (r) => r.share, formatPercent),
    ...(compare
      ? [
          number('previous', 'Previous', (r) => r.previousTotal ?? undefined, money),
          number(
            'change',
            'Change',
            (r) => r.change?.amount,
            (v) => `${v > 0 ? '+' : ''}${money(v)}`,
          ),
        ]
      : []),
    ...PARTS.map(([key, header]) => number(key, header, (r) => r[key], money)),
    ...(idle === 'hidden'
      ? []
      : [
          number('idle', 'Idle', (r) => r.idle, money),
          number('shared', 'Shared', (r) => r.shared, money),
        ]),
    number(
      'gpuHours',
      'GPU-hours',
      (r) => r.gpuHours,
      (v) => formatNumber(v, 4),
    ),
    number(
      'facilityKWh',
      'kWh',
      (r) => r.facilityKWh,
      (v) => formatNumber(v, 4),
    ),
    number('co2eKg', 'CO2e', (r) => r.co2eKg, formatMass),
  ]);
}

/**
 * The explorer's table, sorted in the browser (the API returns every row); the sort lives in the
 * URL. The caller renders it with <CostTable> and reads the sorted rows for the CSV file.
 */
export function useCostTable(
  data: Exploration | undefined,
  sort: { id: string; desc: boolean } | null,
  onSort: (sort: { id: string; desc: boolean } | null) => void,
) {
  // The dimensions as a string: a new answer with the same names keeps the same columns.
  const dimensions = (data?.groupBy ?? ['team']).join(',');
  const idle = data?.idle ?? 'hidden';
  const compare = !!data?.comparison;
  const currency = data?.currency ?? 'USD';
  const columns = useMemo(
    () => columnsFor(dimensions.split(',') as Dimension[], idle, compare, currency),
    [dimensions, idle, compare, currency],
  );
  const rows = useMemo(() => data?.rows ?? [], [data]);
  const known = columns.some((c) => c.id === sort?.id);
  const sorting = sort && known ? [sort] : DEFAULT_SORT;
  return useTable({
    features: sortableFeatures,
    columns,
    data: rows,
    state: { sorting },
    onSortingChange: (updater) => onSort(functionalUpdate(updater, sorting)[0] ?? null),
    enableSortingRemoval: false,
  });
}

export type CostTableInstance = ReturnType<typeof useCostTable>;

const ROW_PX = 37;
const VIRTUAL_FROM = 200;

export function CostTable({
  table,
  data,
  canDrill,
  onDrill,
}: {
  table: CostTableInstance;
  data: Exploration;
  canDrill: boolean;
  onDrill: (row: ExplorerRow) => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const rows = table.getRowModel().rows;
  const virtual = rows.length > VIRTUAL_FROM;
  const virtualizer = useVirtualizer({
    count: virtual ? rows.length : 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_PX,
    overscan: 12,
  });
  const items = virtual ? virtualizer.getVirtualItems() : [];
  const top = items[0]?.start ?? 0;
  const bottom = virtual ? virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0) : 0;
  const shown = virtual ? items.map((v) => rows[v.index]!) : rows;
  const headers = table.getHeaderGroups()[0]!.headers;
  const t = data.totals;
  const money = (v: number) => formatMoney(v, data.currency);
  const footer: Record<string, string> = {
    total: money(t.total),
    share: formatPercent(t.total !== 0 ? 1 : null),
    previous: data.previousTotals ? money(data.previousTotals.total) : '',
    change: data.comparison ? money(data.comparison.change.amount) : '',
    hardware: money(t.hardware),
    energy: money(t.energy),
    operations: money(t.operations),
    storage: money(t.storage),
    bandwidth: money(t.bandwidth),
    idle: money(t.idle),
    shared: money(t.shared),
    gpuHours: formatNumber(t.gpuHours, 4),
    facilityKWh: formatNumber(t.facilityKWh, 4),
    co2eKg: formatMass(t.co2eKg),
  };
  const dimensions = data.groupBy.length;

  return (
    <div
      ref={scrollRef}
      role="region"
      aria-label="Cost rows"
      tabIndex={0}
      className="max-h-[640px] overflow-auto rounded-lg border border-slate-200 bg-white"
    >
      <table className="w-full text-left text-sm" data-testid="cost-table">
        <caption className="sr-only">
          Cost by {data.groupBy.map((d) => DIMENSION_NAMES[d as Dimension]).join(' and ')}, in{' '}
          {data.currency}; select a column heading to sort
          {canDrill ? ', and a name to drill down' : ''}.
        </caption>
        <thead className="sticky top-0 z-[1] border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-700">
          <tr>
            {headers.map((header) => {
              const sorted = header.column.getIsSorted();
              const numeric = (header.column.columnDef.meta as { numeric?: boolean }).numeric;
              return (
                <th
                  key={header.id}
                  scope="col"
                  aria-sort={
                    sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined
                  }
                  className={`whitespace-nowrap px-2.5 py-2 font-semibold ${numeric ? 'text-right' : ''}`}
                >
                  <button
                    type="button"
                    onClick={header.column.getToggleSortingHandler()}
                    className="inline-flex items-center gap-1 uppercase hover:text-ink"
                  >
                    <table.FlexRender header={header} />
                    <span aria-hidden="true" className="w-2">
                      {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {top > 0 && (
            <tr aria-hidden="true">
              <td colSpan={headers.length} style={{ height: top, padding: 0 }} />
            </tr>
          )}
          {shown.map((row) => {
            const r = row.original;
            const drillable = canDrill && r.kind === 'jobs';
            return (
              <tr
                key={row.id}
                data-kind={r.kind}
                className={r.kind === 'jobs' ? '' : 'bg-amber-50/60'}
                style={virtual ? { height: ROW_PX } : undefined}
              >
                {row.getAllCells().map((cell, i) => {
                  const numeric = (cell.column.columnDef.meta as { numeric?: boolean }).numeric;
                  const value = cell.getValue();
                  const content = <table.FlexRender cell={cell} />;
                  if (i < dimensions)
                    return (
                      <th
                        key={cell.id}
                        scope="row"
                        data-col={cell.column.id}
                        className="max-w-56 truncate px-2.5 py-2 font-medium"
                      >
                        {i === 0 && drillable ? (
                          <button
                            type="button"
                            onClick={() => onDrill(r)}
                            title="Drill down: filter on this row and group by the next dimension"
                            className="max-w-full truncate text-left text-brand-700 hover:underline"
                          >
                            {content}
                          </button>
                        ) : (
                          content
                        )}
                      </th>
                    );
                  return (
                    <td
                      key={cell.id}
                      data-col={cell.column.id}
                      data-value={typeof value === 'number' ? value : undefined}
                      className={`whitespace-nowrap px-2.5 py-2 ${numeric ? 'text-right tabular-nums' : ''}`}
                    >
                      {content}
                    </td>
                  );
                })}
              </tr>
            );
          })}
          {bottom > 0 && (
            <tr aria-hidden="true">
              <td colSpan={headers.length} style={{ height: bottom, padding: 0 }} />
            </tr>
          )}
        </tbody>
        <tfoot className="sticky bottom-0 border-t-2 border-slate-300 bg-slate-50 font-semibold">
          <tr>
            <th scope="row" colSpan={dimensions} className="px-2.5 py-2">
              Total{data.truncated ? ` (all ${data.groups} rows)` : ''}
            </th>
            {headers.slice(dimensions).map((h) => (
              <td
                key={h.id}
                data-col={h.column.id}
                data-value={h.column.id in t ? t[h.column.id as keyof typeof t] : undefined}
                className="whitespace-nowrap px-2.5 py-2 text-right tabular-nums"
              >
                {footer[h.column.id] ?? ''}
              </td>
            ))}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
