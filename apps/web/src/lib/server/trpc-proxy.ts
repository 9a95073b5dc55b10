import { resolveServerUrl, withSlash } from './connection';
import { actAsVisitor } from './session';

/**
 * The procedures the browser may call through the portal. The server decides what the signed-in
 * visitor may do; this list is a second fence, so that what no page needs (minting tokens, worker
 * calls) is not reachable from a browser at all. Add a procedure when a page starts using it.
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
  'users.me',
]);

const PROCEDURE_PATH = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*(,[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*)*$/;
const FORWARDED_REQUEST_HEADERS = ['accept', 'content-type', 'trpc-accept', 'trpc-batch-mode'];
const MAX_BODY_BYTES = 1024 * 1024;

type ErrorCode = 'FORBIDDEN' | 'NOT_FOUND' | 'PAYLOAD_TOO_LARGE' | 'BAD_GATEWAY';
const JSON_RPC_CODE: Record<ErrorCode, number> = {
  FORBIDDEN: -32003,
  NOT_FOUND: -32004,
  PAYLOAD_TOO_LARGE: -32013,
  BAD_GATEWAY: -32603,
};
const HTTP_STATUS: Record<ErrorCode, number> = {
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
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
 * Whether a browser sent this request from a page that is not the portal's (a cross-site form or
 * script): its Origin names another host than the one it was sent to.
 */
function fromAnotherSite(request: Request): boolean {
  const origin = request.headers.get('origin');
  if (!origin) return false;
  const hosts = [request.headers.get('x-forwarded-host'), request.headers.get('host')];
  try {
    return !hosts.includes(new URL(origin).host);
  } catch {
    return true;
  }
}

/**
 * Forwards one tRPC HTTP request (`/api/trpc/<path>[?batch=1&input=…]`) to the Wattwise server
 * with the visitor's sign-in cookie, so the server answers for them: a member sees their team.
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

  // Mutations act with the visitor's cookie: only the portal's own pages may ask for them.
  if (request.method !== 'GET' && fromAnotherSite(request)) {
    return trpcError('FORBIDDEN', 'calls from another site are refused', paths, batch);
  }

  const serverUrl = await resolveServerUrl();
  const headers = actAsVisitor(request.headers);
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

  const target = new URL(`trpc/${procedurePath}${url.search}`, withSlash(serverUrl));
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
      `cannot reach the Wattwise server at ${serverUrl} (${reason})`,
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
