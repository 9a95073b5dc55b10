import type { Metadata } from 'next';
import { Suspense } from 'react';

import { EnergyView } from '../../components/energy/energy-view';

export const metadata: Metadata = { title: 'Energy & carbon' };

export default function Page() {
  return (
    <>
      <h1 className="text-2xl font-semibold">Energy &amp; carbon</h1>
      <p className="mt-1 max-w-3xl text-slate-700">
        When power is cheap and clean at the site, and how much the facility draws: the grid&apos;s
        price and carbon intensity hour by hour with a day-ahead forecast, the facility&apos;s PUE
        and its active against idle power, and the hours of the week best for work that can wait.
      </p>
      <div className="mt-6">
        <Suspense fallback={<p className="text-sm text-slate-700">Loading energy data…</p>}>
          <EnergyView />
        </Suspense>
      </div>
    </>
  );
}
