'use client';

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { isFinished } from './job-states';
import type { RouterInputs } from './trpc';
import { api } from './trpc';

export const JOBS_REFRESH_MS = 2000;

export const queryKeys = {
  health: ['health.check'] as const,
  teams: ['admin.teams'] as const,
  jobs: ['jobs.list'] as const,
  jobsPage: (input: RouterInputs['jobs']['list']) => ['jobs.list', input] as const,
  job: (id: string) => ['jobs.get', id] as const,
  jobBill: (id: string) => ['jobs.bill', id] as const,
  jobTelemetry: (id: string) => ['jobs.telemetry', id] as const,
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

/** What submitting would do (estimate, the scheduler's start and reason); null input: nothing to ask. */
export function useJobPreview(input: RouterInputs['jobs']['preview'] | null) {
  return useQuery({
    queryKey: ['jobs.preview', input] as const,
    queryFn: ({ signal }) => api.jobs.preview.query(input!, { signal }),
    enabled: input !== null,
    placeholderData: keepPreviousData,
    retry: false,
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
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: queryKeys.jobs }),
        client.invalidateQueries({ queryKey: ['jobs.get'] }),
      ]),
  });
}

/** One job with its attempts; refreshed every two seconds until it finishes. */
export function useJob(id: string) {
  return useQuery({
    queryKey: queryKeys.job(id),
    queryFn: ({ signal }) => api.jobs.get.query({ id }, { signal }),
    refetchInterval: (query) =>
      query.state.data && isFinished(query.state.data.state) ? false : JOBS_REFRESH_MS,
    retry: (failures, error) => failures < 2 && !/not found|another team/.test(error.message),
  });
}

/**
 * A finished job's bill. It is written with the completion, or by the server's sweep soon after
 * (a job ended by the reaper); until it is there, ask again every few seconds.
 */
export function useJobBill(id: string, finished: boolean) {
  return useQuery({
    queryKey: queryKeys.jobBill(id),
    queryFn: ({ signal }) => api.jobs.bill.query({ id }, { signal }),
    enabled: finished,
    refetchInterval: (query) => (query.state.data ? false : 5000),
  });
}

/** Every attempt's samples; refreshed every two seconds while the job runs. */
export function useJobTelemetry(id: string, live: boolean) {
  return useQuery({
    queryKey: queryKeys.jobTelemetry(id),
    queryFn: ({ signal }) => api.jobs.telemetry.query({ id }, { signal }),
    refetchInterval: live ? JOBS_REFRESH_MS : false,
  });
}
