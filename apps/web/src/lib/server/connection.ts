import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { z } from 'zod';

import { DEFAULT_SERVER_URL, env } from '../../env';

const credentialsFile = z.object({ serverUrl: z.url() });

export function credentialsPath(): string {
  return path.resolve(env.WATTWISE_HOME, 'local-credentials.json');
}

/**
 * Where the portal forwards tRPC and sign-in calls: WATTWISE_SERVER_URL, else the `serverUrl` the
 * server wrote to its credentials file, else the default. Resolved on each call: the server may
 * write the file after the portal has started (as under `pnpm start`), so a missing file is not
 * cached. The portal holds no token of its own: every call acts for the signed-in visitor.
 */
export async function resolveServerUrl(): Promise<string> {
  if (env.WATTWISE_SERVER_URL) return env.WATTWISE_SERVER_URL;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(credentialsPath(), 'utf8'));
  } catch {
    // Absent, or being written right now: try again on the next request.
    return DEFAULT_SERVER_URL;
  }
  const parsed = credentialsFile.safeParse(raw);
  return parsed.success ? parsed.data.serverUrl : DEFAULT_SERVER_URL;
}

/** `base` with one trailing slash, so that relative paths resolve under it. */
export function withSlash(base: string): string {
  return base.endsWith('/') ? base : `${base}/`;
}
