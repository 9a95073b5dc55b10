import type { Metadata } from 'next';
import { Suspense } from 'react';

import { GpusView } from '../../components/gpus/gpus-view';

export const metadata: Metadata = { title: 'GPUs & nodes' };

export default function Page() {
  return (
    <>
      <h1 className="text-2xl font-semibold">GPUs &amp; nodes</h1>
      <p className="mt-1 max-w-3xl text-slate-700">
        Every node of the site in its rack with what jobs made of it over the window, the GPUs that
        running jobs hold but leave idle, and what each live worker&apos;s GPUs report now.
      </p>
      <div className="mt-6">
        <Suspense fallback={<p className="text-sm text-slate-700">Loading nodes…</p>}>
          <GpusView />
        </Suspense>
      </div>
    </>
  );
}
