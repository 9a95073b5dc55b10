'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';

import { formatDateTime } from '../../lib/format';
import {
  monthLabel,
  monthOfInstant,
  isMonth,
  searchFromTeamsState,
  teamsCsv,
  teamsStateFromSearch,
  type TeamsState,
} from '../../lib/teams-params';
import { useTeamsSummary } from '../../lib/teams-queries';
import { describeError } from '../../lib/trpc';
import { inputClass } from '../form-field';
import { BudgetForm } from './budget-form';
import { BurnDownPanel } from './burn-down-panel';
import { downloadText } from './download';
import { HeldJobs } from './held-jobs';
import { TeamsTable } from './teams-table';

/** Teams & budgets: the month's spend per team against its budget, the forecast, held jobs. */
export function TeamsView() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const state = teamsStateFromSearch(params);
  const [nowMs] = useState(() => Date.now());
  const month = state.month ?? monthOfInstant(nowMs);
  const summary = useTeamsSummary({ month });
  const loadError = summary.error ?? summary.failureReason;
  const data = summary.data;

  const update = (next: Partial<TeamsState>) => {
    const query = searchFromTeamsState({ ...state, ...next });
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };
  const selected = data?.teams.find((t) => t.teamId === state.team) ?? data?.teams[0];

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <label htmlFor="teams-month" className="block text-sm font-medium text-slate-800">
            Month (UTC)
          </label>
          <input
            id="teams-month"
            type="month"
            value={month}
            onChange={(e) => {
              if (isMonth(e.target.value))
                update({
                  month: e.target.value === monthOfInstant(nowMs) ? undefined : e.target.value,
                });
            }}
            className={`${inputClass} mt-1 w-44`}
          />
        </div>
        {data && (
          <button
            type="button"
            onClick={() => downloadText(`wattwise-teams-${data.month}.csv`, teamsCsv(data))}
            className="rounded border border-slate-400 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100"
          >
            Download CSV
          </button>
        )}
      </div>
      {loadError && (
        <p
          role="alert"
          className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900"
        >
          Could not load the teams: {describeError(loadError).message}
        </p>
      )}
      {data ? (
        <>
          <section aria-labelledby="teams-heading" className="space-y-3">
            <h2 id="teams-heading" className="text-base font-semibold">
              {monthLabel(data.month)}
              {data.scope === 'team' && ': your team'}
            </h2>
            <p className="text-sm text-slate-700">
              Money in {data.currency}. Forecast made {formatDateTime(data.asOf)}:{' '}
              {data.method.description}.
            </p>
            <div
              aria-busy={summary.isPlaceholderData}
              className={summary.isPlaceholderData ? 'opacity-60' : undefined}
            >
              <TeamsTable summary={data} />
            </div>
          </section>
          {selected && (
            <BurnDownPanel
              teams={data.teams}
              team={selected}
              currency={data.currency}
              onTeam={(team) => update({ team })}
            />
          )}
          <HeldJobs summary={data} />
          {data.scope === 'facility' ? (
            <BudgetForm
              key={data.month}
              teams={data.teams}
              month={data.month}
              currency={data.currency}
            />
          ) : (
            <p className="text-sm text-slate-700">Budgets are set by an admin.</p>
          )}
        </>
      ) : (
        !loadError && <p className="text-sm text-slate-700">Loading the teams…</p>
      )}
    </div>
  );
}
