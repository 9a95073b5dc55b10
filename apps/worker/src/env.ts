import { createEnv } from '@t3-oss/env-core';
import { z } from 'zod';

export const env = createEnv({
  server: {
    /** Fallback for --server. */
    WATTWISE_SERVER_URL: z.url().optional(),
    /** Fallback for --token: a worker-role token. */
    WATTWISE_TOKEN: z.string().min(1).optional(),
    /** Where `local-credentials.json` is looked for when neither flag nor variable is given. */
    WATTWISE_HOME: z.string().default('.wattwise'),
  },
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
});

/**
 * The environment jobs start from: the worker's own, less the worker's token (a job must not be
 * able to act as the worker).
 */
export function jobBaseEnv(): NodeJS.ProcessEnv {
  const { WATTWISE_TOKEN: _token, ...rest } = process.env;
  return rest;
}
