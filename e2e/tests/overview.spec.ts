import { readFileSync } from 'node:fs';

import type { Locator, Page } from '@playwright/test';

import { expect, screenshotPath, test, watchPage } from './fixtures';

/** A money figure as the page shows it ("$1,234.56", "-€0.01"), as a number. */
function amount(text: string): number {
  const n = Number(text.replace(/[^0-9.-]/g, ''));
  if (!Number.isFinite(n)) throw new Error(`not an amount: ${text}`);
  return n;
}

const PARTS = ['billedJobs', 'runningJobs', 'idle', 'shared'] as const;

/** Waits until the overview has either its figures or its empty state; says which. */
async function settle(page: Page): Promise<'data' | 'empty'> {
  const tiles = page.getByRole('list', { name: 'Headline figures' });
  const empty = page.getByRole('heading', {
    name: /^(No data yet|Nothing recorded in this window)$/,
  });
  await expect(tiles.or(empty)).toBeVisible();
  return (await tiles.isVisible()) ? 'data' : 'empty';
}

/** Every chart in a section is a labelled image, and the section has its table alternative. */
async function expectChartsWithTables(page: Page) {
  const sections = page.locator('main section').filter({ has: page.locator('[role="img"]') });
  const count = await sections.count();
  expect(count).toBeGreaterThanOrEqual(2);
  for (let i = 0; i < count; i++) {
    const section = sections.nth(i);
    for (const chart of await section.locator('[role="img"]').all()) {
      expect((await chart.getAttribute('aria-label'))?.length ?? 0).toBeGreaterThan(30);
    }
    const details = section.locator('details');
    await expect(details.first()).toBeAttached();
    for (const d of await details.all()) {
      await d.locator('summary').click();
      await expect(d.locator('table').first()).toBeVisible();
      expect(await d.locator('tbody tr').count()).toBeGreaterThan(0);
    }
  }
}

/** The reconciliation as the page writes it: the parts, their sum and the facility total. */
async function expectReconciliationAddsUp(page: Page) {
  const r = page.getByTestId('reconciliation');
  await expect(r).toBeVisible();
  const shown = async (el: Locator) => ({
    text: amount(await el.innerText()),
    exact: Number(await el.getAttribute('data-value')),
  });
  const parts = await Promise.all(PARTS.map((p) => shown(r.getByTestId(`reconciliation-${p}`))));
  const sum = await shown(r.getByTestId('reconciliation-sum'));
  const total = await shown(r.getByTestId('reconciliation-total'));
  // As written, to the cent: each part is rounded, so their sum may be off by half a cent each.
  const written = parts.reduce((a, p) => a + p.text, 0);
  expect(Math.abs(written - sum.text)).toBeLessThanOrEqual(0.005 * PARTS.length + 1e-9);
  // Exactly, from the values behind the text.
  const exact = parts.reduce((a, p) => a + p.exact, 0);
  expect(Math.abs(exact - sum.exact)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(sum.exact)));
  // The sum is the facility total; where it is not, the page says so.
  if (Math.abs(total.exact - sum.exact) < 0.005) {
    expect(Math.abs(total.text - sum.text)).toBeLessThanOrEqual(0.01);
    await expect(r).toContainText('difference 0: it adds up');
  } else {
    await expect(r).toContainText(/difference -?[^0-9]*\d/);
  }
  // Drawn to one scale: the stacked segments are as long as the facility total's bar.
  const widths = await Promise.all(
    PARTS.map(
      async (p) => (await r.getByTestId(`reconciliation-segment-${p}`).boundingBox())!.width,
    ),
  );
  const totalBar = (await r.getByTestId('reconciliation-total-bar').boundingBox())!.width;
  const stacked = widths.reduce((a, w) => a + w, 0);
  expect(Math.abs(stacked - (totalBar * sum.exact) / total.exact)).toBeLessThanOrEqual(2);
}

test('the overview loads clean: figures explained, charts with tables, a reconciliation that adds up', async ({
  page,
  issues,
  expectAccessible,
}) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  const state = await settle(page);

  if (state === 'data') {
    // Every figure explains itself.
    await page.getByRole('button', { name: 'Explain Total cost' }).first().click();
    const drawer = page.getByRole('dialog', { name: 'Total cost' });
    await expect(drawer).toBeVisible();
    await expect(drawer).toContainText('Formula');
    await expect(drawer).toContainText('Hardware');
    await page.keyboard.press('Escape');
    await expect(drawer).toBeHidden();

    // Both charts are drawn (lazily), labelled, and have tables.
    await expect(page.locator('[role="img"] .recharts-wrapper')).toHaveCount(2);
    await expectChartsWithTables(page);
    await expectReconciliationAddsUp(page);

    // The CSV holds the series shown.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\r\n');
    expect(csv[0]).toMatch(
      /^start,kind,currency,hardware,energy,operations,storage,bandwidth,total/,
    );
    expect(csv.filter((l) => l.includes(',actual,')).length).toBe(
      await page
        .locator('section[aria-labelledby="cost-title"] details table')
        .first()
        .locator('tbody tr')
        .count(),
    );
  } else {
    await expect(page.getByText('pnpm wattwise history load', { exact: false })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Download CSV' })).toBeDisabled();
  }

  await expectAccessible('overview');
  await page.screenshot({ path: screenshotPath('overview-desktop'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await page.screenshot({ path: screenshotPath('overview-narrow'), fullPage: true });
  issues.expectNone();
});

test('the window and granularity live in the URL', async ({ page, issues }) => {
  await page.goto('/');
  await settle(page);
  const windows = page.getByRole('group', { name: 'Time window' });
  const granularity = page.getByRole('group', { name: 'Granularity' });
  await expect(windows.getByRole('button', { name: '30 d' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect(granularity.getByRole('button', { name: 'By day' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );

  await windows.getByRole('button', { name: '7 d' }).click();
  await expect(page).toHaveURL(/\?window=7d$/);
  await expect(granularity.getByRole('button', { name: 'By hour' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await granularity.getByRole('button', { name: 'By day' }).click();
  await expect(page).toHaveURL(/\?window=7d&granularity=day$/);

  // A shared link opens on the same view.
  await page.goto('/?window=custom&from=2023-07-01&to=2023-07-03');
  await settle(page);
  await expect(windows.getByRole('button', { name: 'Custom' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect(page.getByLabel('From (UTC day)')).toHaveValue('2023-07-01');
  await expect(page.getByLabel('To (UTC day, included)')).toHaveValue('2023-07-03');
  await expect(granularity.getByRole('button', { name: 'By hour' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  issues.expectNone();
});

test("a member sees their team's figures and no facility figures", async ({ pageAs }) => {
  const page = await pageAs('research');
  const issues = watchPage(page);
  await page.goto('/');
  const state = await settle(page);
  if (state === 'data') {
    await expect(page.getByText('are for admins')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Explain Idle cost' })).toHaveCount(0);
    await expect(page.getByTestId('reconciliation')).toHaveCount(0);
    await expect(page.getByRole('heading', { name: 'GPUs your team used' })).toBeVisible();
  }
  await expect(page.getByRole('heading', { name: 'Reconciliation' })).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('overview-member-desktop'), fullPage: true });
  issues.expectNone();
});
