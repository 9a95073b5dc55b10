import type { Metadata } from 'next';
import { Suspense } from 'react';

import { OverviewView } from '../components/overview/overview-view';

export const metadata: Metadata = { title: 'Overview' };

export default function Page() {
  return (
    <>
      <h1 className="text-2xl font-semibold">Overview</h1>
      <p className="mt-1 max-w-3xl text-slate-700">
        What the facility cost and why: the five cost parts over time with a forecast, energy, PUE
        and emissions, GPUs held against GPUs used, and a reconciliation of job bills, idle capacity
        and shared costs with the facility total. Every figure has an Explain button.
      </p>
      <div className="mt-6">
        <Suspense fallback={<p className="text-sm text-slate-700">Loading the overview…</p>}>
          <OverviewView />
        </Suspense>
      </div>
    </>
  );
}
