import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

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
    /** Sign-in (better-auth's user model). */
    emailVerified: boolean('email_verified').notNull().default(false),
    image: text('image'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('users_role_not_worker', sql`${t.role} <> 'worker'`),
    check('users_member_has_team', sql`${t.role} <> 'member' OR ${t.teamId} IS NOT NULL`),
  ],
);

/** Signed-in sessions (better-auth); the cookie carries `token`. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    token: text('token').notNull().unique(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

/** How a user proves who they are (better-auth): a password hash for provider "credential". */
export const accounts = pgTable(
  'accounts',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    providerId: text('provider_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    accessToken: text('access_token'),
    refreshToken: text('refresh_token'),
    idToken: text('id_token'),
    accessTokenExpiresAt: timestamp('access_token_expires_at', { withTimezone: true }),
    refreshTokenExpiresAt: timestamp('refresh_token_expires_at', { withTimezone: true }),
    scope: text('scope'),
    password: text('password'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('accounts_user').on(t.userId)],
);

export const verifications = pgTable('verifications', {
  id: text('id').primaryKey(),
  identifier: text('identifier').notNull(),
  value: text('value').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

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
  (t) => [
    check('api_tokens_member_has_team', sql`${t.role} <> 'member' OR ${t.teamId} IS NOT NULL`),
  ],
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
    /** Grid zone of the bundled hourly price and carbon series (e.g. US-MIDA-PJM); null: averages. */
    gridZone: text('grid_zone'),
    /** Rates that turn usage into the non-energy parts of a bill, in the site's currency. */
    rates: jsonb('rates').$type<SiteRates>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [check('sites_pue_at_least_one', sql`${t.pue} >= 1`)],
);

export type SiteRates = {
  operationsPerGpuHour?: number;
  operationsPerCoreHour?: number;
  cpuCorePerHour?: number;
  storagePerGbMonth?: number;
  networkPerGb?: number;
  hardwareLifeYears?: number;
  costOfCapital?: number;
  /** Site currency per USD, for the catalogue's USD hardware prices (sites not billing in USD). */
  fxPerUsd?: number;
  /** Costs no job causes (storage arrays, uplinks, staff not tied to GPUs), per month: the shared part. */
  sharedPerMonth?: { operations?: number; storage?: number; bandwidth?: number };
};

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
    /** Where it stands, for the rack view (null: not recorded). */
    rack: text('rack'),
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
  siteId: text('site_id').references(() => sites.id),
  version: text('version').notNull(),
  registeredAt: timestamp('registered_at', { withTimezone: true }).notNull().defaultNow(),
  lastHeartbeatAt: timestamp('last_heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
});

export type JobOrigin = 'submitted' | 'history';

/** A job's payload, validated by its kind's schema in `@wattwise/api/payloads` before it is stored. */
export type JobPayload = Record<string, unknown>;
export type JobResult = {
  exitCode: number | null;
  signal?: string | null;
  outputTail: string;
  /** What an executor produced beyond its exit: metrics, a trained model, a simulation's report. */
  output?: Record<string, unknown>;
};

export const ENERGY_METHODS = ['nvml-energy', 'nvml-power', 'rapl', 'modelled'] as const;
export type EnergyMethod = (typeof ENERGY_METHODS)[number];

/** An attempt's measured energy as its worker reported it at the end. */
export type AttemptEnergy = {
  itKWh: number;
  method: EnergyMethod | 'mixed';
  /** Per device: GPUs by index, and the CPU package. */
  devices: { device: string; kWh: number; method: EnergyMethod; errorBand?: number }[];
};

export const jobs = pgTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    teamId: text('team_id')
      .notNull()
      .references(() => teams.id),
    submittedBy: text('submitted_by').references(() => apiTokens.id),
    name: text('name').notNull(),
    /** Free-form cost grouping below the team (null: none given). */
    project: text('project'),
    /** 'submitted' through the API, or 'history' (a past run loaded by `wattwise history load`). */
    origin: text('origin').$type<JobOrigin>().notNull().default('submitted'),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<JobPayload>().notNull(),
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
    /** Resources: whole GPUs, or a share of one (0 < gpus < 1); CPU in milli-cores; memory in MiB. */
    gpus: real('gpus').notNull().default(0),
    cpuMilli: integer('cpu_milli').notNull().default(0),
    memoryMiB: integer('memory_mib').notNull().default(0),
    /** Allowed GPU models, "H100|A100" (null: any). */
    gpuModel: text('gpu_model'),
    /** Scheduling: what the submitter expects it to run, and its window. */
    expectedSeconds: real('expected_seconds'),
    earliestStartAt: timestamp('earliest_start_at', { withTimezone: true }),
    deadlineAt: timestamp('deadline_at', { withTimezone: true }),
    /** Why it has not started, as the scheduler last said, and when it plans to start it. */
    waitReason: text('wait_reason'),
    /** Set while a budget holds the job before admission; a held job is never claimed. */
    heldReason: text('held_reason'),
    plannedStartAt: timestamp('planned_start_at', { withTimezone: true }),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('jobs_claimable').on(t.state, t.priority, t.createdAt),
    index('jobs_team').on(t.teamId, t.createdAt),
    index('jobs_started').on(t.startedAt),
    index('jobs_finished').on(t.finishedAt),
    check('jobs_max_attempts_range', sql`${t.maxAttempts} BETWEEN 1 AND 100`),
    check('jobs_failures_bounded', sql`${t.failures} <= ${t.maxAttempts}`),
    check(
      'jobs_gpus_whole_or_share',
      sql`${t.gpus} >= 0 AND (${t.gpus} < 1 OR ${t.gpus} = floor(${t.gpus}))`,
    ),
    check('jobs_cpu_memory_nonnegative', sql`${t.cpuMilli} >= 0 AND ${t.memoryMiB} >= 0`),
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
    /** Where the scheduler placed it on the worker's GPUs. */
    gpuIndices: jsonb('gpu_indices').$type<number[]>().notNull().default([]),
    milliPerGpu: integer('milli_per_gpu').notNull().default(0),
    energy: jsonb('energy').$type<AttemptEnergy>(),
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

/** Telemetry streamed while an attempt runs; (attempt, seq) makes a resent batch harmless. */
export const attemptSamples = pgTable(
  'attempt_samples',
  {
    attemptId: text('attempt_id')
      .notNull()
      .references(() => jobAttempts.id),
    seq: integer('seq').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** Per GPU: power (W), utilisation (%), memory used (MiB). */
    gpus: jsonb('gpus')
      .$type<
        { index: number; powerW: number | null; util: number | null; memoryMiB: number | null }[]
      >()
      .notNull(),
    cpuW: real('cpu_w'),
    method: text('method').$type<EnergyMethod>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.attemptId, t.seq] })],
);

