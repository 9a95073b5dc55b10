import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { AxeBuilder } from '@axe-core/playwright';
import { test as base, expect } from '@playwright/test';
import type { BrowserContext, Page } from '@playwright/test';
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

/** A demo user of the e2e server: `admin`, or the member of a demo team (`research`, `inference`). */
export type DemoUserName = 'admin' | 'research' | 'inference';

/** A demo user's email and password, as the server generated them. */
export function demoUser(who: DemoUserName): { email: string; password: string } {
  const users = JSON.parse(required('WATTWISE_E2E_USERS')) as Record<
    string,
    { email: string; password: string }
  >;
  const user = users[who];
  if (!user) throw new Error(`no demo user ${who}`);
  return user;
}

/** The storage state (session cookie) global setup saved for a demo user. */
function signedInState(who: DemoUserName): string {
  return path.join(required('WATTWISE_E2E_AUTH_DIR'), `${who}.json`);
}

/** What went wrong in the page: console errors, uncaught exceptions, failed and refused requests. */
export type PageIssues = {
  list: string[];
  /** Expect none, except those matching `allowed` (for a test that provokes a refusal on purpose). */
  expectNone: (allowed?: RegExp[]) => void;
};

export function watchPage(page: Page): PageIssues {
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
  /** A page in a browser context of its own, signed in as another demo user (closed after the test). */
  pageAs: (who: DemoUserName) => Promise<Page>;
}>({
  baseURL: async ({}, use) => use(required('WATTWISE_E2E_WEB_URL')),
  // `page` is signed in as the demo admin; `test.use({ storageState: { cookies: [], origins: [] } })`
  // gives a signed-out one.
  storageState: async ({}, use) => use(signedInState('admin')),
  pageAs: async ({ browser, baseURL, viewport }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (who) => {
      const context = await browser.newContext({
        baseURL,
        viewport,
        storageState: signedInState(who),
      });
      contexts.push(context);
      return context.newPage();
    });
    for (const context of contexts) await context.close();
  },
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
