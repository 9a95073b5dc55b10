import type { TRPCRouterRecord } from '@trpc/server';
import { sql } from '@wattwise/db';

import { publicProcedure } from '../trpc';

export const healthRouter = {
  check: publicProcedure.query(async ({ ctx }) => {
    const started = performance.now();
    let database: { ok: boolean; kind: string; latencyMs: number; error?: string };
    try {
      await ctx.db.execute(sql`select 1`);
      database = { ok: true, kind: ctx.dbKind, latencyMs: performance.now() - started };
    } catch (err) {
      database = {
        ok: false,
        kind: ctx.dbKind,
        latencyMs: performance.now() - started,
        error: String(err),
      };
    }
    return { ok: database.ok, version: ctx.version, database, time: new Date().toISOString() };
  }),
} satisfies TRPCRouterRecord;
