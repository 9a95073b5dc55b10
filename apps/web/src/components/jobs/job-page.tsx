'use client';

import Link from 'next/link';
import { useEffect, useMemo, useRef } from 'react';

import { formatDateTime, formatDuration, jobDurationMs } from '../../lib/format';
import { isFinished } from '../../lib/job-states';
import { useJob, useJobTelemetry, useTeams } from '../../lib/queries';
import { describeError } from '../../lib/trpc';
import { JobAttempts } from './job-attempts';
import { JobBill } from './job-bill';
import { JobDetails } from './job-details';
import { JobStateBadge } from './job-state-badge';
import { JobTelemetry } from './job-telemetry';
import { JobTraining } from './job-training';
import { JobWait } from './job-wait';

/** A job's page: its state and why it waits, attempts, live progress, telemetry and bill. */
export function JobPage({ id }: { id: string }) {
  const job = useJob(id);
  const teams = useTeams();
  const data = job.data;
  const finished = data ? isFinished(data.state) : false;
  const telemetry = useJobTelemetry(id, data?.state === 'running');

  // Samples buffered on the worker arrive after the end: read them once more when the job ends.
  const wasLive = useRef(false);
  const { refetch } = telemetry;
  useEffect(() => {
    if (data?.state === 'running') wasLive.current = true;
    else if (finished && wasLive.current) {
      wasLive.current = false;
      void refetch();
    }
  }, [data?.state, finished, refetch]);

  const teamName = useMemo(
    () => teams.data?.find((t) => t.id === data?.teamId)?.name ?? data?.teamId,
    [teams.data, data?.teamId],
  );

  const loadError = job.error ?? (job.data ? null : job.failureReason);

  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/jobs" className="text-brand-700 underline">
          Jobs
        </Link>
        <span aria-hidden="true" className="px-1.5 text-slate-500">
          /
        </span>
        <span className="font-mono text-xs text-slate-700">{id}</span>
      </nav>

      {loadError && (
        <p
          role="alert"
          className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900"
        >
          Could not load job {id}: {describeError(loadError).message}
        </p>
      )}
      {!data && !loadError && <p className="text-sm text-slate-700">Loading the job…</p>}

      {data && (
        <>
          <header className="space-y-2">
            <div className="flex flex-wrap items-center gap-3">
              <h1 className="break-all text-2xl font-semibold">{data.name}</h1>
              <JobStateBadge state={data.state} />
            </div>
            <dl className="flex flex-wrap gap-x-6 gap-y-1 text-sm text-slate-700">
              <div className="flex gap-1.5">
                <dt>ID</dt>
                <dd className="font-mono text-xs leading-5 text-ink">{data.id}</dd>
              </div>
              <div className="flex gap-1.5">
                <dt>Team</dt>
                <dd className="text-ink">{teamName}</dd>
              </div>
              <div className="flex gap-1.5">
                <dt>Kind</dt>
                <dd className="text-ink">{data.kind}</dd>
              </div>
              <div className="flex gap-1.5">
                <dt>Submitted</dt>
                <dd className="text-ink">{formatDateTime(data.createdAt)}</dd>
              </div>
              <div className="flex gap-1.5">
                <dt>Ran</dt>
                <dd className="text-ink">
                  {(() => {
                    const ms = jobDurationMs(data, job.dataUpdatedAt);
                    return ms === null ? 'not yet' : formatDuration(ms);
                  })()}
                </dd>
              </div>
            </dl>
          </header>

          {data.state === 'queued' && <JobWait job={data} />}

          <JobDetails job={data} />

          {data.kind === 'nn-train' && <JobTraining job={data} />}

          <JobAttempts job={data} />

          <JobTelemetry job={data} telemetry={telemetry} />

          <JobBill job={data} />
        </>
      )}
    </div>
  );
}