/** One bill per job, written in the transaction that ends it; it covers every attempt that ran. */
export const bills = pgTable('bills', {
  jobId: text('job_id')
    .primaryKey()
    .references(() => jobs.id),
  teamId: text('team_id')
    .notNull()
    .references(() => teams.id),
  siteId: text('site_id').references(() => sites.id),
  currency: text('currency').notNull(),
  total: doublePrecision('total').notNull(),
  hardware: doublePrecision('hardware').notNull(),
  energy: doublePrecision('energy').notNull(),
  operations: doublePrecision('operations').notNull(),
  storage: doublePrecision('storage').notNull(),
  bandwidth: doublePrecision('bandwidth').notNull(),
  itKWh: doublePrecision('it_kwh').notNull(),
  facilityKWh: doublePrecision('facility_kwh').notNull(),
  co2eKg: doublePrecision('co2e_kg').notNull(),
  energyMethod: text('energy_method').notNull(),
  /** The bill as cost-model made it: formulas, inputs with labels, the hourly breakdown. */
  detail: jsonb('detail').$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
});

/**
 * A job's cost per UTC day: what the cost explorer groups. Every bill writes its lines; a job still
 * running when history was loaded has lines with `billed` false (cost to date, no bill yet).
 */
export const costLines = pgTable(
  'cost_lines',
  {
    jobId: text('job_id')
      .notNull()
      .references(() => jobs.id),
    day: timestamp('day', { withTimezone: true }).notNull(),
    siteId: text('site_id').references(() => sites.id),
    teamId: text('team_id')
      .notNull()
      .references(() => teams.id),
    project: text('project'),
    /** The node (or worker host) it ran on, and its GPU model. */
    node: text('node'),
    gpuModel: text('gpu_model'),
    currency: text('currency').notNull(),
    hardware: doublePrecision('hardware').notNull(),
    energy: doublePrecision('energy').notNull(),
    operations: doublePrecision('operations').notNull(),
    storage: doublePrecision('storage').notNull(),
    bandwidth: doublePrecision('bandwidth').notNull(),
    total: doublePrecision('total').notNull(),
    gpuHours: doublePrecision('gpu_hours').notNull(),
    itKWh: doublePrecision('it_kwh').notNull(),
    facilityKWh: doublePrecision('facility_kwh').notNull(),
    co2eKg: doublePrecision('co2e_kg').notNull(),
    billed: boolean('billed').notNull().default(true),
  },
  (t) => [
    primaryKey({ columns: [t.jobId, t.day] }),
    index('cost_lines_day_team').on(t.day, t.teamId),
    index('cost_lines_site_day').on(t.siteId, t.day),
  ],
);

