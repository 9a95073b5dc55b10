// The parent's half of the built-in job kinds (nn-train, simulate): the work runs in a child process,
// this worker's own entry started again as `exec <kind>` (exec.ts), so that the worker's event loop
// stays free for heartbeats and a cancel, a timeout or a lost lease stops the child exactly like a
// command. What passes between them: protocol.ts.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { describePayloadIssues } from '@wattwise/api/payloads';
import type { z } from 'zod';

import type { CommandOptions, CommandResult, RunningCommand } from './command';
import { startCommand } from './command';
import type { ExecKind, ExecMessage } from './protocol';

export type ExecutorResult =
  | (Extract<CommandResult, { kind: 'exited' }> & {
      /** The structured result (on success). */
      output?: Record<string, unknown>;
      /** Why it failed, as the child said (exit 2: its input was refused; `field` names the part). */
      error?: { message: string; field?: string };
    })
  | Extract<CommandResult, { kind: 'spawn-failed' }>;

/** A running job of a built-in kind: the same handle as a command's, with a richer result. */
export type RunningExecutor = Omit<RunningCommand, 'result'> & { result: Promise<ExecutorResult> };

export type ExecutorOptions<P> = Omit<CommandOptions, 'input' | 'onMessage'> & {
  /** Each progress message, in order. A callback that throws is ignored. */
  onProgress?: (progress: P) => void;
  /** How to start this worker again; default {@link selfCommand}. */
  self?: { execPath: string; args: string[] };
};

/**
 * `node [flags] <entry>`: the bundle (`dist/main.js`) when running from it; from source, `src/main.ts`
 * under tsx, whose loader is passed on (or added, under a test runner that has its own).
 */
export function selfCommand(): { execPath: string; args: string[] } {
  const here = fileURLToPath(import.meta.url);
  // A debugger's port cannot be shared with the child.
  const flags = process.execArgv.filter((a) => !/^--(inspect|debug)/.test(a));
  if (!here.endsWith('.ts')) return { execPath: process.execPath, args: [...flags, here] };
  const entry = join(dirname(here), '..', 'main.ts');
  if (!flags.some((a) => a.includes('tsx'))) {
    const loader = createRequire(import.meta.url).resolve('tsx');
    flags.push('--import', pathToFileURL(loader).href);
  }
  return { execPath: process.execPath, args: [...flags, entry] };
}

/** A result for a payload refused before anything started. */
function refused(kind: ExecKind, message: string): RunningExecutor {
  return {
    pid: undefined,
    stop: () => {},
    result: Promise.resolve({
      kind: 'spawn-failed',
      code: 'EINVAL',
      message: `invalid ${kind} payload: ${message}`,
      retryable: false,
    }),
  };
}

/**
 * Checks the payload with its schema, then runs `exec <kind>` in a child process with the parsed
 * payload on stdin. A payload that does not parse is refused without starting anything.
 */
export function startExecutor<S extends z.ZodType, P>(
  kind: ExecKind,
  schema: S,
  payload: unknown,
  opts: ExecutorOptions<P>,
  /** Turns the child's progress message into what `onProgress` hears. */
  toProgress: (message: Record<string, unknown>) => P = (m) => m as P,
): RunningExecutor {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) return refused(kind, describePayloadIssues(parsed.error));
  const data = parsed.data as { timeoutSeconds?: number };

  let output: Record<string, unknown> | undefined;
  let error: { message: string; field?: string } | undefined;
  const onMessage = (line: string) => {
    let msg: ExecMessage;
    try {
      msg = JSON.parse(line) as ExecMessage;
    } catch {
      return; // not ours
    }
    if (msg.type === 'result') output = msg.output;
    else if (msg.type === 'error') error = { message: msg.message, field: msg.field };
    else if (msg.type === 'progress' && opts.onProgress) {
      try {
        opts.onProgress(toProgress(msg.progress));
      } catch {
        // the caller's problem; the job goes on
      }
    }
  };

  const { onProgress: _onProgress, self = selfCommand(), ...commandOpts } = opts;
  const handle = startCommand(
    {
      argv: [self.execPath, ...self.args, 'exec', kind, '--messages-fd', '3'],
      ...(data.timeoutSeconds !== undefined ? { timeoutSeconds: data.timeoutSeconds } : {}),
    },
    { ...commandOpts, input: JSON.stringify(data), onMessage },
  );
  return {
    pid: handle.pid,
    stop: handle.stop,
    result: handle.result.then((r): ExecutorResult => {
      if (r.kind !== 'exited') return r;
      if (r.exitCode === 0 && !output && !error)
        error = { message: `exec ${kind} exited 0 without a result` };
      return { ...r, ...(output ? { output } : {}), ...(error ? { error } : {}) };
    }),
  };
}
