import { resolveServerUrl, withSlash } from './connection';
import { authCookieHeader } from './session';

/**
 * What the server's sign-in needs to see of the browser's request: its own cookies, and where the
 * request came from (Origin, Referer, Fetch Metadata), which it checks against the portal's origins.
 */
const FORWARDED_REQUEST_HEADERS = [
  'accept',
  'content-type',
  'origin',
  'referer',
  'user-agent',
  'sec-fetch-site',
  'sec-fetch-mode',
  'sec-fetch-dest',
];
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'location'];
const MAX_BODY_BYTES = 64 * 1024;
/** Endpoint names are words and dashes; anything else (`..`, encoded slashes) is not forwarded. */
const SEGMENT = /^[A-Za-z0-9_-]+$/;

function refuse(status: number, message: string): Response {
  return Response.json({ message }, { status, headers: { 'cache-control': 'no-store' } });
}

/**
 * Forwards a sign-in call (`/api/auth/<segments>`: sign-in, sign-out, session) to the server's
 * `/api/auth/*` and hands back its answer with the cookies it sets, which then belong to the
 * portal's own origin.
 */
export async function proxyAuth(request: Request, segments: string[]): Promise<Response> {
  if (!segments.length || !segments.every((s) => SEGMENT.test(s))) {
    return refuse(404, `no sign-in endpoint at /api/auth/${segments.join('/')}`);
  }
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  const cookie = authCookieHeader(request.headers.get('cookie'));
  if (cookie) headers.set('cookie', cookie);

  let body: ArrayBuffer | undefined;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    body = await request.arrayBuffer();
    if (body.byteLength > MAX_BODY_BYTES) return refuse(413, 'request body over 64 KiB');
  }

  const serverUrl = await resolveServerUrl();
  const search = new URL(request.url).search;
  const target = new URL(`api/auth/${segments.join('/')}${search}`, withSlash(serverUrl));
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers,
      body,
      redirect: 'manual',
      signal: request.signal,
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return refuse(502, `cannot reach the Wattwise server at ${serverUrl} (${reason})`);
  }

  const out = new Headers({ 'cache-control': 'no-store' });
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value) out.set(name, value);
  }
  for (const setCookie of upstream.headers.getSetCookie()) out.append('set-cookie', setCookie);
  return new Response(await upstream.arrayBuffer(), { status: upstream.status, headers: out });
}
