/**
 * Cost-explorer benchmark: a month of the Alibaba 2023 cluster (6,212 GPUs) loaded as history, then
 * `costs.explore` grouped by team × day over those 30 days, timed over HTTP against a real tRPC
 * server, on PGlite and (with --postgres) on PostgreSQL. Target: under 1 s.
 *
 *   pnpm --filter @wattwise/api bench [-- --postgres postgres://…] [--runs 30] [--warmup 5]
 *
 * The server is the standalone tRPC HTTP handler over `appRouter`, as apps/server serves it, in this
 * process on a free port (a package cannot start an app's bundle); requests are plain `fetch` GETs
 * with a bearer token, so each timing includes HTTP, auth, input checks, the queries and JSON.
 * Beside it, in the same run and on the same rows: `health.check` over the same path (the HTTP
 * floor), and the bare SQL (count(*) of the lines, and the team × day GROUP BY) without HTTP.
 * Each measurement runs `--warmup` times unmeasured first; figures are medians and p95 of `--runs`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { createToken, sql } from '@wattwise/db';
import { createDb, type DbHandle } from '@wattwise/db/client';
import { createScratchDatabase } from '@wattwise/db/testing';
import { bundledPath } from '@wattwise/scheduler/node';

import { appRouter, createContext, loadHistory } from '../src/index';

const { values: args } = parseArgs({
  // `pnpm bench -- --runs 5` passes the `--` on.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    runs: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    days: { type: 'string', default: '30' },
    zone: { type: 'string', default: 'US-CAL-CISO' },
    postgres: { type: 'string' },
    only: { type: 'string', default: 'pglite,postgres' },
    json: { type: 'string' },
  },
});

const whole = (name: 'runs' | 'warmup' | 'days') => {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name}: expected a whole number ≥ 1, got ${args[name]}`);
  return n;
};
const RUNS = whole('runs');
const WARMUP = whole('warmup');
const DAYS = whole('days');
const TARGET_MS = 1000;

type Stats = { name: string; median: number; p95: number; min: number; max: number };

function percentile(sorted: number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Times `fn` RUNS times after WARMUP unmeasured calls, one after another. */
async function measure(name: string, fn: () => Promise<unknown>): Promise<Stats> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return {
    name,
    median: percentile(ms, 50),
    p95: percentile(ms, 95),
    min: ms[0]!,
    max: ms[ms.length - 1]!,
  };
}

/** The API over HTTP on 127.0.0.1, on a free port. */
async function startServer(handle: DbHandle): Promise<{ url: string; stop(): Promise<void> }> {
  const deps = { db: handle.db, leaseSeconds: 30, version: 'bench', dbKind: handle.kind };
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: ({ req }) => createContext(deps, req.headers.authorization),
  });
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/trpc/')) return trpc(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

/** GET a query procedure as tRPC's HTTP link sends it; fails on anything but 200. */
async function call<T>(url: string, token: string, path: string, input?: unknown): Promise<T> {
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const res = await fetch(`${url}/trpc/${path}${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${body.slice(0, 300)}`);
  return (JSON.parse(body) as { result: { data: T } }).result.data;
}

type Explored = { rows: unknown[]; groups: number; totals: { total: number }; currency: string };

