'use client';

import dynamic from 'next/dynamic';

import type { PolicyBarChartProps } from './policy-bar-chart';

/** The lab's chart code (Recharts) loads only once a comparison is shown. */
export const LazyPolicyBarChart = dynamic<PolicyBarChartProps>(() => import('./policy-bar-chart'), {
  ssr: false,
  loading: () => (
    <div className="flex h-[120px] items-center justify-center text-sm text-slate-600">
      Loading chart…
    </div>
  ),
});
