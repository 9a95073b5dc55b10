/**
 * Claim-path benchmark: W workers (in-process tRPC clients over real HTTP, keep-alive) register, then
 * claim and complete short jobs, heartbeating once a second while they hold one, against the built
 * server on PGlite and (when a PostgreSQL URL is given) on PostgreSQL, beside a bare `node:http`
 * server answering the same requests with canned bodies captured from the real server (the floor).
 *
 *   pnpm --filter @wattwise/server build
 *   pnpm --filter @wattwise/server bench [-- --postgres postgres://…] [--workers 100] [--jobs 2000]
 *
 * Two shapes: `instant` (complete as soon as claimed: the claim path at its busiest) and `hold`
 * (hold each job `--hold-ms`, 1 s by default, heartbeating every second: the realistic shape).
 * Each backend runs a warm-up (not measured) first; the queue is filled before the clock starts.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { TRPCClientError } from '@trpc/client';

import type { ApiClient, ServerProcess } from '../testing';
import { apiClient, startServerProcess, stopProcessGroup } from '../testing';

// ------------------------------------------------------------------------------------------------
// Settings

const { values: args, positionals } = parseArgs({
  options: {
    workers: { type: 'string', default: '100' },
    jobs: { type: 'string', default: '2000' },
    'hold-jobs': { type: 'string', default: '1000' },
    'hold-ms': { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '200' },
    'idle-ms': { type: 'string', default: '50' },
    'heartbeat-ms': { type: 'string', default: '1000' },
    /** Each measured run stops after this many seconds if its jobs are not all done by then. */
    'max-s': { type: 'string', default: '30' },
    /** The warm-up stops after `--warmup` jobs or this many seconds, whichever comes first. */
    'warmup-s': { type: 'string', default: '10' },
    postgres: { type: 'string' },
    only: { type: 'string', default: 'floor,pglite,postgres' },
    shapes: { type: 'string', default: 'instant,hold' },
    'floor-in-process': { type: 'boolean', default: false },
    json: { type: 'string' },
    'serve-floor': { type: 'boolean', default: false },
  },
  allowPositionals: true,
});

const int = (name: keyof typeof args) => {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name}: expected a whole number, got ${String(args[name])}`);
  return n;
};

type Shape = 'instant' | 'hold';
type Backend = 'floor' | 'pglite' | 'postgres';

// ------------------------------------------------------------------------------------------------
// The floor: a bare node:http server answering each procedure with a fixed body.

type FloorBodies = {
  register: string;
  claim: string;
  heartbeat: string;
  complete: string;
  empty: string;
};

/** Serves canned tRPC answers; a claim gets the job body `remaining` times, then `null` (an empty queue). */
function createFloorServer(bodies: FloorBodies): http.Server {
  let remaining = 0;
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      let body: string;
      if (path === '/__floor/fill') {
        remaining = Number(Buffer.concat(chunks).toString() || '0');
        body = '{}';
      } else if (path === '/trpc/workers.claim') {
        body = remaining > 0 ? bodies.claim : bodies.empty;
        if (remaining > 0) remaining--;
      } else if (path === '/trpc/workers.register') body = bodies.register;
      else if (path === '/trpc/workers.heartbeat') body = bodies.heartbeat;
      else if (path === '/trpc/workers.complete') body = bodies.complete;
      else {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
}

type Floor = { url: string; fill(n: number): Promise<void>; stop(): Promise<void> };

/** The floor in a child process of its own (as the real server is), or in this one with --floor-in-process. */
async function startFloor(bodies: FloorBodies): Promise<Floor> {
  const fill = (url: string) => async (n: number) => {
    const res = await fetch(`${url}/__floor/fill`, { method: 'POST', body: String(n) });
    await res.text();
  };
  if (args['floor-in-process']) {
    const server = createFloorServer(bodies);
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const { port } = server.address() as { port: number };
    const url = `http://127.0.0.1:${port}`;
    return {
      url,
      fill: fill(url),
      stop: () =>
        new Promise<void>((ok) => {
          server.close(() => ok());
          server.closeAllConnections();
        }),
    };
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--serve-floor', JSON.stringify(bodies)],
    { stdio: ['ignore', 'pipe', 'inherit'], detached: true },
  );
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\S+)/.exec(out);
      if (m) ok(m[1]!);
    });
    child.once('exit', (code) =>
      fail(new Error(`the floor server exited (${code}) before listening`)),
    );
  });
  // Should this process exit without stopping it, take the floor down too.
  const onExit = () => {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  };
  process.once('exit', onExit);
  return {
    url,
    fill: fill(url),
    stop: async () => {
      process.removeListener('exit', onExit);
      await stopProcessGroup(child);
    },
  };
}

