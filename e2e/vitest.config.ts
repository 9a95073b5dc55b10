import { base } from '@wattwise/vitest-config';
import { defineConfig } from 'vitest/config';

/** System tests (e2e/system/*.test.ts) run under vitest; the browser tests in tests/ under Playwright. */
export default defineConfig({
  test: {
    ...base.test,
    include: ['system/**/*.test.ts'],
    passWithNoTests: true,
  },
});
