import base from '@wattwise/eslint-config';

export default [
  ...base,
  { ignores: ['test-results/**', 'playwright-report/**', 'screenshots/**', 'logs/**'] },
  {
    // The whole package is a test harness that starts processes with their environment.
    files: ['global-setup.ts', 'support/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Playwright fixtures without dependencies must be written `async ({}, use) => …`.
    files: ['tests/**'],
    rules: { 'no-empty-pattern': 'off' },
  },
];
