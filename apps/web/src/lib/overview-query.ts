'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';

import type { RouterInputs } from './trpc';
import { api } from './trpc';

/** The overview of a window; the last one stays shown while another window loads. */
export function useOverviewSummary(input: RouterInputs['overview']['summary']) {
  return useQuery({
    queryKey: ['overview.summary', input],
    queryFn: ({ signal }) => api.overview.summary.query(input, { signal }),
    placeholderData: keepPreviousData,
    // Usage is recorded by the hour: a minute-old overview is as good as a fresh one.
    staleTime: 60_000,
    refetchInterval: 5 * 60_000,
  });
}