async function serveFloor(bodies: string): Promise<void> {
  const server = createFloorServer(JSON.parse(bodies) as FloorBodies);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  process.stdout.write(`listening http://127.0.0.1:${port}\n`);
  process.on('SIGTERM', () => process.exit(0));
}

// ------------------------------------------------------------------------------------------------
// Measurement

type Sample = { claim: number[]; claimHit: number[]; complete: number[]; heartbeat: number[] };

type Result = {
  backend: Backend;
  shape: Shape;
  jobs: number;
  wallS: number;
  claimed: number;
  emptyClaims: number;
  claimsPerS: number;
  claimP50: number;
  claimP99: number;
  claimHitP50: number;
  claimHitP99: number;
  completeP50: number;
  completeP99: number;
  heartbeats: number;
  heartbeatP99: number;
  errors: Record<string, number>;
  /** Stopped at --max-s with jobs left: claims/s is then over that time. */
  timedOut: boolean;
  /** 1-minute load average when the run ended: other work on the machine skews every figure. */
  load: number;
};

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function errorCode(err: unknown): string {
  if (err instanceof TRPCClientError) {
    const data = (err as TRPCClientError<never>).data as { code?: string } | undefined;
    if (data?.code) return data.code;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return `NETWORK:${cause?.code ?? err.message}`;
  }
  return err instanceof Error ? err.name : 'UNKNOWN';
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

type Claimed = { job: { id: string }; attempt: { id: string } } | null;

/**
 * Runs `workers` clients until `jobs` claims have been completed (or reported as failed to complete).
 * The queue must hold exactly `jobs` claimable jobs when it is called.
 */
async function drive(
  clients: { api: ApiClient; workerId: string }[],
  jobs: number,
  shape: Shape,
  maxS = int('max-s'),
): Promise<Omit<Result, 'backend' | 'shape'>> {
  const holdMs = shape === 'hold' ? int('hold-ms') : 0;
  const idleMs = int('idle-ms');
  const heartbeatMs = int('heartbeat-ms');
  const timeoutMs = maxS * 1000;
  const s: Sample = { claim: [], claimHit: [], complete: [], heartbeat: [] };
  const errors: Record<string, number> = {};
  const fail = (where: string, err: unknown) => {
    const key = `${where}:${errorCode(err)}`;
    errors[key] = (errors[key] ?? 0) + 1;
  };
  let claimed = 0;
  let finished = 0; // completed, or its completion failed
  let emptyClaims = 0;
  let stop = false;
  const started = performance.now();
  const deadline = setTimeout(() => (stop = true), timeoutMs);

  const worker = async ({ api, workerId }: (typeof clients)[number], index: number) => {
    let holding: { attemptId: string } | null = null;
    // Heartbeats on a 1 s tick of each worker's own, staggered so that they do not all fire at once.
    const beats: Promise<void>[] = [];
    let ticker: NodeJS.Timeout | undefined;
    const firstBeat = setTimeout(
      () => {
        const beat = () => {
          if (!holding || stop) return;
          const t0 = performance.now();
          beats.push(
            api.workers.heartbeat.mutate({ workerId, attemptId: holding.attemptId }).then(
              () => void s.heartbeat.push(performance.now() - t0),
              (err: unknown) => fail('heartbeat', err),
            ),
          );
        };
        beat();
        ticker = setInterval(beat, heartbeatMs);
      },
      (index * heartbeatMs) / clients.length,
    );
    while (!stop && finished < jobs) {
      const t0 = performance.now();
      let got: Claimed;
      try {
        got = (await api.workers.claim.mutate({ workerId })) as Claimed;
      } catch (err) {
        fail('claim', err);
        await sleep(idleMs);
        continue;
      }
      const dt = performance.now() - t0;
      s.claim.push(dt);
      if (!got) {
        emptyClaims++;
        await sleep(idleMs);
        continue;
      }
      claimed++;
      s.claimHit.push(dt);
      holding = { attemptId: got.attempt.id };
      if (holdMs > 0) await sleep(holdMs);
      // No heartbeat once the completion is on its way: it would race it and be told CONFLICT.
      holding = null;
      const t1 = performance.now();
      try {
        await api.workers.complete.mutate({
          workerId,
          attemptId: got.attempt.id,
          exitCode: 0,
          outputTail: '',
        });
        s.complete.push(performance.now() - t1);
      } catch (err) {
        fail('complete', err);
      }
      finished++;
    }
    clearTimeout(firstBeat);
    clearInterval(ticker);
    await Promise.all(beats);
  };

  await Promise.all(clients.map((c, i) => worker(c, i)));
  clearTimeout(deadline);
  const wallS = (performance.now() - started) / 1000;
  const sorted = (a: number[]) => [...a].sort((x, y) => x - y);
  const claim = sorted(s.claim);
  const hit = sorted(s.claimHit);
  const complete = sorted(s.complete);
  const heartbeat = sorted(s.heartbeat);
  return {
    jobs,
    wallS,
    claimed,
    emptyClaims,
    claimsPerS: claimed / wallS,
    claimP50: percentile(claim, 50),
    claimP99: percentile(claim, 99),
    claimHitP50: percentile(hit, 50),
    claimHitP99: percentile(hit, 99),
    completeP50: percentile(complete, 50),
    completeP99: percentile(complete, 99),
    heartbeats: heartbeat.length,
    heartbeatP99: percentile(heartbeat, 99),
    errors,
    timedOut: stop && finished < jobs,
    load: os.loadavg()[0]!,
  };
}

const registration = (i: number) => ({
  hostname: `bench-${String(i).padStart(3, '0')}`,
  cpus: 64,
  memoryMb: 262_144,
  gpus: [],
  version: 'bench',
});

async function registerAll(url: string, token: string, n: number) {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const api = apiClient(url, token);
      const { workerId } = await api.workers.register.mutate(registration(i));
      return { api, workerId };
    }),
  );
}

