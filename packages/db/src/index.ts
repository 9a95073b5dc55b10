export * from 'drizzle-orm';
export * from './errors';
export * from './ids';
export * from './queue';
export * from './bills';
export * from './seed';
export * from './sites';
export * from './teams';
export * from './tokens';
export * from './overview';
export * from './costs';
export * from './facility';
export * from './budgets';
export * from './recommendations';
export * from './history';
export * from './users';
export type { Db, DbHandle } from './client';
export { ENERGY_METHODS } from './schema';
export type {
  AttemptEnergy,
  AttemptSample,
  Bill,
  Budget,
  CostLine,
  JobOrigin,
  UsageHour,
  User,
  EnergyMethod,
  GpuInfo,
  JobPayload,
  Site,
  SiteRates,
  Job,
  JobAttempt,
  JobResult,
  JobState,
  Role,
  Team,
} from './schema';
