import type { Page } from '@playwright/test';

import { expect, screenshotPath, test } from './fixtures';

const thisMonth = () => new Date().toISOString().slice(0, 7);

/** The burn-down is one labelled chart with its table alternative, a row per day of the month. */
async function expectLabelledBurnDown(page: Page) {
  const panel = page.getByTestId('burn-down');
  await expect(panel.locator('[role="img"][aria-label^="Burn-down of"]')).toBeVisible();
  await expect(panel.locator('.recharts-wrapper')).toHaveCount(1);
  const table = panel.getByRole('region', { name: /spend by day/ });
  const [y, m] = thisMonth().split('-').map(Number) as [number, number];
  await expect(table.locator('tbody tr')).toHaveCount(new Date(Date.UTC(y, m, 0)).getUTCDate());
}

test('teams and budgets: the month per team, a budget set from the page, a held job released', async ({
  page,
  api,
  issues,
  expectAccessible,
}) => {
  const teams = await api.admin.teams.query();
  const research = teams.find((t) => t.name === 'research') ?? teams[0]!;
  const holder = teams.find((t) => t.id !== research.id) ?? research;

  await page.goto('/teams');
  await expect(page.getByRole('heading', { level: 1, name: 'Teams & budgets' })).toBeVisible();
  const table = page.getByRole('region', { name: 'Teams table' });
  await expect(table.locator('tbody tr')).toHaveCount(teams.length);
  await expectLabelledBurnDown(page);

  // The page shows the API's figures, which add up: spent = billed + running.
  const summary = await api.teams.summary.query({ month: thisMonth() });
  for (const t of summary.teams) {
    expect(t.billed + t.running).toBeCloseTo(t.burnDown.spent, 9);
    const shown = table.locator(`tr[data-team="${t.teamId}"] [data-testid="spent"]`);
    expect(Number(await shown.getAttribute('data-value'))).toBeCloseTo(t.burnDown.spent, 9);
  }

  // Explain says where the forecast comes from.
  await page
    .getByRole('button', { name: `Explain ${research.name}: projected spend at month end` })
    .click();
  const drawer = page.getByRole('dialog', {
    name: `${research.name}: projected spend at month end`,
  });
  await expect(drawer).toContainText('run rate');
  await drawer.getByRole('button', { name: 'Close' }).click();
  await expectAccessible('teams');

  // A budget from the page: a bad amount is refused on its field, a good one is saved.
  const form = page.getByRole('region', { name: 'Set a budget' });
  await form.getByRole('combobox', { name: 'Team (required)' }).selectOption(research.id);
  await form.getByRole('button', { name: 'Set budget' }).click();
  const amount = form.getByRole('spinbutton', { name: /^Amount/ });
  await expect(amount).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText('must be a number above 0')).toBeVisible();
  await amount.fill('1234.5');
  await form.getByRole('button', { name: 'Set budget' }).click();
  await expect(form.getByRole('status')).toContainText(`Budget for ${research.name}`);
  await expect(table.locator(`tr[data-team="${research.id}"]`)).toContainText('1,234.50');
  const saved = await api.teams.summary.query({ month: thisMonth() });
  expect(saved.teams.find((t) => t.teamId === research.id)!.budget).toMatchObject({
    amount: 1234.5,
    holdOverBudget: false,
  });

  // A team whose budget holds over-budget work: a job with a run time is held, then released.
  try {
    await api.teams.setBudget.mutate({
      teamId: holder.id,
      month: thisMonth(),
      amount: 0.001,
      holdOverBudget: true,
    });
    const job = await api.jobs.submit.mutate({
      name: 'held-by-budget',
      kind: 'command',
      payload: { argv: ['true'] },
      teamId: holder.id,
      resources: { cpuMilli: 1000 },
      expectedSeconds: 3600,
    });
    expect(job.heldReason).toMatch(/^held: budget .* would be exceeded/);

    await page.goto(`/jobs/${job.id}`);
    await expect(page.getByRole('heading', { name: 'Held by its team’s budget' })).toBeVisible();
    await expect(page.getByTestId('wait-reason')).toHaveText(job.heldReason!);

    await page.goto('/teams');
    const held = page.getByRole('region', { name: 'Held jobs' });
    await expect(held.getByTestId('held-reason')).toHaveText([job.heldReason!]);
    await page.screenshot({ path: screenshotPath('teams-desktop'), fullPage: true });
    await held.getByRole('button', { name: 'Release held-by-budget' }).click();
    await expect(page.getByText('No job is held.')).toBeVisible();
    const released = await api.jobs.get.query({ id: job.id });
    expect(released.heldReason).toBeNull();
  } finally {
    // Leave later tests a team that holds nothing.
    await api.teams.setBudget.mutate({
      teamId: holder.id,
      month: thisMonth(),
      amount: 1000,
      holdOverBudget: false,
    });
  }

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/teams?team=${research.id}`);
  await expect(
    page.getByRole('heading', { level: 2, name: `Burn-down: ${research.name}` }),
  ).toBeVisible();
  await expectLabelledBurnDown(page);
  await page.screenshot({ path: screenshotPath('teams-narrow'), fullPage: true });

  issues.expectNone();
});

test('recommendations: ranked both ways, with evidence and a link into the scheduler lab', async ({
  page,
  api,
  issues,
  expectAccessible,
}) => {
  await page.goto('/recommendations');
  await expect(page.getByRole('heading', { level: 1, name: 'Recommendations' })).toBeVisible();
  const list = page.getByTestId('recommendations');
  await expect(list).toBeVisible();
  const period = {
    from: (await list.getAttribute('data-from'))!,
    to: (await list.getAttribute('data-to'))!,
  };
  await expectAccessible('recommendations');

  /** The page's order is the API's, and its figures never rise down the list. */
  const expectRanked = async (sort: 'money' | 'co2e') => {
    await expect(list).toHaveAttribute('data-sort', sort);
    const fromApi = await api.recommendations.list.query({ ...period, sort });
    const cards = list.getByTestId('recommendation');
    await expect(cards).toHaveCount(fromApi.items.length);
    const ids = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    expect(ids).toEqual(fromApi.items.map((i) => i.id));
    const key = sort === 'money' ? 'saving' : 'co2e';
    const values = await list
      .getByTestId(key)
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-value')));
    const known = values.filter((v) => v !== '').map(Number);
    expect(known).toEqual([...known].sort((a, b) => b - a));
    // Those not weighed in this unit come last.
    expect(values.slice(0, known.length).every((v) => v !== '')).toBe(true);
    return fromApi;
  };
  const byMoney = await expectRanked('money');
  await page.screenshot({ path: screenshotPath('recommendations-desktop'), fullPage: true });
  await page.getByRole('button', { name: 'tCO2e avoided' }).click();
  await expect(page).toHaveURL(/[?&]sort=co2e/);
  await expectRanked('co2e');

  // Evidence opens; the lab link carries the recommendation's settings into the lab's form.
  const testable = byMoney.items.find((i) => i.lab);
  if (testable) {
    const card = list.locator(`[data-id="${testable.id}"]`);
    await card.getByText('Evidence').click();
    await expect(card.locator('details dl')).toContainText(testable.evidence[0]!.name);
    await card.getByRole('link', { name: 'Try in the scheduler lab' }).click();
    await expect(page).toHaveURL(/\/scheduler\?/);
    const url = new URL(page.url());
    const lab = testable.lab!;
    expect(url.searchParams.get('policies')?.split(',').sort()).toEqual([...lab.policies].sort());
    await expect(page.getByRole('heading', { level: 1, name: 'Scheduler lab' })).toBeVisible();
    for (const policy of lab.policies)
      await expect(page.getByRole('checkbox', { name: new RegExp(`^${policy} `) })).toBeChecked();
    if (lab.powerDown)
      await expect(page.getByRole('checkbox', { name: 'Power down idle nodes' })).toBeChecked();
    if (lab.deferHours)
      await expect(page.getByRole('spinbutton', { name: /^Defer hours/ })).toHaveValue(
        String(lab.deferHours),
      );
    if (lab.site) expect(url.searchParams.get('site') ?? 'US-CAL-CISO').toBe(lab.site);
    if (lab.team) expect(url.searchParams.get('team')).toBe(lab.team);
  }

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/recommendations?sort=co2e');
  await expect(page.getByTestId('recommendations')).toBeVisible();
  await page.screenshot({ path: screenshotPath('recommendations-narrow'), fullPage: true });

  issues.expectNone();
});
