import { base } from '@wattwise/vitest-config';
import { defineConfig, mergeConfig } from 'vitest/config';

// The tests run the CLI as a process and start a real server: give them time on a small machine.
export default mergeConfig(base, defineConfig({ test: { testTimeout: 60_000 } }));
