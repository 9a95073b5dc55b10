import { createTRPCRouter } from '../trpc';

export const historyRouter = createTRPCRouter({});
