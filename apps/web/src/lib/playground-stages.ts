/**
 * The worked example's one training step, stage by stage, for the Playground's Back / Next panel.
 * Every value is read from nn-core's `workedExample()` (its float64 reference); this file only
 * says which value belongs to which stage and writes the formula beside it.
 */
import type { WorkedExample } from '@wattwise/nn-core/reference';

export type StageRow = {
  /** The symbol, e.g. "z1" or "∂E/∂w21". */
  name: string;
  /** How it is computed, in symbols. */
  formula: string;
  value: number;
};

export type Stage = {
  id: string;
  title: string;
  /** One sentence on what happens. */
  summary: string;
  rows: StageRow[];
};

/** Up to 10 significant digits, trailing zeros dropped: 0.6728, not 0.6727999999999999. */
export function showExact(x: number): string {
  return String(Number(x.toPrecision(10)));
}

export function workedExampleStages(w: WorkedExample): Stage[] {
  const g = w.given;
  return [
    {
      id: 'given',
      title: 'Given',
      summary:
        'A 2-1-1 network with ReLU units, one sample and its target, the starting weights and the learning rate η.',
      rows: [
        { name: 'x1', formula: 'input', value: g.x1 },
        { name: 'x2', formula: 'input', value: g.x2 },
        { name: 'y', formula: 'target', value: g.y },
        { name: 'w11', formula: 'weight x1 → hidden', value: g.w11 },
        { name: 'w12', formula: 'weight x2 → hidden', value: g.w12 },
        { name: 'b1', formula: 'hidden bias', value: g.b1 },
        { name: 'w21', formula: 'weight hidden → output', value: g.w21 },
        { name: 'b2', formula: 'output bias', value: g.b2 },
        { name: 'η', formula: 'learning rate', value: g.learningRate },
      ],
    },
    {
      id: 'hidden',
      title: 'Forward: hidden unit',
      summary: 'The hidden unit sums its weighted inputs and bias, then applies ReLU.',
      rows: [
        { name: 'z1', formula: 'w11·x1 + w12·x2 + b1', value: w.z1 },
        { name: 'a1', formula: 'relu(z1) = max(0, z1)', value: w.a1 },
      ],
    },
    {
      id: 'output',
      title: 'Forward: output unit',
      summary: 'The output unit does the same with the hidden activation.',
      rows: [
        { name: 'z2', formula: 'w21·a1 + b2', value: w.z2 },
        { name: 'ŷ', formula: 'relu(z2)', value: w.yHat },
      ],
    },
    {
      id: 'loss',
      title: 'Loss',
      summary: 'Half the squared error between the target and the prediction.',
      rows: [{ name: 'E', formula: '½(y − ŷ)²', value: w.E }],
    },
    {
      id: 'backward-output',
      title: 'Backward: output unit',
      summary:
        "The error signal at the output, then the gradients of the output unit's weight and bias.",
      rows: [
        { name: 'δ2', formula: '∂E/∂z2 = (ŷ − y)·relu′(z2)', value: w.delta2 },
        { name: '∂E/∂w21', formula: 'δ2·a1', value: w.gradients.w21 },
        { name: '∂E/∂b2', formula: 'δ2', value: w.gradients.b2 },
      ],
    },
    {
      id: 'backward-hidden',
      title: 'Backward: hidden unit',
      summary:
        'The error signal flows back through w21 (its value before the update) to the hidden unit.',
      rows: [
        { name: 'δ1', formula: '∂E/∂z1 = δ2·w21·relu′(z1)', value: w.delta1 },
        { name: '∂E/∂w11', formula: 'δ1·x1', value: w.gradients.w11 },
        { name: '∂E/∂w12', formula: 'δ1·x2', value: w.gradients.w12 },
        { name: '∂E/∂b1', formula: 'δ1', value: w.gradients.b1 },
      ],
    },
    {
      id: 'update',
      title: 'Weight update',
      summary: 'Plain gradient descent: every weight moves against its gradient, scaled by η.',
      rows: [
        { name: 'w11′', formula: 'w11 − η·∂E/∂w11', value: w.updated.w11 },
        { name: 'w12′', formula: 'w12 − η·∂E/∂w12', value: w.updated.w12 },
        { name: 'b1′', formula: 'b1 − η·∂E/∂b1', value: w.updated.b1 },
        { name: 'w21′', formula: 'w21 − η·∂E/∂w21', value: w.updated.w21 },
        { name: 'b2′', formula: 'b2 − η·∂E/∂b2', value: w.updated.b2 },
      ],
    },
    {
      id: 'after',
      title: 'After the step',
      summary: 'The same sample through the updated network: the loss has gone down.',
      rows: [
        { name: 'E before', formula: '½(y − ŷ)², old weights', value: w.E },
        { name: 'E after', formula: '½(y − ŷ′)², new weights', value: w.EAfter },
      ],
    },
  ];
}
