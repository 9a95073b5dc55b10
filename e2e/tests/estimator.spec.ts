import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { expect, screenshotPath, test } from './fixtures';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The CLI's estimate for the same flags, as it prints it with --json. */
function cliEstimate(flags: string[]): Record<string, unknown> {
  const tsx = path.join(repoRoot, 'apps/cli/node_modules/.bin/tsx');
  const out = execFileSync(
    tsx,
    [path.join(repoRoot, 'apps/cli/src/main.ts'), 'estimate', 'training', ...flags, '--json'],
    { encoding: 'utf8' },
  );
  return JSON.parse(out) as Record<string, unknown>;
}

const field = (o: Record<string, unknown>, dotted: string) =>
  dotted.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], o);

test('the estimator gives the same numbers as `wattwise estimate training` for the same inputs', async ({
  page,
  issues,
  expectAccessible,
}) => {
  const cli = cliEstimate([
    '--gpu',
    'H100-SXM',
    '--count',
    '64',
    '--params',
    '7B',
    '--tokens',
    '1T',
  ]);
  await page.goto('/estimator?gpu=H100-SXM&count=64&params=7B&tokens=1T');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  for (const [testId, json] of [
    ['estimate-days', 'days'],
    ['estimate-gpuHours', 'gpuHours'],
    ['estimate-co2eKg', 'co2eKg'],
    ['estimate-cost-total', 'cost.total'],
    ['estimate-cost-energy', 'cost.energy'],
    ['estimate-cost-hardware', 'cost.hardware'],
  ] as const) {
    const figure = page.getByTestId(testId);
    await expect(figure).toHaveAttribute('data-field', json);
    // Exactly the CLI's number: the page runs the same cost-model code on the same inputs.
    expect(Number(await figure.getAttribute('data-value')), testId).toBe(field(cli, json));
  }
  await expectAccessible('estimator');
  await page.screenshot({ path: screenshotPath('estimator'), fullPage: true });
  issues.expectNone();
});
