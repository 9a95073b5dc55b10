import { createTRPCRouter } from '../trpc';

export const facilityRouter = createTRPCRouter({});
