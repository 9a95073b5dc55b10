'use client';

import type { ReactNode } from 'react';

import { DIMENSION_NAMES, type Dimension } from '../../lib/cost-explorer-state';
import type { Exploration } from '../../lib/cost-explorer-view';
import {
  formatEnergy,
  formatMass,
  formatMoney,
  formatNumber,
  formatPercent,
} from '../../lib/format';
import { Explain, type ExplainInput } from '../explain';

const LINES_SOURCE = {
  label: 'modelled' as const,
  note: "Cost lines: each job's bill per UTC day. Energy is metered where a worker measured it and modelled for loaded history; hardware is amortised catalogue price per GPU-hour held.",
};
const RATES_SOURCE = {
  label: 'rated' as const,
  note: "The site's rates: operations per GPU- and core-hour, storage per GB-month, bandwidth per GB.",
};
const USAGE_SOURCE = {
  label: 'modelled' as const,
  note: "The facility's hourly usage: capacity no job held (hardware, operations, idle energy) and the site's shared costs per month ÷ 730.",
};

function Figure({ label, value, explain }: { label: string; value: string; explain: ReactNode }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-3">
      <p className="flex items-center gap-1.5 text-xs font-medium uppercase tracking-wide text-slate-600">
        {label} {explain}
      </p>
      <p className="mt-1 text-lg font-semibold tabular-nums [overflow-wrap:anywhere] sm:text-xl">
        {value}
      </p>
    </div>
  );
}

/** The view's totals, each with its Explain drawer: formula, inputs and where they come from. */
export function CostSummary({ data }: { data: Exploration }) {
  const t = data.totals;
  const money = (v: number) => formatMoney(v, data.currency);
  const grouping = data.groupBy.map((d) => DIMENSION_NAMES[d as Dimension]).join(' × ');
  const period = `${data.period.start.slice(0, 10)} to ${new Date(Date.parse(data.period.end) - 1).toISOString().slice(0, 10)} (${data.period.days} UTC days)`;
  const inputs: ExplainInput[] = [
    { name: 'Hardware', value: money(t.hardware), source: LINES_SOURCE },
    { name: 'Energy', value: money(t.energy), source: LINES_SOURCE },
    { name: 'Operations', value: money(t.operations), source: RATES_SOURCE },
    { name: 'Storage', value: money(t.storage), source: RATES_SOURCE },
    { name: 'Bandwidth', value: money(t.bandwidth), source: RATES_SOURCE },
  ];
  if (data.idle !== 'hidden')
    inputs.push(
      { name: 'Idle capacity', value: money(t.idle), source: USAGE_SOURCE },
      { name: 'Shared costs', value: money(t.shared), source: USAGE_SOURCE },
    );
  const formula =
    data.idle === 'hidden'
      ? 'Σ over the rows of hardware + energy + operations + storage + bandwidth: what jobs cost, idle capacity and shared costs left out.'
      : data.idle === 'separate'
        ? "Σ over the jobs' rows of hardware + energy + operations + storage + bandwidth, plus the facility's idle capacity and shared costs as rows of their own."
        : "Σ over the rows of hardware + energy + operations + storage + bandwidth + idle + shared, where each job carries a share of its day's idle capacity and shared costs in proportion to its cost.";
  const notes = (
    <>
      <p>
        Grouped by {grouping}; {data.groups} row{data.groups === 1 ? '' : 's'}; {period}.
      </p>
      {data.allocation && (
        <p className="mt-2">
          {data.allocation.method} Policies: idle {data.allocation.idlePolicy}, shared{' '}
          {data.allocation.sharedPolicy}, per {data.allocation.basis}.
          {data.allocation.unallocated.idle + data.allocation.unallocated.shared > 0 &&
            ` Left unspread (days on which no job ran): ${money(data.allocation.unallocated.idle + data.allocation.unallocated.shared)}.`}
        </p>
      )}
      {data.notes.map((n) => (
        <p key={n} className="mt-2">
          {n}
        </p>
      ))}
    </>
  );
  const change = data.comparison?.change;

  return (
    <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
      <Figure
        label="Total cost"
        value={money(t.total)}
        explain={
          <Explain
            title="Total cost"
            value={money(t.total)}
            label="modelled"
            formula={formula}
            inputs={inputs}
            notes={notes}
          />
        }
      />
      {change && data.previousTotals ? (
        <Figure
          label="Change"
          value={`${change.amount > 0 ? '+' : ''}${money(change.amount)} (${change.ratio === null ? '—' : formatPercent(change.ratio)})`}
          explain={
            <Explain
              title="Change from the previous period"
              value={money(change.amount)}
              label="modelled"
              formula="This period's total − the previous period's total (the same number of UTC days just before); rows are matched by their values, a day to the day one period earlier."
              inputs={[
                { name: 'This period', value: money(t.total) },
                {
                  name: `Previous period (${data.previousPeriod!.start.slice(0, 10)} on)`,
                  value: money(data.previousTotals.total),
                },
                {
                  name: 'Previous rows with no match now',
                  value: `${data.comparison!.unmatched.rows} (${money(data.comparison!.unmatched.total)})`,
                },
              ]}
            />
          }
        />
      ) : (
        <Figure
          label="GPU-hours"
          value={formatNumber(t.gpuHours, 4)}
          explain={
            <Explain
              title="GPU-hours"
              value={formatNumber(t.gpuHours, 4)}
              label="measured"
              formula="Σ GPUs held × hours held, per job and UTC day (idle GPU-hours too when idle capacity is a row of its own)."
            />
          }
        />
      )}
      <Figure
        label="Energy"
        value={formatEnergy(t.facilityKWh)}
        explain={
          <Explain
            title="Energy"
            value={formatEnergy(t.facilityKWh)}
            label="modelled"
            formula="Σ IT energy × the hour's PUE: what the facility's meter draws for the rows shown."
            inputs={[{ name: 'IT energy', value: formatEnergy(t.itKWh), source: LINES_SOURCE }]}
          />
        }
      />
      <Figure
        label="Emissions"
        value={formatMass(t.co2eKg)}
        explain={
          <Explain
            title="Emissions (CO2e)"
            value={formatMass(t.co2eKg)}
            label="modelled"
            formula="Σ facility kWh × the grid's hourly carbon intensity (kg CO2e per kWh)."
            inputs={[
              { name: 'Facility energy', value: formatEnergy(t.facilityKWh), source: LINES_SOURCE },
            ]}
          />
        }
      />
    </div>
  );
}
