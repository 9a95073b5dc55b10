import type { JobState } from './trpc';

/** Job states in the order the filter lists them (mirrors the API's `jobStates`). */
export const JOB_STATES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
] as const satisfies readonly JobState[];

export function isJobState(value: string | null): value is JobState {
  return (JOB_STATES as readonly string[]).includes(value ?? '');
}

export function isFinished(state: JobState): boolean {
  return state === 'succeeded' || state === 'failed' || state === 'cancelled';
}
