import type { Metadata } from 'next';
import { Suspense } from 'react';

import { WhatIfView } from '../../components/what-if/what-if-view';

export const metadata: Metadata = { title: 'What-if' };

export default function WhatIfPage() {
  return (
    <>
      <h1 className="text-2xl font-semibold">What-if</h1>
      <p className="mt-1 max-w-3xl text-slate-700">
        Move the levers and see a month&apos;s bill change, from the baseline to the result,
        computed in your browser by cost-model. The settings are in the address, so a link shares
        the scenario.
      </p>
      <div className="mt-6">
        <Suspense fallback={<p className="text-sm text-slate-700">Loading the levers…</p>}>
          <WhatIfView />
        </Suspense>
      </div>
    </>
  );
}
