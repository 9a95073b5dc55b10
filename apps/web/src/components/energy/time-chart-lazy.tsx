'use client';

import dynamic from 'next/dynamic';

import type { TimeChartProps } from './time-chart';

/** The chart code (Recharts) loads only where one is drawn, after the page itself. */
export const LazyTimeChart = dynamic<TimeChartProps>(() => import('./time-chart'), {
  ssr: false,
  loading: () => (
    <div className="flex h-[300px] items-center justify-center text-sm text-slate-600">
      Loading chart…
    </div>
  ),
});
