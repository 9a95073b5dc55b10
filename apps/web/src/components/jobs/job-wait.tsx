import Link from 'next/link';

import { formatDateTime } from '../../lib/format';
import type { JobDetail } from '../../lib/jobs-api';

/** Why a queued job has not started, as the scheduler last said, and when it plans to start it. */
export function JobWait({ job }: { job: JobDetail }) {
  const retryAt = job.failures > 0 ? job.runAfter : null;
  return (
    <section
      aria-labelledby="wait-heading"
      className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm"
    >
      <h2 id="wait-heading" className="text-base font-semibold text-amber-950">
        {job.heldReason ? 'Held by its team’s budget' : 'Why it waits'}
      </h2>
      <p className="mt-1 text-amber-950" data-testid="wait-reason">
        {job.heldReason ??
          job.waitReason ??
          'The scheduler has not considered it yet: it looks at the queue each time a worker asks for work.'}
      </p>
      {job.heldReason && (
        <p className="mt-1 text-amber-950">
          It is not claimed until an admin releases it on{' '}
          <Link href="/teams" className="font-medium underline underline-offset-2">
            Teams &amp; budgets
          </Link>
          .
        </p>
      )}
      <dl className="mt-2 grid gap-x-6 gap-y-1 sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium text-amber-950">Planned start</dt>
        <dd>{job.plannedStartAt ? formatDateTime(job.plannedStartAt) : 'as soon as it fits'}</dd>
        {retryAt && (
          <>
            <dt className="font-medium text-amber-950">Retry not before</dt>
            <dd>
              {formatDateTime(retryAt)} (after {job.failures} failed attempt
              {job.failures === 1 ? '' : 's'})
            </dd>
          </>
        )}
        {job.deadlineAt && (
          <>
            <dt className="font-medium text-amber-950">Deadline</dt>
            <dd>{formatDateTime(job.deadlineAt)}</dd>
          </>
        )}
      </dl>
    </section>
  );
}
