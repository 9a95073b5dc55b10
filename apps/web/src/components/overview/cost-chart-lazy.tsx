'use client';

import dynamic from 'next/dynamic';

import type { CostChartProps } from './cost-chart';

/** The chart code (Recharts) loads after the page and its figures have been drawn. */
export const LazyCostChart = dynamic<CostChartProps>(() => import('./cost-chart'), {
  ssr: false,
  loading: () => (
    <div className="flex h-[300px] items-center justify-center text-sm text-slate-600">
      Loading chart…
    </div>
  ),
});
