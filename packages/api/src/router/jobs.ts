import type { TRPCRouterRecord } from '@trpc/server';
import { TRPCError } from '@trpc/server';
import { cancelJob, getJob, listJobs, submitJob } from '@wattwise/db';
import type { Principal } from '@wattwise/db';
import { z } from 'zod';

import { userProcedure } from '../trpc';

export const jobStates = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

export const commandPayload = z.strictObject({
  argv: z.array(z.string()).min(1, 'needs at least the program to run'),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().min(1).optional(),
  timeoutSeconds: z.number().positive().max(7 * 24 * 3600).optional(),
});

export const submitJobInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  kind: z.literal('command'),
  payload: commandPayload,
  teamId: z.string().optional(),
  priority: z.number().int().min(-100).max(100).optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
});

/** A member acts for their own team only; an admin names the team (or gets the only one it can). */
function teamFor(principal: Principal, requested: string | undefined): string {
  if (principal.role === 'member') {
    if (requested && requested !== principal.teamId) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `a member of ${principal.teamId} cannot act for team ${requested}` });
    }
    return principal.teamId!;
  }
  if (!requested) throw new TRPCError({ code: 'BAD_REQUEST', message: 'teamId: required for an admin token' });
  return requested;
}

async function visibleJob(db: Parameters<typeof getJob>[0], principal: Principal, id: string) {
  const job = await getJob(db, id);
  if (!job) throw new TRPCError({ code: 'NOT_FOUND', message: `job ${id} not found` });
  if (principal.role === 'member' && job.teamId !== principal.teamId) {
    throw new TRPCError({ code: 'FORBIDDEN', message: `job ${id} belongs to another team` });
  }
  return job;
}

export const jobsRouter = {
  submit: userProcedure.input(submitJobInput).mutation(({ ctx, input }) =>
    submitJob(ctx.db, {
      teamId: teamFor(ctx.principal, input.teamId),
      submittedBy: ctx.principal.tokenId,
      name: input.name,
      kind: input.kind,
      payload: input.payload,
      priority: input.priority,
      maxAttempts: input.maxAttempts,
    }),
  ),
  list: userProcedure
    .input(
      z
        .strictObject({
          state: z.enum(jobStates).optional(),
          teamId: z.string().optional(),
          limit: z.number().int().min(1).max(500).default(50),
          offset: z.number().int().min(0).default(0),
        })
        .default({ limit: 50, offset: 0 }),
    )
    .query(({ ctx, input }) =>
      listJobs(ctx.db, {
        ...input,
        teamId: ctx.principal.role === 'member' ? teamFor(ctx.principal, input.teamId) : input.teamId,
      }),
    ),
  get: userProcedure
    .input(z.strictObject({ id: z.string().min(1) }))
    .query(({ ctx, input }) => visibleJob(ctx.db, ctx.principal, input.id)),
  cancel: userProcedure
    .input(z.strictObject({ id: z.string().min(1) }))
    .mutation(async ({ ctx, input }) => {
      await visibleJob(ctx.db, ctx.principal, input.id);
      return cancelJob(ctx.db, input.id);
    }),
} satisfies TRPCRouterRecord;
