import { createEnv } from '@t3-oss/env-core';
import { z } from 'zod';

/**
 * The portal's environment, read on the server only (never imported by a client component):
 * - WATTWISE_SERVER_URL: the Wattwise server; when unset, the `serverUrl` of
 *   `$WATTWISE_HOME/local-credentials.json`, else http://localhost:4000.
 * - WATTWISE_HOME: where that file lives, relative to the working directory (default `.wattwise`).
 * The portal holds no API token: it forwards each visitor's sign-in cookie (docs/adr/0003).
 */
export const env = createEnv({
  server: {
    WATTWISE_SERVER_URL: z.url().optional(),
    WATTWISE_HOME: z.string().min(1).default('.wattwise'),
  },
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
  isServer: typeof window === 'undefined',
});

export const DEFAULT_SERVER_URL = 'http://localhost:4000';
