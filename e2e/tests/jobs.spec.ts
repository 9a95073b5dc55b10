import type { Page } from '@playwright/test';

import { expect, screenshotPath, test } from './fixtures';

/** The row of the job named `name`: the name links to the job's page from the row's header cell. */
function jobRow(page: Page, name: string) {
  return page.locator('tbody tr').filter({ has: page.getByRole('link', { name, exact: true }) });
}

/** The submit form's controls and the table's filters, by role and accessible name. */
function controls(page: Page) {
  const form = page.getByRole('region', { name: 'Submit a command job' });
  return {
    name: page.getByRole('textbox', { name: 'Name (required)' }),
    team: form.getByRole('combobox', { name: 'Team (required)' }),
    command: page.getByRole('textbox', { name: 'Command (required)' }),
    timeout: page.getByRole('spinbutton', { name: 'Timeout (seconds) (optional)' }),
    gpus: page.getByRole('spinbutton', { name: 'GPUs (optional)' }),
    cpu: page.getByRole('spinbutton', { name: 'CPU cores (optional)' }),
    memory: page.getByRole('spinbutton', { name: 'Memory (GiB) (optional)' }),
    expected: page.getByRole('spinbutton', { name: 'Expected run time (minutes) (optional)' }),
    submit: page.getByRole('button', { name: 'Submit job' }),
    state: page.getByRole('combobox', { name: 'State', exact: true }),
    teamFilter: page.getByRole('combobox', { name: 'Team', exact: true }),
    size: page.getByRole('combobox', { name: 'Rows per page' }),
  };
}

async function openJobsPage(page: Page, query = '') {
  await page.goto(`/jobs${query}`);
  // The team list comes from the server: once it is there, the form is usable.
  await expect(controls(page).team).toBeEnabled();
  return controls(page);
}

test('a command job submitted from the form runs and its page shows the output', async ({
  page,
  issues,
}) => {
  const name = `hello ${Date.now()}`;
  const form = await openJobsPage(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Jobs' })).toBeVisible();

  await form.name.fill(name);
  await form.team.selectOption({ label: 'research' });
  await form.command.fill(`node -e "console.log('hello from e2e')"`);
  await form.timeout.fill('60');
  await form.submit.click();

  await expect(page.getByRole('status').filter({ hasText: 'Submitted' })).toContainText(name);
  const row = jobRow(page, name);
  await expect(row).toBeVisible();
  await expect(row.locator('td[data-col="team"]')).toHaveText('research');
  await expect(row.locator('td[data-col="state"]')).toHaveText(/succeeded/, { timeout: 60_000 });
  await expect(row.locator('td[data-col="exit"]')).toHaveText('0');
  await page.screenshot({ path: screenshotPath('jobs'), fullPage: true });

  await row.getByRole('link', { name }).click();
  await expect(page).toHaveURL(/\/jobs\/job_/);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByTestId('job-output')).toContainText('hello from e2e');
  await expect(page.getByText(`node -e "console.log('hello from e2e')"`)).toBeVisible();
  await expect(
    page.getByRole('table', { name: `Attempts of ${name}` }).locator('tbody tr'),
  ).toHaveCount(1);

  issues.expectNone();
});

test('before submitting, the form shows the estimate and what the scheduler would do', async ({
  page,
  api,
  issues,
}) => {
  const form = await openJobsPage(page);
  await form.team.selectOption({ label: 'research' });
  await form.cpu.fill('2');
  await form.expected.fill('60');
  const preview = page.getByRole('region', { name: 'Before you submit' });
  await expect(preview.getByTestId('preview-cost')).toContainText('$');
  // The same question asked of the API gives the same answer: nothing was stored in between.
  const teamId = (await api.admin.teams.query()).find((t) => t.name === 'research')!.id;
  const asked = await api.jobs.preview.query({
    name: 'preview',
    kind: 'command',
    teamId,
    payload: { argv: ['true'] },
    resources: { cpuMilli: 2000 },
    expectedSeconds: 3600,
  });
  expect(asked.estimate!.total).toBeGreaterThan(0);
  await expect(preview.getByTestId('preview-schedule')).toContainText(asked.schedule!.reason);
  await page.screenshot({ path: screenshotPath('jobs-preview'), fullPage: true });
  issues.expectNone();
});