// ------------------------------------------------------------------------------------------------
// Real servers

const jobInput = (teamId: string, i: number) => ({
  kind: 'command' as const,
  name: `bench-${i}`,
  teamId,
  payload: { argv: ['true'] },
});

async function submitJobs(
  admin: ApiClient,
  teamId: string,
  n: number,
  from: number,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < n) {
        const i = next++;
        await admin.jobs.submit.mutate(jobInput(teamId, from + i));
      }
    }),
  );
}

/** One claim, heartbeat and completion made by hand, for the exact bodies the floor answers with. */
async function captureBodies(server: ServerProcess, teamId: string): Promise<FloorBodies> {
  const post = async (proc: string, input: unknown) => {
    const res = await fetch(`${server.url}/trpc/${proc}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${server.workerToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(input),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${proc}: HTTP ${res.status} ${text}`);
    return text;
  };
  const admin = apiClient(server.url, server.cliToken);
  await admin.jobs.submit.mutate(jobInput(teamId, -1));
  const register = await post('workers.register', registration(999));
  const { workerId } = (JSON.parse(register) as { result: { data: { workerId: string } } }).result
    .data;
  const claim = await post('workers.claim', { workerId });
  const attemptId = (JSON.parse(claim) as { result: { data: { attempt: { id: string } } } }).result
    .data.attempt.id;
  const heartbeat = await post('workers.heartbeat', { workerId, attemptId });
  const complete = await post('workers.complete', {
    workerId,
    attemptId,
    exitCode: 0,
    outputTail: '',
  });
  const empty = await post('workers.claim', { workerId });
  return { register, claim, heartbeat, complete, empty };
}

