import { describe, expect, it } from 'vitest';

import { runCli } from './run-cli';

const run = (args: string[]) => runCli(['estimate', 'training', ...args]);

// Patterson et al. 2021, Table 4, GPT-3: 10,000 V100 × 14.8 days × 330 W × PUE 1.1 ≈ 1,287 MWh;
// × 0.429 kgCO2e/kWh ≈ 552 tCO2e.
const gpt3 = [
  '--gpu',
  'V100',
  '--count',
  '10000',
  '--days',
  '14.8',
  '--power-w',
  '330',
  '--pue',
  '1.1',
  '--grid-intensity',
  '0.429',
];

describe('wattwise estimate training', () => {
  it('reproduces Patterson et al. 2021 for GPT-3 within 1 %, as one JSON object', async () => {
    const r = await run([...gpt3, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout);
    expect(Math.abs(e.facilityEnergyKWh / 1_287_000 - 1)).toBeLessThan(0.01);
    expect(Math.abs(e.co2eKg / 552_000 - 1)).toBeLessThan(0.01);
    expect(e.gpuHours).toBeCloseTo(10_000 * 14.8 * 24, 6);
    expect(e.days).toBeCloseTo(14.8, 12);
    expect(e.itEnergyKWh).toBeCloseTo(e.facilityEnergyKWh / 1.1, 6);
    expect(e.flops).toBeNull();
    expect(Object.keys(e.cost).sort()).toEqual([
      'bandwidth',
      'currency',
      'energy',
      'hardware',
      'operations',
      'storage',
      'total',
    ]);
    expect(e.cost.currency).toBe('USD');
    expect(e.sources.power.label).toBe('measured');
    expect(e.sources.hardware.label).toBe('rated');
  });

  it('175B parameters × 300B tokens = 3.15e23 FLOPs, and the implied MFU', async () => {
    const r = await run([...gpt3, '--params', '175B', '--tokens', '300e9', '--json']);
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout);
    expect(e.flops).toBeCloseTo(3.15e23, -20);
    expect(e.mfu).toBeGreaterThan(0.19);
    expect(e.mfu).toBeLessThan(0.21);
  });

  it('prints a table by default', async () => {
    const r = await run(['--gpu', 'H100 SXM', '--count', '64', '--flops', '1e22']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/facility energy/);
    expect(r.stdout).toMatch(/total \(USD\)/);
    expect(r.stdout).toMatch(/modelled: FLOPs \//);
  });

  it('takes a bundled grid zone as the site, in its own currency', async () => {
    const r = await run([
      '--gpu',
      'A100 80GB',
      '--gpu-hours',
      '1000',
      '--site',
      'DE-LU',
      '--fx-per-usd',
      '0.92',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    const e = JSON.parse(r.stdout);
    expect(e.cost.currency).toBe('EUR');
    // 2023 means from the bundled data: 95.20 EUR/MWh and 307.7 gCO2eq/kWh.
    expect(e.cost.energy / e.facilityEnergyKWh).toBeCloseTo(0.0952, 4);
    expect(e.gridKgPerKWh).toBeCloseTo(0.3077, 4);
  });

  it.each([
    [['--count', '8', '--days', '1'], /--gpu is required/],
    [
      ['--gpu', 'V100'],
      /missing input: give --flops, --params with --tokens, --gpu-hours or --days/,
    ],
    [['--gpu', 'V100', '--params', '1e9'], /--tokens is required with --params/],
    [
      ['--gpu', 'V100', '--flops', '1e20', '--params', '1e9', '--tokens', '1e9'],
      /--flops contradicts --params/,
    ],
    [['--gpu', 'V100', '--days', '1', '--gpu-hours', '5'], /--gpu-hours contradicts --days/],
    [['--gpu', 'V100', '--flops', '1e20', '--days', '1', '--mfu', '0.3'], /--mfu 0.3 contradicts/],
    [['--gpu', 'V100', '--days', 'two'], /--days "two" is not a number/],
    [['--gpu', 'V100', '--days', '1', '--pue', '0.8'], /--pue 0.8 must be/],
    [
      ['--gpu', 'V100', '--flops', '1e20', '--precision', 'bf16'],
      /--precision "bf16" is not a rate/,
    ],
    [['--gpu', 'H100', '--days', '1'], /--gpu "H100" is ambiguous/],
    [['--gpu', 'V100', '--days', '1', '--site', 'Mars'], /--site "Mars" is not a known site/],
    [['--gpu', 'V100', '--days', '1', '--site', 'GB'], /--price is required: site GB/],
    [['--gpu', 'V100', '--days', '1', '--site', 'DE-LU'], /--fx-per-usd is required/],
    [['--gpu', 'V100', '--days', '1', '--precision', 'int4'], /--precision.*int4/],
    [['--gpu', 'V100', '--days', '1', '--gpus', '8'], /unknown option '--gpus'/],
  ])('%j → exit 2, naming the input', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
