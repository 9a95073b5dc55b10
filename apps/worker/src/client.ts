import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '@wattwise/api';

export type Api = ReturnType<typeof createApi>;

/** A tRPC client for the server at `serverUrl` (its tRPC endpoint is `/trpc`), with a bearer token. */
export function createApi(serverUrl: string, token: string, opts: { timeoutMs?: number } = {}) {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${serverUrl.replace(/\/+$/, '')}/trpc`,
        headers: () => ({ authorization: `Bearer ${token}` }),
        // A server that accepts the connection and never answers must not stall the heartbeat.
        fetch: (url, init) =>
          fetch(url, {
            ...init,
            signal: init?.signal
              ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)])
              : AbortSignal.timeout(timeoutMs),
          }),
      }),
    ],
  });
}

/**
 * What a failed call means for the caller:
 * - `lease-lost`: the server no longer holds this attempt for us (CONFLICT); stop and report nothing;
 * - `transient`: the server was unreachable or failed (network, timeout, 5xx); the same call may work later;
 * - `refused`: the server answered no (bad input, bad token, unknown worker); repeating won't help.
 */
export type FailureKind = 'lease-lost' | 'transient' | 'refused';
export type CallFailure = { kind: FailureKind; code: string; message: string };

const TRANSIENT_CODES = new Set([
  'INTERNAL_SERVER_ERROR',
  'TIMEOUT',
  'TOO_MANY_REQUESTS',
  'BAD_GATEWAY',
  'SERVICE_UNAVAILABLE',
  'GATEWAY_TIMEOUT',
  'CLIENT_CLOSED_REQUEST',
]);

/** The innermost message of an error chain (`fetch failed` → `connect ECONNREFUSED 127.0.0.1:4000`). */
function rootCause(err: unknown): string {
  let e: unknown = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

export function classifyFailure(err: unknown): CallFailure {
  if (err instanceof TRPCClientError) {
    const data = err.data as { code?: string; httpStatus?: number } | undefined;
    if (!data?.code) {
      // No tRPC error body: the request did not reach the server, or a proxy answered for it.
      return { kind: 'transient', code: 'UNREACHABLE', message: rootCause(err) };
    }
    if (data.code === 'CONFLICT')
      return { kind: 'lease-lost', code: data.code, message: err.message };
    if (TRANSIENT_CODES.has(data.code) || (data.httpStatus ?? 0) >= 500) {
      return { kind: 'transient', code: data.code, message: err.message };
    }
    return { kind: 'refused', code: data.code, message: err.message };
  }
  return { kind: 'transient', code: 'UNREACHABLE', message: rootCause(err) };
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Exponential backoff with "equal jitter": half fixed, half random, capped. */
export function backoffMs(failures: number, baseMs = 500, capMs = 10_000): number {
  const full = Math.min(capMs, baseMs * 2 ** Math.max(0, failures - 1));
  return full / 2 + (Math.random() * full) / 2;
}

/**
 * Calls `fn` until it succeeds or fails for a reason other than a transient one, backing off
 * between tries; gives up with the last transient failure once `deadline` (ms since epoch) passes
 * or `signal` aborts. Meant for idempotent calls only.
 */
export async function retryTransient<T>(
  fn: () => Promise<T>,
  opts: {
    deadline?: number;
    signal?: AbortSignal;
    onRetry?: (failure: CallFailure, attempt: number) => void;
  },
): Promise<{ ok: true; value: T } | { ok: false; failure: CallFailure }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await fn() };
    } catch (err) {
      const failure = classifyFailure(err);
      if (failure.kind !== 'transient') return { ok: false, failure };
      const wait = backoffMs(attempt);
      if (
        opts.signal?.aborted ||
        (opts.deadline !== undefined && Date.now() + wait > opts.deadline)
      ) {
        return { ok: false, failure };
      }
      opts.onRetry?.(failure, attempt);
      await sleep(wait, opts.signal);
    }
  }
}
