import { workedExample } from '@wattwise/nn-core/reference';
import { describe, expect, it } from 'vitest';

import { showExact, workedExampleStages } from './playground-stages';

describe('worked example stages', () => {
  const w = workedExample();
  const stages = workedExampleStages(w);
  const row = (stage: string, name: string) =>
    stages.find((s) => s.id === stage)!.rows.find((r) => r.name === name)!;

  it('walks forward, loss, backward, update and after, in order', () => {
    expect(stages.map((s) => s.id)).toEqual([
      'given',
      'hidden',
      'output',
      'loss',
      'backward-output',
      'backward-hidden',
      'update',
      'after',
    ]);
  });

  it("shows nn-core's own numbers, every field of the example once or more", () => {
    expect(row('loss', 'E').value).toBe(w.E);
    expect(row('hidden', 'z1').value).toBe(w.z1);
    expect(row('backward-hidden', 'δ1').value).toBe(w.delta1);
    expect(row('update', 'w21′').value).toBe(w.updated.w21);
    expect(row('after', 'E after').value).toBe(w.EAfter);
    const shown = new Set(stages.flatMap((s) => s.rows.map((r) => r.value)));
    const fields = [
      ...Object.values(w.given),
      w.z1,
      w.a1,
      w.z2,
      w.yHat,
      w.E,
      w.delta1,
      w.delta2,
      ...Object.values(w.gradients),
      ...Object.values(w.updated),
      w.EAfter,
    ];
    for (const f of fields) expect(shown.has(f)).toBe(true);
  });

  it('matches the hand computation written out in worked-example.ts of nn-core', () => {
    // The hand-worked values quoted in nn-core's worked-example.ts header comment.
    expect(showExact(row('loss', 'E').value)).toBe('0.6728');
    expect(showExact(row('backward-output', '∂E/∂w21').value)).toBe('2.552');
    expect(showExact(row('update', 'w11′').value)).toBe('0.4652');
    expect(showExact(row('after', 'E after').value)).toBe('0.1119618456');
  });

  it('drops float noise but keeps ten significant digits', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(showExact(0.1 + 0.2)).toBe('0.3');
    expect(showExact(1 / 3)).toBe('0.3333333333');
    expect(showExact(-2)).toBe('-2');
  });
});
