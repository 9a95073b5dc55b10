import type { TRPCRouterRecord } from '@trpc/server';
import { createToken, listTeams } from '@wattwise/db';
import { z } from 'zod';

import { adminProcedure, userProcedure } from '../trpc';

export const adminRouter = {
  teams: userProcedure.query(({ ctx }) => listTeams(ctx.db)),
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
