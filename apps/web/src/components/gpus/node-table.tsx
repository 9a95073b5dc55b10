'use client';

import { createColumnHelper, useTable, type SortingState } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';

import { formatEnergy, formatMoney, formatNumber, formatPercent } from '../../lib/format';
import { sortableFeatures } from '../../lib/sortable-table';
import type { NodeRow } from '../../lib/gpus-view';

const helper = createColumnHelper<typeof sortableFeatures, NodeRow>();
const ROW_PX = 33;

function columnsFor(currency: string) {
  const num = { sortFn: 'basic' as const, sortUndefined: 'last' as const, sortDescFirst: true };
  return helper.columns([
    helper.accessor('name', { header: 'Node', sortFn: 'alphanumeric' }),
    helper.accessor((n) => n.rack ?? '', { id: 'rack', header: 'Rack', sortFn: 'alphanumeric' }),
    helper.accessor((n) => n.gpuModel ?? '', {
      id: 'model',
      header: 'GPU model',
      sortFn: 'alphanumeric',
    }),
    helper.accessor('gpuCount', { header: 'GPUs', ...num }),
    helper.accessor('powerState', { header: 'Power', sortFn: 'alphanumeric' }),
    helper.accessor((n) => n.utilisation ?? undefined, {
      id: 'utilisation',
      header: 'Utilisation',
      ...num,
      cell: (c) => formatPercent(c.row.original.utilisation),
    }),
    helper.accessor('gpuHours', {
      header: 'GPU-hours',
      ...num,
      cell: (c) => formatNumber(c.getValue(), 4),
    }),
    helper.accessor((n) => n.avgKW ?? undefined, {
      id: 'avgKW',
      header: 'Mean kW',
      ...num,
      cell: (c) => (c.row.original.avgKW === null ? '—' : formatNumber(c.row.original.avgKW, 3)),
    }),
    helper.accessor('itKWh', {
      header: 'IT energy',
      ...num,
      cell: (c) => formatEnergy(c.getValue()),
    }),
    helper.accessor((n) => n.energyShare ?? undefined, {
      id: 'energyShare',
      header: 'Energy %',
      ...num,
      cell: (c) => formatPercent(c.row.original.energyShare),
    }),
    helper.accessor('cost', {
      header: 'Cost',
      ...num,
      cell: (c) => formatMoney(c.getValue(), currency),
    }),
    helper.accessor((n) => n.costShare ?? undefined, {
      id: 'costShare',
      header: 'Cost %',
      ...num,
      cell: (c) => formatPercent(c.row.original.costShare),
    }),
  ]);
}

const NUMERIC = new Set([
  'gpuCount',
  'utilisation',
  'gpuHours',
  'avgKW',
  'itKWh',
  'energyShare',
  'cost',
  'costShare',
]);

/**
 * Every node as a sortable table (the rack grid's text alternative). Only the rows in view are
 * rendered, with spacer rows keeping the scroll height, so 1,000+ nodes scroll smoothly.
 */
export function NodeTable({
  nodes,
  currency,
  selected,
  onSelect,
  onSortedChange,
}: {
  nodes: readonly NodeRow[];
  currency: string;
  selected: string | undefined;
  onSelect: (name: string) => void;
  /** The rows in the order shown, for the CSV. */
  onSortedChange: (rows: NodeRow[]) => void;
}) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const [columns] = useState(() => columnsFor(currency));
  const table = useTable({
    features: sortableFeatures,
    columns,
    data: nodes as NodeRow[],
    state: { sorting },
    onSortingChange: setSorting,
    getRowId: (n) => n.id,
  });
  const rows = table.getRowModel().rows;
  useEffect(() => onSortedChange(rows.map((r) => r.original)), [rows, onSortedChange]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_PX,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const top = items[0]?.start ?? 0;
  const bottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  const width = table.getAllLeafColumns().length;

  return (
    <div
      ref={scrollRef}
      role="region"
      aria-label="Nodes table"
      tabIndex={0}
      data-testid="node-table"
      className="max-h-[480px] overflow-auto rounded border border-slate-200 bg-white"
    >
      <table className="w-full text-left text-xs" aria-rowcount={rows.length + 1}>
        <caption className="sr-only">
          Every node of the site with its utilisation, energy and cost over the window (the rack
          grid as a table); column headers sort.
        </caption>
        <thead className="sticky top-0 z-10 bg-slate-50 text-slate-700">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((h) => {
                const dir = h.column.getIsSorted();
                return (
                  <th
                    key={h.id}
                    scope="col"
                    aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
                    className={`whitespace-nowrap px-2 py-1.5 font-semibold ${NUMERIC.has(h.column.id) ? 'text-right' : ''}`}
                  >
                    <button
                      type="button"
                      onClick={h.column.getToggleSortingHandler()}
                      className="inline-flex items-center gap-1 hover:underline"
                    >
                      <table.FlexRender header={h} />
                      <span aria-hidden="true">
                        {dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : ''}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-slate-100">
          {top > 0 && (
            <tr aria-hidden="true">
              <td colSpan={width} style={{ height: top, padding: 0 }} />
            </tr>
          )}
          {items.map((v) => {
            const row = rows[v.index]!;
            const n = row.original;
            const isSelected = n.name === selected;
            return (
              <tr
                key={row.id}
                aria-rowindex={v.index + 2}
                data-node={n.name}
                style={{ height: ROW_PX }}
                className={isSelected ? 'bg-brand-50' : undefined}
              >
                {row.getAllCells().map((cell) =>
                  cell.column.id === 'name' ? (
                    <th
                      key={cell.id}
                      scope="row"
                      className="whitespace-nowrap px-2 py-1 font-medium"
                    >
                      <button
                        type="button"
                        aria-pressed={isSelected}
                        onClick={() => onSelect(n.name)}
                        className="text-brand-700 hover:underline"
                      >
                        {n.name}
                      </button>
                    </th>
                  ) : (
                    <td
                      key={cell.id}
                      className={`whitespace-nowrap px-2 py-1 ${NUMERIC.has(cell.column.id) ? 'text-right tabular-nums' : ''}`}
                    >
                      <table.FlexRender cell={cell} />
                    </td>
                  ),
                )}
              </tr>
            );
          })}
          {bottom > 0 && (
            <tr aria-hidden="true">
              <td colSpan={width} style={{ height: bottom, padding: 0 }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
