import { resolveConnection } from './connection';

/**
 * The procedures the browser may call through the portal. The portal holds an admin token, so
 * anything else (minting tokens, worker calls) is refused here rather than exposed to every
 * visitor. Add a procedure when a page starts using it.
 */
export const PORTAL_PROCEDURES: ReadonlySet<string> = new Set([
  'health.check',
  'admin.teams',
  'jobs.list',
  'jobs.get',
  'jobs.submit',
  'jobs.cancel',
  'jobs.bill',
  'jobs.telemetry',
  'jobs.preview',
  'overview.summary',
  'costs.explore',
  'facility.energy',
  'facility.nodes',
  'teams.summary',
  'teams.setBudget',
  'teams.release',
  'recommendations.list',
]);

const PROCEDURE_PATH = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*(,[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*)*$/;
const FORWARDED_REQUEST_HEADERS = ['accept', 'content-type', 'trpc-accept', 'trpc-batch-mode'];
const MAX_BODY_BYTES = 1024 * 1024;

type ErrorCode =
  'FORBIDDEN' | 'NOT_FOUND' | 'PAYLOAD_TOO_LARGE' | 'SERVICE_UNAVAILABLE' | 'BAD_GATEWAY';
const JSON_RPC_CODE: Record<ErrorCode, number> = {
  FORBIDDEN: -32003,
  NOT_FOUND: -32004,
  PAYLOAD_TOO_LARGE: -32013,
  SERVICE_UNAVAILABLE: -32603,
  BAD_GATEWAY: -32603,
};
const HTTP_STATUS: Record<ErrorCode, number> = {
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  SERVICE_UNAVAILABLE: 503,
  BAD_GATEWAY: 502,
};

/**
 * An error in tRPC's wire shape (one per call of a batch) so the browser client reports the
 * message instead of failing to parse the reply.
 */
function trpcError(code: ErrorCode, message: string, paths: string[], batch: boolean): Response {
  const one = (path: string) => ({
    error: {
      message,
      code: JSON_RPC_CODE[code],
      data: { code, httpStatus: HTTP_STATUS[code], path, issues: null },
    },
  });
  const body = batch ? paths.map(one) : one(paths[0] ?? '');
  return Response.json(body, {
    status: HTTP_STATUS[code],
    headers: { 'cache-control': 'no-store' },
  });
}

/**
 * Forwards one tRPC HTTP request (`/api/trpc/<path>[?batch=1&input=…]`) to the Wattwise server,
 * adding `Authorization: Bearer <token>`. The token stays on the portal's server.
 */
export async function proxyTrpc(request: Request, procedurePath: string): Promise<Response> {
  const url = new URL(request.url);
  const batch = url.searchParams.get('batch') === '1';
  const paths = procedurePath.split(',');

  if (!PROCEDURE_PATH.test(procedurePath)) {
    return trpcError('NOT_FOUND', `no procedure at "${procedurePath}"`, paths, batch);
  }
  const refused = paths.find((p) => !PORTAL_PROCEDURES.has(p));
  if (refused) {
    return trpcError('FORBIDDEN', `the portal does not expose ${refused}`, paths, batch);
  }

  const connection = await resolveConnection();
  if (!connection.token) {
    return trpcError(
      'SERVICE_UNAVAILABLE',
      'the portal has no API token: set WATTWISE_TOKEN, or start the server with WATTWISE_SEED_DEMO=1 ' +
        'so that it writes local-credentials.json under WATTWISE_HOME',
      paths,
      batch,
    );
  }

  const headers = new Headers({ authorization: `Bearer ${connection.token}` });
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }

  let body: ArrayBuffer | undefined;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    body = await request.arrayBuffer();
    if (body.byteLength > MAX_BODY_BYTES) {
      return trpcError('PAYLOAD_TOO_LARGE', 'request body over 1 MiB', paths, batch);
    }
  }

  const target = new URL(`trpc/${procedurePath}${url.search}`, withSlash(connection.serverUrl));
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers,
      body,
      signal: request.signal,
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return trpcError(
      'BAD_GATEWAY',
      `cannot reach the Wattwise server at ${connection.serverUrl} (${reason})`,
      paths,
      batch,
    );
  }

  // fetch has already decoded the body, so length and encoding headers no longer apply.
  const responseHeaders = new Headers({ 'cache-control': 'no-store' });
  const contentType = upstream.headers.get('content-type');
  if (contentType) responseHeaders.set('content-type', contentType);
  return new Response(await upstream.arrayBuffer(), {
    status: upstream.status,
    headers: responseHeaders,
  });
}

function withSlash(base: string): string {
  return base.endsWith('/') ? base : `${base}/`;
}
