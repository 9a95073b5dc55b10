import { describe, expect, it } from 'vitest';

import { workedExample } from './worked-example';

// Every value below was worked out by hand (see the comment in worked-example.ts), not printed by
// the program.
describe('workedExample', () => {
  const w = workedExample();
  const close = (actual: number, expected: number) => expect(actual).toBeCloseTo(expected, 12);

  it('runs the forward pass', () => {
    close(w.z1, 2.2);
    close(w.a1, 2.2);
    close(w.z2, 1.16);
    close(w.yHat, 1.16);
    close(w.E, 0.6728);
  });

  it('runs the backward pass with the weights before the update', () => {
    close(w.delta2, 1.16);
    close(w.delta1, 0.348);
    close(w.gradients.w21, 2.552);
    close(w.gradients.b2, 1.16);
    close(w.gradients.w11, 0.348);
    close(w.gradients.w12, 0.696);
    close(w.gradients.b1, 0.348);
  });

  it('takes one SGD step with η = 0.1 and lowers the loss', () => {
    close(w.updated.w11, 0.4652);
    close(w.updated.w12, 0.6304);
    close(w.updated.b1, 0.2652);
    close(w.updated.w21, 0.0448);
    close(w.updated.b2, 0.384);
    close(w.EAfter, 0.1119618456485888);
  });

  it('keeps what it was given', () => {
    expect(w.given).toEqual({
      x1: 1,
      x2: 2,
      y: 0,
      w11: 0.5,
      w12: 0.7,
      b1: 0.3,
      w21: 0.3,
      b2: 0.5,
      learningRate: 0.1,
    });
  });
});
