'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback } from 'react';

import { isJobState } from './job-states';
import type { JobState } from './trpc';

export const PAGE_SIZES = [20, 50, 100] as const;
const DEFAULT_SIZE = PAGE_SIZES[0];

/** A team id as it may appear in a URL (`team_…`); anything else is ignored. */
const TEAM_ID = /^[\w-]{1,100}$/;

/**
 * The jobs table's filters and page live in the URL (`?state=running&team=team_1&page=2&size=50`),
 * so links share them and the browser's back button returns to the same view.
 */
export function useJobsUrlState() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();

  const stateParam = params.get('state');
  const state: JobState | undefined = isJobState(stateParam) ? stateParam : undefined;
  const teamParam = params.get('team');
  const team = teamParam && TEAM_ID.test(teamParam) ? teamParam : undefined;
  const sizeParam = Number(params.get('size'));
  const size = (PAGE_SIZES as readonly number[]).includes(sizeParam) ? sizeParam : DEFAULT_SIZE;
  const pageParam = Number(params.get('page'));
  const page = Number.isInteger(pageParam) && pageParam > 0 ? pageParam : 1;

  const update = useCallback(
    (next: {
      state?: JobState | undefined;
      team?: string | undefined;
      page?: number;
      size?: number;
    }) => {
      const merged = { state, team, page, size, ...next };
      const search = new URLSearchParams();
      if (merged.state) search.set('state', merged.state);
      if (merged.team) search.set('team', merged.team);
      if (merged.page > 1) search.set('page', String(merged.page));
      if (merged.size !== DEFAULT_SIZE) search.set('size', String(merged.size));
      const query = search.toString();
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [router, pathname, state, team, page, size],
  );

  return {
    state,
    team,
    page,
    size,
    setState: (s: JobState | undefined) => update({ state: s, page: 1 }),
    setTeam: (t: string | undefined) => update({ team: t, page: 1 }),
    setPage: (p: number) => update({ page: p }),
    setSize: (s: number) => update({ size: s, page: 1 }),
  };
}

/**
 * The job page's view in its URL: which attempt's telemetry is shown (`?attempt=2`, by number;
 * default the latest) and which measure the chart draws (`?chart=util`, default power).
 */
export function useJobPageUrlState() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const attemptParam = Number(params.get('attempt'));
  const attempt = Number.isInteger(attemptParam) && attemptParam > 0 ? attemptParam : undefined;
  const chart: 'power' | 'util' = params.get('chart') === 'util' ? 'util' : 'power';

  const update = useCallback(
    (next: { attempt?: number | undefined; chart?: 'power' | 'util' }) => {
      const merged = { attempt, chart, ...next };
      const search = new URLSearchParams();
      if (merged.attempt) search.set('attempt', String(merged.attempt));
      if (merged.chart !== 'power') search.set('chart', merged.chart);
      const query = search.toString();
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [router, pathname, attempt, chart],
  );

  return {
    attempt,
    chart,
    setAttempt: (a: number | undefined) => update({ attempt: a }),
    setChart: (c: 'power' | 'util') => update({ chart: c }),
  };
}
