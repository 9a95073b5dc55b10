import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { AxeBuilder } from '@axe-core/playwright';
import { test as base, expect } from '@playwright/test';
import type { Page } from '@playwright/test';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { AppRouter } from '@wattwise/api';

export const screenshotsDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../screenshots',
);
mkdirSync(screenshotsDir, { recursive: true });

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the global setup did not run`);
  return value;
}

/** What went wrong in the page: console errors, uncaught exceptions, failed and refused requests. */
export type PageIssues = {
  list: string[];
  /** Expect none, except those matching `allowed` (for a test that provokes a refusal on purpose). */
  expectNone: (allowed?: RegExp[]) => void;
};

function watchPage(page: Page): PageIssues {
  const list: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') list.push(`console error: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => list.push(`uncaught: ${err.message}`));
  page.on('requestfailed', (req) => {
    // A request the page itself abandons (a navigation, a query superseded by a newer one) is not a failure.
    const reason = req.failure()?.errorText ?? 'unknown';
    if (reason !== 'net::ERR_ABORTED')
      list.push(`request failed: ${req.method()} ${req.url()} ${reason}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400)
      list.push(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`);
  });
  return {
    list,
    expectNone: (allowed = []) => {
      expect(list.filter((issue) => !allowed.some((re) => re.test(issue)))).toEqual([]);
    },
  };
}

export const test = base.extend<{
  issues: PageIssues;
  api: ReturnType<typeof createTRPCClient<AppRouter>>;
  expectAccessible: (label: string) => Promise<void>;
}>({
  baseURL: async ({}, use) => use(required('WATTWISE_E2E_WEB_URL')),
  issues: async ({ page }, use) => use(watchPage(page)),
  /** A tRPC client straight to the server with an admin token, to set up data. */
  api: async ({}, use) =>
    use(
      createTRPCClient<AppRouter>({
        links: [
          httpBatchLink({
            url: `${required('WATTWISE_E2E_SERVER_URL')}/trpc`,
            headers: { authorization: `Bearer ${required('WATTWISE_E2E_ADMIN_TOKEN')}` },
          }),
        ],
      }),
    ),
  expectAccessible: async ({ page }, use, testInfo) =>
    use(async (label: string) => {
      const results = await new AxeBuilder({ page }).analyze();
      const serious = results.violations.filter(
        (v) => v.impact === 'serious' || v.impact === 'critical',
      );
      await testInfo.attach(`axe-${label}.json`, {
        body: JSON.stringify(results.violations, null, 2),
        contentType: 'application/json',
      });
      expect(
        serious.map(
          (v) =>
            `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
        ),
      ).toEqual([]);
    }),
});

export { expect };

export function screenshotPath(name: string): string {
  return path.join(screenshotsDir, `${name}.png`);
}
