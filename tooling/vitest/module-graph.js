import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Every TypeScript module an entry pulls in through relative imports and re-exports, the entry
 * included: what a purity test (no Node built-ins, no environment, no clock) must read.
 * @param {string} file absolute path of the entry
 * @returns {string[]}
 */
export function moduleGraph(file, seen = new Set()) {
  if (seen.has(file)) return [...seen];
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm))
    moduleGraph(join(dirname(file), `${m[1]}.ts`), seen);
  return [...seen];
}
