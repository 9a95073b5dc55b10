'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback } from 'react';

import { isJobState } from './job-states';
import type { JobState, RouterInputs } from './trpc';

export const PAGE_SIZES = [20, 50, 100] as const;

/** The columns the server can sort the list by, and the default order. */
export type JobSortKey = NonNullable<Exclude<RouterInputs['jobs']['list'], void>['sort']>;
export const JOB_SORT_KEYS = [
  'createdAt',
  'startedAt',
  'finishedAt',
  'name',
  'state',
  'gpus',
] as const satisfies readonly JobSortKey[];
export type SortDir = 'asc' | 'desc';
const DEFAULT_SORT: JobSortKey = 'createdAt';
const DEFAULT_DIR: SortDir = 'desc';
const isSortKey = (v: string | null): v is JobSortKey =>
  (JOB_SORT_KEYS as readonly string[]).includes(v ?? '');
const DEFAULT_SIZE = PAGE_SIZES[0];

/** A team id as it may appear in a URL (`team_…`); anything else is ignored. */
const TEAM_ID = /^[\w-]{1,100}$/;

/**
 * The jobs table's filters, order and page live in the URL
 * (`?state=running&team=team_1&sort=name&dir=asc&page=2&size=50`),
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
  const sortParam = params.get('sort');
  const sort = isSortKey(sortParam) ? sortParam : DEFAULT_SORT;
  const dir: SortDir =
    params.get('dir') === 'asc' ? 'asc' : params.get('dir') === 'desc' ? 'desc' : DEFAULT_DIR;

  const update = useCallback(
    (next: {
      state?: JobState | undefined;
      team?: string | undefined;
      sort?: JobSortKey;
      dir?: SortDir;
      page?: number;
      size?: number;
    }) => {
      const merged = { state, team, sort, dir, page, size, ...next };
      const search = new URLSearchParams();
      if (merged.state) search.set('state', merged.state);
      if (merged.team) search.set('team', merged.team);
      if (merged.sort !== DEFAULT_SORT || merged.dir !== DEFAULT_DIR) {
        search.set('sort', merged.sort);
        search.set('dir', merged.dir);
      }
      if (merged.page > 1) search.set('page', String(merged.page));
      if (merged.size !== DEFAULT_SIZE) search.set('size', String(merged.size));
      const query = search.toString();
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [router, pathname, state, team, sort, dir, page, size],
  );

  return {
    state,
    team,
    sort,
    dir,
    page,
    size,
    /** Sorts by `key`: the same column again reverses the order; a new one starts at its natural end. */
    setSort: (key: JobSortKey) =>
      update({
        sort: key,
        dir: key === sort ? (dir === 'asc' ? 'desc' : 'asc') : key === 'name' ? 'asc' : 'desc',
        page: 1,
      }),
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
