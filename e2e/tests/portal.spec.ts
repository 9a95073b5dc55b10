import { expect, screenshotPath, test } from './fixtures';

const PAGES = [
  'Overview',
  'Cost explorer',
  'Jobs',
  'Energy & carbon',
  'GPUs & nodes',
  'Teams & budgets',
  'Scheduler lab',
  'What-if',
  'Recommendations',
  'Playground',
  'Methodology',
];

test('the navigation lists every page and unbuilt pages say what is coming', async ({
  page,
  issues,
  expectAccessible,
}) => {
  await page.goto('/');
  const nav = page.getByRole('navigation', { name: 'Portal' });
  for (const title of PAGES) await expect(nav.getByRole('link', { name: title })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Overview' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await expect(page.getByText('Coming', { exact: true })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('Server: connected');
  await expectAccessible('overview');
  await page.screenshot({ path: screenshotPath('overview'), fullPage: true });

  await nav.getByRole('link', { name: 'Cost explorer' }).click();
  await expect(page).toHaveURL(/\/cost$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Cost explorer' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Cost explorer' })).toHaveAttribute(
    'aria-current',
    'page',
  );

  issues.expectNone();
});

test('the portal proxy refuses procedures the portal does not use', async ({ request }) => {
  const res = await request.post('/api/trpc/admin.createToken', {
    data: { name: 'x', role: 'admin' },
  });
  expect(res.status()).toBe(403);
  expect((await res.json()).error.message).toContain('does not expose admin.createToken');
});
