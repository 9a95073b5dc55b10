import type { TRPCRouterRecord } from '@trpc/server';
import {
  claimJob,
  completeAttempt,
  failAttempt,
  heartbeat,
  registerWorker,
  releaseAttempt,
} from '@wattwise/db';
import { z } from 'zod';

import { workerProcedure } from '../trpc';

const attemptRef = { workerId: z.string().min(1), attemptId: z.string().min(1) };
const outputTail = z.string().max(64 * 1024);

export const workersRouter = {
  register: workerProcedure
    .input(
      z.strictObject({
        hostname: z.string().min(1).max(255),
        cpus: z.number().int().positive(),
        memoryMb: z.number().int().nonnegative(),
        gpus: z.array(
          z.strictObject({
            index: z.number().int().nonnegative(),
            name: z.string(),
            uuid: z.string().optional(),
            memoryMb: z.number().int().nonnegative().optional(),
          }),
        ),
        version: z.string().min(1),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const worker = await registerWorker(ctx.db, input);
      return { workerId: worker.id, leaseSeconds: ctx.leaseSeconds };
    }),
  claim: workerProcedure
    .input(z.strictObject({ workerId: z.string().min(1) }))
    .mutation(({ ctx, input }) => claimJob(ctx.db, { workerId: input.workerId, leaseSeconds: ctx.leaseSeconds })),
  heartbeat: workerProcedure
    .input(z.strictObject(attemptRef))
    .mutation(({ ctx, input }) => heartbeat(ctx.db, { ...input, leaseSeconds: ctx.leaseSeconds })),
  progress: workerProcedure
    .input(z.strictObject({ ...attemptRef, progress: z.record(z.string(), z.unknown()) }))
    .mutation(({ ctx, input }) => heartbeat(ctx.db, { ...input, leaseSeconds: ctx.leaseSeconds })),
  complete: workerProcedure
    .input(
      z.strictObject({
        ...attemptRef,
        exitCode: z.number().int().nullable(),
        signal: z.string().nullable().optional(),
        outputTail,
      }),
    )
    .mutation(({ ctx, input }) => completeAttempt(ctx.db, input)),
  fail: workerProcedure
    .input(
      z.strictObject({
        ...attemptRef,
        error: z.string().min(1).max(4096),
        retryable: z.boolean(),
        outputTail: outputTail.optional(),
      }),
    )
    .mutation(({ ctx, input }) => failAttempt(ctx.db, input)),
  release: workerProcedure
    .input(z.strictObject(attemptRef))
    .mutation(({ ctx, input }) => releaseAttempt(ctx.db, input)),
} satisfies TRPCRouterRecord;
