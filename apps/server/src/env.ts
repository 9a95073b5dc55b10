import { createEnv } from '@t3-oss/env-core';
import { z } from 'zod';

const flag = z
  .enum(['0', '1', 'true', 'false'])
  .default('0')
  .transform((v) => v === '1' || v === 'true');

export const env = createEnv({
  server: {
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    HOST: z.string().default('127.0.0.1'),
    /** Unset: embedded PGlite under WATTWISE_HOME/data. `pglite:<dir>` or `postgres://…` otherwise. */
    DATABASE_URL: z.string().optional(),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    WATTWISE_HOME: z.string().default('.wattwise'),
    LEASE_SECONDS: z.coerce.number().positive().max(3600).default(30),
    REAP_INTERVAL_MS: z.coerce.number().int().positive().default(1000),
    /** Online scheduling: the same policies and placements as `wattwise simulate`. */
    SCHEDULER_POLICY: z
      .enum(['fifo', 'backfill', 'las', 'fair', 'cost-aware'])
      .default('cost-aware'),
    SCHEDULER_PLACEMENT: z.enum(['first-fit', 'best-fit', 'fgd']).default('best-fit'),
    /** Delay given to jobs without a deadline under cost-aware, hours (0: only jobs with deadlines wait). */
    SCHEDULER_DEFER_HOURS: z.coerce.number().min(0).max(168).default(0),
    SCHEDULER_CARBON_PRICE: z.coerce.number().min(0).default(85),
    /** Local/demo mode: seed an empty database; write local tokens and demo sign-ins. */
    WATTWISE_SEED_DEMO: flag,
    /** With the demo seed: also load a month of the bundled Alibaba 2023 cluster as history. */
    WATTWISE_DEMO_HISTORY: z
      .enum(['0', '1', 'true', 'false'])
      .default('1')
      .transform((v) => v === '1' || v === 'true'),
    /** Signs session cookies. Unset: kept in WATTWISE_HOME in demo mode, otherwise sign-in is off. */
    BETTER_AUTH_SECRET: z.string().min(32).optional(),
    /** Where people open the portal (comma-separated origins); the first is where sign-in lives. */
    WATTWISE_PORTAL_URL: z
      .string()
      .default('http://localhost:3000,http://127.0.0.1:3000')
      .transform((v) => v.split(',').map((u) => u.trim()))
      .pipe(z.array(z.url({ protocol: /^https?$/ })).min(1)),
  },
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
});

export type Env = typeof env;