async function benchServer(
  backend: Exclude<Backend, 'floor'>,
  server: ServerProcess,
  shapes: Shape[],
  onBodies?: (b: FloorBodies) => void,
): Promise<Result[]> {
  const admin = apiClient(server.url, server.cliToken);
  const teams = await admin.admin.teams.query();
  const teamId = teams[0]!.id;
  if (onBodies) onBodies(await captureBodies(server, teamId));
  const clients = await registerAll(server.url, server.workerToken, int('workers'));
  const out: Result[] = [];
  let submitted = 0;
  const warmup = int('warmup');
  if (warmup > 0) {
    await submitJobs(admin, teamId, warmup, submitted);
    submitted += warmup;
    await drive(clients, warmup, 'instant', int('warmup-s'));
  }
  for (const shape of shapes) {
    const n = shape === 'hold' ? int('hold-jobs') : int('jobs');
    process.stderr.write(`  ${backend}/${shape}: submitting ${n} jobs…\n`);
    await submitJobs(admin, teamId, n, submitted);
    submitted += n;
    process.stderr.write(`  ${backend}/${shape}: ${clients.length} workers claiming…\n`);
    out.push({ backend, shape, ...(await drive(clients, n, shape)) });
  }
  return out;
}

async function benchFloor(bodies: FloorBodies, shapes: Shape[]): Promise<Result[]> {
  const floor = await startFloor(bodies);
  try {
    const clients = await registerAll(floor.url, 'floor', int('workers'));
    const out: Result[] = [];
    const warmup = int('warmup');
    if (warmup > 0) {
      await floor.fill(warmup);
      await drive(clients, warmup, 'instant', int('warmup-s'));
    }
    for (const shape of shapes) {
      const n = shape === 'hold' ? int('hold-jobs') : int('jobs');
      process.stderr.write(`  floor/${shape}: ${clients.length} workers claiming…\n`);
      await floor.fill(n);
      out.push({ backend: 'floor', shape, ...(await drive(clients, n, shape)) });
    }
    return out;
  } finally {
    await floor.stop();
  }
}

// ------------------------------------------------------------------------------------------------
// Report

function table(results: Result[]): string {
  const ms = (x: number) => (Number.isNaN(x) ? '-' : x < 10 ? x.toFixed(2) : x.toFixed(1));
  const header = [
    'shape',
    'backend',
    'claims/s',
    'vs floor',
    'claim p50',
    'claim p99',
    'hit p50',
    'hit p99',
    'compl p50',
    'compl p99',
    'hb n',
    'hb p99',
    'empty',
    'hit %',
    'errors',
    'wall s',
    'load',
  ];
  const rows = results.map((r) => {
    const floor = results.find((f) => f.backend === 'floor' && f.shape === r.shape);
    const errs = Object.entries(r.errors)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    return [
      r.shape,
      r.backend + (r.timedOut ? '*' : ''),
      r.claimsPerS.toFixed(1),
      floor ? `${((100 * r.claimsPerS) / floor.claimsPerS).toFixed(1)}%` : '-',
      ms(r.claimP50),
      ms(r.claimP99),
      ms(r.claimHitP50),
      ms(r.claimHitP99),
      ms(r.completeP50),
      ms(r.completeP99),
      String(r.heartbeats),
      ms(r.heartbeatP99),
      String(r.emptyClaims),
      ((100 * r.claimed) / Math.max(1, r.claimed + r.emptyClaims)).toFixed(1),
      errs || '0',
      r.wallS.toFixed(2),
      r.load.toFixed(1),
    ];
  });
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => row[c]!.length)));
  const line = (row: string[]) =>
    row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

