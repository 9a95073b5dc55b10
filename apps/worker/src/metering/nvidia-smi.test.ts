import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  NvidiaSampler,
  parseSampleLine,
  parseTimestamp,
  SAMPLE_FIELDS,
  summarizeGpu,
} from './nvidia-smi';

/**
 * Readings in the shape an H100 answers the full SAMPLE_FIELDS query, every 500 ms: a load step
 * from 100 W to 500 W, then a driver reload that resets the energy counter to zero.
 */
const RECORDED = [
  '2026/11/28 10:00:00.000, 0, 1000000, 100.00, 100.00, 100.00, 0, 500',
  '2026/11/28 10:00:00.500, 0, 1050000, 100.00, 100.00, 100.00, 0, 500',
  '2026/11/28 10:00:01.000, 0, 1300000, 500.00, 300.00, 300.00, 100, 40000',
  '2026/11/28 10:00:01.500, 0, 1550000, 500.00, 500.00, 500.00, 100, 40000',
  '2026/11/28 10:00:02.000, 0, 250000, 500.00, 500.00, 500.00, 100, 40000',
];

describe('parsing nvidia-smi samples', () => {
  it('reads timestamps to the millisecond', () => {
    expect(parseTimestamp('2026/11/28 10:00:01.5')).toBe(Date.UTC(2026, 10, 28, 10, 0, 1, 500));
    expect(parseTimestamp('yesterday')).toBeNull();
  });

  it('reads every field and leaves out what the GPU does not report', () => {
    expect(parseSampleLine(RECORDED[2]!, SAMPLE_FIELDS)).toEqual({
      gpu: 0,
      tMs: Date.UTC(2026, 10, 28, 10, 0, 1),
      energyMj: 1_300_000,
      instantW: 500,
      averageW: 300,
      drawW: 300,
      utilizationPct: 100,
      memoryUsedMiB: 40_000,
    });
    const line = '2026/11/28 10:00:00.000, 1, [N/A], 71.30, [N/A], 71.30, 3, 10';
    expect(parseSampleLine(line, SAMPLE_FIELDS)).toMatchObject({ gpu: 1, instantW: 71.3 });
    expect(parseSampleLine(line, SAMPLE_FIELDS)).not.toHaveProperty('energyMj');
    expect(parseSampleLine('No devices were found', SAMPLE_FIELDS)).toBeNull();
  });
});

describe('summarizeGpu', () => {
  it('bills the counter delta across a reset and integrates each power field over the same window', () => {
    const samples = RECORDED.map((l) => parseSampleLine(l, SAMPLE_FIELDS)!);
    const e = summarizeGpu(samples, 0);
    // Counter: 50 + 250 + 250 J, then a reset to 250 J: 800 J.
    expect(e.counter).toEqual({ joules: 800, resets: 1, wraps: 0 });
    expect(e).toMatchObject({ joules: 800, method: 'nvml-energy', samples: 5, windowSeconds: 2 });
    // Instant power, trapezoids of 0.5 s: (100+100 + 100+500 + 500+500 + 500+500)/2 × 0.5 = 700 J.
    expect(e.integrated.instant).toBeCloseTo(700, 9);
    // The 1 s average lags the step: (200 + 400 + 800 + 1000)/2 × 0.5 = 600 J.
    expect(e.integrated.average).toBeCloseTo(600, 9);
  });

  it('falls back to integrated power, labelled so, where there is no counter', () => {
    const samples = RECORDED.map((l) => parseSampleLine(l, SAMPLE_FIELDS)!).map(
      ({ energyMj: _, ...s }) => s,
    );
    expect(summarizeGpu(samples, 0)).toMatchObject({
      joules: 700,
      method: 'nvml-power',
      counter: null,
    });
  });
});

describe('NvidiaSampler with a fake nvidia-smi replaying recorded readings', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fake-smi-'));
    const script = join(dir, 'nvidia-smi');
    // Field probes answer a number, or [N/A] for the field named in FAKE_UNSUPPORTED; the -lms
    // stream replays RECORDED, then waits to be stopped like the real loop.
    writeFileSync(
      script,
      `#!/bin/sh
case "$*" in
  *-lms=*) cat <<'EOF'\n${RECORDED.join('\n')}\nEOF\n exec sleep 60 ;;
  *"--query-gpu=$FAKE_UNSUPPORTED "*|*"--query-gpu=$FAKE_UNSUPPORTED") echo "[N/A]" ;;
  *) echo 42 ;;
esac
`,
    );
    chmodSync(script, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = (unsupported: string) => ({
    ...process.env,
    PATH: `${dir}:${process.env.PATH}`,
    FAKE_UNSUPPORTED: unsupported,
  });

  it('streams samples until stopped, the same as parsing the recorded lines', async () => {
    const sampler = await NvidiaSampler.start({ intervalMs: 100, env: env('none') });
    expect(sampler.fields).toEqual(SAMPLE_FIELDS);
    for (let i = 0; i < 100 && sampler.samples.length < RECORDED.length; i++)
      await new Promise((r) => setTimeout(r, 20));
    const samples = await sampler.stop();
    expect(samples).toEqual(RECORDED.map((l) => parseSampleLine(l, SAMPLE_FIELDS)));
    expect(summarizeGpu(samples, 0).joules).toBe(800);
  });

  it('leaves out a field the driver does not answer', async () => {
    const sampler = await NvidiaSampler.start({ intervalMs: 100, env: env('power.draw.instant') });
    await sampler.stop();
    expect(sampler.fields).toEqual(SAMPLE_FIELDS.filter((f) => f !== 'power.draw.instant'));
  });
});
