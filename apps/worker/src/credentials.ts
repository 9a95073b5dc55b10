import { readFile } from 'node:fs/promises';

import { z } from 'zod';

import { sleep } from './client';

/** The file a server started with WATTWISE_SEED_DEMO=1 writes for the local worker, portal and CLI. */
export const localCredentials = z.object({
  serverUrl: z.string().min(1),
  workerToken: z.string().min(1),
});

export type Connection = { serverUrl: string; token: string; source: string };

/** Reads the file; null while it does not exist yet (or is being written). */
export async function readLocalCredentials(
  path: string,
): Promise<z.infer<typeof localCredentials> | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = localCredentials.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * The server URL and token: flags, then environment, then `local-credentials.json`; waits for that
 * file (the server may be starting beside the worker) until it appears or `signal` aborts.
 */
export async function resolveConnection(
  given: { serverUrl?: string; token?: string },
  credentialsPath: string,
  opts: { signal: AbortSignal; log: (line: string) => void; pollMs?: number },
): Promise<Connection | null> {
  if (given.serverUrl && given.token)
    return { serverUrl: given.serverUrl, token: given.token, source: 'flags/environment' };
  let told = false;
  while (!opts.signal.aborted) {
    const file = await readLocalCredentials(credentialsPath);
    if (file) {
      return {
        serverUrl: given.serverUrl ?? file.serverUrl,
        token: given.token ?? file.workerToken,
        source: credentialsPath,
      };
    }
    if (!told) opts.log(`no --server/--token given; waiting for ${credentialsPath}`);
    told = true;
    await sleep(opts.pollMs ?? 1000, opts.signal);
  }
  return null;
}
