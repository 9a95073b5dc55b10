import { adminRouter } from './router/admin';
import { healthRouter } from './router/health';
import { jobsRouter } from './router/jobs';
import { workersRouter } from './router/workers';
import { createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  health: healthRouter,
  jobs: jobsRouter,
  workers: workersRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
