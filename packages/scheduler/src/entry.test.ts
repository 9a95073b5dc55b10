import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** Every module the main entry pulls in, followed through relative imports. */
function graph(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm))
    graph(join(dirname(file), `${m[1]}.ts`), seen);
  return seen;
}

describe('the main entry', () => {
  it('is pure: no Node built-ins, no environment, no clock of its own, no Math.random', () => {
    const files = [...graph(join(here, 'index.ts'))];
    expect(files.some((f) => f.endsWith('node.ts'))).toBe(false);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(text, f).not.toMatch(/from 'node:|from '(fs|path|os|url)'|require\(/);
      expect(text, f).not.toMatch(
        /process\.|Date\.now\(|new Date\(\)|Math\.random\(|performance\.now/,
      );
    }
    expect(files.length).toBeGreaterThan(10);
  });
});