/**
 * The whole facility per site and UTC hour: capacity, what jobs held and used, the metered (or
 * modelled) energy, and the hour's cost in five parts split into jobs + idle + shared. The overview's
 * reconciliation reads it: Σ cost lines + idle + shared = total.
 */
export const usageHours = pgTable(
  'usage_hours',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    currency: text('currency').notNull(),
    gpus: integer('gpus').notNull(),
    /** GPU-hours held by jobs (whole GPUs with any share on them), and the shares jobs asked for. */
    gpuHoursAllocated: doublePrecision('gpu_hours_allocated').notNull(),
    gpuHoursUsed: doublePrecision('gpu_hours_used').notNull(),
    itKWh: doublePrecision('it_kwh').notNull(),
    jobsItKWh: doublePrecision('jobs_it_kwh').notNull(),
    facilityKWh: doublePrecision('facility_kwh').notNull(),
    pue: real('pue').notNull(),
    pricePerKWh: doublePrecision('price_per_kwh').notNull(),
    kgPerKWh: doublePrecision('kg_per_kwh').notNull(),
    /** Facility cost of the hour by part; total = jobs + idle + shared. */
    hardware: doublePrecision('hardware').notNull(),
    energy: doublePrecision('energy').notNull(),
    operations: doublePrecision('operations').notNull(),
    storage: doublePrecision('storage').notNull(),
    bandwidth: doublePrecision('bandwidth').notNull(),
    total: doublePrecision('total').notNull(),
    jobsCost: doublePrecision('jobs_cost').notNull(),
    idleCost: doublePrecision('idle_cost').notNull(),
    sharedCost: doublePrecision('shared_cost').notNull(),
    co2eKg: doublePrecision('co2e_kg').notNull(),
    /** 'metered' from workers' reports, 'simulated' for loaded history. */
    source: text('source').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.hour] })],
);

/** A team's spending limit for one calendar month (UTC), in `currency`. */
export const budgets = pgTable(
  'budgets',
  {
    id: text('id').primaryKey(),
    teamId: text('team_id')
      .notNull()
      .references(() => teams.id),
    month: timestamp('month', { withTimezone: true }).notNull(),
    amount: doublePrecision('amount').notNull(),
    currency: text('currency').notNull(),
    /** Hold new jobs whose estimate would take the month past the budget (admission control). */
    holdOverBudget: boolean('hold_over_budget').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('budgets_team_month').on(t.teamId, t.month),
    check('budgets_amount_positive', sql`${t.amount} > 0`),
  ],
);

export type Job = typeof jobs.$inferSelect;
export type JobAttempt = typeof jobAttempts.$inferSelect;
export type Bill = typeof bills.$inferSelect;
export type AttemptSample = typeof attemptSamples.$inferSelect;
export type Team = typeof teams.$inferSelect;
export type Site = typeof sites.$inferSelect;
export type CostLine = typeof costLines.$inferSelect;
export type UsageHour = typeof usageHours.$inferSelect;
export type Budget = typeof budgets.$inferSelect;
export type User = typeof users.$inferSelect;
export type Role = (typeof roleEnum.enumValues)[number];
export type JobState = (typeof jobStateEnum.enumValues)[number];
