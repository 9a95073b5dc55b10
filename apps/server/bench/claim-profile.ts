/**
 * Where a claim's time goes: runs the server's claim and complete path in this process (no HTTP),
 * with the same scheduler settings as the server's defaults, and times every SQL statement and the
 * scheduler's `choose`. Statements are timed at drizzle's prepared-query `execute`, so a statement's
 * time includes waiting for a pool connection or a lock (the advisory lock shows up as its SELECT).
 *
 *   pnpm exec tsx bench/claim-profile.ts [--db pglite|postgres://admin-url] [--workers 100]
 *     [--jobs 2000] [--concurrency 1,100]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { billFinishedJob, createScheduler } from '@wattwise/api';
import {
  authenticate,
  claimJob,
  completeAttempt,
  listSites,
  registerWorker,
  submitJob,
} from '@wattwise/db';
import { createDb } from '@wattwise/db/client';
import { createScratchDatabase } from '@wattwise/db/testing';

import { bootstrap } from '../src/bootstrap';
import { siteRates } from '../src/grid';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'pglite' },
    workers: { type: 'string', default: '100' },
    jobs: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '1,100' },
    'per-run': { type: 'string', default: '300' },
    /**
     * Experiment: list the claimant first among the workers the scheduler sees, so that among equal
     * workers (placements break ties by list order) the one asking gets the job. Not what the server does.
     */
    'claimant-first': { type: 'boolean', default: false },
  },
});

type Stat = { n: number; ms: number; max: number };
const stats = new Map<string, Stat>();
const add = (label: string, ms: number) => {
  const s = stats.get(label) ?? { n: 0, ms: 0, max: 0 };
  s.n++;
  s.ms += ms;
  s.max = Math.max(s.max, ms);
  stats.set(label, s);
};

