import { and, asc, eq, sql } from 'drizzle-orm';

import type { Db } from './client';
import { QueueError } from './errors';
import { newId } from './ids';
import { accounts, teams, users } from './schema';

/**
 * People who sign in to the portal. Sign-in itself (sessions, password checks) is the auth
 * library's; these are the queries around it: who exists, with which role and team, and the
 * credential account that holds a password hash.
 */

/** better-auth's provider id for email + password accounts (its `accountId` is the user's id). */
const CREDENTIAL_PROVIDER = 'credential';

export type UserRole = 'admin' | 'member';

export type UserSummary = {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  teamId: string | null;
  teamName: string | null;
  createdAt: Date;
};

const summary = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  teamId: users.teamId,
  teamName: teams.name,
  createdAt: users.createdAt,
};

/** The database keeps `worker` out of users (a check constraint); the type says so too. */
function asSummary(row: Omit<UserSummary, 'role'> & { role: string }): UserSummary {
  return { ...row, role: row.role as UserRole };
}

/** Emails are compared as the auth library compares them: lower-cased, without surrounding space. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function getUser(db: Db, id: string): Promise<UserSummary | null> {
  const [row] = await db
    .select(summary)
    .from(users)
    .leftJoin(teams, eq(teams.id, users.teamId))
    .where(eq(users.id, id));
  return row ? asSummary(row) : null;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserSummary | null> {
  const [row] = await db
    .select(summary)
    .from(users)
    .leftJoin(teams, eq(teams.id, users.teamId))
    .where(eq(users.email, normalizeEmail(email)));
  return row ? asSummary(row) : null;
}

export async function listUsers(db: Db): Promise<UserSummary[]> {
  const rows = await db
    .select(summary)
    .from(users)
    .leftJoin(teams, eq(teams.id, users.teamId))
    .orderBy(asc(users.email));
  return rows.map(asSummary);
}

export type NewUser = {
  email: string;
  name: string;
  role: UserRole;
  /** A member's team; an admin has none. */
  teamId: string | null;
  /** The password as the auth library hashes it (never the password itself). */
  passwordHash: string;
};

/**
 * A user and the credential account that lets them sign in with email and password, in one
 * transaction. Refuses (naming the field) a member without a team, an admin with one, an unknown
 * team and an email already in use.
 */
export async function createUser(db: Db, input: NewUser): Promise<UserSummary> {
  const email = normalizeEmail(input.email);
  if (input.role === 'member' && !input.teamId)
    throw new QueueError('BAD_REQUEST', 'teamId: a member needs a team');
  if (input.role === 'admin' && input.teamId)
    throw new QueueError('BAD_REQUEST', 'teamId: an admin sees every team and belongs to none');

  return db.transaction(async (tx) => {
    if (input.teamId) {
      const [team] = await tx.select().from(teams).where(eq(teams.id, input.teamId));
      if (!team) throw new QueueError('BAD_REQUEST', `teamId: no team ${input.teamId}`);
    }
    const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
    if (taken) throw new QueueError('CONFLICT', `email: ${email} is already a user`);

    const id = newId('usr');
    await tx.insert(users).values({
      id,
      email,
      name: input.name,
      role: input.role,
      teamId: input.teamId,
      // Accounts are made by an admin, who vouches for the address; nothing is mailed.
      emailVerified: true,
    });
    await tx.insert(accounts).values({
      // One credential account per user, named after it.
      id: id.replace(/^usr_/, 'acc_'),
      accountId: id,
      providerId: CREDENTIAL_PROVIDER,
      userId: id,
      password: input.passwordHash,
    });
    return (await getUser(tx as unknown as Db, id))!;
  });
}

/** The stored password hash of a user's credential account; null when they have none. */
export async function getPasswordHash(db: Db, userId: string): Promise<string | null> {
  const [row] = await db
    .select({ password: accounts.password })
    .from(accounts)
    .where(and(eq(accounts.userId, userId), eq(accounts.providerId, CREDENTIAL_PROVIDER)));
  return row?.password ?? null;
}

/** Replaces a user's password hash; their open sessions stay (sign-out ends those). */
export async function setPasswordHash(db: Db, userId: string, passwordHash: string): Promise<void> {
  const updated = await db
    .update(accounts)
    .set({ password: passwordHash, updatedAt: sql`now()` })
    .where(and(eq(accounts.userId, userId), eq(accounts.providerId, CREDENTIAL_PROVIDER)))
    .returning({ id: accounts.id });
  if (!updated.length)
    throw new QueueError('NOT_FOUND', `user ${userId} has no password to replace`);
}
