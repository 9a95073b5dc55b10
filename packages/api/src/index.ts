import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

import type { AppRouter } from './root';

export { appRouter } from './root';
export type { AppRouter } from './root';
export { createContext, describeZodError } from './trpc';
export {
  authRequestHandler,
  createAuth,
  createPasswordUser,
  hashPassword,
  MIN_PASSWORD_LENGTH,
  SESSION_COOKIE_PREFIX,
  verifyPassword,
} from './auth';
export type { Auth, AuthOptions } from './auth';
export type { ApiDeps, Context } from './trpc';
export { jobStates, submitJobInput } from './router/jobs';
export { billFinishedJob } from './billing';
export type { SiteRatesLoader } from './billing';
export { createScheduler } from './scheduling';
export type { Scheduler, SchedulerSettings } from './scheduling';
export * from './history';

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
