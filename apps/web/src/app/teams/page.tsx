import type { Metadata } from 'next';
import { Suspense } from 'react';

import { TeamsView } from '../../components/teams/teams-view';

export const metadata: Metadata = { title: 'Teams & budgets' };

export default function TeamsPage() {
  return (
    <>
      <h1 className="text-2xl font-semibold">Teams &amp; budgets</h1>
      <p className="mt-1 max-w-3xl text-slate-700">
        What each team spent this month, the GPU-hours it held, its budget and where its recent pace
        takes it by month end; jobs a budget holds before they enter the queue. The month is in the
        address, so a link shares the view.
      </p>
      <div className="mt-6">
        <Suspense fallback={<p className="text-sm text-slate-700">Loading the teams…</p>}>
          <TeamsView />
        </Suspense>
      </div>
    </>
  );
}
