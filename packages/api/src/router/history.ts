import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';

import { loadHistory } from '../history';
import { adminProcedure } from '../trpc';

/** Bytes of each CSV (UTF-8): the bundled Alibaba files are well under 1 MB. */
const MAX_CSV_BYTES = 5 * 1024 * 1024;

const csv = z
  .string()
  .min(1, 'must not be empty')
  .refine((s) => Buffer.byteLength(s, 'utf8') <= MAX_CSV_BYTES, 'must be at most 5 MB (UTF-8)');
const fileName = z.string().trim().min(1).max(200).optional();

export const historyRouter = {
  /**
   * A simulated stretch of the Alibaba 2023 cluster stored as history for the zone's site: jobs,
   * bills, cost lines and hourly usage, in one transaction. Takes the files' text (the CLI reads them).
   */
  load: adminProcedure
    .input(
      z.strictObject({
        /** The pod list (openb_pod_list_*.csv) and the node list, with their file names for errors. */
        trace: csv,
        traceFile: fileName,
        nodes: csv,
        nodesFile: fileName,
        zone: z.string().trim().min(1).max(40),
        days: z.number().int().min(1).max(400).default(30),
        end: z.iso
          .datetime({ offset: true })
          .transform((s) => new Date(s))
          .optional(),
        replace: z.boolean().default(false),
        pue: z.number().min(1).max(5).optional(),
        fxPerUsd: z.number().positive().optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      loadHistory(
        ctx.db,
        { siteRates: ctx.siteRates },
        {
          trace: { text: input.trace, file: input.traceFile },
          nodes: { text: input.nodes, file: input.nodesFile },
          zone: input.zone,
          days: input.days,
          end: input.end,
          replace: input.replace,
          pue: input.pue,
          fxPerUsd: input.fxPerUsd,
        },
      ),
    ),
} satisfies TRPCRouterRecord;
