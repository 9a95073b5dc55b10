import { createHash, randomBytes } from 'node:crypto';

import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';

import type { Db } from './client';
import { newId } from './ids';
import type { Role } from './schema';
import { apiTokens } from './schema';

/** Who a request acts for: a program with an API token, or a person signed in to the portal. */
export type Principal = {
  /** The API token it came with; null for a signed-in user (session cookie). */
  tokenId: string | null;
  /** The user behind it: the signed-in user, or the user a token was issued to (if any). */
  userId: string | null;
  /** The signed-in user's email; null for a token. */
  email: string | null;
  role: Role;
  teamId: string | null;
  name: string;
};

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Creates a token and returns its secret: the only time the secret exists outside the caller. */
export async function createToken(
  db: Db,
  input: { name: string; role: Role; teamId?: string | null },
): Promise<{ id: string; secret: string }> {
  const secret = `ww_${randomBytes(24).toString('base64url')}`;
  const id = newId('tok');
  await db.insert(apiTokens).values({
    id,
    name: input.name,
    role: input.role,
    teamId: input.teamId ?? null,
    prefix: secret.slice(0, 8),
    tokenHash: hashToken(secret),
  });
  return { id, secret };
}

export async function authenticate(db: Db, secret: string): Promise<Principal | null> {
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, hashToken(secret)), isNull(apiTokens.revokedAt)));
  if (!row) return null;
  // "Last used" to the minute is enough, and a write on every request would make every worker
  // sharing a token contend for one row.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db
      .update(apiTokens)
      .set({ lastUsedAt: sql`now()` })
      .where(
        and(
          eq(apiTokens.id, row.id),
          or(
            isNull(apiTokens.lastUsedAt),
            lt(apiTokens.lastUsedAt, sql`now() - interval '1 minute'`),
          ),
        ),
      );
  }
  return {
    tokenId: row.id,
    userId: row.userId,
    email: null,
    role: row.role,
    teamId: row.teamId,
    name: row.name,
  };
}

export async function countTokens(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(apiTokens);
  return row?.n ?? 0;
}
