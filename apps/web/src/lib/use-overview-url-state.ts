'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useState } from 'react';

import {
  overviewViewFrom,
  searchOfView,
  type Granularity,
  type OverviewWindow,
} from './overview-window';

/**
 * The overview's window and granularity live in the URL (`?window=7d&granularity=day`,
 * `?window=custom&from=2025-03-01&to=2025-03-31`), so a link shows the same view. Presets are
 * resolved against the clock when the page opened, so the query stays the same while it is open.
 */
export function useOverviewUrlState() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const [openedAt] = useState(() => Date.now());
  const view = overviewViewFrom(params, openedAt);

  const update = useCallback(
    (next: {
      window?: OverviewWindow;
      granularity?: Granularity;
      fromDay?: string;
      toDay?: string;
    }) => {
      const merged = { ...view, ...next };
      // A new window gets its own default granularity unless one is chosen with it.
      if (next.window && !next.granularity) merged.granularity = defaultFor(merged, openedAt);
      const query = searchOfView(merged);
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [router, pathname, view, openedAt],
  );

  return { view, update };
}

/** The granularity a window gets when the URL names none. */
function defaultFor(
  view: { window: OverviewWindow; fromDay: string; toDay: string },
  nowMs: number,
): Granularity {
  const search = new URLSearchParams({ window: view.window, from: view.fromDay, to: view.toDay });
  return overviewViewFrom(search, nowMs).granularity;
}
