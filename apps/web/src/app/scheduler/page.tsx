import type { Metadata } from 'next';
import { Suspense } from 'react';

import { SchedulerLabView } from '../../components/scheduler-lab/scheduler-lab-view';

export const metadata: Metadata = { title: 'Scheduler lab' };

export default function SchedulerLabPage() {
  return (
    <>
      <h1 className="text-2xl font-semibold">Scheduler lab</h1>
      <p className="mt-1 max-w-3xl text-slate-700">
        Replay the Alibaba GPU trace under two or more scheduling policies, priced and weighed with
        a grid zone&apos;s hourly data, and compare them side by side. The run is a job on a worker;
        the form and the run are in the address, so a link shares the comparison.
      </p>
      <div className="mt-6">
        <Suspense fallback={<p className="text-sm text-slate-700">Loading the lab…</p>}>
          <SchedulerLabView />
        </Suspense>
      </div>
    </>
  );
}
