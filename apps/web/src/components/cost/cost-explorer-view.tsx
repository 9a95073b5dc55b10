'use client';

import { useMemo } from 'react';

import {
  DIMENSION_NAMES,
  drillDown,
  FILTERS,
  type Dimension,
  type FilterDimension,
} from '../../lib/cost-explorer-state';
import {
  csvFileName,
  explorerCsv,
  topNineAndOthers,
  type Bar,
  type ExplorerRow,
} from '../../lib/cost-explorer-view';
import { formatMoney, formatPercent } from '../../lib/format';
import { useTeams } from '../../lib/queries';
import { describeError } from '../../lib/trpc';
import { useExploration, useExplorerUrlState } from '../../lib/use-cost-explorer';
import { JobsDataTable, type DataColumn } from '../charts/jobs-data-table';
import { LazyNamedBarChart } from '../charts/bar-chart-lazy';
import { CostSummary } from './cost-summary';
import { CostTable, useCostTable } from './cost-table';
import { CostFilters, CostToolbar } from './cost-toolbar';

/** Hands the browser a file made here, without a round trip. */
function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

export function CostExplorerView() {
  const { state, set, go } = useExplorerUrlState();
  const query = useExploration(state);
  const teams = useTeams();
  const data = query.data;
  const member = data?.viewer.role === 'member';
  const table = useCostTable(data, state.sort, (sort) => set({ sort }));
  const canDrill =
    drillDown(
      state,
      state.groupBy.map(() => 'x'),
    ) !== null;

  const suggestions = useMemo(() => {
    const out: Partial<Record<FilterDimension, string[]>> = {};
    data?.groupBy.forEach((d, i) => {
      if (!(FILTERS as readonly string[]).includes(d) || d === 'team') return;
      const keys = data.rows.map((r) => r.keys[i]).filter((k): k is string => !!k);
      out[d as FilterDimension] = [...new Set(keys)].slice(0, 200);
    });
    return out;
  }, [data]);

  const error = query.error ? describeError(query.error) : null;
  const grouping = state.groupBy.map((d) => DIMENSION_NAMES[d]).join(' and ');

  return (
    <div className="space-y-5">
      <CostToolbar state={state} member={member} onChange={set} />
      <CostFilters
        state={state}
        teams={teams.data}
        member={member}
        suggestions={suggestions}
        onChange={set}
      />

      {error && (
        <div
          role="alert"
          className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900"
        >
          <p className="font-medium">The costs could not be loaded: {error.message}</p>
          {state.idle !== 'hidden' && /idle/.test(error.message) && (
            <button
              type="button"
              onClick={() => set({ idle: 'hidden' })}
              className="mt-2 rounded border border-red-400 bg-white px-3 py-1 font-medium hover:bg-red-100"
            >
              Show jobs only
            </button>
          )}
        </div>
      )}
      {!data && !error && <p className="text-sm text-slate-700">Loading costs…</p>}

      {data && (
        <div className="space-y-5" aria-busy={query.isFetching}>
          <CostSummary data={data} />
          {data.notes.length > 0 && (
            <ul className="space-y-1 text-sm text-slate-700">
              {data.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
          {data.rows.length === 0 ? (
            <p className="rounded border border-slate-200 bg-white p-4 text-sm text-slate-700">
              No costs in this period{Object.keys(state.filters).length ? ' for these filters' : ''}
              . Choose another period, or load history with{' '}
              <code className="font-mono">wattwise history load</code>.
            </p>
          ) : (
            <>
              <TopChart
                bars={topNineAndOthers(
                  data.rows,
                  data.groupBy as Dimension[],
                  data.totals.total,
                  data.groups,
                )}
                label={`Cost by ${grouping}: the nine largest rows and the rest, ${data.period.days} days`}
                currency={data.currency}
              />
              <div className="flex flex-wrap items-center justify-between gap-2">
                <h2 className="text-lg font-semibold">
                  {data.groups} row{data.groups === 1 ? '' : 's'} by {grouping}
                </h2>
                <button
                  type="button"
                  onClick={() =>
                    download(
                      csvFileName(data),
                      explorerCsv(
                        data,
                        table.getRowModel().rows.map((r) => r.original),
                      ),
                    )
                  }
                  className="rounded border border-slate-400 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100"
                >
                  Download CSV (FOCUS 1.0)
                </button>
              </div>
              <CostTable
                table={table}
                data={data}
                canDrill={canDrill}
                onDrill={(row: ExplorerRow) => {
                  const next = drillDown(state, row.keys);
                  if (next) go(next);
                }}
              />
            </>
          )}
        </div>
      )}
    </div>
  );
}

function TopChart({ bars, label, currency }: { bars: Bar[]; label: string; currency: string }) {
  const money = (v: number) => formatMoney(v, currency);
  const columns: DataColumn<Bar>[] = [
    {
      key: 'name',
      header: 'Row',
      cell: (b) => (b.rows > 1 ? `${b.name} (${b.rows} rows)` : b.name),
    },
    { key: 'value', header: 'Cost', cell: (b) => money(b.value), numeric: true },
    { key: 'share', header: '% of total', cell: (b) => formatPercent(b.share), numeric: true },
  ];
  return (
    <figure
      data-testid="cost-chart"
      className="grid gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]"
    >
      <figcaption className="sr-only">{label}</figcaption>
      <div className="rounded-lg border border-slate-200 bg-white p-3">
        <LazyNamedBarChart label={label} bars={bars} format={money} />
      </div>
      <JobsDataTable
        caption={`${label} (table)`}
        columns={columns}
        rows={bars}
        rowKey={(b, i) => `${i}:${b.name}`}
        maxHeight={420}
      />
    </figure>
  );
}
