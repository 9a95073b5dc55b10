import type { RouterOutputs } from './trpc';

/** One job as `jobs.get` returns it: the list's columns plus its attempts. Dates are ISO strings. */
export type JobDetail = RouterOutputs['jobs']['get'];
export type JobAttempt = JobDetail['attemptList'][number];
export type AttemptEnergy = NonNullable<JobAttempt['energy']>;
/** A job's bill as stored; `detail` is read with `parseBillDetail` (jobs-bill.ts). */
export type StoredBill = NonNullable<RouterOutputs['jobs']['bill']>;
export type AttemptTelemetry = RouterOutputs['jobs']['telemetry'][number];
export type TelemetrySample = AttemptTelemetry['samples'][number];
