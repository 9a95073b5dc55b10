import { facilityTco } from '@wattwise/cost-model';
import { describe, expect, it } from 'vitest';

import {
  BASELINE_SETTINGS,
  activeLevers,
  baselineFacility,
  searchFromWhatIfState,
  waterfall,
  waterfallAxisStart,
  whatIfStateFromSearch,
} from './what-if-params';

describe('what-if URL state', () => {
  it('falls back to the defaults and leaves them out of the URL', () => {
    const state = whatIfStateFromSearch(new URLSearchParams(''));
    expect(state.gpu).toBe('h100-sxm5-80gb');
    for (const s of BASELINE_SETTINGS) expect(state.baseline[s.key]).toBe(s.fallback);
    expect(state.levers).toEqual({});
    expect(searchFromWhatIfState(state)).toBe('');
  });

  it('round-trips levers and a changed baseline; clamps and drops bad values', () => {
    const q = 'servers=10&util=2&pue=x&lever-pue=1.2&lever-hardware=b200-sxm-180gb&gpu=nope';
    const state = whatIfStateFromSearch(new URLSearchParams(q));
    expect(state.baseline.servers).toBe(10);
    expect(state.baseline.util).toBe(1);
    expect(state.baseline.pue).toBe(1.58);
    expect(state.gpu).toBe('h100-sxm5-80gb');
    expect(state.levers).toEqual({ 'lever-pue': 1.2 });
    expect(state.hardware).toBe('b200-sxm-180gb');
    expect(searchFromWhatIfState(state)).toBe(
      'servers=10&util=1&lever-pue=1.2&lever-hardware=b200-sxm-180gb',
    );
  });
});

describe('baselineFacility', () => {
  it('prices the GPUs from the catalogue and the host apart, over 30 days', () => {
    const state = whatIfStateFromSearch(new URLSearchParams('servers=2&host=40000'));
    const input = baselineFacility(state);
    expect(input.hardware.items[0]!.unitCapex).toBe(40_000 + 8 * 30_000);
    const r = facilityTco(input);
    expect(r.periodHours).toBe(720);
    expect(r.gpuCount).toBe(16);
    // Straight line over 4 years of 8,760 hours.
    expect(r.parts.hardware).toBeCloseTo((2 * 280_000 * 720) / (4 * 8760), 6);
  });
});

describe('waterfall', () => {
  it('steps add up from the baseline to the scenario, and a lone lever is its own step', () => {
    const state = whatIfStateFromSearch(
      new URLSearchParams(
        'lever-pue=1.2&lever-price=0.05&lever-idle-off=0.5&lever-hardware=b200-sxm-180gb',
      ),
    );
    const w = waterfall(baselineFacility(state), activeLevers(state));
    expect(w.steps.map((s) => s.key)).toEqual([
      'lever-pue',
      'lever-price',
      'lever-idle-off',
      'lever-hardware',
    ]);
    const sum = w.steps.reduce((a, s) => a + s.delta, 0);
    expect(w.result.baseline.total + sum).toBeCloseTo(w.result.scenario.total, 6);
    expect(w.steps.at(-1)!.after).toBeCloseTo(w.result.scenario.total, 6);
    // The first step has nothing before it, so it equals the lever alone.
    expect(w.steps[0]!.delta).toBeCloseTo(w.steps[0]!.alone, 6);
    // A lower PUE saves energy cost: 1.58 → 1.2 of the baseline energy.
    expect(w.steps[0]!.delta).toBeCloseTo(w.result.baseline.parts.energy * (1.2 / 1.58 - 1), 6);
  });

  it('with no levers is the baseline alone', () => {
    const state = whatIfStateFromSearch(new URLSearchParams(''));
    const w = waterfall(baselineFacility(state), activeLevers(state));
    expect(w.steps).toEqual([]);
    expect(w.result.scenario.total).toBe(w.result.baseline.total);
  });
});

describe('waterfallAxisStart', () => {
  it('starts at a round number below the lowest level when the steps are small', () => {
    expect(waterfallAxisStart([54_390, 53_970, 43_000])).toBe(30_000);
    expect(waterfallAxisStart([1000, 990, 995])).toBe(980);
  });

  it('starts at 0 when steps are large against the totals, or nothing is positive', () => {
    expect(waterfallAxisStart([100, 20])).toBe(0);
    expect(waterfallAxisStart([])).toBe(0);
    expect(waterfallAxisStart([0, 5])).toBe(0);
  });
});
