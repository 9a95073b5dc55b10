'use client';

import Link from 'next/link';

import {
  formatDateTime,
  formatDuration,
  formatGpuRequest,
  formatDayMinute,
  jobDurationMs,
} from '../../lib/format';
import type { Job } from '../../lib/trpc';
import type { JobSortKey, SortDir } from '../../lib/use-jobs-url-state';
import { JobStateBadge } from './job-state-badge';

/** The columns, and the server-side order each header switches to (none: not sortable). */
const COLUMNS: readonly { title: string; sort?: JobSortKey }[] = [
  { title: 'Job', sort: 'name' },
  { title: 'State', sort: 'state' },
  { title: 'Team' },
  { title: 'GPUs', sort: 'gpus' },
  { title: 'Waiting for' },
  { title: 'Attempts' },
  { title: 'Exit' },
  { title: 'Created', sort: 'createdAt' },
  { title: 'Duration' },
];

/** What a job in the list is waiting for: the scheduler's reason and planned start, or a retry. */
function waitText(job: Job): string | null {
  if (job.state !== 'queued') return null;
  const planned = job.plannedStartAt ? `starts ${formatDayMinute(job.plannedStartAt)}` : null;
  if (job.waitReason)
    return planned && !job.waitReason.includes('starts')
      ? `${job.waitReason} (${planned})`
      : job.waitReason;
  if (planned) return planned;
  return job.failures > 0 ? `retry after ${formatDayMinute(job.runAfter)}` : 'not yet considered';
}

/** One server-side page of jobs; a job's name links to its page. */
export function JobsTable({
  jobs,
  teamNames,
  now,
  caption,
  sort,
  onSort,
}: {
  jobs: Job[];
  teamNames: ReadonlyMap<string, string>;
  /** When the rows were fetched, for the running time of jobs still running. */
  now: number;
  caption: string;
  sort: { key: JobSortKey; dir: SortDir };
  onSort: (key: JobSortKey) => void;
}) {
  return (
    <div
      role="region"
      aria-label="Jobs table"
      tabIndex={0}
      className="overflow-x-auto rounded-lg border border-slate-200 bg-white"
    >
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-700">
          <tr>
            {COLUMNS.map((c) => {
              const active = c.sort === sort.key;
              return (
                <th
                  key={c.title}
                  scope="col"
                  aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                  className="whitespace-nowrap px-2.5 py-2 font-semibold"
                >
                  {c.sort ? (
                    <button
                      type="button"
                      onClick={() => onSort(c.sort!)}
                      className="inline-flex items-center gap-1 uppercase tracking-wide hover:text-ink"
                    >
                      {c.title}
                      <span aria-hidden="true">
                        {active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                      </span>
                    </button>
                  ) : (
                    c.title
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {jobs.map((job) => {
            const duration = jobDurationMs(job, now);
            const wait = waitText(job);
            return (
              <tr key={job.id} data-job-id={job.id} className="align-top">
                <th scope="row" className="min-w-36 px-2.5 py-2 font-medium">
                  <Link
                    href={`/jobs/${encodeURIComponent(job.id)}`}
                    className="text-brand-700 hover:underline"
                  >
                    {job.name}
                  </Link>
                  <div className="font-mono text-xs font-normal text-slate-600">{job.id}</div>
                </th>
                <td data-col="state" className="px-2.5 py-2">
                  <JobStateBadge state={job.state} />
                </td>
                <td data-col="team" className="px-2.5 py-2">
                  {teamNames.get(job.teamId) ?? job.teamId}
                </td>
                <td data-col="gpus" className="whitespace-nowrap px-2.5 py-2">
                  {job.gpus ? formatGpuRequest(job.gpus, job.gpuModel) : '—'}
                </td>
                <td
                  data-col="wait"
                  className="min-w-32 max-w-64 px-2.5 py-2 text-xs text-slate-800"
                >
                  {wait ?? '—'}
                </td>
                <td data-col="attempts" className="px-2.5 py-2 tabular-nums">
                  {job.attempts}/{job.maxAttempts}
                </td>
                <td data-col="exit" className="px-2.5 py-2 tabular-nums">
                  {job.result?.exitCode ?? '—'}
                </td>
                <td data-col="created" className="whitespace-nowrap px-2.5 py-2">
                  <time dateTime={job.createdAt} title={formatDateTime(job.createdAt)}>
                    {formatDayMinute(job.createdAt)}
                  </time>
                </td>
                <td data-col="duration" className="whitespace-nowrap px-2.5 py-2 tabular-nums">
                  {duration === null ? '—' : formatDuration(duration)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
