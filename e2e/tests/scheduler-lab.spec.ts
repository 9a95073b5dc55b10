import { expect, screenshotPath, test } from './fixtures';

/** The run's comparison, as the lab renders it and as the job's result holds it. */
type CompareRun = { name: string; energyCost: number; jobs: { completed: number } };

test('the scheduler lab compares fifo and backfill as a job and shows them side by side', async ({
  page,
  api,
  issues,
  expectAccessible,
}) => {
  await page.goto('/scheduler');
  await expect(page.getByRole('heading', { level: 1, name: 'Scheduler lab' })).toBeVisible();
  const team = page.getByRole('combobox', { name: 'Team (required)' });
  await expect(team).toBeEnabled();

  // fifo + backfill only, on a short prefix of the trace.
  for (const policy of ['las', 'fair', 'cost-aware'])
    await page.getByRole('checkbox', { name: new RegExp(`^${policy} `) }).uncheck();
  await page.getByRole('checkbox', { name: /^fifo / }).check();
  await page.getByRole('checkbox', { name: /^backfill / }).check();
  await page.getByRole('spinbutton', { name: 'Jobs (limit) (optional)' }).fill('60');
  await expectAccessible('scheduler-lab-form');
  await page.getByRole('button', { name: 'Run comparison' }).click();

  // The job id goes into the URL, so the comparison is a link.
  await expect(page).toHaveURL(/[?&]job=job_/);
  const jobId = new URL(page.url()).searchParams.get('job')!;
  expect(new URL(page.url()).searchParams.get('limit')).toBe('60');

  const table = page.getByTestId('lab-comparison');
  await expect(table).toBeVisible({ timeout: 60_000 });
  await expect(table.locator('thead th[data-policy]')).toHaveText([/fifo/, /backfill/]);

  // The page's numbers are the job's result.
  const job = await api.jobs.get.query({ id: jobId });
  expect(job.state).toBe('succeeded');
  const output = job.result?.output as { compare: CompareRun[] } | undefined;
  expect(output?.compare.map((r) => r.name)).toEqual(['fifo', 'backfill']);
  const backfill = output!.compare[1]!;
  const costCell = table.locator('td[data-policy="backfill"][data-metric="energyCost"]');
  expect(Number(await costCell.getAttribute('data-value'))).toBeCloseTo(backfill.energyCost, 9);
  const doneCell = table.locator('td[data-policy="fifo"][data-metric="jobsCompleted"]');
  expect(Number(await doneCell.getAttribute('data-value'))).toBe(
    output!.compare[0]!.jobs.completed,
  );

  // Three labelled charts, each with its table alternative.
  for (const key of ['cost', 'carbon', 'wait']) {
    const figure = page.getByTestId(`lab-chart-${key}`);
    await expect(figure.locator('[role="img"][aria-label*="by policy"]')).toBeVisible();
    await expect(figure.locator('table tbody tr')).toHaveCount(2);
  }
  await expect(page.locator('.recharts-wrapper')).toHaveCount(3);

  // The run is listed among the previous runs.
  await expect(
    page.getByRole('region', { name: 'Previous runs' }).getByText('shown'),
  ).toBeVisible();

  await expectAccessible('scheduler-lab-result');
  await page.screenshot({ path: screenshotPath('scheduler-lab-1280'), fullPage: true });

  // The link reopens the same comparison, on a phone too.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/scheduler?job=${jobId}&limit=60`);
  await expect(page.getByTestId('lab-comparison')).toBeVisible();
  await expect(page.getByRole('spinbutton', { name: 'Jobs (limit) (optional)' })).toHaveValue('60');
  await expect(page.locator('.recharts-wrapper')).toHaveCount(3);
  await page.screenshot({ path: screenshotPath('scheduler-lab-390'), fullPage: true });

  issues.expectNone();
});
