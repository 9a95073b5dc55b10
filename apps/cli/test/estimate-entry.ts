/**
 * A stand-in for src/main.ts that registers only `estimate`, so its tests do not depend on how the
 * rest of the CLI is wired: usage errors exit 2 with one line on stderr, as in main.ts.
 */
import { Command, CommanderError } from 'commander';

import { registerEstimateCommand } from '../src/commands/estimate';
import { CliError } from '../src/errors';

const program = new Command()
  .name('wattwise')
  .exitOverride()
  .configureOutput({
    outputError: (message, write) => write(`${message.trim().replace(/\s*\n\s*/g, ' ')}\n`),
  });
registerEstimateCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exitCode = err.exitCode === 0 ? 0 : 2;
  else {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = err instanceof CliError ? err.exitCode : 1;
  }
}
