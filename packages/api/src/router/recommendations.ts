import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';

import { facilityRecommendations } from '../facility-recommendations';
import { checkPeriod, instant } from '../period';
import { userProcedure } from '../trpc';

/** A period (from before to, at most 400 days long) and the order of the list. */
const listInput = z
  .strictObject({
    from: instant,
    to: instant,
    siteId: z.string().min(1).optional(),
    sort: z.enum(['money', 'co2e']).default('money'),
  })
  .superRefine((p, ctx) => void checkPeriod(p, ctx));

export const recommendationsRouter = {
  /**
   * Changes that would save money or carbon, from what the facility did in the period (a member:
   * what their team's jobs did), ranked by money saved or by kgCO2e avoided a month.
   */
  list: userProcedure.input(listInput).query(({ ctx, input }) =>
    facilityRecommendations(ctx, ctx.principal, {
      fromMs: Date.parse(input.from),
      toMs: Date.parse(input.to),
      siteId: input.siteId,
      sort: input.sort,
    }),
  ),
} satisfies TRPCRouterRecord;
