import type { ReactNode } from 'react';

import { formatDateTime, formatMoney, formatNumber, formatPercent } from '../../lib/format';
import type { TeamMonth, TeamsSummary } from '../../lib/teams-params';
import { Explain } from '../explain';

const MONEY_NOTE =
  'cost lines: each job’s bill per UTC day, made by cost-model from its metered (or modelled) energy and the site’s rates; a running job’s line is its cost to date';

function Figure({ children, explain }: { children: ReactNode; explain: ReactNode }) {
  return (
    <span className="inline-flex items-center justify-end gap-1.5">
      <span>{children}</span>
      {explain}
    </span>
  );
}

function runsOutText(t: TeamMonth): string {
  const r = t.burnDown.runsOut;
  if (!t.budget) return 'no budget';
  if (!r) return 'lasts the month';
  const day = new Date(r.at).toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
  return r.kind === 'already' ? `ran out ${day}` : day;
}

/** One row per team: spend, budget, % used, the forecast, when the budget runs out, GPU-hours. */
export function TeamsTable({ summary }: { summary: TeamsSummary }) {
  const cur = summary.currency;
  const money = (x: number) => formatMoney(x, cur);
  const facility = summary.facility;
  return (
    <div
      role="region"
      aria-label="Teams table"
      tabIndex={0}
      className="overflow-x-auto rounded-lg border border-slate-200 bg-white"
    >
      <table className="w-full text-left text-sm">
        <caption className="sr-only">
          Spend, budget and forecast per team for {summary.month}, in {cur}
        </caption>
        <thead className="bg-slate-50 text-slate-700">
          <tr>
            {[
              'Team',
              'Spent',
              'Budget',
              'Used',
              'Projected',
              'Runs out',
              'GPU-hours (share)',
              'Held',
            ].map((h, i) => (
              <th
                key={h}
                scope="col"
                className={`px-2 py-2 align-bottom font-semibold ${i > 0 ? 'text-right' : ''}`}
              >
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {summary.teams.map((t) => {
            const b = t.burnDown;
            const over = b.used !== null && b.used >= 1;
            const projectedOver = t.budget !== null && b.projected > t.budget.amount;
            return (
              <tr key={t.teamId} data-team={t.teamId}>
                <th scope="row" className="whitespace-nowrap px-2 py-2 font-medium">
                  {t.team}
                </th>
                <td className="whitespace-nowrap px-2 py-2 text-right tabular-nums">
                  <Figure
                    explain={
                      <Explain
                        title={`${t.team}: spent this month`}
                        value={money(b.spent)}
                        label="modelled"
                        formula="Σ the team’s cost lines dated from the 1st of the month to the forecast time = billed + running"
                        inputs={[
                          {
                            name: 'Billed',
                            value: money(t.billed),
                            source: { label: 'modelled', note: MONEY_NOTE },
                          },
                          {
                            name: 'Running (cost to date)',
                            value: money(t.running),
                            source: { label: 'modelled', note: MONEY_NOTE },
                          },
                        ]}
                        notes={`Forecast time ${formatDateTime(summary.asOf)}. A budget covers every site.`}
                      />
                    }
                  >
                    <span data-testid="spent" data-value={b.spent}>
                      {money(b.spent)}
                    </span>
                  </Figure>
                </td>
                <td className="whitespace-nowrap px-2 py-2 text-right tabular-nums">
                  {t.budget ? (
                    <>
                      {formatMoney(t.budget.amount, t.budget.currency)}
                      {t.budget.holdOverBudget && (
                        <span className="ml-1.5 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">
                          holds jobs
                        </span>
                      )}
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td
                  className={`whitespace-nowrap px-2 py-2 text-right tabular-nums ${over ? 'font-semibold text-red-800' : ''}`}
                >
                  {b.used === null ? (
                    '—'
                  ) : (
                    <Figure
                      explain={
                        <Explain
                          title={`${t.team}: share of budget used`}
                          value={formatPercent(b.used)}
                          label="modelled"
                          formula="spent ÷ budget"
                          inputs={[
                            { name: 'Spent', value: money(b.spent) },
                            {
                              name: 'Budget',
                              value: money(b.budget ?? 0),
                              source: { label: 'rated', note: 'set by an admin' },
                            },
                          ]}
                        />
                      }
                    >
                      {formatPercent(b.used)}
                    </Figure>
                  )}
                </td>
                <td
                  className={`whitespace-nowrap px-2 py-2 text-right tabular-nums ${projectedOver ? 'text-red-800' : ''}`}
                >
                  <Figure
                    explain={
                      <Explain
                        title={`${t.team}: projected spend at month end`}
                        value={money(b.projected)}
                        label="modelled"
                        formula="spent to date + run rate × days left"
                        inputs={[
                          { name: 'Spent to date', value: money(b.spent) },
                          {
                            name: 'Run rate',
                            value: `${money(b.dailyRate)} a day = ${money(b.rateWindow.total)} ÷ ${b.rateWindow.days} days`,
                            source: {
                              label: 'modelled',
                              note: `cost lines dated ${formatDateTime(b.rateWindow.from)} to ${formatDateTime(b.rateWindow.to)}`,
                            },
                          },
                          { name: 'Days left', value: formatNumber(b.daysLeft, 4) },
                        ]}
                        notes={summary.method.description}
                      />
                    }
                  >
                    <span data-testid="projected" data-value={b.projected}>
                      {money(b.projected)}
                    </span>
                  </Figure>
                </td>
                <td className="whitespace-nowrap px-2 py-2 text-right">
                  <Figure
                    explain={
                      <Explain
                        title={`${t.team}: when the budget runs out`}
                        value={runsOutText(t)}
                        label="modelled"
                        formula={
                          b.runsOut?.kind === 'already'
                            ? 'the first day the month’s cumulative spend reached the budget'
                            : 'forecast time + (budget − spent) ÷ run rate, when that falls before month end'
                        }
                        inputs={[
                          { name: 'Budget', value: t.budget ? money(t.budget.amount) : 'none' },
                          { name: 'Spent', value: money(b.spent) },
                          { name: 'Run rate', value: `${money(b.dailyRate)} a day` },
                        ]}
                        notes={b.runsOut ? `At ${formatDateTime(b.runsOut.at)}.` : undefined}
                      />
                    }
                  >
                    <span className={b.runsOut ? 'font-medium text-red-800' : ''}>
                      {runsOutText(t)}
                    </span>
                  </Figure>
                </td>
                <td className="whitespace-nowrap px-2 py-2 text-right tabular-nums">
                  <Figure
                    explain={
                      <Explain
                        title={`${t.team}: GPU-hours`}
                        value={formatNumber(t.gpuHours, 4)}
                        label="modelled"
                        formula="Σ the team’s cost lines’ GPU-hours this month; share = that ÷ GPU-hours the facility allocated to any job in the same time"
                        inputs={[
                          { name: 'Team GPU-hours', value: formatNumber(t.gpuHours, 4) },
                          {
                            name: 'Facility allocated GPU-hours',
                            value: facility
                              ? formatNumber(facility.gpuHoursAllocated, 4)
                              : 'not shown',
                            source: {
                              label: 'modelled',
                              note: 'usage hours: whole GPUs with any job on them, per hour (admins only)',
                            },
                          },
                        ]}
                      />
                    }
                  >
                    {formatNumber(t.gpuHours, 4)}
                    {t.facilityShare !== null && ` (${formatPercent(t.facilityShare)})`}
                  </Figure>
                </td>
                <td className="whitespace-nowrap px-2 py-2 text-right tabular-nums">
                  {t.held.length}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
