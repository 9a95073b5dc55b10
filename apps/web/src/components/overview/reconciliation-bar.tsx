'use client';

import { formatMoney, formatPercent } from '../../lib/format';
import type { OverviewSummary } from '../../lib/overview-figures';
import { JobsDataTable } from '../charts/jobs-data-table';
import { Explain } from '../explain';

type Reconciliation = NonNullable<OverviewSummary['reconciliation']>;
type PartKey = keyof Reconciliation['parts'];

const PARTS: readonly { key: PartKey; label: string; color: string; note: string }[] = [
  {
    key: 'billedJobs',
    label: 'Billed jobs',
    color: '#1d4ed8',
    note: 'Σ the cost lines of jobs that have their bill',
  },
  {
    key: 'runningJobs',
    label: 'Running jobs',
    color: '#0e7490',
    note: 'Σ the cost lines of jobs still running: their cost to date, not yet billed',
  },
  {
    key: 'idle',
    label: 'Idle capacity',
    color: '#b45309',
    note: 'Σ the hours’ idle cost: GPUs no job held, and idle energy',
  },
  {
    key: 'shared',
    label: 'Shared',
    color: '#475569',
    note: 'Σ the hours’ shared cost: the site’s monthly shared operations, storage and uplinks ÷ 730 h',
  },
];
const TOTAL_COLOR = '#0f172a';

/** Differences below half a cent are float rounding, not a gap. */
const NEGLIGIBLE = 0.005;

/**
 * Where the facility's money went, drawn so it visibly adds up: the four parts stacked in one bar,
 * the facility total in a bar of the same scale beside it, and the sum written out.
 */
