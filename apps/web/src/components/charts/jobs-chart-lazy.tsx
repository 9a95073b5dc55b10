'use client';

import dynamic from 'next/dynamic';

import type { JobsLineChartProps } from './jobs-line-chart';

/** The chart code (Recharts) loads only on pages that draw one, after the page itself. */
export const LazyJobsLineChart = dynamic<JobsLineChartProps>(() => import('./jobs-line-chart'), {
  ssr: false,
  loading: () => (
    <div className="flex h-[260px] items-center justify-center text-sm text-slate-600">
      Loading chart…
    </div>
  ),
});

/** Colours for series, distinguishable on white and from one another; CPU is drawn dashed. */
export const SERIES_COLORS = [
  '#1d4ed8',
  '#c2410c',
  '#15803d',
  '#7e22ce',
  '#0e7490',
  '#be123c',
  '#4d7c0f',
  '#a16207',
] as const;
export const CPU_COLOR = '#334155';
