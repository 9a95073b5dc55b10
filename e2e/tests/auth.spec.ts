import type { Page } from '@playwright/test';

import { demoUser, expect, screenshotPath, test, watchPage } from './fixtures';

function signInForm(page: Page) {
  return {
    email: page.getByRole('textbox', { name: 'Email (required)' }),
    password: page.getByLabel('Password (required)'),
    submit: page.getByRole('button', { name: 'Sign in' }),
  };
}

async function signIn(page: Page, who: 'admin' | 'research') {
  const form = signInForm(page);
  const { email, password } = demoUser(who);
  await form.email.fill(email);
  await form.password.fill(password);
  await form.submit.click();
}

/** The five parts of the bill on a job's page add up to its total. */
async function expectBillAddsUp(page: Page) {
  const bill = page.getByRole('region', { name: 'Bill' });
  const total = Number(await bill.getByTestId('bill-total').getAttribute('data-value'));
  let sum = 0;
  for (const part of ['hardware', 'energy', 'operations', 'storage', 'bandwidth'])
    sum += Number(await bill.getByTestId(`bill-part-${part}`).getAttribute('data-value'));
  expect(total).toBeGreaterThan(0);
  expect(Math.abs(total - sum)).toBeLessThanOrEqual(1e-9 * total);
}

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('a visitor is sent to sign in, and returns to the page they asked for', async ({
    page,
    issues,
    expectAccessible,
  }) => {
    await page.goto('/jobs?state=succeeded');
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fjobs%3Fstate%3Dsucceeded$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    // No page of the portal is offered to someone signed out.
    await expect(page.getByRole('navigation', { name: 'Portal' })).toHaveCount(0);
    await expectAccessible('sign-in');
    await page.screenshot({ path: screenshotPath('sign-in-desktop'), fullPage: true });

    const form = signInForm(page);
    await form.email.fill(demoUser('admin').email);
    await form.password.fill('not the password');
    await form.submit.click();
    await expect(page.getByRole('alert').filter({ hasText: 'Wrong email' })).toHaveText(
      'Wrong email or password.',
    );
    await expect(form.email).toHaveAttribute('aria-invalid', 'true');
    await expect(page).toHaveURL(/\/sign-in\?/);
    await expectAccessible('sign-in-refused');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: screenshotPath('sign-in-narrow'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });

    await signIn(page, 'admin');
    await expect(page).toHaveURL(/\/jobs\?state=succeeded$/);
    await expect(page.getByRole('combobox', { name: 'State', exact: true })).toHaveValue(
      'succeeded',
    );
    await expect(page.getByRole('banner')).toContainText('Demo admin (admin)');

    // The refused password is a 401 from sign-in, which the browser also logs.
    issues.expectNone([/api\/auth\/sign-in\/email/, /status of 401/]);
  });

  test('signed in with the form: an nn-train job runs, trains, is billed; then sign-out', async ({
    page,
    api,
    issues,
  }) => {
    await page.goto('/jobs');
    await signIn(page, 'admin');
    await expect(page).toHaveURL(/\/jobs$/);

    // The Jobs page's form submits command jobs; an nn-train job goes through the same portal
    // route, with this page's session.
    const name = `trained ${Date.now()}`;
    const teamId = (await api.admin.teams.query()).find((t) => t.name === 'research')!.id;
    const res = await page.request.post('/api/trpc/jobs.submit', {
      data: {
        name,
        kind: 'nn-train',
        teamId,
        payload: {
          spec: {
            kind: 'dense',
            inputs: 2,
            layers: [
              { type: 'dense', units: 8, activation: 'tanh' },
              { type: 'dense', units: 1, activation: 'sigmoid' },
            ],
            loss: 'binaryCrossentropy',
            optimizer: { type: 'adam', learningRate: 0.05 },
          },
          dataset: { type: 'builtin', name: 'seed-demo', samples: 400, seed: 1 },
          epochs: 40,
        },
      },
    });
    expect(res.status()).toBe(200);

    // Followed from the Jobs page to its own page.
    const row = page
      .locator('tbody tr')
      .filter({ has: page.getByRole('link', { name, exact: true }) });
    await expect(row.locator('td[data-col="team"]')).toHaveText('research');
    await row.getByRole('link', { name }).click();
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
    const training = page.getByRole('region', { name: 'Training progress' });
    await expect(training).toContainText(/Epoch \d+ of 40/, { timeout: 60_000 });
    await expect(training).toContainText('Epoch 40 of 40 (finished)', { timeout: 60_000 });
    await expect(page.getByRole('region', { name: 'Bill' }).getByTestId('bill-total')).toBeVisible({
      timeout: 60_000,
    });
    await expectBillAddsUp(page);

    // A page of another site cannot make the portal act with this session.
    const job = (await res.json()) as { result: { data: { id: string } } };
    const forged = await page.request.post('/api/trpc/jobs.cancel', {
      headers: { origin: 'http://elsewhere.test' },
      data: { id: job.result.data.id },
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('calls from another site are refused');

    // Signing out ends this session on the server, not only in this browser.
    const session = (await page.context().cookies()).find(
      (c) => c.name === 'wattwise.session_token',
    )!;
    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await page.goto('/jobs');
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fjobs$/);
    const replayed = await page.request.get('/api/trpc/users.me', {
      headers: { cookie: `${session.name}=${session.value}` },
    });
    expect(replayed.status()).toBe(401);

    issues.expectNone();
  });
});

test("a member sees their team's jobs, and another team's job is not theirs to see", async ({
  api,
  pageAs,
}) => {
  const teams = await api.admin.teams.query();
  const idOf = (team: string) => teams.find((t) => t.name === team)!.id;
  const stamp = Date.now();
  const submit = (team: string) =>
    api.jobs.submit.mutate({
      name: `${team} only ${stamp}`,
      kind: 'command',
      teamId: idOf(team),
      payload: { argv: ['true'] },
    });
  const ours = await submit('research');
  const theirs = await submit('inference');

  const page = await pageAs('research');
  const issues = watchPage(page);
  await page.goto('/jobs');
  await expect(page.getByRole('banner')).toContainText('Research member (member, research)');
  await expect(page.getByRole('link', { name: ours.name, exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: theirs.name, exact: true })).toHaveCount(0);
  const teamCells = page.locator('tbody td[data-col="team"]');
  await expect
    .poll(async () => (await teamCells.allTextContents()).every((t) => t === 'research'))
    .toBe(true);

  await page.goto(`/jobs/${theirs.id}`);
  await expect(page.getByRole('alert').filter({ hasText: 'Could not load job' })).toContainText(
    'belongs to another team',
  );
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(0);
  await expect(page.getByText(theirs.name)).toHaveCount(0);

  // The server refused the job's data (403), which the browser logs.
  issues.expectNone([/api\/trpc\/jobs\.(get|bill|telemetry)/, /status of 403/]);
});
