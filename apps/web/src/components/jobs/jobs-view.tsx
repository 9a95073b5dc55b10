'use client';

import { useMemo } from 'react';

import { useJobsPage, useTeams } from '../../lib/queries';
import { describeError } from '../../lib/trpc';
import { useJobsUrlState } from '../../lib/use-jobs-url-state';
import { JobsTable } from './jobs-table';

const SORT_CAPTION = {
  createdAt: 'by submit time',
  startedAt: 'by start time',
  finishedAt: 'by end time',
  name: 'by name',
  state: 'by state',
  gpus: 'by GPUs',
} as const;
import { JobsToolbar } from './jobs-toolbar';
import { Pager } from './pager';
import { SubmitJobForm } from './submit-job-form';

export function JobsView() {
  const { state, team, sort, dir, page, size, setState, setTeam, setSort, setPage, setSize } =
    useJobsUrlState();
  const jobs = useJobsPage({
    state,
    teamId: team,
    sort,
    dir,
    limit: size,
    offset: (page - 1) * size,
  });
  const teams = useTeams();
  // failureReason is set from the first failed try, before retries give up and `error` is set.
  const loadError = jobs.error ?? jobs.failureReason;
  const teamNames = useMemo(
    () => new Map((teams.data ?? []).map((t) => [t.id, t.name] as const)),
    [teams.data],
  );
  const filtered = [state, team && `team ${teamNames.get(team) ?? team}`]
    .filter(Boolean)
    .join(', ');

  return (
    <div className="space-y-6">
      <SubmitJobForm />
      <section aria-labelledby="jobs-heading" className="space-y-3">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <h2 id="jobs-heading" className="text-base font-semibold">
            Job list
          </h2>
          <JobsToolbar
            state={state}
            team={team}
            teams={teams.data}
            size={size}
            onStateChange={setState}
            onTeamChange={setTeam}
            onSizeChange={setSize}
          />
        </div>
        {loadError && (
          <p
            role="alert"
            className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900"
          >
            Could not load jobs: {describeError(loadError).message}
          </p>
        )}
        {jobs.data ? (
          jobs.data.items.length > 0 || page > 1 ? (
            <>
              <div
                aria-busy={jobs.isPlaceholderData}
                className={jobs.isPlaceholderData ? 'opacity-60 transition-opacity' : undefined}
              >
                <JobsTable
                  jobs={jobs.data.items}
                  teamNames={teamNames}
                  now={jobs.dataUpdatedAt}
                  sort={{ key: sort, dir }}
                  onSort={setSort}
                  caption={`Jobs${filtered ? ` (${filtered})` : ''}, ${SORT_CAPTION[sort]} ${dir === 'asc' ? 'ascending' : 'descending'}, page ${page}`}
                />
              </div>
              <Pager page={page} size={size} total={jobs.data.total} onPage={setPage} />
            </>
          ) : (
            <p className="rounded-lg border border-dashed border-slate-300 bg-white p-5 text-sm text-slate-700">
              {filtered ? `No jobs match (${filtered}).` : 'No jobs yet. Submit one above.'}
            </p>
          )
        ) : (
          !loadError && <p className="text-sm text-slate-700">Loading jobs…</p>
        )}
      </section>
    </div>
  );
}
