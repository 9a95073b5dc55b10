import { describe, expect, it } from 'vitest';

import { runCli } from './run-cli';

describe('bad usage', () => {
  // No server is needed: every one of these is refused before anything is sent.
  const cases: { args: string[]; names: string }[] = [
    { args: ['jobs', 'list', '--bogus'], names: "unknown option '--bogus'" },
    { args: ['jobs', 'lis'], names: "unknown command 'lis'" },
    { args: ['frobnicate'], names: "unknown command 'frobnicate'" },
    { args: ['jobs', 'list', '--limit', 'abc'], names: '--limit' },
    { args: ['jobs', 'list', '--limit'], names: '--limit' },
    { args: ['jobs', 'list', '--state', 'sleeping'], names: '--state' },
    { args: ['jobs', 'submit', '--', 'echo', 'hi'], names: '--name' },
    { args: ['jobs', 'submit', '--nmae', 'x', '--', 'echo'], names: "unknown option '--nmae'" },
    { args: ['jobs', 'submit', '--name', 'x'], names: "'argv'" },
    {
      args: ['jobs', 'submit', '--name', 'x', '--max-attempts', '0', '--', 'true'],
      names: '--max-attempts',
    },
    {
      args: ['jobs', 'submit', '--name', 'x', '--timeout', 'soon', '--', 'true'],
      names: '--timeout',
    },
    { args: ['jobs', 'submit', '--name', 'x', '--env', 'NOEQUALS', '--', 'true'], names: '--env' },
  ];

  it.each(cases.map((c) => ({ ...c, line: c.args.join(' ') })))(
    'wattwise $line: exit 2, one line naming $names',
    async ({ args, names }) => {
      const run = await runCli(args);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain(names);
      expect(run.stderr).toMatch(/^error: /);
    },
  );

  it('--help exits 0', async () => {
    const run = await runCli(['jobs', 'submit', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--max-attempts');
  });
});
