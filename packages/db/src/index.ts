export * from 'drizzle-orm';
export * from './errors';
export * from './ids';
export * from './queue';
export * from './seed';
export * from './teams';
export * from './tokens';
export type { Db, DbHandle } from './client';
export type {
  CommandPayload,
  GpuInfo,
  Job,
  JobAttempt,
  JobResult,
  JobState,
  Role,
  Team,
} from './schema';
