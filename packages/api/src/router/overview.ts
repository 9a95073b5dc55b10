import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';

import { overviewSummary } from '../overview';
import { checkPeriod, instant } from '../period';
import { userProcedure } from '../trpc';

/** Hourly buckets for up to a quarter: more points than a chart can show apart. */
const MAX_HOURLY_DAYS = 92;

export const overviewInput = z
  .strictObject({
    from: instant,
    to: instant,
    siteId: z.string().trim().min(1).max(100).optional(),
    granularity: z.enum(['hour', 'day']).default('day'),
  })
  .superRefine((q, ctx) => {
    const days = checkPeriod(q, ctx);
    if (days !== null && q.granularity === 'hour' && days > MAX_HOURLY_DAYS)
      ctx.addIssue({
        code: 'custom',
        path: ['granularity'],
        message: `"hour" over ${Math.ceil(days)} days: hourly buckets cover at most ${MAX_HOURLY_DAYS} days; use "day"`,
      });
  });

export const overviewRouter = {
  /** The overview page: cost parts over time with a forecast, headline figures, reconciliation. */
  summary: userProcedure.input(overviewInput).query(({ ctx, input }) =>
    overviewSummary(ctx.db, ctx.principal, {
      from: new Date(input.from),
      to: new Date(input.to),
      siteId: input.siteId,
      granularity: input.granularity,
    }),
  ),
} satisfies TRPCRouterRecord;
