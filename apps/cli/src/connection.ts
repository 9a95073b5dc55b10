import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '@wattwise/api';
import type { Command } from 'commander';
import { z } from 'zod';

import { env } from './env';
import { CliError } from './errors';

export const DEFAULT_SERVER_URL = 'http://localhost:4000';

export type ConnectionOptions = { server?: string; token?: string };

export const serverOption = (cmd: Command) =>
  cmd.option(
    '--server <url>',
    'server URL (default: $WATTWISE_SERVER_URL, local-credentials.json, http://localhost:4000)',
  );

export const connectionOptions = (cmd: Command) =>
  serverOption(cmd).option(
    '--token <token>',
    'API token (default: $WATTWISE_TOKEN, then the cliToken of local-credentials.json)',
  );

const localCredentials = z.object({
  serverUrl: z.string().optional(),
  cliToken: z.string().optional(),
});

export function credentialsPath(): string {
  return resolve(env.WATTWISE_HOME, 'local-credentials.json');
}

/** `$WATTWISE_HOME/local-credentials.json`, written by a server started with WATTWISE_SEED_DEMO=1; {} if absent. */
function readLocalCredentials(): z.infer<typeof localCredentials> {
  let text: string;
  try {
    text = readFileSync(credentialsPath(), 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = localCredentials.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** --server, then WATTWISE_SERVER_URL, then local-credentials.json, then http://localhost:4000. */
export function serverUrl(opts: ConnectionOptions): string {
  return (
    opts.server ??
    env.WATTWISE_SERVER_URL ??
    readLocalCredentials().serverUrl ??
    DEFAULT_SERVER_URL
  ).replace(/\/+$/, '');
}

/** --token, then WATTWISE_TOKEN, then the cliToken of local-credentials.json. */
export function token(opts: ConnectionOptions): string {
  const t = opts.token ?? env.WATTWISE_TOKEN ?? readLocalCredentials().cliToken;
  if (!t) {
    throw new CliError(
      `no token: pass --token, set WATTWISE_TOKEN, or start the server with WATTWISE_SEED_DEMO=1 so that it writes ${credentialsPath()}`,
    );
  }
  return t;
}

export function createApi(url: string, bearer?: string, timeoutMs = 15_000) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        headers: () => (bearer ? { authorization: `Bearer ${bearer}` } : {}),
        fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
      }),
    ],
  });
}

export type Api = ReturnType<typeof createApi>;

/** One line saying why a call failed: the server's own message, or why the server was not reached. */
export function describeCallError(err: unknown, url: string): string {
  if (err instanceof TRPCClientError) {
    const data = err.data as { code?: string } | undefined;
    if (!data?.code) {
      const cause = err.cause instanceof Error ? err.cause : null;
      const why =
        cause?.cause instanceof Error ? cause.cause.message : (cause?.message ?? err.message);
      return `cannot reach the server at ${url}: ${why}`;
    }
    return `${err.message} (${data.code})`;
  }
  return err instanceof Error ? err.message : String(err);
}
