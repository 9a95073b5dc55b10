import { createTRPCRouter } from '../trpc';

export const teamsRouter = createTRPCRouter({});
