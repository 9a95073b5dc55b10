import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import type { CommandPayload, CommandResult } from './command';
import { startCommand } from './command';

const baseEnv = { PATH: '/usr/bin:/bin', WATTWISE_BASE: 'from-worker', SHARED: 'worker' };

function run(
  payload: CommandPayload,
  opts: { killGraceMs?: number; tailLines?: number; tailBytes?: number } = {},
) {
  return startCommand(payload, { baseEnv, ...opts });
}

function exited(r: CommandResult) {
  if (r.kind !== 'exited')
    throw new Error(`expected the process to run, got ${r.kind}: ${r.message}`);
  return r;
}

/** Whether a process runs; a zombie (killed, not yet reaped by its new parent) does not. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('command executor', () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'wattwise-cmd-')));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports exit codes, zero and not', async () => {
    expect(exited(await run({ argv: ['true'] }).result)).toMatchObject({
      exitCode: 0,
      signal: null,
      stoppedBy: null,
    });
    expect(exited(await run({ argv: ['sh', '-c', 'exit 3'] }).result)).toMatchObject({
      exitCode: 3,
      signal: null,
    });
  });

  it('reports the signal that ended a process', async () => {
    const r = exited(await run({ argv: ['sh', '-c', 'kill -USR1 $$'] }).result);
    expect(r).toMatchObject({ exitCode: null, signal: 'SIGUSR1', stoppedBy: null });
  });

  it('runs argv without a shell', async () => {
    const r = exited(await run({ argv: ['echo', '$HOME', '*', '`id`'] }).result);
    expect(r.outputTail).toBe('$HOME * `id`\n');
  });

  it('captures stdout and stderr together, in the order they arrive', async () => {
    const script = 'echo first; sleep 0.1; echo second >&2; sleep 0.1; echo third';
    expect(exited(await run({ argv: ['sh', '-c', script] }).result).outputTail).toBe(
      'first\nsecond\nthird\n',
    );
  });

  it('keeps only the tail of the output, limited in lines and bytes', async () => {
    const script =
      'i=1; while [ $i -le 200 ]; do echo "line $i"; i=$((i+1)); done; sleep 0.1; echo "to stderr" >&2';
    const r = exited(await run({ argv: ['sh', '-c', script] }, { tailLines: 50 }).result);
    const lines = r.outputTail.trimEnd().split('\n');
    expect(lines).toHaveLength(50);
    expect(lines[0]).toBe('line 152');
    expect(lines.at(-1)).toBe('to stderr');
    expect(r.outputBytes).toBeGreaterThan(Buffer.byteLength(r.outputTail));

    const big = exited(
      await run(
        { argv: ['sh', '-c', 'head -c 100000 /dev/zero | tr "\\0" x; echo; echo end'] },
        { tailBytes: 1024 },
      ).result,
    );
    expect(Buffer.byteLength(big.outputTail)).toBe(1024);
    expect(big.outputTail.endsWith('x\nend\n')).toBe(true);
    expect(big.outputBytes).toBe(100_000 + 1 + 4);
  });

  it("merges the job's env over the worker's and runs in its cwd", async () => {
    const r = exited(
      await run({
        argv: ['sh', '-c', 'echo "$WATTWISE_BASE $SHARED $JOB_ONLY"; pwd'],
        env: { SHARED: 'job', JOB_ONLY: 'yes' },
        cwd: dir,
      }).result,
    );
    expect(r.outputTail).toBe(`from-worker job yes\n${dir}\n`);
  });

  it('kills the whole process group on timeout', async () => {
    // The shell starts a grandchild and waits; the timeout must take down both.
    const started = Date.now();
    const handle = run({ argv: ['sh', '-c', 'sleep 30 & echo $!; wait'], timeoutSeconds: 0.5 });
    const r = exited(await handle.result);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(r).toMatchObject({ stoppedBy: 'timeout', exitCode: null, signal: 'SIGTERM' });
    const grandchild = Number(r.outputTail.trim());
    expect(grandchild).toBeGreaterThan(0);
    await new Promise((ok) => setTimeout(ok, 100));
    expect(alive(grandchild)).toBe(false);
  });

  it('sends SIGKILL after the grace period to a group that ignores SIGTERM', async () => {
    const handle = run(
      { argv: ['sh', '-c', 'trap "" TERM; sleep 30 & echo $!; while :; do sleep 0.1; done'] },
      { killGraceMs: 300 },
    );
    await new Promise((ok) => setTimeout(ok, 200));
    handle.stop('cancel');
    const r = exited(await handle.result);
    expect(r).toMatchObject({ stoppedBy: 'cancel', signal: 'SIGKILL' });
    await new Promise((ok) => setTimeout(ok, 100));
    expect(alive(Number(r.outputTail.trim().split('\n')[0]))).toBe(false);
  });

  it('kills what a finished process left running in its group', async () => {
    const r = exited(
      await run({ argv: ['sh', '-c', 'sleep 30 >/dev/null 2>&1 & echo $!'] }).result,
    );
    expect(r.exitCode).toBe(0);
    await new Promise((ok) => setTimeout(ok, 100));
    expect(alive(Number(r.outputTail.trim()))).toBe(false);
  });

  it('reports a program that does not exist as a permanent spawn failure', async () => {
    const r = await run({ argv: ['wattwise-no-such-program', '--flag'] }).result;
    expect(r).toEqual({
      kind: 'spawn-failed',
      code: 'ENOENT',
      message: 'cannot start "wattwise-no-such-program": program not found (ENOENT)',
      retryable: false,
    });
  });

  it('reports a missing working directory clearly', async () => {
    const r = await run({ argv: ['true'], cwd: join(dir, 'missing') }).result;
    expect(r).toMatchObject({ kind: 'spawn-failed', retryable: false });
    expect(r.kind === 'spawn-failed' && r.message).toContain(
      `working directory ${join(dir, 'missing')} does not exist`,
    );
  });

  it('feeds stdin and hands over the lines written to fd 3, apart from the output', async () => {
    const lines: string[] = [];
    const r = exited(
      await startCommand(
        { argv: ['sh', '-c', 'cat; printf \'{"n":1}\\n\\n{"n":2}\\nlast\' >&3; echo done'] },
        { baseEnv, input: 'from stdin\n', onMessage: (line) => lines.push(line) },
      ).result,
    );
    expect(r.exitCode).toBe(0);
    expect(r.outputTail).toBe('from stdin\ndone\n');
    // Blank lines are dropped; a last line without a newline still arrives.
    expect(lines).toEqual(['{"n":1}', '{"n":2}', 'last']);
  });
});
