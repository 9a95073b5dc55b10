import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

import { stopProcessGroup } from '@wattwise/server/testing';

/** A child started in its own process group, its output going to a log file. */
export type Started = { name: string; child: ChildProcess; logPath: string; output(): string };

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
  const output = () => {
    try {
      return readFileSync(logPath, 'utf8');
    } catch {
      return '(no log)';
    }
  };
  return { name, child, logPath, output };
}

export function logTail(started: Started, lines = 30): string {
  return started.output().trimEnd().split('\n').slice(-lines).join('\n');
}

/** SIGTERM to each process group, then SIGKILL to whatever is left after `graceMs`. */
export async function stopAll(started: Started[], graceMs = 5000): Promise<void> {
  await Promise.all(started.map((s) => stopProcessGroup(s.child, graceMs)));
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
