import type { TRPCRouterRecord } from '@trpc/server';
import { TRPCError } from '@trpc/server';
import {
  cancelJob,
  getBill,
  getJob,
  JOB_SORTS,
  listJobs,
  listSamples,
  schedulerSnapshot,
  submitJob,
} from '@wattwise/db';
import type { Principal } from '@wattwise/db';
import { z } from 'zod';

import { budgetHoldReason } from '../budget-hold';
import { estimateJobCost } from '../job-estimate';
import { payloadSchemas, type JobKind } from '../payloads';
import { userProcedure } from '../trpc';

/** The id the preview's imagined job goes by; no stored job can have it (ids are prefixed). */
const PREVIEW_ID = '(this job)';

export const jobStates = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

const resources = z.strictObject({
  gpus: z
    .number()
    .min(0)
    .max(64)
    .refine(
      (g) => g < 1 || Number.isInteger(g),
      'must be whole GPUs or a share of one (0 < gpus < 1)',
    )
    .default(0),
  cpuMilli: z.number().int().min(0).max(1_024_000).default(0),
  memoryMiB: z
    .number()
    .int()
    .min(0)
    .max(64 * 1024 * 1024)
    .default(0),
  /** Allowed GPU models, "H100|A100". */
  gpuModel: z.string().trim().min(1).max(200).optional(),
});

const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

const jobBase = z.strictObject({
  name: z.string().trim().min(1).max(200),
  teamId: z.string().optional(),
  priority: z.number().int().min(-100).max(100).optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
  resources: resources.optional(),
  /** What the submitter expects it to run, seconds: lets the scheduler backfill and defer it. */
  expectedSeconds: z
    .number()
    .positive()
    .max(365 * 86_400)
    .optional(),
  earliestStart: instant.optional(),
  deadline: instant.optional(),
});

const jobOf = <K extends JobKind>(kind: K) =>
  jobBase.extend({ kind: z.literal(kind), payload: payloadSchemas[kind] });

export const submitJobInput = z
  .discriminatedUnion('kind', [jobOf('command'), jobOf('nn-train'), jobOf('simulate')])
  .superRefine((job, ctx) => {
    if (job.deadline && job.earliestStart && job.deadline <= job.earliestStart)
      ctx.addIssue({ code: 'custom', path: ['deadline'], message: 'must be after earliestStart' });
    if (job.deadline && job.expectedSeconds && job.earliestStart) {
      const room = (job.deadline.getTime() - job.earliestStart.getTime()) / 1000;
      if (room < job.expectedSeconds)
        ctx.addIssue({
          code: 'custom',
          path: ['deadline'],
          message: `leaves ${room} s after earliestStart, less than expectedSeconds (${job.expectedSeconds})`,
        });
    }
  });

/** A member acts for their own team only; an admin names the team (or gets the only one it can). */
function teamFor(principal: Principal, requested: string | undefined): string {
  if (principal.role === 'member') {
    if (requested && requested !== principal.teamId) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: `a member of ${principal.teamId} cannot act for team ${requested}`,
      });
    }
    return principal.teamId!;
  }
  if (!requested)
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'teamId: required for an admin token' });
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
  submit: userProcedure.input(submitJobInput).mutation(async ({ ctx, input }) => {
    const teamId = teamFor(ctx.principal, input.teamId);
    const heldReason = await budgetHoldReason(
      ctx,
      teamId,
      { gpus: 0, cpuMilli: 0, ...input.resources, expectedSeconds: input.expectedSeconds },
      Math.max(Date.now(), input.earliestStart?.getTime() ?? 0),
    );
    return submitJob(ctx.db, {
      teamId,
      submittedBy: ctx.principal.tokenId,
      name: input.name,
      kind: input.kind,
      payload: input.payload,
      priority: input.priority,
      maxAttempts: input.maxAttempts,
      ...input.resources,
      expectedSeconds: input.expectedSeconds ?? null,
      earliestStartAt: input.earliestStart ?? null,
      deadlineAt: input.deadline ?? null,
      heldReason,
    });
  }),
  /**
   * What submitting this job would do, without submitting it: its estimated cost (when it says how
   * long it runs) and where and when the scheduler would start it now.
   */
  preview: userProcedure.input(submitJobInput).query(async ({ ctx, input }) => {
    const teamId = teamFor(ctx.principal, input.teamId);
    const resources = { gpus: 0, cpuMilli: 0, memoryMiB: 0, ...input.resources };
    const request = { ...resources, expectedSeconds: input.expectedSeconds };
    const startMs = Math.max(Date.now(), input.earliestStart?.getTime() ?? 0);
    const estimate = await estimateJobCost(ctx, request, startMs);
    const heldReason = await budgetHoldReason(ctx, teamId, request, startMs);
    // A job its budget would hold does not reach the scheduler, whatever it would decide.
    const schedule =
      ctx.scheduler && !heldReason
        ? ctx.scheduler.preview(
            await schedulerSnapshot(ctx.db, { leaseSeconds: ctx.leaseSeconds }),
            {
              id: PREVIEW_ID,
              teamId,
              priority: input.priority ?? 0,
              createdAt: new Date(),
              gpus: resources.gpus,
              cpuMilli: resources.cpuMilli,
              memoryMiB: resources.memoryMiB,
              gpuModel: resources.gpuModel ?? null,
              expectedSeconds: input.expectedSeconds ?? null,
              earliestStartAt: input.earliestStart ?? null,
              deadlineAt: input.deadline ?? null,
            },
          )
        : null;
    return { estimate, heldReason, schedule };
  }),
  list: userProcedure
    .input(
      z
        .strictObject({
          state: z.enum(jobStates).optional(),
          teamId: z.string().optional(),
          limit: z.number().int().min(1).max(500).default(50),
          offset: z.number().int().min(0).default(0),
          sort: z.enum(JOB_SORTS).default('createdAt'),
          dir: z.enum(['asc', 'desc']).default('desc'),
        })
        .default({ limit: 50, offset: 0, sort: 'createdAt', dir: 'desc' }),
    )
    .query(({ ctx, input }) =>
      listJobs(ctx.db, {
        ...input,
        teamId:
          ctx.principal.role === 'member' ? teamFor(ctx.principal, input.teamId) : input.teamId,
      }),
    ),
  get: userProcedure
    .input(z.strictObject({ id: z.string().min(1) }))
    .query(({ ctx, input }) => visibleJob(ctx.db, ctx.principal, input.id)),
  /** The job's bill: five parts with their formulas, energy and its method; null until it is billed. */
  bill: userProcedure
    .input(z.strictObject({ id: z.string().min(1) }))
    .query(async ({ ctx, input }) => {
      await visibleJob(ctx.db, ctx.principal, input.id);
      return getBill(ctx.db, input.id);
    }),
  /** Power, utilisation and memory samples of each attempt, for the job's charts. */
  telemetry: userProcedure
    .input(z.strictObject({ id: z.string().min(1) }))
    .query(async ({ ctx, input }) => {
      const job = await visibleJob(ctx.db, ctx.principal, input.id);
      return Promise.all(
        job.attemptList.map(async (a) => ({
          attemptId: a.id,
          samples: await listSamples(ctx.db, a.id),
        })),
      );
    }),
  cancel: userProcedure
    .input(z.strictObject({ id: z.string().min(1) }))
    .mutation(async ({ ctx, input }) => {
      await visibleJob(ctx.db, ctx.principal, input.id);
      return cancelJob(ctx.db, input.id);
    }),
} satisfies TRPCRouterRecord;
