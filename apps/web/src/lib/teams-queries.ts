'use client';

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { RouterInputs } from './trpc';
import { api } from './trpc';

const summaryKey = ['teams.summary'] as const;

/** Every team's month (a member: theirs); the last month stays shown while another loads. */
export function useTeamsSummary(input: RouterInputs['teams']['summary']) {
  return useQuery({
    queryKey: [...summaryKey, input],
    queryFn: ({ signal }) => api.teams.summary.query(input, { signal }),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
}

export function useSetBudget() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: RouterInputs['teams']['setBudget']) => api.teams.setBudget.mutate(input),
    onSuccess: () => client.invalidateQueries({ queryKey: summaryKey }),
  });
}

export function useReleaseJob() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (jobId: string) => api.teams.release.mutate({ jobId }),
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: summaryKey }),
        client.invalidateQueries({ queryKey: ['jobs.list'] }),
      ]),
  });
}

export function useRecommendations(input: RouterInputs['recommendations']['list']) {
  return useQuery({
    queryKey: ['recommendations.list', input],
    queryFn: ({ signal }) => api.recommendations.list.query(input, { signal }),
    placeholderData: keepPreviousData,
  });
}
