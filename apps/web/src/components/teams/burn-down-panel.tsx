'use client';

import { formatMoney } from '../../lib/format';
import { burnDownRows, type TeamMonth } from '../../lib/teams-params';
import { LazyJobsLineChart, SERIES_COLORS } from '../charts/jobs-chart-lazy';
import { JobsDataTable } from '../charts/jobs-data-table';
import { inputClass } from '../form-field';

/** Axis ticks stay narrow: "$1.4K" rather than "$1,400.00". */
function compactMoney(x: number, currency: string): string {
  try {
    return x.toLocaleString(undefined, {
      style: 'currency',
      currency,
      notation: 'compact',
      maximumSignificantDigits: 3,
    });
  } catch {
    return `${x.toLocaleString(undefined, { notation: 'compact' })} ${currency}`;
  }
}

const dayLabel = (ms: number) =>
  new Date(ms).toLocaleDateString(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** One team's month: spend so far, the forecast to month end and the budget, as a chart and a table. */
export function BurnDownPanel({
  teams,
  team,
  currency,
  onTeam,
}: {
  teams: readonly TeamMonth[];
  team: TeamMonth;
  currency: string;
  onTeam: (teamId: string) => void;
}) {
  const money = (x: number) => formatMoney(x, currency);
  const rows = burnDownRows(team);
  const label =
    `Burn-down of ${team.team}: cumulative spend by day, the forecast to month end` +
    (team.budget ? ` and the budget of ${money(team.budget.amount)}` : '');
  return (
    <section aria-labelledby="burn-down-heading" className="space-y-3" data-testid="burn-down">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="burn-down-heading" className="text-base font-semibold">
          Burn-down: {team.team}
        </h2>
        <div>
          <label htmlFor="burn-down-team" className="block text-sm font-medium text-slate-800">
            Team
          </label>
          <select
            id="burn-down-team"
            value={team.teamId}
            onChange={(e) => onTeam(e.target.value)}
            className={`${inputClass} mt-1 w-44`}
          >
            {teams.map((t) => (
              <option key={t.teamId} value={t.teamId}>
                {t.team}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="rounded-lg border border-slate-200 bg-white p-3">
        <LazyJobsLineChart
          label={label}
          data={rows}
          xKey="t"
          formatX={dayLabel}
          yLabel={currency}
          formatY={(v) => compactMoney(v, currency)}
          series={[
            { key: 'cumulative', name: 'Spent', color: SERIES_COLORS[0] },
            { key: 'projected', name: 'Forecast', color: SERIES_COLORS[1], dashed: true },
            ...(team.budget
              ? [{ key: 'budget', name: 'Budget', color: SERIES_COLORS[2], dashed: true }]
              : []),
          ]}
        />
      </div>
      <JobsDataTable
        caption={`${team.team}: spend by day (UTC) and the forecast, in ${currency}`}
        rows={team.burnDown.days}
        rowKey={(d) => d.day}
        maxHeight={260}
        columns={[
          { key: 'day', header: 'Day', cell: (d) => dayLabel(Date.parse(d.day)) },
          {
            key: 'spent',
            header: 'Spent that day',
            numeric: true,
            cell: (d) => (d.spent === null ? '—' : money(d.spent)),
          },
          {
            key: 'cumulative',
            header: 'Spent to date',
            numeric: true,
            cell: (d) => (d.cumulative === null ? '—' : money(d.cumulative)),
          },
          {
            key: 'projected',
            header: 'Forecast by day end',
            numeric: true,
            cell: (d) => (d.projected === null ? '—' : money(d.projected)),
          },
          {
            key: 'remaining',
            header: 'Budget left',
            numeric: true,
            cell: (d) => (d.remaining === null ? '—' : money(d.remaining)),
          },
        ]}
      />
    </section>
  );
}
