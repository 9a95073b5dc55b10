import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';

import { facilityEnergy, facilityNodes } from '../facility';
import { checkPeriod, instant } from '../period';
import { userProcedure } from '../trpc';

const date = instant.transform((s) => new Date(s));

/** A period of at most 400 days at one site (default: the first site with a grid zone). */
const facilityPeriod = z
  .strictObject({
    siteId: z.string().trim().min(1).max(100).optional(),
    from: date,
    to: date,
  })
  .superRefine((p, ctx) => void checkPeriod(p, ctx));

export const facilityRouter = {
  /** Grid price and carbon by hour (daily means past 31 days), PUE and power, the cheapest and cleanest hours. */
  energy: userProcedure.input(facilityPeriod).query(({ ctx, input }) => facilityEnergy(ctx, input)),
  /** Every node's utilisation, energy and cost share; live workers' GPUs; GPUs held but idle. */
  nodes: userProcedure.input(facilityPeriod).query(({ ctx, input }) => facilityNodes(ctx, input)),
} satisfies TRPCRouterRecord;
