// Resilience of the built server and worker as real processes: workers SIGKILLed mid-job, a job
// that outlives its lease many times over, a server restarted under load, workers with wrong
// clocks, and a cancel of a running job. Each test prints one summary line with its figures.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

import type { Started } from '../support/processes';
import { stopAll } from '../support/processes';
import type { SystemServer } from './helpers';
import {
  exitOf,
  getJob,
  logTail,
  processAlive,
  startServer,
  startWorker,
  submitCommand,
  waitFor,
  waitForState,
} from './helpers';

const TERMINAL = ['succeeded', 'failed', 'cancelled'];
/** The server's reaper period (REAP_INTERVAL_MS, left at its default) and the workers' poll. */
const REAP_MS = 1000;
const POLL_MS = 200;

const skewClock = fileURLToPath(new URL('./fixtures/skew-clock.mjs', import.meta.url));

type Job = Awaited<ReturnType<typeof getJob>>;
type Attempt = Job['attemptList'][number];
type Bill = NonNullable<Awaited<ReturnType<SystemServer['admin']['jobs']['bill']['query']>>>;

/** A timestamp from the API (ISO text over JSON) in ms. */
const ms = (t: string | Date | null | undefined): number => {
  if (t === null || t === undefined) throw new Error('missing timestamp');
  return new Date(t).getTime();
};

/**
 * How long an attempt held its resources, as the bill counts it: to its end, or for an attempt
 * whose lease expired, to the lease's end (see billing.ts).
 */
function heldMs(a: Attempt): number {
  const end =
    a.state === 'expired' ? Math.min(ms(a.finishedAt), ms(a.leaseExpiresAt)) : ms(a.finishedAt);
  return Math.max(0, end - ms(a.startedAt));
}

/** Hours the bill says the job held, from its detail (cost-model's `hours`). */
function billedHours(bill: Bill): number {
  const hours = (bill.detail as { hours?: unknown }).hours;
  if (typeof hours !== 'number') throw new Error(`bill of ${bill.jobId} has no detail.hours`);
  return hours;
}

/** The longest the queue waits before a job whose lease expired `failures` times may run again. */
const maxBackoffMs = (failures: number) => Math.min(300, 2 ** Math.max(failures - 1, 0)) * 1000;

/** mulberry32: a small seeded PRNG, so a run's choices can be repeated. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (msToWait: number) => new Promise((resolve) => setTimeout(resolve, msToWait));

/** `fn` over `items`, at most `limit` at a time, results in order. */
async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/** Every job on the server, as the list returns them (no attempts). */
async function listAll(server: SystemServer) {
  const all = [];
  for (let offset = 0; ; offset += 500) {
    const page = await server.admin.jobs.list.query({ limit: 500, offset });
    all.push(...page.items);
    if (page.items.length < 500) return all;
  }
}

const countIn = async (server: SystemServer, state: 'queued' | 'running') =>
  (await server.admin.jobs.list.query({ state, limit: 1 })).total;

/** Each job with its attempts and its bill. */
function withBills(server: SystemServer, ids: string[]) {
  return mapLimit(ids, 8, async (id) => {
    const [job, bill] = await Promise.all([
      getJob(server, id),
      server.admin.jobs.bill.query({ id }),
    ]);
    return { job, bill };
  });
}

/**
 * The once-only checks for a set of finished jobs: each succeeded with exactly one succeeded
 * attempt, its attempts never overlap, and it has one bill that counts each attempt's hours once.
 * Returns how many attempts expired.
 */
function expectEachRanOnceAndBilledOnce(rows: { job: Job; bill: Bill | null }[]): {
  attempts: number;
  expired: number;
  billed: number;
} {
  let attempts = 0;
  let expired = 0;
  let billed = 0;
  for (const { job, bill } of rows) {
    const where = `${job.id} (${job.attemptList.map((a) => a.state).join(',')})`;
    expect(job.state, where).toBe('succeeded');
    expect(
      job.attemptList.filter((a) => a.state === 'succeeded'),
      where,
    ).toHaveLength(1);
    expect(job.attemptList.at(-1)!.state, where).toBe('succeeded');
    for (const [i, a] of job.attemptList.entries()) {
      const next = job.attemptList[i + 1];
      if (next) expect(ms(next.startedAt), where).toBeGreaterThanOrEqual(ms(a.finishedAt));
    }
    attempts += job.attemptList.length;
    expired += job.attemptList.filter((a) => a.state === 'expired').length;
    expect(bill, `${where}: bill`).not.toBeNull();
    expect(bill!.jobId).toBe(job.id);
    // One bill, and it counts the hours of every attempt once (no attempt billed twice or left out).
    const held = job.attemptList.reduce((s, a) => s + heldMs(a), 0) / 3_600_000;
    expect(billedHours(bill!), `${where}: billed hours`).toBeCloseTo(held, 9);
    billed++;
  }
  return { attempts, expired, billed };
}

