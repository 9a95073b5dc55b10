import { readFileSync } from 'node:fs';

import type { Page, Response } from '@playwright/test';
import type { RouterOutputs } from '@wattwise/api';

import { expect, screenshotPath, test, watchPage } from './fixtures';

type Energy = RouterOutputs['facility']['energy'];
type Nodes = RouterOutputs['facility']['nodes'];

/** The result of one procedure in a (possibly batched) tRPC response through the portal. */
async function trpcResult<T>(response: Response, procedure: string): Promise<T> {
  const paths = new URL(response.url()).pathname.split('/api/trpc/')[1]!.split(',');
  const body = (await response.json()) as { result: { data: T } }[] | { result: { data: T } };
  const list = Array.isArray(body) ? body : [body];
  return list[paths.indexOf(procedure)]!.result.data;
}

const answerOf = (page: Page, procedure: string) =>
  page.waitForResponse(
    (r) => r.url().includes(`/api/trpc/`) && r.url().includes(procedure) && r.ok(),
  );

/** Every line of a downloaded CSV, header first. */
async function downloadedLines(page: Page, button: string): Promise<string[]> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button }).click(),
  ]);
  return readFileSync((await download.path())!, 'utf8')
    .trimEnd()
    .split('\r\n');
}

test('the energy page shows price and carbon on one axis, usage and the hours of the week, in every window', async ({
  page,
  issues,
  expectAccessible,
}) => {
  const first = answerOf(page, 'facility.energy');
  await page.goto('/energy');
  await expect(page.getByRole('heading', { level: 1, name: 'Energy & carbon' })).toBeVisible();
  const data = await trpcResult<Energy>(await first, 'facility.energy');
  expect(data.site).not.toBeNull();
  // 30 days hour by hour, and the next day forecast.
  expect(data.resolution).toBe('hour');
  expect(data.points).toHaveLength(30 * 24 + 24);
  expect(data.points.at(-1)!.carbonStatus).toBe('forecast');

  // The combined chart is labelled, and its table holds the same series.
  const chart = page.getByTestId('energy-grid-chart');
  await expect(
    chart.getByRole('img', { name: /Grid price in .* per kWh.*carbon intensity/ }),
  ).toBeVisible();
  await expect(chart.locator('.recharts-wrapper')).toBeVisible();
  const table = page.getByRole('region', { name: /Grid price and carbon, hour by hour \(table/ });
  await expect(table.locator('tbody tr').first()).toBeVisible();

  // The heat maps print every cell, and star exactly the cells the API flagged.
  const priceMap = page.getByTestId('heatmap-price');
  await expect(priceMap.locator('tbody td')).toHaveCount(168);
  const map = data.heatmap!.utc!;
  await expect(priceMap.locator('td[data-best]')).toHaveCount(
    map.cells.filter((c) => c.cheapest).length,
  );
  await expect(page.getByTestId('heatmap-carbon').locator('td[data-best]')).toHaveCount(
    map.cells.filter((c) => c.cleanest).length,
  );
  // The cleanest-hour figure is the lowest cell of the carbon map.
  const cleanest = map.cells
    .filter((c) => c.carbon !== null)
    .reduce((a, b) => (b.carbon! < a.carbon! ? b : a));
  const day = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][cleanest.weekday - 1];
  await expect(page.getByTestId('energy-cleanest-hour')).toHaveText(
    `${day} ${String(cleanest.hour).padStart(2, '0')}:00`,
  );

  // The usage chart, or why there is none, is there for an admin.
  await expect(
    page.getByRole('heading', { name: 'PUE and active against idle IT power' }),
  ).toBeVisible();
  if (data.usage && data.usage.points.length > 0) {
    await expect(
      page.getByTestId('energy-usage-chart').getByRole('img', { name: /Active and idle IT power/ }),
    ).toBeVisible();
    await expect(
      page.getByRole('region', { name: 'PUE and IT power (table of the chart)' }),
    ).toBeVisible();
  } else {
    await expect(
      page.getByText('No usage is recorded for this site in this window.'),
    ).toBeVisible();
  }

  // Explain says where the numbers come from.
  await page.getByRole('button', { name: 'Explain Mean grid carbon' }).click();
  const dialog = page.getByRole('dialog', { name: 'Mean grid carbon' });
  await expect(dialog).toContainText('Formula');
  await expect(dialog).toContainText(/2023/);
  await expect(dialog).toContainText(/estimate/);
  await dialog.getByRole('button', { name: 'Close' }).click();

  // The CSV holds what is shown: one line per point.
  const lines = await downloadedLines(page, 'Download CSV (series)');
  expect(lines[0]).toMatch(/^start_utc,hours,price_/);
  expect(lines).toHaveLength(data.points.length + 1);

  await expectAccessible('energy-30d');
  await page.screenshot({ path: screenshotPath('energy-desktop'), fullPage: true });

  // 24 hours: the window goes into the URL and the series is hourly.
  let next = answerOf(page, 'facility.energy');
  await page.getByRole('group', { name: 'Window' }).getByText('24 h', { exact: true }).click();
  await expect(page).toHaveURL(/[?&]window=24h/);
  expect((await trpcResult<Energy>(await next, 'facility.energy')).points).toHaveLength(48);

  // 12 months: daily means, a band for each day's price range.
  next = answerOf(page, 'facility.energy');
  await page.getByRole('group', { name: 'Window' }).getByText('12 months', { exact: true }).click();
  await expect(page).toHaveURL(/[?&]window=12mo/);
  const year = await trpcResult<Energy>(await next, 'facility.energy');
  expect(year.resolution).toBe('day');
  expect(year.points.length).toBeLessThanOrEqual(367);
  await expect(
    page.getByRole('region', { name: /Grid price and carbon, day by day/ }),
  ).toBeVisible();
  await expect(chart.getByRole('img', { name: /daily mean with the day’s range/ })).toBeVisible();

  // Site time: the heat map is read in the site's zone, and the link keeps it.
  await page
    .getByRole('group', { name: 'Times in' })
    .getByText(/^Site time/)
    .click();
  await expect(page).toHaveURL(/[?&]tz=site/);
  await expect(
    page.getByRole('heading', { name: `Cheapest and cleanest hours (${data.site!.timezone})` }),
  ).toBeVisible();
  await expectAccessible('energy-12mo');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/energy');
  await expect(chart.locator('.recharts-wrapper')).toBeVisible();
  await expect(page.getByTestId('heatmap-price')).toBeVisible();
  await page.screenshot({ path: screenshotPath('energy-narrow'), fullPage: true });
  issues.expectNone();
});

