'use client';

import Link from 'next/link';
import type { ReactNode } from 'react';

import { formatEnergy, formatMoney, formatNumber } from '../../lib/format';
import { overviewCsv, overviewCsvName } from '../../lib/overview-csv';
import {
  COST_PARTS,
  formatBucket,
  formatMoneyCompact,
  PART_LABELS,
  type OverviewSummary,
  type SeriesPoint,
} from '../../lib/overview-figures';
import { useOverviewSummary } from '../../lib/overview-query';
import { describeError } from '../../lib/trpc';
import { useOverviewUrlState } from '../../lib/use-overview-url-state';
import { LazyJobsLineChart } from '../charts/jobs-chart-lazy';
import { JobsDataTable, type DataColumn } from '../charts/jobs-data-table';
import type { CostChartRow } from './cost-chart';
import { LazyCostChart } from './cost-chart-lazy';
import { KpiTiles } from './kpi-tiles';
import { OverviewToolbar } from './overview-toolbar';
import { ReconciliationBar } from './reconciliation-bar';

const GPU_SERIES = [
  { key: 'gpus', name: 'Capacity', color: '#334155', dashed: true },
  { key: 'gpusAllocated', name: 'Allocated (held by jobs)', color: '#1d4ed8' },
  { key: 'gpusUsed', name: 'Used (asked for by jobs)', color: '#c2410c' },
] as const;

/** The overview: window controls, headline figures, the cost chart, GPUs and the reconciliation. */
export function OverviewView() {
  const { view, update } = useOverviewUrlState();
  const query = useOverviewSummary({ from: view.from, to: view.to, granularity: view.granularity });
  const summary = query.data;

  const download = summary?.hasData
    ? () => {
        const url = URL.createObjectURL(new Blob([overviewCsv(summary)], { type: 'text/csv' }));
        const a = document.createElement('a');
        a.href = url;
        a.download = overviewCsvName(summary);
        a.click();
        URL.revokeObjectURL(url);
      }
    : null;

  return (
    <div className="space-y-6">
      <OverviewToolbar view={view} onChange={update} onDownload={download} />
      {query.error && (
        <p
          role="alert"
          className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-900"
        >
          The overview could not be loaded: {describeError(query.error).message}
        </p>
      )}
      {!summary && !query.error && <TilesPlaceholder />}
      {summary && <Summary summary={summary} stale={query.isPlaceholderData} />}
    </div>
  );
}

