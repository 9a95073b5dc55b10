'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo, useState } from 'react';

import {
  parseExplorerState,
  periodInput,
  serializeExplorerState,
  type ExplorerState,
} from './cost-explorer-state';
import type { RouterInputs } from './trpc';
import { api } from './trpc';

/** The explorer's state from the URL; `set` replaces the entry, `go` (a drill-down) adds one. */
export function useExplorerUrlState() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const state = useMemo(() => parseExplorerState(new URLSearchParams(params)), [params]);
  const href = useCallback(
    (next: ExplorerState) => {
      const query = serializeExplorerState(next);
      return query ? `${pathname}?${query}` : pathname;
    },
    [pathname],
  );
  return {
    state,
    set: (patch: Partial<ExplorerState>) =>
      router.replace(href({ ...state, ...patch }), { scroll: false }),
    go: (next: ExplorerState) => router.push(href(next), { scroll: false }),
  };
}

/** One `costs.explore` answer for the state; the previous answer stays shown while the next loads. */
export function useExploration(state: ExplorerState) {
  // "Now" is fixed when the page opens, so the query key (and the cache) hold still.
  const [now] = useState(() => Date.now());
  const input: RouterInputs['costs']['explore'] = {
    ...periodInput(state.period, now),
    groupBy: state.groupBy,
    // Part filters are checked by the URL parser only as strings; the API names a bad one.
    filters: state.filters as RouterInputs['costs']['explore']['filters'],
    idle: state.idle,
    compare: state.compare,
  };
  return useQuery({
    queryKey: ['costs.explore', input],
    queryFn: ({ signal }) => api.costs.explore.query(input, { signal }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    // A refusal (bad input, a member asking for facility figures) will not change on a retry.
    retry: (failures, error) =>
      failures < 1 && !(error instanceof TRPCClientError && error.data?.httpStatus < 500),
  });
}
