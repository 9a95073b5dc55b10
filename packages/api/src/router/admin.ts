import type { TRPCRouterRecord } from '@trpc/server';
import { createToken, listTeams } from '@wattwise/db';
import { z } from 'zod';

import { adminProcedure, userProcedure } from '../trpc';

export const adminRouter = {
  /** Every team for an admin; a member's own team only (what they may submit to and see). */
  teams: userProcedure.query(async ({ ctx }) => {
    const teams = await listTeams(ctx.db);
    return ctx.principal.role === 'member'
      ? teams.filter((t) => t.id === ctx.principal.teamId)
      : teams;
  }),
  createToken: adminProcedure
    .input(
      z
        .strictObject({
          name: z.string().trim().min(1).max(100),
          role: z.enum(['admin', 'member', 'worker']),
          teamId: z.string().optional(),
        })
        .refine((v) => v.role !== 'member' || v.teamId, {
          path: ['teamId'],
          message: 'a member token needs a team',
        }),
    )
    .mutation(({ ctx, input }) => createToken(ctx.db, input)),
} satisfies TRPCRouterRecord;
