'use client';

import { Fragment, useState } from 'react';

import {
  formatDateTime,
  formatDuration,
  formatShortDateTime,
  jobDurationMs,
} from '../../lib/format';
import type { Job } from '../../lib/trpc';
import { JobDetails } from './job-details';
import { JobStateBadge } from './job-state-badge';

const COLUMNS = [
  'Name',
  'ID',
  'Team',
  'State',
  'Attempts',
  'Exit code',
  'Created',
  'Duration',
] as const;

/** One page of jobs; a job's name expands a row below it with its details. */
export function JobsTable({
  jobs,
  teamNames,
  now,
}: {
  jobs: Job[];
  teamNames: ReadonlyMap<string, string>;
  /** When the rows were fetched, for the running time of jobs still running. */
  now: number;
}) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Jobs, newest first</caption>
        <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-700">
          <tr>
            {COLUMNS.map((c) => (
              <th key={c} scope="col" className="whitespace-nowrap px-3 py-2 font-semibold">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {jobs.map((job) => {
            const open = expanded.has(job.id);
            const duration = jobDurationMs(job, now);
            const detailsId = `job-details-${job.id}`;
            return (
              <Fragment key={job.id}>
                <tr data-job-id={job.id} className={open ? 'bg-slate-50' : undefined}>
                  <th scope="row" className="min-w-40 px-3 py-2 font-medium">
                    <button
                      type="button"
                      aria-expanded={open}
                      aria-controls={open ? detailsId : undefined}
                      onClick={() => toggle(job.id)}
                      className="flex items-start gap-1.5 text-left text-brand-700 hover:underline"
                    >
                      <span aria-hidden="true" className="inline-block w-3 shrink-0 text-slate-600">
                        {open ? '▾' : '▸'}
                      </span>
                      {job.name}
                    </button>
                  </th>
                  <td className="px-3 py-2 font-mono text-xs text-slate-700">{job.id}</td>
                  <td className="px-3 py-2">{teamNames.get(job.teamId) ?? job.teamId}</td>
                  <td className="px-3 py-2">
                    <JobStateBadge state={job.state} />
                  </td>
                  <td className="px-3 py-2 tabular-nums">
                    {job.attempts}/{job.maxAttempts}
                  </td>
                  <td className="px-3 py-2 tabular-nums">{job.result?.exitCode ?? '—'}</td>
                  <td className="whitespace-nowrap px-3 py-2">
                    <time dateTime={job.createdAt} title={formatDateTime(job.createdAt)}>
                      {formatShortDateTime(job.createdAt)}
                    </time>
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 tabular-nums">
                    {duration === null ? '—' : formatDuration(duration)}
                  </td>
                </tr>
                {open && (
                  <tr id={detailsId} className="bg-slate-50">
                    <td colSpan={COLUMNS.length} className="px-3 pb-4 pt-1">
                      <JobDetails job={job} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
