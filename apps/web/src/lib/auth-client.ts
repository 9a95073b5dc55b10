import { createAuthClient } from 'better-auth/client';

/**
 * Sign-in and sign-out from the browser. It calls the portal's own `/api/auth/*` route, which
 * forwards to the server's auth; the session cookie it gets back is HTTP-only and the page never
 * reads it.
 */
export const authClient = createAuthClient();
