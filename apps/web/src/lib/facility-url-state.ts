'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback } from 'react';

import { DEFAULT_WINDOW, parseWindow, type FacilityWindow } from './facility-window';

/** Site and node ids as they may appear in a URL; anything else is ignored. */
const ID = /^[\w.-]{1,100}$/;

export type FacilityUrlState = {
  window: FacilityWindow;
  site: string | undefined;
  /** Times in UTC or in the site's time zone. */
  tz: 'utc' | 'site';
  /** What the rack grid's colour shows. */
  colour: 'util' | 'power';
  /** The node whose details are open (by name). */
  node: string | undefined;
};

/**
 * The energy and GPU pages' view in the URL (`?window=72h&site=site_1&tz=site&colour=power&node=n1`),
 * so a link shows the same view; defaults are left out.
 */
export function useFacilityUrlState() {
  const params = useSearchParams();
  const pathname = usePathname();
  const siteParam = params.get('site');
  const nodeParam = params.get('node');
  const state: FacilityUrlState = {
    window: parseWindow(params.get('window')),
    site: siteParam && ID.test(siteParam) ? siteParam : undefined,
    tz: params.get('tz') === 'site' ? 'site' : 'utc',
    colour: params.get('colour') === 'power' ? 'power' : 'util',
    node: nodeParam && ID.test(nodeParam) ? nodeParam : undefined,
  };

  const { window, site, tz, colour, node } = state;
  const update = useCallback(
    (next: Partial<FacilityUrlState>) => {
      const merged = { window, site, tz, colour, node, ...next };
      const search = new URLSearchParams();
      if (merged.window !== DEFAULT_WINDOW) search.set('window', merged.window);
      if (merged.site) search.set('site', merged.site);
      if (merged.tz !== 'utc') search.set('tz', merged.tz);
      if (merged.colour !== 'util') search.set('colour', merged.colour);
      if (merged.node) search.set('node', merged.node);
      const query = search.toString();
      // The browser's own history API: Next keeps useSearchParams in step without asking the
      // server for the page again, so a toggle redraws at once.
      globalThis.history.replaceState(null, '', query ? `${pathname}?${query}` : pathname);
    },
    [pathname, window, site, tz, colour, node],
  );
  return { ...state, update };
}
