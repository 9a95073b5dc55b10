'use client';

import dynamic from 'next/dynamic';

import type { WaterfallChartProps } from './waterfall-chart';

/** The waterfall's chart code (Recharts) loads only where one is drawn, after the page itself. */
export const LazyWaterfallChart = dynamic<WaterfallChartProps>(() => import('./waterfall-chart'), {
  ssr: false,
  loading: () => (
    <div className="flex h-[200px] items-center justify-center text-sm text-slate-600">
      Loading chart…
    </div>
  ),
});
