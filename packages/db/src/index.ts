export * from 'drizzle-orm';
export * from './errors';
export * from './ids';
export * from './queue';
export * from './bills';
export * from './seed';
export * from './sites';
export * from './teams';
export * from './tokens';
export type { Db, DbHandle } from './client';
export { ENERGY_METHODS } from './schema';
export type {
  AttemptEnergy,
  AttemptSample,
  Bill,
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
