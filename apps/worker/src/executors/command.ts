import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import type { Readable } from 'node:stream';

import { z } from 'zod';

import { OutputTail } from './output-tail';

/** What a `command` job carries; the server validated it on submit, the worker checks it again. */
export const commandPayload = z.object({
  argv: z.array(z.string()).min(1, 'needs at least the program to run'),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().min(1).optional(),
  timeoutSeconds: z.number().positive().optional(),
});
export type CommandPayload = z.infer<typeof commandPayload>;

/** Why the worker stopped a process before it ended by itself. */
export type StopReason = 'timeout' | 'cancel' | 'lease-lost' | 'shutdown';

export type CommandResult =
  | {
      kind: 'exited';
      exitCode: number | null;
      signal: NodeJS.Signals | null;
      outputTail: string;
      outputBytes: number;
      /** Set when the worker stopped the process; null when it ended by itself. */
      stoppedBy: StopReason | null;
      durationMs: number;
    }
  | {
      kind: 'spawn-failed';
      /** The errno code (ENOENT, EACCES, …). */
      code: string;
      message: string;
      /** Whether another try (here or elsewhere) could succeed: not for a missing program. */
      retryable: boolean;
    };

export type RunningCommand = {
  pid: number | undefined;
  result: Promise<CommandResult>;
  /** Stops the whole process group: SIGTERM, then SIGKILL after the grace period. The first reason wins. */
  stop(reason: StopReason): void;
};

export type CommandOptions = {
  /** The environment the job's own `env` is merged over. */
  baseEnv: NodeJS.ProcessEnv;
  /** Time between SIGTERM and SIGKILL. */
  killGraceMs?: number;
  tailLines?: number;
  tailBytes?: number;
  /** Written to the child's stdin, which is then closed (without it stdin is /dev/null). */
  input?: string;
  /**
   * Opens fd 3 in the child as a message pipe: each line the child writes there is handed over
   * here, apart from stdout and stderr (whose tail stays what a person reads).
   */
  onMessage?: (line: string) => void;
};

/** Longest a cancelled job may ignore SIGTERM before it is killed. */
const CANCEL_GRACE_MS = 3000;

/** Errors that another try could get past; a missing or forbidden program stays missing. */
const PERMANENT_SPAWN_ERRORS = new Set([
  'ENOENT',
  'EACCES',
  'ENOTDIR',
  'EISDIR',
  'ENOEXEC',
  'EPERM',
  'E2BIG',
]);

function spawnFailure(program: string, err: NodeJS.ErrnoException): CommandResult {
  const code = err.code ?? 'EUNKNOWN';
  const what =
    code === 'ENOENT'
      ? 'program not found'
      : code === 'EACCES'
        ? 'permission denied'
        : err.message.replace(/^spawn\s+\S+\s+/, '');
  return {
    kind: 'spawn-failed',
    code,
    message: `cannot start "${program}": ${what} (${code})`,
    retryable: !PERMANENT_SPAWN_ERRORS.has(code),
  };
}

/** Sends a signal to the child's whole process group (it leads one: it was spawned detached). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/**
 * Runs argv without a shell, in its own process group, with the job's env over `baseEnv` and its
 * cwd; keeps the tail of stdout and stderr together; enforces the job's timeout. When the program
 * exits, whatever it left running in its group is killed too.
 */
export function startCommand(payload: CommandPayload, opts: CommandOptions): RunningCommand {
  const [program, ...args] = payload.argv as [string, ...string[]];
  const started = performance.now();

  if (payload.cwd !== undefined) {
    let isDir = false;
    try {
      isDir = statSync(payload.cwd).isDirectory();
    } catch {
      // missing: reported below
    }
    if (!isDir) {
      return {
        pid: undefined,
        stop: () => {},
        result: Promise.resolve({
          kind: 'spawn-failed',
          code: 'ENOENT',
          message: `cannot start "${program}": working directory ${payload.cwd} does not exist on this worker`,
          retryable: false,
        }),
      };
    }
  }

  const tail = new OutputTail(opts.tailLines, opts.tailBytes);
  const graceMs = opts.killGraceMs ?? 10_000;
  let stoppedBy: StopReason | null = null;
  let killTimer: NodeJS.Timeout | undefined;
  let timeoutTimer: NodeJS.Timeout | undefined;

  const child = spawn(program, args, {
    cwd: payload.cwd,
    env: { ...opts.baseEnv, ...payload.env },
    detached: true,
    stdio: [
      opts.input !== undefined ? 'pipe' : 'ignore',
      'pipe',
      'pipe',
      ...(opts.onMessage ? (['pipe'] as const) : []),
    ],
  });
  const messages = opts.onMessage ? (child.stdio[3] as Readable | null) : null;
  if (opts.input !== undefined && child.stdin) {
    child.stdin.on('error', () => {}); // EPIPE: the child ended without reading it all
    child.stdin.end(opts.input);
  }

  const stop = (reason: StopReason) => {
    if (stoppedBy !== null || child.exitCode !== null || child.signalCode !== null) return;
    stoppedBy = reason;
    signalGroup(child, 'SIGTERM');
    // A cancel is promised to act within seconds, so it does not wait the whole grace period.
    const grace = reason === 'cancel' ? Math.min(graceMs, CANCEL_GRACE_MS) : graceMs;
    killTimer = setTimeout(() => signalGroup(child, 'SIGKILL'), grace);
  };

  const result = new Promise<CommandResult>((resolve) => {
    let settled = false;
    const finish = (r: CommandResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(killTimer);
      clearTimeout(timeoutTimer);
      resolve(r);
    };

    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => tail.push(chunk));
    }

    if (messages && opts.onMessage) {
      const onMessage = opts.onMessage;
      let pending = '';
      messages.setEncoding('utf8');
      messages.on('data', (chunk: string) => {
        if (!chunk.includes('\n')) {
          pending += chunk; // part of a long line (a saved model): no need to scan it all again
          return;
        }
        const lines = (pending + chunk).split('\n');
        pending = lines.pop()!;
        for (const line of lines) if (line.trim() !== '') onMessage(line);
      });
      messages.once('end', () => {
        if (pending.trim() !== '') onMessage(pending);
        pending = '';
      });
    }

    child.once('error', (err: NodeJS.ErrnoException) => {
      // Only a failure to start is reported this way; a started child ends through 'exit'.
      if (child.pid === undefined) finish(spawnFailure(program, err));
    });

    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    const done = () => {
      if (!exit) return;
      finish({
        kind: 'exited',
        exitCode: exit.code,
        signal: exit.signal,
        outputTail: tail.toString(),
        outputBytes: tail.bytes,
        stoppedBy,
        durationMs: performance.now() - started,
      });
    };
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      // The leader is gone: take down whatever it left behind, so no stray process holds a GPU.
      signalGroup(child, 'SIGKILL');
      // Output ends when the pipes close; don't wait forever for a descendant that left the group.
      setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        messages?.destroy();
        done();
      }, 2_000).unref();
    });
    child.once('close', done);
  });

  if (payload.timeoutSeconds !== undefined && child.pid !== undefined) {
    timeoutTimer = setTimeout(() => stop('timeout'), payload.timeoutSeconds * 1000);
  }

  return { pid: child.pid, result, stop };
}
