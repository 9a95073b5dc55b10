'use client';

import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { ReactNode } from 'react';

export type DataColumn<Row> = {
  key: string;
  header: string;
  cell: (row: Row) => ReactNode;
  numeric?: boolean;
};

const ROW_PX = 33;
/** Above this many rows only the visible ones are rendered. */
const VIRTUAL_FROM = 200;

/**
 * The table alternative of a chart: every row, in a scrolling box. Long tables render only the
 * rows in view (spacer rows above and below keep the table's structure and its scroll height).
 */
export function JobsDataTable<Row>({
  caption,
  columns,
  rows,
  rowKey,
  maxHeight = 320,
}: {
  caption: string;
  columns: readonly DataColumn<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row, index: number) => string;
  maxHeight?: number;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
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
  const shown = virtual
    ? items.map((v) => ({ row: rows[v.index]!, index: v.index }))
    : rows.map((row, index) => ({ row, index }));

  return (
    <div
      ref={scrollRef}
      tabIndex={0}
      role="region"
      aria-label={caption}
      className="overflow-auto rounded border border-slate-200 bg-white"
      style={{ maxHeight }}
    >
      <table className="w-full text-left text-xs">
        <caption className="sr-only">{caption}</caption>
        <thead className="sticky top-0 bg-slate-50 text-slate-700">
          <tr>
            {columns.map((c) => (
              <th
                key={c.key}
                scope="col"
                className={`whitespace-nowrap px-2 py-1.5 font-semibold ${c.numeric ? 'text-right' : ''}`}
              >
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {top > 0 && (
            <tr aria-hidden="true">
              <td colSpan={columns.length} style={{ height: top, padding: 0 }} />
            </tr>
          )}
          {shown.map(({ row, index }) => (
            <tr key={rowKey(row, index)} style={virtual ? { height: ROW_PX } : undefined}>
              {columns.map((c) => (
                <td
                  key={c.key}
                  className={`whitespace-nowrap px-2 py-1.5 ${c.numeric ? 'text-right tabular-nums' : ''}`}
                >
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
          {bottom > 0 && (
            <tr aria-hidden="true">
              <td colSpan={columns.length} style={{ height: bottom, padding: 0 }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
