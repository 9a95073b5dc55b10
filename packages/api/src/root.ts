import { adminRouter } from './router/admin';
import { healthRouter } from './router/health';
import { jobsRouter } from './router/jobs';
import { workersRouter } from './router/workers';
import { overviewRouter } from './router/overview';
import { costsRouter } from './router/costs';
import { facilityRouter } from './router/facility';
import { teamsRouter } from './router/teams';
import { recommendationsRouter } from './router/recommendations';
import { historyRouter } from './router/history';
import { usersRouter } from './router/users';
import { createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  health: healthRouter,
  jobs: jobsRouter,
  workers: workersRouter,
  admin: adminRouter,
  overview: overviewRouter,
  costs: costsRouter,
  facility: facilityRouter,
  teams: teamsRouter,
  recommendations: recommendationsRouter,
  history: historyRouter,
  users: usersRouter,
});

export type AppRouter = typeof appRouter;
