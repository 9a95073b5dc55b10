import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const roleEnum = pgEnum('role', ['admin', 'member', 'worker']);
export const jobStateEnum = pgEnum('job_state', [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
]);
export const attemptStateEnum = pgEnum('attempt_state', [
  'running',
  'succeeded',
  'failed',
  'expired',
  'released',
  'cancelled',
]);
export const powerStateEnum = pgEnum('power_state', ['on', 'off', 'booting']);

export const teams = pgTable('teams', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  createdAt: createdAt(),
});

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull().unique(),
    name: text('name').notNull(),
    role: roleEnum('role').notNull(),
    teamId: text('team_id').references(() => teams.id),
    createdAt: createdAt(),
  },
  (t) => [
    check('users_role_not_worker', sql`${t.role} <> 'worker'`),
    check('users_member_has_team', sql`${t.role} <> 'member' OR ${t.teamId} IS NOT NULL`),
  ],
);

/** Bearer tokens; only a SHA-256 of the secret is stored, the prefix is kept for display. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    role: roleEnum('role').notNull(),
    teamId: text('team_id').references(() => teams.id),
    userId: text('user_id').references(() => users.id),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [check('api_tokens_member_has_team', sql`${t.role} <> 'member' OR ${t.teamId} IS NOT NULL`)],
);

export const sites = pgTable(
  'sites',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull().unique(),
    region: text('region').notNull(),
    timezone: text('timezone').notNull(),
    currency: text('currency').notNull(),
    pue: real('pue').notNull(),
    createdAt: createdAt(),
  },
  (t) => [check('sites_pue_at_least_one', sql`${t.pue} >= 1`)],
);

export const nodes = pgTable(
  'nodes',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    name: text('name').notNull(),
    gpuModel: text('gpu_model'),
    gpuCount: integer('gpu_count').notNull(),
    cpuCores: integer('cpu_cores').notNull(),
    memoryGb: integer('memory_gb').notNull(),
    powerState: powerStateEnum('power_state').notNull().default('on'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('nodes_site_name').on(t.siteId, t.name),
    check('nodes_gpu_count_nonnegative', sql`${t.gpuCount} >= 0`),
    check('nodes_cpu_positive', sql`${t.cpuCores} > 0`),
  ],
);

export type GpuInfo = { index: number; name: string; uuid?: string; memoryMb?: number };

export const workers = pgTable('workers', {
  id: text('id').primaryKey(),
  hostname: text('hostname').notNull(),
  nodeId: text('node_id').references(() => nodes.id),
  cpus: integer('cpus').notNull(),
  memoryMb: integer('memory_mb').notNull(),
  gpus: jsonb('gpus').$type<GpuInfo[]>().notNull(),
  version: text('version').notNull(),
  registeredAt: timestamp('registered_at', { withTimezone: true }).notNull().defaultNow(),
  lastHeartbeatAt: timestamp('last_heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
});

export type CommandPayload = {
  argv: string[];
  env?: Record<string, string>;
  cwd?: string;
  timeoutSeconds?: number;
};
export type JobResult = { exitCode: number | null; signal?: string | null; outputTail: string };

export const jobs = pgTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    teamId: text('team_id')
      .notNull()
      .references(() => teams.id),
    submittedBy: text('submitted_by').references(() => apiTokens.id),
    name: text('name').notNull(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<CommandPayload>().notNull(),
    state: jobStateEnum('state').notNull().default('queued'),
    priority: integer('priority').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(3),
    /** Attempts started (including released ones). */
    attempts: integer('attempts').notNull().default(0),
    /** Attempts that failed or whose lease expired; the job fails when this reaches maxAttempts. */
    failures: integer('failures').notNull().default(0),
    runAfter: timestamp('run_after', { withTimezone: true }).notNull().defaultNow(),
    cancelRequested: boolean('cancel_requested').notNull().default(false),
    result: jsonb('result').$type<JobResult>(),
    error: text('error'),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('jobs_claimable').on(t.state, t.priority, t.createdAt),
    index('jobs_team').on(t.teamId, t.createdAt),
    check('jobs_max_attempts_range', sql`${t.maxAttempts} BETWEEN 1 AND 100`),
    check('jobs_failures_bounded', sql`${t.failures} <= ${t.maxAttempts}`),
  ],
);

export const jobAttempts = pgTable(
  'job_attempts',
  {
    id: text('id').primaryKey(),
    jobId: text('job_id')
      .notNull()
      .references(() => jobs.id),
    number: integer('number').notNull(),
    workerId: text('worker_id')
      .notNull()
      .references(() => workers.id),
    state: attemptStateEnum('state').notNull().default('running'),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }).notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    exitCode: integer('exit_code'),
    outputTail: text('output_tail'),
    error: text('error'),
    progress: jsonb('progress').$type<Record<string, unknown>>(),
  },
  (t) => [
    uniqueIndex('job_attempts_job_number').on(t.jobId, t.number),
    // At most one live lease per job: the database itself forbids a double claim.
    uniqueIndex('job_attempts_one_running')
      .on(t.jobId)
      .where(sql`${t.state} = 'running'`),
    index('job_attempts_lease').on(t.state, t.leaseExpiresAt),
  ],
);

export type Job = typeof jobs.$inferSelect;
export type JobAttempt = typeof jobAttempts.$inferSelect;
export type Team = typeof teams.$inferSelect;
export type Role = (typeof roleEnum.enumValues)[number];
export type JobState = (typeof jobStateEnum.enumValues)[number];