test('the server names the invalid fields and the form shows them beside each field', async ({
  page,
  issues,
}) => {
  const form = await openJobsPage(page);
  await form.timeout.fill('99999999');
  await form.gpus.fill('1.5');
  await form.submit.click();

  const refusal = page.getByRole('alert').filter({ hasText: 'Not submitted' });
  await expect(refusal).toHaveText('Not submitted: the server refused 4 fields, marked above.');
  await expect(form.name).toHaveAttribute('aria-invalid', 'true');
  await expect(form.name).toHaveAccessibleDescription(/too small/i);
  await expect(form.command).toHaveAccessibleDescription(/needs at least the program to run/);
  await expect(form.timeout).toHaveAccessibleDescription(/at most 604800/);
  await expect(form.gpus).toHaveAccessibleDescription(/whole GPUs or a share of one/);
  await expect(form.team).not.toHaveAttribute('aria-invalid');
  await expect(form.cpu).not.toHaveAttribute('aria-invalid');
  await page.screenshot({ path: screenshotPath('jobs-validation'), fullPage: true });

  // A converted field's message says which unit the server counts in.
  await form.name.fill('too many cores');
  await form.command.fill('true');
  await form.timeout.fill('');
  await form.gpus.fill('');
  await form.cpu.fill('5000');
  await form.submit.click();
  await expect(form.cpu).toHaveAccessibleDescription(/milli-cores/);

  // An unterminated quote never reaches the server.
  await form.name.fill('quoted');
  await form.cpu.fill('');
  await form.command.fill(`echo "unterminated`);
  await form.submit.click();
  await expect(form.command).toHaveAccessibleDescription(/unterminated double quote/);
  await expect(form.name).not.toHaveAttribute('aria-invalid');

  // The refusals are 400s from jobs.submit, which the browser also logs to the console.
  issues.expectNone([/jobs\.submit/, /status of 400/]);
});

test('filters and pages come from the server and live in the URL', async ({
  page,
  api,
  issues,
}) => {
  const teams = await api.admin.teams.query();
  const teamId = teams.find((t) => t.name === 'inference')!.id;
  const batch = `batch ${Date.now()}`;
  for (let i = 1; i <= 22; i++) {
    await api.jobs.submit.mutate({
      name: `${batch} #${i}`,
      kind: 'command',
      teamId,
      payload: { argv: ['node', '-e', ''] },
    });
  }
  const { total } = await api.jobs.list.query({ limit: 1, offset: 0 });

  const form = await openJobsPage(page);
  const pager = page.getByRole('navigation', { name: 'Jobs pages' });
  await expect(pager).toContainText(`Showing 1–20 of ${total}`);
  await expect(page.locator('tbody tr')).toHaveCount(20);
  await pager.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL(/[?&]page=2\b/);
  await expect(pager).toContainText(`Showing 21–${Math.min(40, total)} of ${total}`);
  await expect(pager.getByRole('button', { name: 'Previous' })).toBeEnabled();

  // Changing the filter starts again from page 1; every row shown is in that state.
  await form.state.selectOption('succeeded');
  await expect(page).toHaveURL(/[?&]state=succeeded\b/);
  await expect(page).not.toHaveURL(/page=/);
  await expect(page.locator('tbody tr').first()).toBeVisible();
  const states = page.locator('tbody td[data-col="state"]');
  await expect
    .poll(async () => (await states.allTextContents()).every((s) => s.includes('succeeded')))
    .toBe(true);

  // The team filter narrows the list on the server too.
  await form.state.selectOption('');
  await form.teamFilter.selectOption({ label: 'inference' });
  await expect(page).toHaveURL(new RegExp(`[?&]team=${teamId}\\b`));
  const { total: inference } = await api.jobs.list.query({ teamId, limit: 1, offset: 0 });
  await expect(pager).toContainText(`of ${inference}`);
  const teamCells = page.locator('tbody td[data-col="team"]');
  await expect
    .poll(async () => (await teamCells.allTextContents()).every((t) => t === 'inference'))
    .toBe(true);

  // Sorting is the server's too: by name, A to Z, then Z to A, the order kept in the URL.
  const nameHeader = page.getByRole('columnheader', { name: /^Job/ });
  await nameHeader.getByRole('button').click();
  await expect(page).toHaveURL(/[?&]sort=name&dir=asc\b/);
  await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
  const { items: byName } = await api.jobs.list.query({
    teamId,
    sort: 'name',
    dir: 'asc',
    limit: 20,
    offset: 0,
  });
  await expect(page.locator('tbody th[scope="row"] a')).toHaveText(byName.map((j) => j.name));
  await nameHeader.getByRole('button').click();
  await expect(page).toHaveURL(/[?&]sort=name&dir=desc\b/);
  await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');

  // The URL alone restores the view.
  const restored = await openJobsPage(page, `?state=succeeded&team=${teamId}&size=50`);
  await expect(restored.state).toHaveValue('succeeded');
  await expect(restored.teamFilter).toHaveValue(teamId);
  await expect(restored.size).toHaveValue('50');

  issues.expectNone();
});

