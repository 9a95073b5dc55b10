import type { Metadata } from 'next';
import { Suspense } from 'react';

import { PlaygroundView } from '../../components/playground/playground-view';

export const metadata: Metadata = { title: 'Playground' };

export default function PlaygroundPage() {
  return (
    <>
      <h1 className="text-2xl font-semibold">Playground</h1>
      <p className="mt-1 max-w-3xl text-slate-700">
        Train small neural networks on toy data in your browser and watch the decision boundary
        move; click the plot to add points. Beside it, one training step of a tiny network with
        every number. The settings are in the address, so a link shares them.
      </p>
      <div className="mt-6">
        <Suspense fallback={<p className="text-sm text-slate-700">Loading the playground…</p>}>
          <PlaygroundView />
        </Suspense>
      </div>
    </>
  );
}
