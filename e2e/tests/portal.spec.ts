import { expect, screenshotPath, test } from './fixtures';

const PAGES: [title: string, path: string][] = [
  ['Overview', '/'],
  ['Cost explorer', '/cost'],
  ['Jobs', '/jobs'],
  ['Energy & carbon', '/energy'],
  ['GPUs & nodes', '/gpus'],
  ['Teams & budgets', '/teams'],
  ['Scheduler lab', '/scheduler'],
  ['Estimator', '/estimator'],
  ['What-if', '/what-if'],
  ['Recommendations', '/recommendations'],
  ['Playground', '/playground'],
  ['Methodology', '/methodology'],
];

test('the navigation reaches every page, and each one is built and loads clean', async ({
  page,
  issues,
}) => {
  test.setTimeout(120_000);
  await page.goto('/');
  const nav = page.getByRole('navigation', { name: 'Portal' });
  await expect(nav.getByRole('listitem')).toHaveCount(PAGES.length);
  await expect(page.getByRole('status')).toContainText('Server: connected');
  for (const [title, path] of PAGES) {
    await nav.getByRole('link', { name: title, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`${path === '/' ? '/' : path}(\\?.*)?$`));
    await expect(nav.getByRole('link', { name: title, exact: true })).toHaveAttribute(
      'aria-current',
      'page',
    );
    await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
    await expect(page.getByText('Coming', { exact: true })).toHaveCount(0);
  }
  issues.expectNone();
});

/** Every page at a desktop and a phone width, once its data has arrived, for looking over by eye. */
for (const [width, label] of [
  [1280, 'desktop'],
  [390, 'narrow'],
] as const) {
  test(`every page at ${label} width (${width} px), saved as a screenshot`, async ({
    page,
    issues,
  }) => {
    test.setTimeout(180_000);
    await page.setViewportSize({ width, height: 900 });
    for (const [title, path] of PAGES) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
      await page.waitForLoadState('networkidle');
      const slug = title.toLowerCase().replace(/[^a-z]+/g, '-');
      await page.screenshot({ path: screenshotPath(`page-${slug}-${label}`), fullPage: true });
    }
    issues.expectNone();
  });
}

test('the portal proxy refuses procedures the portal does not use', async ({ request }) => {
  const res = await request.post('/api/trpc/admin.createToken', {
    data: { name: 'x', role: 'admin' },
  });
  expect(res.status()).toBe(403);
  expect((await res.json()).error.message).toContain('does not expose admin.createToken');
});
