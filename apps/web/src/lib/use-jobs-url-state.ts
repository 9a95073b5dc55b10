'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback } from 'react';

import { isJobState } from './job-states';
import type { JobState } from './trpc';

export const PAGE_SIZES = [20, 50, 100] as const;
const DEFAULT_SIZE = PAGE_SIZES[0];

/** The jobs table's filter and page live in the URL (`?state=running&page=2&size=50`), so links share them. */
export function useJobsUrlState() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();

  const stateParam = params.get('state');
  const state: JobState | undefined = isJobState(stateParam) ? stateParam : undefined;
  const sizeParam = Number(params.get('size'));
  const size = (PAGE_SIZES as readonly number[]).includes(sizeParam) ? sizeParam : DEFAULT_SIZE;
  const pageParam = Number(params.get('page'));
  const page = Number.isInteger(pageParam) && pageParam > 0 ? pageParam : 1;

  const update = useCallback(
    (next: { state?: JobState | undefined; page?: number; size?: number }) => {
      const merged = { state, page, size, ...next };
      const search = new URLSearchParams();
      if (merged.state) search.set('state', merged.state);
      if (merged.page > 1) search.set('page', String(merged.page));
      if (merged.size !== DEFAULT_SIZE) search.set('size', String(merged.size));
      const query = search.toString();
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [router, pathname, state, page, size],
  );

  return {
    state,
    page,
    size,
    setState: (s: JobState | undefined) => update({ state: s, page: 1 }),
    setPage: (p: number) => update({ page: p }),
    setSize: (s: number) => update({ size: s, page: 1 }),
  };
}
