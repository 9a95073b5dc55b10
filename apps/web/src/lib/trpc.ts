import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import type { AppRouter, RouterInputs, RouterOutputs } from '@wattwise/api';

/**
 * The browser's tRPC client. It talks to the portal's own `/api/trpc` route, which adds the API
 * token on the server; no token ever reaches the browser. Only types come from @wattwise/api.
 */
export const api = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: '/api/trpc' })],
});

export type { RouterInputs, RouterOutputs };
export type Job = RouterOutputs['jobs']['list']['items'][number];
export type JobState = Job['state'];
export type Team = RouterOutputs['admin']['teams'][number];

export type FieldIssue = { path: string; message: string };

/** The message and the per-field issues (from the server's zod error formatter) of a failed call. */
export function describeError(error: unknown): { message: string; issues: FieldIssue[] } {
  if (error instanceof TRPCClientError) {
    const data = (error as TRPCClientError<AppRouter>).data;
    return { message: error.message, issues: data?.issues ?? [] };
  }
  return { message: error instanceof Error ? error.message : String(error), issues: [] };
}
