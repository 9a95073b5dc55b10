import type { Metadata } from 'next';
import { Suspense } from 'react';

import { RecommendationsView } from '../../components/recommendations/recommendations-view';

export const metadata: Metadata = { title: 'Recommendations' };

export default function RecommendationsPage() {
  return (
    <>
      <h1 className="text-2xl font-semibold">Recommendations</h1>
      <p className="mt-1 max-w-3xl text-slate-700">
        Changes that would save money or emissions, worked out from what the facility did: GPUs left
        idle, jobs that could start in cheaper or cleaner hours, jobs that asked for more GPUs than
        they kept busy. Each says how sure it is and what it rests on; those a scheduling policy can
        test open in the scheduler lab.
      </p>
      <div className="mt-6">
        <Suspense fallback={<p className="text-sm text-slate-700">Loading the recommendations…</p>}>
          <RecommendationsView />
        </Suspense>
      </div>
    </>
  );
}
