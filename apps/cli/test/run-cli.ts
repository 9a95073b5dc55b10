import { spawn } from 'node:child_process';
import { join } from 'node:path';

export type CliRun = { code: number | null; stdout: string; stderr: string };

const cliDir = new URL('..', import.meta.url).pathname;

/** Runs the CLI from source (`node --import tsx src/main.ts …`) as a separate process. */
export function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env };
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(cliDir, 'src/main.ts'), ...args],
      {
        cwd: opts.cwd ?? cliDir,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
