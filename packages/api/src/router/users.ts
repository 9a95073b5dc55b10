import type { TRPCRouterRecord } from '@trpc/server';
import { TRPCError } from '@trpc/server';
import { getUser, listTeams, listUsers } from '@wattwise/db';
import { z } from 'zod';

import { createPasswordUser, MIN_PASSWORD_LENGTH } from '../auth';
import { adminProcedure, publicProcedure } from '../trpc';

const newUser = z
  .strictObject({
    email: z.email().max(254),
    name: z.string().trim().min(1).max(200),
    role: z.enum(['admin', 'member']),
    teamId: z.string().min(1).optional(),
    password: z.string().min(MIN_PASSWORD_LENGTH).max(128),
  })
  .superRefine((u, ctx) => {
    if (u.role === 'member' && !u.teamId)
      ctx.addIssue({ code: 'custom', path: ['teamId'], message: 'a member needs a team' });
    if (u.role === 'admin' && u.teamId)
      ctx.addIssue({
        code: 'custom',
        path: ['teamId'],
        message: 'an admin sees every team and belongs to none',
      });
  });

export const usersRouter = {
  /** Who the request acts for: the signed-in user (kind `user`) or the API token (kind `token`). */
  me: publicProcedure.query(async ({ ctx }) => {
    const p = ctx.principal;
    if (!p) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'not signed in' });
    if (p.tokenId === null && p.userId) {
      const user = await getUser(ctx.db, p.userId);
      if (user)
        return {
          kind: 'user' as const,
          id: user.id,
          name: user.name,
          email: user.email,
          role: user.role,
          teamId: user.teamId,
          teamName: user.teamName,
        };
    }
    const team = p.teamId ? (await listTeams(ctx.db)).find((t) => t.id === p.teamId) : undefined;
    return {
      kind: 'token' as const,
      id: p.tokenId ?? '',
      name: p.name,
      email: p.email,
      role: p.role,
      teamId: p.teamId,
      teamName: team?.name ?? null,
    };
  }),
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.db)),
  /** A person who signs in with email and password; the password is stored only as a hash. */
  create: adminProcedure
    .input(newUser)
    .mutation(({ ctx, input }) =>
      createPasswordUser(ctx.db, { ...input, teamId: input.teamId ?? null }),
    ),
} satisfies TRPCRouterRecord;
