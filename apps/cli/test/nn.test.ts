import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { runCli } from './run-cli';

const dir = mkdtempSync(join(tmpdir(), 'wattwise-nn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function specFile(name: string, spec: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof spec === 'string' ? spec : JSON.stringify(spec));
  return path;
}

const gpt3 = specFile('gpt3.json', {
  kind: 'transformer',
  layers: 96,
  dModel: 12288,
  heads: 96,
  contextLength: 2048,
  vocabSize: 50257,
});
const mlp = specFile('mlp.json', {
  kind: 'dense',
  name: 'mnist',
  inputs: 784,
  layers: [
    { type: 'dense', units: 512, activation: 'relu' },
    { type: 'dense', units: 512, activation: 'relu' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
  loss: 'categoricalCrossentropy',
  optimizer: { type: 'adam' },
});

describe('wattwise nn worked-example', () => {
  it('prints every intermediate as JSON, matching the values worked out by hand', async () => {
    const r = await runCli(['nn', 'worked-example', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // z1 = 0.5 + 1.4 + 0.3; z2 = 0.3·2.2 + 0.5; E = ½·1.16²; δ2 = 1.16; δ1 = 1.16·0.3; w ← w − 0.1·∂E/∂w.
    expect(JSON.parse(r.stdout)).toMatchObject({
      z1: 2.2,
      a1: 2.2,
      z2: 1.16,
      yHat: 1.16,
      E: 0.6728,
      delta2: 1.16,
      delta1: 0.348,
      gradients: { w11: 0.348, w12: 0.696, b1: 0.348, w21: 2.552, b2: 1.16 },
      updated: { w11: 0.4652, w12: 0.6304, b1: 0.2652, w21: 0.0448, b2: 0.384 },
      EAfter: 0.111961845649,
    });
  });

  it('prints a table by default', async () => {
    const r = await runCli(['nn', 'worked-example']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^z1\s+w11·x1 \+ w12·x2 \+ b1\s+2\.2$/m);
    expect(r.stdout).toMatch(/^δ1\s.*\s0\.348$/m);
    expect(r.stdout).toMatch(/^w21\s+0\.3 − 0\.1·2\.552\s+0\.0448$/m);
  });
});

describe('wattwise nn flops', () => {
  it('gives the GPT-3 shape ~175 B parameters and 300 B tokens ~3.14e23 training FLOPs', async () => {
    const r = await runCli(['nn', 'flops', '--spec', gpt3, '--tokens', '300B', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.account.dFf).toBe(4 * 12288);
    expect(Math.abs(report.account.params.total / 175e9 - 1)).toBeLessThan(0.01);
    expect(report.run.tokens).toBe(300e9);
    expect(Math.abs(report.run.sixND / 3.14e23 - 1)).toBeLessThan(0.01);
    expect(report.account.flopsPerToken.attention).toBeGreaterThan(0);
  });

  it('prints the accounting as text', async () => {
    const r = await runCli(['nn', 'flops', '--spec', gpt3, '--tokens', '3e11']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('174,604,259,328 (174.6 B)');
    expect(r.stdout).toMatch(/6·N·D = 3\.143e\+23/);
  });

  it('counts a dense network per layer, with its memory at a batch size', async () => {
    const r = await runCli([
      'nn',
      'flops',
      '--spec',
      mlp,
      '--batch-size',
      '128',
      '--samples',
      '60000',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // 784·512 + 512 params; forward 2·784·512 + 512 + 512 FLOPs; no input gradient in layer 1.
    expect(r.stdout).toMatch(/^1\s+784→512\s+relu\s+401,920\s+803,840\s+803,840$/m);
    expect(r.stdout).toMatch(/^total\s+669,706\s+1,339,431\s+1,873,969$/m);
    expect(r.stdout).toContain('memory at batch 128, 4 bytes per value, adam');
    const json = JSON.parse(
      (await runCli(['nn', 'flops', '--spec', mlp, '--json', '--samples', '10'])).stdout,
    );
    expect(json.run).toEqual({ samples: 10, sixND: 6 * 669_706 * 10, flops: 3_213_400 * 10 });
  });
});

describe('wattwise nn seed-demo', () => {
  it('beats the majority-class baseline and reports loss per epoch and the boundary', async () => {
    const r = await runCli(['nn', 'seed-demo', '--epochs', '40', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.epochs).toBe(40);
    expect(d.lossPerEpoch).toHaveLength(40);
    expect(d.testSize).toBe(1000);
    expect(d.baseline.accuracy).toBeGreaterThan(0.8);
    expect(d.accuracy).toBeGreaterThan(d.baseline.accuracy + 0.05);
    expect(Object.keys(d.boundary).sort()).toEqual(['b', 'w1', 'w2']);
    expect(d.baseline.why).toContain('1 − 0.125 = 0.875');
  });
});

describe('wattwise nn: bad usage', () => {
  const bad = specFile('bad.json', {
    kind: 'dense',
    inputs: 2,
    layers: [{ type: 'dense', units: 0 }],
  });
  const notJson = specFile('not.json', '{ kind: dense');
  const cases: { args: string[]; names: string }[] = [
    { args: ['nn', 'seed-demo', '--epochs', '0'], names: '--epochs' },
    { args: ['nn', 'seed-demo', '--epochs', 'many'], names: '--epochs' },
    { args: ['nn', 'seed-demo', '--seed', '-1'], names: '--seed' },
    { args: ['nn', 'flops'], names: '--spec' },
    { args: ['nn', 'flops', '--spec', join(dir, 'missing.json')], names: '--spec' },
    { args: ['nn', 'flops', '--spec', notJson], names: 'not JSON' },
    { args: ['nn', 'flops', '--spec', bad], names: 'layers.0.units' },
    { args: ['nn', 'flops', '--spec', gpt3, '--tokens', 'lots'], names: '--tokens' },
    { args: ['nn', 'flops', '--spec', mlp, '--tokens', '5'], names: '--tokens' },
    { args: ['nn', 'flops', '--spec', gpt3, '--batch-size', '0'], names: '--batch-size' },
    { args: ['nn', 'worked-example', '--bogus'], names: "unknown option '--bogus'" },
  ];

  // Each case is a process that stops at its usage check: run them side by side.
  it.concurrent.for(cases.map((c) => ({ ...c, line: c.args.join(' ') })))(
    'wattwise $line: exit 2, one line naming $names',
    async ({ args, names }, { expect }) => {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(names);
      expect(r.stderr).toMatch(/^error: /);
    },
  );
});
