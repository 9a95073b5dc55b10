import { describe, expect, it } from 'vitest';

import {
  LAB_METRICS,
  formatDeltaRatio,
  formatSimSeconds,
  labDelta,
  latestLabProgress,
  parseLabOutput,
} from './scheduler-lab-result';

function run(name: string, over: Record<string, unknown> = {}) {
  return {
    name,
    policy: { order: name },
    currency: 'USD',
    jobs: { total: 10, completed: 8, skipped: 2 },
    jct: { mean: 100, p50: 50, p99: 900 },
    wait: { mean: 20, p50: 0, p99: 300 },
    utilization: 0.5,
    unallocatedGpus: 0,
    energy: { itKWh: 10, facilityKWh: 12, byState: {} },
    energyCost: 3,
    co2eKg: 4,
    deadlineMisses: 0,
    makespanSeconds: 3600,
    events: 20,
    wallSeconds: 0.01,
    ...over,
  };
}

describe('scheduler lab result', () => {
  it('reads a compare output and every metric from it', () => {
    const out = parseLabOutput({
      exitCode: 0,
      outputTail: '',
      output: {
        input: { limit: 10 },
        compare: [run('fifo'), run('backfill', { energyCost: 2.5 })],
      },
    });
    expect(out?.compare.map((r) => r.name)).toEqual(['fifo', 'backfill']);
    const r = out!.compare[0]!;
    const values = Object.fromEntries(LAB_METRICS.map((m) => [m.key, m.value(r)]));
    expect(values).toEqual({
      jobsCompleted: 8,
      waitMean: 20,
      waitP99: 300,
      jctMean: 100,
      jctP99: 900,
      utilization: 0.5,
      unallocatedGpus: 0,
      itKWh: 10,
      facilityKWh: 12,
      energyCost: 3,
      co2eKg: 4,
      deadlineMisses: 0,
      makespan: 3600,
      events: 20,
      wallSeconds: 0.01,
    });
  });

  it('returns null for results without a comparison', () => {
    expect(parseLabOutput(null)).toBeNull();
    expect(parseLabOutput({ exitCode: 0, outputTail: '' })).toBeNull();
    expect(parseLabOutput({ output: { compare: [] } })).toBeNull();
    expect(parseLabOutput({ output: { name: 'fifo', jobs: {} } })).toBeNull();
  });

  it('takes the latest attempt’s progress', () => {
    expect(latestLabProgress([])).toBeNull();
    expect(
      latestLabProgress([
        { progress: { share: 0.2, run: 0, runs: 2, label: 'fifo' } },
        { progress: { share: 0.7, run: 1, runs: 2, label: 'backfill', jobsDone: 4 } },
        { progress: null },
      ]),
    ).toMatchObject({ share: 0.7, run: 1, label: 'backfill', jobsDone: 4 });
  });

  it('judges a change by the metric’s better direction', () => {
    expect(labDelta(2.5, 3, 'lower')).toMatchObject({ verdict: 'better' });
    expect(labDelta(2.5, 3, 'higher')).toMatchObject({ verdict: 'worse' });
    expect(labDelta(4, 4, 'lower')).toEqual({ diff: 0, ratio: 0, verdict: 'same' });
    expect(labDelta(5, 4, null).verdict).toBe('neutral');
    const d = labDelta(1.5, 1, 'lower');
    expect(d.ratio).toBeCloseTo(0.5, 12);
    expect(formatDeltaRatio(d)).toBe('+50 %');
    expect(formatDeltaRatio(labDelta(0.97, 1, 'lower'))).toBe('−3.0 %');
    expect(formatDeltaRatio(labDelta(2, 0, 'lower'))).toBe('up from 0');
  });

  it('writes simulated durations in days, hours, minutes or seconds', () => {
    expect(formatSimSeconds(0)).toBe('0 s');
    expect(formatSimSeconds(65)).toBe('1 min 5 s');
    expect(formatSimSeconds(2 * 3600 + 60 * 5)).toBe('2 h 5 min');
    expect(formatSimSeconds(3 * 86_400 + 4 * 3600)).toBe('3 d 4 h');
  });
});
