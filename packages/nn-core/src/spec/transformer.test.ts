import { describe, expect, it } from 'vitest';

import { sixND } from './accounting';
import { transformerAccount, transformerSpec } from './transformer';

const GPT3 = {
  kind: 'transformer',
  layers: 96,
  dModel: 12288,
  heads: 96,
  contextLength: 2048,
  vocabSize: 50257,
};

describe('transformerAccount', () => {
  it('gives the GPT-3 shape its 175 B parameters', () => {
    const a = transformerAccount(transformerSpec.parse(GPT3));
    const d = 12288;
    expect(a.dFf).toBe(4 * d);
    // Per layer: attention 4·d² + 4·d = 603,979,776 + 49,152 = 604,028,928;
    // feed-forward 2·d·4d + 4d + d = 1,207,959,552 + 61,440 = 1,208,020,992; layer norms 4·d = 49,152.
    expect(a.params.perLayer).toEqual({
      attention: 604_028_928,
      feedForward: 1_208_020_992,
      layerNorms: 49_152,
      total: 1_812_099_072,
    });
    // 96 layers = 173,961,510,912, + final norm 24,576, + tokens 50,257·12,288 = 617,558,016,
    // + positions 2,048·12,288 = 25,165,824 = 174,604,259,328.
    expect(a.params.tokenEmbedding).toBe(617_558_016);
    expect(a.params.positionEmbedding).toBe(25_165_824);
    expect(a.params.outputProjection).toBe(0);
    expect(a.params.total).toBe(174_604_259_328);
    expect(a.params.total / 175e9).toBeGreaterThan(0.99);
    // Kaplan's 12·L·d² = 12·96·150,994,944 = 173,946,175,488.
    expect(a.params.approxNonEmbedding).toBe(173_946_175_488);
  });

  it('counts GPT-3 FLOPs per token with and without attention', () => {
    const a = transformerAccount(transformerSpec.parse(GPT3));
    // Weight matrices: 96·(4·d² + 8·d²) + d·V = 173,946,175,488 + 617,558,016 = 174,563,733,504; × 2.
    expect(a.flopsPerToken.forwardWithoutAttention).toBe(349_127_467_008);
    // Causal attention: 96 layers × 2 products × 2·d·(2048 + 1)/2 = 2·96·12,288·2,049 = 4,834,197,504.
    expect(a.flopsPerToken.attention).toBe(4_834_197_504);
    expect(a.flopsPerToken.forward).toBe(353_961_664_512);
    expect(a.flopsPerToken.training).toBe(3 * 353_961_664_512);
    // The attention term is ~1.4 % here: why 6·N·D, which leaves it out, is close.
    expect(a.flopsPerToken.attention / a.flopsPerToken.forward).toBeCloseTo(0.0137, 3);
    // 300 B tokens: 6·N·D = 6 × 174.6e9 × 300e9 ≈ 3.14e23, as Brown et al. 2020 report.
    expect(sixND(a.params.total, 300e9)).toBeCloseTo(3.1429e23, -19);
  });

  it('attends to the whole context when not causal, and unties the output projection', () => {
    const spec = transformerSpec.parse({
      kind: 'transformer',
      layers: 2,
      dModel: 8,
      heads: 2,
      dFf: 16,
      vocabSize: 10,
      contextLength: 4,
      causal: false,
      tiedEmbeddings: false,
      positionalEmbedding: 'none',
    });
    const a = transformerAccount(spec, { batchSize: 3, bytesPerValue: 2 });
    // Attention 4·64 + 32 = 288; feed-forward 2·8·16 + 16 + 8 = 280; norms 32; per layer 600.
    // 2 layers + final norm 16 = 1,216; tokens 80; output projection 80; positions 0 → 1,376.
    expect(a.params.total).toBe(1_376);
    // Matrices 2·(4·64 + 2·8·16) + 8·10 = 1,104 → 2,208 FLOPs; attention 2 layers · 2 · 2·8·4 = 256.
    expect(a.flopsPerToken.forwardWithoutAttention).toBe(2_208);
    expect(a.flopsPerToken.attention).toBe(256);
    // Activations (Korthikanti et al. 2022): L·s·b·h·(34 + 5·a·s/h) = 2·4·3·8·(34 + 5·2·4/8) = 7,488.
    expect(a.memory.activations).toBe(7_488);
    // Adam: weights, gradients and two moments, 2 bytes each.
    expect(a.memory.weights).toBe(2_752);
    expect(a.memory.total).toBe(4 * 2_752 + 7_488);
  });

  it('refuses heads that do not divide dModel', () => {
    const r = transformerSpec.safeParse({ ...GPT3, heads: 100 });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['heads']);
  });
});
