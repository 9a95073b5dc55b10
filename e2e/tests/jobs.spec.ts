import type { Page } from '@playwright/test';

import { expect, screenshotPath, test } from './fixtures';

/** The row of the job named `name`: the name is a button in the row's header cell. */
function jobRow(page: Page, name: string) {
  return page.locator('tbody tr').filter({ has: page.getByRole('button', { name, exact: true }) });
}

/** The submit form's controls and the table's filters, by role and accessible name. */
function controls(page: Page) {
  return {
    name: page.getByRole('textbox', { name: 'Name (required)' }),
    team: page.getByRole('combobox', { name: 'Team (required)' }),
    command: page.getByRole('textbox', { name: 'Command (required)' }),
    timeout: page.getByRole('spinbutton', { name: 'Timeout (seconds) (optional)' }),
    submit: page.getByRole('button', { name: 'Submit job' }),
    state: page.getByRole('combobox', { name: 'State' }),
    size: page.getByRole('combobox', { name: 'Rows per page' }),
  };
}

async function openJobsPage(page: Page, query = '') {
  await page.goto(`/jobs${query}`);
  // The team list comes from the server: once it is there, the form is usable.
  await expect(controls(page).team).toBeEnabled();
  return controls(page);
}

test('a command job submitted from the form runs and shows its output', async ({
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
  await expect(row).toContainText('research');
  await expect(row.getByText('succeeded')).toBeVisible({ timeout: 60_000 });
  await expect(row.locator('td').nth(4)).toHaveText('0'); // exit code

  const toggle = row.getByRole('button', { name });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const details = page.locator(`#${await toggle.getAttribute('aria-controls')}`);
  await expect(details.locator('pre')).toContainText('hello from e2e');
  await expect(details).toContainText(`node -e "console.log('hello from e2e')"`);
  await page.screenshot({ path: screenshotPath('jobs'), fullPage: true });

  issues.expectNone();
});

test('the server names the invalid fields and the form shows them beside each field', async ({
  page,
  issues,
}) => {
  const form = await openJobsPage(page);
  await form.timeout.fill('99999999');
  await form.submit.click();

  const refusal = page.getByRole('alert').filter({ hasText: 'Not submitted' });
  await expect(refusal).toHaveText('Not submitted: the server refused 3 fields, marked above.');
  await expect(form.name).toHaveAttribute('aria-invalid', 'true');
  await expect(form.name).toHaveAccessibleDescription(/too small/i);
  await expect(form.command).toHaveAccessibleDescription(/needs at least the program to run/);
  await expect(form.timeout).toHaveAccessibleDescription(/too big/i);
  await expect(form.team).not.toHaveAttribute('aria-invalid');
  await page.screenshot({ path: screenshotPath('jobs-validation'), fullPage: true });

  // An unterminated quote never reaches the server.
  await form.name.fill('quoted');
  await form.timeout.fill('');
  await form.command.fill(`echo "unterminated`);
  await form.submit.click();
  await expect(form.command).toHaveAccessibleDescription(/unterminated double quote/);
  await expect(form.name).not.toHaveAttribute('aria-invalid');

  // The refusal is a 400 from jobs.submit, which the browser also logs to the console.
  issues.expectNone([/jobs\.submit/, /status of 400/]);
});

test('filter and pages come from the server and live in the URL', async ({ page, api, issues }) => {
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
  for (const badge of await page.locator('tbody tr td:nth-child(4)').allTextContents()) {
    expect(badge).toContain('succeeded');
  }

  // The URL alone restores the view.
  const restored = await openJobsPage(page, '?state=succeeded&size=50');
  await expect(restored.state).toHaveValue('succeeded');
  await expect(restored.size).toHaveValue('50');

  issues.expectNone();
});

test('the jobs page has no serious accessibility violations', async ({
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
  const toggle = page.getByRole('button', { name: job.name, exact: true });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expectAccessible('jobs');
  await page.screenshot({ path: screenshotPath('jobs-expanded'), fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: screenshotPath('jobs-narrow'), fullPage: true });
});
