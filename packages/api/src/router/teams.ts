import type { TRPCRouterRecord } from '@trpc/server';
import { TRPCError } from '@trpc/server';
import { releaseHeldJob, teamExists, upsertBudget } from '@wattwise/db';
import { z } from 'zod';

import { monthAt, monthOf } from '../burn-down';
import { siteCurrency, teamsSummary } from '../team-budgets';
import { adminProcedure, userProcedure } from '../trpc';

/** A calendar month, "2025-03" (UTC). */
const monthLabel = z
  .string()
  .regex(/^(19|20|21)\d\d-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM, e.g. 2025-03');

export const teamsRouter = {
  /**
   * Each team's month (a member: their own team): spend to date, GPU-hours, budget, the burn-down
   * forecast and held jobs. `asOf` (default now) is when the forecast is made.
   */
  summary: userProcedure
    .input(
      z
        .strictObject({
          month: monthLabel.optional(),
          siteId: z.string().min(1).optional(),
          asOf: z.iso.datetime({ offset: true }).optional(),
        })
        .default({}),
    )
    .query(({ ctx, input }) => {
      const asOfMs = input.asOf ? Date.parse(input.asOf) : Date.now();
      const month = input.month ? monthOf(input.month) : monthAt(asOfMs);
      return teamsSummary(ctx.db, ctx.principal, { month, asOfMs, siteId: input.siteId });
    }),
  /** Sets (or replaces) a team's budget for a month, in the site's currency. */
  setBudget: adminProcedure
    .input(
      z.strictObject({
        teamId: z.string().min(1),
        month: monthLabel,
        amount: z.number().positive().max(1e12).finite(),
        /** Hold new jobs whose estimate would take the month past the budget. */
        holdOverBudget: z.boolean().default(false),
        siteId: z.string().min(1).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      if (!(await teamExists(ctx.db, input.teamId)))
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: `teamId: no team has id "${input.teamId}"`,
        });
      const budget = await upsertBudget(ctx.db, {
        teamId: input.teamId,
        month: new Date(monthOf(input.month).startMs),
        amount: input.amount,
        currency: await siteCurrency(ctx.db, input.siteId),
        holdOverBudget: input.holdOverBudget,
      });
      return { ...budget, month: input.month };
    }),
  /** Lets a job a budget held into the queue. */
  release: adminProcedure
    .input(z.strictObject({ jobId: z.string().min(1) }))
    .mutation(({ ctx, input }) => releaseHeldJob(ctx.db, input.jobId)),
} satisfies TRPCRouterRecord;
