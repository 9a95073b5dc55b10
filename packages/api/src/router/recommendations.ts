import { createTRPCRouter } from '../trpc';

export const recommendationsRouter = createTRPCRouter({});
