import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { z } from 'zod';

import { DEFAULT_SERVER_URL, env } from '../../env';

/** Where the portal's proxy sends tRPC calls, and the token it adds. Server-side only. */
export type Connection = {
  serverUrl: string;
  token: string | null;
  source: 'env' | 'credentials' | 'none';
};

const credentialsFile = z.object({
  serverUrl: z.url().optional(),
  portalToken: z.string().min(1),
});

export function credentialsPath(): string {
  return path.resolve(env.WATTWISE_HOME, 'local-credentials.json');
}

/**
 * Resolves the connection on each call: the server may write its credentials file after the
 * portal has started (as under `pnpm start`), so a missing file is not cached.
 */
export async function resolveConnection(): Promise<Connection> {
  if (env.WATTWISE_TOKEN) {
    return {
      serverUrl: env.WATTWISE_SERVER_URL ?? DEFAULT_SERVER_URL,
      token: env.WATTWISE_TOKEN,
      source: 'env',
    };
  }
  const fromFile = await readCredentials();
  return {
    serverUrl: env.WATTWISE_SERVER_URL ?? fromFile?.serverUrl ?? DEFAULT_SERVER_URL,
    token: fromFile?.portalToken ?? null,
    source: fromFile ? 'credentials' : 'none',
  };
}

async function readCredentials(): Promise<z.infer<typeof credentialsFile> | null> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(credentialsPath(), 'utf8'));
  } catch {
    // Absent, or being written right now: try again on the next request.
    return null;
  }
  const parsed = credentialsFile.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
