import type { Metadata } from 'next';
import { Suspense } from 'react';

import { CostExplorerView } from '../../components/cost/cost-explorer-view';

export const metadata: Metadata = { title: 'Cost explorer' };

export default function CostExplorerPage() {
  return (
    <>
      <h1 className="text-2xl font-semibold">Cost explorer</h1>
      <p className="mt-1 max-w-3xl text-slate-700">
        What the facility cost, by who and what spent it: group by up to two of team, project, job,
        GPU model, node, cost part and day; select a row&rsquo;s name to drill down. Idle capacity
        and shared costs can be left out, shown as rows of their own, or shared over the jobs.
      </p>
      <div className="mt-6">
        <Suspense fallback={<p className="text-sm text-slate-700">Loading costs…</p>}>
          <CostExplorerView />
        </Suspense>
      </div>
    </>
  );
}
