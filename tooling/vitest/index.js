import { defineConfig } from 'vitest/config';

/** Base vitest config: node environment, tests beside code and in test/. */
export const base = defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
