/**
 * overview.summary on a month of a 6,212-GPU cluster in embedded PGlite: 720 usage hours and
 * 100,000 cost lines (25,000 jobs of 40 teams, 4 days each). Prints the median of several calls for
 * an admin (30 days by day and by hour, 24 hours by hour) and for a member. Run with
 * `pnpm --filter @wattwise/api exec tsx bench/overview.ts`.
 */
import { createToken } from '@wattwise/db';
import { createDb } from '@wattwise/db/client';
import { costLines, jobs, sites, teams, usageHours } from '@wattwise/db/schema';

import { appRouter } from '../src/root';
import { createContext } from '../src/trpc';

const H = 3_600_000;
const DAYS = 30;
const GPUS = 6212;
const TEAMS = 40;
const JOBS = 25_000;
const LINES_PER_JOB = 4;
const RUNS = 9;
const start = Date.UTC(2023, 6, 1);
const end = start + DAYS * 24 * H;

let seed = 0x2545f491;
function random(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
}

async function inBatches<T>(rows: T[], size: number, insert: (batch: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

const h = await createDb('pglite:memory:');
await h.migrate();
const db = h.db;
await db.insert(sites).values({
  id: 'site_b',
  name: 'bench',
  region: 'b',
  timezone: 'UTC',
  currency: 'USD',
  pue: 1.3,
});
await db
  .insert(teams)
  .values(Array.from({ length: TEAMS }, (_, i) => ({ id: `team_${i}`, name: `team ${i}` })));
const jobRows = Array.from({ length: JOBS }, (_, i) => ({
  id: `job_${i}`,
  teamId: `team_${i % TEAMS}`,
  name: `job ${i}`,
  kind: 'command',
  payload: {},
  origin: 'history' as const,
}));
await inBatches(jobRows, 5000, (b) => db.insert(jobs).values(b));

const hours = Array.from({ length: DAYS * 24 }, (_, i) => {
  const allocated = GPUS * (0.5 + 0.4 * random());
  const itKWh = allocated * 0.6 + (GPUS - allocated) * 0.1;
  const parts = {
    hardware: GPUS * 1.1,
    energy: itKWh * 1.3 * 0.12,
    operations: GPUS * 0.25,
    storage: 40,
    bandwidth: 12,
  };
  const total = Object.values(parts).reduce((a, b) => a + b, 0);
  return {
    siteId: 'site_b',
    hour: new Date(start + i * H),
    currency: 'USD',
    gpus: GPUS,
    gpuHoursAllocated: allocated,
    gpuHoursUsed: allocated * 0.8,
    itKWh,
    jobsItKWh: allocated * 0.6,
    facilityKWh: itKWh * 1.3,
    pue: 1.3,
    pricePerKWh: 0.12,
    kgPerKWh: 0.4,
    ...parts,
    total,
    jobsCost: total * 0.7,
    idleCost: total * 0.25,
    sharedCost: total * 0.05,
    co2eKg: itKWh * 1.3 * 0.4,
    source: 'simulated',
  };
});
await inBatches(hours, 500, (b) => db.insert(usageHours).values(b));

const lines = jobRows.flatMap((job, j) => {
  const first = Math.floor(random() * (DAYS - LINES_PER_JOB + 1));
  return Array.from({ length: LINES_PER_JOB }, (_, d) => {
    const parts = [30, 10, 8, 1, 0.5].map((x) => x * (0.5 + random()));
    return {
      jobId: job.id,
      day: new Date(start + (first + d) * 24 * H),
      siteId: 'site_b',
      teamId: job.teamId,
      currency: 'USD',
      hardware: parts[0]!,
      energy: parts[1]!,
      operations: parts[2]!,
      storage: parts[3]!,
      bandwidth: parts[4]!,
      total: parts.reduce((a, b) => a + b, 0),
      gpuHours: 24 * random() * 8,
      itKWh: 50 * random(),
      facilityKWh: 65 * random(),
      co2eKg: 26 * random(),
      billed: j % 50 !== 0,
    };
  });
});
await inBatches(lines, 3000, (b) => db.insert(costLines).values(b));
await h.db.execute('ANALYZE');

const admin = (await createToken(db, { name: 'a', role: 'admin' })).secret;
const member = (await createToken(db, { name: 'm', role: 'member', teamId: 'team_3' })).secret;
const deps = { db, leaseSeconds: 30, version: 'bench', dbKind: 'pglite' as const };

async function median(label: string, secret: string, input: Record<string, string>) {
  const caller = appRouter.createCaller(await createContext(deps, `Bearer ${secret}`));
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    await caller.overview.summary(input as Parameters<typeof caller.overview.summary>[0]);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(28)} median ${times[RUNS >> 1]!.toFixed(1)} ms (min ${times[0]!.toFixed(1)}, max ${times[RUNS - 1]!.toFixed(1)})`,
  );
}

const iso = (ms: number) => new Date(ms).toISOString();
console.log(`${hours.length} usage hours, ${lines.length} cost lines, ${GPUS} GPUs`);
await median('admin 30 d by day', admin, { from: iso(start), to: iso(end), granularity: 'day' });
await median('admin 30 d by hour', admin, { from: iso(start), to: iso(end), granularity: 'hour' });
await median('admin 24 h by hour', admin, {
  from: iso(end - 24 * H),
  to: iso(end),
  granularity: 'hour',
});
await median('member 30 d by day', member, { from: iso(start), to: iso(end), granularity: 'day' });
await h.close();
