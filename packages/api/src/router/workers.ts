import type { TRPCRouterRecord } from '@trpc/server';
import {
  claimJob,
  resolveSite,
  completeAttempt,
  failAttempt,
  heartbeat,
  ENERGY_METHODS,
  recordSamples,
  registerWorker,
  releaseAttempt,
  type OnTerminal,
} from '@wattwise/db';
import { z } from 'zod';

import { billFinishedJob } from '../billing';
import { workerProcedure, type Context } from '../trpc';

const attemptRef = { workerId: z.string().min(1), attemptId: z.string().min(1) };
const outputTail = z.string().max(64 * 1024);
const method = z.enum(ENERGY_METHODS);
const energy = z.strictObject({
  itKWh: z.number().nonnegative(),
  method: z.union([method, z.literal('mixed')]),
  devices: z
    .array(
      z.strictObject({
        device: z.string().min(1).max(32),
        kWh: z.number().nonnegative(),
        method,
        errorBand: z.number().min(0).max(1).optional(),
      }),
    )
    .max(64),
});
const nullableReading = z.number().finite().nullable();
const sample = z.strictObject({
  seq: z.number().int().nonnegative(),
  at: z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
  gpus: z
    .array(
      z.strictObject({
        index: z.number().int().nonnegative(),
        powerW: nullableReading,
        util: nullableReading,
        memoryMiB: nullableReading,
      }),
    )
    .max(64),
  cpuW: nullableReading,
  method,
});

/** Bills the job in the transaction that ends it. */
const billing =
  (ctx: Context): OnTerminal =>
  async (tx, job) => {
    const outcome = await billFinishedJob(tx, job, ctx.siteRates ?? (() => null));
    if (!outcome.billed && outcome.reason !== 'no attempt ran')
      ctx.log?.(`job ${job.id} ended unbilled: ${outcome.reason}`);
  };

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
        /** The site's name, for its prices and PUE; may be left out when there is one site. */
        site: z.string().min(1).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { site, ...machine } = input;
      const resolved = await resolveSite(ctx.db, site);
      const worker = await registerWorker(ctx.db, { ...machine, siteId: resolved?.id ?? null });
      return { workerId: worker.id, leaseSeconds: ctx.leaseSeconds, siteId: worker.siteId };
    }),
  claim: workerProcedure
    .input(z.strictObject({ workerId: z.string().min(1) }))
    .mutation(({ ctx, input }) => {
      const claim = () =>
        claimJob(ctx.db, {
          workerId: input.workerId,
          leaseSeconds: ctx.leaseSeconds,
          choose: ctx.scheduler?.choose,
        });
      return ctx.scheduler ? ctx.scheduler.exclusive(claim) : claim();
    }),
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
        output: z.record(z.string(), z.unknown()).optional(),
        energy: energy.optional(),
      }),
    )
    .mutation(({ ctx, input }) => completeAttempt(ctx.db, input, billing(ctx))),
  fail: workerProcedure
    .input(
      z.strictObject({
        ...attemptRef,
        error: z.string().min(1).max(4096),
        retryable: z.boolean(),
        outputTail: outputTail.optional(),
        energy: energy.optional(),
      }),
    )
    .mutation(({ ctx, input }) => failAttempt(ctx.db, input, billing(ctx))),
  release: workerProcedure
    .input(z.strictObject({ ...attemptRef, energy: energy.optional() }))
    .mutation(({ ctx, input }) => releaseAttempt(ctx.db, input, billing(ctx))),
  /** Telemetry, possibly late (buffered while the server was unreachable); repeats are ignored. */
  samples: workerProcedure
    .input(z.strictObject({ ...attemptRef, samples: z.array(sample).max(1000) }))
    .mutation(({ ctx, input }) => recordSamples(ctx.db, input, input.samples)),
} satisfies TRPCRouterRecord;
