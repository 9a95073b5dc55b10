import { describe, expect, it } from 'vitest';

import { recommend, type RecommendInput } from './recommend';

// Night 0.05, day 0.20 per kWh.
const priceByHour = Array.from({ length: 24 }, (_, h) => (h < 6 ? 0.05 : 0.2));
const avg = (6 * 0.05 + 18 * 0.2) / 24;
const input: RecommendInput = {
  currency: 'EUR',
  pue: 1.25,
  priceByHour,
  hardwarePerGpuHour: 1,
  idleNodes: [
    { node: 'node_7', gpus: 8, idleGpuHoursPerMonth: 2000, idleWPerGpu: 100, measured: true },
  ],
  deferrableJobs: [
    {
      job: 'job_nightly',
      startHour: 18,
      hours: 4,
      itKWhPerRun: 100,
      runsPerMonth: 30,
      slackHours: 8,
    },
  ],
  requests: [
    { job: 'job_big', gpusRequested: 8, gpusUsedP95: 2, gpuHoursPerMonth: 800 },
    { job: 'job_fine', gpusRequested: 8, gpusUsedP95: 7, gpuHoursPerMonth: 800 },
  ],
  storage: {
    datasets: [
      { name: 'ds_old', tb: 40, daysSinceRead: 200 },
      { name: 'ds_new', tb: 40, daysSinceRead: 3 },
    ],
    hotPricePerTbMonth: 20,
    coldPricePerTbMonth: 4,
  },
  inference: [{ service: 'chat', gpuHoursPerMonth: 1000, precision: 'bf16', powerW: 500 }],
};

describe('recommend', () => {
  const recs = recommend(input);
  const by = (kind: string) => recs.find((r) => r.kind === kind)!;

  it('prices each saving the simple way it says', () => {
    // 2,000 h × 100 W = 200 kWh × 1.25 × mean price.
    expect(by('power-down-idle').monthlySaving).toBeCloseTo(200 * 1.25 * avg, 9);
    expect(by('power-down-idle').confidence).toBe('high');
    // 18:00–22:00 at 0.20 → the first start within 8 h that runs wholly at night is 00:00 (00–04 at
    // 0.05): 100 kWh × 1.25 × 0.15 × 30.
    expect(by('shift-to-cheaper-hours').monthlySaving).toBeCloseTo(100 * 1.25 * 0.15 * 30, 9);
    expect(by('shift-to-cheaper-hours').why).toMatch(/starting at 0:00 instead of 18:00/);
    // 6 of 8 GPUs idle: 600 GPU-hours × 1.
    expect(by('right-size-request').monthlySaving).toBeCloseTo(600, 9);
    expect(recs.filter((r) => r.kind === 'right-size-request').map((r) => r.target)).toEqual([
      'job_big',
    ]);
    expect(by('tier-cold-data').monthlySaving).toBeCloseTo(40 * 16, 9);
    expect(recs.filter((r) => r.kind === 'tier-cold-data').map((r) => r.target)).toEqual([
      'ds_old',
    ]);
    expect(by('quantise-inference').confidence).toBe('low');
  });

  it('ranks by monthly saving', () => {
    const savings = recs.map((r) => r.monthlySaving);
    expect(savings).toEqual([...savings].sort((a, b) => b - a));
    expect(recs[0]!.kind).toBe('tier-cold-data');
  });

  it('names a bad input', () => {
    expect(() => recommend({ ...input, priceByHour: [1, 2] })).toThrow(
      /priceByHour 2 must hold 24/,
    );
    expect(() => recommend({ ...input, pue: 0.5 })).toThrow(/pue 0.5/);
    expect(() =>
      recommend({
        ...input,
        idleNodes: [
          { node: 'n', gpus: 1, idleGpuHoursPerMonth: -1, idleWPerGpu: 1, measured: true },
        ],
      }),
    ).toThrow(/idleNodes\[0\].idleGpuHoursPerMonth -1/);
  });
});
