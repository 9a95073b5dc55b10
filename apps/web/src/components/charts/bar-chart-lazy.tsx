'use client';

import dynamic from 'next/dynamic';

import type { NamedBarChartProps } from './bar-chart';

/** The chart code (Recharts) loads only on pages that draw one, after the page itself. */
export const LazyNamedBarChart = dynamic<NamedBarChartProps>(() => import('./bar-chart'), {
  ssr: false,
  loading: () => (
    <div className="flex h-[120px] items-center justify-center text-sm text-slate-600">
      Loading chart…
    </div>
  ),
});
