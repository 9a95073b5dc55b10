import { initTRPC, TRPCError } from '@trpc/server';
import { authenticate, QueueError } from '@wattwise/db';
import type { Db, Principal } from '@wattwise/db';
import { ZodError } from 'zod';

import type { Auth } from './auth';
import { sessionPrincipal } from './auth';
import type { SiteRatesLoader } from './billing';
import type { Scheduler } from './scheduling';

export type ApiDeps = {
  db: Db;
  /** How long a claim or heartbeat holds a job before it returns to the queue. */
  leaseSeconds: number;
  version: string;
  dbKind: 'pglite' | 'postgres';
  /** Decides which queued job a claiming worker runs; without it, priority then age. */
  scheduler?: Scheduler;
  /** A site's hourly prices and carbon, for bills; without it bills use published averages. */
  siteRates?: SiteRatesLoader;
  /** Where the API reports what it cannot put in a response (a job that ended unbilled). */
  log?: (message: string) => void;
  /** Sign-in for people (see auth.ts); without it only API tokens are accepted. */
  auth?: Auth;
};

export type Context = ApiDeps & { principal: Principal | null };

/**
 * Builds the per-request context. A program sends `Authorization: Bearer <token>`; a person signed
 * in to the portal sends the session cookie (read only when there is no Authorization header, so
 * a bad token is refused rather than passed over for a cookie).
 */
export async function createContext(
  deps: ApiDeps,
  authorization: string | undefined,
  cookie?: string,
): Promise<Context> {
  if (authorization) {
    const match = authorization.match(/^Bearer\s+(\S+)$/i);
    return { ...deps, principal: match ? await authenticate(deps.db, match[1]!) : null };
  }
  const principal = cookie && deps.auth ? await sessionPrincipal(deps.auth, cookie) : null;
  return { ...deps, principal };
}

/** Zod issues as `path.to.field: message` so a 400 says which field was wrong. */
export function describeZodError(error: ZodError): string {
  return error.issues
    .map((i) => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`)
    .join('; ');
}

const t = initTRPC.context<Context>().create({
  // Stack traces stay in the server log, never in a response.
  isDev: false,
  errorFormatter({ shape, error }) {
    const zod = error.cause instanceof ZodError ? error.cause : null;
    return {
      ...shape,
      message: zod ? `invalid input: ${describeZodError(zod)}` : shape.message,
      data: {
        ...shape.data,
        issues: zod?.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) ?? null,
      },
    };
  },
});

const QUEUE_TO_TRPC = {
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  FORBIDDEN: 'FORBIDDEN',
  BAD_REQUEST: 'BAD_REQUEST',
} as const;

/** Domain refusals become their HTTP-mapped tRPC codes; anything else stays a 500. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof QueueError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: QUEUE_TO_TRPC[cause.code], message: cause.message, cause });
  }
  return result;
});

export const createTRPCRouter = t.router;
export const publicProcedure = t.procedure.use(domainErrors);

const authed = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.principal) {
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: 'not signed in: sign in, or send a valid bearer token',
    });
  }
  return next({ ctx: { ...ctx, principal: ctx.principal } });
});

const requireRole = (...roles: Principal['role'][]) =>
  authed.use(({ ctx, next }) => {
    if (!roles.includes(ctx.principal.role)) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: `a ${ctx.principal.role} cannot call this procedure (needs ${roles.join(' or ')})`,
      });
    }
    return next();
  });

/** People and their programs: admins see everything, members their own team. */
export const userProcedure = requireRole('admin', 'member');
export const adminProcedure = requireRole('admin');
export const workerProcedure = requireRole('worker');