test('the GPUs page shows every node in its rack, a table of them, and the live GPUs', async ({
  page,
  issues,
  expectAccessible,
}) => {
  const first = answerOf(page, 'facility.nodes');
  await page.goto('/gpus');
  await expect(page.getByRole('heading', { level: 1, name: 'GPUs & nodes' })).toBeVisible();
  const data = await trpcResult<Nodes>(await first, 'facility.nodes');
  expect(data.site).not.toBeNull();

  // The grid is labelled, prints a figure in every cell, and says what its colours mean.
  const grid = page.getByRole('region', { name: /^Rack grid of / });
  await expect(grid.locator('button[data-node]')).toHaveCount(data.nodes.length);
  await expect(page.getByRole('list', { name: 'Legend of the rack grid' })).toContainText(
    '75 % and over',
  );
  // The capacity figure is the sum of the nodes' GPUs.
  await expect(page.getByTestId('gpus-capacity')).toHaveText(
    `${data.nodes.reduce((s, n) => s + n.gpuCount, 0)} GPUs`,
  );

  // Colour by power: in the URL, and the legend is in kW.
  await page.getByRole('group', { name: 'Colour by' }).getByText('Power', { exact: true }).click();
  await expect(page).toHaveURL(/[?&]colour=power/);
  await expect(page.getByRole('list', { name: 'Legend of the rack grid' })).toContainText(
    'no job energy',
  );

  // A cell opens its node; the table alternative sorts.
  const name = data.nodes[0]!.name;
  await grid.locator(`button[data-node="${name}"]`).click();
  await expect(page).toHaveURL(new RegExp(`[?&]node=${name}`));
  await expect(page.getByTestId('node-details').getByRole('heading', { name })).toBeVisible();
  const nodeTable = page.getByRole('region', { name: 'Nodes table', exact: true });
  await nodeTable.getByRole('button', { name: 'Node', exact: true }).click();
  await expect(nodeTable.locator('th[aria-sort="ascending"]')).toHaveCount(1);

  const lines = await downloadedLines(page, 'Download CSV (nodes)');
  expect(lines[0]).toMatch(/^node,rack,gpu_model,gpus,/);
  expect(lines).toHaveLength(data.nodes.length + 1);

  await expect(
    page.getByRole('heading', { name: 'Live workers: per-GPU telemetry' }),
  ).toBeVisible();
  await expect(page.getByRole('heading', { name: 'GPUs held but idle' })).toBeVisible();
  await expectAccessible('gpus');
  await page.screenshot({ path: screenshotPath('gpus-desktop'), fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/gpus?colour=power');
  await expect(grid.locator('button[data-node]')).toHaveCount(data.nodes.length);
  await page.screenshot({ path: screenshotPath('gpus-narrow'), fullPage: true });
  issues.expectNone();
});

test("a member sees the capacity and their own team's use, never the facility's energy", async ({
  pageAs,
}) => {
  const page = await pageAs('research');
  const issues = watchPage(page);
  const nodes = answerOf(page, 'facility.nodes');
  await page.goto('/gpus');
  const data = await trpcResult<Nodes>(await nodes, 'facility.nodes');
  expect(data.scope).toBe('team');
  await expect(page.getByText("Your team's utilisation")).toBeVisible();
  // The grid still shows every node: capacity is no team's secret.
  await expect(
    page.getByRole('region', { name: /^Rack grid of / }).locator('button[data-node]'),
  ).toHaveCount(data.nodes.length);
  await page.goto('/energy');
  await expect(page.getByText(/facility.s own energy is shown to administrators/)).toBeVisible();
  await expect(page.getByTestId('energy-pue')).toHaveCount(0);
  issues.expectNone();
});

test('a site of 1,213 nodes renders, recolours and scrolls without long stalls', async ({
  page,
  issues,
}) => {
  // The same answer with the Alibaba 2023 cluster's node count, spread over 40 racks.
  await page.route('**/api/trpc/**facility.nodes**', async (route) => {
    const response = await route.fetch();
    const paths = new URL(route.request().url()).pathname.split('/api/trpc/')[1]!.split(',');
    const body = (await response.json()) as { result: { data: Nodes } }[];
    const data = body[paths.indexOf('facility.nodes')]!.result.data;
    const nodes = Array.from({ length: 1213 }, (_, i) => ({
      ...data.nodes[0]!,
      id: `node_big${i}`,
      name: `big-${String(i).padStart(4, '0')}`,
      rack: `rack-${String(i % 40).padStart(2, '0')}`,
      gpuCount: 8,
      utilisation: (i % 100) / 100,
      avgKW: (i % 7) * 0.9,
      workerId: null,
    }));
    body[paths.indexOf('facility.nodes')]!.result.data = { ...data, nodes } as Nodes;
    await route.fulfill({ response, json: body });
  });
  const started = Date.now();
  await page.goto('/gpus');
  const cells = page.getByRole('region', { name: /^Rack grid of / }).locator('button[data-node]');
  await expect(cells).toHaveCount(1213);
  const firstRender = Date.now() - started;

  // Long tasks (over 50 ms) while recolouring the grid.
  await page.evaluate(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longTasks.push(e.duration);
    }).observe({ type: 'longtask' });
  });
  const t0 = Date.now();
  await page.getByRole('group', { name: 'Colour by' }).getByText('Power', { exact: true }).click();
  await expect(page.getByRole('list', { name: 'Legend of the rack grid' })).toContainText(
    'no job energy',
  );
  const recolour = Date.now() - t0;
  // The table renders only the rows in view, and reaches the last node when scrolled.
  const table = page.getByRole('region', { name: 'Nodes table', exact: true });
  expect(await table.locator('tbody tr[data-node]').count()).toBeLessThan(80);
  await table.evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(table.locator('tr[data-node="big-1212"]')).toBeVisible();
  const longest = await page.evaluate(() =>
    Math.max(0, ...(window as unknown as { longTasks: number[] }).longTasks),
  );
  test.info().annotations.push({
    type: 'timing',
    description: `1,213 nodes: first render ${firstRender} ms, recolour ${recolour} ms, longest task ${Math.round(longest)} ms`,
  });
  console.log(
    `1,213 nodes: first render ${firstRender} ms, recolour ${recolour} ms, longest task ${Math.round(longest)} ms`,
  );
  expect(longest).toBeLessThan(500);
  issues.expectNone();
});
