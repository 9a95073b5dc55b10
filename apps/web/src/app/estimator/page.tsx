import type { Metadata } from 'next';
import { Suspense } from 'react';

import { EstimatorView } from '../../components/estimator/estimator-view';

export const metadata: Metadata = { title: 'Estimator' };

export default function EstimatorPage() {
  return (
    <>
      <h1 className="text-2xl font-semibold">Estimator</h1>
      <p className="mt-1 max-w-3xl text-slate-700">
        Time, energy, CO2e and cost of a training run, owning the accelerators or renting them,
        computed in your browser by cost-model exactly as{' '}
        <code className="text-sm">wattwise estimate training</code> computes it. The inputs are in
        the address, so a link shares the estimate.
      </p>
      <div className="mt-6">
        <Suspense fallback={<p className="text-sm text-slate-700">Loading the estimator…</p>}>
          <EstimatorView />
        </Suspense>
      </div>
    </>
  );
}
