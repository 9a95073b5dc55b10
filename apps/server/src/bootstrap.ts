import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { createPasswordUser, hashPassword, verifyPassword } from '@wattwise/api';
import {
  authenticate,
  createToken,
  ensureAdminToken,
  findUserByEmail,
  getPasswordHash,
  listTeams,
  seedDemo,
  setPasswordHash,
} from '@wattwise/db';
import type { Db, UserRole } from '@wattwise/db';

import { loadDemoHistory } from './demo-history';
import { env } from './env';

/** A demo user and the password that signs them in to the portal. */
export type DemoUser = {
  email: string;
  password: string;
  role: UserRole;
  /** The member's team name; null for the admin. */
  team: string | null;
};

export type LocalCredentials = {
  serverUrl: string;
  workerToken: string;
  cliToken: string;
  /** People who sign in to the portal: the demo admin and one member per demo team. */
  users: DemoUser[];
};

/** The teams `seedDemo` makes; each gets a member who signs in as `<team>@wattwise.local`. */
const DEMO_TEAMS = ['research', 'inference'];
export const DEMO_ADMIN_EMAIL = 'admin@wattwise.local';

function writePrivate(path: string, text: string) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, { mode: 0o600 });
  // `mode` applies only when the file is created; an older file may have been readable.
  chmodSync(path, 0o600);
}

function readJson(path: string): Partial<LocalCredentials> | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Partial<LocalCredentials>;
  } catch {
    return null;
  }
}

async function tokensStillValid(db: Db, creds: Partial<LocalCredentials>): Promise<boolean> {
  if (!creds.workerToken || !creds.cliToken) return false;
  const [w, c] = await Promise.all([
    authenticate(db, creds.workerToken),
    authenticate(db, creds.cliToken),
  ]);
  return w?.role === 'worker' && c?.role === 'admin';
}

/** A random password (22 characters), well over the 12 sign-in asks for. */
function newPassword(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * The demo admin and one member per demo team, each with a password that works: a password the
 * file already holds is kept while it still signs in; otherwise (a fresh database, a lost file)
 * a new one is set and returned in `fresh`, to be shown once.
 */
async function ensureDemoUsers(
  db: Db,
  remembered: DemoUser[],
): Promise<{ users: DemoUser[]; fresh: DemoUser[] }> {
  const teams = new Map((await listTeams(db)).map((t) => [t.name, t.id]));
  const wanted = [
    { email: DEMO_ADMIN_EMAIL, name: 'Demo admin', role: 'admin' as const, team: null },
    ...DEMO_TEAMS.filter((t) => teams.has(t)).map((team) => ({
      email: `${team}@wattwise.local`,
      name: `${team[0]!.toUpperCase()}${team.slice(1)} member`,
      role: 'member' as const,
      team,
    })),
  ];
  const users: DemoUser[] = [];
  const fresh: DemoUser[] = [];
  for (const want of wanted) {
    const existing = await findUserByEmail(db, want.email);
    const known = remembered.find((u) => u.email === want.email);
    if (existing && known) {
      const hash = await getPasswordHash(db, existing.id);
      if (hash && (await verifyPassword({ hash, password: known.password }))) {
        users.push({ ...known, role: existing.role, team: existing.teamName });
        continue;
      }
    }
    const password = newPassword();
    if (existing) {
      await setPasswordHash(db, existing.id, await hashPassword(password));
    } else {
      await createPasswordUser(db, {
        email: want.email,
        name: want.name,
        role: want.role,
        teamId: want.team ? teams.get(want.team)! : null,
        password,
      });
    }
    const user = {
      email: want.email,
      password,
      role: existing?.role ?? want.role,
      team: existing ? existing.teamName : want.team,
    };
    users.push(user);
    fresh.push(user);
  }
  return { users, fresh };
}

/**
 * Tokens for the local worker and CLI, and the demo users' passwords, kept in a file only the
 * owner can read, so that `pnpm start`, `pnpm wattwise` and signing in to the portal work without
 * copying secrets. Reused while they still work; `fresh` lists passwords set just now.
 */
export async function ensureLocalCredentials(
  db: Db,
  path: string,
  serverUrl: string,
): Promise<{ creds: LocalCredentials; fresh: DemoUser[] }> {
  const existing = readJson(path);
  const tokens =
    existing && (await tokensStillValid(db, existing))
      ? { workerToken: existing.workerToken!, cliToken: existing.cliToken! }
      : {
          workerToken: (await createToken(db, { name: 'local worker', role: 'worker' })).secret,
          cliToken: (await createToken(db, { name: 'local cli', role: 'admin' })).secret,
        };
  const { users, fresh } = await ensureDemoUsers(db, existing?.users ?? []);
  const creds: LocalCredentials = { serverUrl, ...tokens, users };
  writePrivate(path, JSON.stringify(creds, null, 2) + '\n');
  return { creds, fresh };
}

/**
 * The secret that signs session cookies, for demo mode: made once and kept in a file only the
 * owner can read, so that sign-ins survive a restart.
 */
export function ensureAuthSecret(path: string): string {
  if (existsSync(path)) {
    const kept = readFileSync(path, 'utf8').trim();
    if (kept.length >= 32) return kept;
  }
  const secret = randomBytes(32).toString('base64url');
  writePrivate(path, secret + '\n');
  return secret;
}

/**
 * First-start work on a migrated database: the admin token (returned once) and demo data, with a
 * month of history unless WATTWISE_DEMO_HISTORY=0 (`demoHistory` overrides it).
 */
export async function bootstrap(db: Db, opts: { seedDemo: boolean; demoHistory?: boolean }) {
  const adminToken = await ensureAdminToken(db);
  const seeded = opts.seedDemo ? await seedDemo(db) : false;
  const history =
    seeded && (opts.demoHistory ?? env.WATTWISE_DEMO_HISTORY) ? await loadDemoHistory(db) : null;
  return { adminToken, seeded, history };
}
