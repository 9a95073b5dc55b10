import type { Metadata } from 'next';
import { Suspense } from 'react';

import { JobsView } from '../../components/jobs/jobs-view';

export const metadata: Metadata = { title: 'Jobs' };

export default function JobsPage() {
  return (
    <>
      <h1 className="text-2xl font-semibold">Jobs</h1>
      <p className="mt-1 text-slate-700">
        Submit command jobs with the resources they need and follow them through the queue; each job
        has a page with its attempts, telemetry and bill. The list refreshes every two seconds.
      </p>
      <div className="mt-6">
        <Suspense fallback={<p className="text-sm text-slate-700">Loading jobs…</p>}>
          <JobsView />
        </Suspense>
      </div>
    </>
  );
}
