import { base } from '@wattwise/vitest-config';
import { defineConfig, mergeConfig } from 'vitest/config';

// Integration tests start a real server process; give them time on a small machine.
export default mergeConfig(base, defineConfig({ test: { testTimeout: 60_000 } }));
