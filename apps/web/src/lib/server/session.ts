import { getSessionCookie } from 'better-auth/cookies';

/**
 * The session cookie the server's sign-in sets (better-auth's `session_token` under the prefix
 * `SESSION_COOKIE_PREFIX` of packages/api/src/auth.ts; `__Secure-` in front when the portal is https).
 */
const COOKIE_PREFIX = 'wattwise';
const AUTH_COOKIE = new RegExp(`^(__Secure-)?${COOKIE_PREFIX}\\.[A-Za-z0-9_.-]+=`);

/** Whether the request carries a session cookie at all (not whether it is still valid). */
export function hasSessionCookie(headers: Headers): boolean {
  return getSessionCookie(headers, { cookiePrefix: COOKIE_PREFIX }) !== null;
}

/**
 * The sign-in cookies among a browser's cookies, as a Cookie header to send to the server; null
 * when there are none. Other cookies of the portal's site stay on the portal.
 */
export function authCookieHeader(cookie: string | null): string | null {
  if (!cookie) return null;
  const kept = cookie
    .split(';')
    .map((c) => c.trim())
    .filter((c) => AUTH_COOKIE.test(c));
  return kept.length ? kept.join('; ') : null;
}

/**
 * Headers that make a call to the server act for the signed-in visitor: their sign-in cookies.
 * For the tRPC proxy and any server component that calls the API (pass `await headers()`).
 */
export function actAsVisitor(from: Headers): Headers {
  const headers = new Headers();
  const cookie = authCookieHeader(from.get('cookie'));
  if (cookie) headers.set('cookie', cookie);
  return headers;
}