test('a job submitted from the page is billed in five parts that add up to the total', async ({
  page,
  issues,
}) => {
  const name = `billed ${Date.now()}`;
  const form = await openJobsPage(page);
  await form.name.fill(name);
  await form.team.selectOption({ label: 'research' });
  await form.command.fill(`node -e "const t = Date.now() + 3500; while (Date.now() < t) {}"`);
  await form.cpu.fill('1');
  await form.memory.fill('0.5');
  await form.expected.fill('1');
  await form.submit.click();

  const status = page.getByRole('status').filter({ hasText: 'Submitted' });
  await expect(status).toContainText(name);
  await status.getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  // The bill appears once the job has ended and been billed.
  const bill = page.getByRole('region', { name: 'Bill' });
  await expect(bill.getByTestId('bill-total')).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('header').getByText('succeeded')).toBeVisible();
  const parts = ['hardware', 'energy', 'operations', 'storage', 'bandwidth'];
  let sum = 0;
  for (const part of parts) {
    const row = bill.getByTestId(`bill-part-${part}`);
    await expect(row).toBeVisible();
    const value = Number(await row.getAttribute('data-value'));
    expect(Number.isFinite(value)).toBe(true);
    sum += value;
    // Each part explains itself: a formula and labelled inputs.
    const line = bill.getByRole('article', { name: new RegExp(`^${part}$`, 'i') });
    await expect(line.locator('p.font-mono')).not.toBeEmpty();
  }
  const total = Number(await bill.getByTestId('bill-total').getAttribute('data-value'));
  expect(total).toBeGreaterThan(0);
  expect(Math.abs(total - sum)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(total)));
  // The amount shown for the total is the one in the parts table's footer.
  await expect(bill.locator('tfoot').first()).toContainText(
    (await bill.getByTestId('bill-total').textContent())!,
  );
  await expect(bill.getByText(/measured|modelled|rated/).first()).toBeVisible();
  await expect(bill.getByText('At the meter')).toBeVisible();
  await expect(
    bill.getByRole('table', { name: /each hour the job ran/ }).locator('tbody tr'),
  ).not.toHaveCount(0);

  // The telemetry chart is labelled and has its table.
  const telemetry = page.getByRole('region', { name: 'Power and utilisation' });
  const chart = telemetry.getByRole('img', { name: /Power draw in watts/ });
  await expect(chart).toBeVisible();
  await telemetry.getByText('Every sample as a table').click();
  await expect(telemetry.getByRole('table').locator('tbody tr')).not.toHaveCount(0);

  await page.screenshot({ path: screenshotPath('job-page'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: screenshotPath('job-page-narrow'), fullPage: true });

  issues.expectNone();
});

test('the jobs pages have no serious accessibility violations', async ({
  page,
  api,
  expectAccessible,
}) => {
  const teams = await api.admin.teams.query();
  const job = await api.jobs.submit.mutate({
    name: `a11y ${Date.now()}`,
    kind: 'command',
    teamId: teams[0]!.id,
    payload: { argv: ['node', '-e', "console.log('a11y output')"] },
  });

  await openJobsPage(page);
  await expect(jobRow(page, job.name)).toBeVisible();
  await expectAccessible('jobs');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: screenshotPath('jobs-narrow'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.goto(`/jobs/${job.id}`);
  await expect(page.getByTestId('job-output')).toContainText('a11y output', { timeout: 60_000 });
  await expect(page.getByRole('region', { name: 'Bill' }).getByTestId('bill-total')).toBeVisible({
    timeout: 30_000,
  });
  await expectAccessible('job');
  await page.screenshot({ path: screenshotPath('jobs-expanded'), fullPage: true });
});
