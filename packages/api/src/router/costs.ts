import { createTRPCRouter } from '../trpc';

export const costsRouter = createTRPCRouter({});