/** A short name for a statement: its first words, without parameters. */
function label(sqlText: string): string {
  const t = sqlText.replace(/\s+/g, ' ').trim();
  const known: [RegExp, string][] = [
    [/^update "api_tokens"/i, 'authenticate: UPDATE api_tokens (every request)'],
    [/^update "workers" set "last_heartbeat_at"/i, 'touchWorker: UPDATE workers'],
    [/^WITH expired AS/i, 'reapExpiredLeases (before each claim)'],
    [/pg_advisory_xact_lock/i, 'advisory lock (wait + take)'],
    [/now_ms/i, 'snapshot: now()'],
    [
      /^select .* from "jobs" where \("jobs"."state" = \$1 and "jobs"."run_after"/i,
      'snapshot: queued jobs (≤500 rows)',
    ],
    [/^select .* from "workers" where/i, 'snapshot: live workers'],
    [/^select .* from "job_attempts" inner join "jobs"/i, 'snapshot: running attempts'],
    [/^UPDATE jobs SET wait_reason/i, 'recordWaits: UPDATE jobs (VALUES …)'],
    [/^update "jobs" set "state" = \$1, "attempts"/i, 'claim: UPDATE jobs → running'],
    [/^insert into "job_attempts"/i, 'claim: INSERT job_attempts'],
    [/^begin/i, 'BEGIN'],
    [/^commit/i, 'COMMIT'],
  ];
  for (const [re, name] of known) if (re.test(t)) return name;
  return t.slice(0, 70);
}

type Prepared = {
  execute(...a: unknown[]): Promise<unknown>;
  all?(...a: unknown[]): Promise<unknown>;
};

/** Times every statement run through the drizzle client (and its transactions). */
function instrument(db: unknown): void {
  const session = (db as { session: { prepareQuery(...a: unknown[]): Prepared } }).session;
  const proto = Object.getPrototypeOf(
    session.prepareQuery({ sql: 'select 1', params: [] }, undefined, undefined, false),
  ) as Record<string, unknown>;
  for (const method of ['execute', 'all'] as const) {
    const original = proto[method] as ((...a: unknown[]) => Promise<unknown>) | undefined;
    if (!original) continue;
    proto[method] = async function (
      this: { queryString?: string; rawQueryConfig?: { text: string } },
      ...a: unknown[]
    ) {
      const text = this.queryString ?? this.rawQueryConfig?.text ?? '?';
      const t0 = performance.now();
      try {
        return await original.apply(this, a);
      } finally {
        add(label(text), performance.now() - t0);
      }
    };
  }
}

async function main() {
  const nWorkers = Number(args.workers);
  const nJobs = Number(args.jobs);
  const perRun = Number(args['per-run']);
  const scratch = args.db.startsWith('postgres') ? await createScratchDatabase(args.db) : null;
  const handle = await createDb(scratch ? scratch.url : 'pglite:memory:');
  try {
    await handle.migrate();
    const { db } = handle;
    const { adminToken } = await bootstrap(db, { seedDemo: true });
    if (!adminToken) throw new Error('bootstrap made no admin token');
    const gridSite = (await listSites(db)).find((s) => s.gridZone);
    // The server's defaults (apps/server/src/env.ts).
    const scheduler = createScheduler({
      policy: 'cost-aware',
      placement: 'best-fit',
      deferHours: 0,
      carbonPricePerTonne: 85,
      site: gridSite ? siteRates(gridSite, Date.now()) : null,
    });
    const choose: typeof scheduler.choose = (snapshot) => {
      const t0 = performance.now();
      try {
        if (args['claimant-first']) {
          const me = snapshot.workers.filter((w) => w.id === snapshot.workerId);
          const others = snapshot.workers.filter((w) => w.id !== snapshot.workerId);
          return scheduler.choose({ ...snapshot, workers: [...me, ...others] });
        }
        return scheduler.choose(snapshot);
      } finally {
        add(`scheduler.choose (JS, ${snapshot.workers.length} workers)`, performance.now() - t0);
      }
    };
    const principal = await authenticate(db, adminToken);
    const teams = (await db.query.teams.findMany()).map((t) => t.id);
    const workerIds: string[] = [];
    for (let i = 0; i < nWorkers; i++) {
      const w = await registerWorker(db, {
        hostname: `p-${i}`,
        cpus: 64,
        memoryMb: 262_144,
        gpus: [],
        version: 'bench',
      });
      workerIds.push(w.id);
    }
    for (let i = 0; i < nJobs; i++) {
      await submitJob(db, {
        teamId: teams[i % teams.length]!,
        submittedBy: principal!.tokenId,
        name: `p-${i}`,
        kind: 'command',
        payload: { argv: ['true'] },
        expectedSeconds: null,
        earliestStartAt: null,
        deadlineAt: null,
      });
    }
    instrument(db);
    const onTerminal = async (tx: Parameters<typeof billFinishedJob>[0], job: { id: string }) => {
      await billFinishedJob(tx, job, siteRates);
    };

    process.stdout.write(
      `${handle.kind}: ${nWorkers} workers, ${nJobs} queued jobs; server scheduler defaults${args['claimant-first'] ? '; EXPERIMENT: claimant listed first' : ''}\n`,
    );
    for (const c of args.concurrency.split(',').map(Number)) {
      stats.clear();
      let claims = 0;
      let empty = 0;
      const claimMs: number[] = [];
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: c }, async (_, k) => {
          for (let i = k; i < perRun; i += c) {
            const workerId = workerIds[i % workerIds.length]!;
            const t1 = performance.now();
            await authenticate(db, adminToken); // each tRPC request authenticates first
            const got = await claimJob(db, { workerId, leaseSeconds: 30, choose });
            claimMs.push(performance.now() - t1);
            if (!got) {
              empty++;
              continue;
            }
            claims++;
            await authenticate(db, adminToken);
            await completeAttempt(
              db,
              { workerId, attemptId: got.attempt.id, exitCode: 0, outputTail: '' },
              onTerminal,
            );
          }
        }),
      );
      const wall = performance.now() - t0;
      claimMs.sort((a, b) => a - b);
      process.stdout.write(
        `\nconcurrency ${c}: ${claims} claims (+${empty} empty) in ${(wall / 1000).toFixed(2)} s = ${((1000 * claims) / wall).toFixed(1)} claims/s (claim+complete);` +
          ` claim (auth + claimJob) p50 ${claimMs[Math.floor(claimMs.length / 2)]!.toFixed(1)} ms, p99 ${claimMs[Math.floor(claimMs.length * 0.99)]!.toFixed(1)} ms\n`,
      );
      const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms);
      const n = claims + empty;
      const summed = rows.reduce((a, [, st]) => a + st.ms, 0);
      process.stdout.write(
        `${'statement'.padEnd(72)} ${'calls'.padStart(6)} ${'ms/call'.padStart(8)} ${'max'.padStart(7)} ${'ms/claim'.padStart(9)} ${'% of timed'.padStart(16)}\n`,
      );
      for (const [name, s] of rows) {
        process.stdout.write(
          `${name.slice(0, 72).padEnd(72)} ${String(s.n).padStart(6)} ${(s.ms / s.n).toFixed(2).padStart(8)} ${s.max.toFixed(1).padStart(7)} ${(s.ms / n).toFixed(2).padStart(9)} ${((100 * s.ms) / (summed || 1)).toFixed(1).padStart(15)}%\n`,
        );
      }
    }
  } finally {
    await handle.close();
    if (scratch) await scratch.drop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