function Summary({ summary: s, stale }: { summary: OverviewSummary; stale: boolean }) {
  const facility = s.scope === 'facility';
  const simulated = s.figures.totalCost.provenance === 'simulated';
  return (
    <div className={`space-y-6 ${stale ? 'opacity-70' : ''}`} aria-busy={stale}>
      <p className="text-sm text-slate-700">
        {facility ? 'The whole facility' : 'Your team’s costs'},{' '}
        <time dateTime={s.window.from}>{new Date(s.window.from).toUTCString().slice(5, 22)}</time>{' '}
        to <time dateTime={s.window.to}>{new Date(s.window.to).toUTCString().slice(5, 22)}</time>{' '}
        UTC
        {s.currency ? `, in ${s.currency}` : ''}.
        {simulated && ' Includes simulated history (replayed from a cluster trace, not metered).'}
      </p>
      {s.notes.length > 0 && (
        <ul className="space-y-1 rounded border border-sky-200 bg-sky-50 p-3 text-sm text-sky-950">
          {s.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      {s.hasData ? (
        <>
          <KpiTiles summary={s} />
          <CostSection summary={s} />
          <GpuSection summary={s} />
          {s.reconciliation && (
            <Section title="Reconciliation" id="reconciliation-title">
              <p className="mb-3 text-sm text-slate-700">
                Every cost the facility had goes somewhere: to a job (billed, or running and not yet
                billed), to idle capacity, or to shared costs no job causes.
              </p>
              <ReconciliationBar reconciliation={s.reconciliation} currency={s.currency} />
            </Section>
          )}
        </>
      ) : (
        <EmptyState summary={s} />
      )}
    </div>
  );
}

function Section({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id={id} className="mb-3 text-base font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

function CostSection({ summary: s }: { summary: OverviewSummary }) {
  const money = (x: number) => (s.currency ? formatMoney(x, s.currency) : formatNumber(x, 4));
  const byT = new Map<number, CostChartRow>();
  for (const p of s.series) {
    const row: CostChartRow = { t: Date.parse(p.start) };
    for (const part of COST_PARTS) row[part] = p[part];
    byT.set(row.t, row);
  }
  for (const f of s.forecast?.points ?? []) {
    const t = Date.parse(f.start);
    const row = byT.get(t) ?? { t };
    if (f.low !== null && f.high !== null) row.band = [f.low, f.high];
    if (f.expected !== null) row.expected = f.expected;
    byT.set(t, row);
  }
  const rows = [...byT.values()].sort((a, b) => a.t - b.t);
  const per = s.bucket === 'hour' ? 'hour' : 'day';
  const who = s.scope === 'facility' ? 'The facility’s cost' : 'Your team’s cost';
  const fmtX = (ms: number) => formatBucket(ms, s.bucket);
  const partial =
    s.bucket === 'day' ? s.series.filter((p) => p.hours !== null && p.hours < 24) : [];

  const columns: DataColumn<SeriesPoint>[] = [
    {
      key: 'start',
      header: `${per === 'hour' ? 'Hour' : 'Day'} (UTC)`,
      cell: (p) => fmtX(Date.parse(p.start)),
    },
    ...COST_PARTS.map((part) => ({
      key: part,
      header: PART_LABELS[part],
      numeric: true,
      cell: (p: SeriesPoint) => money(p[part]),
    })),
    { key: 'total', header: 'Total', numeric: true, cell: (p) => money(p.total) },
    ...(s.scope === 'facility'
      ? [
          {
            key: 'jobs',
            header: 'Jobs',
            numeric: true,
            cell: (p: SeriesPoint) => money(p.jobsCost ?? 0),
          },
          {
            key: 'idle',
            header: 'Idle',
            numeric: true,
            cell: (p: SeriesPoint) => money(p.idleCost ?? 0),
          },
          {
            key: 'shared',
            header: 'Shared',
            numeric: true,
            cell: (p: SeriesPoint) => money(p.sharedCost ?? 0),
          },
        ]
      : []),
    {
      key: 'kwh',
      header: 'Facility energy',
      numeric: true,
      cell: (p) => formatEnergy(p.facilityKWh),
    },
  ];
  type ForecastDay = NonNullable<OverviewSummary['forecast']>['days'][number];
  const forecastColumns: DataColumn<ForecastDay>[] = [
    { key: 'day', header: 'Day (UTC)', cell: (d) => formatBucket(Date.parse(d.start), 'day') },
    {
      key: 'expected',
      header: 'Forecast',
      numeric: true,
      cell: (d) => (d.expected === null ? '—' : money(d.expected)),
    },
    {
      key: 'low',
      header: 'Low',
      numeric: true,
      cell: (d) => (d.low === null ? '—' : money(d.low)),
    },
    {
      key: 'high',
      header: 'High',
      numeric: true,
      cell: (d) => (d.high === null ? '—' : money(d.high)),
    },
  ];

  return (
    <Section title={`Cost by part, per ${per}`} id="cost-title">
      <LazyCostChart
        label={`${who} per ${per} (UTC), stacked by part: hardware, energy, operations, storage and bandwidth${
          s.forecast
            ? `, followed by a forecast of the next ${s.forecast.days.length} days with its band`
            : ''
        }. The tables below list every value.`}
        rows={rows}
        formatX={fmtX}
        formatY={(v) => formatMoneyCompact(v, s.currency)}
        formatValue={money}
      />
      {partial.length > 0 && (
        <p className="mt-2 text-xs text-slate-600">
          {partial.map((p) => `${fmtX(Date.parse(p.start))} (${p.hours} h)`).join(' and ')}{' '}
          {partial.length > 1 ? 'are partial days' : 'is a partial day'}: the window starts or ends
          within {partial.length > 1 ? 'them' : 'it'}.
        </p>
      )}
      <p className="mt-2 text-xs text-slate-600">
        {s.forecast
          ? `Forecast: ${s.forecast.method}`
          : `No forecast: ${s.forecastUnavailable ?? 'not available'}.`}
      </p>
      <details className="mt-3 text-sm">
        <summary className="cursor-pointer text-brand-700">
          The cost and the forecast as tables
        </summary>
        <div className="mt-2 space-y-3">
          <JobsDataTable
            caption={`${who} per ${per} by part`}
            rows={s.series}
            rowKey={(p) => p.start}
            columns={columns}
          />
          {s.forecast && (
            <JobsDataTable
              caption="Forecast of the total cost per day, with its band"
              rows={s.forecast.days}
              rowKey={(d) => d.start}
              columns={forecastColumns}
            />
          )}
        </div>
      </details>
    </Section>
  );
}

function GpuSection({ summary: s }: { summary: OverviewSummary }) {
  const facility = s.scope === 'facility';
  const series = facility ? GPU_SERIES : GPU_SERIES.filter((g) => g.key === 'gpusUsed');
  const data = s.series.map((p) => ({
    t: Date.parse(p.start),
    gpus: p.gpus,
    gpusAllocated: p.gpusAllocated,
    gpusUsed: p.gpusUsed,
  }));
  const per = s.bucket === 'hour' ? 'hour' : 'day';
  const fmtX = (ms: number) => formatBucket(ms, s.bucket);
  const gpus = (x: number | null) => (x === null ? '—' : formatNumber(x, 4));
  return (
    <Section title={facility ? 'GPUs allocated and used' : 'GPUs your team used'} id="gpus-title">
      <LazyJobsLineChart
        label={
          facility
            ? `Average GPUs per ${per} (UTC): the facility’s capacity, the GPUs jobs held, and the GPU shares they asked for. The table below lists every value.`
            : `Average GPUs your team’s jobs held per day (UTC). The table below lists every value.`
        }
        data={data}
        xKey="t"
        formatX={fmtX}
        series={series}
        yLabel="GPUs"
        formatY={(v) => formatNumber(v, 3)}
      />
      <details className="mt-3 text-sm">
        <summary className="cursor-pointer text-brand-700">GPUs as a table</summary>
        <div className="mt-2">
          <JobsDataTable
            caption={`Average GPUs per ${per}`}
            rows={data}
            rowKey={(r) => String(r.t)}
            columns={[
              {
                key: 't',
                header: `${per === 'hour' ? 'Hour' : 'Day'} (UTC)`,
                cell: (r) => fmtX(r.t),
              },
              ...series.map((g) => ({
                key: g.key,
                header: g.name,
                numeric: true,
                cell: (r: (typeof data)[number]) => gpus(r[g.key]),
              })),
            ]}
          />
        </div>
      </details>
    </Section>
  );
}

function EmptyState({ summary: s }: { summary: OverviewSummary }) {
  return (
    <section
      aria-labelledby="empty-title"
      className="rounded-lg border border-dashed border-slate-300 bg-white p-5 text-sm text-slate-800"
    >
      <h2 id="empty-title" className="text-base font-semibold">
        {s.dataExtent ? 'Nothing recorded in this window' : 'No data yet'}
      </h2>
      {s.dataExtent ? (
        <p className="mt-2">
          Records run from {new Date(s.dataExtent.first).toUTCString().slice(5, 22)} to{' '}
          {new Date(s.dataExtent.last).toUTCString().slice(5, 22)} UTC.{' '}
          <Link
            className="font-medium text-brand-700 underline underline-offset-2"
            href={`/?window=custom&from=${s.dataExtent.first.slice(0, 10)}&to=${s.dataExtent.last.slice(0, 10)}`}
          >
            Show that period
          </Link>
          .
        </p>
      ) : (
        <>
          <p className="mt-2">
            The overview fills in as the facility records usage. To see a realistic month straight
            away, load one as history:
          </p>
          <pre className="mt-2 overflow-x-auto rounded bg-slate-100 p-3 text-xs">
            <code>
              pnpm wattwise history load --trace alibaba2023:POD_CSV --nodes NODE_CSV --site ZONE
              --days 30
            </code>
          </pre>
          <p className="mt-2">
            Or run jobs from the{' '}
            <Link href="/jobs" className="font-medium text-brand-700 underline underline-offset-2">
              Jobs
            </Link>{' '}
            page: each bill adds its cost here.
          </p>
        </>
      )}
    </section>
  );
}

/** Fixed-size placeholders so the figures do not push the page about when they arrive. */
function TilesPlaceholder() {
  return (
    <div aria-hidden="true" className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-5">
      {Array.from({ length: 9 }, (_, i) => (
        <div key={i} className="h-[92px] rounded-lg border border-slate-200 bg-white" />
      ))}
    </div>
  );
}
