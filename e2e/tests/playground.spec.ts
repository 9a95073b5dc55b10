import { expect, screenshotPath, test } from './fixtures';

const pct = (text: string | null) => Number((text ?? '').replace(/[^0-9.]/g, ''));

test('the playground trains in the browser, takes clicked points and steps through one update', async ({
  page,
  issues,
  expectAccessible,
}) => {
  // Three blobs: the majority baseline is about a third, so learning shows within a few epochs.
  await page.goto('/playground?data=gaussian-blobs&epochs=30');
  await expect(page.getByRole('heading', { level: 1, name: 'Playground' })).toBeVisible();
  const plot = page.getByRole('img', { name: /Decision boundary of the network/ });
  await expect(plot).toBeVisible();
  await expect(page.getByText(/cpu backend/)).toBeVisible();
  await expect(page.getByTestId('pg-count-total')).toHaveText('300');
  const baseline = pct(await page.getByTestId('pg-baseline').textContent());
  expect(baseline).toBeGreaterThan(30);
  expect(baseline).toBeLessThan(40);

  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('cell', { name: /^30 of 30$/ })).toBeVisible({ timeout: 60_000 });
  const accuracy = pct(await page.getByTestId('pg-accuracy').textContent());
  expect(accuracy).toBeGreaterThan(baseline);
  await expect(plot).toHaveAttribute('aria-label', /epoch 30/);

  // A click on the plot adds a point of the selected class.
  await page.getByRole('radio', { name: 'class 2' }).check();
  const before = Number(await page.getByTestId('pg-count-2').textContent());
  await plot.click({ position: { x: 40, y: 40 } });
  await expect(page.getByTestId('pg-count-2')).toHaveText(String(before + 1));
  await expect(page.getByTestId('pg-count-total')).toHaveText('301');

  // The worked example: forward, loss, backward, back again, with nn-core's numbers.
  // Expected values are the hand computation in nn-core's reference/worked-example.ts.
  const next = page.getByRole('button', { name: 'Next', exact: true });
  const back = page.getByRole('button', { name: 'Back', exact: true });
  await expect(back).toBeDisabled();
  await next.click();
  await expect(page.getByText('Stage 2 of 8')).toBeVisible();
  await expect(page.getByRole('row', { name: /^z1 / })).toContainText('2.2');
  await next.click();
  await next.click();
  await expect(page.getByText('Stage 4 of 8')).toBeVisible();
  await expect(page.getByRole('row', { name: /^E / })).toContainText('0.6728');
  await next.click();
  await expect(page.getByRole('row', { name: /∂E\/∂w21/ })).toContainText('2.552');
  await back.click();
  await expect(page.getByText('Stage 4 of 8')).toBeVisible();
  await expect(page.getByRole('row', { name: /^E / })).toContainText('0.6728');
  await page.getByRole('button', { name: /After the step/ }).click();
  await expect(page.getByRole('row', { name: /E after/ })).toContainText('0.1119618456');
  await expect(next).toBeDisabled();

  await expectAccessible('playground');
  await page.screenshot({ path: screenshotPath('playground'), fullPage: true });
  issues.expectNone();
});

test('the playground fits a phone screen and its settings live in the URL', async ({
  browser,
  baseURL,
}) => {
  const context = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto('/playground');
  await expect(page.getByText(/cpu backend/)).toBeVisible();
  await page.getByLabel('Dataset').selectOption('xor');
  await expect(page).toHaveURL(/data=xor/);
  await page.getByLabel('Hidden units').fill('4');
  await expect(page).toHaveURL(/hidden=4/);
  await expect(page.getByTestId('pg-count-total')).toHaveText('200');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await page.screenshot({ path: screenshotPath('playground-narrow'), fullPage: true });
  await context.close();
});

test('TensorFlow.js loads on the playground only', async ({ page }) => {
  const scripts: string[] = [];
  page.on('response', async (res) => {
    if (res.url().endsWith('.js')) scripts.push(await res.text().catch(() => ''));
  });
  await page.goto('/what-if');
  await expect(page.getByRole('heading', { level: 1, name: 'What-if' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  // Every tfjs bundle carries its version banner and kernel names such as "BatchMatMul".
  expect(scripts.some((s) => s.includes('BatchMatMul'))).toBe(false);
  scripts.length = 0;
  await page.goto('/playground');
  await expect(page.getByText(/cpu backend/)).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(scripts.some((s) => s.includes('BatchMatMul'))).toBe(true);
});