/** The process's worker id, from its log ("registered as wkr_…"); null until it has registered. */
function workerIdOf(w: Started): string | null {
  return /registered as (wkr_[A-Za-z0-9]+)/.exec(w.output())?.[1] ?? null;
}

function waitRegistered(w: Started): Promise<string> {
  return waitFor(`${w.name} to register`, async () => workerIdOf(w), {
    timeoutMs: 60_000,
    intervalMs: 100,
    watched: w,
  });
}

describe('resilience, with real server and worker processes', () => {
  let started: Started[] = [];
  let servers: SystemServer[] = [];

  afterEach(async () => {
    await stopAll(started, 2_000);
    started = [];
    // The last started first: a restarted server before the one that made its home and database.
    for (const s of servers.reverse()) await s.stop();
    servers = [];
  });

  async function server(opts: Parameters<typeof startServer>[0]): Promise<SystemServer> {
    const s = await startServer(opts);
    servers.push(s);
    return s;
  }

  /** A worker with a WATTWISE_HOME (so a sample spool) of its own, inside the server's home. */
  function worker(s: SystemServer, name: string, args: string[] = [], nodeArgs: string[] = []) {
    const home = path.join(s.home, 'workers', name);
    mkdirSync(home, { recursive: true });
    const w = startWorker(s, name, args, { home, nodeArgs });
    started.push(w);
    return w;
  }

  const submit = (
    s: SystemServer,
    name: string,
    argv: string[],
    extra: { maxAttempts?: number } = {},
  ) =>
    extra.maxAttempts === undefined
      ? submitCommand(s, name, argv)
      : s.admin.jobs.submit
          .mutate({ name, kind: 'command', payload: { argv }, teamId: s.teamId, ...extra })
          .then((j) => j.id);

  it('chaos: 200 SIGKILLs of workers mid-job over at least 1,000 short jobs lose none, bill none twice, and each is rescued within lease + reap + backoff', async () => {
    const LEASE_SECONDS = 3;
    const WORKERS = 7;
    const JOBS = 1000;
    const KILLS = 200;
    const SEED = 20_261_129;
    /** The queue is kept this long and no longer, so that each claim's snapshot stays small. */
    const QUEUE = 60;
    /**
     * A job is cut off at most this often: each expiry doubles its backoff (1, 2, 4 … s), and a job
     * hit five or six times would keep the test waiting a minute for nothing new.
     */
    const KILLS_PER_JOB = 2;
    /** Room for a loaded 2-core machine: claim and report latency, the reaper's own run. */
    const SLACK_MS = 2000;
    const rng = prng(SEED);
    const t0 = Date.now();

    const s = await server({ name: 'resilience-chaos-server', leaseSeconds: LEASE_SECONDS });
    type W = { started: Started; spawnedAt: number; killedAt?: number };
    const pool: W[] = [];
    let spawned = 0;
    const spawn = () => {
      const w: W = {
        started: worker(s, `resilience-chaos-worker-${++spawned}`),
        spawnedAt: Date.now(),
      };
      pool.push(w);
      return w;
    };
    for (let i = 0; i < WORKERS; i++) spawn();
    await Promise.all(pool.map((w) => waitRegistered(w.started)));
    const tUp = Date.now();

    // The feeder keeps about QUEUE jobs waiting until JOBS were submitted and the chaos is over.
    let submitted = 0;
    const submitBatch = async (n: number) => {
      // sleep 0.01–0.09 s, from the seeded PRNG.
      const jobs = Array.from({ length: n }, () => ({
        name: `chaos ${++submitted}`,
        argv: ['sh', '-c', `sleep 0.0${1 + Math.floor(rng() * 9)}`],
      }));
      await mapLimit(jobs, 8, (j) => submit(s, j.name, j.argv, { maxAttempts: 100 }));
    };
    const kills: { jobId: string; attemptId: string; workerId: string; at: number }[] = [];
    let feeding = true;
    const feeder = (async () => {
      while (feeding && (submitted < JOBS || kills.length < KILLS)) {
        const queued = await countIn(s, 'queued');
        if (queued < QUEUE / 2) await submitBatch(QUEUE - queued);
        else await sleep(200);
      }
    })();

    // The chaos loop: a worker whose log shows it claimed a job and has not finished it is
    // SIGKILLed at random and another started in its place. A kill counts when the attempt was
    // still running once the worker was dead; one that landed after the report is a miss.
    const killedAt = new Map<string, number>();
    const hits = new Map<string, number>();
    let misses = 0;
    // A kill counts once its attempt has expired. One still running just after the kill may yet
    // succeed: the worker's report was on its way when it died (a miss, like one that landed late).
    type Kill = (typeof kills)[number];
    let pending: Kill[] = [];
    let inFlight = 0;
    const confirm = async () => {
      const due = pending.filter((k) => Date.now() - k.at > LEASE_SECONDS * 1000 + REAP_MS + 1000);
      for (const k of due) {
        const a = (await getJob(s, k.jobId)).attemptList.find((x) => x.id === k.attemptId)!;
        if (a.state === 'running') continue; // not reaped yet: look again later
        pending = pending.filter((p) => p !== k);
        if (a.state === 'expired') kills.push(k);
        else inFlight++;
      }
    };
    const chaosDeadline = Date.now() + 480_000;
    const midJob = (w: W) => {
      const log = w.started.output();
      const at = log.lastIndexOf(' worker: claimed ');
      if (at < 0) return null;
      const m = /claimed (job_\w+) .*\(attempt \d+, (att_\w+)\)/.exec(log.slice(at));
      if (!m || log.includes(`${m[1]}: ended`, at)) return null;
      return { jobId: m[1]!, attemptId: m[2]! };
    };
    try {
      while (kills.length < KILLS) {
        if (Date.now() > chaosDeadline)
          throw new Error(`chaos loop: only ${kills.length} kills (${misses} misses) in 480 s`);
        await sleep(10 + rng() * 40);
        if (kills.length + pending.length >= KILLS) {
          await confirm();
          continue;
        }
        const candidates = pool.flatMap((w) => {
          const job = w.killedAt ? null : midJob(w);
          return job && (hits.get(job.jobId) ?? 0) < KILLS_PER_JOB ? [{ w, ...job }] : [];
        });
        if (candidates.length === 0) continue;
        const { w: victim, jobId, attemptId } = candidates[Math.floor(rng() * candidates.length)]!;
        victim.started.child.kill('SIGKILL');
        victim.killedAt = Date.now();
        await exitOf(victim.started.child);
        spawn();
        const workerId = workerIdOf(victim.started)!;
        killedAt.set(workerId, victim.killedAt);
        const after = await getJob(s, jobId);
        if (after.attemptList.find((a) => a.id === attemptId)?.state === 'running') {
          pending.push({ jobId, attemptId, workerId, at: victim.killedAt });
          hits.set(jobId, (hits.get(jobId) ?? 0) + 1);
        } else misses++;
        await confirm();
      }
    } catch (err) {
      feeding = false;
      await feeder;
      throw err;
    }
    const tChaosDone = Date.now();
    await feeder; // it stops once JOBS were submitted

    const live = () => pool.find((w) => !w.killedAt)!.started;
    await waitFor(
      'every job to end',
      async () =>
        (await countIn(s, 'queued')) === 0 && (await countIn(s, 'running')) === 0 ? true : null,
      { timeoutMs: 120_000, intervalMs: 500, watched: live() },
    );
    const tDrained = Date.now();
    // How long a worker took from its start to its registration: while every worker is being
    // replaced, a requeued job waits for one.
    const startups = pool
      .map((w) => {
        const m = /^(\S+Z) worker: registered as/m.exec(w.started.output());
        return m ? Date.parse(m[1]!) - w.spawnedAt : NaN;
      })
      .filter(Number.isFinite);
    const maxStartup = Math.max(...startups);

    const listed = await listAll(s);
    expect(listed).toHaveLength(submitted);
    const rows = await withBills(
      s,
      listed.map((j) => j.id),
    );
    const byState = countStates(rows);
    const lost = submitted - (byState.succeeded ?? 0);
    const bills = rows.filter((r) => r.bill).length;
    const billedTwice = rows.filter(
      ({ job, bill }) =>
        bill &&
        Math.abs(
          billedHours(bill) - job.attemptList.reduce((t, a) => t + heldMs(a), 0) / 3_600_000,
        ) > 1e-9,
    ).length;

    // Rescue: after each expired attempt the job ran again within lease + reap + backoff + poll,
    // counted from the kill (or, for a lease a live worker let lapse, from the lease's end).
    const rescues: number[] = [];
    const overBound: string[] = [];
    let expired = 0;
    let expiredLive = 0;
    for (const { job } of rows) {
      let failures = 0;
      for (const [i, a] of job.attemptList.entries()) {
        if (a.state !== 'expired') continue;
        expired++;
        failures++;
        const next = job.attemptList[i + 1]!;
        const killed = killedAt.get(a.workerId);
        if (killed === undefined) expiredLive++;
        const from = killed ?? ms(a.leaseExpiresAt) - LEASE_SECONDS * 1000;
        const bound =
          LEASE_SECONDS * 1000 + REAP_MS + maxBackoffMs(failures) + POLL_MS + maxStartup + SLACK_MS;
        const rescue = ms(next.startedAt) - from;
        if (killed !== undefined) rescues.push(rescue);
        if (rescue > bound)
          overBound.push(
            `${job.id} attempt ${a.number}: next attempt ${rescue} ms after ${killed === undefined ? 'its last renewal' : 'the kill'}, bound ${bound} ms`,
          );
      }
      // Its last attempt ran it to the end with no wait beyond its own run.
      const last = job.attemptList.at(-1)!;
      const tail = ms(job.finishedAt) - ms(last.startedAt);
      if (tail > 90 + LEASE_SECONDS * 1000 + SLACK_MS)
        overBound.push(`${job.id}: ended ${tail} ms after its last start`);
    }
    rescues.sort((a, b) => a - b);
    const q = (p: number) => rescues[Math.min(rescues.length - 1, Math.floor(p * rescues.length))];
    const at = (t: number) => `${((t - t0) / 1000).toFixed(0)} s`;
    const summary = report(
      'chaos',
      `${submitted} jobs (sleep 0.01–0.09 s, queue kept at ≤${QUEUE}), ${WORKERS} workers (${spawned} started in all), lease ${LEASE_SECONDS} s, seed ${SEED}: ` +
        `${kills.length} SIGKILLs mid-job (+${misses} that landed after the report, +${inFlight} with the report in flight); states ${JSON.stringify(byState)}; lost ${lost}; ` +
        `attempts ${rows.reduce((t, r) => t + r.job.attemptList.length, 0)}, expired ${expired} (${expiredLive} by live workers under load); ` +
        `bills ${bills}, billed twice ${billedTwice}; rescue after a kill p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${rescues.at(-1)} ms ` +
        `(bound: lease ${LEASE_SECONDS * 1000} + reap ${REAP_MS} + backoff ≤${maxBackoffMs(KILLS_PER_JOB)} + poll ${POLL_MS} + slowest worker start ${maxStartup} + slack ${SLACK_MS} ms); over the bound ${overBound.length}; ` +
        `time: workers up ${at(tUp)}, ${KILLS} kills done ${at(tChaosDone)}, all ended ${at(tDrained)}, checked ${at(Date.now())}`,
    );

    expect(lost, summary).toBe(0);
    expect(bills, summary).toBe(submitted);
    expect(billedTwice, summary).toBe(0);
    const counts = expectEachRanOnceAndBilledOnce(rows);
    expect(kills).toHaveLength(KILLS);
    expect(submitted).toBeGreaterThanOrEqual(JOBS);
    // Every attempt the chaos cut off expired, and nothing else ended an attempt early.
    const states = new Map(rows.flatMap((r) => r.job.attemptList.map((a) => [a.id, a.state])));
    expect(kills.filter((k) => states.get(k.attemptId) !== 'expired')).toEqual([]);
    expect(counts.expired).toBeGreaterThanOrEqual(KILLS);
    expect(counts.attempts).toBe(submitted + counts.expired);
    expect(overBound.slice(0, 10), summary).toEqual([]);
  }, 720_000);

  it('a job running 10× its lease, with heartbeats, runs once', async () => {
    const s = await server({ name: 'resilience-long-server', leaseSeconds: 1 });
    const w = worker(s, 'resilience-long-worker');
    const id = await submit(s, 'ten leases long', ['sh', '-c', 'sleep 10; echo finished']);
    const job = await waitForState(s, id, TERMINAL, w, 60_000);
    const bill = await s.admin.jobs.bill.query({ id });
    const a = job.attemptList[0]!;
    const ran = (ms(a.finishedAt) - ms(a.startedAt)) / 1000;
    report(
      'long job',
      `lease 1 s, sleep 10: state ${job.state}, ${job.attemptList.length} attempt(s) (${job.attemptList.map((x) => x.state).join(',')}), ran ${ran.toFixed(2)} s, billed ${(billedHours(bill!) * 3600).toFixed(2)} s`,
    );
    expect(job.state, logTail(w)).toBe('succeeded');
    expect(job.attemptList.map((x) => x.state)).toEqual(['succeeded']);
    expect(job.result).toMatchObject({ exitCode: 0, outputTail: 'finished\n' });
    expect(ran).toBeGreaterThanOrEqual(10);
    expect(expectEachRanOnceAndBilledOnce([{ job, bill }])).toMatchObject({ expired: 0 });
  }, 120_000);

  // On TEST_DATABASE_URL this restarts the server process only: PostgreSQL itself keeps running
  // (restarting it is out of this test's reach: it is shared, and not a child of the test).
  it('a server restarted under load: workers reconnect and every job finishes once, billed once', async () => {
    const LEASE_SECONDS = 3;
    const JOBS = 100;
    const rng = prng(7);
    const first = await server({
      name: 'resilience-restart-server-1',
      leaseSeconds: LEASE_SECONDS,
    });
    const port = Number(new URL(first.url).port);
    const ws = [1, 2, 3].map((i) => worker(first, `resilience-restart-worker-${i}`));
    const ids = await Promise.all(ws.map(waitRegistered));
    const jobIds = await mapLimit(
      Array.from({ length: JOBS }, (_, i) => i),
      8,
      (i) =>
        submit(first, `restart ${i}`, ['sh', '-c', `sleep 0.${1 + Math.floor(rng() * 4)}`], {
          maxAttempts: 20,
        }),
    );
    // Stop it once about a third has finished, with jobs running.
    await waitFor(
      'a third of the jobs to finish',
      async () => {
        const done = (await first.admin.jobs.list.query({ state: 'succeeded', limit: 1 })).total;
        return done >= JOBS / 3 ? done : null;
      },
      { timeoutMs: 120_000, intervalMs: 100, watched: ws[0] },
    );
    const runningAtStop = await countIn(first, 'running');
    const doneAtStop = (await first.admin.jobs.list.query({ state: 'succeeded', limit: 1 })).total;
    const stoppedAt = Date.now();
    first.child.kill('SIGTERM');
    const exit = await exitOf(first.child);
    const downAt = Date.now();

    const second = await server({
      name: 'resilience-restart-server-2',
      leaseSeconds: LEASE_SECONDS,
      home: first.home,
      port,
      databaseUrl: first.databaseUrl,
    });
    const upAt = Date.now();
    expect(second.url).toBe(first.url);

    await waitFor(
      'every job to end after the restart',
      async () =>
        (await countIn(second, 'queued')) === 0 && (await countIn(second, 'running')) === 0
          ? true
          : null,
      { timeoutMs: 120_000, intervalMs: 250, watched: ws[0] },
    );
    const rows = await withBills(second, jobIds);
    const afterRestart = new Map(ids.map((id) => [id, 0]));
    for (const { job } of rows)
      for (const a of job.attemptList)
        if (ms(a.startedAt) > upAt - 1000 && afterRestart.has(a.workerId))
          afterRestart.set(a.workerId, afterRestart.get(a.workerId)! + 1);
    const reconnected = ws.map((w) => {
      const m = [...w.output().matchAll(/server reachable again|waiting for the server/g)];
      return m.length;
    });

    const summary = report(
      'server restart',
      `${JOBS} jobs, 3 workers, lease ${LEASE_SECONDS} s: SIGTERM with ${doneAtStop} done and ${runningAtStop} running; server exited ${JSON.stringify(exit)} in ${downAt - stoppedAt} ms, back on the same port in ${upAt - downAt} ms; ` +
        `attempts started after the restart per worker ${JSON.stringify([...afterRestart.values()])}; ` +
        `states ${JSON.stringify(countStates(rows))}; ` +
        `attempts ${rows.reduce((t, r) => t + r.job.attemptList.length, 0)} (${rows.reduce((t, r) => t + r.job.attemptList.filter((a) => a.state !== 'succeeded').length, 0)} not succeeded: ${JSON.stringify(countAttemptStates(rows))}); bills ${rows.filter((r) => r.bill).length}; reconnect log lines ${JSON.stringify(reconnected)}`,
    );
    expect(exit, summary).toEqual({ code: 0, signal: null });
    expectEachRanOnceAndBilledOnce(rows);
    for (const w of ws) expect(processAlive(w.child.pid!), logTail(w)).toBe(true);
    for (const [id, n] of afterRestart)
      expect(n, `${id} claimed nothing after the restart`).toBeGreaterThan(0);
  }, 300_000);

  it('workers with clocks 5 minutes fast and slow change nothing: jobs run once, leases hold, bills use the database clock', async () => {
    const LEASE_SECONDS = 2;
    const SKEW_MS = 5 * 60_000;
    const LONG_S = 5; // 2.5 leases: lives on heartbeats
    const s = await server({ name: 'resilience-skew-server', leaseSeconds: LEASE_SECONDS });
    const skewed = (name: string, offset: number) =>
      worker(s, name, [], ['--import', `${pathToFileURL(skewClock).href}?ms=${offset}`]);

    // One long job on each worker: start the fast one alone, then the slow one.
    const fast = skewed('resilience-skew-fast', SKEW_MS);
    const fastId = await waitRegistered(fast);
    const longFast = await submit(s, 'long, fast clock', ['sh', '-c', `sleep ${LONG_S}`]);
    await waitForState(s, longFast, ['running'], fast);
    const slow = skewed('resilience-skew-slow', -SKEW_MS);
    const slowId = await waitRegistered(slow);
    const longSlow = await submit(s, 'long, slow clock', ['sh', '-c', `sleep ${LONG_S}`]);
    await waitForState(s, longSlow, ['running'], slow);
    const shorts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => submit(s, `short ${i}`, ['sh', '-c', 'sleep 0.2'])),
    );
    const ids = [longFast, longSlow, ...shorts];
    for (const id of ids) await waitForState(s, id, TERMINAL, fast, 60_000);
    const rows = await withBills(s, ids);

    // The preload did shift each worker's clock: its log lines carry its own time.
    const logSkew = (w: Started) => {
      const stamps = [...w.output().matchAll(/^(\S+Z) worker:/gm)].map((m) => Date.parse(m[1]!));
      return stamps.length ? stamps.at(-1)! - Date.now() : NaN;
    };
    const skews = { fast: logSkew(fast), slow: logSkew(slow) };
    const perWorker = { fast: 0, slow: 0 };
    for (const { job } of rows)
      for (const a of job.attemptList) {
        if (a.workerId === fastId) perWorker.fast++;
        if (a.workerId === slowId) perWorker.slow++;
      }
    const longRows = rows.slice(0, 2);
    const longRan = longRows.map(({ job }) => heldMs(job.attemptList[0]!) / 1000);
    const longBilled = longRows.map(({ bill }) => billedHours(bill!) * 3600);
    const summary = report(
      'clock skew',
      `workers at ${skews.fast > 0 ? '+' : ''}${(skews.fast / 60_000).toFixed(2)} and ${(skews.slow / 60_000).toFixed(2)} min, lease ${LEASE_SECONDS} s: ` +
        `${rows.length} jobs, states ${JSON.stringify(countStates(rows))}, attempts ${JSON.stringify(countAttemptStates(rows))} (fast ${perWorker.fast}, slow ${perWorker.slow}); ` +
        `long jobs (sleep ${LONG_S}) ran ${longRan.map((x) => x.toFixed(2)).join(' and ')} s by the database clock, billed ${longBilled.map((x) => x.toFixed(2)).join(' and ')} s`,
    );
    // Each worker's own clock is off by the skew (its log says so): the fixture took hold.
    expect(Math.abs(skews.fast - SKEW_MS), summary).toBeLessThan(30_000);
    expect(Math.abs(skews.slow + SKEW_MS), summary).toBeLessThan(30_000);
    expectEachRanOnceAndBilledOnce(rows);
    expect(countAttemptStates(rows)).toEqual({ succeeded: ids.length });
    expect(rows[0]!.job.attemptList[0]!.workerId).toBe(fastId);
    expect(rows[1]!.job.attemptList[0]!.workerId).toBe(slowId);
    for (const [i, billed] of longBilled.entries()) {
      // The bill's hours are the database's: the real run time, not 5 minutes more or less.
      expect(billed, summary).toBeGreaterThanOrEqual(LONG_S);
      expect(billed, summary).toBeLessThan(LONG_S + 2);
      expect(billed).toBeCloseTo(longRan[i]!, 3);
    }
  }, 180_000);

  it('cancelling a running job stops it within 5 s and bills only what ran', async () => {
    // The server's default lease, as deployed (LEASE_SECONDS unset), and the worker's defaults.
    const s = await server({ name: 'resilience-cancel-server' });
    const w = worker(s, 'resilience-cancel-worker');
    const id = await submit(s, 'cancelled while it runs', ['sh', '-c', 'sleep 60']);
    const claimed = await waitForState(s, id, ['running'], w);
    // Cancel just after a heartbeat, the worst moment: the worker hears of it at the next one.
    // Two renewals of the lease are watched for, to measure the heartbeat's period too.
    let lease = ms(claimed.attemptList[0]!.leaseExpiresAt);
    const renewals: number[] = [];
    await waitFor(
      'two heartbeats to renew the lease',
      async () => {
        const now = ms((await getJob(s, id)).attemptList[0]!.leaseExpiresAt);
        if (now > lease) {
          lease = now;
          renewals.push(Date.now());
        }
        return renewals.length >= 2;
      },
      { timeoutMs: 90_000, intervalMs: 50, watched: w },
    );
    const heartbeatS = (renewals[1]! - renewals[0]!) / 1000;
    const requested = Date.now();
    await s.admin.jobs.cancel.mutate({ id });
    const job = await waitForState(s, id, TERMINAL, w, 60_000);
    const stopped = Date.now();
    const bill = await s.admin.jobs.bill.query({ id });
    const a = job.attemptList[0]!;
    const ran = heldMs(a) / 1000;
    const told = /(\S+Z) worker: \S+: cancel requested/.exec(w.output())?.[1];
    const leaseSeconds = Number(/lease (\d+(?:\.\d+)?) s\)/.exec(w.output())?.[1]);
    const summary = report(
      'cancel',
      `lease ${leaseSeconds} s (heartbeat seen every ${heartbeatS.toFixed(1)} s), cancel sent just after a heartbeat: ` +
        `job ${job.state} ${((stopped - requested) / 1000).toFixed(2)} s after the request` +
        (told
          ? ` (worker told after ${((Date.parse(told) - requested) / 1000).toFixed(2)} s)`
          : '') +
        `; attempt ${a.state}, ran ${ran.toFixed(2)} s, billed ${bill ? (billedHours(bill) * 3600).toFixed(2) : 'nothing'} s`,
    );
    expect(job.state, summary).toBe('cancelled');
    expect(a.state).toBe('cancelled');
    expect(bill, summary).not.toBeNull();
    // What ran is billed: the attempt's own span, far short of the 60 s it asked for.
    expect(billedHours(bill!) * 3600).toBeCloseTo(ran, 3);
    expect(ran, summary).toBeGreaterThan((requested - ms(a.startedAt)) / 1000 - 0.5);
    expect(ran, summary).toBeLessThan((stopped - ms(a.startedAt)) / 1000 + 0.5);
    expect(stopped - requested, summary).toBeLessThan(5_000);
  }, 120_000);
});

function countStates(rows: { job: Job }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { job } of rows) out[job.state] = (out[job.state] ?? 0) + 1;
  return out;
}

function countAttemptStates(rows: { job: Job }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { job } of rows)
    for (const a of job.attemptList) out[a.state] = (out[a.state] ?? 0) + 1;
  return out;
}

/** Prints a test's figures on one line (so they can be quoted) and returns it for messages. */
function report(test: string, figures: string): string {
  const line = `[resilience] ${test}: ${figures}`;
  console.log(line);
  return line;
}
