// The `./spec`, `./reference` and `./gpus` entries must load without TensorFlow.js: the API and the
// browser import them. Follow every relative import from each entry and look for a TensorFlow one.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import pkg from '../package.json' with { type: 'json' };

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(
      /(?:import|export)[^'";]*?from\s+['"]([^'"]+)['"]|import\s*\(?\s*['"]([^'"]+)['"]/g,
    ),
  ].map((m) => (m[1] ?? m[2])!);
}

function closure(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of imports(file)) {
      if (spec.startsWith('.'))
        visit(resolve(dirname(file), spec.endsWith('.ts') ? spec : `${spec}.ts`));
      else packages.add(spec);
    }
  };
  visit(join(root, entry));
  return { files: [...files], packages: [...packages] };
}

describe('entry points', () => {
  it.each(['./spec', './reference', './gpus'] as const)('%s imports no TensorFlow.js', (entry) => {
    const { files, packages } = closure(pkg.exports[entry]);
    expect(files.length).toBeGreaterThan(0);
    expect(packages.filter((p) => p.includes('tensorflow'))).toEqual([]);
  });

  it('the main entry does (so the check above can see one)', () => {
    expect(closure(pkg.exports['.']).packages).toContain('@tensorflow/tfjs');
  });
});