// ------------------------------------------------------------------------------------------------

async function main() {
  if (args['serve-floor']) return serveFloor(positionals[0] ?? '');
  const only = new Set(args.only.split(','));
  const shapes = args.shapes.split(',').filter((x): x is Shape => x === 'instant' || x === 'hold');
  // eslint-disable-next-line no-restricted-properties -- a benchmark script, not an app: no env.ts
  const postgres = args.postgres ?? process.env.PG_URL ?? process.env.TEST_DATABASE_URL;
  const cpus = os.cpus();
  process.stdout.write(
    [
      `machine: ${cpus.length} × ${cpus[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}; load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} at start`,
      `node ${process.version}; ${int('workers')} workers in this process (fetch, keep-alive); server a separate process`,
      `jobs: instant ${int('jobs')}, hold ${int('hold-jobs')} × ${int('hold-ms')} ms, each run at most ${int('max-s')} s; warm-up ${int('warmup')} jobs or ${int('warmup-s')} s (not measured); idle wait ${int('idle-ms')} ms; heartbeat every ${int('heartbeat-ms')} ms while holding`,
      `floor: bare node:http ${args['floor-in-process'] ? 'in this process' : 'in a child process'}, canned bodies captured from the real server`,
      `postgres: ${postgres ? postgres.replace(/\/\/[^@]*@/, '//***@') : 'not given (--postgres URL, PG_URL or TEST_DATABASE_URL)'}`,
      '',
    ].join('\n'),
  );

  const results: Result[] = [];
  let bodies: FloorBodies | undefined;
  // PGlite always starts: the floor's bodies are captured from it.
  {
    process.stderr.write('pglite: starting the server…\n');
    const server = await startServerProcess({});
    try {
      if (only.has('pglite'))
        results.push(...(await benchServer('pglite', server, shapes, (b) => (bodies = b))));
      else {
        const admin = apiClient(server.url, server.cliToken);
        bodies = await captureBodies(server, (await admin.admin.teams.query())[0]!.id);
      }
    } finally {
      await server.stop();
    }
  }
  if (only.has('floor') && bodies) {
    process.stderr.write('floor: starting the server…\n');
    results.unshift(...(await benchFloor(bodies, shapes)));
  }
  if (only.has('postgres') && postgres) {
    process.stderr.write('postgres: starting the server on a scratch database…\n');
    const server = await startServerProcess({ postgresAdminUrl: postgres });
    try {
      results.push(...(await benchServer('postgres', server, shapes)));
    } finally {
      await server.stop();
    }
  }
  const order: Backend[] = ['floor', 'pglite', 'postgres'];
  results.sort(
    (a, b) =>
      shapes.indexOf(a.shape) - shapes.indexOf(b.shape) ||
      order.indexOf(a.backend) - order.indexOf(b.backend),
  );
  process.stdout.write(`${table(results)}\n\n`);
  process.stdout.write(
    [
      'claims/s: successful claims over the wall time of the run (queue filled first, warm-up excluded);',
      `  * = stopped at --max-s (${int('max-s')} s) with jobs still queued: claims/s is over that time.`,
      'claim p50/p99: every claim call, ms, client-side; hit: claims that got a job; compl: workers.complete;',
      'hb: heartbeats sent while holding a job; empty: claims answered null; hit %: claims that got a job;',
      'errors: by procedure and tRPC code;',
      'load: 1-minute load average at the end of the run (above the core count, the figures are depressed).',
      '',
    ].join('\n'),
  );
  if (args.json) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      args.json,
      JSON.stringify({ node: process.version, cpus: cpus.length, results }, null, 2),
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
