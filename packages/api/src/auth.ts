import { createUser } from '@wattwise/db';
import type { Db, NewUser, Principal, UserSummary } from '@wattwise/db';
import { accounts, sessions, users, verifications } from '@wattwise/db/schema';
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { hashPassword, verifyPassword } from 'better-auth/crypto';
import { toNodeHandler } from 'better-auth/node';

/**
 * Sign-in for people (the portal), by better-auth on our own tables: email and password, a session
 * row per sign-in, its token in an HTTP-only cookie. Programs keep using API tokens.
 */

/** Session cookies are `wattwise.session_token` (`__Secure-wattwise.…` when the portal is https). */
export const SESSION_COOKIE_PREFIX = 'wattwise';
export const MIN_PASSWORD_LENGTH = 12;

export type AuthOptions = {
  db: Db;
  /** Signs the session cookie; at least 32 random characters. */
  secret: string;
  /** Where people open the portal, which forwards /api/auth/* here; https makes cookies Secure. */
  baseURL: string;
  /** Other origins the portal is reached at (the baseURL's own origin is always trusted). */
  trustedOrigins?: string[];
  /** Where the library's own warnings and errors go. */
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
};

export function createAuth(opts: AuthOptions) {
  return betterAuth({
    appName: 'Wattwise',
    secret: opts.secret,
    baseURL: opts.baseURL,
    trustedOrigins: opts.trustedOrigins ?? [],
    database: drizzleAdapter(opts.db, {
      provider: 'pg',
      usePlural: true,
      schema: { users, sessions, accounts, verifications },
    }),
    emailAndPassword: {
      enabled: true,
      // Accounts are made by an admin (users.create) or the demo seed, never by a visitor.
      disableSignUp: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
    },
    user: {
      additionalFields: {
        // What a user may see is decided by these two; only an admin sets them, never the user.
        role: { type: ['admin', 'member'], required: true, input: false },
        teamId: { type: 'string', required: false, input: false },
      },
    },
    advanced: {
      cookiePrefix: SESSION_COOKIE_PREFIX,
      // The library relaxes origin checks under test runners; check the same way everywhere.
      disableOriginCheck: false,
    },
    telemetry: { enabled: false },
    logger: opts.log ? { log: (level, message) => opts.log!(level, message) } : { disabled: true },
  });
}

export type Auth = ReturnType<typeof createAuth>;

/** The Node request handler for `/api/auth/*` (sign-in, sign-out, session). */
export function authRequestHandler(auth: Auth) {
  return toNodeHandler(auth);
}

/** The signed-in user behind a request's cookies, as a principal; null when there is none. */
export async function sessionPrincipal(auth: Auth, cookie: string): Promise<Principal | null> {
  const found = await auth.api.getSession({ headers: new Headers({ cookie }) });
  if (!found) return null;
  const { user } = found;
  return {
    tokenId: null,
    userId: user.id,
    email: user.email,
    role: user.role,
    teamId: user.teamId ?? null,
    name: user.name,
  };
}

/**
 * Creates a user who signs in with `password`, hashed as the sign-in handler checks it.
 * For admins (users.create) and the demo seed; there is no public sign-up.
 */
export async function createPasswordUser(
  db: Db,
  input: Omit<NewUser, 'passwordHash'> & { password: string },
): Promise<UserSummary> {
  const { password, ...rest } = input;
  return createUser(db, { ...rest, passwordHash: await hashPassword(password) });
}

export { hashPassword, verifyPassword };
