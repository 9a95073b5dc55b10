import type { Page } from '@playwright/test';

import { expect, test } from './fixtures';

/** Largest contentful paint must come within a second on localhost, with a month of history loaded. */
const LCP_BUDGET_MS = 1000;

/**
 * The page's largest contentful paint, ms from navigation start: the last candidate the browser
 * reported (buffered, so entries from before the observer count) once the page has drawn its
 * content, as `ready` says.
 */
async function largestContentfulPaint(page: Page, ready: () => Promise<void>): Promise<number> {
  await ready();
  // Two frames: whatever `ready` saw has been painted and reported.
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            new PerformanceObserver((list) => {
              const entries = list.getEntries();
              resolve(entries[entries.length - 1]!.startTime);
            }).observe({ type: 'largest-contentful-paint', buffered: true });
          }),
        );
      }),
  );
}

const PAGES: { path: string; ready: (page: Page) => Promise<void> }[] = [
  {
    path: '/',
    ready: async (page) => {
      const tiles = page.getByRole('list', { name: 'Headline figures' });
      const empty = page.getByRole('heading', {
        name: /^(No data yet|Nothing recorded in this window)$/,
      });
      await expect(tiles.or(empty)).toBeVisible();
    },
  },
  {
    path: '/jobs',
    ready: async (page) => {
      await expect(page.getByRole('heading', { level: 1, name: 'Jobs' })).toBeVisible();
      await expect(page.getByText('Loading jobs…')).toBeHidden();
    },
  },
];

for (const { path, ready } of PAGES) {
  test(`largest contentful paint of ${path} is under ${LCP_BUDGET_MS} ms`, async ({
    page,
  }, testInfo) => {
    // A warm-up load first: the figure is for a visit, not for the server's first request.
    await page.goto(path);
    await ready(page);
    await page.goto(path);
    const lcp = await largestContentfulPaint(page, () => ready(page));
    const line = `LCP ${path}: ${Math.round(lcp)} ms`;
    console.log(line);
    testInfo.annotations.push({ type: 'largest-contentful-paint', description: line });
    expect(lcp).toBeGreaterThan(0);
    expect(lcp).toBeLessThan(LCP_BUDGET_MS);
  });
}
