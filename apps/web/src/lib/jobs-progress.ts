import { z } from 'zod';

const epochStats = z.object({
  epoch: z.number(),
  loss: z.number(),
  accuracy: z.number().optional(),
  valLoss: z.number().optional(),
  valAccuracy: z.number().optional(),
});
export type EpochPoint = z.infer<typeof epochStats>;

const trainProgress = z.object({
  epoch: z.number(),
  epochs: z.number(),
  loss: z.number(),
  accuracy: z.number().optional(),
  history: z.array(epochStats),
});
export type TrainProgress = z.infer<typeof trainProgress>;

const trainOutput = z.object({
  kind: z.literal('nn-train'),
  metrics: z.object({ epochs: z.number(), loss: z.number(), accuracy: z.number().optional() }),
  history: z.array(epochStats),
});

/** An nn-train attempt's progress report (`{ epoch, epochs, loss, accuracy, history }`), or null. */
export function parseTrainProgress(progress: unknown): TrainProgress | null {
  const parsed = trainProgress.safeParse(progress);
  return parsed.success ? parsed.data : null;
}

/**
 * The curve to draw for an nn-train job: the finished result's history when there is one, else
 * the latest attempt's progress. `epochs` is how many were asked for.
 */
export function trainingCurve(
  output: unknown,
  attempts: readonly { progress: unknown }[],
): { history: EpochPoint[]; epochs: number; done: boolean } | null {
  const out = trainOutput.safeParse(output);
  if (out.success)
    return { history: out.data.history, epochs: out.data.metrics.epochs, done: true };
  for (let i = attempts.length - 1; i >= 0; i--) {
    const p = parseTrainProgress(attempts[i]!.progress);
    if (p) return { history: p.history, epochs: p.epochs, done: false };
  }
  return null;
}
