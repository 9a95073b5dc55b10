import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

import type { AppRouter } from './root';

export { appRouter } from './root';
export type { AppRouter } from './root';
export { createContext, describeZodError } from './trpc';
export type { ApiDeps, Context } from './trpc';
export { jobStates, submitJobInput } from './router/jobs';
export { billFinishedJob } from './billing';
export type { SiteRatesLoader } from './billing';
export { createScheduler } from './scheduling';
export type { Scheduler, SchedulerSettings } from './scheduling';

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