export function ReconciliationBar({
  reconciliation: r,
  currency,
}: {
  reconciliation: Reconciliation;
  currency: string | null;
}) {
  const money = (x: number) => (currency ? formatMoney(x, currency) : x.toFixed(2));
  const scale = Math.max(r.sum, r.facilityTotal, 0);
  const width = (x: number) => (scale > 0 ? `${(Math.max(x, 0) / scale) * 100}%` : '0%');
  const days = `${r.from.slice(0, 10)} to ${new Date(Date.parse(r.to) - 1).toISOString().slice(0, 10)}`;
  const gap = Math.abs(r.difference) >= NEGLIGIBLE;
  const arithmetic =
    PARTS.map((p) => `${money(r.parts[p.key])} ${p.label.toLowerCase()}`).join(' + ') +
    ` = ${money(r.sum)}`;
  const rows = [
    ...PARTS.map((p) => ({ name: p.label, value: r.parts[p.key], note: p.note })),
    { name: 'Sum of the parts', value: r.sum, note: 'billed + running + idle + shared' },
    { name: 'Facility total', value: r.facilityTotal, note: 'Σ the hours’ total cost' },
    {
      name: 'Difference',
      value: gap ? r.difference : 0,
      note: gap
        ? 'facility total − sum of the parts'
        : `facility total − sum of the parts: ${r.difference.toPrecision(2)}, rounding in the sums`,
    },
  ];

  return (
    <figure className="space-y-3" data-testid="reconciliation">
      <div
        role="img"
        aria-label={`Reconciliation, UTC days ${days}: ${arithmetic}; facility total ${money(r.facilityTotal)}; difference ${money(gap ? r.difference : 0)}.`}
        className="space-y-2"
      >
        <div className="grid grid-cols-[7rem_1fr] items-center gap-2 text-xs sm:grid-cols-[9rem_1fr]">
          <span className="font-medium text-slate-700">Jobs + idle + shared</span>
          <div className="flex h-7 w-full overflow-hidden rounded bg-slate-100">
            {PARTS.map((p) => (
              <div
                key={p.key}
                data-testid={`reconciliation-segment-${p.key}`}
                style={{ width: width(r.parts[p.key]), backgroundColor: p.color }}
                title={`${p.label}: ${money(r.parts[p.key])}`}
              />
            ))}
          </div>
          <span className="font-medium text-slate-700">Facility total</span>
          <div className="flex h-7 w-full overflow-hidden rounded bg-slate-100">
            <div
              data-testid="reconciliation-total-bar"
              style={{ width: width(r.facilityTotal), backgroundColor: TOTAL_COLOR }}
            />
          </div>
        </div>
      </div>

      <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700">
        {PARTS.map((p) => (
          <li key={p.key} className="flex items-center gap-1.5">
            <span
              aria-hidden="true"
              className="inline-block h-3 w-3 rounded-sm"
              style={{ backgroundColor: p.color }}
            />
            {p.label} {formatPercent(r.sum ? r.parts[p.key] / r.sum : null)}
          </li>
        ))}
      </ul>

      <figcaption className="text-sm leading-relaxed">
        <span className="flex flex-wrap items-center gap-x-1.5 gap-y-1 tabular-nums">
          {PARTS.map((p, i) => (
            <span key={p.key} className="whitespace-nowrap">
              {i > 0 && <span aria-hidden="true">+ </span>}
              <span
                data-testid={`reconciliation-${p.key}`}
                data-value={r.parts[p.key]}
                className="font-semibold"
              >
                {money(r.parts[p.key])}
              </span>{' '}
              <span className="text-slate-600">{p.label.toLowerCase()}</span>
            </span>
          ))}
          <span className="whitespace-nowrap">
            ={' '}
            <span data-testid="reconciliation-sum" data-value={r.sum} className="font-semibold">
              {money(r.sum)}
            </span>
          </span>
        </span>
        <span className="mt-1 flex flex-wrap items-center gap-1.5">
          Facility total{' '}
          <span
            data-testid="reconciliation-total"
            data-value={r.facilityTotal}
            className="font-semibold tabular-nums"
          >
            {money(r.facilityTotal)}
          </span>
          <Explain
            title="Facility total"
            value={money(r.facilityTotal)}
            label="modelled"
            formula="Σ over the hours of the facility’s cost; it splits into the jobs’ cost, idle capacity and shared cost, so Σ job cost lines + idle + shared should equal it"
            inputs={[
              ...PARTS.map((p) => ({
                name: p.label,
                value: money(r.parts[p.key]),
                source: { label: 'modelled' as const, note: p.note },
              })),
              {
                name: 'Jobs’ cost as the hours record it',
                value: money(r.jobsCostRecorded),
                source: {
                  label: 'modelled' as const,
                  note: 'Σ the hours’ jobs cost: should equal billed + running jobs',
                },
              },
            ]}
            notes={`UTC days ${days} (cost lines are kept per day): ${r.lines.toLocaleString()} cost lines, ${r.hours.toLocaleString()} hours.`}
          />
          <span className={gap ? 'font-semibold text-red-800' : 'text-slate-600'}>
            {gap
              ? `· difference ${money(r.difference)}: the hours’ record of the jobs’ cost (${money(r.jobsCostRecorded)}) differs from their cost lines`
              : '· difference 0: it adds up'}
          </span>
        </span>
        <span className="mt-1 block text-xs text-slate-600">
          Over whole UTC days, {days}, since job costs are kept per day.
        </span>
      </figcaption>

      <details className="text-sm">
        <summary className="cursor-pointer text-brand-700">The reconciliation as a table</summary>
        <div className="mt-2">
          <JobsDataTable
            caption={`Reconciliation of the facility total, UTC days ${days}`}
            rows={rows}
            rowKey={(row) => row.name}
            columns={[
              { key: 'name', header: 'Part', cell: (row) => row.name },
              {
                key: 'value',
                header: `Amount${currency ? ` (${currency})` : ''}`,
                numeric: true,
                cell: (row) => money(row.value),
              },
              { key: 'note', header: 'What it is', cell: (row) => row.note },
            ]}
          />
        </div>
      </details>
    </figure>
  );
}
