import { readFileSync } from 'node:fs';

import type { Locator } from '@playwright/test';

import { expect, screenshotPath, test, watchPage } from './fixtures';

const DAY_MS = 86_400_000;

/** RFC 4180 CSV: quoted fields, doubled quotes, commas and newlines inside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

/** The page's default period: today (UTC) and the 29 days before it. */
function last30Days() {
  const tomorrow = Math.floor(Date.now() / DAY_MS) * DAY_MS + DAY_MS;
  return {
    from: new Date(tomorrow - 30 * DAY_MS).toISOString(),
    to: new Date(tomorrow).toISOString(),
  };
}

const value = async (cell: Locator) => Number(await cell.getAttribute('data-value'));

test('the cost explorer groups by team, drills down, and downloads exactly the rows shown', async ({
  page,
  api,
  issues,
  expectAccessible,
}) => {
  // A billed job of our own, so there is something to explore even before any history is loaded.
  const research = (await api.admin.teams.query()).find((t) => t.name === 'research')!;
  const job = await api.jobs.submit.mutate({
    name: `cost explorer ${Date.now()}`,
    kind: 'command',
    payload: { argv: ['node', '-e', '0'] },
    teamId: research.id,
  });
  await expect
    .poll(async () => (await api.jobs.bill.query({ id: job.id })) !== null, { timeout: 60_000 })
    .toBe(true);
  const expected = await api.costs.explore.query({ ...last30Days(), groupBy: ['team'] });

  await page.goto('/cost');
  await expect(page.getByRole('heading', { level: 1, name: 'Cost explorer' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Group by' })).toHaveValue('team');

  if (expected.rows.length === 0) {
    // Nothing billed in the period yet (no history, no cost lines): the page says so.
    await expect(page.getByText('No costs in this period')).toBeVisible();
    await expectAccessible('cost-explorer-empty');
    await page.screenshot({ path: screenshotPath('cost-explorer-desktop'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: screenshotPath('cost-explorer-narrow'), fullPage: true });
    issues.expectNone();
    return;
  }

  // The table holds the API's rows, largest first, and its parts add up to its total.
  const table = page.getByTestId('cost-table');
  const bodyRows = table.locator('tbody tr');
  await expect(bodyRows).toHaveCount(expected.rows.length);
  const footer = (col: string) => value(table.locator(`tfoot td[data-col="${col}"]`));
  expect(await footer('total')).toBeCloseTo(expected.totals.total, 6);
  const parts = ['hardware', 'energy', 'operations', 'storage', 'bandwidth'];
  let partSum = 0;
  for (const p of parts) partSum += await footer(p);
  expect(partSum).toBeCloseTo(await footer('total'), 6);
  const totals: number[] = [];
  for (const row of await bodyRows.all())
    totals.push(await value(row.locator('td[data-col="total"]')));
  expect(totals).toEqual([...totals].sort((a, b) => b - a));
  expect(totals.reduce((s, t) => s + t, 0)).toBeCloseTo(expected.totals.total, 6);

  // One labelled chart (top nine and the rest) with its table alternative and % of total.
  const chart = page.getByTestId('cost-chart');
  await expect(chart.locator('[role="img"][aria-label^="Cost by Team"]')).toBeVisible();
  await expect(page.locator('.recharts-wrapper')).toHaveCount(1);
  await expect(chart.locator('table tbody tr')).toHaveCount(Math.min(10, expected.rows.length));
  await expect(chart.locator('table thead')).toContainText('% of total');
  await expectAccessible('cost-explorer');

  // The FOCUS file has the table's rows, in the table's order, and the same total.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download CSV (FOCUS 1.0)' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^wattwise-costs-team-.*\.focus\.csv$/);
  const [header, ...lines] = parseCsv(readFileSync((await download.path())!, 'utf8'));
  const col = (name: string) => header!.indexOf(name);
  expect(col('BilledCost')).toBeGreaterThanOrEqual(0);
  expect(col('BillingCurrency')).toBeGreaterThanOrEqual(0);
  expect(lines).toHaveLength(totals.length);
  const names = await bodyRows.locator('th[data-col="dim0"]').allTextContents();
  lines.forEach((line, i) => {
    expect(Number(line[col('BilledCost')])).toBeCloseTo(totals[i]!, 9);
    expect(line[col('SubAccountName')]).toBe(names[i]!.trim());
    expect(line[col('BillingCurrency')]).toBe(expected.currency);
  });
  expect(lines.reduce((s, l) => s + Number(l[col('BilledCost')]), 0)).toBeCloseTo(
    await footer('total'),
    6,
  );

  await page.screenshot({ path: screenshotPath('cost-explorer-desktop'), fullPage: true });

  // Drill down into the largest team: it becomes a filter and the view moves on to its projects.
  const top = expected.rows[0]!;
  await bodyRows.first().getByRole('button', { name: top.labels[0]! }).click();
  await expect(page).toHaveURL(/[?&]by=project(&|$)/);
  expect(new URL(page.url()).searchParams.getAll('f-team')).toEqual([top.keys[0]]);
  await expect(page.getByRole('list', { name: 'Filters in force' })).toContainText(top.labels[0]!);
  await expect(table.locator('thead th').first()).toHaveText(/Project/);
  await expect.poll(() => footer('total')).toBeCloseTo(top.total, 6);
  await expectAccessible('cost-explorer-drilled');

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.locator('.recharts-wrapper')).toHaveCount(1);
  await page.screenshot({ path: screenshotPath('cost-explorer-narrow'), fullPage: true });

  issues.expectNone();
});

test("a member sees their team's costs only, and no facility-wide idle or shared cost", async ({
  pageAs,
  api,
}) => {
  const research = (await api.admin.teams.query()).find((t) => t.name === 'research')!;
  const own = await api.costs.explore.query({
    ...last30Days(),
    groupBy: ['team'],
    filters: { team: [research.id] },
  });
  const page = await pageAs('research');
  const issues = watchPage(page);

  await page.goto('/cost');
  await expect(page.getByRole('heading', { level: 1, name: 'Cost explorer' })).toBeVisible();
  if (own.rows.length) {
    const table = page.getByTestId('cost-table');
    await expect(table.locator('tbody tr')).toHaveCount(1);
    await expect(table.locator('tbody th[data-col="dim0"]')).toHaveText('research');
    expect(
      Number(await table.locator('tfoot td[data-col="total"]').getAttribute('data-value')),
    ).toBeCloseTo(own.totals.total, 6);
  } else await expect(page.getByText('No costs in this period')).toBeVisible();
  // Idle capacity and shared costs are the whole facility's: not offered, and refused by URL.
  await expect(page.getByRole('radio', { name: 'Separate' })).toBeDisabled();
  await expect(page.getByRole('radio', { name: 'Shared' })).toBeDisabled();
  await expect(
    page.getByRole('combobox', { name: 'Add a filter on' }).locator('option', { hasText: 'Team' }),
  ).toHaveCount(0);
  issues.expectNone();

  await page.goto('/cost?idle=shared');
  await expect(page.getByRole('alert').filter({ hasText: 'could not be loaded' })).toContainText(
    'only an admin',
  );
  await page.getByRole('button', { name: 'Show jobs only' }).click();
  await expect(page).not.toHaveURL(/idle=/);
  await expect(page.getByRole('radio', { name: 'Hidden' })).toBeChecked();
  // The refusal itself, as the browser reports it.
  issues.expectNone([
    /HTTP 403: GET .*costs\.explore/,
    /console error: Failed to load resource: .* 403 .*costs\.explore/,
  ]);
});
