import { createEnv } from '@t3-oss/env-core';
import { z } from 'zod';

export const env = createEnv({
  server: {
    /** Fallback for --server. */
    WATTWISE_SERVER_URL: z.url().optional(),
    /** Fallback for --token: an admin or member token. */
    WATTWISE_TOKEN: z.string().min(1).optional(),
    /** Where `local-credentials.json` is read from, relative to the working directory. */
    WATTWISE_HOME: z.string().default('.wattwise'),
  },
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
});
