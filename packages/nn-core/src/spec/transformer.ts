import { z } from 'zod';

import type { MemoryAccount, MemoryOptions } from './accounting';

const count = z.number().int().positive();

/** A decoder-only (GPT-style) transformer, for accounting only: nn-core does not train these. */
export const transformerSpec = z
  .strictObject({
    kind: z.literal('transformer'),
    name: z.string().min(1).optional(),
    layers: count,
    dModel: count,
    heads: count,
    /** Width of the feed-forward block; default 4 · dModel. */
    dFf: count.optional(),
    vocabSize: count,
    contextLength: count,
    /** Whether the output projection reuses the token embedding (GPT-2 and GPT-3 do). */
    tiedEmbeddings: z.boolean().default(true),
    /** Learned absolute positions add contextLength · dModel parameters; rotary and ALiBi add none. */
    positionalEmbedding: z.enum(['learned', 'none']).default('learned'),
    /** A causal model attends, on average over a full context, to (contextLength + 1) / 2 positions. */
    causal: z.boolean().default(true),
  })
  .refine((s) => s.dModel % s.heads === 0, {
    path: ['heads'],
    message: 'dModel must be a multiple of heads',
  });

export type TransformerSpec = z.infer<typeof transformerSpec>;

/*
 * Parameters are counted exactly for a GPT-2/GPT-3 block: Q, K, V and output projections (4·d² + 4·d
 * with biases), feed-forward d·dFf + dFf + dFf·d + d, two layer norms (gain and bias, 4·d); plus the
 * token embedding V·d, learned positions n_ctx·d, a final layer norm 2·d and, when not tied, an
 * output projection V·d.
 *
 * FLOPs per token follow Kaplan et al. 2020 (Table 1): a multiply-add is 2 FLOPs; the weight
 * matrices cost 2 · (their size) per token, the output projection (logits) included; attention adds
 * QKᵀ and A·V, 2 · d · (positions attended) each per layer. Biases, layer norms, softmax, GELU and
 * residual adds are left out (well under 1 % at these sizes), as there. Training is forward + a
 * backward pass of twice the forward, so 3 × forward; 6·N·D is the same rule with N the parameters
 * and no attention term.
 */

export type TransformerAccount = {
  kind: 'transformer';
  dFf: number;
  params: {
    total: number;
    tokenEmbedding: number;
    positionEmbedding: number;
    perLayer: { attention: number; feedForward: number; layerNorms: number; total: number };
    finalLayerNorm: number;
    /** 0 when tied to the token embedding. */
    outputProjection: number;
    /** Everything but the embeddings and the output projection (Kaplan's N, with biases and norms). */
    nonEmbedding: number;
    /** Kaplan's approximation 2 · layers · dModel · (2 · dModel + dFf); 12 · layers · dModel² when dFf = 4 · dModel. */
    approxNonEmbedding: number;
  };
  flopsPerToken: {
    /** Weight matrices only (and the logits), no attention term. */
    forwardWithoutAttention: number;
    /** QKᵀ and A·V over the positions attended. */
    attention: number;
    forward: number;
    trainingWithoutAttention: number;
    training: number;
  };
  /** Training memory at `batchSize` sequences of contextLength tokens. */
  memory: MemoryAccount & { optimizer: 'adam' };
};

export function transformerAccount(
  spec: TransformerSpec,
  opts: MemoryOptions = {},
): TransformerAccount {
  const { layers: L, dModel: d, vocabSize: V, contextLength: n, heads } = spec;
  const dFf = spec.dFf ?? 4 * d;
  const batchSize = opts.batchSize ?? 1;
  const bytesPerValue = opts.bytesPerValue ?? 4;
  for (const [name, v] of [
    ['batchSize', batchSize],
    ['bytesPerValue', bytesPerValue],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0)
      throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }

  const attention = 4 * d * d + 4 * d;
  const feedForward = 2 * d * dFf + dFf + d;
  const layerNorms = 4 * d;
  const perLayer = attention + feedForward + layerNorms;
  const tokenEmbedding = V * d;
  const positionEmbedding = spec.positionalEmbedding === 'learned' ? n * d : 0;
  const finalLayerNorm = 2 * d;
  const outputProjection = spec.tiedEmbeddings ? 0 : V * d;
  const nonEmbedding = L * perLayer + finalLayerNorm;
  const total = nonEmbedding + tokenEmbedding + positionEmbedding + outputProjection;

  const matmulWeights = L * (4 * d * d + 2 * d * dFf) + d * V;
  const forwardWithoutAttention = 2 * matmulWeights;
  const attended = spec.causal ? (n + 1) / 2 : n;
  const attentionFlops = L * 2 * (2 * d * attended);
  const forward = forwardWithoutAttention + attentionFlops;

  // Korthikanti et al. 2022, §4.1: s·b·h·(34 + 5·a·s/h) bytes per layer with 16-bit activations
  // and no recomputation; this term is in those bytes whatever bytesPerValue is.
  const activations = L * n * batchSize * d * (34 + (5 * heads * n) / d);
  const weights = total * bytesPerValue;
  return {
    kind: 'transformer',
    dFf,
    params: {
      total,
      tokenEmbedding,
      positionEmbedding,
      perLayer: { attention, feedForward, layerNorms, total: perLayer },
      finalLayerNorm,
      outputProjection,
      nonEmbedding,
      approxNonEmbedding: 2 * L * d * (2 * d + dFf),
    },
    flopsPerToken: {
      forwardWithoutAttention,
      attention: attentionFlops,
      forward,
      trainingWithoutAttention: 3 * forwardWithoutAttention,
      training: 3 * forward,
    },
    memory: {
      optimizer: 'adam',
      batchSize,
      bytesPerValue,
      weights,
      gradients: weights,
      optimizerState: 2 * weights,
      activations,
      total: 4 * weights + activations,
    },
  };
}
