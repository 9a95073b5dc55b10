import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** A child started in its own process group, its output going to a log file. */
export type Started = { name: string; child: ChildProcess; logPath: string };

export function startProcess(
  name: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; logDir: string },
): Started {
  const logPath = path.join(opts.logDir, `${name}.log`);
  const log = createWriteStream(logPath);
  // detached: a new process group, so teardown can signal the child and anything it spawned.
  const child = spawn(process.execPath, args, {
    cwd: opts.cwd,
    env: opts.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return { name, child, logPath };
}

export function logTail(started: Started, lines = 30): string {
  try {
    return readFileSync(started.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined || exited(child)) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** SIGTERM to each process group, then SIGKILL to whatever is left after `graceMs`. */
export async function stopAll(started: Started[], graceMs = 5000): Promise<void> {
  const alive = started.filter((s) => !exited(s.child));
  for (const s of alive) signalGroup(s.child, 'SIGTERM');
  await Promise.all(
    alive.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (exited(s.child)) return resolve();
          const timer = setTimeout(() => {
            signalGroup(s.child, 'SIGKILL');
            resolve();
          }, graceMs);
          s.child.once('exit', () => {
            clearTimeout(timer);
            // Children of the leader (if any) may outlive it: clean the group up too.
            signalGroup(s.child, 'SIGKILL');
            resolve();
          });
        }),
    ),
  );
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns a value; fails early, with the log, if `watched` exits. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null>,
  opts: { timeoutMs: number; watched: Started },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    if (exited(opts.watched.child)) {
      throw new Error(`${opts.watched.name} exited before ${what}:\n${logTail(opts.watched)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${opts.timeoutMs} ms waiting for ${what}:\n${logTail(opts.watched)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