async function bench(backend: 'pglite' | 'postgres') {
  let handle: DbHandle;
  let cleanup: () => Promise<void>;
  if (backend === 'postgres') {
    const scratch = await createScratchDatabase(args.postgres!);
    handle = await createDb(scratch.url);
    cleanup = async () => {
      await handle.close();
      await scratch.drop();
    };
  } else {
    // On disk, as the server keeps it.
    const dir = mkdtempSync(join(tmpdir(), 'wattwise-bench-'));
    handle = await createDb(`pglite:${dir}`);
    cleanup = async () => {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  try {
    await handle.migrate();
    const t0 = performance.now();
    const loaded = await loadHistory(
      handle.db,
      {},
      {
        trace: { text: readFileSync(bundledPath('alibaba2023'), 'utf8') },
        nodes: { text: readFileSync(bundledPath('alibaba2023Nodes'), 'utf8') },
        zone: args.zone!,
        days: DAYS,
      },
    );
    const loadS = (performance.now() - t0) / 1000;
    const gpus = (await handle.db.execute(
      sql`SELECT max(gpus)::int AS gpus FROM usage_hours`,
    )) as unknown as { rows: { gpus: number }[] };
    console.log(
      `${backend}: loaded ${loaded.counts.jobs} jobs, ${loaded.counts.costLines} cost lines, ${loaded.counts.hours} hours, ${gpus.rows[0]!.gpus} GPUs, ${loaded.window.from} to ${loaded.window.to} in ${loadS.toFixed(1)} s`,
    );

    const admin = (await createToken(handle.db, { name: 'bench', role: 'admin' })).secret;
    const server = await startServer(handle);
    try {
      const period = { from: loaded.window.from, to: loaded.window.to };
      const teamDay = { ...period, groupBy: ['team', 'day'] };
      const first = await call<Explored>(server.url, admin, 'costs.explore', teamDay);
      console.log(
        `${backend}: team × day → ${first.groups} rows, total ${first.totals.total.toFixed(2)} ${first.currency} (facility jobs ${loaded.totals.jobs.toFixed(2)})`,
      );
      const lines = sql`cost_lines cl WHERE cl.day >= ${period.from}::timestamptz AND cl.day < ${period.to}::timestamptz`;
      const stats = [
        await measure('HTTP floor: health.check', () => call(server.url, admin, 'health.check')),
        await measure('SQL alone: SELECT count(*) of the lines', () =>
          handle.db.execute(sql`SELECT count(*) FROM ${lines}`),
        ),
        await measure('SQL alone: team × day GROUP BY', () =>
          handle.db.execute(
            sql`SELECT cl.team_id, cl.day, sum(cl.total), sum(cl.hardware), sum(cl.energy), sum(cl.gpu_hours) FROM ${lines} GROUP BY 1, 2`,
          ),
        ),
        await measure('costs.explore team × day (HTTP)', () =>
          call(server.url, admin, 'costs.explore', teamDay),
        ),
        await measure('costs.explore team × day, idle shared + compare (HTTP)', () =>
          call(server.url, admin, 'costs.explore', { ...teamDay, idle: 'shared', compare: true }),
        ),
        await measure('costs.explore job, up to 5,000 rows (HTTP)', () =>
          call(server.url, admin, 'costs.explore', { ...period, groupBy: ['job'] }),
        ),
      ];
      return { backend, load: { seconds: loadS, ...loaded.counts }, stats };
    } finally {
      await server.stop();
    }
  } finally {
    await cleanup();
  }
}

const only = new Set(args.only!.split(','));
const backends = (['pglite', 'postgres'] as const).filter(
  (b) => only.has(b) && (b === 'pglite' || args.postgres),
);
if (only.has('postgres') && !args.postgres)
  console.log('postgres: skipped (give --postgres URL of a server where databases can be made)');
const results = [];
for (const b of backends) results.push(await bench(b));

const pad = (s: string, n: number) => s.padEnd(n);
const num = (x: number) => x.toFixed(1).padStart(9);
console.log(`\n${RUNS} runs after ${WARMUP} warm-up, milliseconds (target < ${TARGET_MS} ms)`);
for (const r of results) {
  console.log(`\n${r.backend}`);
  console.log(`${pad('', 58)}   median       p95       min       max`);
  for (const s of r.stats)
    console.log(`${pad(s.name, 58)}${num(s.median)} ${num(s.p95)} ${num(s.min)} ${num(s.max)}`);
}
const target = results.flatMap((r) =>
  r.stats.filter((s) => s.name === 'costs.explore team × day (HTTP)').map((s) => [r.backend, s]),
) as [string, Stats][];
for (const [backend, s] of target)
  console.log(
    `\n${backend}: team × day over ${DAYS} days, p95 ${s.p95.toFixed(0)} ms: ${s.p95 < TARGET_MS ? 'under' : 'OVER'} the ${TARGET_MS} ms target`,
  );
if (args.json)
  writeFileSync(args.json, JSON.stringify({ runs: RUNS, warmup: WARMUP, results }, null, 2));
