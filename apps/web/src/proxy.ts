import { NextResponse } from 'next/server';
import type { NextRequest } from 'next/server';

import { hasSessionCookie } from './lib/server/session';

/**
 * Sends a visitor without a session cookie to the sign-in page, remembering where they were going.
 * Only the cookie's presence is checked here (no server round trip per page); the server checks
 * the session itself on every API call, and the pages go to sign-in when it answers 401.
 */
export function proxy(request: NextRequest) {
  if (hasSessionCookie(request.headers)) return NextResponse.next();
  const signIn = new URL('/sign-in', request.url);
  const { pathname, search } = request.nextUrl;
  const next = `${pathname}${search}`;
  if (next !== '/') signIn.searchParams.set('next', next);
  return NextResponse.redirect(signIn);
}

export const config = {
  // Pages only: not the sign-in page, the API routes (they answer 401 themselves) or static files.
  matcher: ['/((?!sign-in|api/|_next/|icon\\.svg|favicon\\.ico).*)'],
};
