'use client';

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { RouterInputs } from './trpc';
import { api } from './trpc';

export const JOBS_REFRESH_MS = 2000;

export const queryKeys = {
  health: ['health.check'] as const,
  teams: ['admin.teams'] as const,
  jobs: ['jobs.list'] as const,
  jobsPage: (input: RouterInputs['jobs']['list']) => ['jobs.list', input] as const,
};

export function useHealth() {
  return useQuery({
    queryKey: queryKeys.health,
    queryFn: ({ signal }) => api.health.check.query(undefined, { signal }),
    refetchInterval: 15_000,
    retry: false,
  });
}

export function useTeams() {
  return useQuery({
    queryKey: queryKeys.teams,
    queryFn: ({ signal }) => api.admin.teams.query(undefined, { signal }),
    staleTime: 60_000,
    // Until the list arrives (the server may start after the portal), keep asking.
    refetchInterval: (query) => (query.state.data ? false : 5000),
  });
}

/** One server-side page of jobs, refreshed every two seconds; the last page stays shown while the next loads. */
export function useJobsPage(input: RouterInputs['jobs']['list']) {
  return useQuery({
    queryKey: queryKeys.jobsPage(input),
    queryFn: ({ signal }) => api.jobs.list.query(input, { signal }),
    refetchInterval: JOBS_REFRESH_MS,
    placeholderData: keepPreviousData,
  });
}

export function useSubmitJob() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: RouterInputs['jobs']['submit']) => api.jobs.submit.mutate(input),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.jobs }),
  });
}

export function useCancelJob() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.jobs.cancel.mutate({ id }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.jobs }),
  });
}
